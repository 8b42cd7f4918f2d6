/**
 * The fast path of the reader: a byte scanner for UTF-8 CSV with a one-byte separator that reads
 * fields exactly as csv-parse does with the reader's options (RFC 4180 quotes, `""` escapes,
 * relaxed quotes, CRLF/LF/CR in any mix, ragged rows), but makes strings only of the columns the
 * command reads. csv-parse stays the reference: a differential test holds the two to identical
 * records, line numbers and errors.
 */

/** Node's own decoder of a byte range (Buffer#toString without its argument checks, which cost as much). */
type Decodable = Buffer & { utf8Slice(start: number, end: number): string };
const text = (buf: Buffer, start: number, end: number): string => (buf as Decodable).utf8Slice(start, end);

/** Fields up to this many bytes may be interned. */
const INTERN_BYTES = 24;
const INTERN_SLOTS = 4096;
/** Lookups of a column before it is judged: interning stays on only where most of them hit. */
const INTERN_TRIAL = 1024;

/**
 * Strings already made, by their bytes. Most columns a command reads repeat a few values (scores,
 * agents, teams, channels): a value met again is found by a hash of its bytes instead of decoded,
 * and the same string comes back, already hashed for the maps it is counted in. A column whose
 * values rarely repeat (timestamps) stops being looked up after a trial.
 */
class Interned {
  private readonly keys = new Uint8Array(INTERN_SLOTS * INTERN_BYTES);
  private readonly lengths = new Int8Array(INTERN_SLOTS).fill(-1);
  private readonly values: string[] = new Array(INTERN_SLOTS).fill('');
  private readonly tries: number[] = [];
  private readonly hits: number[] = [];

  /** The string of bytes start..end of field `field`. */
  get(buf: Buffer, start: number, end: number, field: number): string {
    const n = end - start;
    const tries = this.tries[field] ?? 0;
    if (n > INTERN_BYTES || tries < 0) return text(buf, start, end);
    let h = 0x811c9dc5 ^ n;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & (INTERN_SLOTS - 1);
    const at = slot * INTERN_BYTES;
    const keys = this.keys;
    if (this.lengths[slot] === n) {
      let i = 0;
      while (i < n && keys[at + i] === buf[start + i]) i++;
      if (i === n) {
        if (tries >= 0) this.judge(field, tries, 1);
        return this.values[slot];
      }
    }
    this.judge(field, tries, 0);
    const value = text(buf, start, end);
    for (let i = 0; i < n; i++) keys[at + i] = buf[start + i];
    this.lengths[slot] = n;
    this.values[slot] = value;
    return value;
  }

  private judge(field: number, tries: number, hit: number): void {
    const hits = (this.hits[field] ?? 0) + hit;
    this.hits[field] = hits;
    // -1: this column's values rarely repeat; decode them directly from now on.
    this.tries[field] = tries + 1 >= INTERN_TRIAL && hits * 2 < INTERN_TRIAL ? -1 : tries + 1;
  }
}

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** Where the bytes of a record not yet ended stand, as scanRecord reads them. */
const FIELD_START = 0;
const PLAIN = 1;
const QUOTED = 2;
/** A quote inside a quoted field: the next byte says whether it escapes one, closes the field, or is text. */
const QUOTE_IN_QUOTED = 3;
/** A line break's CR: the record ends after the LF that may follow. */
const AFTER_CR = 4;

/** What the reader needs to judge a record without its unread fields. */
export interface RecordShape {
  /** An empty line: no record at all (a quoted empty field "" is a record). */
  readonly blank: boolean;
  /** Fields past the header's width that hold something (a ragged row with more data than the header). */
  readonly extraFilled: boolean;
  /** A line inside a quoted field holds as many separators as a row does (a stray quote's swallowed rows). */
  readonly innerRowLike: boolean;
}

/** Receives each record, the byte offset just past it (its line break included), and its shape. */
export type FastRecordSink = (record: string[], bytes: number, shape: RecordShape, time: number | undefined) => void;

