import { normalCdf } from './normal.js';

/*
 * Tails of the gamma, chi-square, beta and Student t distributions, for the driver tests: our own,
 * because simple-statistics' chi-square and t functions are table look-ups at a few fixed levels.
 */

/** Relative accuracy at which the series and continued fractions stop. */
const EPSILON = 1e-15;
/** Guards the continued fractions' divisions (Lentz's method) against a zero denominator. */
const TINY = 1e-300;
/** Enough for shape parameters in the millions; the loops stop long before in practice. */
const MAX_ITERATIONS = 100_000;

/** Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients; about 15 significant digits). */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.91893853320467274178;

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  // Reflection keeps the approximation in the range where it is accurate.
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** From here on Stirling's series converges to double precision within eight terms. */
const STIRLING_THRESHOLD = 10;
/** B_2k / (2k (2k - 1)) for k = 1..8. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/** ln Γ(x) - ((x - 1/2) ln x - x + ln sqrt(2π)) for x >= STIRLING_THRESHOLD. */
function stirlingCorrection(x: number): number {
  const inverseSquare = 1 / (x * x);
  let sum = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) sum = sum * inverseSquare + STIRLING[k];
  return sum / x;
}

/**
 * ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b). For large arguments the three log-gammas are huge
 * and nearly cancel, so their Stirling forms are combined first and only the corrections added
 * (as in R's lbeta).
 */
function logBeta(a: number, b: number): number {
  const small = Math.min(a, b);
  const large = Math.max(a, b);
  const sum = a + b;
  if (small >= STIRLING_THRESHOLD) {
    const correction = stirlingCorrection(small) + stirlingCorrection(large) - stirlingCorrection(sum);
    return (
      -0.5 * Math.log(large) +
      HALF_LOG_2PI +
      correction +
      (small - 0.5) * Math.log(small / sum) +
      large * Math.log1p(-small / sum)
    );
  }
  if (large >= STIRLING_THRESHOLD) {
    const correction = stirlingCorrection(large) - stirlingCorrection(sum);
    return logGamma(small) + correction + small - small * Math.log(sum) + (large - 0.5) * Math.log1p(-small / sum);
  }
  return logGamma(small) + logGamma(large) - logGamma(sum);
}

/**
 * x^a e^-x / Γ(a), the factor shared by the series and the continued fraction. For large a it is
 * written as sqrt(a / 2π) exp(a (ln(1 + d) - d) - correction) with d = (x - a) / a, so that no
 * huge logarithms cancel.
 */
function gammaPrefactor(a: number, x: number): number {
  if (a < STIRLING_THRESHOLD) return Math.exp(a * Math.log(x) - x - logGamma(a));
  const d = (x - a) / a;
  return Math.sqrt(a / (2 * Math.PI)) * Math.exp(a * (Math.log1p(d) - d) - stirlingCorrection(a));
}

/** P(a, x) by its power series, which converges quickly for x < a + 1. */
function lowerGammaSeries(a: number, x: number): number {
  let denominator = a;
  let term = 1 / a;
  let sum = term;
  for (let i = 0; i < MAX_ITERATIONS && Math.abs(term) > Math.abs(sum) * EPSILON; i++) {
    denominator += 1;
    term *= x / denominator;
    sum += term;
  }
  return sum * gammaPrefactor(a, x);
}

/** Q(a, x) by its continued fraction (modified Lentz), which converges quickly for x >= a + 1. */
function upperGammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h * gammaPrefactor(a, x);
}

/** The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a). */
export function regularizedGammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a <= 0) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  // Below a + 1, Q is not small (above 0.08 for a >= 1/2), so 1 - P costs at most a digit; above
  // it the fraction gives Q itself, so tiny p-values keep their relative precision.
  return x < a + 1 ? 1 - lowerGammaSeries(a, x) : upperGammaFraction(a, x);
}

/** P(X > x) for X chi-square with df degrees of freedom: Q(df/2, x/2). */
export function chiSquareSurvival(x: number, df: number): number {
  return regularizedGammaQ(df / 2, x / 2);
}

/** The continued fraction of I_x(a, b) (modified Lentz), converging for x < (a + 1)/(a + b + 2). */
function betaFraction(a: number, b: number, x: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    const even = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + even * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + even / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + odd * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + odd / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/**
 * The regularized incomplete beta function I_x(a, b). The caller passes y = 1 - x as well, so a
 * complement that would cancel in 1 - x (x close to 1) keeps its digits. About 1e-14 relative
 * for a, b up to 1e3; with a huge a and x near 1 the fraction's first terms cancel, leaving about
 * 1e-11 at a = 5e5 (a t with a million degrees of freedom), far below what a p-value needs.
 */
export function regularizedBeta(a: number, b: number, x: number, y: number = 1 - x): number {
  if ([a, b, x, y].some(Number.isNaN) || a <= 0 || b <= 0 || x < 0 || y < 0) return NaN;
  if (x === 0) return 0;
  if (y === 0) return 1;
  // ln x from y when x is near 1 (and the other way round): a large a multiplies any rounding in x.
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  const prefactor = Math.exp(a * logX + b * logY - logBeta(a, b));
  // The fraction converges fast only left of the mean; the right side uses I_x(a, b) = 1 - I_y(b, a).
  return x < (a + 1) / (a + b + 2)
    ? (prefactor * betaFraction(a, b, x)) / a
    : 1 - (prefactor * betaFraction(b, a, y)) / b;
}

/** P(T <= t) for Student's t with df degrees of freedom, via P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return NaN;
  if (df === Infinity) return normalCdf(t);
  if (t === 0) return 0.5;
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const t2 = t * t;
  // Written so that a t^2 beyond the largest double still gives x = 0, y = 1.
  const tail = regularizedBeta(df / 2, 0.5, df / (df + t2), 1 / (1 + df / t2)) / 2;
  return t > 0 ? 1 - tail : tail;
}
