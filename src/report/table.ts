import Table from 'cli-table3';
import { formatForHumans, isNumeric } from './format.js';
import { type Column, clip, forHumans, gateLine, type Report, type Row, shownRows, visibleColumns } from './model.js';
import { forTerminal, withoutEscapes } from './sanitize.js';
import { type Paint, PLAIN, paint, type RenderOptions } from './style.js';
import { asIs, once, type Writer } from './writer.js';

export const table: Writer = {
  write: (report, options) => once(paint(options.colorLevel).then((c) => renderTable(report, options, c))),
  verbatim: asIs,
};

const BAR_WIDTH = 30;

/** Text for a terminal: a title, boxed tables (record tables as label/value lines), notes. */
export function renderTable(report: Report, options: RenderOptions, c: Paint = PLAIN): string {
  const cell = (value: Row[string], column: Column): string => {
    if (column.kind === 'bar') return typeof value === 'number' ? '█'.repeat(Math.round(value * BAR_WIDTH)) : '';
    const text = clip(forTerminal(formatForHumans(value, column.kind, options)), column.maxWidth);
    if (column.kind === 'nps' && typeof value === 'number')
      return value > 0 ? c.green(text) : value < 0 ? c.red(text) : text;
    return text;
  };
  const blocks: string[] = [c.bold(forTerminal(report.title))];
  for (const table of report.tables.filter((t) => forHumans(t.audience))) {
    const columns = visibleColumns(table);
    const title = table.title ? `${c.bold(forTerminal(table.title))}\n` : '';
    const { rows, more } = shownRows(table, options.limit);
    blocks.push(
      title +
        (table.layout === 'record' ? record(rows[0] ?? {}, columns, cell) : grid(rows, columns, cell, options.width)),
    );
    if (more) blocks.push(forTerminal(more));
  }
  for (const gate of report.gates ?? [])
    blocks.push(gate.passed ? forTerminal(gateLine(gate)) : c.boldRed(forTerminal(gateLine(gate))));
  for (const note of report.notes) blocks.push(forTerminal(note));
  return `${blocks.join('\n\n')}\n`;
}

type CellText = (value: Row[string], column: Column) => string;

function record(row: Row, columns: readonly Column[], cell: CellText): string {
  const width = columns.reduce((most, col) => Math.max(most, col.label.length), 0);
  return columns
    .map((col) => `  ${forTerminal(col.label).padEnd(width)}  ${cell(row[col.key] ?? null, col)}`)
    .join('\n');
}

/** The largest of some widths, at least `floor` (a loop: a long listing is too many arguments for Math.max). */
function widest(widths: Iterable<number>, floor = 0): number {
  let most = floor;
  for (const w of widths) if (w > most) most = w;
  return most;
}

/** Characters a cell takes on screen: its text without colour codes (each character one column). */
const shown = (text: string): number =>
  widest(
    withoutEscapes(text)
      .split('\n')
      .map((line) => [...line].length),
  );

/** Text columns are not made narrower than this: below it a table reads better as records. */
const MIN_TEXT_WIDTH = 8;

function grid(rows: readonly Row[], columns: readonly Column[], cell: CellText, width?: number): string {
  const texts = rows.map((row) => columns.map((col) => cell(row[col.key] ?? null, col)));
  const heads = columns.map((col) => forTerminal(col.label));
  const fitted = width === undefined ? undefined : fit(heads, texts, columns, width);
  if (fitted === null) return vertical(heads, texts);
  const t = new Table({
    head: heads,
    colAligns: columns.map((col) => (isNumeric(col.kind) ? 'right' : 'left')),
    style: { head: [], border: [] },
    // No rule between data rows: compact enough to read a 0-10 distribution at a glance.
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
    ...(fitted ? { colWidths: fitted, wordWrap: true } : {}),
  });
  for (const row of texts) t.push(row);
  return t.toString();
}

/**
 * Column widths (padding included) that fit a terminal `width` wide: undefined when the table fits
 * as it is, null when it cannot fit even with its text columns wrapped. Numbers keep their width;
 * the text columns share the rest, the narrow ones whole and the wide ones wrapped.
 */
function fit(
  heads: readonly string[],
  texts: readonly string[][],
  columns: readonly Column[],
  width: number,
): number[] | null | undefined {
  const natural = heads.map(
    (head, i) =>
      widest(
        texts.map((row) => shown(row[i])),
        shown(head),
      ) + 2,
  );
  const borders = columns.length + 1;
  if (natural.reduce((sum, w) => sum + w, 0) + borders <= width) return undefined;
  const widths = [...natural];
  const wrappable = columns
    .flatMap((col, i) => (isNumeric(col.kind) ? [] : [i]))
    .sort((a, b) => natural[a] - natural[b]);
  let budget = width - borders - natural.reduce((sum, w, i) => (wrappable.includes(i) ? sum : sum + w), 0);
  for (const [k, i] of wrappable.entries()) {
    const share = Math.floor(budget / (wrappable.length - k));
    widths[i] = Math.min(natural[i], share);
    budget -= widths[i];
  }
  return wrappable.some((i) => widths[i] < Math.min(natural[i], MIN_TEXT_WIDTH + 2)) ? null : widths;
}

/** A table too wide to wrap, as records: each row its column names and values, one per line. */
function vertical(heads: readonly string[], texts: readonly string[][]): string {
  const labelWidth = widest(heads.map(shown));
  return texts
    .map((row) =>
      row
        .map(
          (text, i) => `  ${heads[i].padEnd(labelWidth)}  ${text.replaceAll('\n', `\n  ${' '.repeat(labelWidth)}  `)}`,
        )
        .join('\n'),
    )
    .join('\n\n');
}