/** A column the scanner reads as a time from its bytes, when they take a common form. */
export interface DateBytes {
  readonly index: number;
  /** The time of a cell's bytes; undefined when they take another form (the cell is then a string). */
  read(bytes: Uint8Array, start: number, end: number): number | undefined;
}

/** Why the scanner stopped: the same conditions, under the same codes, as csv-parse reports. */
export class FastRecordError extends Error {
  constructor(readonly code: 'CSV_QUOTE_NOT_CLOSED' | 'CSV_MAX_RECORD_SIZE') {
    super(code);
  }
}

export class FastRecords {
  /**
   * The bytes of a record not finished at the end of the last chunk. They are joined and scanned
   * again only once the record's end has come: joining them with every chunk would read a long
   * line again and again (a 16 MB line in 16 KB chunks, a thousand times).
   */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Where the held bytes leave the record (FIELD_START ... AFTER_CR), so that each chunk is read only from there. */
  private heldState = FIELD_START;
  /** Absolute offset of the next byte to scan (the first held one, or the next chunk's first). */
  base = 0;
  /** Bytes looked at so far, counted again each time they are looked at: the input's size plus what is read twice. */
  bytesScanned = 0;
  /** Column indexes to make strings of; undefined: all of them. */
  private wanted: Uint8Array | undefined;
  /** The header's width, for the records' shape; 0 until known. */
  private columns = 0;
  /** One array for every record once only some columns are read (the sink must not keep it). */
  private shared: string[] | undefined;
  /** Repeated values of the columns read, once only some are. */
  private interned: Interned | undefined;
  /** The column read as a time from its bytes (-1: none); its cell is then left empty. */
  private dateIndex = -1;
  private readDate: DateBytes['read'] | undefined;

  constructor(
    private readonly delimiter: number,
    private readonly onRecord: FastRecordSink,
    /** Bytes before the first record: a byte-order mark, a `sep=` line. */
    private skip: number,
    private readonly maxRecordBytes: number,
  ) {}

  /**
   * Where the next part of the input begins (another thread reads from there): the scanner stops
   * when a record starts exactly there. A record running past it means the part began inside a
   * quoted field; the scanner then reads on to the end, and `overran` says so.
   */
  stopAt: number | undefined;
  stopped = false;
  overran = false;

  /** The header's width, once it is read. */
  header(columns: number): void {
    this.columns = columns;
  }

  /** From now on, only these columns become strings (undefined: all), and `dates` a time where it can. */
  only(indexes: readonly number[] | undefined, dates?: DateBytes): void {
    if (indexes === undefined) return;
    if (dates) {
      this.dateIndex = dates.index;
      this.readDate = dates.read;
    }
    let size = this.columns;
    for (const i of indexes) size = Math.max(size, i + 1);
    const wanted = new Uint8Array(size);
    for (const i of indexes) if (i >= 0) wanted[i] = 1;
    this.wanted = wanted;
    this.shared = [];
    this.interned = new Interned();
  }

