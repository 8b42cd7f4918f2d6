import { formatForHumans, isNumeric } from './format.js';
import { clip, forHumans, visibleColumns, type Column, type Report, type ReportTable } from './model.js';
import { forTerminal } from './sanitize.js';
import type { RenderOptions } from './style.js';

/** GitHub-flavoured Markdown, fit for a CI job summary: pipe tables, numbers right-aligned. */
export function renderMarkdown(report: Report, options: RenderOptions): string {
  const blocks: string[] = [`### ${escape(report.title)}`];
  for (const table of report.tables.filter((t) => forHumans(t.audience))) {
    const columns = visibleColumns(table).filter((col) => col.kind !== 'bar');
    if (table.title) blocks.push(`**${escape(table.title)}**`);
    blocks.push(table.layout === 'record' ? record(table, columns, options) : grid(table, columns, options));
  }
  for (const note of report.notes) blocks.push(escape(note));
  return `${blocks.join('\n\n')}\n`;
}

const escape = (text: string) => forTerminal(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|');

const text = (table: ReportTable, rowIndex: number, col: Column, options: RenderOptions) =>
  escape(clip(forTerminal(formatForHumans(table.rows[rowIndex]?.[col.key] ?? null, col.kind, options)), col.maxWidth));

function record(table: ReportTable, columns: readonly Column[], options: RenderOptions): string {
  const lines = ['| Measure | Value |', '| :-- | --: |'];
  for (const col of columns) lines.push(`| ${escape(col.label)} | ${text(table, 0, col, options)} |`);
  return lines.join('\n');
}

function grid(table: ReportTable, columns: readonly Column[], options: RenderOptions): string {
  const lines = [
    `| ${columns.map((col) => escape(col.label)).join(' | ')} |`,
    `| ${columns.map((col) => (isNumeric(col.kind) ? '--:' : ':--')).join(' | ')} |`,
  ];
  table.rows.forEach((_, i) => lines.push(`| ${columns.map((col) => text(table, i, col, options)).join(' | ')} |`));
  return lines.join('\n');
}
