import { classify } from './classify.js';
import type { Fold } from './fold.js';
import { recipe } from './fold.js';

/*
 * What a monitor has read. Its mark is the latest answer time read, and the IDs read in the
 * LOOKBACK before it: an answer is new when its ID was not read, so one that shares a time with
 * another, or reaches the export after answers timed later, is neither skipped nor read twice.
 * Answers without an ID are new when they are later than the mark.
 */

/** How far before the mark IDs are kept: an answer reaching the export later than this after its time is not new. */
export const LOOKBACK_MS = 7 * 86_400_000;

export interface Mark {
  readonly time: number;
  /** [ID, time] of the answers read in the LOOKBACK before `time`. */
  readonly recent: readonly (readonly [string, number])[];
}

/** A detractor who wrote a comment, read for the first time. */
export interface NewDetractor {
  readonly time: number;
  readonly id: string;
  readonly score: number;
  readonly comment: string;
}

export interface Seen {
  /** Every answer's ID with its time, in the LOOKBACK before the latest time read (pruned as it grows). */
  recent: Map<string, number>;
  latest: number;
  /** New answers. */
  fresh: number;
  /** Of those, answers dated before `chartedUntil`: their day was charted by an earlier run. */
  late: number;
  /** New detractors who wrote a comment: the earliest, up to twice `max` between trims, and how many in all. */
  detractors: NewDetractor[];
  detractorCount: number;
}

const byTimeAndId = (a: NewDetractor, b: NewDetractor) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Drops the IDs older than the LOOKBACK before the latest time. */
function prune(recent: Map<string, number>, latest: number): void {
  for (const [id, time] of recent) if (time < latest - LOOKBACK_MS) recent.delete(id);
}

/**
 * Reads past a mark (none: every answer is new). Rows carry `id` and `comment` values; `max` bounds
 * the detractors kept, whatever the number of rows.
 */
export function seenFold(mark: Mark | null, chartedUntil: number, max: number): Fold<Seen> {
  const read = new Map(mark?.recent ?? []);
  const markTime = mark?.time ?? Number.NEGATIVE_INFINITY;
  const isNew = (time: number, id: string) =>
    mark === null || (id === '' ? time > markTime : time >= markTime - LOOKBACK_MS && !read.has(id));
  const trim = (seen: Seen) => {
    seen.detractors.sort(byTimeAndId);
    seen.detractors.length = Math.min(seen.detractors.length, max);
  };
  let pruneAt = 1024;
  return {
    empty: () => ({
      recent: new Map(),
      latest: Number.NEGATIVE_INFINITY,
      fresh: 0,
      late: 0,
      detractors: [],
      detractorCount: 0,
    }),
    add(seen, row) {
      const { time } = row;
      const id = row.values.id ?? '';
      if (time > seen.latest) seen.latest = time;
      if (time >= seen.latest - LOOKBACK_MS) {
        // An answer without an ID is kept by its time alone: the mark needs the latest time read.
        seen.recent.set(id === '' ? `\u0000${time}` : id, time);
        if (seen.recent.size >= pruneAt) {
          prune(seen.recent, seen.latest);
          pruneAt = Math.max(1024, 2 * seen.recent.size);
        }
      }
      if (!isNew(time, id)) return;
      seen.fresh++;
      if (time < chartedUntil) seen.late++;
      const comment = (row.values.comment ?? '').trim();
      if (comment === '' || classify(row.score) !== 'detractor') return;
      seen.detractorCount++;
      seen.detractors.push({ time, id, score: row.score, comment });
      if (seen.detractors.length >= 2 * max) trim(seen);
    },
    merge(into, from) {
      into.latest = Math.max(into.latest, from.latest);
      for (const [id, time] of from.recent) into.recent.set(id, time);
      prune(into.recent, into.latest);
      into.fresh += from.fresh;
      into.late += from.late;
      into.detractorCount += from.detractorCount;
      into.detractors = into.detractors.concat(from.detractors);
      trim(into);
    },
    recipe: recipe(import.meta.url, 'seenFold', mark, chartedUntil, max),
  };
}

/**
 * The next run's mark: the latest time read before `until` (the as-of time: later answers are
 * not read yet) and the IDs of the LOOKBACK before it, those of the previous mark included (an
 * export may have dropped its older rows).
 */
export function markOf(seen: Seen, previous: Mark | null, until: number): Mark | null {
  const recent = new Map(previous?.recent ?? []);
  let latest = previous?.time ?? Number.NEGATIVE_INFINITY;
  for (const [id, time] of seen.recent) {
    if (time >= until) continue;
    recent.set(id, time);
    if (time > latest) latest = time;
  }
  if (latest === Number.NEGATIVE_INFINITY) return null;
  return {
    time: latest,
    recent: [...recent]
      .filter(([, time]) => time >= latest - LOOKBACK_MS)
      .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  };
}

/** The new detractors read before `until`, earliest first, at most `max`. */
export const newDetractors = (seen: Seen, until: number, max: number): NewDetractor[] =>
  seen.detractors
    .filter((d) => d.time < until)
    .sort(byTimeAndId)
    .slice(0, max);
