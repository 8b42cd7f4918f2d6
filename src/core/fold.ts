import { periodKey, type Calendar } from './period.js';
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
      let t = periods.get(key);
      if (!t) periods.set(key, (t = newTally()));
      t[score] += 1;
    },
    merge: mergeKeyed,
  };
}

/** One tally per value of the first group column. */
export const groupFold: Fold<Map<string, Tally>> = {
  empty: () => new Map(),
  add(groups, score, _time, keys) {
    let t = groups.get(keys[0]);
    if (!t) groups.set(keys[0], (t = newTally()));
    t[score] += 1;
  },
  merge: mergeKeyed,
};

function mergeKeyed<K>(into: Map<K, Tally>, from: Map<K, Tally>): void {
  for (const [key, t] of from) {
    const mine = into.get(key);
    if (mine) mergeTallies(mine, t);
    else into.set(key, Float64Array.from(t));
  }
}
