/**
 * Physical line numbers for records, counted from the bytes the parser is given: a line break is
 * CRLF, LF or a lone CR, inside quoted fields too, so the numbers match what an editor shows.
 * Breaks are kept only until the parser has passed them, so memory stays bounded.
 */
export class LineCounter {
  /** Offsets (in all bytes given so far) of the last byte of each line break not yet passed. */
  private breaks: number[] = [];
  private next = 0;
  private passed = 0;
  private offset = 0;
  private lastWasCR = false;

  /** Indexes the breaks of the next chunk given to the parser. */
  add(chunk: Buffer): void {
    // Native searches for LF and CR (memchr speed), merged in order; a CR right before an LF is
    // one CRLF break, ending at the LF.
    let lf = chunk.indexOf(10);
    let cr = chunk.indexOf(13);
    if (lf === 0 && this.lastWasCR) {
      this.breaks[this.breaks.length - 1] = this.offset;
      lf = chunk.indexOf(10, 1);
    }
    while (lf >= 0 || cr >= 0) {
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        if (lf !== cr + 1) this.breaks.push(this.offset + cr);
        cr = chunk.indexOf(13, cr + 1);
      } else {
        this.breaks.push(this.offset + lf);
        lf = chunk.indexOf(10, lf + 1);
      }
    }
    this.lastWasCR = chunk.length > 0 && chunk[chunk.length - 1] === 13;
    this.offset += chunk.length;
  }

  /** The line on which a record ends, given how many bytes the parser had read when it ended. */
  lineEndingAt(bytesRead: number): number {
    // The record's own terminator is its last byte(s): only breaks before it count.
    const last = bytesRead - 1;
    while (this.next < this.breaks.length && this.breaks[this.next] < last) {
      this.next++;
      this.passed++;
    }
    if (this.next > 4096) {
      this.breaks = this.breaks.slice(this.next);
      this.next = 0;
    }
    return this.passed + 1;
  }
}
