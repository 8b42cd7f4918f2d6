import type { Report } from './model.js';
import type { RenderOptions } from './style.js';
import type { Writer } from './writer.js';

/*
 * The output formats. Adding one is a module exporting its Writer and one line here: its name (for
 * --format), the -o extensions that ask for it, whether it is delimited (a table of cells for a
 * spreadsheet: --excel shapes it, and the row accounting is said on stderr too), and how to load
 * it. Writers are loaded when asked for: HTML's chart library and Excel's writer would otherwise
 * slow every command's start.
 */
export const OUTPUT_FORMATS = [
  { name: 'table', extensions: ['.txt', '.text'], writer: async () => (await import('./table.js')).table },
  { name: 'csv', extensions: ['.csv'], delimited: true, writer: async () => (await import('./csv.js')).csv },
  { name: 'tsv', extensions: ['.tsv', '.tab'], delimited: true, writer: async () => (await import('./csv.js')).tsv },
  { name: 'json', extensions: ['.json'], writer: async () => (await import('./json.js')).json },
  { name: 'jsonl', extensions: ['.jsonl', '.ndjson'], writer: async () => (await import('./jsonl.js')).jsonl },
  { name: 'markdown', extensions: ['.md', '.markdown'], writer: async () => (await import('./markdown.js')).markdown },
  { name: 'html', extensions: ['.html', '.htm'], writer: async () => (await import('./html.js')).html },
  { name: 'xlsx', extensions: ['.xlsx'], writer: async () => (await import('./xlsx.js')).xlsx },
] as const satisfies readonly {
  name: string;
  extensions: readonly string[];
  delimited?: true;
  writer: () => Promise<Writer>;
}[];

export type Format = (typeof OUTPUT_FORMATS)[number]['name'];

export const FORMATS: readonly Format[] = OUTPUT_FORMATS.map((f) => f.name);

/** The format an output file's extension asks for (lower case, with the dot). */
export const FORMAT_OF_EXTENSION: Readonly<Record<string, Format>> = Object.fromEntries(
  OUTPUT_FORMATS.flatMap((f) => f.extensions.map((e) => [e, f.name])),
);

/** Whether a format is a table of cells for a spreadsheet (CSV, TSV). */
export const isDelimited = (format: Format): boolean =>
  OUTPUT_FORMATS.some((f) => f.name === format && 'delimited' in f);

/**
 * The output as it is written: CSV, TSV and JSON write a listing's every row as it is read; tables,
 * Markdown and HTML show the rows held (people read at most --limit of them).
 */
export async function* renderStream(
  report: Report,
  format: Format,
  options: RenderOptions,
): AsyncGenerator<string | Uint8Array> {
  const writer = await OUTPUT_FORMATS.find((f) => f.name === format)!.writer();
  const verbatim = report.tables.find((t) => t.verbatim !== undefined);
  if (verbatim && writer.verbatim) {
    yield writer.verbatim(String(verbatim.rows[0]?.[verbatim.verbatim!] ?? ''), verbatim.verbatim!);
    return;
  }
  yield* writer.write(report, options);
}
