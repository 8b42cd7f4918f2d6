import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { inputError, usageError } from '../../errors.js';
import { type FileFormat, type RowTable, wallText } from './format.js';
import { MAX_LINE_BYTES } from './lines.js';

/*
 * Excel workbooks (.xlsx) as a table of rows: the chosen sheet's first row that holds a value is
 * the header, then its rows as cells of text (numbers as written, date cells as wall-clock text),
 * sheet row N on line N, so column detection, presets, filters and the row accounting are those
 * of the CSV the sheet would be saved as. A cell cannot swallow rows, as a stray quote in CSV can.
 *
 * A workbook is a zip of XML files. The sheet is inflated and scanned as it is read, a row at a
 * time, so memory does not grow with its rows; the shared strings (each distinct text once) and
 * the styles (which cells are dates) are read first, whole.
 */

/** An .xlsx workbook as a source: its sheet's rows, the first sheet unless --sheet names another. */
export const openWorkbook: FileFormat['open'] = async (path, io, sheet) => {
  const read = await workbookTable(path, path, sheet);
  if (sheet === undefined && read.sheets.length > 1) {
    io.stderr.write(
      `nps: note: ${path} has ${read.sheets.length} sheets: reading the first, ${JSON.stringify(read.sheet)} ` +
        `(choose another with --sheet)\n`,
    );
  }
  return {
    name: path,
    sheet: read.sheet,
    described: `xlsx, sheet ${JSON.stringify(read.sheet)}`,
    table: read.table,
  };
};

/** The shared strings are held whole: past this, unpacked, a workbook is refused with a way out. */
const MAX_SHARED_STRINGS_BYTES = 512 * 1024 * 1024;
/**
 * The workbook's other parts held whole (its list of sheets, relationships, styles) are small; past
 * this one is damaged or hostile.
 */
const MAX_PART_BYTES = 64 * 1024 * 1024;

interface Entry {
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

/** The inflater, loaded with the first workbook read: a run on CSV never needs it. */
let fflate: typeof import('fflate');

/** The chosen sheet as a table of rows, its name, and the names of all the workbook's sheets. */
export async function workbookTable(
  path: string,
  name: string,
  sheet: string | undefined,
): Promise<{ sheet: string; sheets: string[]; table: RowTable }> {
  const broken = (why: string) =>
    inputError(
      `cannot read ${name} as an Excel workbook: ${why}`,
      'check that it is an .xlsx file (not .xls or .ods) and that the download finished',
    );
  fflate ??= await import('fflate');
  const fd = openSync(path, 'r');
  let chosen: { name: string; entry: Entry };
  let sheets: { name: string; target: string }[];
  let strings: string[];
  let dates: boolean[];
  let epoch: number;
  try {
    const entries = centralDirectory(fd, broken);
    const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);
    /** A part held whole; past `limit` unpacked, `tooLarge` says why it is refused. */
    const text = (
      file: string,
      limit = MAX_PART_BYTES,
      tooLarge = (size: number) => broken(`${file} says it unpacks to ${megabytes(size)} MB`),
    ): string | undefined => {
      const entry = entries.get(file);
      if (!entry) return undefined;
      if (entry.size > limit) throw tooLarge(entry.size);
      return withoutPrefixes(Buffer.from(entryBytes(fd, entry, broken)).toString('utf8'));
    };
    const workbook = text('xl/workbook.xml');
    if (workbook === undefined) throw broken('it has no xl/workbook.xml');
    const targets = relationships(text('xl/_rels/workbook.xml.rels') ?? '');
    sheets = [...workbook.matchAll(/<sheet\b([^>]*)>/g)].map((m) => ({
      name: decodeXml(attribute(m[1], 'name') ?? ''),
      target: targets.get(attribute(m[1], 'r:id') ?? '') ?? '',
    }));
    if (sheets.length === 0) throw broken('it lists no sheets');
    const picked = pick(sheets, sheet, name);
    const entry = entries.get(picked.target);
    if (!entry) throw broken(`its sheet ${JSON.stringify(picked.name)} is missing (${picked.target})`);
    chosen = { name: picked.name, entry };
    const stringsTooLarge = (size: number) =>
      inputError(
        `${name}: its shared strings are ${megabytes(size)} MB unpacked, more than the ` +
          `${megabytes(MAX_SHARED_STRINGS_BYTES)} MB held in memory`,
        'save the sheet as CSV (UTF-8) in Excel and read that: CSV is streamed',
      );
    strings = sharedStrings(text('xl/sharedStrings.xml', MAX_SHARED_STRINGS_BYTES, stringsTooLarge) ?? '', broken);
    dates = dateStyles(text('xl/styles.xml') ?? '');
    // Workbooks from old Mac Excel count days from 1904.
    epoch = /<workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbook) ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  } finally {
    closeSync(fd);
  }
  const context = { strings, dates, epoch };
  const sheetRows = () => rowsOf(path, chosen.entry, context, broken);
  let header: SheetRow | undefined;
  for await (const batch of sheetRows()) {
    header = batch.find((row) => !blank(row.cells));
    if (header) break;
  }
  if (!header)
    throw inputError(
      `${name} is empty: its sheet ${JSON.stringify(chosen.name)} holds no values`,
      'choose the sheet with the answers with --sheet, or export the survey again',
    );
  const headerLine = header.line;
  /** Hands the rows after the header that hold a value, numbered from 0, from `from` up to `until`. */
  async function rows(
    onRow: (cells: string[], line: number) => void,
    from: number,
    _wanted?: unknown,
    until = Infinity,
  ) {
    let index = 0;
    for await (const batch of sheetRows()) {
      for (const { line, cells } of batch) {
        if (line <= headerLine || blank(cells)) continue;
        if (index >= until) return;
        if (index++ >= from) onRow(cells, line);
      }
    }
  }
  return {
    sheet: chosen.name,
    sheets: sheets.map((s) => s.name),
    table: { header: header.cells, reader: 'xlsx', rows },
  };
}

