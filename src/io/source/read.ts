import { once } from 'node:events';
import { createRequire } from 'node:module';
import { finished } from 'node:stream/promises';
import type { parse as Parse, Parser } from 'csv-parse';
import { inputError, NpsError } from '../../errors.js';
import type { Io } from '../io.js';
import { type Decoding, toUtf8 } from './decode.js';
import { type DateBytes, FastRecords, type RecordShape } from './fast-records.js';
import type { RowTable } from './format.js';
import { LineCounter } from './lines.js';
import { progressFor } from './progress.js';
import { type Dialect, sniffDialect } from './sniff.js';
import { bytesOf, FileChunks, openSource, type Source } from './source.js';

// csv-parse reads what the byte scanner does not (and everything with NPS_READER=csv-parse): loaded then.
const require = createRequire(import.meta.url);
const csvParse = (): typeof Parse => (require('csv-parse') as { parse: typeof Parse }).parse;

/** Bytes looked at before parsing, to guess the dialect. */
const HEAD_BYTES = 64 * 1024;
/** Records buffered before the columns are chosen, so detection sees real values. */
const SAMPLE_RECORDS = 500;
/** A single record larger than this is not a survey answer: refuse rather than exhaust memory. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export interface TableHead {
  readonly source: Source;
  readonly decoding: Decoding;
  readonly dialect: Dialect;
  readonly header: readonly string[];
  /** The first records, for column detection; the sink receives them too. */
  readonly sample: readonly string[][];
  /** Header rows after the first (question texts, import IDs): not responses. */
  readonly headerRows: readonly string[][];
  /** Which reader reads the records (meta says it). */
  readonly reader: ReaderName;
  /** With --join, how many of the columns are the export's own (the lookups' follow them). */
  readonly ownColumns?: number;
}

/**
 * A record that cannot be trusted: a quoted field that ran over lines which look like rows of
 * their own (a stray quote in a cell), or more filled fields than the header has.
 */
export interface Broken {
  /** The line the record starts on (where the stray quote opened). */
  readonly line: number;
  /** Physical lines it spans: each probably a row of its own. */
  readonly lines: number;
}

/**
 * Receives every data record (the header excluded) with the line it ends on, and why it is broken
 * if it is. `wanted`: the only columns the sink reads (it then gets records holding just those,
 * in an array it must not keep); undefined when it reads any.
 */
export type RecordSink = ((record: string[], line: number, broken?: Broken, time?: number) => void) & {
  readonly wanted?: readonly number[];
  /** A date column the reader may read from its bytes: it then passes the time, and an empty cell. */
  readonly dates?: DateBytes;
  /** Where another thread goes on reading: stop at the record that starts exactly there. */
  readonly stopAt?: number;
};

/** How a reading of an input (or part of one) ended. */
export interface ReadResult {
  /** It stopped where the sink asked, at a record boundary; false when it read to the end. */
  readonly stopped: boolean;
  /** The line the last record it read ends on. */
  readonly lastLine: number;
  /** It warned of a broken record (a file gets one such warning). */
  readonly warnedBroken: boolean;
}

/**
 * Which reader reads the records: the byte scanner, csv-parse (the reference), or a table's own
 * (`xlsx`, `parquet`).
 */
export type ReaderName = string;

/** A quoted field running over more lines than this is a stray quote, whatever the lines hold. */
const MAX_FIELD_LINES = 100;

export interface ReadOptions {
  readonly delimiter?: string;
  /** An Excel workbook's sheet to read, by name or number (the first by default). */
  readonly sheet?: string;
  /** Read the bytes in this encoding instead of detecting UTF-8 / UTF-16. */
  readonly encoding?: string;
  /** Stop after the header and the sample (for describing a file, not analysing it). */
  readonly headOnly?: boolean;
  /** How many of the first records after the header are header rows too (vendor exports). */
  readonly extraHeaderRows?: (header: readonly string[], first: readonly string[][]) => number;
}

/**
 * Reads one input in a single pass: sniff the dialect from the first bytes, take the header,
 * buffer a sample, let `prepare` choose columns from it, then feed every record to the sink it
 * returns, by the byte scanner or csv-parse (a row table, a workbook's sheet or Parquet, comes as records already).
 * Memory stays constant in the number of rows.
 */
