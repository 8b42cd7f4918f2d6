import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import writeXlsxFile, { type Sheet, type Cell as XlsxCell } from 'write-excel-file/node';
import { dataError } from '../errors.js';
import { type Column, forMachines, type Kind, type Report, type Row } from './model.js';
import { forWorkbook } from './sanitize.js';
import type { RenderOptions } from './style.js';
import { once, type Writer } from './writer.js';

export const xlsx: Writer = { write: (report, options) => once(renderXlsx(report, options)) };

/*
 * An Excel workbook: a sheet per table of the report (the columns and unrounded numbers of CSV
 * and JSON, typed, with number formats), a "Rows" sheet with the row accounting and an "About"
 * sheet with the meta. Every cell is written as a value: text is never a formula, whatever it holds.
 */

/** Rows an Excel sheet holds, its header row included. */
const MAX_SHEET_ROWS = 1_048_576;
/** Widths in characters: fitted to the longest cell shown, within these bounds. */
const MIN_WIDTH = 6;
const MAX_WIDTH = 60;

/** Number formats per kind; percentages are stored as fractions so that Excel computes with them. */
const NUMBER_FORMAT: Partial<Record<Kind, string>> = {
  count: '0',
  nps: '+0.0;-0.0;0.0',
  pct: '0.0%',
  // Four places, and small values in scientific notation: 2.1e-5 is not 0.0000.
  p: '[<0.001]0.0E+00;0.0000',
  stat: '0.00',
  number: 'General',
};

export async function renderXlsx(report: Report, _options: RenderOptions): Promise<Buffer> {
  const names = new SheetNames();
  const sheets: Sheet<never>[] = [];
  for (const table of report.tables) {
    if (!forMachines(table.audience)) continue;
    const columns = table.columns.filter((col) => forMachines(col.audience) && col.kind !== 'bar');
    const rows: Row[] = [...table.rows];
    if (table.rest) {
      for await (const row of table.rest) {
        if (rows.length + 1 >= MAX_SHEET_ROWS) {
          throw dataError(
            `the ${table.name} table has more rows than an Excel sheet holds (${MAX_SHEET_ROWS - 1})`,
            'write it as CSV (-o FILE.csv), or narrow it with --limit or the filters',
          );
        }
        rows.push(row);
      }
    }
    sheets.push(sheetOf(names.next(table.name), columns, rows));
  }
  const tables = sheets.length;
  sheets.push(keyValueSheet(names.next('Rows'), accountingRows(report.meta.rows)));
  sheets.push(keyValueSheet(names.next('About'), aboutRows(report)));
  return withFixedTimes(withPrintSetup(await writeXlsxFile(sheets).toBuffer(), tables));
}

/**
 * Every table's sheet set up to print: landscape, one page wide (as many long as it takes), its
 * header row repeated on each page. The writer has no options for these, so they are written into
 * its XML: a `fitToPage` sheet property and a page setup in each sheet, and the print titles as
 * defined names of the workbook.
 */
function withPrintSetup(zip: Buffer, tables: number): Buffer {
  const files = unzipSync(zip);
  const titles: string[] = [];
  const workbook = strFromU8(files['xl/workbook.xml']);
  const names = [...workbook.matchAll(/<sheet [^>]*name="([^"]*)"/g)].map((m) => m[1]);
  for (let i = 0; i < tables; i++) {
    const path = `xl/worksheets/sheet${i + 1}.xml`;
    const xml = strFromU8(files[path]);
    files[path] = strToU8(
      xml
        .replace(/(<worksheet\b[^>]*>)/, '$1<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        .replace(
          '</worksheet>',
          '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>' +
            '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>',
        ),
    );
    // The sheet name as written (XML-escaped), quoted for a formula: a quote inside is doubled.
    titles.push(
      `<definedName name="_xlnm.Print_Titles" localSheetId="${i}">'${names[i].replaceAll("'", "''")}'!$1:$1</definedName>`,
    );
  }
  files['xl/workbook.xml'] = strToU8(
    workbook.replace('<definedNames/>', `<definedNames>${titles.join('')}</definedNames>`),
  );
  return Buffer.from(zipSync(files, { level: 6 }));
}

/**
 * The workbook with every zip entry dated 1980-01-01 00:00 (the zip format's first day) instead of
 * the moment it was written, so the same report gives the same bytes. The central directory
 * lists each entry and where its local header is; both carry the DOS time and date.
 */
function withFixedTimes(zip: Buffer): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) return zip;
  const entries = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const FIRST_DAY = (0 << 9) | (1 << 5) | 1;
  for (let i = 0; i < entries && zip.readUInt32LE(at) === 0x02014b50; i++) {
    zip.writeUInt16LE(0, at + 12);
    zip.writeUInt16LE(FIRST_DAY, at + 14);
    const local = zip.readUInt32LE(at + 42);
    if (zip.readUInt32LE(local) === 0x04034b50) {
      zip.writeUInt16LE(0, local + 10);
      zip.writeUInt16LE(FIRST_DAY, local + 12);
    }
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return zip;
}

