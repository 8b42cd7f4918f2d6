import { type IntervalMethod, intervalAt, type Statistics } from './interval.js';
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
 * Whether every answer falls in one category at these shares (all promoters, all detractors or all
 * passives): the variance is 0, so the Wald interval has zero width at any n and the two-sample
 * approximation sizes nothing.
 */
export const isSingleCategory = (shares: PlanningShares): boolean => plannedVariance(shares) === 0;

/** The planning shares that need the most responses for a margin, and how many they need. */
export interface WorstCase {
  readonly responses: number;
  readonly shares: PlanningShares;
}

/**
 * Responses needed for an interval no wider than ±margin on either side (margin on the -1..1
 * scale): the smallest n whose interval, by the method the reports use, computed at the planning
 * shares' expected counts, has both half-widths (estimate - lower, upper - estimate) within the
 * margin. A search, not a formula: the adjusted-Wald closed form ceil(z² V / m² - 3) under-sizes
 * skewed shares (at 90% promoters and no detractors it asks 32 for ±10, which gives ±14). Without
 * shares, the worst case over all shares (worstCaseForMargin). NaN for impossible inputs, and when
 * the interval has zero width at any n (Wald, every answer in one category): no n answers that.
 */
export function responsesForMargin(margin: number, stats: Statistics, shares?: PlanningShares): number {
  if (shares === undefined) return worstCaseForMargin(margin, stats).responses;
  if (!isPlannable(margin, stats) || Number.isNaN(plannedVariance(shares))) return NaN;
  if (stats.method === 'wald' && isSingleCategory(shares)) return NaN;
  const z = criticalValue(stats.confidence);
  return smallestFitting((n) => widerHalf(n, shares, stats.method, z) <= margin);
}

/** Shares on the search grids are whole multiples of 1 / SHARE_UNITS. */
const SHARE_UNITS = 10_000;
/** A grid of shares 0.01 apart over all shares, then grids 0.001 and 0.0001 apart around the worst point so far. */
const GRID_STEPS = [100, 10, 1];

/**
 * The shares of promoters and detractors (passives the rest) that need the most responses for
 * ±margin by this method and level, and that n. Not always half promoters and half detractors:
 * the score interval is wider on the side towards 0, so at ±10 points 55% promoters and 45%
 * detractors need 385 where 50/50 needs 381. Every mix with passives is searched too. Every
 * method is a mirror image under swapping promoters and detractors, so only shares with at least
 * as many promoters are searched: the other half has the same answer, mirrored. Among shares
 * needing the same n on the whole-percent grid, the worse is the one whose interval is wider at
 * n - 1 (at n = 1 when one answer is enough); the finer grids replace it only with shares that need
 * more, so the shares named are whole percentages unless finer ones need more. Deterministic; NaN
 * responses for impossible inputs.
 */
export function worstCaseForMargin(margin: number, stats: Statistics): WorstCase {
  const impossible: WorstCase = { responses: NaN, shares: { promoters: NaN, detractors: NaN } };
  if (!isPlannable(margin, stats)) return impossible;
  const z = criticalValue(stats.confidence);
  const halfAt = (n: number, shares: PlanningShares) => widerHalf(n, shares, stats.method, z);
  const tieBreak = (n: number, shares: PlanningShares) => halfAt(Math.max(1, n - 1), shares);
  const needed = (shares: PlanningShares, known = 0) => smallestFitting((n) => halfAt(n, shares) <= margin, known);

  // Half promoters and half detractors first: near the worst, so most shares then cost one interval.
  const even = { promoters: 0.5, detractors: 0.5 };
  const evenNeeds = needed(even);
  if (Number.isNaN(evenNeeds)) return impossible;
  let worst = {
    responses: evenNeeds,
    shares: even,
    units: [SHARE_UNITS / 2, SHARE_UNITS / 2],
    width: tieBreak(evenNeeds, even),
  };
  let tooMany = false;
  const consider = (promoterUnits: number, detractorUnits: number, takesTies: boolean) => {
    const shares = { promoters: promoterUnits / SHARE_UNITS, detractors: detractorUnits / SHARE_UNITS };
    const n = worst.responses;
    const width = tieBreak(n, shares);
    if (n > 1 && width <= margin) return; // fits with n - 1: needs fewer
    if ((n === 1 ? width : halfAt(n, shares)) <= margin) {
      if (takesTies && width > worst.width)
        worst = { responses: n, shares, units: [promoterUnits, detractorUnits], width };
      return;
    }
    const responses = needed(shares, n);
    if (Number.isNaN(responses)) tooMany = true;
    else worst = { responses, shares, units: [promoterUnits, detractorUnits], width: tieBreak(responses, shares) };
  };
  let from = { promoters: 0, detractors: 0, reach: SHARE_UNITS };
  for (const step of GRID_STEPS) {
    const firstPromoters = Math.max(0, from.promoters - from.reach);
    for (let p = firstPromoters; p <= Math.min(SHARE_UNITS, from.promoters + from.reach); p += step) {
      const lastDetractors = Math.min(p, SHARE_UNITS - p, from.detractors + from.reach);
      for (let d = Math.max(0, from.detractors - from.reach); d <= lastDetractors; d += step)
        consider(p, d, step === GRID_STEPS[0]);
    }
    from = { promoters: worst.units[0], detractors: worst.units[1], reach: step };
  }
  return tooMany ? impossible : { responses: worst.responses, shares: worst.shares };
}

const isPlannable = (margin: number, stats: Statistics): boolean =>
  margin > 0 && Number.isFinite(margin) && isProbability(stats.confidence);

/** The wider half of the interval at n answers in these shares' expected counts. */
function widerHalf(n: number, shares: PlanningShares, method: IntervalMethod, z: number): number {
  const { promoters: p, detractors: d } = shares;
  const counts = { promoters: n * p, passives: n * Math.max(0, 1 - p - d), detractors: n * d };
  const i = intervalAt(counts, method, z);
  return Math.max(p - d - i.lower, i.upper - (p - d));
}

/** Beyond this many responses no survey is planned: NaN. */
const MOST_RESPONSES = 1e12;

/**
 * The smallest n above `known` that fits, given that `known` does not (0: none tried yet), by
 * doubling steps then bisection. Half-widths shrink as n grows, so the answers that fit are n* and above.
 */
function smallestFitting(fits: (n: number) => boolean, known = 0): number {
  let low = known;
  let step = 1;
  let high = low + step;
  while (!fits(high)) {
    if (high > MOST_RESPONSES) return NaN;
    low = high;
    step *= 2;
    high = low + step;
  }
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
 * NaN for impossible inputs (D = 0 or |D| > 2, confidence or power outside (0, 1), bad shares),
 * and for shares with every answer in one category, whose V = 0 would ask for no responses at all.
 */
export function responsesPerGroupForDifference(
  difference: number,
  confidence: number,
  power: number,
  shares?: PlanningShares,
): number {
  const size = Math.abs(difference);
  if (!(size > 0) || size > 2 || !isProbability(confidence) || !isProbability(power)) return NaN;
  const zSum = criticalValue(confidence) + normalQuantile(power);
  const needed = (zSum * zSum * 2 * plannedVariance(shares)) / (size * size);
  return Number.isNaN(needed) || needed === 0 ? NaN : Math.max(1, Math.ceil(needed));
}
