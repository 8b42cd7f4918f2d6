import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { strToU8, zipSync } from 'fflate';
import writeXlsxFile, { type Cell } from 'write-excel-file/node';

/**
 * An .xlsx made from a CSV fixture as Excel would save it: numbers as number cells, ISO dates and
 * times as date cells (Excel serials with a date format), the rest as text; `extraSheets` come first.
 */
export async function workbookFromCsv(
  csvPath: string,
  options: { sheet?: string; before?: string[] } = {},
): Promise<Buffer> {
  const rows = parse(readFileSync(csvPath), { bom: true, relax_column_count: true }) as string[][];
  const cell = (text: string): Cell => {
    if (text === '') return null;
    if (/^-?\d+(\.\d+)?$/.test(text)) return { value: Number(text), type: Number };
    const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})Z?)?$/.exec(text);
    if (iso) {
      const [, y, mo, d, h = '0', mi = '0', s = '0'] = iso;
      return {
        value: new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s)),
        type: Date,
        format: iso[4] ? 'yyyy-mm-dd hh:mm:ss' : 'yyyy-mm-dd',
      };
    }
    return { value: text, type: String };
  };
  const data = rows.map((row, i) => (i === 0 ? row.map((h): Cell => ({ value: h, type: String })) : row.map(cell)));
  const sheets = [
    ...(options.before ?? []).map((name) => ({
      sheet: name,
      data: [[{ value: 'not this sheet', type: String } as Cell]],
    })),
    { sheet: options.sheet ?? 'Responses', data },
  ];
  return writeXlsxFile(sheets).toBuffer();
}

/** A cell of rawWorkbook: text, a number, or an Excel date serial shown with a date format. */
export type RawCell = string | number | { readonly serial: number } | null;

const xmlText = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A1-style column letters of a 0-based index. */
const columnLetters = (index: number): string =>
  index < 26
    ? String.fromCharCode(65 + index)
    : columnLetters(Math.floor(index / 26) - 1) + String.fromCharCode(65 + (index % 26));

/**
 * An .xlsx written part by part, for the layouts write-excel-file does not make: text as inline
 * strings (as many exporters write it) or shared strings, dates as serials under a built-in date
 * format (22, m/d/yy h:mm), and sheets with no rows at all.
 */
export function rawWorkbook(
  sheets: readonly { name: string; rows: readonly (readonly RawCell[])[] }[],
  options: { strings: 'shared' | 'inline' },
): Buffer {
  const shared: string[] = [];
  const sharedIndex = new Map<string, number>();
  const cellXml = (value: RawCell, ref: string): string => {
    if (value === null || value === '') return '';
    if (typeof value === 'number') return `<c r="${ref}"><v>${value}</v></c>`;
    if (typeof value === 'object') return `<c r="${ref}" s="1"><v>${value.serial}</v></c>`;
    if (options.strings === 'inline')
      return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${xmlText(value)}</t></is></c>`;
    let index = sharedIndex.get(value);
    if (index === undefined) {
      index = shared.push(value) - 1;
      sharedIndex.set(value, index);
    }
    return `<c r="${ref}" t="s"><v>${index}</v></c>`;
  };
  const main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const relNs = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const files: Record<string, Uint8Array> = {};
  sheets.forEach((sheet, s) => {
    const rows = sheet.rows.map(
      (row, r) =>
        `<row r="${r + 1}">${row.map((value, c) => cellXml(value, `${columnLetters(c)}${r + 1}`)).join('')}</row>`,
    );
    files[`xl/worksheets/sheet${s + 1}.xml`] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><worksheet ${main}><sheetData>${rows.join('')}</sheetData></worksheet>`,
    );
  });
  const sheetRels = sheets.map(
    (_, s) => `<Relationship Id="rId${s + 1}" Type="${relNs}/worksheet" Target="worksheets/sheet${s + 1}.xml"/>`,
  );
  const extraRels = [`<Relationship Id="rIdStyles" Type="${relNs}/styles" Target="styles.xml"/>`];
  if (options.strings === 'shared') {
    extraRels.push(`<Relationship Id="rIdStrings" Type="${relNs}/sharedStrings" Target="sharedStrings.xml"/>`);
    const items = shared.map((text) => `<si><t xml:space="preserve">${xmlText(text)}</t></si>`).join('');
    files['xl/sharedStrings.xml'] = strToU8(
      `<?xml version="1.0" encoding="UTF-8"?><sst ${main} count="${shared.length}" uniqueCount="${shared.length}">${items}</sst>`,
    );
  }
  files['xl/styles.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><styleSheet ${main}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="22" applyNumberFormat="1"/></cellXfs></styleSheet>`,
  );
  files['xl/workbook.xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><workbook ${main} xmlns:r="${relNs}"><sheets>${sheets.map((sheet, s) => `<sheet name="${xmlText(sheet.name)}" sheetId="${s + 1}" r:id="rId${s + 1}"/>`).join('')}</sheets></workbook>`,
  );
  files['xl/_rels/workbook.xml.rels'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${[...sheetRels, ...extraRels].join('')}</Relationships>`,
  );
  const overrides = sheets.map(
    (_, s) =>
      `<Override PartName="/xl/worksheets/sheet${s + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
  );
  files['[Content_Types].xml'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${overrides.join('')}</Types>`,
  );
  files['_rels/.rels'] = strToU8(
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${relNs}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  return Buffer.from(zipSync(files));
}

/** An ISO date-time (`2024-01-05T08:00:00Z`) as an Excel serial: days since 1899-12-30, in UTC wall time. */
export const excelSerial = (iso: string): number => (Date.parse(iso) - Date.UTC(1899, 11, 30)) / 86_400_000;