export async function readTable(
  spec: string,
  io: Io,
  options: ReadOptions,
  prepare: (head: TableHead) => RecordSink,
): Promise<ReadResult> {
  const source = await openSource(spec, io, options.sheet, options);
  if (source.table) return readRows(source, source.table, options, prepare, io);
  const progress = progressFor(source.name, source.size, io);
  let parser: Parser | undefined;
  let fast: FastRecords | undefined;
  let dialect: Dialect | undefined;
  let header: string[] | undefined;
  let sink: RecordSink | undefined;
  let failure: unknown;
  const sample: string[][] = [];
  const sampleLines: number[] = [];
  const brokenBeforeStart: [string[], number, Broken][] = [];
  let lastLine = 0;
  const lines = new LineCounter(source.name);
  const decoding: Decoding = { encoding: 'utf-8' };
  // Everything before this chunk has been parsed, or waits in `head` to sniff the dialect.
  let head: Buffer[] = [];
  let fallbackLine = 0;
  const warnFallback = (newlinesBefore: number) => {
    const waiting = head.reduce((n, chunk) => n + chunk.toString('latin1').split('\n').length - 1, 0);
    const line = (fast ? lines.count : (parser?.info.lines ?? 1)) + waiting + newlinesBefore;
    decoding.encoding = `utf-8, then ${decoding.fellBack} from line ${line}`;
    fallbackLine = line;
    // The decoded bytes are no longer the file's: where another thread starts cannot be recognised.
    if (fast) fast.stopAt = undefined;
    io.stderr.write(notUtf8Warning(source.name, line, decoding.fellBack!));
  };

  let enough = false;
  const start = () => {
    const extra = options.extraHeaderRows?.(header!, sample.slice(0, 3)) ?? 0;
    const headerRows = sample.splice(0, extra);
    sampleLines.splice(0, extra);
    sink = prepare({
      source,
      decoding,
      dialect: dialect!,
      header: header!,
      sample,
      headerRows,
      reader: fast ? 'fast' : 'csv-parse',
    });
    if (fast) {
      fast.only(sink.wanted, sink.dates);
      fast.stopAt = sink.stopAt;
    }
    if (options.headOnly) {
      enough = true;
      return;
    }
    for (let i = 0; i < sample.length; i++) sink(sample[i], sampleLines[i]);
    for (const [record, line, broken] of brokenBeforeStart) sink(record, line, broken);
    sample.length = 0;
    brokenBeforeStart.length = 0;
  };

  let warnedBroken = false;
  const onRecord = (record: string[], bytes: number, shape: RecordShape, time?: number) => {
    if (enough) return;
    const line = lines.lineEndingAt(bytes);
    if (shape.blank) {
      lastLine = line; // a blank line is not a row, but it keeps the line count exact
      return;
    }
    {
      const broken = header ? brokenRecord(shape, lastLine + 1, line) : undefined;
      if (broken && !warnedBroken) {
        warnedBroken = true;
        io.stderr.write(`nps: warning: ${source.name}: ${describeBroken(broken, record.length, header!.length)}\n`);
      }
      if (sink) sink(record, line, broken, time);
      else if (!header) {
        header = record.map((h) => h.replace(/^\ufeff/, '').trim());
        fast?.header(header.length);
        if (header.every((h) => h === ''))
          throw inputError(`${source.name} has no header row`, 'the first line of a CSV export names its columns');
      } else if (broken) {
        // Not a sample for column detection; still a record the scan must account for.
        brokenBeforeStart.push([record, line, broken]);
      } else {
        sample.push(record);
        sampleLines.push(line);
        if (sample.length >= SAMPLE_RECORDS) start();
      }
    }
    lastLine = line;
  };

  const open = (head: Buffer): Parser | FastRecords => {
    dialect = sniffDialect(head.toString('utf8'), options.delimiter);
    // What comes before the first record: a byte-order mark and a `sep=` line.
    const skip =
      /^(?:\ufeff)?(?:sep=.(?:\r\n|\r|\n)?)?/i.exec(head.toString('utf8'))![0].length + (dialect.bom ? 2 : 0);
    const separator = dialect.delimiter.charCodeAt(0);
    if (separator < 128) lines.delimiter = separator;
    // The byte scanner reads what it covers (a one-byte separator); csv-parse the rest, or
    // everything when NPS_READER=csv-parse asks for the reference.
    if (separator < 128 && separator !== 0x22 && io.env.NPS_READER !== 'csv-parse') {
      fast = new FastRecords(separator, onRecord, skip, MAX_RECORD_BYTES);
      return fast;
    }
    const p = csvParse()({
      delimiter: dialect.delimiter,
      bom: true,
      from_line: dialect.sepLine ? 2 : 1,
      relax_column_count: true,
      relax_quotes: true,
      // Every line ending, so a file that mixes them loses no rows (the first one is not the rule).
      record_delimiter: ['\r\n', '\n', '\r'],
      max_record_size: MAX_RECORD_BYTES,
      raw: true,
    });
    p.on('data', ({ record, raw }: { record: string[]; raw: string }) => {
      try {
        // A blank line is one with nothing but its line break (a record "" is an empty field).
        onRecord(record, p.info.bytes, {
          ...shapeOf(record, header?.length ?? 0, dialect!.delimiter),
          blank: /^[\r\n]*$/.test(raw),
        });
      } catch (err) {
        failure ??= err;
        p.destroy(err as Error);
      }
    });
    return p;
  };

  try {
    let headSize = 0;
    const write = async (chunk: Buffer) => {
      const reader = fast ?? parser ?? open(chunk);
      lines.add(chunk);
      if (reader instanceof FastRecords) {
        reader.write(chunk);
        return;
      }
      parser = reader;
      // csv-parse keeps a chunk's unfinished end until the next: its own copy, as the file reuses its buffers.
      if (!reader.write(Buffer.from(chunk))) await once(reader, 'drain');
      if (failure) throw failure;
    };
    const counted = async function* () {
      for await (const chunk of bytesOf(source)) {
        progress.advance(chunk.length);
        yield chunk;
      }
    };
    for await (const chunk of toUtf8(counted(), options.encoding, decoding, warnFallback)) {
      if (enough || fast?.stopped) break;
      if (parser || fast) {
        await write(chunk);
        continue;
      }
      // Copied: the file reuses its buffers for the bytes after.
      head.push(Buffer.from(chunk));
      headSize += chunk.length;
      if (headSize >= HEAD_BYTES) {
        await write(Buffer.concat(head));
        head = [];
      }
    }
    const mixed = mixedNote(source.name, decoding, fallbackLine);
    if (mixed) io.stderr.write(mixed);
    if (!parser && !fast && headSize > 0) await write(Buffer.concat(head));
    if (!parser && !fast)
      throw inputError(`${source.name} is empty`, 'export the survey again, or check that you gave the right file');
    if (enough || fast?.stopped) {
      parser?.destroy();
      source.stream!.destroy();
      return { stopped: Boolean(fast?.stopped), lastLine, warnedBroken };
    }
    if (fast) fast.end();
    else {
      parser!.end();
      await finished(parser!);
    }
    if (failure) throw failure;
  } catch (err) {
    throw csvError(failure ?? err, source.name, lastLine);
  } finally {
    progress.done();
  }
  if (!header) throw inputError(`${source.name} has no header row`, 'the first line of a CSV export names its columns');
  if (!sink) start();
  return { stopped: false, lastLine, warnedBroken };
}

