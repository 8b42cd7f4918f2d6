import type { AsyncBuffer, ColumnData, FileMetaData, SchemaElement } from 'hyparquet';
import { inputError, usageError } from '../../errors.js';
import { type FileFormat, type RowTable, wallText } from './format.js';

/*
 * Parquet files (warehouse exports) as a table of rows: the top-level column names, then the rows
 * one row group at a time (hyparquet, pure JavaScript), of the columns a command reads only, so
 * memory holds part of one row group, never the file. Cells reach the reading as the text a CSV
 * export would hold: a TIMESTAMP WITH TIME ZONE (isAdjustedToUTC) is an instant, written with its
 * Z so that --tz converts it like any other; a plain TIMESTAMP is the wall-clock time it says.
 */

/** A Parquet file starts (and ends) with the magic bytes PAR1. */
const isParquet = (head: Uint8Array): boolean =>
  head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31;

export const parquet: FileFormat = {
  kind: 'a Parquet file',
  matches: isParquet,
  async open(path, _io, sheet) {
    if (sheet !== undefined)
      throw usageError(`--sheet reads Excel workbooks: ${path} is not one`, 'drop --sheet for a Parquet file');
    return { name: path, described: 'parquet', table: await parquetTable(path, path) };
  },
};

/** What to do about a file damaged after it was written (the writer's copy may still be sound). */
const DAMAGED_HINT = 'the file was damaged after it was written: copy or export it again, or export CSV';

export async function parquetTable(path: string, name: string): Promise<RowTable> {
  const refused = (problem: string, hint = DAMAGED_HINT) =>
    inputError(`cannot read ${name} as Parquet: ${problem}`, hint);
  const broken = (err: unknown) => refused((err as Error).message, 'check that the export finished, or export CSV');
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } = await import('hyparquet');
  // Snappy is built in; warehouses also write ZSTD, GZIP, Brotli and LZ4.
  const { compressors } = await import('hyparquet-compressors');
  let file: AsyncBuffer;
  let trailer: Buffer;
  try {
    file = await asyncBufferFromFile(path);
    trailer = Buffer.from(await file.slice(Math.max(0, file.byteLength - 8), file.byteLength));
  } catch (err) {
    throw broken(err);
  }
  // PAR1, the data, the footer (the metadata), the footer's length, PAR1.
  if (file.byteLength < 12 || trailer.toString('latin1', 4) !== 'PAR1')
    throw refused(
      'it does not end with PAR1 as Parquet does: it is cut short, or not Parquet',
      'check that the export finished, or export CSV',
    );
  const footerLength = trailer.readUInt32LE(0);
  if (footerLength > file.byteLength - 12)
    throw refused(
      `its footer is damaged: it claims ${footerLength} bytes, and the file holds ${file.byteLength - 12} before it`,
    );
  let metadata: FileMetaData;
  try {
    // Without GeoParquet's column marking, which loops forever on a negative child count: NPS reads no geometry.
    metadata = await parquetMetadataAsync(file, { geoparquet: false });
  } catch {
    // The decoder's own words for bytes that are not metadata ("Cannot read properties of undefined") tell a reader nothing.
    throw refused('its footer is damaged: it does not decode as Parquet metadata');
  }
  const damage = schemaDamage(metadata.schema) ?? chunkOutside(metadata, file.byteLength);
  if (damage) throw refused(damage);
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
    return logical?.type === 'TIMESTAMP'
      ? Boolean(logical.isAdjustedToUTC)
      : /^TIMESTAMP_/.test(String(c.element.converted_type ?? ''));
  });
  // Top-level columns without children come as flat arrays of values: read column by column.
  const flat = children.map((c) => c.children.length === 0);
  const nanosPerUnit = children.map((c) => timeUnit(c.element));
  async function rows(
    onRow: (cells: string[]) => void,
    from: number,
    wanted?: readonly number[],
    until = Infinity,
  ): Promise<void> {
    const read = wanted ?? columns.map((_, i) => i);
    const cells: string[] = new Array(columns.length).fill('');
    const names = read.map((i) => columns[i]);
    const columnar = read.every((i) => flat[i]);
    // A few rows (the sample) of a whole row group: its strings and times are decoded as they are
    // shown, not all of them as the group is read.
    const lazy = columnar && until - from <= LAZY_ROWS;
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      const rowStart = Math.max(from, groupStart);
      const rowEnd = Math.min(groupEnd, until);
      groupStart = groupEnd;
      if (rowStart >= rowEnd) continue;
      // Each column's values as decoded, in pieces that may reach outside the rows asked for.
      const pieces = new Map<string, ColumnData[]>(names.map((name) => [name, []]));
      let values: unknown[][] = [];
      try {
        await parquetRead({
          file,
          metadata,
          rowStart,
          rowEnd,
          columns: names,
          compressors,
          ...(lazy ? { parsers: RAW } : {}),
          ...(columnar
            ? { onChunk: (chunk: ColumnData) => pieces.get(chunk.columnName)?.push(chunk) }
            : { onComplete: (done: unknown[][]) => (values = done) }),
        });
      } catch (err) {
        throw broken(err);
      }
      const at = columnar
        ? names.map((name) => valueAt(pieces.get(name)!))
        : names.map((_, k) => (row: number) => values[row - rowStart][k]);
      for (let row = rowStart; row < rowEnd; row++) {
        for (let k = 0; k < read.length; k++) {
          const i = read[k];
          cells[i] = cellText(lazy ? cooked(at[k](row), nanosPerUnit[i]) : at[k](row), instants[i]);
        }
        onRow(cells);
      }
    }
  }
  return { header: columns, rows };
}

