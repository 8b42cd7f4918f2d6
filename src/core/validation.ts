import { fitLogistic, logit } from './logistic.js';
import { criticalValue } from './normal.js';

/*
 * How good a model's probabilities are on answers it did not see: discrimination (AUC with
 * DeLong's interval, as R's pROC computes it), accuracy (Brier score, and its skill against a
 * simpler forecast), and calibration (intercept and slope, and observed against predicted by decile).
 */

export interface Auc {
  readonly auc: number;
  readonly lower: number;
  readonly upper: number;
  /** DeLong's variance of the AUC. */
  readonly variance: number;
}

/**
 * The AUC of `p` for y = 1 against y = 0 (higher p for y = 1; ties count half) with DeLong's
 * interval: AUC ± z √(S10/m + S01/n) from the placement values, clamped to 0..1 (pROC's ci.auc).
 */
export function aucDeLong(p: ArrayLike<number>, y: ArrayLike<number>, confidence: number): Auc {
  const cases: number[] = [];
  const controls: number[] = [];
  for (let i = 0; i < p.length; i++) (y[i] === 1 ? cases : controls).push(p[i]);
  const m = cases.length;
  const n = controls.length;
  if (m < 2 || n < 2) return { auc: Number.NaN, lower: Number.NaN, upper: Number.NaN, variance: Number.NaN };
  const sortedControls = Float64Array.from(controls).sort();
  const sortedCases = Float64Array.from(cases).sort();
  // A case's placement: the share of controls below it (ties half); a control's: the share of cases above it.
  const caseV = cases.map((v) => (below(sortedControls, v) + 0.5 * ties(sortedControls, v)) / n);
  const controlV = controls.map((v) => (m - count(sortedCases, v) + 0.5 * ties(sortedCases, v)) / m);
  let theta = 0;
  for (const v of caseV) theta += v;
  theta /= m;
  const spread = (values: number[]) => {
    let s = 0;
    for (const v of values) s += (v - theta) ** 2;
    return s / (values.length - 1);
  };
  const variance = spread(caseV) / m + spread(controlV) / n;
  const z = criticalValue(confidence);
  const half = z * Math.sqrt(variance);
  return { auc: theta, lower: Math.max(0, theta - half), upper: Math.min(1, theta + half), variance };
}

/** How many sorted values are below v. */
function below(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many sorted values are at most v. */
function count(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const ties = (sorted: Float64Array, v: number): number => count(sorted, v) - below(sorted, v);

/** The mean squared difference between the probability and the outcome (0 is perfect). */
export function brier(p: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - y[i]) ** 2;
  return s / p.length;
}

/** 1 − B/B_reference: the share of the reference forecast's Brier score the model removes (≤ 0: no better). */
export const brierSkill = (model: number, reference: number): number => 1 - model / reference;

export interface Calibration {
  /** Calibration-in-the-large: the intercept of y on an offset logit(p); 0 when right on average. */
  readonly intercept: number;
  readonly interceptInterval: readonly [number, number];
  /** The slope of y on logit(p): 1 when the spread is right, below 1 when the model is overconfident. */
  readonly slope: number;
  readonly slopeInterval: readonly [number, number];
}

/** Calibration intercept and slope of probabilities `p` for outcomes `y`, each with its Wald interval. */
export function calibration(p: ArrayLike<number>, y: ArrayLike<number>, confidence: number): Calibration {
  const n = p.length;
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) eta[i] = logit(Math.min(Math.max(p[i], 1e-12), 1 - 1e-12));
  const z = criticalValue(confidence);
  const ones = new Float64Array(n).fill(1);
  const large = fitLogistic({ x: ones, n, p: 1 }, y, { offset: eta });
  const both = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    both[2 * i] = 1;
    both[2 * i + 1] = eta[i];
  }
  const spread = fitLogistic({ x: both, n, p: 2 }, y);
  const a = large.coefficients[0];
  const aSe = Math.sqrt(large.covariance[0]);
  const b = spread.coefficients[1];
  const bSe = Math.sqrt(spread.covariance[3]);
  return {
    intercept: a,
    interceptInterval: [a - z * aSe, a + z * aSe],
    slope: b,
    slopeInterval: [b - z * bSe, b + z * bSe],
  };
}

export interface Decile {
  readonly decile: number;
  readonly n: number;
  readonly predicted: number;
  readonly observed: number;
}

/** Rows sorted by p and cut into ten groups of (nearly) equal size: mean predicted against observed share. */
export function deciles(p: ArrayLike<number>, y: ArrayLike<number>): Decile[] {
  const order = Array.from({ length: p.length }, (_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  const out: Decile[] = [];
  for (let d = 0; d < 10; d++) {
    const from = Math.floor((d * order.length) / 10);
    const to = Math.floor(((d + 1) * order.length) / 10);
    if (to <= from) continue;
    let predicted = 0;
    let observed = 0;
    for (let k = from; k < to; k++) {
      predicted += p[order[k]];
      observed += y[order[k]];
    }
    out.push({ decile: d + 1, n: to - from, predicted: predicted / (to - from), observed: observed / (to - from) });
  }
  return out;
}
