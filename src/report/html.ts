import { chartSvg, MAX_CHART_ROWS } from './charts.js';
import { confidenceLabel, formatForHumans, isNumeric } from './format.js';
import {
  type Chart,
  type Column,
  clip,
  forPage,
  gateLine,
  type Report,
  type ReportTable,
  type Row,
  shownRows,
  visibleColumns,
} from './model.js';
import { forTerminal } from './sanitize.js';
import type { RenderOptions } from './style.js';
import { once, type Writer } from './writer.js';

export const html: Writer = { write: (report, options) => once(renderHtml(report, options)) };

/*
 * One self-contained HTML page: the report's title, its tables for people, gates and notes, and
 * its meta behind a disclosure. Inline CSS only: nothing is fetched when it is opened, it prints
 * on white, and its tables scroll sideways on a phone. The same report gives the same bytes.
 */

const CSS =
  `
:root { color-scheme: light; --ink: #1b1b1f; --muted: #5c5f66; --rule: #d9dbe0; --band: #f4f5f7; ` +
  `--up: #0b6e4f; --down: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; ` +
  `color: var(--ink); background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.5rem; margin: 0 0 16px; }
h2 { font-size: 1.1rem; margin: 28px 0 8px; }
.headline { margin: 0; font-size: 1.1rem; color: var(--muted); }
.headline .figure { font-size: 2.6rem; font-weight: 700; color: var(--ink); font-variant-numeric: tabular-nums; }
.headline-detail { margin: 0 0 8px; color: var(--muted); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { font-weight: 600; border-bottom: 2px solid var(--ink); }
td.num, th.num { text-align: right; }
td.num { white-space: nowrap; }
tbody tr { background: #fff; }
tbody tr:nth-child(even) { background: var(--band); }
.scroll th:first-child, .scroll td:first-child { position: sticky; left: 0; background: inherit; white-space: nowrap; }
thead tr { background: #fff; }
table.record th { border-bottom: 1px solid var(--rule); font-weight: 500; color: var(--muted); }
.more, .notes { color: var(--muted); }
.gate { font-weight: 600; }
.gate.failed { color: var(--down); }
.gate.passed { color: var(--up); }
figure { margin: 8px 0 12px; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; }
.facets { display: flex; flex-wrap: wrap; gap: 4px 16px; }
.facet { flex: 0 1 320px; min-width: 0; }
.facet h3 { font-size: 14px; margin: 8px 0 0; }
details { margin-top: 32px; color: var(--muted); }
pre { white-space: pre-wrap; word-break: break-word; font-size: 12px; }
@page { margin: 12mm; }
@media print { body { font-size: 11px; } main { max-width: none; padding: 0; } h2 { margin-top: 14px; } ` +
  `th, td { padding: 1px 6px; } figure { margin: 4px 0; } figure svg { max-width: 70%; } figcaption { font-size: 10px; } .scroll { overflow: visible; } ` +
  `.scroll th:first-child, .scroll td:first-child { position: static; } figure { break-inside: avoid; } ` +
  `details { display: none; } tr { break-inside: avoid; } }
`;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text from the data or the tool as HTML text: one line, no controls, invisibles shown, markup escaped. */
export const escapeHtml = (text: string): string => forTerminal(text).replace(/[&<>"']/g, (ch) => ENTITIES[ch]);

/** The headline figure in large type, then its interval, n, change and details in a line below. */
function headline(report: Report, options: RenderOptions): string {
  const h = report.headline;
  if (!h || !Number.isFinite(h.value)) return '';
  const nps = (value: number) => formatForHumans(value, 'nps', options);
  const details = [
    h.interval && h.confidence !== undefined
      ? `${confidenceLabel(h.confidence)} interval ${formatForHumans([...h.interval], 'range', options)}`
      : undefined,
    h.n !== undefined ? `n = ${h.n}` : undefined,
    h.change && Number.isFinite(h.change.points)
      ? `${nps(h.change.points)} against ${h.change.against}` +
        `${h.change.significant ? ' (significant)' : ' (within chance)'}`
      : undefined,
    ...(h.details ?? []),
  ].filter((d): d is string => d !== undefined);
  return (
    `<p class="headline"><span class="label">${escapeHtml(h.label)}</span> ` +
    `<span class="figure">${escapeHtml(formatForHumans(h.value, h.kind ?? 'nps', options))}</span></p>` +
    (details.length > 0 ? `<p class="headline-detail">${escapeHtml(details.join(' · '))}</p>` : '')
  );
}

/**
 * The title as a page shows it: each input by its file's name, so that a long path does not push a
 * phone's page sideways (the whole path is in "How this report was made").
 */
function pageTitle(report: Report): string {
  const inputs = (report.meta.inputs ?? []) as readonly { file?: unknown }[];
  let title = report.title;
  for (const { file } of inputs) {
    if (typeof file !== 'string') continue;
    const name = file.split(/[\\/]/).pop();
    if (name && name !== file) title = title.replaceAll(file, name);
  }
  return title;
}

export function renderHtml(report: Report, options: RenderOptions): string {
  const sections: string[] = [];
  for (const table of report.tables.filter((t) => forPage(t.audience))) sections.push(section(table, options));
  const gates = (report.gates ?? []).map(
    (g) => `<p class="gate ${g.passed ? 'passed' : 'failed'}">${escapeHtml(gateLine(g))}</p>`,
  );
  const notes =
    report.notes.length > 0
      ? `<ul class="notes">${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`
      : '';
  const meta =
    `<details><summary>How this report was made</summary><pre>` +
    `${JSON.stringify(report.meta, null, 2).split('\n').map(escapeHtml).join('\n')}</pre></details>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(pageTitle(report))}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(pageTitle(report))}</h1>`,
    headline(report, options),
    ...sections,
    ...gates,
    notes,
    meta,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function section(table: ReportTable, options: RenderOptions): string {
  const columns = visibleColumns(table).filter((col) => col.kind !== 'bar');
  const { rows, more } = shownRows(table, options.limit);
  const title = table.title ? `<h2>${escapeHtml(table.title)}</h2>` : '';
  // A table only the page shows is there for its chart: its rows are for machines (JSON, xlsx).
  if (table.audience === 'page') return `<section>${title}${figure(table, table.rows)}</section>`;
  const body = table.layout === 'record' ? record(rows[0], columns, options) : grid(rows, columns, options);
  return (
    `<section>${title}${figure(table, rows)}<div class="scroll">${body}</div>` +
    `${more ? `<p class="more">${escapeHtml(more)}</p>` : ''}</section>`
  );
}

/** The table's chart with a caption (what it shows, and how much of the table when not all). */
function figure(table: ReportTable, rows: readonly Row[]): string {
  if (!table.chart) return '';
  const caption = chartCaption(table, table.chart, rows.length);
  const parts = chartSvg(table, rows, table.chart, caption);
  if (parts.length === 0) return '';
  const drawn = parts.map((part) =>
    part.heading === undefined ? part.svg : `<div class="facet"><h3>${escapeHtml(part.heading)}</h3>${part.svg}</div>`,
  );
  return (
    `<figure>${parts.length > 1 ? `<div class="facets">${drawn.join('')}</div>` : drawn.join('')}` +
    `<figcaption>${escapeHtml(caption)}</figcaption></figure>`
  );
}

function chartCaption(table: ReportTable, chart: Chart, shown: number): string {
  const label = (key: string) => table.columns.find((c) => c.key === key)?.label || key;
  const what =
    chart.kind === 'bars'
      ? `${label(chart.y)} by ${label(chart.x)}`
      : chart.kind === 'line'
        ? `${label(chart.value)} by ${label(chart.x)}, with its interval as a band` +
          `${chart.tone ? '; ▲ ▼ mark significant changes' : ''}; axis fitted to the band`
        : chart.kind === 'control'
          ? `${label(chart.value)} by ${label(chart.x)}; the dashed line is its limit, and points beyond it are ringed`
          : `${label(chart.value)} with its interval` +
            `${chart.reference !== undefined ? `; the dashed line is ${chart.reference.toFixed(1)}` : ''}` +
            `${chart.marker ? `; the ring is ${label(chart.marker)}` : ''}` +
            `${chart.tone && !chart.faded ? '; significant rows in colour' : ''}` +
            `${chart.domain ? '' : `; axis fitted to the intervals${chart.reference ? ', 0 and the dashed line' : ' and 0'}`}`;
  const each = chart.facet ? `, one chart per ${label(chart.facet)} on a shared scale` : '';
  const first =
    (chart.kind === 'intervals' || (chart.kind === 'bars' && chart.horizontal)) && shown > MAX_CHART_ROWS
      ? ` (up to ${MAX_CHART_ROWS} rows of the table each)`
      : '';
  return `${table.title ? `${table.title}: ` : ''}${what}${each}${first}.`;
}

const cellText = (row: Row | undefined, col: Column, options: RenderOptions) =>
  escapeHtml(clip(formatForHumans(row?.[col.key] ?? null, col.kind, options), col.maxWidth));
const numeric = (col: Column) => (isNumeric(col.kind) ? ' class="num"' : '');

function record(row: Row | undefined, columns: readonly Column[], options: RenderOptions): string {
  const lines = columns.map(
    (col) =>
      `<tr><th scope="row">${escapeHtml(col.label)}</th><td${numeric(col)}>${cellText(row, col, options)}</td></tr>`,
  );
  return `<table class="record"><tbody>${lines.join('')}</tbody></table>`;
}

function grid(rows: readonly Row[], columns: readonly Column[], options: RenderOptions): string {
  const head =
    `<thead><tr>${columns.map((col) => `<th scope="col"${numeric(col)}>${escapeHtml(col.label)}</th>`).join('')}` +
    `</tr></thead>`;
  const body = rows
    .map((row) => `<tr>${columns.map((col) => `<td${numeric(col)}>${cellText(row, col, options)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table>${head}<tbody>${body}</tbody></table>`;
}
