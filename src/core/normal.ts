/**
 * The standard normal quantile (Wichura 1988, algorithm AS 241, accurate to about 16 digits).
 * Intervals use the exact quantile, never a rounded 1.96.
 */

const A = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457,
  67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const B = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061,
  28729.085735721942674, 5226.495278852854561,
];
const C = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258,
  0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const D = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const E = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093,
  0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const F = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
];

function poly(coefficients: readonly number[], x: number): number {
  let sum = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) sum = sum * x + coefficients[i];
  return sum;
}

/** x such that P(Z <= x) = p. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * poly(A, r)) / poly(B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = poly(C, r) / poly(D, r);
  } else {
    r -= 5;
    x = poly(E, r) / poly(F, r);
  }
  return q < 0 ? -x : x;
}

/** The two-sided critical value for a confidence level, e.g. 1.959963984540054 at 0.95. */
export const criticalValue = (confidence: number): number => normalQuantile(1 - (1 - confidence) / 2);

/*
 * The standard normal distribution function (W. J. Cody, ANORM from "Algorithm 715: SPECFUN",
 * ACM TOMS 19(1), 1993; rational Chebyshev approximations accurate to about 18 significant digits).
 * Tails are computed directly, never as 1 - Φ, so tiny p-values keep their relative precision.
 */

// |x| <= 0.66291: Φ(x) = 1/2 + x · P(x²)/Q(x²).
const CENTRAL_NUMERATOR = [
  2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113,
];
const CENTRAL_DENOMINATOR = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];

// 0.66291 < |x| <= sqrt(32): Φ(-|x|) = exp(-x²/2) · P(|x|)/Q(|x|).
const MIDDLE_NUMERATOR = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const MIDDLE_DENOMINATOR = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];

// |x| > sqrt(32): Φ(-|x|) = exp(-x²/2) / |x| · (1/sqrt(2π) - x⁻² P(x⁻²)/Q(x⁻²)).
const FAR_NUMERATOR = [
  0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5,
  0.02307344176494017303,
];
const FAR_DENOMINATOR = [
  1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5,
];

const CENTRAL_LIMIT = 0.66291;
const MIDDLE_LIMIT = Math.sqrt(32);
/** Beyond this |x| the tail underflows to zero. */
const UNDERFLOW_LIMIT = 37.5193;
const INV_SQRT_2PI = 0.39894228040143267794;

/** Cody's nested evaluation: the last coefficient leads the numerator, the denominator is monic. */
function codyRatio(numerator: readonly number[], denominator: readonly number[], t: number): number {
  const steps = denominator.length - 1;
  let num = numerator[numerator.length - 1] * t;
  let den = t;
  for (let i = 0; i < steps; i++) {
    num = (num + numerator[i]) * t;
    den = (den + denominator[i]) * t;
  }
  return (num + numerator[steps]) / (den + denominator[steps]);
}

/**
 * exp(-y²/2) without the rounding error of squaring y: y is split into a part with few bits,
 * whose square is exact, and a small remainder.
 */
function gaussianFactor(y: number): number {
  const head = Math.trunc(y * 16) / 16;
  const rest = (y - head) * (y + head);
  return Math.exp(-head * head * 0.5) * Math.exp(-rest * 0.5);
}

/** Φ(-y) for y > CENTRAL_LIMIT. */
function lowerTail(y: number): number {
  if (y <= MIDDLE_LIMIT) return gaussianFactor(y) * codyRatio(MIDDLE_NUMERATOR, MIDDLE_DENOMINATOR, y);
  if (y >= UNDERFLOW_LIMIT) return 0;
  const inverseSquare = 1 / (y * y);
  const correction = inverseSquare * codyRatio(FAR_NUMERATOR, FAR_DENOMINATOR, inverseSquare);
  return (gaussianFactor(y) * (INV_SQRT_2PI - correction)) / y;
}

/** The two-sided p of a z statistic: P(|Z| >= |z|). */
export const twoSidedP = (z: number): number => 2 * normalCdf(-Math.abs(z));

/** P(Z <= x) for a standard normal Z. */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= CENTRAL_LIMIT) return 0.5 + x * codyRatio(CENTRAL_NUMERATOR, CENTRAL_DENOMINATOR, x * x);
  const tail = lowerTail(y);
  return x < 0 ? tail : 1 - tail;
}
