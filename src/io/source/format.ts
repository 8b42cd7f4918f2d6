import type { Io } from '../io.js';

/*
 * What every reader of a source shares: the source itself, and the formats a file is recognised
 * as by its first bytes. Adding an input format is one file exporting how it opens (a FileFormat's
 * `open`), and one line in source.ts's FILE_FORMATS, which loads that file only for a file its
 * first bytes' test (here) claims.
 */

/** One input: a file or standard input, not yet read. */
export interface Source {
  /** How messages name it: the path as given, or `stdin`. */
  readonly name: string;
  /** The file path of a text file, whose parts threads may read; absent for standard input and workbooks. */
  readonly path?: string;
  /** For an Excel workbook, the sheet read. */
  readonly sheet?: string;
  /** What the rows were read from, when not a text file: an xlsx sheet, Parquet. */
  readonly described?: string;
  /** Size in bytes when known (files), for progress. */
  readonly size?: number;
  /** The bytes of a text source (a file, a pipe, standard input); destroy() stops reading them. */
  readonly stream?: ByteStream;
  /** The rows of a source that holds cells, not text (a workbook, Parquet). */
  readonly table?: RowTable;
}

/** Chunks of bytes, as a readable stream or a file's FileChunks give them. */
export type ByteStream = AsyncIterable<Buffer> & { destroy(): void };

/** A table that arrives as rows of cells, not as text to parse (a workbook's sheet, Parquet). */
export interface RowTable {
  readonly header: readonly string[];
  /** What reads it, as the meta names the reader: `xlsx`, `parquet`. */
  readonly reader: string;
  /** The rows another thread may start reading at, each with its own reading of the file: Parquet's row groups. */
  readonly groupStarts?: readonly number[];
  /** All its rows, when known before they are read. */
  readonly rowCount?: number;
  /**
   * Hands each row from index `from` (up to `until`) to `onRow`, with the line it would be on as
   * CSV; with `wanted`, only those columns need be read, the others may be left empty. A row's
   * cells run to its last one, fewer than the header's or more; the array may be reused from row
   * to row.
   */
  rows(
    onRow: (cells: string[], line: number) => void,
    from: number,
    wanted?: readonly number[],
    until?: number,
  ): Promise<void>;
}

/** A workbook is a zip file: it starts with a local file header. */
export const isZip = (head: Uint8Array): boolean =>
  head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;

/** A Parquet file starts (and ends) with the magic bytes PAR1. */
export const isParquet = (head: Uint8Array): boolean =>
  head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31;

/** A file format known by its first bytes (a workbook, Parquet); a file no format claims is read as text. */
export interface FileFormat {
  /** What the file is, as messages say it: "an Excel workbook". */
  readonly kind: string;
  /** Whether a file that starts with these bytes is one. */
  matches(head: Uint8Array): boolean;
  /** The file as a source: `sheet` is --sheet, which only a workbook takes. */
  open(path: string, io: Io, sheet: string | undefined): Promise<Source>;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => pad(n));
const DAY_MS = 86_400_000;
/** Times after the years ISO 8601 writes in four digits, or before, are written by Date itself. */
const LAST_FOUR_DIGIT_MS = 253_402_300_800_000;
const FIRST_FOUR_DIGIT_MS = -62_167_219_200_000;

// The last day written: the rows of one export mostly share a few days, so each is written once.
let lastDay = Number.NaN;
let lastDayText = '';
function dayText(day: number): string {
  if (day !== lastDay) {
    const time = new Date(day * DAY_MS);
    lastDayText = `${pad(time.getUTCFullYear(), 4)}-${pad(time.getUTCMonth() + 1)}-${pad(time.getUTCDate())}`;
    lastDay = day;
  }
  return lastDayText;
}

/** A whole number of milliseconds as its UTC day and time of day, when in the years 0 to 9999. */
function utcFields(ms: number) {
  if (!Number.isInteger(ms) || ms < FIRST_FOUR_DIGIT_MS || ms >= LAST_FOUR_DIGIT_MS) return undefined;
  const day = Math.floor(ms / DAY_MS);
  const into = ms - day * DAY_MS;
  const seconds = Math.floor(into / 1000);
  return { day: dayText(day), seconds, milliseconds: into % 1000 };
}

/** Seconds into a day as HH:MM:SS. */
const clock = (seconds: number) =>
  `${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}`;

/** A wall time (UTC fields) as text: the day, and its time when it has one (to the second). */
export function wallText(ms: number): string {
  const fields = utcFields(ms);
  if (fields) return fields.seconds === 0 ? fields.day : `${fields.day} ${clock(fields.seconds)}`;
  const time = new Date(ms);
  const day = `${pad(time.getUTCFullYear(), 4)}-${pad(time.getUTCMonth() + 1)}-${pad(time.getUTCDate())}`;
  const seconds = time.getUTCHours() * 3600 + time.getUTCMinutes() * 60 + time.getUTCSeconds();
  return seconds === 0
    ? day
    : `${day} ${pad(time.getUTCHours())}:${pad(time.getUTCMinutes())}:${pad(time.getUTCSeconds())}`;
}

/** An instant as Date's toISOString writes it (UTC, to the millisecond, with its Z), without a Date per row. */
export function instantText(ms: number): string {
  const fields = utcFields(ms);
  return fields ? `${fields.day}T${clock(fields.seconds)}.${pad(fields.milliseconds, 3)}Z` : new Date(ms).toISOString();
}
