import { stringify } from 'csv-stringify/sync';
import { formatPlain } from './format.js';
import { forMachines, type Report } from './model.js';
import { forSpreadsheet } from './sanitize.js';
import type { RenderOptions } from './style.js';

/** CSV: comma-separated, or with `excel` what Excel in Nordic and Polish locales opens directly (`;`). */
export const renderCsv = (report: Report, options: RenderOptions): string => delimited(report, options, options.excel ? ';' : ',');

/** TSV, for pasting into a spreadsheet: the same table, tab-separated. */
export const renderTsv = (report: Report, options: RenderOptions): string => delimited(report, options, '\t');

/**
 * The report's main table as delimited text: snake_case headers, plain numbers, text cells that
 * cannot run as formulas. `excel` adds the decimal comma, a BOM and CRLF line ends.
 */
function delimited(report: Report, options: RenderOptions, delimiter: string): string {
  const table = report.tables.find((t) => t.primary) ?? report.tables.find((t) => forMachines(t.audience));
  if (!table) return '';
  const columns = table.columns.filter((col) => forMachines(col.audience) && col.kind !== 'bar');
  const style = { ...options, decimalComma: options.excel };
  const rows = table.rows.map((row) =>
    columns.map((col) => {
      const value = row[col.key] ?? null;
      return col.kind === 'text' && typeof value === 'string' ? forSpreadsheet(value) : formatPlain(value, col.kind, style);
    }),
  );
  const text = stringify([columns.map((col) => col.key), ...rows], {
    delimiter,
    record_delimiter: options.excel ? '\r\n' : '\n',
    // Any line break inside a cell, bare CR or LF whatever the record delimiter, would start a new
    // row in a spreadsheet (whose first cell could be a formula): quote it.
    quoted_match: /[\r\n]/,
  });
  return options.excel ? `\ufeff${text}` : text;
}
