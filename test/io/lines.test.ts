import { describe, expect, it } from 'vitest';
import { LineCounter } from '../../src/io/lines.js';

/** The line each record ends on, for records ending at the given byte counts. */
function linesOf(chunks: string[], ends: number[]): number[] {
  const counter = new LineCounter();
  for (const chunk of chunks) counter.add(Buffer.from(chunk, 'latin1'));
  return ends.map((end) => counter.lineEndingAt(end));
}

describe('LineCounter', () => {
  // Records, each with its terminator: lines 1, 2-3, 4, 5-6, 7, 8.
  const records = ['id,c\r\n', '1,"x\r\ny"\r\n', '2,a\n', '3,"q\nw"\r', '4,z\r\n', '5,e'];
  const text = records.join('');
  const ends = records.map((_, i) => records.slice(0, i + 1).join('').length);

  it('counts CRLF, LF and CR as one break each, inside quotes too', () => {
    expect(linesOf([text], ends)).toEqual([1, 3, 4, 6, 7, 8]);
  });

  it('gives the same lines however the bytes are split, a CRLF across chunks included', () => {
    for (let cut = 1; cut < text.length; cut++) {
      expect(linesOf([text.slice(0, cut), text.slice(cut)], ends)).toEqual([1, 3, 4, 6, 7, 8]);
    }
  });
});
