import { describe, expect, it } from 'vitest';
import { newAccounting, rowReader, excludedTotal } from '../../src/io/rows.js';
import { parseDate } from '../../src/core/date.js';

describe('rowReader', () => {
  const records: [string[], number][] = [
    [['1', '2024-01-10', '9', 'chat'], 2],
    [['2', '2024-02-10', '', 'chat'], 3],
    [['3', '2024-03-10', '11', 'phone'], 4],
    [['4', 'someday', '7', 'chat'], 5],
    [['5', '2024-04-10', 'abc', 'chat'], 6],
    [['6', '2023-12-31', '10', 'chat'], 7],
    [['7', '2024-01-11', '3', 'email'], 8],
    [['8'], 9],
  ];

  it('uses, excludes by reason and filters, and accounts for every row', () => {
    const acc = newAccounting();
    const read = rowReader(
      { score: 2, date: 1, since: parseDate('2024-01-01'), until: parseDate('2024-12-31'), conditions: [{ index: 3, value: 'email', equal: false }] },
      acc,
    );
    const answers = records.map(([record, line]) => read(record, line));
    expect(answers).toEqual([9, -1, -1, -1, -1, -1, -1, -1]);
    expect(acc.read).toBe(8);
    expect(acc.used).toBe(1);
    expect(acc.filtered).toBe(2); // row 6 before --since, row 7 is email
    // The short row 8 has no date: with a date range set, that is checked before the score.
    expect(acc.excluded).toEqual({ missing_score: 1, out_of_range: 1, not_a_number: 1, bad_date: 2 });
    expect(acc.lines.missing_score).toEqual([3]);
    expect(acc.lines.bad_date).toEqual([5, 9]);
    expect(acc.read).toBe(acc.used + excludedTotal(acc) + acc.filtered);
  });

  it('does not read dates when no date range is set', () => {
    const acc = newAccounting();
    const read = rowReader({ score: 1, date: 0, conditions: [] }, acc);
    expect(read(['not a date', '8'], 2)).toBe(8);
    expect(acc.excluded.bad_date).toBe(0);
  });

  it('keeps only the first five line numbers of a reason', () => {
    const acc = newAccounting();
    const read = rowReader({ score: 0, conditions: [] }, acc);
    for (let line = 2; line < 12; line++) read(['x'], line);
    expect(acc.excluded.not_a_number).toBe(10);
    expect(acc.lines.not_a_number).toEqual([2, 3, 4, 5, 6]);
  });
});
