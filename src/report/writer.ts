import type { Report } from './model.js';
import type { RenderOptions } from './style.js';

/** How one output format writes a report: the module a line of OUTPUT_FORMATS loads. */
export interface Writer {
  /** The output, as it goes: text, or bytes (a workbook). */
  write(report: Report, options: RenderOptions): AsyncIterable<string | Uint8Array>;
  /**
   * How a report whose content is one text (a query) is written: the text as it is, or fenced;
   * absent, the report is written as any other.
   */
  verbatim?(text: string, language: string): string;
}

/** The whole text of a format that is written at once. */
export async function* once(text: string | Promise<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  yield await text;
}

/** A text written as it is. */
export const asIs = (text: string): string => text;
