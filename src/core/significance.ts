import { adjust } from './interval.js';
import { criticalValue, normalCdf } from './normal.js';
import { netScore, variance } from './nps.js';
import { type Counts, sizeOf } from './tally.js';

/**
 * Difference of two independent groups or periods (DESIGN.md §3), all on the -1..1 scale. With
 * adjusted-Wald counts x' and y': se = sqrt(V'x/n'x + V'y/n'y), z = (NPS'x - NPS'y) / se,
 * two-sided p = 2 Φ(-|z|). `difference` is of the raw scores (x - y); its interval is
 * difference ± z_crit · se.
 */
export interface Difference {
  readonly difference: number;
  readonly lower: number;
  readonly upper: number;
  readonly z: number;
  readonly p: number;
  readonly se: number;
}

const NO_DIFFERENCE: Difference = { difference: NaN, lower: NaN, upper: NaN, z: NaN, p: NaN, se: NaN };

/** V'/n' of the adjusted counts: the squared standard error that the tests use. */
function adjustedSamplingVariance(c: Counts): number {
  const adjusted = adjust(c);
  return variance(adjusted) / sizeOf(adjusted);
}

export function compareGroups(x: Counts, y: Counts, confidence: number): Difference {
  if (sizeOf(x) === 0 || sizeOf(y) === 0) return NO_DIFFERENCE;
  const se = Math.sqrt(adjustedSamplingVariance(x) + adjustedSamplingVariance(y));
  const adjustedDifference = netScore(adjust(x)) - netScore(adjust(y));
  const z = adjustedDifference / se;
  const margin = criticalValue(confidence) * se;
  // The interval is centred on the adjusted difference, as z is (and as a single group's adjusted
  // interval is), so it excludes 0 exactly when the test is significant; the headline stays raw.
  return {
    difference: netScore(x) - netScore(y),
    lower: Math.max(-2, adjustedDifference - margin),
    upper: Math.min(2, adjustedDifference + margin),
    z,
    // Φ(-|z|) rather than 1 - Φ(|z|): a tiny p keeps its digits instead of cancelling to 0.
    p: 2 * normalCdf(-Math.abs(z)),
    se,
  };
}

/**
 * One-tailed tests against a fixed benchmark B (-1..1 scale): z = (NPS' - B) / sqrt(V'/n').
 * pAbove = 1 - Φ(z) tests H1: NPS > B; pBelow = Φ(z) tests H1: NPS < B.
 */
export interface BenchmarkTest {
  readonly benchmark: number;
  readonly z: number;
  readonly pAbove: number;
  readonly pBelow: number;
}

export function testBenchmark(c: Counts, benchmark: number): BenchmarkTest {
  if (sizeOf(c) === 0) return { benchmark, z: NaN, pAbove: NaN, pBelow: NaN };
  const z = (netScore(adjust(c)) - benchmark) / Math.sqrt(adjustedSamplingVariance(c));
  return { benchmark, z, pAbove: normalCdf(-z), pBelow: normalCdf(z) };
}

/**
 * Holm's step-down adjustment, returned in the input order. With the m valid p-values sorted
 * ascending, the k-th (from 0) becomes max over j <= k of (m - j) p_(j), capped at 1; the running
 * maximum keeps the adjusted values in the same order as the raw ones. NaN stays NaN and does not
 * count towards m.
 */
export function holm(pValues: readonly number[]): number[] {
  const valid = pValues
    .map((p, index) => ({ p, index }))
    .filter(({ p }) => !Number.isNaN(p))
    .sort((a, b) => a.p - b.p);
  const m = valid.length;
  const adjusted = pValues.map(() => NaN);
  let runningMax = 0;
  valid.forEach(({ p, index }, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * p));
    adjusted[index] = runningMax;
  });
  return adjusted;
}
