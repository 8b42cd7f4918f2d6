import { renderCsv, renderTsv, streamDelimited } from './csv.js';
import { renderJson, streamJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';
import type { RenderOptions } from './style.js';
import { renderTable } from './table.js';

export type Format = 'table' | 'csv' | 'tsv' | 'json' | 'markdown' | 'html' | 'xlsx';

/** Text formats loaded when loaded; HTML's (html.ts, with its chart library) and Excel's (xlsx.ts) when asked for. */
type Loaded = 'html' | 'xlsx';

/** One renderer per format. */
export const RENDERERS: Readonly<Record<Exclude<Format, Loaded>, (report: Report, options: RenderOptions) => string>> = {
  table: renderTable,
  csv: renderCsv,
  tsv: renderTsv,
  json: renderJson,
  markdown: renderMarkdown,
};

export const FORMATS: readonly Format[] = [...(Object.keys(RENDERERS) as Format[]), 'html', 'xlsx'];

/** Formats that are bytes, not text: never written to a terminal. */
export const BINARY_FORMATS: ReadonlySet<Format> = new Set(['xlsx']);

/** The format an output file's extension asks for (lower case, with the dot). */
export const FORMAT_OF_EXTENSION: Readonly<Record<string, Format>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.json': 'json',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'table',
  '.text': 'table',
  '.html': 'html',
  '.htm': 'html',
  '.xlsx': 'xlsx',
};

export const render = (report: Report, format: Exclude<Format, Loaded>, options: RenderOptions): string => RENDERERS[format](report, options);

/**
 * The output as it is written: CSV, TSV and JSON write a listing's every row as it is read; tables,
 * Markdown and HTML show the rows held (people read at most --limit of them).
 */
export async function* renderStream(report: Report, format: Format, options: RenderOptions): AsyncGenerator<string | Uint8Array> {
  const verbatim = report.tables.find((t) => t.verbatim !== undefined);
  if (verbatim && (format === 'table' || format === 'csv' || format === 'tsv' || format === 'markdown')) {
    const text = String(verbatim.rows[0]?.[verbatim.verbatim!] ?? '');
    // A fence longer than any run of backticks in the text, so nothing in it closes the block.
    let longest = 2;
    for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
    const fence = '`'.repeat(longest + 1);
    yield format === 'markdown' ? `${fence}${verbatim.verbatim}\n${text}${fence}\n` : text;
    return;
  }
  if (format === 'json') yield* streamJson(report);
  else if (format === 'csv' || format === 'tsv') yield* streamDelimited(report, options, format === 'tsv');
  else if (format === 'html') yield (await import('./html.js')).renderHtml(report, options);
  else if (format === 'xlsx') yield await (await import('./xlsx.js')).renderXlsx(report, options);
  else yield render(report, format, options);
}
