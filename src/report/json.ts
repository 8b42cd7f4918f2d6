import { type Cell, type Column, forMachines, type Report, type ReportTable, type Row } from './model.js';
import type { Writer } from './writer.js';

export const json: Writer = { write: (report) => streamJson(report) };

/**
 * One JSON document: each machine table under its name (a record table as one object), then
 * `meta`. Numbers are unrounded; what cannot be computed is null. Key order is fixed by the report.
 */
export function renderJson(report: Report): string {
  if (report.tables.some((t) => t.rest))
    throw new Error('a listing whose rows come as a stream is written by streamJson');
  const document: Record<string, unknown> = { command: report.command };
  for (const table of report.tables.filter((t) => forMachines(t.audience))) {
    const columns = machineColumns(table);
    const objects = table.rows.map((row) => toObject(row, columns));
    document[table.name] = table.layout === 'record' ? (objects[0] ?? null) : objects;
  }
  document.notes = report.notes;
  if (report.gates) document.gates = report.gates;
  document.meta = report.meta;
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * The same document, written as it goes: a listing's rows are formatted one at a time between the
 * text before them and the text after, exactly as renderJson would lay them out.
 */
export async function* streamJson(report: Report): AsyncGenerator<string> {
  const listing = report.tables.find((t) => t.rest && forMachines(t.audience));
  if (!listing?.rest) {
    yield renderJson(report);
    return;
  }
  const text = renderJson({
    ...report,
    tables: report.tables.map((t) => (t === listing ? { ...t, rows: [], rest: undefined } : t)),
  });
  // A key at the document's first level is the only text that follows a line break and two spaces.
  const empty = `\n  ${JSON.stringify(listing.name)}: []`;
  const at = text.indexOf(empty);
  yield `${text.slice(0, at + empty.length - 1)}`;
  const columns = machineColumns(listing);
  let first = true;
  const item = (row: Row) => {
    const object =
      `${first ? '\n' : ',\n'}    ` + `${JSON.stringify(toObject(row, columns), null, 2).replaceAll('\n', '\n    ')}`;
    first = false;
    return object;
  };
  yield listing.rows.map(item).join('');
  let batch: string[] = [];
  for await (const row of listing.rest) {
    batch.push(item(row));
    if (batch.length >= 1000) {
      yield batch.join('');
      batch = [];
    }
  }
  yield `${batch.join('')}${first ? '' : '\n  '}]${text.slice(at + empty.length)}`;
}

export const machineColumns = (table: ReportTable) =>
  table.columns.filter((col) => forMachines(col.audience) && col.kind !== 'bar');

export function toObject(row: Row, columns: readonly Column[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const col of columns) object[col.key] = plain(row[col.key] ?? null);
  return object;
}

const plain = (cell: Cell): unknown => {
  if (Array.isArray(cell)) return cell.map((v) => plain(v));
  return typeof cell === 'number' && !Number.isFinite(cell) ? null : cell;
};
