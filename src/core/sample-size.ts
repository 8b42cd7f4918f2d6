import { intervalAt, type Statistics } from './interval.js';
import { criticalValue, normalQuantile } from './normal.js';

/** Expected shares of promoters and detractors (0..1) used to plan a survey. */
export interface PlanningShares {
  readonly promoters: number;
  readonly detractors: number;
}

// Shares read from reports (0.1 + 0.2 ...) may sum a rounding error above 1.
const SHARE_SUM_TOLERANCE = 1e-12;

/**
 * Per-respondent variance V = p + d - (p - d)² of the planning shares; 1, the largest possible,
 * when none are given. NaN for shares that cannot occur.
 */
export function plannedVariance(shares: PlanningShares | undefined): number {
  if (shares === undefined) return 1;
  const { promoters: p, detractors: d } = shares;
  const isShare = (s: number): boolean => Number.isFinite(s) && s >= 0 && s <= 1;
  if (!isShare(p) || !isShare(d) || p + d > 1 + SHARE_SUM_TOLERANCE) return NaN;
  return Math.max(0, p + d - (p - d) ** 2);
}

const isProbability = (q: number): boolean => q > 0 && q < 1;

/**
 * Responses needed for an interval no wider than ±margin on either side (margin on the -1..1
 * scale): the smallest n whose interval, by the method the reports use, computed at the planning
 * shares' expected counts, has both half-widths (estimate - lower, upper - estimate) within the
 * margin. A search, not a formula: the adjusted-Wald closed form ceil(z² V / m² - 3) under-sizes
 * skewed shares (at 90% promoters and no detractors it asks 32 for ±10, which gives ±14). Without
 * shares, the worst case: half promoters, half detractors. NaN for impossible inputs.
 */
export function responsesForMargin(margin: number, stats: Statistics, shares?: PlanningShares): number {
  if (!(margin > 0) || !Number.isFinite(margin) || !isProbability(stats.confidence) || Number.isNaN(plannedVariance(shares))) return NaN;
  const { promoters: p, detractors: d } = shares ?? { promoters: 0.5, detractors: 0.5 };
  const z = criticalValue(stats.confidence);
  const fits = (n: number) => {
    const counts = { promoters: n * p, passives: n * (1 - p - d), detractors: n * d };
    const estimate = p - d;
    const i = intervalAt(counts, stats.method, z);
    return estimate - i.lower <= margin && i.upper - estimate <= margin;
  };
  if (fits(1)) return 1;
  let high = 2;
  while (!fits(high)) {
    if (high > 1e12) return NaN;
    high *= 2;
  }
  let low = high / 2; // does not fit
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * Responses per group to detect a difference D (-1..1 scale) between two independent groups of
 * equal size, with a two-sided test at `confidence` and the given power:
 *
 *   n = ceil((z_{1-α/2} + z_{power})² · 2V / D²),  α = 1 - confidence,
 *
 * V from the planning shares (worst case 1), both groups assumed to share it (the normal
 * approximation of the two-sample test). The sign of D does not matter.
 * NaN for impossible inputs (D = 0 or |D| > 2, confidence or power outside (0, 1), bad shares).
 */
export function responsesPerGroupForDifference(difference: number, confidence: number, power: number, shares?: PlanningShares): number {
  const size = Math.abs(difference);
  if (!(size > 0) || size > 2 || !isProbability(confidence) || !isProbability(power)) return NaN;
  const zSum = criticalValue(confidence) + normalQuantile(power);
  const needed = (zSum * zSum * 2 * plannedVariance(shares)) / (size * size);
  return Number.isNaN(needed) ? NaN : Math.max(1, Math.ceil(needed));
}
