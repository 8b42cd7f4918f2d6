import { entry } from './entry.js';
import { addSideMetrics, mergeSideMetrics, newSideMetrics, type SideMetrics } from './metrics.js';
import { type Calendar, periodKey, periodStart } from './period.js';
import { addAnswer, mergeTallies, newTally, type Tally } from './tally.js';

/**
 * How a command folds answers into its state in one pass over the rows. `merge` lets a reader keep
 * several partial states (one per calendar period while `--last` cannot yet know which periods it
 * keeps, one per worker thread) and combine them afterwards.
 */
export interface Fold<S> {
  empty(): S;
  /**
   * `time` is a wall time (NaN when no dates are read); `keys` the group columns' values, in order;
   * `weight` their total weight (1 without --weight); `units` how many responses the call stands
   * for (1, or a --counts row's count).
   */
  add(state: S, score: number, time: number, keys: readonly string[], weight: number, units: number): void;
  merge(into: S, from: S): void;
  /**
   * The fold as data, when it is one of the folds below: a worker thread builds the same fold from
   * it (functions do not cross threads) and its state, plain maps and arrays, comes back whole.
   */
  readonly spec?: FoldSpec;
}

/** Which key side metrics are kept per: none (the whole input), a period, a group and period, the first `count` groups. */
export type SideKey =
  | { readonly by: 'none' }
  | { readonly by: 'period'; readonly calendar: Calendar }
  | { readonly by: 'groupPeriod'; readonly calendar: Calendar }
  | { readonly by: 'groups'; readonly count: number };

export type FoldSpec =
  | { readonly kind: 'tally' }
  | { readonly kind: 'period'; readonly calendar: Calendar }
  | { readonly kind: 'keyed'; readonly count: number }
  | { readonly kind: 'groupPeriod'; readonly calendar: Calendar; readonly count: number }
  | { readonly kind: 'pair'; readonly a: FoldSpec; readonly b: FoldSpec }
  | { readonly kind: 'side'; readonly csat: boolean; readonly ces: boolean; readonly offset: number; readonly key: SideKey };

/** The fold a spec describes: how a worker thread rebuilds the main thread's fold. */
export function foldOf(spec: FoldSpec): Fold<unknown> {
  switch (spec.kind) {
    case 'tally':
      return tallyFold;
    case 'period':
      return periodFold(spec.calendar);
    case 'keyed':
      return keyedFold(spec.count);
    case 'groupPeriod':
      return groupPeriodFold(spec.calendar, spec.count);
    case 'pair':
      return pairFold(foldOf(spec.a), foldOf(spec.b));
    case 'side':
      return sideFold(spec.csat, spec.ces, spec.offset, spec.key);
  }
}

/** All answers in one tally. */
export const tallyFold: Fold<Tally> = {
  empty: newTally,
  add: (t, score, _time, _keys, weight, units) => addAnswer(t, score, weight, units),
  merge: (into, from) => void mergeTallies(into, from),
  spec: { kind: 'tally' },
};