/**
 * Reads a table whose rows come as cells (a workbook's sheet, Parquet): the header and a sample
 * of whole rows, then the rest of the rows with only the columns the sink reads. A row with more
 * filled cells than the header is excluded, as its CSV line would be.
 */
async function readRows(
  source: Source,
  table: RowTable,
  options: ReadOptions,
  prepare: (head: TableHead) => RecordSink,
  io: Io,
): Promise<ReadResult> {
  const header = table.header.map((h) => h.trim());
  if (header.length === 0 || header.every((h) => h === ''))
    throw inputError(`${source.name} has no columns`, 'export the table again, with its columns');
  const sample: string[][] = [];
  const sampleLines: number[] = [];
  await table.rows(
    (cells, line) => {
      sample.push([...cells]);
      sampleLines.push(line);
    },
    0,
    undefined,
    SAMPLE_RECORDS,
  );
  const extra = options.extraHeaderRows?.(header, sample.slice(0, 3)) ?? 0;
  const headerRows = sample.splice(0, extra);
  sampleLines.splice(0, extra);
  const dialect: Dialect = { delimiter: ',', bom: false, sepLine: false };
  const sink = prepare({
    source,
    decoding: { encoding: 'utf-8' },
    dialect,
    header,
    sample,
    headerRows,
    reader: table.reader,
  });
  if (options.headOnly) return { stopped: false, lastLine: sampleLines.at(-1) ?? 1, warnedBroken: false };
  const rows = tableRows(source.name, header.length, sink, (message) => io.stderr.write(`nps: ${message}\n`));
  rows.lastLine = sampleLines.at(-1) ?? 1;
  for (const [i, record] of sample.entries()) rows.deliver(record, sampleLines[i]);
  // Records of the wanted columns only, in an array the table may reuse from row to row, as the
  // sink allows; up to the row another thread goes on from, when one does.
  await table.rows(
    (cells, line) => rows.deliver(sink.wanted ? cells : [...cells], line),
    extra + sample.length,
    sink.wanted,
    sink.stopAt,
  );
  return { stopped: sink.stopAt !== undefined, lastLine: rows.lastLine, warnedBroken: rows.warnedBroken };
}

