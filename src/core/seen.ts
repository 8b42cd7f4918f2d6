import { classify } from './classify.js';
import type { Fold } from './fold.js';
import { recipe } from './fold.js';

/*
 * What a monitor has read: its mark is the latest answer time it saw and the IDs it saw at that
 * time, so the next run takes answers after it, and those at that very time it has not seen,
 * neither skipping one that shares a time nor reading one twice.
 */

export interface Mark {
  readonly time: number;
  readonly ids: readonly string[];
}

/** A detractor who wrote a comment, read for the first time. */
export interface NewDetractor {
  readonly time: number;
  readonly id: string;
  readonly score: number;
  readonly comment: string;
}

export interface Seen {
  /** The latest time read, and the IDs read at it: the next mark (time -Infinity when nothing was read). */
  latest: number;
  latestIds: string[];
  /** Answers after the mark. */
  fresh: number;
  /** Of those, answers dated before `chartedUntil`: their day was charted by an earlier run. */
  late: number;
  /** Detractors after the mark who wrote a comment: the first `max` in time order, and how many in all. */
  detractors: NewDetractor[];
  detractorCount: number;
}

const byTimeAndId = (a: NewDetractor, b: NewDetractor) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Reads past a mark (none: every answer is new). Rows carry `id` and `comment` values; `max` bounds
 * the detractors kept, whatever the number of rows.
 */
export function seenFold(mark: Mark | null, chartedUntil: number, max: number): Fold<Seen> {
  const seenAtMark = new Set(mark?.ids ?? []);
  const markTime = mark?.time ?? Number.NEGATIVE_INFINITY;
  const trim = (seen: Seen) => {
    seen.detractors.sort(byTimeAndId);
    seen.detractors.length = Math.min(seen.detractors.length, max);
  };
  return {
    empty: () => ({
      latest: Number.NEGATIVE_INFINITY,
      latestIds: [],
      fresh: 0,
      late: 0,
      detractors: [],
      detractorCount: 0,
    }),
    add(seen, row) {
      const { time } = row;
      const id = row.values.id ?? '';
      if (time > seen.latest) {
        seen.latest = time;
        seen.latestIds = [id];
      } else if (time === seen.latest) seen.latestIds.push(id);
      if (time < markTime || (time === markTime && seenAtMark.has(id))) return;
      seen.fresh++;
      if (time < chartedUntil) seen.late++;
      const comment = (row.values.comment ?? '').trim();
      if (comment === '' || classify(row.score) !== 'detractor') return;
      seen.detractorCount++;
      seen.detractors.push({ time, id, score: row.score, comment });
      if (seen.detractors.length >= 2 * max) trim(seen);
    },
    merge(into, from) {
      if (from.latest > into.latest) {
        into.latest = from.latest;
        into.latestIds = [...from.latestIds];
      } else if (from.latest === into.latest) into.latestIds = into.latestIds.concat(from.latestIds);
      into.fresh += from.fresh;
      into.late += from.late;
      into.detractorCount += from.detractorCount;
      into.detractors = into.detractors.concat(from.detractors);
      trim(into);
    },
    recipe: recipe(import.meta.url, 'seenFold', mark, chartedUntil, max),
  };
}

/** The next run's mark: the latest time read and its IDs, once each and in order. */
export const markOf = (seen: Seen, previous: Mark | null): Mark | null => {
  if (seen.latest === Number.NEGATIVE_INFINITY) return previous;
  if (previous && previous.time > seen.latest) return previous;
  const ids = new Set(seen.latestIds);
  if (previous && previous.time === seen.latest) for (const id of previous.ids) ids.add(id);
  return { time: seen.latest, ids: [...ids].sort() };
};
