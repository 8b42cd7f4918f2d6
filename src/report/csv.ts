import { stringify } from 'csv-stringify/sync';
import { formatPlain } from './format.js';
import { forMachines, type Report, type Row } from './model.js';
import { forSpreadsheet } from './sanitize.js';
import type { RenderOptions } from './style.js';
import { asIs, type Writer } from './writer.js';

export const csv: Writer = { write: (report, options) => streamDelimited(report, options, false), verbatim: asIs };
export const tsv: Writer = { write: (report, options) => streamDelimited(report, options, true), verbatim: asIs };

/** CSV: comma-separated, or with `excel` what Excel in Nordic and Polish locales opens directly (`;`). */
export const renderCsv = (report: Report, options: RenderOptions): string =>
  whole(delimited(report, options, options.excel ? ';' : ','));

/** TSV, for pasting into a spreadsheet: the same table, tab-separated. */
export const renderTsv = (report: Report, options: RenderOptions): string => whole(delimited(report, options, '\t'));

/** CSV or TSV as it goes: a listing's rows are written in batches as they are read. */
export async function* streamDelimited(report: Report, options: RenderOptions, tabs: boolean): AsyncGenerator<string> {
  const { head, rest, cells, write } = delimited(report, options, tabs ? '\t' : options.excel ? ';' : ',');
  yield head;
  if (!rest) return;
  let batch: (string | number | boolean | null)[][] = [];
  for await (const row of rest) {
    batch.push(cells(row));
    if (batch.length >= 1000) {
      yield write(batch);
      batch = [];
    }
  }
  yield write(batch);
}

function whole(parts: ReturnType<typeof delimited>): string {
  if (parts.rest) throw new Error('a listing whose rows come as a stream is written by streamDelimited');
  return parts.head;
}

/**
 * The report's main table as delimited text: snake_case headers, plain numbers, text cells that
 * cannot run as formulas. `excel` adds the decimal comma, a BOM and CRLF line ends. `head` is the
 * header and the held rows; a listing's `rest` is written by `write` in batches.
 */
function delimited(report: Report, options: RenderOptions, delimiter: string) {
  const table = report.tables.find((t) => t.primary) ?? report.tables.find((t) => forMachines(t.audience));
  const columns = table ? table.columns.filter((col) => forMachines(col.audience) && col.kind !== 'bar') : [];
  const style = { ...options, decimalComma: options.excel };
  const cells = (row: Row) =>
    columns.map((col) => {
      const value = row[col.key] ?? null;
      return col.kind === 'text' && typeof value === 'string'
        ? forSpreadsheet(value)
        : formatPlain(value, col.kind, style);
    });
  const write = (records: readonly (readonly unknown[])[]) =>
    stringify(records as unknown[][], {
      delimiter,
      record_delimiter: options.excel ? '\r\n' : '\n',
      // Any line break inside a cell, bare CR or LF whatever the record delimiter, would start a new
      // row in a spreadsheet (whose first cell could be a formula): quote it.
      quoted_match: /[\r\n]/,
    });
  if (!table) return { head: '', rest: undefined, cells, write };
  const text = write([columns.map((col) => col.key), ...table.rows.map(cells)]);
  return { head: options.excel ? `\ufeff${text}` : text, rest: table.rest, cells, write };
}