/**
 * Hands a table's rows to the sink as the lines of its CSV would come: a row with more filled
 * cells than the header has is a broken record, warned of once.
 */
function tableRows(name: string, columns: number, sink: RecordSink, warn: (message: string) => void) {
  const rows = {
    lastLine: 0,
    warnedBroken: false,
    deliver(cells: string[], line: number): void {
      rows.lastLine = line;
      const broken = extraFilled(cells, columns) ? { line, lines: 1 } : undefined;
      if (broken && !rows.warnedBroken) {
        rows.warnedBroken = true;
        warn(`warning: ${name}: ${describeBroken(broken, cells.length, columns)}`);
      }
      sink(cells, line, broken);
    },
  };
  return rows;
}

/** Where a part of an input starts, and what its reader needs to know from the input's head. */
export interface Part {
  readonly path: string;
  /** The byte where the part's first record starts (with `rows`, its first row). */
  readonly start: number;
  /** `start` and `stopAt` count the rows of a Parquet file, not bytes. */
  readonly rows?: true;
  /** The line before it: the part's line numbers count from here. */
  readonly lineOffset: number;
  readonly delimiter: string;
  /** The header's width. */
  readonly columns: number;
  /** Where the next part starts (its reader stops there), if there is one. */
  readonly stopAt?: number;
}

/**
 * How an input was decoded, as people read it: the encoding, or the workbook sheet or Parquet file
 * its rows came from.
 */
export const encodingOf = (head: TableHead): string => head.source.described ?? head.decoding.encoding;

/**
 * After a fallback, when lines were read in more than the one legacy encoding (a file pieced
 * together from two tools): how many went which way, and where the first other one is.
 */
function mixedNote(name: string, decoding: Decoding, fromLine: number): string | undefined {
  const counts = Object.entries(decoding.lines ?? {});
  if (!counts.some(([encoding]) => encoding !== decoding.fellBack)) return undefined;
  const listed = counts.map(([encoding, n]) => `${n} as ${encoding}`).join(', ');
  const first =
    decoding.firstOther === undefined
      ? ''
      : ` (the first not ${decoding.fellBack} on line ${fromLine + decoding.firstOther - 1})`;
  return (
    `nps: note: ${name} mixes encodings: from line ${fromLine}, each line with letters beyond ASCII ` +
    `was read in the one that makes it text: ${listed}${first}; --encoding reads them all in one\n`
  );
}

/** The warning for an input that turns out not to be UTF-8: where, what it is read as, how to choose. */
export const notUtf8Warning = (name: string, line: number, encoding: string): string =>
  `nps: warning: ${name} is not valid UTF-8 from line ${line}: read from there as ${encoding}, ` +
  `the encoding its bytes suggest (override with --encoding)\n`;

/** What reading a part meets that the whole input's reading reports: a broken record, bytes that are not UTF-8. */
export interface PartEvents {
  /** The first broken record: the warning to give. */
  broken(message: string): void;
  /** Bytes that are not UTF-8, on this line: read on in `encoding` (detected) unless this throws. */
  notUtf8(line: number, encoding: string): void;
}

/**
 * Reads the records of a part of a UTF-8 input, from a record boundary, with columns already
 * chosen: what a worker thread reads (and the main thread, when a worker could not).
 */
export async function readPart(part: Part, sink: RecordSink, events: PartEvents): Promise<ReadResult> {
  if (part.rows) return readRowsPart(part, sink, events);
  const stream = new FileChunks(part.path, part.start);
  const name = part.path;
  // Counting on from the lines before the part: what it refuses (a NUL byte, a line too long) is
  // named by the input's line.
  const lines = new LineCounter(name, part.lineOffset);
  const separator = part.delimiter.charCodeAt(0);
  lines.delimiter = separator;
  let lastLine = part.lineOffset;
  let warnedBroken = false;
  const onRecord = (record: string[], bytes: number, shape: RecordShape, time: number | undefined) => {
    const line = lines.lineEndingAt(bytes - part.start);
    if (!shape.blank) {
      const broken = brokenRecord(shape, lastLine + 1, line);
      if (broken && !warnedBroken) {
        warnedBroken = true;
        events.broken(`warning: ${name}: ${describeBroken(broken, record.length, part.columns)}`);
      }
      sink(record, line, broken, time);
    }
    lastLine = line;
  };
  const fast = new FastRecords(separator, onRecord, 0, MAX_RECORD_BYTES);
  fast.header(part.columns);
  fast.only(sink.wanted, sink.dates);
  fast.stopAt = part.stopAt;
  // The scanner counts bytes from the part's start: make its offsets the file's.
  fast.base = part.start;
  const decoding: Decoding = { encoding: 'utf-8' };
  const notUtf8 = (newlinesBefore: number) => {
    // From here the decoded bytes are not the file's: no boundary can be recognised.
    fast.stopAt = undefined;
    events.notUtf8(lines.count + newlinesBefore, decoding.fellBack!);
  };
  try {
    for await (const chunk of toUtf8(stream, 'utf-8', decoding, notUtf8)) {
      lines.add(chunk);
      fast.write(chunk);
      if (fast.stopped) break;
    }
    if (!fast.stopped) fast.end();
  } catch (err) {
    throw csvError(err, name, lastLine);
  } finally {
    stream.destroy();
  }
  return { stopped: fast.stopped, lastLine, warnedBroken };
}

