import { describe, expect, it } from 'vitest';
import type { FoldRow } from '../../src/core/fold.js';
import { type Mark, markOf, seenFold } from '../../src/core/seen.js';

const row = (time: number, id: string, score: number, comment = ''): FoldRow => ({
  score,
  time,
  weight: 1,
  units: 1,
  values: { id, comment },
});

/** Reads rows past a mark, in two parts merged as threads would, and returns what was seen and the next mark. */
function read(rows: readonly FoldRow[], mark: Mark | null, chartedUntil = Number.NEGATIVE_INFINITY) {
  const fold = seenFold(mark, chartedUntil, 2);
  const parts = [fold.empty(), fold.empty()];
  rows.forEach((r, i) => fold.add(parts[i % 2], r));
  fold.merge(parts[0], parts[1]);
  return { seen: parts[0], next: markOf(parts[0], mark) };
}

describe('the mark of what a monitor has read', () => {
  it('takes an answer that shares the mark time but was not read, and none read before', () => {
    const first = read([row(100, 'a', 9), row(200, 'b', 3, 'slow'), row(200, 'c', 8)], null);
    expect(first.next).toEqual({ time: 200, ids: ['b', 'c'] });
    // The export grew: d arrived with the same time as b and c, and e later.
    const second = read(
      [row(100, 'a', 9), row(200, 'b', 3, 'slow'), row(200, 'c', 8), row(200, 'd', 2, 'rude'), row(300, 'e', 1, 'no')],
      first.next,
    );
    expect(second.seen.fresh).toBe(2);
    expect(second.seen.detractors.map((d) => d.id).sort()).toEqual(['d', 'e']);
    expect(second.next).toEqual({ time: 300, ids: ['e'] });
    // The same export again: nothing new.
    const third = read([row(200, 'd', 2, 'rude'), row(300, 'e', 1, 'no')], second.next);
    expect(third.seen.fresh).toBe(0);
    expect(third.next).toEqual(second.next);
  });

  it('keeps at most its limit of detractors, the earliest, and counts them all; late answers are counted', () => {
    const rows = [5, 1, 4, 2, 3].map((t) => row(t, `r${t}`, 0, 'bad'));
    const { seen } = read(rows, null, 3);
    expect(seen.detractorCount).toBe(5);
    expect([...seen.detractors].sort((a, b) => a.time - b.time).map((d) => d.id)).toEqual(['r1', 'r2']);
    expect(seen.late).toBe(2);
  });
});
