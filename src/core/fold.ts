import { entry } from './entry.js';
import { addSideMetrics, mergeSideMetrics, newSideMetrics, type SideMetrics } from './metrics.js';
import { type Calendar, periodKey, periodStart } from './period.js';
import { addAnswer, mergeTallies, newTally, type Tally } from './tally.js';

/**
 * One answer as a fold sees it. The reading reuses one object from row to row, so a fold copies
 * what it keeps.
 */
export interface FoldRow {
  /** The 0-10 answer. */
  score: number;
  /** A wall time; NaN when no dates are read. */
  time: number;
  /** The row's weight: 1 without --weight. */
  weight: number;
  /** How many responses the row stands for: 1, or a --counts row's count. */
  units: number;
  /** The command's group columns' values, by role (agent, team, cluster, comment ...). */
  readonly values: Readonly<Record<string, string>>;
}

/**
 * How a command folds answers into its state in one pass over the rows. `merge` lets a reader keep
 * several partial states (one per calendar period while `--last` cannot yet know which periods it
 * keeps, one per worker thread) and combine them afterwards.
 */
export interface Fold<S> {
  empty(): S;
  add(state: S, row: FoldRow): void;
  merge(into: S, from: S): void;
  /**
   * How to make the fold again: a worker thread makes the same fold from it (functions do not
   * cross threads), and its state, plain maps, objects and arrays, comes back whole to be merged.
   * A fold without one is read on one thread.
   */
  readonly recipe?: FoldRecipe;
}

/** A fold as data: the module and export that make it, and the arguments (data, or recipes of folds). */
export interface FoldRecipe {
  readonly module: string;
  readonly name: string;
  readonly args: readonly unknown[];
}

export const isRecipe = (value: unknown): value is FoldRecipe =>
  typeof value === 'object' &&
  value !== null &&
  'module' in value &&
  'name' in value &&
  Array.isArray((value as FoldRecipe).args);

/** The recipe of the fold `name` of `module` (its import.meta.url) makes from `args`. */
export const recipe = (module: string, name: string, ...args: unknown[]): FoldRecipe => ({ module, name, args });

/** Which key side metrics are kept per: none (the whole input), a period, a group and period, groups. */
export type SideKey =
  | { readonly by: 'none' }
  | { readonly by: 'period'; readonly calendar: Calendar }
  | { readonly by: 'groupPeriod'; readonly role: string; readonly calendar: Calendar }
  | { readonly by: 'groups'; readonly roles: readonly string[] };

/** All answers in one tally. */
export const tallyFold: Fold<Tally> = {
  empty: newTally,
  add: (t, row) => addAnswer(t, row.score, row.weight, row.units),
  merge: (into, from) => void mergeTallies(into, from),
  recipe: recipe(import.meta.url, 'tallyFold'),
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
    add(periods, row) {
      const time = row.time;
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
      addAnswer(lastTally!, row.score, row.weight, row.units);
    },
    merge: mergeKeyed,
    recipe: recipe(import.meta.url, 'periodFold', calendar),
  };
}

/** Joins the values of several group columns into one key (a character no export contains). */
export const KEY_SEPARATOR = '\u001f';

/** Adds tallies kept by key into another such map. */
export function mergeKeyed<K>(into: Map<K, Tally>, from: Map<K, Tally>): void {
  for (const [key, t] of from) {
    const mine = into.get(key);
    if (mine) mergeTallies(mine, t);
    else into.set(key, Float64Array.from(t));
  }
}

/**
 * The key of a row's values in the given roles, joined. Two roles (agent and team) are joined once
 * per pair of values met, not once per row.
 */
export function keyOfRoles(roles: readonly string[]): (values: Readonly<Record<string, string>>) => string {
  if (roles.length === 1) {
    const [role] = roles;
    return (values) => values[role];
  }
  if (roles.length === 2) {
    const [first, second] = roles;
    const pairs = new Map<string, Map<string, string>>();
    return (values) => {
      const seconds = entry(pairs, values[first], () => new Map<string, string>());
      let key = seconds.get(values[second]);
      if (key === undefined) {
        key = `${values[first]}${KEY_SEPARATOR}${values[second]}`;
        seconds.set(values[second], key);
      }
      return key;
    };
  }
  return (values) => roles.map((role) => values[role]).join(KEY_SEPARATOR);
}