/** A row with no value, as a blank line of CSV: no cells, or one empty one. */
const blank = (cells: readonly string[]) => cells.length === 0 || (cells.length === 1 && cells[0] === '');

function pick<S extends { name: string }>(sheets: readonly S[], wanted: string | undefined, name: string): S {
  if (wanted === undefined) return sheets[0];
  const byName =
    sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
  if (byName) return byName;
  const position = /^\d+$/.test(wanted) ? Number(wanted) : NaN;
  if (position >= 1 && position <= sheets.length) return sheets[position - 1];
  const names = sheets.map((s) => JSON.stringify(s.name)).join(', ');
  throw usageError(
    `--sheet ${wanted}: ${name} has no such sheet`,
    `its sheets: ${names} (or give a number from 1 to ${sheets.length})`,
  );
}

// --- The zip container -------------------------------------------------------------------------

function read(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return buffer.subarray(0, done);
}

/** The entries of the zip's central directory, by name. */
function centralDirectory(fd: number, broken: (why: string) => Error): Map<string, Entry> {
  const size = fstatSync(fd).size;
  const tail = read(fd, Math.max(0, size - 65_557), Math.min(size, 65_557));
  const end = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > tail.length) throw broken('it is not a complete zip archive');
  const count = tail.readUInt16LE(end + 10);
  const directorySize = tail.readUInt32LE(end + 12);
  const directoryOffset = tail.readUInt32LE(end + 16);
  if (directoryOffset === 0xffffffff || count === 0xffff) throw broken('it is a zip64 archive (over 4 GB)');
  const directory = read(fd, directoryOffset, directorySize);
  const entries = new Map<string, Entry>();
  let at = 0;
  for (let i = 0; i < count && at + 46 <= directory.length && directory.readUInt32LE(at) === 0x02014b50; i++) {
    const nameLength = directory.readUInt16LE(at + 28);
    const entryName = directory.toString('utf8', at + 46, at + 46 + nameLength);
    entries.set(entryName.replace(/^\//, ''), {
      method: directory.readUInt16LE(at + 10),
      compressedSize: directory.readUInt32LE(at + 20),
      size: directory.readUInt32LE(at + 24),
      offset: directory.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
  }
  return entries;
}

/** Where an entry's compressed bytes start: after its local header, whose name and extra field lengths are its own. */
function dataStart(fd: number, entry: Entry, broken: (why: string) => Error): number {
  const header = read(fd, entry.offset, 30);
  if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50)
    throw broken('an entry of its zip directory points at nothing');
  return entry.offset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
}