function sheetOf(name: string, columns: readonly Column[], rows: readonly Row[]): Sheet<never> {
  const header: XlsxCell[] = columns.map((col) => ({ value: forWorkbook(col.key), fontWeight: 'bold' }));
  const data: XlsxCell[][] = [
    header,
    ...rows.map((row) => columns.flatMap((col) => cellsOf(row[col.key] ?? null, col.kind))),
  ];
  return { sheet: name, data, stickyRowsCount: 1, columns: widths(data) };
}

/**
 * A value as typed cells: numbers as numbers with their format, text as text; an interval pair as
 * its two ends' text.
 */
function cellsOf(value: Row[string], kind: Kind): XlsxCell[] {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return [null];
  // A day as a date, so that the sheet sorts and filters by it (the period's label stays beside it).
  if (kind === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value))
    return [{ value: new Date(`${value}T00:00:00Z`), type: Date, format: 'yyyy-mm-dd' }];
  if (typeof value === 'number')
    return [{ value: kind === 'pct' ? value / 100 : value, type: Number, format: NUMBER_FORMAT[kind] ?? 'General' }];
  if (typeof value === 'boolean') return [{ value, type: Boolean }];
  if (Array.isArray(value)) return [{ value: value.join(' to '), type: String }];
  return [{ value: forWorkbook(String(value)), type: String }];
}

function keyValueSheet(
  name: string,
  pairs: readonly (readonly [string, string | number | boolean | null])[],
): Sheet<never> {
  const data: XlsxCell[][] = [
    [
      { value: 'item', fontWeight: 'bold' },
      { value: 'value', fontWeight: 'bold' },
    ],
    ...pairs.map(([key, value]): XlsxCell[] => [
      { value: forWorkbook(key), type: String },
      value === null
        ? null
        : typeof value === 'number'
          ? { value, type: Number }
          : typeof value === 'boolean'
            ? { value, type: Boolean }
            : { value: forWorkbook(value), type: String },
    ]),
  ];
  return { sheet: name, data, stickyRowsCount: 1, columns: widths(data) };
}

/** The row accounting as read, used, each reason for exclusion, filtered. */
function accountingRows(rows: unknown): [string, number | null][] {
  const accounting = (rows ?? {}) as {
    read?: number;
    used?: number;
    excluded?: Record<string, number>;
    excluded_total?: number;
    filtered?: number;
  };
  return [
    ['read', accounting.read ?? null],
    ['used', accounting.used ?? null],
    ...Object.entries(accounting.excluded ?? {}).map(([reason, count]): [string, number] => [
      `excluded: ${reason.replaceAll('_', ' ')}`,
      count,
    ]),
    ['excluded in all', accounting.excluded_total ?? null],
    ['filtered', accounting.filtered ?? null],
  ];
}

/** The meta, flattened to dotted keys: tool, version, inputs and their columns, dates, options. */
function aboutRows(report: Report): [string, string | number | boolean | null][] {
  const pairs: [string, string | number | boolean | null][] = [['title', report.title]];
  const walk = (prefix: string, value: unknown) => {
    if (value === null || value === undefined) pairs.push([prefix, null]);
    else if (Array.isArray(value)) for (const [i, item] of value.entries()) walk(`${prefix}.${i + 1}`, item);
    else if (typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) walk(prefix ? `${prefix}.${key}` : key, inner);
    else pairs.push([prefix, value as string | number | boolean]);
  };
  const { rows: _accounting, ...meta } = report.meta;
  walk('', meta);
  for (const [i, note] of report.notes.entries()) pairs.push([`note ${i + 1}`, note]);
  for (const gate of report.gates ?? [])
    pairs.push([`gate ${gate.rule}`, `${gate.passed ? 'passed' : 'failed'}: ${gate.reason}`]);
  return pairs;
}

function widths(data: readonly (readonly XlsxCell[])[]): { width: number }[] {
  const count = data[0]?.length ?? 0;
  const shown = (cell: XlsxCell): number => {
    if (cell === null || cell === undefined) return 0;
    const value = typeof cell === 'object' && 'value' in cell ? cell.value : cell;
    return typeof value === 'number' ? 10 : String(value ?? '').length;
  };
  return Array.from({ length: count }, (_, i) => {
    // The first thousand rows are enough to fit a column; a listing's millions are not measured.
    let longest = 0;
    for (let r = 0; r < Math.min(data.length, 1000); r++) longest = Math.max(longest, shown(data[r][i] ?? null));
    return { width: Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, longest + 2)) };
  });
}

/** Sheet names as Excel allows them: at most 31 characters, none of []:*?/\, each once. */
class SheetNames {
  private readonly used = new Set<string>();
  next(wanted: string): string {
    const base = wanted.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet';
    let name = base;
    for (let i = 2; this.used.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)} ${i}`;
    this.used.add(name.toLowerCase());
    return name;
  }
}
