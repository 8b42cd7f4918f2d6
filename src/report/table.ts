import Table from 'cli-table3';
import { formatForHumans, isNumeric } from './format.js';
import { type Column, clip, forHumans, gateLine, type Report, type Row, shownRows, visibleColumns } from './model.js';
import { forTerminal } from './sanitize.js';
import { paint, type RenderOptions } from './style.js';

const BAR_WIDTH = 30;

/** Text for a terminal: a title, boxed tables (record tables as label/value lines), notes. */
export function renderTable(report: Report, options: RenderOptions): string {
  const c = paint(options.colorLevel);
  const cell = (value: Row[string], column: Column): string => {
    if (column.kind === 'bar') return typeof value === 'number' ? '█'.repeat(Math.round(value * BAR_WIDTH)) : '';
    const text = clip(forTerminal(formatForHumans(value, column.kind, options)), column.maxWidth);
    if (column.kind === 'nps' && typeof value === 'number') return value > 0 ? c.green(text) : value < 0 ? c.red(text) : text;
    return text;
  };
  const blocks: string[] = [c.bold(forTerminal(report.title))];
  for (const table of report.tables.filter((t) => forHumans(t.audience))) {
    const columns = visibleColumns(table);
    const title = table.title ? `${c.bold(forTerminal(table.title))}\n` : '';
    const { rows, more } = shownRows(table, options.limit);
    blocks.push(title + (table.layout === 'record' ? record(rows[0] ?? {}, columns, cell) : grid(rows, columns, cell)));
    if (more) blocks.push(forTerminal(more));
  }
  for (const gate of report.gates ?? []) blocks.push(gate.passed ? forTerminal(gateLine(gate)) : c.bold.red(forTerminal(gateLine(gate))));
  for (const note of report.notes) blocks.push(forTerminal(note));
  return `${blocks.join('\n\n')}\n`;
}

type CellText = (value: Row[string], column: Column) => string;

function record(row: Row, columns: readonly Column[], cell: CellText): string {
  const width = columns.reduce((most, col) => Math.max(most, col.label.length), 0);
  return columns.map((col) => `  ${forTerminal(col.label).padEnd(width)}  ${cell(row[col.key] ?? null, col)}`).join('\n');
}

function grid(rows: readonly Row[], columns: readonly Column[], cell: CellText): string {
  const t = new Table({
    head: columns.map((col) => forTerminal(col.label)),
    colAligns: columns.map((col) => (isNumeric(col.kind) ? 'right' : 'left')),
    style: { head: [], border: [] },
    // No rule between data rows: compact enough to read a 0-10 distribution at a glance.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const row of rows) t.push(columns.map((col) => cell(row[col.key] ?? null, col)));
  return t.toString();
}
