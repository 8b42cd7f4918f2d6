import { Readable } from 'node:stream';
import { inputError } from '../errors.js';
import { quoted, wallText } from './workbook.js';

/*
 * Parquet files (warehouse exports) as the CSV the rest of the reading knows: a header of the
 * top-level column names, then the rows one row group at a time (hyparquet, pure JavaScript), so
 * memory holds one row group, never the file. A TIMESTAMP WITH TIME ZONE (isAdjustedToUTC) is an
 * instant, written with its Z so that --tz converts it like any other; a plain TIMESTAMP is the
 * wall-clock time it says.
 */

/** A Parquet file starts (and ends) with the magic bytes PAR1. */
export const isParquet = (head: Uint8Array): boolean => head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31;

/** Rows of a row group turned into text at a time. */
const SLICE_ROWS = 10_000;

export async function parquetAsCsv(path: string, name: string): Promise<Readable> {
  const broken = (err: unknown) => inputError(`cannot read ${name} as Parquet: ${(err as Error).message}`, 'check that the export finished, or export CSV');
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } = await import('hyparquet');
  // Snappy is built in; warehouses also write ZSTD, GZIP, Brotli and LZ4.
  const { compressors } = await import('hyparquet-compressors');
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw broken(err);
  }
  let children: ReturnType<typeof parquetSchema>['children'];
  try {
    children = parquetSchema(metadata).children;
  } catch (err) {
    throw broken(err);
  }
  const columns = children.map((c) => c.element.name);
  const instants = children.map((c) => {
    const logical = c.element.logical_type as { type?: string; isAdjustedToUTC?: boolean } | undefined;
    // Without a logical type, the legacy TIMESTAMP_MILLIS/MICROS are UTC instants by the format's rules.
    return logical?.type === 'TIMESTAMP' ? Boolean(logical.isAdjustedToUTC) : /^TIMESTAMP_/.test(String(c.element.converted_type ?? ''));
  });
  async function* csv(): AsyncGenerator<Buffer> {
    yield Buffer.from(`${columns.map(quoted).join(',')}\n`, 'utf8');
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: unknown[][] = [];
      try {
        await parquetRead({ file, metadata, rowStart, rowEnd, compressors, onComplete: (read: unknown[][]) => (rows = read) });
      } catch (err) {
        throw broken(err);
      }
      // In slices: a row group may hold a million rows, which as one chunk of text would be a
      // hundred megabytes at once (and more lines than a reader takes in one piece).
      for (let at = 0; at < rows.length; at += SLICE_ROWS) {
        const slice = rows.slice(at, at + SLICE_ROWS);
        yield Buffer.from(slice.map((row) => `${row.map((cell, i) => quoted(cellText(cell, instants[i]))).join(',')}\n`).join(''), 'utf8');
      }
      rowStart = rowEnd;
    }
  }
  return Readable.from(csv());
}

function cellText(cell: unknown, instant: boolean): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '' : instant ? cell.toISOString() : wallText(cell.getTime());
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (typeof cell === 'object') return JSON.stringify(cell, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
  return String(cell);
}
