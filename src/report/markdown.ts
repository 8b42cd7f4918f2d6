import { formatForHumans, isNumeric } from './format.js';
import { type Column, clip, forHumans, gateLine, type Report, type Row, shownRows, visibleColumns } from './model.js';
import { forTerminal } from './sanitize.js';
import type { RenderOptions } from './style.js';
import { once, type Writer } from './writer.js';

export const markdown: Writer = {
  write: (report, options) => once(renderMarkdown(report, options)),
  verbatim(text, language) {
    // A fence longer than any run of backticks in the text, so nothing in it closes the block.
    let longest = 2;
    for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
    const fence = '`'.repeat(longest + 1);
    return `${fence}${language}\n${text}${fence}\n`;
  },
};

/** GitHub-flavoured Markdown, fit for a CI job summary: pipe tables, numbers right-aligned. */
export function renderMarkdown(report: Report, options: RenderOptions): string {
  const blocks: string[] = [`### ${escapeCell(report.title)}`];
  for (const table of report.tables.filter((t) => forHumans(t.audience))) {
    const columns = visibleColumns(table).filter((col) => col.kind !== 'bar');
    if (table.title) blocks.push(`**${escapeCell(table.title)}**`);
    const { rows, more } = shownRows(table, options.limit);
    blocks.push(table.layout === 'record' ? record(rows[0], columns, options) : grid(rows, columns, options));
    if (more) blocks.push(escapeCell(more));
  }
  // A failed gate first and in bold: a job summary says at once why the job failed.
  for (const gate of report.gates ?? [])
    blocks.push(gate.passed ? escapeCell(gateLine(gate)) : `**${escapeCell(gateLine(gate))}**`);
  for (const note of report.notes) blocks.push(escapeCell(note));
  return `${blocks.join('\n\n')}\n`;
}

// Markdown's markup characters, backslash-escaped: a name or comment from the data renders as the
// text it is, never as a link, image, raw HTML, emphasis or a broken table.
const MARKUP = /[\\`*_[\]()<>!|#&~]/g;
const escapeCell = (text: string) => forTerminal(text).replace(MARKUP, '\\$&');

const text = (row: Row | undefined, col: Column, options: RenderOptions) =>
  escapeCell(clip(forTerminal(formatForHumans(row?.[col.key] ?? null, col.kind, options)), col.maxWidth));

function record(row: Row | undefined, columns: readonly Column[], options: RenderOptions): string {
  const lines = ['| Measure | Value |', '| :-- | --: |'];
  for (const col of columns) lines.push(`| ${escapeCell(col.label)} | ${text(row, col, options)} |`);
  return lines.join('\n');
}

function grid(rows: readonly Row[], columns: readonly Column[], options: RenderOptions): string {
  const lines = [
    `| ${columns.map((col) => escapeCell(col.label)).join(' | ')} |`,
    `| ${columns.map((col) => (isNumeric(col.kind) ? '--:' : ':--')).join(' | ')} |`,
  ];
  for (const row of rows) lines.push(`| ${columns.map((col) => text(row, col, options)).join(' | ')} |`);
  return lines.join('\n');
}
