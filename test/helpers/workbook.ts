import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import writeXlsxFile, { type Cell } from 'write-excel-file/node';

/**
 * An .xlsx made from a CSV fixture as Excel would save it: numbers as number cells, ISO dates and
 * times as date cells (Excel serials with a date format), the rest as text; `extraSheets` come first.
 */
export async function workbookFromCsv(csvPath: string, options: { sheet?: string; before?: string[] } = {}): Promise<Buffer> {
  const rows = parse(readFileSync(csvPath), { bom: true, relax_column_count: true }) as string[][];
  const cell = (text: string): Cell => {
    if (text === '') return null;
    if (/^-?\d+(\.\d+)?$/.test(text)) return { value: Number(text), type: Number };
    const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})Z?)?$/.exec(text);
    if (iso) {
      const [, y, mo, d, h = '0', mi = '0', s = '0'] = iso;
      return { value: new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s)), type: Date, format: iso[4] ? 'yyyy-mm-dd hh:mm:ss' : 'yyyy-mm-dd' };
    }
    return { value: text, type: String };
  };
  const data = rows.map((row, i) => (i === 0 ? row.map((h): Cell => ({ value: h, type: String })) : row.map(cell)));
  const sheets = [
    ...(options.before ?? []).map((name) => ({ sheet: name, data: [[{ value: 'not this sheet', type: String } as Cell]] })),
    { sheet: options.sheet ?? 'Responses', data },
  ];
  return writeXlsxFile(sheets).toBuffer();
}
