/*
 * Logistic regression by Newton's method (IRLS), with an optional ridge (L2) penalty and case
 * weights: the model behind expected NPS. Unpenalised, it is R's glm(family = binomial): the same
 * coefficients, and standard errors from the inverse information. Deterministic: the same rows give
 * the same bits.
 */

/** The rows of a model: `x` row-major, n × p, its first column 1 (the intercept). */
export interface Design {
  readonly x: Float64Array;
  readonly n: number;
  readonly p: number;
}

export interface LogisticFit {
  readonly coefficients: Float64Array;
  /** Inverse of the (penalised) information at the estimate: the covariance when λ = 0. */
  readonly covariance: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** −2 log-likelihood (penalty not included). */
  readonly deviance: number;
}

interface LogisticOptions {
  /** Case weights (1 when absent). */
  readonly weights?: Float64Array;
  /** A known part of the linear predictor per row (calibration-in-the-large). */
  readonly offset?: Float64Array;
  /** The ridge penalty λ: −λ/2 Σ β_j², the intercept (column 0) left free. */
  readonly penalty?: number;
  readonly maxIterations?: number;
}

const TOLERANCE = 1e-12;

/** Fits P(y = 1) = 1 / (1 + e^−(xβ + offset)), y in {0, 1}. */
export function fitLogistic(design: Design, y: ArrayLike<number>, options: LogisticOptions = {}): LogisticFit {
  const { p } = design;
  const { weights, offset, penalty = 0, maxIterations = 60 } = options;
  const beta = new Float64Array(p);
  const info = new Float64Array(p * p);
  const score = new Float64Array(p);
  let deviance = devianceAt(design, y, beta, weights, offset);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    information(design, y, beta, weights, offset, penalty, info, score);
    const step = solveSymmetric(info, score, p);
    if (!step) break;
    // Step halving keeps every iteration downhill, as glm does when the deviance rises.
    let scale = 1;
    let next = new Float64Array(p);
    let nextDeviance = Number.POSITIVE_INFINITY;
    const objective = (b: Float64Array, d: number) => d + penalty * sumSquares(b);
    const before = objective(beta, deviance);
    for (let halvings = 0; halvings < 30; halvings++) {
      for (let j = 0; j < p; j++) next[j] = beta[j] + scale * step[j];
      nextDeviance = devianceAt(design, y, next, weights, offset);
      if (objective(next, nextDeviance) <= before + 1e-9 * Math.abs(before)) break;
      scale /= 2;
    }
    let change = 0;
    for (let j = 0; j < p; j++) change = Math.max(change, Math.abs(next[j] - beta[j]));
    beta.set(next);
    const relative = Math.abs(nextDeviance - deviance) / (Math.abs(nextDeviance) + 0.1);
    deviance = nextDeviance;
    next = new Float64Array(p);
    if (change < 1e-10 || relative < TOLERANCE) {
      converged = true;
      break;
    }
  }
  information(design, y, beta, weights, offset, penalty, info, score);
  return { coefficients: beta, covariance: invertSymmetric(info, p), iterations, converged, deviance };
}

/** The fitted probability of each row. */
export function predict(design: Design, beta: ArrayLike<number>, offset?: Float64Array): Float64Array {
  const out = new Float64Array(design.n);
  for (let i = 0; i < design.n; i++) out[i] = sigmoid(linear(design, i, beta) + (offset ? offset[i] : 0));
  return out;
}

export const sigmoid = (eta: number): number =>
  eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
export const logit = (p: number): number => Math.log(p / (1 - p));

/** Row i's linear predictor: the sum of its columns times `beta`'s first p entries. */
export function linear(design: Design, i: number, beta: ArrayLike<number>): number {
  let eta = 0;
  const row = i * design.p;
  for (let j = 0; j < design.p; j++) eta += design.x[row + j] * beta[j];
  return eta;
}

const sumSquares = (b: Float64Array): number => {
  let s = 0;
  for (let j = 1; j < b.length; j++) s += b[j] * b[j];
  return s;
};

function devianceAt(
  design: Design,
  y: ArrayLike<number>,
  beta: ArrayLike<number>,
  weights: Float64Array | undefined,
  offset: Float64Array | undefined,
): number {
  let d = 0;
  for (let i = 0; i < design.n; i++) {
    const eta = linear(design, i, beta) + (offset ? offset[i] : 0);
    // log(1 + e^η) without overflow.
    const softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
    d += 2 * (weights ? weights[i] : 1) * (softplus - y[i] * eta);
  }
  return d;
}

/** The penalised information X'WX + λI (intercept free) into `info`, and the score X'(y − μ) − λβ into `score`. */
function information(
  design: Design,
  y: ArrayLike<number>,
  beta: Float64Array,
  weights: Float64Array | undefined,
  offset: Float64Array | undefined,
  penalty: number,
  info: Float64Array,
  score: Float64Array,
): void {
  const { x, n, p } = design;
  info.fill(0);
  score.fill(0);
  for (let i = 0; i < n; i++) {
    const mu = sigmoid(linear(design, i, beta) + (offset ? offset[i] : 0));
    const w = weights ? weights[i] : 1;
    const v = w * mu * (1 - mu);
    const r = w * (y[i] - mu);
    const row = i * p;
    for (let j = 0; j < p; j++) {
      const xj = x[row + j];
      if (xj === 0) continue;
      score[j] += xj * r;
      const vj = v * xj;
      for (let k = 0; k <= j; k++) info[j * p + k] += vj * x[row + k];
    }
  }
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) info[k * p + j] = info[j * p + k];
  for (let j = 1; j < p; j++) {
    info[j * p + j] += penalty;
    score[j] -= penalty * beta[j];
  }
}

/** The Cholesky factor L (lower, row-major) of a symmetric positive definite matrix, or undefined. */
function cholesky(a: Float64Array, p: number): Float64Array | undefined {
  const l = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let d = a[j * p + j];
    for (let k = 0; k < j; k++) d -= l[j * p + k] * l[j * p + k];
    if (!(d > 1e-300)) return undefined;
    const root = Math.sqrt(d);
    l[j * p + j] = root;
    for (let i = j + 1; i < p; i++) {
      let s = a[i * p + j];
      for (let k = 0; k < j; k++) s -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = s / root;
    }
  }
  return l;
}

/** Solves A s = b for symmetric positive definite A; undefined when A is singular. */
export function solveSymmetric(a: Float64Array, b: Float64Array, p: number): Float64Array | undefined {
  const l = cholesky(a, p);
  if (!l) return undefined;
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * p + k] * z[k];
    z[i] = s / l[i * p + i];
  }
  const s = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let t = z[i];
    for (let k = i + 1; k < p; k++) t -= l[k * p + i] * s[k];
    s[i] = t / l[i * p + i];
  }
  return s;
}

/** The inverse of a symmetric positive definite matrix (NaN throughout when singular). */
export function invertSymmetric(a: Float64Array, p: number): Float64Array {
  const inverse = new Float64Array(p * p);
  const unit = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    unit.fill(0);
    unit[j] = 1;
    const column = solveSymmetric(a, unit, p);
    if (!column) return inverse.fill(Number.NaN);
    for (let i = 0; i < p; i++) inverse[i * p + j] = column[i];
  }
  return inverse;
}
