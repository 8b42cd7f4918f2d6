import { type Cell, type Column, forMachines, type Report, type Row } from './model.js';

/**
 * One JSON document: each machine table under its name (a record table as one object), then
 * `meta`. Numbers are unrounded; what cannot be computed is null. Key order is fixed by the report.
 */
export function renderJson(report: Report): string {
  const document: Record<string, unknown> = { command: report.command };
  for (const table of report.tables.filter((t) => forMachines(t.audience))) {
    const columns = table.columns.filter((col) => forMachines(col.audience) && col.kind !== 'bar');
    const objects = table.rows.map((row) => toObject(row, columns));
    document[table.name] = table.layout === 'record' ? (objects[0] ?? null) : objects;
  }
  document.notes = report.notes;
  if (report.gates) document.gates = report.gates;
  document.meta = report.meta;
  return `${JSON.stringify(document, null, 2)}\n`;
}

function toObject(row: Row, columns: readonly Column[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const col of columns) object[col.key] = plain(row[col.key] ?? null);
  return object;
}

const plain = (cell: Cell): unknown => {
  if (Array.isArray(cell)) return cell.map((v) => plain(v));
  return typeof cell === 'number' && !Number.isFinite(cell) ? null : cell;
};