/** One tally per calendar period. */
export function periodFold(calendar: Calendar): Fold<Map<number, Tally>> {
  // Exports are mostly in date order: the period and tally of the row before are usually this row's.
  let start = Infinity;
  let end = -Infinity;
  let key = 0;
  let lastPeriods: Map<number, Tally> | undefined;
  let lastTally: Tally | undefined;
  return {
    empty: () => new Map(),
    add(periods, score, time, _keys, weight, units) {
      if (!(time >= start && time < end)) {
        key = periodKey(time, calendar);
        start = periodStart(key, calendar);
        end = periodStart(key + 1, calendar);
        lastPeriods = undefined;
      }
      if (periods !== lastPeriods) {
        lastPeriods = periods;
        lastTally = entry(periods, key, newTally);
      }
      addAnswer(lastTally!, score, weight, units);
    },
    merge: mergeKeyed,
    spec: { kind: 'period', calendar },
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

/** One tally per group (the first `count` group columns, joined) and calendar period: per-group trends. */
export function groupPeriodFold(calendar: Calendar, count = 1): Fold<Map<string, Map<number, Tally>>> {
  const periods = periodFold(calendar);
  return {
    empty: () => new Map(),
    add(groups, score, time, keys, weight, units) {
      const key = count === 1 ? keys[0] : keys.slice(0, count).join(KEY_SEPARATOR);
      periods.add(entry(groups, key, periods.empty), score, time, keys, weight, units);
    },
    merge(into, from) {
      for (const [key, series] of from) periods.merge(entry(into, key, periods.empty), series);
    },
    spec: { kind: 'groupPeriod', calendar, count },
  };
}

/** Two folds over the same rows, side by side (NPS tallies and side metrics, say). */
export function pairFold<A, B>(a: Fold<A>, b: Fold<B>): Fold<[A, B]> {
  return {
    empty: () => [a.empty(), b.empty()],
    add(state, score, time, keys, weight, units) {
      a.add(state[0], score, time, keys, weight, units);
      b.add(state[1], score, time, keys, weight, units);
    },
    merge(into, from) {
      a.merge(into[0], from[0]);
      b.merge(into[1], from[1]);
    },
    spec: a.spec && b.spec ? { kind: 'pair', a: a.spec, b: b.spec } : undefined,
  };
}

/** One tally per combination of the first `count` group columns (the rest carry other values). */
export function keyedFold(count: number): Fold<Map<string, Tally>> {
  // Two columns (agent and team) are joined once per pair of values met, not once per row.
  const pairs = new Map<string, Map<string, string>>();
  const pairKey = (first: string, second: string): string => {
    const seconds = entry(pairs, first, () => new Map<string, string>());
    let key = seconds.get(second);
    if (key === undefined) {
      key = `${first}${KEY_SEPARATOR}${second}`;
      seconds.set(second, key);
    }
    return key;
  };
  return {
    empty: () => new Map(),
    add(groups, score, _time, keys, weight, units) {
      const key = keys.length === 1 || count === 1 ? keys[0] : count === 2 ? pairKey(keys[0], keys[1]) : keys.slice(0, count).join(KEY_SEPARATOR);
      addAnswer(entry(groups, key, newTally), score, weight, units);
    },
    merge: mergeKeyed,
    spec: { kind: 'keyed', count },
  };
}

/** The key a row's side metrics are kept under. */
function sideKeyOf(key: SideKey): (time: number, keys: readonly string[]) => string | number {
  switch (key.by) {
    case 'none':
      return () => '';
    case 'period':
      return (time) => periodKey(time, key.calendar);
    case 'groupPeriod':
      return (time, keys) => `${keys[0]}${KEY_SEPARATOR}${periodKey(time, key.calendar)}`;
    case 'groups':
      return (_time, keys) => (key.count === 1 ? keys[0] : keys.slice(0, key.count).join(KEY_SEPARATOR));
  }
}

/**
 * CSAT and CES per key (the whole input, a period, an agent), read from the group values at
 * `offset` (CSAT first when both are asked for). Counted on the rows used for NPS, so the figures
 * describe one sample.
 */
export function sideFold(csat: boolean, ces: boolean, offset: number, key: SideKey): Fold<Map<string | number, SideMetrics>> {
  const csatAt = csat ? offset : -1;
  const cesAt = ces ? offset + (csat ? 1 : 0) : -1;
  const keyOf = sideKeyOf(key);
  return {
    empty: () => new Map(),
    // Without CSAT or CES nothing is kept: a key per row would cost every run that does not ask.
    add:
      csat || ces
        ? (byKey, _score, time, keys) => {
            addSideMetrics(entry(byKey, keyOf(time, keys), newSideMetrics), csatAt >= 0 ? keys[csatAt] : undefined, cesAt >= 0 ? keys[cesAt] : undefined);
          }
        : () => {},
    merge(into, from) {
      for (const [k, m] of from) {
        const mine = into.get(k);
        if (mine) mergeSideMetrics(mine, m);
        else into.set(k, { ...m });
      }
    },
    spec: { kind: 'side', csat, ces, offset, key },
  };
}
