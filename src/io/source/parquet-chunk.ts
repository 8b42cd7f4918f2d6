import type { DecodedArray, PageHeader } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';

/*
 * One flat column's chunk of a row group, read page by page with hyparquet's own decoders (the
 * version is pinned: these are its inner modules). A flat column needs no list assembly: a row's
 * value is the page's next one unless its definition level says it has none. Reading stops at
 * the rows asked for, within a page too for the common encodings, so a sample costs a few rows.
 */

export type ColumnDecoder = Parameters<typeof readDataPage>[2];

/** How one column's chunks are read: the decoder, its values as stored made values, and as shown. */
export interface ChunkReading {
  decoder: ColumnDecoder;
  /** A page's stored values as values (hyparquet's `convert`, or kept as stored for `cook`). */
  convert: (stored: DecodedArray) => ArrayLike<unknown>;
  /** A value as shown; dictionary entries are cooked once. */
  cook: (value: unknown) => unknown;
}

/** One data page's rows read: its first row in the group, how many, their values, where each row's is. */
interface Page {
  start: number;
  rows: number;
  values: ArrayLike<unknown>;
  /** The index of each row's value among `values`, -1 for none; absent when every row has one. */
  at?: Int32Array;
}

/** The column chunk's cells (from `bytes`, the chunk as stored) of rows 0 up to `rows` of its group, in row order. */
export function chunkCells(bytes: ArrayBuffer, reading: ChunkReading, rows: number): (row: number) => unknown {
  const { decoder, cook } = reading;
  const reader = { view: new DataView(bytes), offset: 0 };
  const pages: Page[] = [];
  let dictionary: unknown[] | undefined;
  let read = 0;
  while (read < rows && reader.offset < bytes.byteLength - 1) {
    const header = parquetHeader(reader);
    const stored = new Uint8Array(bytes, reader.offset, header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.dictionary_page_header) {
      const page = expand(stored, header, decoder);
      const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
      const count = header.dictionary_page_header.num_values;
      dictionary = Array.from(
        convert(readPlain({ view, offset: 0 }, decoder.type, count, decoder.element.type_length), decoder),
        cook,
      );
      continue;
    }
    const count = header.data_page_header?.num_values ?? header.data_page_header_v2?.num_rows;
    if (count === undefined) continue; // an index page: nothing a reader of rows needs
    const want = Math.min(count, rows - read);
    const { levels, stored: values } = pageValues(stored, header, decoder, want);
    const { present, at } = positions(levels, want);
    const encoding = (header.data_page_header ?? header.data_page_header_v2)!.encoding;
    // A dictionary page's keys, looked up; undefined for values stored as themselves.
    const lookUp = (keys: DecodedArray, count: number) => {
      if (!dictionary || !encoding.endsWith('_DICTIONARY')) return undefined;
      const looked = new Array<unknown>(count);
      for (let i = 0; i < count; i++) looked[i] = dictionary[Number(keys[i])];
      return looked;
    };
    pages.push({ start: read, rows: want, values: lookUp(values, present) ?? reading.convert(values), at });
    read += want;
  }
  let p = 0;
  return (row) => {
    while (p < pages.length - 1 && row >= pages[p].start + pages[p].rows) p++;
    const page = pages[p];
    if (!page || row < page.start || row >= page.start + page.rows) return undefined;
    const k = page.at ? page.at[row - page.start] : row - page.start;
    return k < 0 ? null : cook(page.values[k]);
  };
}

const expand = (stored: Uint8Array, header: PageHeader, decoder: ColumnDecoder) =>
  decompressPage(stored, header.uncompressed_page_size, decoder.codec, decoder.compressors);

/**
 * A data page's definition levels (undefined when the column is required) and its stored values,
 * at least those of its first `want` rows. A version 1 page in plain or dictionary encoding is
 * decoded only that far; any other goes through hyparquet's page reader whole.
 */
function pageValues(stored: Uint8Array, header: PageHeader, decoder: ColumnDecoder, want: number) {
  const v1 = header.data_page_header;
  const optional = decoder.element.repetition_type !== 'REQUIRED';
  if (v1 && (v1.encoding === 'PLAIN' || v1.encoding.endsWith('_DICTIONARY')) && decoder.type !== 'BOOLEAN') {
    const page = expand(stored, header, decoder);
    const reader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
    let levels: Uint8Array | undefined;
    let count = want;
    if (optional) {
      levels = new Uint8Array(v1.num_values);
      readRleBitPackedHybrid(reader, 1, levels);
      count = 0;
      for (let i = 0; i < want; i++) count += levels[i];
    }
    if (v1.encoding === 'PLAIN')
      return { levels, stored: readPlain(reader, decoder.type, count, decoder.element.type_length) };
    const width = reader.view.getUint8(reader.offset++);
    const keys = new Uint32Array(count);
    if (width > 0) readRleBitPackedHybrid(reader, width, keys, page.byteLength - reader.offset);
    return { levels, stored: keys };
  }
  const { definitionLevels, dataPage } = v1
    ? readDataPage(expand(stored, header, decoder), v1, decoder)
    : readDataPageV2(stored, header, decoder);
  // hyparquet leaves out the levels of a page without nulls.
  const levels = optional && definitionLevels?.length ? Uint8Array.from(definitionLevels) : undefined;
  return { levels, stored: dataPage };
}

/** How many of the first `rows` rows have a value, and where each row's sits (none when all have one). */
function positions(levels: Uint8Array | undefined, rows: number): { present: number; at?: Int32Array } {
  if (!levels) return { present: rows };
  const at = new Int32Array(rows);
  let next = 0;
  for (let i = 0; i < rows; i++) at[i] = levels[i] === 1 ? next++ : -1;
  return next === rows ? { present: rows } : { present: next, at };
}
