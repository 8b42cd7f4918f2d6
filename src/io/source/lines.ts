import { inputError } from '../../errors.js';

/** A physical line longer than this is not a survey export (a 200 MB line of commas would exhaust memory). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Fields a line may hold (100,000 columns are read; millions of separators on one line are not). */
export const MAX_FIELDS = 250_000;
/** Lines one record may run over: past this it is a quote left open, and its line breaks would fill memory. */
export const MAX_RECORD_LINES = 1_000_000;
/** Pieces of a line at least this long have their separators counted. */
const COUNTED_PIECE = 4096;

/**
 * Physical line numbers for records, counted from the bytes the parser is given: a line break is
 * CRLF, LF or a lone CR, inside quoted fields too, so the numbers match what an editor shows.
 * Breaks are kept only until the parser has passed them, so memory stays bounded. It also refuses,
 * naming the line, what no parser should be given: a line too long, with too many fields, or a
 * record running over a million lines.
 */
export class LineCounter {
  /** Offsets (in all bytes given so far) of the last byte of each line break not yet passed. */
  private breaks: number[] = [];
  private next = 0;
  /** The breaks among them that end a blank line: a parser skips those, and no record holds them. */
  private blanks: number[] = [];
  private nextBlank = 0;
  /** Whether the bytes so far leave a quote open (each " toggles it; a doubled "" toggles it back). */
  private inQuote = false;
  private passed = 0;
  private offset = 0;
  private lastWasCR = false;
  /** Breaks seen in all: the open line is number seen + 1. */
  private seen = 0;
  /** Where the open line starts, and the separators counted on it (only once it is long). */
  private lineStart = 0;
  private fields = 1;
  /** The line the last finished record ended on: the open record starts on the next. */
  private lastEnd = 0;

  /** `linesBefore`: the lines of the input before the bytes given (a part read from a record in the middle). */
  constructor(
    private readonly name: string,
    linesBefore = 0,
  ) {
    this.seen = linesBefore;
    this.passed = linesBefore;
    this.lastEnd = linesBefore;
  }

  /** The field separator, once the dialect is known: long lines get their fields counted. */
  delimiter: number | undefined;

  /** The number of the line being read (breaks seen so far, plus one). */
  get count(): number {
    return this.seen + 1;
  }

  /** Indexes the breaks of the next chunk given to the parser. */
  add(chunk: Buffer): void {
    const nul = chunk.indexOf(0);
    if (nul >= 0) {
      const before = chunk.subarray(0, nul).toString('latin1');
      const line =
        this.seen +
        1 +
        (before.match(/\r\n|\r|\n/g)?.length ?? 0) -
        (this.lastWasCR && before.startsWith('\n') ? 1 : 0);
      throw inputError(
        `${this.name} is not a CSV text file: it holds a NUL byte on line ${line}`,
        'save it from the survey tool or Excel as "CSV UTF-8"',
      );
    }
    // Native searches for LF and CR (memchr speed), merged in order; a CR right before an LF is
    // one CRLF break, ending at the LF.
    let lf = chunk.indexOf(10);
    let cr = chunk.indexOf(13);
    if (lf === 0 && this.lastWasCR) {
      this.breaks[this.breaks.length - 1] = this.offset;
      this.lineStart = this.offset + 1;
      lf = chunk.indexOf(10, 1);
    }
    let quote = chunk.indexOf(34);
    const passQuotes = (until: number) => {
      for (; quote >= 0 && quote < until; quote = chunk.indexOf(34, quote + 1)) this.inQuote = !this.inQuote;
    };
    while (lf >= 0 || cr >= 0) {
      let at: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        at = cr;
        cr = chunk.indexOf(13, cr + 1);
        if (lf === at + 1) continue; // CRLF: the LF ends it
      } else {
        at = lf;
        lf = chunk.indexOf(10, lf + 1);
      }
      passQuotes(at);
      const length = this.offset + at - this.lineStart;
      const blank = !this.inQuote && (length === 0 || (length === 1 && at > 0 && chunk[at - 1] === 13));
      this.endLine(chunk, at);
      this.breaks.push(this.offset + at);
      if (blank) this.blanks.push(this.offset + at);
    }
    passQuotes(chunk.length);
    this.checkOpenLine(chunk, chunk.length);
    this.lastWasCR = chunk.length > 0 && chunk[chunk.length - 1] === 13;
    this.offset += chunk.length;
    // Blank lines between records (a sheet's empty rows, a million of them before Excel's last
    // row) are no record's lines: only lines inside an open quote, or holding text, count.
    if (this.breaks.length - this.next - (this.blanks.length - this.nextBlank) > MAX_RECORD_LINES) {
      throw inputError(
        `${this.name}: the record starting on line ${this.lastEnd + 1} runs over more than ${MAX_RECORD_LINES} lines`,
        'a quoted field is left open near that line (a stray " in a cell?)',
      );
    }
  }

  /** A line ends at `at` (an index in `chunk`): check it, then start the next. */
  private endLine(chunk: Buffer, at: number): void {
    this.checkOpenLine(chunk, at);
    this.seen++;
    this.lineStart = this.offset + at + 1;
    this.fields = 1;
  }

  /** The open line, up to `end` of `chunk`: too long, or too many fields? */
  private checkOpenLine(chunk: Buffer, end: number): void {
    const length = this.offset + end - this.lineStart;
    if (length > MAX_LINE_BYTES) {
      throw inputError(
        `${this.name}: line ${this.seen + 1} is longer than ${MAX_LINE_BYTES / 1024 / 1024} MB`,
        'this is not a survey export, or its line breaks are missing',
      );
    }
    // This chunk's piece of the line: its separators are counted when it is long (a search per
    // field); a short piece counts as many fields as it has bytes, which is never fewer.
    const start = Math.max(0, this.lineStart - this.offset);
    if (this.delimiter === undefined || end <= start) return;
    if (end - start < COUNTED_PIECE) this.fields += end - start;
    else
      for (let i = chunk.indexOf(this.delimiter, start); i >= 0 && i < end; i = chunk.indexOf(this.delimiter, i + 1))
        this.fields++;
    if (this.fields > MAX_FIELDS) {
      throw inputError(
        `${this.name}: line ${this.seen + 1} has more than ${MAX_FIELDS} fields`,
        'this is not a survey export; check the separator (--delimiter)',
      );
    }
  }

  /** The line on which a record ends, given how many bytes the parser had read when it ended. */
  lineEndingAt(bytesRead: number): number {
    // The record's own terminator is its last byte(s): only breaks before it count.
    const last = bytesRead - 1;
    while (this.next < this.breaks.length && this.breaks[this.next] < last) {
      this.next++;
      this.passed++;
    }
    while (this.nextBlank < this.blanks.length && this.blanks[this.nextBlank] < last) this.nextBlank++;
    if (this.next > 4096) {
      this.breaks = this.breaks.slice(this.next);
      this.next = 0;
    }
    if (this.nextBlank > 4096) {
      this.blanks = this.blanks.slice(this.nextBlank);
      this.nextBlank = 0;
    }
    this.lastEnd = this.passed + 1;
    return this.lastEnd;
  }
}
