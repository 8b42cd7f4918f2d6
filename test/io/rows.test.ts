import { describe, expect, it } from 'vitest';
import { answerOf, excludedTotal, mergeAccounting, newAccounting, passes } from '../../src/io/scan/rows.js';

describe('answerOf', () => {
  it('returns the answer, or -1 after counting the reason and the line', () => {
    const acc = newAccounting();
    const cells: [string | undefined, number][] = [
      ['9', 2],
      ['', 3],
      ['11', 4],
      ['abc', 5],
      [undefined, 6],
      ['10 - Extremely likely', 7],
    ];
    expect(cells.map(([cell, line]) => answerOf(cell, acc, line))).toEqual([9, -1, -1, -1, -1, 10]);
    expect(acc.excluded).toEqual({
      missing_score: 2,
      out_of_range: 1,
      not_a_number: 1,
      bad_date: 0,
      bad_weight: 0,
      partial: 0,
      duplicate_response: 0,
      broken_record: 0,
    });
    expect(acc.lines.missing_score).toEqual([3, 6]);
    expect(excludedTotal(acc)).toBe(4);
  });

  it('keeps only the first five line numbers of a reason', () => {
    const acc = newAccounting();
    for (let line = 2; line < 12; line++) answerOf('x', acc, line);
    expect(acc.excluded.not_a_number).toBe(10);
    expect(acc.lines.not_a_number).toEqual([2, 3, 4, 5, 6]);
  });
});

describe('passes', () => {
  const record = ['1', ' chat ', 'Nord'];
  it.each([
    [[{ index: 1, value: 'chat', equal: true }], true],
    [[{ index: 1, value: 'phone', equal: true }], false],
    [[{ index: 1, value: 'chat', equal: false }], false],
    [
      [
        { index: 1, value: 'chat', equal: true },
        { index: 2, value: 'Nord', equal: true },
      ],
      true,
    ],
    [
      [
        { index: 1, value: 'chat', equal: true },
        { index: 2, value: 'Syd', equal: true },
      ],
      false,
    ],
    [[{ index: 7, value: '', equal: true }], true],
    [[], true],
  ])('%j -> %s', (conditions, expected) => {
    expect(passes(record, conditions)).toBe(expected);
  });
});

describe('mergeAccounting', () => {
  it('adds counts and keeps the earliest example lines', () => {
    const a = newAccounting();
    const b = newAccounting();
    a.read = 3;
    a.used = 2;
    b.read = 4;
    b.filtered = 1;
    for (const line of [10, 30, 50]) answerOf('', a, line);
    for (const line of [20, 40, 60]) answerOf('', b, line);
    const merged = mergeAccounting(a, b);
    expect(merged).toMatchObject({ read: 7, used: 2, filtered: 1 });
    expect(merged.excluded.missing_score).toBe(6);
    expect(merged.lines.missing_score).toEqual([10, 20, 30, 40, 50]);
  });
});