/** One tally per group: the values of `roles`, joined with KEY_SEPARATOR when there are several. */
export function keyedFold(roles: readonly string[]): Fold<Map<string, Tally>> {
  const keyOf = keyOfRoles(roles);
  return {
    empty: () => new Map(),
    add(groups, row) {
      addAnswer(entry(groups, keyOf(row.values), newTally), row.score, row.weight, row.units);
    },
    merge: mergeKeyed,
    recipe: recipe(import.meta.url, 'keyedFold', roles),
  };
}

/** One tally per group (the values of `roles`, joined) and calendar period: per-group trends. */
export function groupPeriodFold(calendar: Calendar, roles: readonly string[]): Fold<Map<string, Map<number, Tally>>> {
  const periods = periodFold(calendar);
  const keyOf = keyOfRoles(roles);
  return {
    empty: () => new Map(),
    add(groups, row) {
      periods.add(entry(groups, keyOf(row.values), periods.empty), row);
    },
    merge(into, from) {
      for (const [key, series] of from) periods.merge(entry(into, key, periods.empty), series);
    },
    recipe: recipe(import.meta.url, 'groupPeriodFold', calendar, roles),
  };
}

/**
 * One tally per calendar period for the whole input (key '') and for each value of each of `roles`
 * on its own (the role, KEY_SEPARATOR, the value): the scopes a monitor watches, day by day. Rows
 * dated before `from` (a wall time) are not kept: a daily run needs only the days since the last.
 */
export function scopePeriodFold(
  calendar: Calendar,
  roles: readonly string[],
  from = Number.NEGATIVE_INFINITY,
): Fold<Map<string, Map<number, Tally>>> {
  const periods = periodFold(calendar);
  const keys = roles.map((role) => ({ role, byValue: new Map<string, string>() }));
  return {
    empty: () => new Map(),
    add(scopes, row) {
      if (row.time < from) return;
      periods.add(entry(scopes, '', periods.empty), row);
      for (const { role, byValue } of keys) {
        const value = row.values[role];
        const key = entry(byValue, value, () => `${role}${KEY_SEPARATOR}${value}`);
        periods.add(entry(scopes, key, periods.empty), row);
      }
    },
    merge(into, from) {
      for (const [key, series] of from) periods.merge(entry(into, key, periods.empty), series);
    },
    recipe: recipe(import.meta.url, 'scopePeriodFold', calendar, roles, from),
  };
}

/** Two folds over the same rows, side by side (NPS tallies and side metrics, say). */
export function pairFold<A, B>(a: Fold<A>, b: Fold<B>): Fold<[A, B]> {
  return {
    empty: () => [a.empty(), b.empty()],
    add(state, row) {
      a.add(state[0], row);
      b.add(state[1], row);
    },
    merge(into, from) {
      a.merge(into[0], from[0]);
      b.merge(into[1], from[1]);
    },
    recipe: a.recipe && b.recipe ? recipe(import.meta.url, 'pairFold', a.recipe, b.recipe) : undefined,
  };
}

/** The key a row's side metrics are kept under. */
function sideKeyOf(key: SideKey): (row: FoldRow) => string | number {
  switch (key.by) {
    case 'none':
      return () => '';
    case 'period':
      return (row) => periodKey(row.time, key.calendar);
    case 'groupPeriod':
      return (row) => `${row.values[key.role]}${KEY_SEPARATOR}${periodKey(row.time, key.calendar)}`;
    case 'groups': {
      const keyOf = keyOfRoles(key.roles);
      return (row) => keyOf(row.values);
    }
  }
}

/**
 * CSAT and CES per key (the whole input, a period, an agent), read from the values in the roles
 * `csat` and `ces`. Counted on the rows used for NPS, so the figures describe one sample.
 */
export function sideFold(csat: boolean, ces: boolean, key: SideKey): Fold<Map<string | number, SideMetrics>> {
  const keyOf = sideKeyOf(key);
  return {
    empty: () => new Map(),
    // Without CSAT or CES nothing is kept: a key per row would cost every run that does not ask.
    add:
      csat || ces
        ? (byKey, row) => {
            addSideMetrics(
              entry(byKey, keyOf(row), newSideMetrics),
              csat ? row.values.csat : undefined,
              ces ? row.values.ces : undefined,
            );
          }
        : () => {},
    merge(into, from) {
      for (const [k, m] of from) {
        const mine = into.get(k);
        if (mine) mergeSideMetrics(mine, m);
        else into.set(k, { ...m });
      }
    },
    recipe: recipe(import.meta.url, 'sideFold', csat, ces, key),
  };
}
