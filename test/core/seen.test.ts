import { describe, expect, it } from 'vitest';
import type { FoldRow } from '../../src/core/fold.js';
import { LOOKBACK_MS, type Mark, markOf, newDetractors, seenFold } from '../../src/core/seen.js';

const row = (time: number, id: string, score: number, comment = ''): FoldRow => ({
  score,
  time,
  weight: 1,
  units: 1,
  values: { id, comment },
});

const DAY = 86_400_000;

/**
 * Reads rows past a mark, in two parts merged as threads would, up to the as-of time `until`; returns
 * what was seen, the new detractors' IDs and the next mark.
 */
function read(
  rows: readonly FoldRow[],
  mark: Mark | null,
  until = Number.POSITIVE_INFINITY,
  chartedUntil = -Infinity,
  max = 10,
) {
  const fold = seenFold(mark, chartedUntil, max);
  const parts = [fold.empty(), fold.empty()];
  for (const [i, r] of rows.entries()) fold.add(parts[i % 2], r);
  fold.merge(parts[0], parts[1]);
  return {
    seen: parts[0],
    detractors: newDetractors(parts[0], until, max).map((d) => d.id),
    next: markOf(parts[0], mark, until),
  };
}

describe('the mark of what a monitor has read', () => {
  it('takes an answer that shares the mark time, or arrives after later ones, and none read before', () => {
    const first = read([row(100, 'a', 9), row(200, 'b', 3, 'slow'), row(200, 'c', 8)], null);
    expect(first.next).toEqual({
      time: 200,
      recent: [
        ['a', 100],
        ['b', 200],
        ['c', 200],
      ],
    });
    // The export grew: d has the time of b and c, e is later, and f arrived late, timed before them all.
    const grown = [
      row(100, 'a', 9),
      row(200, 'b', 3, 'slow'),
      row(200, 'c', 8),
      row(200, 'd', 2, 'rude'),
      row(300, 'e', 1, 'no'),
      row(50, 'f', 0, 'late'),
    ];
    const second = read(grown, first.next, Number.POSITIVE_INFINITY, 150);
    expect(second.seen.fresh).toBe(3);
    expect(second.detractors).toEqual(['f', 'd', 'e']);
    expect(second.seen.late).toBe(1);
    expect(second.next?.time).toBe(300);
    // The same export again: nothing new.
    const third = read(grown, second.next);
    expect(third.seen.fresh).toBe(0);
    expect(third.next).toEqual(second.next);
  });

  it('leaves answers after the as-of time for a later run, and does not move the mark past them', () => {
    const rows = [row(100, 'a', 3, 'x'), row(500, 'z', 3, 'from the future')];
    const early = read(rows, null, 200);
    expect(early.detractors).toEqual(['a']);
    expect(early.next?.time).toBe(100);
    const later = read(rows, early.next, 1000);
    expect(later.detractors).toEqual(['z']);
  });

  it('forgets IDs older than the lookback: an answer that late is not new', () => {
    const mark: Mark = { time: 10 * DAY, recent: [['a', 10 * DAY]] };
    const { seen } = read([row(10 * DAY - LOOKBACK_MS - 1, 'old', 0, 'x'), row(10 * DAY - 1, 'recent', 0, 'y')], mark);
    expect(seen.fresh).toBe(1);
    expect(newDetractors(seen, Number.POSITIVE_INFINITY, 5).map((d) => d.id)).toEqual(['recent']);
  });

  it('reads answers without an ID by their time alone', () => {
    const first = read([row(100, '', 9), row(200, '', 3, 'x')], null);
    expect(first.next?.time).toBe(200);
    const second = read([row(100, '', 9), row(200, '', 3, 'x'), row(300, '', 3, 'y')], first.next);
    expect(second.seen.fresh).toBe(1);
  });

  it('keeps at most its limit of detractors, the earliest, and counts them all', () => {
    const rows = [5, 1, 4, 2, 3].map((t) => row(t, `r${t}`, 0, 'bad'));
    const { seen } = read(rows, null, Number.POSITIVE_INFINITY, -Infinity, 2);
    expect(seen.detractorCount).toBe(5);
    expect(newDetractors(seen, Number.POSITIVE_INFINITY, 2).map((d) => d.id)).toEqual(['r1', 'r2']);
  });
});