function entryBytes(fd: number, entry: Entry, broken: (why: string) => Error): Uint8Array {
  const start = dataStart(fd, entry, broken);
  if (start + entry.compressedSize > fstatSync(fd).size)
    throw broken('an entry says it holds more bytes than the file has');
  const data = read(fd, start, entry.compressedSize);
  if (entry.method === 0) return data;
  if (entry.method !== 8) throw broken(`an entry is compressed with method ${entry.method}, not deflate`);
  let bytes: Uint8Array;
  try {
    // One byte more than the directory says: a part that fills it unpacks to more than it claims.
    bytes = fflate.inflateSync(data, { out: new Uint8Array(entry.size + 1) });
  } catch (err) {
    throw broken((err as Error).message);
  }
  if (bytes.length !== entry.size)
    throw broken(
      `a part unpacks to ${bytes.length > entry.size ? 'more' : 'fewer'} bytes ` +
        `than its zip directory says (${entry.size})`,
    );
  return bytes;
}

// --- The workbook's parts ----------------------------------------------------------------------

/**
 * Element names without a namespace prefix: the Open XML SDK writes <x:row>, <x:c>, <x:v> where
 * Excel writes <row>. Attributes (r:id) keep theirs; text holds no < (XML escapes it).
 */
const withoutPrefixes = (xml: string): string => xml.replace(/<(\/?)[A-Za-z_][\w.-]*:/g, '<$1');

/**
 * The `name` elements of some XML, in order, found with indexOf in one pass: a regex with a lazy
 * body searched again from each unclosed <si> or <c> takes time that grows with the square of
 * the text (seconds for a 1 KB part built to do so). An element left open ends the search, and
 * `unclosed` is told.
 */
function* elements(
  xml: string,
  name: string,
  unclosed: () => void = () => {},
): Generator<{ attributes: string; inner: string | undefined; start: number; end: number }> {
  const open = `<${name}`;
  const close = `</${name}>`;
  for (let at = xml.indexOf(open); at >= 0; ) {
    const next = xml.charCodeAt(at + open.length);
    // <c> but not <cols>: the name ends at white space, > or />.
    if (next !== 62 && next !== 47 && next !== 32 && next !== 9 && next !== 10 && next !== 13) {
      at = xml.indexOf(open, at + 1);
      continue;
    }
    const end = xml.indexOf('>', at);
    if (end < 0) return unclosed();
    if (xml.charCodeAt(end - 1) === 47) {
      yield { attributes: xml.slice(at + open.length, end - 1), inner: undefined, start: at, end: end + 1 };
      at = xml.indexOf(open, end);
      continue;
    }
    const closing = xml.indexOf(close, end);
    if (closing < 0) return unclosed();
    yield {
      attributes: xml.slice(at + open.length, end),
      inner: xml.slice(end + 1, closing),
      start: at,
      end: closing + close.length,
    };
    at = xml.indexOf(open, closing + close.length);
  }
}

const attribute = (attributes: string, key: string): string | undefined =>
  new RegExp(`(?:^|\\s)${key}="([^"]*)"`).exec(attributes)?.[1];

