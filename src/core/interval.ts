import { criticalValue } from './normal.js';
import { netScore, variance } from './nps.js';
import { type Counts, sizeOf } from './tally.js';

/**
 * Confidence intervals for NPS on the -1..1 scale (Rocks 2016, "Interval Estimation for the
 * 'Net Promoter Score'", The American Statistician 70(4)).
 */
export type IntervalMethod = 'adjusted-wald' | 'wald' | 'score';
export const INTERVAL_METHODS: readonly IntervalMethod[] = ['adjusted-wald', 'wald', 'score'];

export interface Interval {
  readonly lower: number;
  readonly upper: number;
  /** Half the unclipped width: the "plus or minus" of the interval. */
  readonly margin: number;
}

const NO_INTERVAL: Interval = { lower: NaN, upper: NaN, margin: NaN };

export function interval(c: Counts, method: IntervalMethod, confidence: number): Interval {
  if (sizeOf(c) === 0) return NO_INTERVAL;
  const z = criticalValue(confidence);
  switch (method) {
    case 'wald':
      return around(netScore(c), z * Math.sqrt(variance(c) / sizeOf(c)));
    case 'adjusted-wald': {
      const adjusted = adjust(c);
      return around(netScore(adjusted), z * Math.sqrt(variance(adjusted) / sizeOf(adjusted)));
    }
    case 'score':
      return scoreInterval(c, z);
  }
}

/** Adds 3 pseudo-answers (0.75 detractor, 1.5 passive, 0.75 promoter): the adjusted-Wald counts. */
export const adjust = (c: Counts): Counts => ({
  detractors: c.detractors + 0.75,
  passives: c.passives + 1.5,
  promoters: c.promoters + 0.75,
});

function around(centre: number, margin: number): Interval {
  return { lower: Math.max(-1, centre - margin), upper: Math.min(1, centre + margin), margin };
}

/**
 * The Tango-type score interval: {D : |s(D)| < z} with s decreasing in D, so each bound is found
 * by bisection. b = detractors, c = promoters.
 */
function scoreInterval(counts: Counts, z: number): Interval {
  const n = sizeOf(counts);
  const b = counts.detractors;
  const c = counts.promoters;
  const statistic = (d: number): number => {
    const A = 2 * n;
    const B = -b - c + (2 * n - c + b) * d;
    const C = -b * d * (1 - d);
    const q = (Math.sqrt(Math.max(0, B * B - 4 * A * C)) - B) / (2 * A);
    const spread = n * (2 * q + d * (1 - d));
    const num = c - b - n * d;
    if (spread <= 0) return num === 0 ? 0 : num * Infinity;
    return num / Math.sqrt(spread);
  };
  // The bound where s(D) crosses `target`, searched between the point estimate and the edge.
  const solve = (target: number, from: number, to: number): number => {
    let lo = from;
    let hi = to;
    for (let i = 0; i < 200 && Math.abs(hi - lo) > 1e-14; i++) {
      const mid = (lo + hi) / 2;
      const inside = target > 0 ? statistic(mid) < target : statistic(mid) > target;
      if (inside) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const estimate = (c - b) / n;
  const lower = b === n ? -1 : solve(z, estimate, -1);
  const upper = c === n ? 1 : solve(-z, estimate, 1);
  return { lower, upper, margin: (upper - lower) / 2 };
}
