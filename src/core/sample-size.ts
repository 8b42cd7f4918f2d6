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
 * From n' = n + 3 adjusted answers needed, to real responses; at least one, since no answers
 * give no score at all.
 */
const responsesFromAdjusted = (adjustedNeeded: number): number => (Number.isNaN(adjustedNeeded) ? NaN : Math.max(1, Math.ceil(adjustedNeeded - 3)));

/**
 * Responses needed for a ±margin adjusted-Wald interval (margin on the -1..1 scale):
 * n = ceil(z² V / m² - 3), z the two-sided critical value, V from the planning shares (worst
 * case 1). ±0.05 at 95% needs 1534 in the worst case. NaN for impossible inputs.
 */
export function responsesForMargin(margin: number, confidence: number, shares?: PlanningShares): number {
  if (!(margin > 0) || !Number.isFinite(margin) || !isProbability(confidence)) return NaN;
  const z = criticalValue(confidence);
  return responsesFromAdjusted((z * z * plannedVariance(shares)) / (margin * margin));
}

/**
 * Responses per group to detect a difference D (-1..1 scale) between two independent groups of
 * equal size, with a two-sided test at `confidence` and the given power:
 *
 *   n = ceil((z_{1-α/2} + z_{power})² · 2V / D² - 3),  α = 1 - confidence,
 *
 * V from the planning shares (worst case 1), both groups assumed to share it; the 3 pseudo-answers
 * of the adjusted counts are subtracted as in responsesForMargin. The sign of D does not matter.
 * NaN for impossible inputs (D = 0 or |D| > 2, confidence or power outside (0, 1), bad shares).
 */
export function responsesPerGroupForDifference(difference: number, confidence: number, power: number, shares?: PlanningShares): number {
  const size = Math.abs(difference);
  if (!(size > 0) || size > 2 || !isProbability(confidence) || !isProbability(power)) return NaN;
  const zSum = criticalValue(confidence) + normalQuantile(power);
  return responsesFromAdjusted((zSum * zSum * 2 * plannedVariance(shares)) / (size * size));
}
