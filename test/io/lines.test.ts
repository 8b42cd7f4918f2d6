import { describe, expect, it } from 'vitest';
import { LineCounter } from '../../src/io/source/lines.js';

/** The line each record ends on, for records ending at the given byte counts. */
function linesOf(chunks: string[], ends: number[]): number[] {
  const counter = new LineCounter('test.csv');
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

  it('counts on from the lines before, for a part read from the middle of an input', () => {
    const counter = new LineCounter('test.csv', 1000);
    counter.add(Buffer.from(text, 'latin1'));
    expect(ends.map((end) => counter.lineEndingAt(end))).toEqual([1001, 1003, 1004, 1006, 1007, 1008]);
    expect(counter.count).toBe(1008);
    expect(() => new LineCounter('test.csv', 1000).add(Buffer.from('1,a\n2,"b\r\nc\u0000"\n'))).toThrow(
      /holds a NUL byte on line 1003$/,
    );
  });

  it('gives the same lines however the bytes are split, a CRLF across chunks included', () => {
    for (let cut = 1; cut < text.length; cut++) {
      expect(linesOf([text.slice(0, cut), text.slice(cut)], ends)).toEqual([1, 3, 4, 6, 7, 8]);
    }
  });
});

describe('LineCounter limits, named by line', () => {
  it('refuses a line longer than 16 MB before the parser buffers it, however it is chunked', () => {
    const counter = new LineCounter('x.csv');
    counter.add(Buffer.from('id,score\n1,9\n'));
    const chunk = Buffer.alloc(1024 * 1024, 'a'.charCodeAt(0));
    expect(() => {
      for (let i = 0; i < 17; i++) counter.add(chunk);
    }).toThrow(/^x\.csv: line 3 is longer than 16 MB$/);
  });

  it('refuses a line with more than 250,000 fields, and reads one with 100,000', () => {
    const ok = new LineCounter('x.csv');
    ok.delimiter = ','.charCodeAt(0);
    ok.add(Buffer.from(`${','.repeat(99_999)}\n`));
    const counter = new LineCounter('x.csv');
    counter.delimiter = ','.charCodeAt(0);
    counter.add(Buffer.from('a,b\n'));
    expect(() => {
      for (let i = 0; i < 4; i++) counter.add(Buffer.from(','.repeat(100_000)));
    }).toThrow(/^x\.csv: line 2 has more than 250000 fields$/);
  });

  it('refuses a record running over more than a million lines (a quote left open), naming where it starts', () => {
    const counter = new LineCounter('x.csv');
    counter.add(Buffer.from('id,comment\n'));
    counter.lineEndingAt(11);
    counter.add(Buffer.from('1,"open\n'));
    expect(() => counter.add(Buffer.from('\n'.repeat(1_000_001)))).toThrow(
      /^x\.csv: the record starting on line 2 runs over more than 1000000 lines$/,
    );
  });

  it('takes a million blank lines between records for no record at all (a sheet with a value in its last row)', () => {
    const counter = new LineCounter('x.xlsx');
    counter.add(Buffer.from('score\n9\n'));
    counter.lineEndingAt(8);
    expect(() => counter.add(Buffer.from(`${'\n'.repeat(1_048_573)}7\n`))).not.toThrow();
    expect(counter.lineEndingAt(8 + 1_048_573 + 2)).toBe(1_048_576);
  });
});
