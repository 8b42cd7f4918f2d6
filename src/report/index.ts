import { renderCsv, renderTsv, streamDelimited } from './csv.js';
import { renderJson, streamJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';
import type { RenderOptions } from './style.js';
import { renderTable } from './table.js';

export type Format = 'table' | 'csv' | 'tsv' | 'json' | 'markdown' | 'html';

/** One renderer per format; HTML's (report/html.ts, with its chart library) is loaded when asked for. */
export const RENDERERS: Readonly<Record<Exclude<Format, 'html'>, (report: Report, options: RenderOptions) => string>> = {
  table: renderTable,
  csv: renderCsv,
  tsv: renderTsv,
  json: renderJson,
  markdown: renderMarkdown,
};

export const FORMATS: readonly Format[] = [...(Object.keys(RENDERERS) as Format[]), 'html'];

/** Formats people ask for that this version does not write yet: named in a clear refusal. */
export const PLANNED_FORMATS: readonly string[] = ['xlsx'];

/** The format an output file's extension asks for (lower case, with the dot). */
export const FORMAT_OF_EXTENSION: Readonly<Record<string, Format | (typeof PLANNED_FORMATS)[number]>> = {
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

export const render = (report: Report, format: Exclude<Format, 'html'>, options: RenderOptions): string => RENDERERS[format](report, options);

/**
 * The output as it is written: CSV, TSV and JSON write a listing's every row as it is read; tables,
 * Markdown and HTML show the rows held (people read at most --limit of them).
 */
export async function* renderStream(report: Report, format: Format, options: RenderOptions): AsyncGenerator<string> {
  if (format === 'json') yield* streamJson(report);
  else if (format === 'csv' || format === 'tsv') yield* streamDelimited(report, options, format === 'tsv');
  else if (format === 'html') yield (await import('./html.js')).renderHtml(report, options);
  else yield render(report, format, options);
}
