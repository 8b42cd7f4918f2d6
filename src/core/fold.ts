import { entry } from './entry.js';
import { type Calendar, periodKey } from './period.js';
import { mergeTallies, newTally, type Tally } from './tally.js';

/**
 * How a command folds answers into its state in one pass over the rows. `merge` lets a reader keep
 * several partial states (one per calendar period, while `--last` cannot yet know which periods it
 * keeps) and combine them afterwards.
 */
export interface Fold<S> {
  empty(): S;
  /** `time` is a wall time (NaN when no dates are read); `keys` the group columns' values, in order. */
  add(state: S, score: number, time: number, keys: readonly string[]): void;
  merge(into: S, from: S): void;
}

/** All answers in one tally. */
export const tallyFold: Fold<Tally> = {
  empty: newTally,
  add: (t, score) => {
    t[score] += 1;
  },
  merge: (into, from) => void mergeTallies(into, from),
};

/** One tally per calendar period. */
export function periodFold(calendar: Calendar): Fold<Map<number, Tally>> {
  return {
    empty: () => new Map(),
    add(periods, score, time) {
      const key = periodKey(time, calendar);
      entry(periods, key, newTally)[score] += 1;
    },
    merge: mergeKeyed,
  };
}

/** Joins the values of several group columns into one key (a character no export contains). */
export const KEY_SEPARATOR = '\u001f';

/** One tally per value of the group columns (joined with KEY_SEPARATOR when there are several). */
export const groupFold: Fold<Map<string, Tally>> = keyedFold(Infinity);

function mergeKeyed<K>(into: Map<K, Tally>, from: Map<K, Tally>): void {
  for (const [key, t] of from) {
    const mine = into.get(key);
    if (mine) mergeTallies(mine, t);
    else into.set(key, Float64Array.from(t));
  }
}

/** One tally per group (the first group column) and calendar period: per-group trends. */
export function groupPeriodFold(calendar: Calendar): Fold<Map<string, Map<number, Tally>>> {
  const periods = periodFold(calendar);
  return {
    empty: () => new Map(),
    add(groups, score, time, keys) {
      periods.add(entry(groups, keys[0], periods.empty), score, time, keys);
    },
    merge(into, from) {
      for (const [key, series] of from) periods.merge(entry(into, key, periods.empty), series);
    },
  };
}

/** Two folds over the same rows, side by side (NPS tallies and side metrics, say). */
export function pairFold<A, B>(a: Fold<A>, b: Fold<B>): Fold<[A, B]> {
  return {
    empty: () => [a.empty(), b.empty()],
    add(state, score, time, keys) {
      a.add(state[0], score, time, keys);
      b.add(state[1], score, time, keys);
    },
    merge(into, from) {
      a.merge(into[0], from[0]);
      b.merge(into[1], from[1]);
    },
  };
}

/** One tally per combination of the first `count` group columns (the rest carry other values). */
export function keyedFold(count: number): Fold<Map<string, Tally>> {
  return {
    empty: () => new Map(),
    add(groups, score, _time, keys) {
      const key = keys.length === 1 || count === 1 ? keys[0] : keys.slice(0, count).join(KEY_SEPARATOR);
      entry(groups, key, newTally)[score] += 1;
    },
    merge: mergeKeyed,
  };
}
