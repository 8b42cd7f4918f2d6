import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import { inputError, usageError } from '../../errors.js';
import type { Io } from '../io.js';
import { type FileFormat, isParquet, isZip, type Source } from './format.js';

export type { Source };

/**
 * The formats a file is recognised as by its first bytes; a file none of them claims is read as
 * text (CSV, TSV, gzip). A format's reader loads with the first file it claims.
 */
const FILE_FORMATS: readonly FileFormat[] = [
  {
    kind: 'an Excel workbook',
    matches: isZip,
    open: async (...a) => (await import('./workbook.js')).openWorkbook(...a),
  },
  {
    kind: 'a Parquet file',
    matches: isParquet,
    open: async (...a) => (await import('./parquet.js')).openParquet(...a),
  },
];

/** The first four bytes of a file: what kind of file it is. */
function fileMagic(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    return head.subarray(0, readSync(fd, head, 0, 4, 0));
  } finally {
    closeSync(fd);
  }
}

/** What describes a text file's bytes, which a workbook or Parquet file has no use for. */
export interface TextOptions {
  readonly encoding?: string;
  readonly delimiter?: string;
}

/**
 * An input by its path (or - for stdin), read as the format its first bytes say; `sheet` picks a
 * workbook's sheet, by name or number.
 */
export async function openSource(spec: string, io: Io, sheet?: string, text: TextOptions = {}): Promise<Source> {
  if (spec === '-') {
    if (sheet !== undefined)
      throw usageError('--sheet reads a workbook file, not standard input', 'give the .xlsx file by its path');
    return { name: 'stdin', stream: io.stdin };
  }
  let size: number;
  let regular: boolean;
  try {
    const info = await stat(spec);
    if (info.isDirectory())
      throw inputError(`${spec} is a directory, not a CSV file`, 'give the path of an exported .csv file');
    size = info.size;
    regular = info.isFile();
  } catch (err) {
    throw fileError(spec, err);
  }
  // A FIFO, <(process substitution) or /dev/stdin on a pipe cannot be read at an offset: read it
  // once, as a stream, like standard input (workbooks and Parquet need a file to seek in).
  if (!regular) {
    if (sheet !== undefined)
      throw usageError(`--sheet reads a workbook file: ${spec} is a pipe`, 'give the .xlsx file by its path');
    return { name: spec, stream: createReadStream(spec, { highWaterMark: CHUNK_BYTES }) };
  }
  let magic: Buffer;
  try {
    magic = fileMagic(spec);
  } catch (err) {
    throw fileError(spec, err);
  }
  const format = FILE_FORMATS.find((f) => f.matches(magic));
  if (format) {
    // Its cells come as values or text already: bytes and separators are not theirs to choose.
    const flag = text.encoding !== undefined ? '--encoding' : text.delimiter !== undefined ? '--delimiter' : undefined;
    if (flag) throw usageError(`${flag} reads CSV and text files: ${spec} is ${format.kind}`, `drop ${flag}`);
    return format.open(spec, io, sheet);
  }
  if (sheet !== undefined)
    throw usageError(`--sheet reads Excel workbooks: ${spec} is not one`, 'drop --sheet for a CSV file');
  return { name: spec, path: spec, size, stream: new FileChunks(spec) };
}

/** Bytes of a file read at once. */
const CHUNK_BYTES = 256 * 1024;
/** Buffers a file's chunks take turns in: a reader may still hold the end of the one before (a character cut in two). */
const RING = 4;
/** Chunks read between turns of the event loop (16 MB), so that a signal's handler runs while a large file is read. */
const CHUNKS_PER_TURN = 64;

/**
 * A regular file's bytes from `start`, read into a few buffers used in turn rather than into a new
 * one per read: reading a gigabyte leaves no garbage behind it, and memory stays that of the ring.
 * A chunk is overwritten RING reads later: a reader that keeps bytes longer copies them.
 */
export class FileChunks implements AsyncIterable<Buffer> {
  private fd: number | undefined;

  constructor(
    private readonly path: string,
    private readonly start = 0,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    this.fd = openSync(this.path, 'r');
    const ring = Array.from({ length: RING }, () => Buffer.allocUnsafeSlow(CHUNK_BYTES));
    let reads = 0;
    try {
      // Synchronous reads: from the page cache they take microseconds, less than a trip through the thread pool.
      for (let turn = 0, position = this.start; this.fd !== undefined; turn = (turn + 1) % RING) {
        const read = readSync(this.fd, ring[turn], 0, CHUNK_BYTES, position);
        if (read === 0) return;
        position += read;
        yield ring[turn].subarray(0, read);
        if (++reads % CHUNKS_PER_TURN === 0) await setImmediate();
      }
    } finally {
      this.destroy();
    }
  }

  destroy(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

export function fileError(spec: string, err: unknown): Error {
  if (err instanceof Error && 'kind' in err) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT')
    return inputError(`cannot read ${spec}: no such file`, 'check the path; use - to read standard input');
  if (code === 'EACCES' || code === 'EPERM')
    return inputError(`cannot read ${spec}: permission denied`, 'check the file permissions');
  if (code === 'EISDIR')
    return inputError(`${spec} is a directory, not a CSV file`, 'give the path of an exported .csv file');
  return inputError(`cannot read ${spec}: ${(err as Error)?.message ?? String(err)}`);
}

/**
 * The bytes of a source, gunzipped when they start with the gzip magic number (so `.gz` files and
 * gzipped pipes both work whatever their name).
 */
export async function* bytesOf(source: Source): AsyncGenerator<Buffer> {
  const chunks = source.stream![Symbol.asyncIterator]();
  let first: IteratorResult<Buffer>;
  try {
    first = await chunks.next();
  } catch (err) {
    throw fileError(source.name, err);
  }
  if (first.done) return;
  let head = first.value;
  // The gzip magic number is two bytes; a pipe may deliver them one at a time.
  while (head.length < 4) {
    const more = await chunks.next();
    if (more.done) break;
    head = Buffer.concat([head, more.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  if (isZip(head))
    throw inputError(
      `${source.name} is a zip file (an Excel workbook?) on standard input`,
      'give the .xlsx file by its path, or save the sheet as CSV',
    );
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    try {
      yield* all();
    } catch (err) {
      throw fileError(source.name, err);
    }
    return;
  }
  const { createGunzip } = await import('node:zlib');
  // The stream reads ahead of the inflater: each chunk is its own copy, not a buffer the file reuses.
  const copies = async function* () {
    for await (const chunk of all()) yield Buffer.from(chunk);
  };
  const gunzip = Readable.from(copies()).pipe(createGunzip());
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (err) {
    throw inputError(
      `cannot read ${source.name}: not a valid gzip file (${(err as Error).message})`,
      'check that the download finished, or unzip it first',
    );
  }
}
