import type {
  AsyncBuffer,
  ColumnMetaData,
  CompressionCodec,
  FileMetaData,
  RowGroup,
  SchemaElement,
  SchemaTree,
} from 'hyparquet';
import { inputError, usageError } from '../../errors.js';
import { type FileFormat, instantText, type RowTable, wallText } from './format.js';
import type { ChunkReading, ColumnDecoder } from './parquet-chunk.js';

/*
 * Parquet files (warehouse exports) as a table of rows: the top-level column names, then the rows
 * one row group at a time (hyparquet, pure JavaScript), of the columns a command reads only, so
 * memory holds part of one row group, never the file. Cells reach the reading as the text a CSV
 * export would hold: a TIMESTAMP WITH TIME ZONE (isAdjustedToUTC) is an instant, written with its
 * Z so that --tz converts it like any other; a plain TIMESTAMP is the wall-clock time it says.
 */

/** A Parquet file as a source of rows. */
export const openParquet: FileFormat['open'] = async (path, _io, sheet) => {
  if (sheet !== undefined)
    throw usageError(`--sheet reads Excel workbooks: ${path} is not one`, 'drop --sheet for a Parquet file');
  return { name: path, described: 'parquet', table: await parquetTable(path, path) };
};

/** What to do about a file damaged after it was written (the writer's copy may still be sound). */
const DAMAGED_HINT = 'the file was damaged after it was written: copy or export it again, or export CSV';

