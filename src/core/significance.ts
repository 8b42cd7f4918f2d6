import { boundAt, type Statistics } from './interval.js';
import { criticalValue, normalCdf, twoSidedP } from './normal.js';
import { netScore } from './nps.js';
import { type Counts, sizeOf } from './tally.js';

/**
 * The difference between two independent groups or periods x and y, on the -1..1 scale:
 * d = NPS_x - NPS_y (raw), its MOVER interval (Newcombe 1998; Zou & Donner 2008) built from each
 * group's own interval (l, u) by the chosen method,
 *
 *   L = d - sqrt((NPS_x - l_x)² + (u_y - NPS_y)²),   U = d + sqrt((u_x - NPS_x)² + (NPS_y - l_y)²),
 *
 * which always contains d, and the p-value that inverts it: the smallest alpha at which the
 * 1 - alpha interval excludes 0. So an interval and its p never disagree. z is the normal
 * deviate of that p, signed like d.
 */
export interface Difference {
  readonly difference: number;
  readonly lower: number;
  readonly upper: number;
  readonly z: number;
  readonly p: number;
}

const NO_DIFFERENCE: Difference = { difference: NaN, lower: NaN, upper: NaN, z: NaN, p: NaN };

/** The search's first bracket for z ends here, past the 37.5 at which the two-sided p underflows to 0. */
const FIRST_BRACKET_Z = 38;

/**
 * Where the search for z gives up: an interval still excluding 0 this far out has zero width (Wald,
 * every answer in one category), and z is infinite. Finite deviates of real data stay far below it.
 */
const LARGEST_FINITE_Z = 2 ** 40;

/**
 * x minus y by MOVER. `correlation` is that of the two estimates (groups that share clusters): Zou
 * & Donner's MOVER for dependent estimates, whose half-widths combine as sqrt(a^2 + b^2 - 2 r a b).
 */
export function compareGroups(x: Counts, y: Counts, settings: Statistics, correlation = 0): Difference {
  if (sizeOf(x) === 0 || sizeOf(y) === 0) return NO_DIFFERENCE;
  const px = netScore(x);
  const py = netScore(y);
  const d = px - py;
  const bound = (c: Counts, z: number, side: 'lower' | 'upper') => boundAt(c, settings.method, z, side);
  const combine =
    correlation === 0
      ? Math.hypot
      : (a: number, b: number) => Math.sqrt(Math.max(0, a * a + b * b - 2 * correlation * a * b));
  const moverLower = (z: number) => d - combine(px - bound(x, z, 'lower'), bound(y, z, 'upper') - py);
  const moverUpper = (z: number) => d + combine(bound(x, z, 'upper') - px, py - bound(y, z, 'lower'));
  const zCrit = criticalValue(settings.confidence);
  const lower = moverLower(zCrit);
  const upper = moverUpper(zCrit);
  // The widest interval that still excludes 0, on the side of d (one bound of each group is enough).
  const excludes = (z: number) => (d > 0 ? moverLower(z) > 0 : moverUpper(z) < 0);
  const zStar = d === 0 ? 0 : invert(excludes);
  return { difference: d, lower, upper, z: Math.sign(d) * zStar, p: 2 * normalCdf(-zStar) };
}

/**
 * The largest z (>= 0) at which `excludes(z)` still holds, by bisection: intervals widen as z
 * grows, so the set is [0, z*]. The two-sided p of the test is 2 Φ(-z*), which underflows to 0
 * past z* = 37.5; z* itself is still found, the upper end of the search doubling until the
 * interval reaches 0. Infinity when it never does.
 */
function invert(excludes: (z: number) => boolean): number {
  if (!excludes(1e-9)) return 0;
  let lo = 1e-9;
  let hi = FIRST_BRACKET_Z;
  while (excludes(hi)) {
    if (hi >= LARGEST_FINITE_Z) return Infinity;
    lo = hi;
    hi *= 2;
  }
  for (let i = 0; i < 100 && hi - lo > 1e-10; i++) {
    const mid = (lo + hi) / 2;
    if (excludes(mid)) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Which side a test of NPS against a benchmark looks at: both (the default), or one chosen in advance. */
export type Alternative = 'two-sided' | 'greater' | 'less';
export const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'greater', 'less'];

/** A test of NPS against a fixed benchmark B (-1..1 scale), by inverting the chosen interval. */
export interface BenchmarkTest {
  readonly benchmark: number;
  readonly alternative: Alternative;
  /** Signed like NPS - B. */
  readonly z: number;
  readonly p: number;
}

/**
 * The test consistent with the interval shown: the two-sided p is the smallest alpha at which the
 * 1 - alpha interval excludes B (for the score interval, exactly the score test at D = B). A
 * one-sided p halves it on the side of the alternative and is 1 - p/2 on the other.
 */
export function testBenchmark(
  c: Counts,
  benchmark: number,
  settings: Statistics,
  alternative: Alternative = 'two-sided',
): BenchmarkTest {
  if (sizeOf(c) === 0) return { benchmark, alternative, z: NaN, p: NaN };
  const estimate = netScore(c);
  const excludes = (z: number) =>
    estimate > benchmark
      ? boundAt(c, settings.method, z, 'lower') > benchmark
      : boundAt(c, settings.method, z, 'upper') < benchmark;
  const zStar = estimate === benchmark ? 0 : invert(excludes);
  const z = Math.sign(estimate - benchmark) * zStar;
  const twoSided = 2 * normalCdf(-zStar);
  const p =
    alternative === 'two-sided' ? twoSided : (alternative === 'greater') === z > 0 ? twoSided / 2 : 1 - twoSided / 2;
  return { benchmark, alternative, z, p };
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

/**
 * Two proportions, k1 of n1 against k2 of n2: the pooled z-test, two-sided (R's prop.test of the
 * pair without continuity correction gives the same p as its chi-square). NaN when either is empty
 * or the pooled proportion is 0 or 1.
 */
export function compareProportions(k1: number, n1: number, k2: number, n2: number): { z: number; p: number } {
  const pooled = (k1 + k2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return { z: NaN, p: NaN };
  const z = (k1 / n1 - k2 / n2) / se;
  return { z, p: twoSidedP(z) };
}
