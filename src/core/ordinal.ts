import { type Design, invertSymmetric, linear, sigmoid, solveSymmetric } from './logistic.js';

/*
 * The proportional-odds model of an ordered answer (the 0-10 score), as R's MASS::polr writes it:
 * logit P(Y ≤ k) = ζ_k − xβ, one cut-point per category boundary and one slope per term, so that
 * e^β is the odds ratio of a higher answer. Fitted by Newton's method on the exact information,
 * with an optional ridge penalty on β (never on the cut-points).
 */

export interface OrdinalFit {
  /** Per term (no intercept: the cut-points are the intercepts). */
  readonly coefficients: Float64Array;
  /** ζ_1 < … < ζ_{J−1} for J categories. */
  readonly cuts: Float64Array;
  /** Inverse information of (β, ζ), in that order. */
  readonly covariance: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  readonly deviance: number;
}

const density = (d: number) => {
  const f = sigmoid(d);
  return f * (1 - f);
};

/**
 * Fits the model to `y` (category indexes 0..J−1, each present) on the rows of `design` (no
 * intercept column: the cut-points are the intercepts).
 */
export function fitOrdinal(
  design: Design,
  y: ArrayLike<number>,
  categories: number,
  options: { readonly penalty?: number; readonly maxIterations?: number } = {},
): OrdinalFit {
  const { n, p } = design;
  const { penalty = 0, maxIterations = 100 } = options;
  const q = p + categories - 1;
  // Start at β = 0 and the cut-points of the cumulative shares.
  const theta = new Float64Array(q);
  const counts = new Float64Array(categories);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  let cumulative = 0;
  for (let k = 0; k < categories - 1; k++) {
    cumulative += counts[k];
    const share = cumulative / n;
    theta[p + k] = Math.log(share / (1 - share));
  }
  const objective = (t: Float64Array) => {
    const d = deviance(design, y, categories, t);
    let s = 0;
    for (let j = 0; j < p; j++) s += t[j] * t[j];
    return d + penalty * s;
  };
  let current = objective(theta);
  let iterations = 0;
  let converged = false;
  const info = new Float64Array(q * q);
  const score = new Float64Array(q);
  while (iterations < maxIterations) {
    iterations++;
    derivatives(design, y, categories, theta, penalty, info, score);
    const step = solveSymmetric(info, score, q);
    if (!step) break;
    let scale = 1;
    const next = new Float64Array(q);
    let value = Number.POSITIVE_INFINITY;
    for (let halvings = 0; halvings < 40; halvings++) {
      for (let j = 0; j < q; j++) next[j] = theta[j] + scale * step[j];
      // The cut-points must stay in order: a step that would cross two is halved.
      value = ordered(next, p, categories) ? objective(next) : Number.POSITIVE_INFINITY;
      if (value <= current + 1e-9 * Math.abs(current)) break;
      scale /= 2;
    }
    let change = 0;
    for (let j = 0; j < q; j++) change = Math.max(change, Math.abs(next[j] - theta[j]));
    theta.set(next);
    const relative = Math.abs(value - current) / (Math.abs(value) + 0.1);
    current = value;
    if (change < 1e-10 || relative < 1e-14) {
      converged = true;
      break;
    }
  }
  derivatives(design, y, categories, theta, penalty, info, score);
  return {
    coefficients: theta.slice(0, p),
    cuts: theta.slice(p),
    covariance: invertSymmetric(info, q),
    iterations,
    converged,
    deviance: deviance(design, y, categories, theta),
  };
}

function ordered(theta: Float64Array, p: number, categories: number): boolean {
  for (let k = 1; k < categories - 1; k++) if (!(theta[p + k] > theta[p + k - 1])) return false;
  return true;
}

/** P(Y = k) for a row with predictor eta. */
function chance(theta: Float64Array, p: number, categories: number, k: number, eta: number): number {
  const upper = k < categories - 1 ? sigmoid(theta[p + k] - eta) : 1;
  const lower = k > 0 ? sigmoid(theta[p + k - 1] - eta) : 0;
  return upper - lower;
}

function deviance(design: Design, y: ArrayLike<number>, categories: number, theta: Float64Array): number {
  let d = 0;
  for (let i = 0; i < design.n; i++)
    d -= 2 * Math.log(chance(theta, design.p, categories, y[i], linear(design, i, theta)));
  return d;
}

/**
 * The information (minus the Hessian of the penalised log-likelihood) and the score at θ. Each
 * row's log P = log(F(u) − F(v)), u = ζ_k − xβ and v = ζ_{k−1} − xβ, differentiated exactly.
 */
function derivatives(
  design: Design,
  y: ArrayLike<number>,
  categories: number,
  theta: Float64Array,
  penalty: number,
  info: Float64Array,
  score: Float64Array,
): void {
  const { x, n, p } = design;
  const q = p + categories - 1;
  info.fill(0);
  score.fill(0);
  const gu = new Float64Array(q);
  const gv = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    const k = y[i];
    const eta = linear(design, i, theta);
    const hasU = k < categories - 1;
    const hasV = k > 0;
    const u = hasU ? theta[p + k] - eta : Number.POSITIVE_INFINITY;
    const v = hasV ? theta[p + k - 1] - eta : Number.NEGATIVE_INFINITY;
    const fu = hasU ? sigmoid(u) : 1;
    const fv = hasV ? sigmoid(v) : 0;
    const prob = fu - fv;
    const a = hasU ? density(u) : 0;
    const b = hasV ? density(v) : 0;
    // f′ = f (1 − 2F) for the logistic.
    const a1 = hasU ? a * (1 - 2 * fu) : 0;
    const b1 = hasV ? b * (1 - 2 * fv) : 0;
    const lu = a / prob;
    const lv = -b / prob;
    const luu = a1 / prob - lu * lu;
    const lvv = -b1 / prob - lv * lv;
    const luv = -lu * lv;
    // ∂u/∂θ and ∂v/∂θ: −x on β, +1 on their own cut-point.
    gu.fill(0);
    gv.fill(0);
    for (let j = 0; j < p; j++) {
      const xj = x[i * p + j];
      gu[j] = -xj;
      gv[j] = -xj;
    }
    // A missing end (the lowest or highest category) has no cut-point; its terms are 0 (lu or lv is).
    if (hasU) gu[p + k] = 1;
    if (hasV) gv[p + k - 1] = 1;
    for (let r = 0; r < q; r++) {
      score[r] += lu * gu[r] + lv * gv[r];
      for (let c = 0; c <= r; c++)
        info[r * q + c] -= luu * gu[r] * gu[c] + lvv * gv[r] * gv[c] + luv * (gu[r] * gv[c] + gv[r] * gu[c]);
    }
  }
  for (let r = 0; r < q; r++) for (let c = 0; c < r; c++) info[c * q + r] = info[r * q + c];
  for (let j = 0; j < p; j++) {
    info[j * q + j] += penalty;
    score[j] -= penalty * theta[j];
  }
}