export async function parquetTable(path: string, name: string): Promise<RowTable> {
  const refused = (problem: string, hint = DAMAGED_HINT) =>
    inputError(`cannot read ${name} as Parquet: ${problem}`, hint);
  const broken = (err: unknown) => refused((err as Error).message, 'check that the export finished, or export CSV');
  // The decoder loads with the first Parquet file: a run on CSV never needs it.
  const [{ asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema }, convert, schema, chunk] =
    await Promise.all([
      import('hyparquet'),
      import('hyparquet/src/convert.js'),
      import('hyparquet/src/schema.js'),
      import('./parquet-chunk.js'),
    ]);
  // Snappy is built in; warehouses also write ZSTD, GZIP, Brotli and LZ4.
  const { compressors } = await import('hyparquet-compressors');
  /** Parsers that leave strings as their bytes and times as their integers: `cooked` makes them values. */
  const parsers = {
    ...convert.DEFAULT_PARSERS,
    stringFromBytes: keep,
    timestampFromMilliseconds: keep,
    timestampFromMicroseconds: keep,
    timestampFromNanoseconds: keep,
  };
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
    // The decoder's own words for bytes that are not metadata ("Cannot read properties of
    // undefined") tell a reader nothing.
    throw refused('its footer is damaged: it does not decode as Parquet metadata');
  }
  const damage = schemaDamage(metadata.schema) ?? chunkOutside(metadata, file.byteLength);
  if (damage) throw refused(damage);
  let schemaRoot: SchemaTree;
  try {
    schemaRoot = parquetSchema(metadata);
  } catch (err) {
    throw broken(err);
  }
  const children = schemaRoot.children;
  const columns = children.map((c) => c.element.name);
  const instants = children.map((c) => {
    const logical = c.element.logical_type as { type?: string; isAdjustedToUTC?: boolean } | undefined;
    // Without a logical type, the legacy TIMESTAMP_MILLIS/MICROS are UTC instants by the format's rules.
    return logical?.type === 'TIMESTAMP'
      ? Boolean(logical.isAdjustedToUTC)
      : /^TIMESTAMP_/.test(String(c.element.converted_type ?? ''));
  });
  // Flat columns are read page by page; a column of lists or groups goes through hyparquet's assembly.
  const flat = children.map((c) => schema.isFlatColumn([schemaRoot, c]));
  const units = children.map((c) => timeUnit(c.element));
  const cooks = units.map((nanos) => (value: unknown) => cooked(value, nanos));
  /** How to read column i's chunks in a row group (its codec may differ from group to group). */
  const readingOf = (i: number, codec: CompressionCodec): ChunkReading => {
    const { element } = children[i];
    const decoder: ColumnDecoder = {
      pathInSchema: [columns[i]],
      type: element.type!,
      element,
      schemaPath: [schemaRoot, children[i]],
      codec,
      parsers,
      compressors,
    };
    // A time's integers stay as stored: only the rows shown become times.
    const asStored = element.type === 'INT64' && units[i] !== undefined;
    return {
      decoder,
      convert: asStored ? (stored) => stored : (stored) => convert.convert(stored, decoder),
      cook: cooks[i],
    };
  };
  async function rows(
    onRow: (cells: string[], line: number) => void,
    from: number,
    wanted?: readonly number[],
    until = Infinity,
  ): Promise<void> {
    const read = wanted ?? columns.map((_, i) => i);
    const allFlat = read.every((i) => flat[i]);
    const cells: string[] = new Array(columns.length).fill('');
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      const rowStart = Math.max(from, groupStart);
      const rowEnd = Math.min(groupEnd, until);
      const first = groupStart;
      groupStart = groupEnd;
      if (rowStart >= rowEnd) continue;
      let at: ((row: number) => unknown)[];
      try {
        at = allFlat
          ? await Promise.all(read.map((i) => flatCells(group, i, rowEnd - first)))
          : await assembled(read, rowStart, rowEnd, first);
      } catch (err) {
        throw broken(err);
      }
      for (let row = rowStart; row < rowEnd; row++) {
        // A reader downstream may have added cells to the array (a join does): a row has the table's.
        if (cells.length !== columns.length) cells.length = columns.length;
        for (let k = 0; k < read.length; k++) {
          const i = read[k];
          cells[i] = cellText(at[k](row - first), instants[i]);
        }
        // The header is line 1, as in the CSV the table would be written as.
        onRow(cells, row + 2);
      }
    }
  }
  /** Column i's cells in a row group, rows 0 up to at least `rows`, by the group's own row index. */
  async function flatCells(group: RowGroup, i: number, rows: number): Promise<(row: number) => unknown> {
    const meta = group.columns.find((c) => c.meta_data?.path_in_schema.join('.') === columns[i])?.meta_data;
    if (!meta) throw new Error(`column "${columns[i]}" has no chunk in a row group`);
    const start = chunkStart(meta);
    const bytes = await file.slice(start, start + Number(meta.total_compressed_size));
    return chunk.chunkCells(bytes, readingOf(i, meta.codec), rows);
  }
  /** The cells of rows [rowStart, rowEnd) as hyparquet assembles them, lists and groups included. */
  async function assembled(read: readonly number[], rowStart: number, rowEnd: number, first: number) {
    let values: unknown[][] = [];
    const names = read.map((i) => columns[i]);
    await parquetRead({
      file,
      metadata,
      rowStart,
      rowEnd,
      columns: names,
      compressors,
      onComplete: (v) => (values = v),
    });
    return names.map((_, k) => (row: number) => values[row + first - rowStart]?.[k]);
  }
  let rowCount = 0;
  const groupStarts = metadata.row_groups.map((group) => {
    const start = rowCount;
    rowCount += Number(group.num_rows);
    return start;
  });
  return { header: columns, reader: 'parquet', rows, groupStarts, rowCount };
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

/** Where a column chunk's bytes start, as hyparquet reads them: at the dictionary page, when there is one. */
const chunkStart = (chunk: ColumnMetaData): number => Number(chunk.dictionary_page_offset || chunk.data_page_offset);

/** The first column chunk that lies outside the file, where a reader would find no data or another's. */
function chunkOutside(metadata: FileMetaData, size: number): string | undefined {
  for (const [g, group] of metadata.row_groups.entries()) {
    for (const { meta_data: chunk } of group.columns) {
      if (!chunk) continue; // hyparquet names a missing one itself
      const start = chunkStart(chunk);
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

const keep = (value: unknown) => value;

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
  if (typeof cell === 'bigint' && nanos !== undefined)
    // Milli- and microseconds are exact as doubles for any date a survey holds; nanoseconds are not.
    return new Date(nanos === 1n ? Number(cell / 1_000_000n) : Math.trunc(Number(cell) / Number(1_000_000n / nanos)));
  return cell;
}

function cellText(cell: unknown, instant: boolean): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date)
    return Number.isNaN(cell.getTime()) ? '' : (instant ? instantText : wallText)(cell.getTime());
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  if (typeof cell === 'object')
    return JSON.stringify(cell, (_key, value) => (typeof value === 'bigint' ? String(value) : value));
  return String(cell);
}