  write(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.held.length === 0) {
      this.scan(chunk, false);
      return;
    }
    if (this.skip > 0) {
      // The first bytes, too few to hold the byte-order mark and `sep=` line they start with.
      this.scan(this.release(chunk), false);
      return;
    }
    const end = this.recordEnd(chunk);
    if (end < 0) {
      this.hold(chunk);
      return;
    }
    // The held record ends in this chunk: scan it once, whole, then the rest of the chunk in place.
    const base = this.base;
    const record = this.release(chunk.subarray(0, end));
    this.bytesScanned += record.length;
    this.scanRecord(record, 0, true, base);
    this.base = base + record.length;
    if (end < chunk.length) this.scan(chunk.subarray(end), false);
  }

  end(): void {
    if (this.stopped || this.held.length === 0) return;
    this.scan(this.release(), true);
  }

  /**
   * Keeps the bytes of a record not yet ended, refusing it once it is larger than a record may be.
   * They are copied: the reader may reuse the chunk's buffer for later bytes.
   */
  private hold(bytes: Buffer): void {
    this.held.push(Buffer.from(bytes));
    this.heldBytes += bytes.length;
    if (this.heldBytes > this.maxRecordBytes) throw new FastRecordError('CSV_MAX_RECORD_SIZE');
  }

  /** The held bytes, and `more` after them, as one buffer; nothing is held after. */
  private release(more?: Buffer): Buffer {
    const joined = Buffer.concat(more ? [...this.held, more] : this.held);
    this.held = [];
    this.heldBytes = 0;
    return joined;
  }

  /**
   * Where in `buf` the held record ends (the offset past its line break), reading on from where
   * the held bytes left it; -1 when it runs past `buf` (the state is kept for the next chunk).
   * The same reading of quotes as scanRecord: a quote opens a field only at its start, `""` inside
   * is one quote, and a quote followed by anything but a separator or a line break is text.
   */
  private recordEnd(buf: Buffer): number {
    const delimiter = this.delimiter;
    let state = this.heldState;
    for (let i = 0; i < buf.length; i++) {
      if (state === QUOTED) {
        const quote = buf.indexOf(QUOTE, i);
        if (quote < 0) break;
        i = quote;
        state = QUOTE_IN_QUOTED;
        continue;
      }
      const c = buf[i];
      if (state === AFTER_CR) {
        const end = c === LF ? i + 1 : i;
        this.bytesScanned += end;
        return end;
      }
      if ((state === QUOTE_IN_QUOTED || state === FIELD_START) && c === QUOTE) {
        // An escaped quote inside the field, or one opening it.
        state = QUOTED;
        continue;
      }
      if (c === delimiter) state = FIELD_START;
      else if (c === LF) {
        this.bytesScanned += i + 1;
        return i + 1;
      } else if (c === CR) state = AFTER_CR;
      else state = PLAIN;
    }
    this.heldState = state;
    this.bytesScanned += buf.length;
    return -1;
  }

  private scan(buf: Buffer, last: boolean): void {
    const bufBase = this.base;
    let pos = 0;
    if (this.skip > 0) {
      if (this.skip > buf.length && !last) {
        this.held = [Buffer.from(buf)];
        this.heldBytes = buf.length;
        return;
      }
      pos = Math.min(this.skip, buf.length);
      this.skip = 0;
    }
    while (pos < buf.length) {
      if (this.stopAt !== undefined && bufBase + pos >= this.stopAt) {
        if (bufBase + pos === this.stopAt) {
          this.stopped = true;
          return;
        }
        this.overran = true;
        this.stopAt = undefined;
      }
      const end = this.scanRecord(buf, pos, last, bufBase);
      if (end < 0) {
        // Not finished in this chunk: held until its end comes, read once more to know where it stands.
        this.bytesScanned += buf.length - pos;
        this.heldState = FIELD_START;
        this.base = bufBase + pos;
        const rest = buf.subarray(pos);
        this.recordEnd(rest);
        this.hold(rest);
        return;
      }
      this.bytesScanned += end - pos;
      pos = end;
    }
    this.base = bufBase + buf.length;
  }

  /** The value of field `index` is wanted as a string. */
  private keeps(index: number): boolean {
    const wanted = this.wanted;
    return wanted === undefined || (index < wanted.length && wanted[index] === 1);
  }

  /**
   * Scans one record from `start`, emits it and returns the offset after it; -1 when the chunk
   * ends first and more may come.
   */
  private scanRecord(buf: Buffer, start: number, last: boolean, bufBase: number): number {
    const length = buf.length;
    const delimiter = this.delimiter;
    const columns = this.columns;
    const record = this.shared ?? [];
    let field = 0;
    let extraFilled = false;
    let innerRowLike = false;
    let time: number | undefined;
    let pos = start;
    for (;;) {
      const fieldStart = pos;
      let closeAt = -1;
      let relaxedAt = -1;
      let escaped = false;
      if (pos < length && buf[pos] === QUOTE) {
        // A quoted field, up to the quote that is followed by a separator, a line break or the end.
        pos++;
        let separators = -1; // on the current line inside the quotes; -1 on the first
        for (;;) {
          if (pos >= length) {
            if (!last) return -1;
            throw new FastRecordError('CSV_QUOTE_NOT_CLOSED');
          }
          const c = buf[pos];
          if (c === QUOTE) {
            if (pos + 1 >= length && !last) return -1;
            const next = pos + 1 < length ? buf[pos + 1] : -1;
            if (next === QUOTE) {
              escaped = true;
              pos += 2;
              continue;
            }
            if (next === -1 || next === delimiter || next === LF || next === CR) {
              closeAt = pos;
              pos++;
            } else {
              // A quote that closes nothing: from here csv-parse reads the field as plain text.
              relaxedAt = pos;
            }
            break;
          }
          if (c === LF || c === CR) {
            if (columns >= 4 && separators >= columns - 1) innerRowLike = true;
            separators = 0;
          } else if (c === delimiter && separators >= 0) separators++;
          pos++;
        }
        if (columns >= 4 && separators >= columns - 1) innerRowLike = true;
      }
      // Plain text up to the separator or the line break.
      while (pos < length) {
        const c = buf[pos];
        if (c === delimiter || c === LF || c === CR) break;
        pos++;
      }
      if (pos >= length && !last) return -1;
      const extra = columns > 0 && field >= columns;
      if (this.keeps(field) || extra) {
        let value: string;
        const interned = this.interned;
        if (closeAt >= 0) {
          value =
            interned && !escaped
              ? interned.get(buf, fieldStart + 1, closeAt, field)
              : text(buf, fieldStart + 1, closeAt);
          if (escaped) value = value.replaceAll('""', '"');
        } else if (relaxedAt >= 0) {
          // "abc"def: a quote, the inside with its escapes undone, then the rest as it is.
          let inside = text(buf, fieldStart + 1, relaxedAt);
          if (escaped) inside = inside.replaceAll('""', '"');
          value = `"${inside}${text(buf, relaxedAt, pos)}`;
        } else if (field === this.dateIndex) {
          time = this.readDate!(buf, fieldStart, pos);
          value = time === undefined ? text(buf, fieldStart, pos) : '';
        } else {
          value = interned ? interned.get(buf, fieldStart, pos, field) : text(buf, fieldStart, pos);
        }
        if (this.keeps(field)) record[field] = value;
        if (extra && value.trim() !== '') extraFilled = true;
      }
      field++;
      if (pos >= length) {
        // The input's last record, with no line break after it.
        record.length = field;
        this.onRecord(
          record,
          bufBase + length,
          { blank: field === 1 && pos === start, extraFilled, innerRowLike },
          time,
        );
        return length;
      }
      if (buf[pos] === delimiter) {
        pos++;
        if (pos >= length) {
          if (!last) return -1;
          // A separator at the very end: one more, empty, field.
          if (this.keeps(field)) record[field] = '';
          record.length = field + 1;
          this.onRecord(record, bufBase + length, { blank: false, extraFilled, innerRowLike }, time);
          return length;
        }
        continue;
      }
      // A line break: CRLF, LF or a lone CR.
      if (buf[pos] === CR) {
        if (pos + 1 >= length && !last) return -1;
        pos += pos + 1 < length && buf[pos + 1] === LF ? 2 : 1;
      } else pos++;
      if (record.length !== field) record.length = field;
      const blank = field === 1 && (buf[start] === LF || buf[start] === CR);
      this.onRecord(record, bufBase + pos, { blank, extraFilled, innerRowLike }, time);
      return pos;
    }
  }
}
