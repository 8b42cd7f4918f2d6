import { criticalValue } from './normal.js';
import { netScore, variance } from './nps.js';
import { type Counts, sizeOf } from './tally.js';

/**
 * Confidence intervals for NPS on the -1..1 scale (Rocks 2016, "Interval Estimation for the
 * 'Net Promoter Score'", The American Statistician 70(4)).
 */
export type IntervalMethod = 'adjusted-wald' | 'wald' | 'score';
export const INTERVAL_METHODS: readonly IntervalMethod[] = ['adjusted-wald', 'wald', 'score'];

/** How intervals (and the tests that invert them) are computed: the method and the confidence level. */
export interface Statistics {
  readonly method: IntervalMethod;
  readonly confidence: number;
}

export interface Interval {
  readonly lower: number;
  readonly upper: number;
  /** Half the width: the "plus or minus" when the interval is symmetric about the estimate. */
  readonly margin: number;
}

const NO_INTERVAL: Interval = { lower: NaN, upper: NaN, margin: NaN };

/**
 * The interval of NPS at `confidence` by `method`. It always contains the estimate: the score
 * interval does by construction; the adjusted-Wald one, centred on the adjusted score, can leave a
 * tiny or extreme sample's estimate outside (1 promoter: +100 with -48.5 to +98.5), and is then
 * widened to reach it.
 */
export function interval(c: Counts, method: IntervalMethod, confidence: number): Interval {
  return intervalAt(c, method, criticalValue(confidence));
}

/** The interval for a critical value z instead of a confidence level (z = 1.96 for 95%). */
export function intervalAt(c: Counts, method: IntervalMethod, z: number): Interval {
  if (sizeOf(c) === 0) return NO_INTERVAL;
  return bounded(boundAt(c, method, z, 'lower'), boundAt(c, method, z, 'upper'));
}

/** One bound of the interval at critical value z: half the work when only one side is needed (a test). */
export function boundAt(c: Counts, method: IntervalMethod, z: number, side: 'lower' | 'upper'): number {
  const n = sizeOf(c);
  if (n === 0) return NaN;
  const estimate = netScore(c);
  const sign = side === 'lower' ? -1 : 1;
  switch (method) {
    case 'wald':
      return Math.max(-1, Math.min(1, estimate + sign * z * Math.sqrt(variance(c) / n)));
    case 'adjusted-wald': {
      const adjusted = adjust(c);
      const bound = Math.max(
        -1,
        Math.min(1, netScore(adjusted) + sign * z * Math.sqrt(variance(adjusted) / sizeOf(adjusted))),
      );
      // Widened to the estimate when the adjusted centre leaves it outside.
      return side === 'lower' ? Math.min(bound, estimate) : Math.max(bound, estimate);
    }
    case 'score':
      return scoreBound(c, z, side);
  }
}

const bounded = (lower: number, upper: number): Interval => ({ lower, upper, margin: (upper - lower) / 2 });

/** Adds 3 pseudo-answers (0.75 detractor, 1.5 passive, 0.75 promoter): the adjusted-Wald counts. */
export const adjust = (c: Counts): Counts => ({
  detractors: c.detractors + 0.75,
  passives: c.passives + 1.5,
  promoters: c.promoters + 0.75,
});

/**
 * One bound of the Tango-type score interval {D : |s(D)| < z}: s decreases in D, so the bound is
 * found by bisection between the estimate and the edge. +1 above when every answer is a promoter,
 * -1 below when every answer is a detractor.
 */
function scoreBound(counts: Counts, z: number, side: 'lower' | 'upper'): number {
  const n = sizeOf(counts);
  const estimate = (counts.promoters - counts.detractors) / n;
  if (side === 'lower' ? counts.detractors === n : counts.promoters === n) return side === 'lower' ? -1 : 1;
  const target = side === 'lower' ? z : -z;
  let lo = estimate;
  let hi = side === 'lower' ? -1 : 1;
  for (let i = 0; i < 200 && Math.abs(hi - lo) > 1e-14; i++) {
    const mid = (lo + hi) / 2;
    const s = scoreStatistic(counts, mid);
    const inside = target > 0 ? s < target : s > target;
    if (inside) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The score statistic s(D) of Rocks 2016 for a candidate NPS D (-1..1 scale): (c - b - nD) over
 * its standard error under D, with b detractors and c promoters. The score interval is
 * {D : |s(D)| < z}; s(B) is the score test of NPS = B. Positive when the estimate is above D.
 */
export function scoreStatistic(counts: Counts, d: number): number {
  const n = sizeOf(counts);
  const b = counts.detractors;
  const c = counts.promoters;
  const A = 2 * n;
  const B = -b - c + (2 * n - c + b) * d;
  const C = -b * d * (1 - d);
  const q = (Math.sqrt(Math.max(0, B * B - 4 * A * C)) - B) / (2 * A);
  const spread = n * (2 * q + d * (1 - d));
  const num = c - b - n * d;
  if (spread <= 0) return num === 0 ? 0 : num * Infinity;
  return num / Math.sqrt(spread);
}
