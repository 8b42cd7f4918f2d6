import { maxOf, minOf } from './extent.js';

/*
 * Control charts of a daily stream of answers, each one-sided: they watch for things getting worse.
 * - EWMA: z = max(0, λu + (1 − λ)z) of each day's standardised departure u from the in-control
 *   level (u = (daily mean − level) / sd of a daily mean at that day's volume), starting at 0 and
 *   held there from below (Crowder & Hamilton 1992), so that a good spell does not delay the
 *   signal of a rise. It signals above L times √(λ / (2 − λ)), the asymptotic sd of the EWMA.
 * - Binomial CUSUM of detractors (Page 1954; Reynolds & Stoumbos 1999): S = max(0, S + the day's
 *   log-likelihood ratio of p1 against p0), signalling at h (in nats).
 * Limits are set for an in-control average run length (ARL) in days by the Markov-chain method of
 * Brook & Evans (1972) over the in-control distribution of a day: a mixture over the daily volumes
 * the baseline saw, a day without answers leaving a chart where it was.
 */

/** What a chart reads on one in-control day: the values it may add and their probabilities. */
export interface DayInputs {
  readonly values: readonly number[];
  readonly probs: readonly number[];
}

/** The asymptotic sd of an EWMA of values of variance 1: √(λ / (2 − λ)). */
export const ewmaSd = (lambda: number): number => Math.sqrt(lambda / (2 - lambda));

/** The next EWMA value after a day whose standardised departure is u. */
export const ewmaStep = (z: number, u: number, lambda: number): number => lambda * u + (1 - lambda) * z;

/** The next value of a chart's EWMA: one-sided, held at 0 from below. */
export const chartEwmaStep = (z: number, u: number, lambda: number): number => Math.max(0, ewmaStep(z, u, lambda));

/**
 * The log-likelihood ratio of a day with `detractors` of `n` answers, for a detractor share of p1
 * against p0.
 */
export const cusumIncrement = (detractors: number, n: number, p0: number, p1: number): number =>
  detractors * Math.log(p1 / p0) + (n - detractors) * Math.log((1 - p1) / (1 - p0));

/** The next CUSUM value: it never falls below 0. */
export const cusumStep = (s: number, increment: number): number => Math.max(0, s + increment);

/** Probabilities smaller than this are left out of a day's inputs (their sum is far below any ARL's precision). */
const NEGLIGIBLE = 1e-14;

/** The number of successes in n trials of chance p, where it holds any mass: P(k) for k = from, from + 1, ... */
export function binomialPmf(n: number, p: number): { from: number; probs: number[] } {
  if (p <= 0) return { from: 0, probs: [1] };
  if (p >= 1) return { from: n, probs: [1] };
  // From the mode outwards by the ratio P(k + 1) / P(k) = (n − k) p / ((k + 1)(1 − p)), then normalised.
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const odds = p / (1 - p);
  const up: number[] = [];
  for (let k = mode, v = 1; k < n; k++) {
    v *= ((n - k) / (k + 1)) * odds;
    if (v < NEGLIGIBLE) break;
    up.push(v);
  }
  const down: number[] = [];
  for (let k = mode, v = 1; k > 0; k--) {
    v *= k / ((n - k + 1) * odds);
    if (v < NEGLIGIBLE) break;
    down.push(v);
  }
  const probs = [...down.reverse(), 1, ...up];
  const total = probs.reduce((a, b) => a + b, 0);
  return { from: mode - down.length, probs: probs.map((v) => v / total) };
}

/**
 * The sum of n answers of −1 (detractor), 0 or +1 (promoter): P(s) for s = from, from + 1, ...,
 * exact: over the detractors' count d (binomial), the promoters among the other n − d (binomial
 * at their share of non-detractors), each where it holds any mass.
 */
export function npsSumPmf(n: number, detractors: number, promoters: number): { from: number; probs: number[] } {
  const d = binomialPmf(n, detractors);
  const given = detractors < 1 ? promoters / (1 - detractors) : 0;
  const sums = new Map<number, number>();
  for (let i = 0; i < d.probs.length; i++) {
    const count = d.from + i;
    const p = binomialPmf(n - count, Math.min(1, given));
    for (let k = 0; k < p.probs.length; k++) {
      const sum = p.from + k - count;
      sums.set(sum, (sums.get(sum) ?? 0) + d.probs[i] * p.probs[k]);
    }
  }
  const from = minOf(sums.keys());
  const to = maxOf(sums.keys());
  const probs: number[] = [];
  for (let s = from; s <= to; s++) probs.push(sums.get(s) ?? 0);
  return { from, probs };
}

/**
 * A mixture of days: each daily volume in the baseline with its share of the days. Quiet days
 * (volume 0) add `quiet` to the inputs as NaN, which leaves a chart where it was. Volumes are
 * pooled into at most `kinds` quantile groups (each its median) so that a scope of many different
 * volumes stays quick to calibrate.
 */
export function dayMixture(volumes: readonly number[], inputsAt: (n: number) => DayInputs, kinds = 24): DayInputs {
  const sorted = [...volumes].sort((a, b) => a - b);
  const values: number[] = [];
  const probs: number[] = [];
  const quiet = sorted.filter((n) => n === 0).length;
  if (quiet > 0) {
    values.push(Number.NaN);
    probs.push(quiet / sorted.length);
  }
  const busy = sorted.slice(quiet);
  const distinct = new Set(busy).size;
  const groups = Math.min(kinds, distinct);
  let start = 0;
  for (let g = 0; g < groups; g++) {
    let end = Math.round(((g + 1) * busy.length) / groups);
    // Equal volumes stay in one group.
    while (end < busy.length && busy[end] === busy[end - 1]) end++;
    if (end <= start) continue;
    const day = inputsAt(busy[Math.floor((start + end - 1) / 2)]);
    const share = (end - start) / sorted.length;
    for (let i = 0; i < day.values.length; i++) {
      values.push(day.values[i]);
      probs.push(day.probs[i] * share);
    }
    start = end;
  }
  return binned({ values, probs });
}