/** The rows of a part of a Parquet file (whole row groups), their lines counted from the part's first. */
async function readRowsPart(part: Part, sink: RecordSink, events: PartEvents): Promise<ReadResult> {
  const { parquetTable } = await import('./parquet.js');
  const table = await parquetTable(part.path, part.path);
  // The row before the part is on line part.start + 1 (the header is line 1).
  const before = part.start + 1 - part.lineOffset;
  const rows = tableRows(part.path, part.columns, sink, events.broken);
  rows.lastLine = part.lineOffset;
  await table.rows(
    (cells, line) => rows.deliver(sink.wanted ? cells : [...cells], line - before),
    part.start,
    sink.wanted,
    part.stopAt,
  );
  return { stopped: part.stopAt !== undefined, lastLine: rows.lastLine, warnedBroken: rows.warnedBroken };
}

function csvError(err: unknown, name: string, lastLine: number): Error {
  if (err instanceof NpsError) return err;
  const code = (err as { code?: string }).code;
  if (code === 'CSV_QUOTE_NOT_CLOSED') {
    return inputError(
      `${name}: the quoted field starting on line ${lastLine + 1} is never closed`,
      'a field that opens with " must end with "; inside a quoted field, write a quote as ""',
    );
  }
  if (code === 'CSV_MAX_RECORD_SIZE') {
    return inputError(
      `${name}: the record starting on line ${lastLine + 1} is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MB`,
      'this is not a survey export, or a quote is left open near that line',
    );
  }
  if (code?.startsWith('CSV_'))
    return inputError(
      `${name}: not a readable CSV file (${(err as Error).message})`,
      'check that the file is a CSV export',
    );
  return err as Error;
}

/** A record's shape as the byte scanner reports it, from a csv-parse record (every field there). */
function shapeOf(record: readonly string[], columns: number, delimiter: string): RecordShape {
  const innerRowLike =
    columns >= 4 &&
    record.some(
      (field) =>
        (field.includes('\n') || field.includes('\r')) &&
        field
          .split(/\r\n|\r|\n/)
          .slice(1)
          .some((text) => text.split(delimiter).length >= columns),
    );
  return {
    blank: record.length === 1 && record[0] === '',
    extraFilled: extraFilled(record, columns),
    innerRowLike,
  };
}

/** Whether a record holds a filled cell past the header's columns: a row with more than the export has. */
const extraFilled = (record: readonly string[], columns: number): boolean =>
  record.length > columns && record.slice(columns).some((field) => field.trim() !== '');

/**
 * Whether a record spanning lines `first`..`last` is broken. A multi-line comment is fine; a quoted
 * field that runs over lines holding as many separators as a row does (or over 100 lines) has
 * swallowed rows, and a record with more filled fields than the header cannot be placed.
 */
function brokenRecord(shape: RecordShape, first: number, last: number): Broken | undefined {
  const lines = last - first + 1;
  if (shape.extraFilled) return { line: first, lines };
  if (lines < 2) return undefined;
  if (lines > MAX_FIELD_LINES || shape.innerRowLike) return { line: first, lines };
  return undefined;
}

function describeBroken(broken: Broken, fields: number, columns: number): string {
  if (broken.lines === 1)
    return `line ${broken.line} has ${fields} fields where the header has ${columns}: it is excluded`;
  return (
    `a quoted field opens on line ${broken.line} and runs over ${broken.lines} lines, ` +
    `to line ${broken.line + broken.lines - 1}, ` +
    `holding what look like rows (a stray " in a cell?): those lines are excluded`
  );
}