/** Relationship ids to the part they name, as a path inside the zip. */
function relationships(xml: string): Map<string, string> {
  const targets = new Map<string, string>();
  for (const m of xml.matchAll(/<Relationship\b([^>]*)>/g)) {
    const id = attribute(m[1], 'Id');
    const target = attribute(m[1], 'Target');
    if (id && target)
      targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`.replace(/\/\.\//g, '/'));
  }
  return targets;
}

/** Each shared string's text: its runs joined, phonetic guides left out. */
function sharedStrings(xml: string, broken: (why: string) => Error): string[] {
  const strings: string[] = [];
  const unclosed = () => {
    throw broken('its shared strings are damaged (an <si> is never closed)');
  };
  for (const si of elements(xml, 'si', unclosed)) strings.push(si.inner === undefined ? '' : runsText(si.inner));
  return strings;
}

function runsText(xml: string): string {
  // Phonetic guides (<rPh>) hold <t> runs of their own: they are not the text.
  let kept = '';
  let from = 0;
  for (const phonetic of elements(xml, 'rPh')) {
    kept += xml.slice(from, phonetic.start);
    from = phonetic.end;
  }
  kept += xml.slice(from);
  return [...elements(kept, 't')].map((t) => decodeXml(t.inner ?? '')).join('');
}

/** Built-in number formats that show a date or time (ECMA-376 18.8.30, with the East Asian ones). */
const DATE_FORMAT_IDS = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56,
  57, 58,
]);

/** Per cell style (the `s` of a cell), whether its number format shows a date. */
function dateStyles(xml: string): boolean[] {
  const custom = new Map<number, boolean>();
  for (const m of xml.matchAll(/<numFmt\b([^>]*)>/g)) {
    const code = decodeXml(attribute(m[1], 'formatCode') ?? '')
      .replace(/"[^"]*"/g, '')
      .replace(/\\./g, '')
      .replace(/\[[^\]]*\]/g, '');
    custom.set(Number(attribute(m[1], 'numFmtId')), /[dmyhs]/i.test(code));
  }
  const cellXfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml)?.[1] ?? '';
  return [...cellXfs.matchAll(/<xf\b([^>]*)>/g)].map((m) => {
    const id = Number(attribute(m[1], 'numFmtId') ?? 0);
    return custom.get(id) ?? DATE_FORMAT_IDS.has(id);
  });
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML text as it reads: entities, and Excel's _xHHHH_ for characters XML cannot hold. */
function decodeXml(text: string): string {
  if (!text.includes('&') && !text.includes('_x')) return text;
  return text
    .replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
      if (code[0] !== '#') return ENTITIES[code] ?? whole;
      const point = code[1] === 'x' || code[1] === 'X' ? parseInt(code.slice(2), 16) : Number(code.slice(1));
      return point <= 0x10ffff ? String.fromCodePoint(point) : whole;
    })
    .replace(/_x([\da-f]{4})_/gi, (_whole, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// --- The sheet, streamed ------------------------------------------------------------------------

interface SheetContext {
  readonly strings: readonly string[];
  readonly dates: readonly boolean[];
  readonly epoch: number;
}

/** Compressed bytes handed to the inflater at once: at most a few MB come out of them. */
const INFLATE_SLICE = 4 * 1024;

/** The sheet's compressed bytes, inflated as they are read. */
async function* inflated(path: string, entry: Entry, broken: (why: string) => Error): AsyncGenerator<Uint8Array> {
  const fd = openSync(path, 'r');
  let start: number;
  try {
    start = dataStart(fd, entry, broken);
  } finally {
    closeSync(fd);
  }
  if (start + entry.compressedSize > statSync(path).size)
    throw broken('the sheet says it holds more bytes than the file has');
  const stream = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 256 * 1024 });
  if (entry.method === 0) {
    yield* stream as AsyncIterable<Buffer>;
    return;
  }
  const out: Uint8Array[] = [];
  // The directory's size is checked as the sheet unpacks: a deflate bomb stops at it, a short one says so.
  let total = 0;
  const inflate = new fflate.Inflate((chunk) => {
    total += chunk.length;
    out.push(chunk);
  });
  const tooMuch = () => broken(`the sheet unpacks to more bytes than its zip directory says (${entry.size})`);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      // Fed a few KB at a time: deflate packs up to about 1,000 to 1, so a read's worth at once
      // (a sheet of one long cell) would unpack hundreds of MB before the reader could refuse it.
      for (let at = 0; at < chunk.length; at += INFLATE_SLICE) {
        inflate.push(chunk.subarray(at, at + INFLATE_SLICE), false);
        if (total > entry.size) throw tooMuch();
        yield* out.splice(0);
      }
    }
    inflate.push(new Uint8Array(0), true);
  } catch (err) {
    if (err instanceof Error && 'kind' in err) throw err;
    throw broken((err as Error).message);
  }
  if (total > entry.size) throw tooMuch();
  if (total < entry.size) throw broken(`the sheet unpacks to fewer bytes than its zip directory says (${entry.size})`);
  yield* out.splice(0);
}

/** A row of the sheet: its number (the line it would be on as CSV) and its cells. */
interface SheetRow {
  line: number;
  cells: string[];
}

/** The sheet's rows, in batches (one per chunk inflated), each with its number. */
async function* rowsOf(
  path: string,
  entry: Entry,
  context: SheetContext,
  broken: (why: string) => Error,
): AsyncGenerator<SheetRow[]> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let row = 0;
  for await (const chunk of inflated(path, entry, broken)) {
    // Only the new text loses its prefixes, with the held tail where a `<x:` may have been cut
    // (a prefix is a short name): stripping all that is held again a chunk would take seconds on
    // a long row.
    const cut = Math.max(0, pending.lastIndexOf('<'), pending.length - 256);
    pending = pending.slice(0, cut) + withoutPrefixes(pending.slice(cut) + decoder.decode(chunk, { stream: true }));
    const end = pending.lastIndexOf('</row>');
    // A row is held whole until it closes: one that never does would hold the sheet.
    if (end < 0 && pending.length > MAX_ROW_CHARACTERS)
      throw broken(`a row of the sheet runs past ${MAX_ROW_CHARACTERS / 1024 / 1024} MB`);
    if (end < 0) continue;
    const rows: SheetRow[] = [];
    for (const m of elements(pending.slice(0, end + 6), 'row')) {
      const reference = attribute(m.attributes, 'r');
      const number = reference === undefined ? row + 1 : Number(reference);
      // Excel's rows are 1 to 1,048,576, in order: anything else is a damaged (or hostile) sheet.
      if (!Number.isInteger(number) || number <= row || number > MAX_ROWS)
        throw broken(`row ${JSON.stringify(reference)} after row ${row}`);
      rows.push({ line: number, cells: m.inner === undefined ? [] : rowCells(m.inner, context, broken) });
      row = number;
    }
    pending = pending.slice(end + 6);
    if (rows.length > 0) yield rows;
  }
  // A sheet cut short (and packed again) unzips whole: only its missing end says so.
  if (/<row[\s>]/.test(pending) || !pending.includes('</worksheet>'))
    throw broken('the sheet stops before its end (cut short?)');
}

/** The longest row the sheet reader holds, as the CSV reader's longest line. */
const MAX_ROW_CHARACTERS = MAX_LINE_BYTES;

/** Excel's sheet limits: 1,048,576 rows and 16,384 columns (A to XFD). */
const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;

function rowCells(xml: string, context: SheetContext, broken: (why: string) => Error): string[] {
  const cells: string[] = [];
  const unclosed = () => {
    throw broken('a row of the sheet is damaged (a <c> is never closed)');
  };
  for (const m of elements(xml, 'c', unclosed)) {
    const reference = attribute(m.attributes, 'r');
    const column = reference ? columnIndex(reference) : cells.length;
    if (column < cells.length || column >= MAX_COLUMNS) throw broken(`cell ${JSON.stringify(reference)} out of place`);
    while (cells.length < column) cells.push('');
    cells.push(cellText(m.attributes, m.inner ?? '', context, broken));
  }
  return cells;
}

/** A1 -> 0, AA7 -> 26. */
function columnIndex(reference: string): number {
  let index = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code < 65 || code > 90) break;
    index = index * 26 + code - 64;
  }
  return index - 1;
}

function cellText(attributes: string, inner: string, context: SheetContext, broken: (why: string) => Error): string {
  const type = attribute(attributes, 't') ?? 'n';
  if (type === 'inlineStr') return runsText(inner);
  const value = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
  if (value === undefined) return '';
  switch (type) {
    case 's': {
      const text = context.strings[Number(value)];
      if (text === undefined) throw broken(`a cell refers to shared string ${value}, of ${context.strings.length}`);
      return text;
    }
    case 'b':
      return value === '1' ? 'TRUE' : 'FALSE';
    case 'str':
    case 'e':
    case 'd':
      return decodeXml(value);
  }
  const style = Number(attribute(attributes, 's') ?? 0);
  return context.dates[style] ? dateText(Number(value), context.epoch) : value;
}

/** An Excel date serial as wall-clock text. */
function dateText(serial: number, epoch: number): string {
  return Number.isFinite(serial) ? wallText(epoch + Math.round(serial * 86_400) * 1000) : '';
}
