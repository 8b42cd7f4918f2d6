import { designOf, type GroupDesign } from './cluster.js';
import { type Difference, holm } from './significance.js';
import { type NpsSummary, type Statistics, summarize } from './summary.js';
import type { Tally } from './tally.js';

/** One period of a trend: its summary, and its change from the period before. */
export interface TrendPoint {
  readonly key: number;
  readonly summary: NpsSummary;
  /** Against the previous period (this minus previous, -1..1 scale); undefined for the first. */
  readonly change?: Difference;
  /** The change's p-value, Holm-adjusted across every change in the series; NaN when untested. */
  readonly pAdjusted: number;
}

/**
 * NPS per period from `first` to `last` (consecutive keys), empty periods included with n = 0, each
 * tested against the one before. The p-values are adjusted together (Holm), since a series of
 * changes is many comparisons at once. A period after `lastTested` (one still in progress) is not
 * tested, and so not one of the family either. Periods in a clustered design are tested with the
 * covariance of the clusters they share.
 */
export function trendOf(
  periods: ReadonlyMap<number, Tally> | GroupDesign<number>,
  first: number,
  last: number,
  stats: Statistics,
  lastTested = Infinity,
): TrendPoint[] {
  const design = designOf(periods);
  const keys: number[] = [];
  for (let key = first; key <= last; key++) keys.push(key);
  const changes = keys.map((key, i) =>
    i === 0 || key > lastTested ? undefined : design.between(key, keys[i - 1], stats),
  );
  const adjusted = holm(changes.map((c) => c?.p ?? NaN));
  return keys.map((key, i) => ({
    key,
    summary: summarize(design.tally(key), stats, design.counted(key)),
    change: changes[i],
    pAdjusted: adjusted[i],
  }));
}