/**
 * How a schema's elements fail to form the one tree their child counts describe: each group's
 * children follow it, and the root's tree takes in every element. hyparquet trusts the counts: a
 * damaged one sends it past the end of the list or leaves columns out.
 */
function schemaDamage(schema: SchemaElement[]): string | undefined {
  const damaged = (why: string) => `its schema is damaged: ${why}`;
  // The children each open group still awaits, the innermost last.
  const awaited: number[] = [];
  for (const [i, element] of schema.entries()) {
    const children = element.num_children ?? 0;
    if (!Number.isSafeInteger(children) || children < 0)
      return damaged(`element ${i + 1} (${element.name}) claims ${children} children`);
    if (i > 0 && awaited.length === 0)
      return damaged(`its child counts take in ${i} of the ${schema.length} elements it lists`);
    if (i > 0) awaited[awaited.length - 1]--;
    if (children > 0) awaited.push(children);
    while (awaited.at(-1) === 0) awaited.pop();
  }
  return awaited.length > 0
    ? damaged(`its child counts claim more than the ${schema.length} elements it lists`)
    : undefined;
}

/** The first column chunk that lies outside the file, where a reader would find no data or another's. */
function chunkOutside(metadata: FileMetaData, size: number): string | undefined {
  for (const [g, group] of metadata.row_groups.entries()) {
    for (const { meta_data: chunk } of group.columns) {
      if (!chunk) continue; // hyparquet names a missing one itself
      // Where hyparquet starts reading: the dictionary page, when there is one.
      const start = Number(chunk.dictionary_page_offset || chunk.data_page_offset);
      const end = start + Number(chunk.total_compressed_size);
      if (start < 0 || end > size)
        return (
          `column "${chunk.path_in_schema.join('.')}" of row group ${g + 1} lies outside the ` +
          `file (bytes ${start} to ${end}, of ${size})`
        );
    }
  }
  return undefined;
}

/** Rows read this few at a time have their strings and times decoded only as they are shown. */
const LAZY_ROWS = 10_000;

const keep = (value: unknown) => value;
/** Parsers that leave strings as their bytes and times as their integers: `cooked` makes them values. */
const RAW = {
  stringFromBytes: keep,
  timestampFromMilliseconds: keep,
  timestampFromMicroseconds: keep,
  timestampFromNanoseconds: keep,
};

const utf8 = new TextDecoder();

/** Nanoseconds per unit of a timestamp column's integers, as hyparquet reads each kind; undefined for others. */
function timeUnit(e: SchemaElement): bigint | undefined {
  if (e.type === 'INT96') return 1n;
  if (e.converted_type === 'TIMESTAMP_MILLIS') return 1_000_000n;
  if (e.converted_type === 'TIMESTAMP_MICROS') return 1000n;
  const logical = e.logical_type as { type?: string; unit?: string } | undefined;
  if (logical?.type !== 'TIMESTAMP') return undefined;
  return logical.unit === 'NANOS' ? 1n : logical.unit === 'MICROS' ? 1000n : 1_000_000n;
}

/** A raw cell as the default parsers would have made it: bytes as text, a time's integer as a Date. */
function cooked(cell: unknown, nanos: bigint | undefined): unknown {
  if (cell instanceof Uint8Array) return utf8.decode(cell);
  if (typeof cell === 'bigint' && nanos !== undefined) return new Date(Number(cell / (1_000_000n / nanos)));
  return cell;
}

function cellText(cell: unknown, instant: boolean): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date)
    return Number.isNaN(cell.getTime()) ? '' : instant ? cell.toISOString() : wallText(cell.getTime());
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (typeof cell === 'object')
    return JSON.stringify(cell, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
  return String(cell);
}

/** The value of a column at a row, from the pieces it was decoded in (in row order). */
function valueAt(pieces: ColumnData[]): (row: number) => unknown {
  pieces.sort((a, b) => a.rowStart - b.rowStart);
  let i = 0;
  return (row) => {
    while (i < pieces.length - 1 && row >= pieces[i].rowEnd) i++;
    const piece = pieces[i];
    return piece && row >= piece.rowStart && row < piece.rowEnd ? piece.columnData[row - piece.rowStart] : undefined;
  };
}
