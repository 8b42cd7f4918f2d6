import { renderCsv } from './csv.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './model.js';
import type { RenderOptions } from './style.js';
import { renderTable } from './table.js';

export type Format = 'table' | 'csv' | 'json' | 'markdown';

/** One renderer per format. */
export const RENDERERS: Readonly<Record<Format, (report: Report, options: RenderOptions) => string>> = {
  table: renderTable,
  csv: renderCsv,
  json: renderJson,
  markdown: renderMarkdown,
};

export const FORMATS = Object.keys(RENDERERS) as Format[];

export const render = (report: Report, format: Format, options: RenderOptions): string => RENDERERS[format](report, options);