/**
 * Values closer than BIN pooled at their mean, weighted by chance: a busy scope's days hold
 * thousands of values a chain would step through one by one, while its cells are coarser.
 */
const BIN = 0.005;
function binned(inputs: DayInputs): DayInputs {
  const order = inputs.values.map((_, i) => i).sort((a, b) => inputs.values[a] - inputs.values[b]);
  const values: number[] = [];
  const probs: number[] = [];
  let start = Number.NaN;
  for (const i of order) {
    const v = inputs.values[i];
    const p = inputs.probs[i];
    const last = probs.length - 1;
    if (last >= 0 && !Number.isNaN(v) && v - start < BIN) {
      values[last] = (values[last] * probs[last] + v * p) / (probs[last] + p);
      probs[last] += p;
    } else {
      values.push(v);
      probs.push(p);
      start = v;
    }
  }
  return { values, probs };
}

/** Cells of the Markov chain: enough for an ARL within about 1% of a simulation's. */
const CELLS = 160;

/**
 * The ARL of a chain of `cells` transient states that starts in `start`: the solution of
 * (I − Q) a = 1 by elimination, Q built by `next(cell, value)` (−1: the chart signals).
 * Infinity when the chart cannot signal from there.
 */
function averageRunLength(
  cells: number,
  start: number,
  inputs: DayInputs,
  next: (cell: number, value: number) => number,
): number {
  const m = cells;
  const a = new Float64Array(m * (m + 1));
  for (let i = 0; i < m; i++) {
    a[i * (m + 1) + i] = 1;
    a[i * (m + 1) + m] = 1;
    for (let v = 0; v < inputs.values.length; v++) {
      const j = next(i, inputs.values[v]);
      if (j >= 0) a[i * (m + 1) + j] -= inputs.probs[v];
    }
  }
  // Gaussian elimination; I − Q of a chain that leaves is diagonally dominant enough not to pivot.
  for (let k = 0; k < m; k++) {
    const pivot = a[k * (m + 1) + k];
    if (!(Math.abs(pivot) > 1e-300)) return Number.POSITIVE_INFINITY;
    for (let i = k + 1; i < m; i++) {
      const f = a[i * (m + 1) + k] / pivot;
      if (f === 0) continue;
      for (let j = k; j <= m; j++) a[i * (m + 1) + j] -= f * a[k * (m + 1) + j];
    }
  }
  const x = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let sum = a[i * (m + 1) + m];
    for (let j = i + 1; j < m; j++) sum -= a[i * (m + 1) + j] * x[j];
    x[i] = sum / a[i * (m + 1) + i];
  }
  const arl = x[start];
  return Number.isFinite(arl) && arl > 0 && arl < 1e12 ? arl : Number.POSITIVE_INFINITY;
}

/**
 * The ARL in days of a one-sided EWMA of weight λ from 0, held at 0 from below (so that a good
 * spell does not leave it far below the level, slow to see a rise), that signals above `limit`,
 * on days drawn from `inputs`.
 */
export function ewmaArl(lambda: number, limit: number, inputs: DayInputs, cells = CELLS): number {
  const width = limit / cells;
  return averageRunLength(cells, 0, inputs, (i, u) => {
    if (Number.isNaN(u)) return i;
    const z = chartEwmaStep(i * width, u, lambda);
    if (z > limit) return -1;
    return Math.min(cells - 1, Math.round(z / width));
  });
}

/** The ARL in days of a CUSUM from 0 that signals at `h`, on days whose increments are drawn from `inputs`. */
export function cusumArl(h: number, inputs: DayInputs, cells = CELLS): number {
  const width = h / cells;
  return averageRunLength(cells, 0, inputs, (i, increment) => {
    if (Number.isNaN(increment)) return i;
    const s = cusumStep(i * width, increment);
    if (s >= h) return -1;
    return Math.min(cells - 1, Math.round(s / width));
  });
}

/**
 * The limit whose ARL is `target`, by bisection on the limit (the ARL grows with it). When no
 * limit in [low, high] gives it (even `high` signals too often, or even `low` too seldom: a rise
 * the chart is tuned to may be many standard errors of a busy day), the nearest limit is returned
 * with its ARL.
 */
export function limitFor(
  target: number,
  arlAt: (limit: number) => number,
  low: number,
  high: number,
): { limit: number; arl: number } {
  const atHigh = arlAt(high);
  if (atHigh < target) return { limit: high, arl: atHigh };
  const atLow = arlAt(low);
  if (atLow > target) return { limit: low, arl: atLow };
  let lo = low;
  let hi = high;
  for (let i = 0; i < 40 && hi - lo > 1e-4; i++) {
    const mid = (lo + hi) / 2;
    if (arlAt(mid) < target) lo = mid;
    else hi = mid;
  }
  return { limit: hi, arl: arlAt(hi) };
}

/**
 * Laney's σz (2002): the spread of the baseline's standardised daily departures beyond what their
 * volumes explain, as the mean moving range over d2 = 1.128. 1 when days vary as chance would.
 */
export function laneySigma(departures: readonly number[]): number {
  if (departures.length < 2) return 1;
  let sum = 0;
  for (let i = 1; i < departures.length; i++) sum += Math.abs(departures[i] - departures[i - 1]);
  return sum / (departures.length - 1) / 1.128;
}
