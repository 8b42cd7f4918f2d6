import { normalCdf } from './normal.js';
import { countsOf, newTally, type Tally } from './tally.js';

/*
 * Which operational factors move NPS: numeric drivers (handle time, wait seconds) by quartile band
 * and rank correlation, categorical drivers (channel, first-contact resolution) by a chi-square
 * test of independence with the NPS category.
 */

// ---------------------------------------------------------------------------------------------
// Reading numbers

/**
 * Optional sign, digits with optional space-grouped thousands, optional decimal part after a
 * single dot or comma. Thousands groups may be separated by a space, a no-break space, a thin space or a
 * narrow no-break space (what Swedish, Norwegian, Polish and French spreadsheets write).
 */
const MEASURE = /^([+-]?)(\d{1,3}(?:[ \u00A0\u202F\u2009]\d{3})+|\d*)(?:[.,](\d+))?$/;

/**
 * A number as spreadsheets in our locales write it: "3,5" and "3.5" are both 3.5, " 1 234,5 "
 * (space or no-break-space thousands) is 1234.5, "−2,5" (Unicode minus) is -2.5.
 *
 * A single comma is the decimal separator, because in every locale we serve except English the
 * comma is the decimal mark, so "1,234" is 1.234, never 1234. A string with both a dot and a comma
 * ("1,234.5", "1.234,5") could be either convention and is NaN rather than a guess, as are dot or
 * comma thousands ("1.234.567"), exponents, percent signs, words and empty cells.
 */
export function parseMeasure(raw: string): number {
  const text = raw.trim().replace(/^\u2212/, '-');
  const match = MEASURE.exec(text);
  if (match === null) return NaN;
  const [, sign, whole, fraction] = match;
  if (whole === '' && fraction === undefined) return NaN;
  const digits = whole.replace(/\D/g, '') || '0';
  return Number(`${sign}${digits}.${fraction ?? '0'}`);
}

// ---------------------------------------------------------------------------------------------
// Collecting a numeric driver

const INITIAL_CAPACITY = 1024;

/**
 * Pairs of (driver value, 0-10 score) collected for one numeric driver. Growable typed arrays:
 * 9 bytes per row with a value (a Float64 value and a Uint8 score), doubled as it grows.
 */
export class NumericDriver {
  private valueStore = new Float64Array(INITIAL_CAPACITY);
  private scoreStore = new Uint8Array(INITIAL_CAPACITY);
  private size = 0;

  /** Rows collected so far. */
  get n(): number {
    return this.size;
  }

  /**
   * Collects one row. A row without a value (NaN, as parseMeasure returns for a blank cell) is
   * skipped, because blank driver cells are common and say nothing about the driver.
   */
  add(value: number, score: number): void {
    if (!Number.isInteger(score) || score < 0 || score > 10) throw new RangeError(`score must be an integer 0-10, got ${score}`);
    if (!Number.isFinite(value)) return;
    if (this.size === this.valueStore.length) this.grow();
    this.valueStore[this.size] = value;
    this.scoreStore[this.size] = score;
    this.size += 1;
  }

  /** The driver values in the order added (a view that later adds may detach, not a copy). */
  values(): Float64Array {
    return this.valueStore.subarray(0, this.size);
  }

  /** The 0-10 scores in the order added (a view that later adds may detach, not a copy). */
  scores(): Uint8Array {
    return this.scoreStore.subarray(0, this.size);
  }

  private grow(): void {
    const values = new Float64Array(this.valueStore.length * 2);
    values.set(this.valueStore);
    this.valueStore = values;
    const scores = new Uint8Array(this.scoreStore.length * 2);
    scores.set(this.scoreStore);
    this.scoreStore = scores;
  }
}

// ---------------------------------------------------------------------------------------------
// Quartile bands

/** A range of driver values and the scores given in it. lower and upper are the smallest and largest value in the band. */
export interface Band {
  readonly label: string;
  readonly lower: number;
  readonly upper: number;
  /** Answers per score 0..10. */
  readonly tally: Tally;
}

/** The type-7 quantile of ascending values (R's default, Excel's QUARTILE.INC): linear between order statistics. */
export function quantileOfSorted(sorted: Float64Array, p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const fraction = position - below;
  // Interpolating only when needed keeps a cut exactly equal to a tied value.
  return fraction === 0 ? sorted[below] : sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

/** Which of the four bands a value falls in: the first whose cut is at or above it. */
function bandOf(value: number, cuts: readonly number[]): number {
  let band = 0;
  while (band < cuts.length && value > cuts[band]) band++;
  return band;
}

const formatValue = (value: number): string => String(value);

/** "Q1 (12 - 45)"; a band that also covers emptied quartiles says so ("Q1-Q2 (0)"). */
function bandLabel(firstQuartile: number, lastQuartile: number, lower: number, upper: number): string {
  const quartiles = firstQuartile === lastQuartile ? `Q${firstQuartile}` : `Q${firstQuartile}-Q${lastQuartile}`;
  const range = lower === upper ? formatValue(lower) : `${formatValue(lower)} - ${formatValue(upper)}`;
  return `${quartiles} (${range})`;
}

interface BandBuilder {
  lower: number;
  upper: number;
  readonly tally: Tally;
}

/**
 * Quartile bands Q1..Q4 by the driver's value, cut at the type-7 quartiles. A band holds the
 * values above the previous cut up to and including its own, so values tied at a cut stay
 * together in the lower band. A band left empty by such ties (or by few distinct values) is
 * absorbed by the band below it, which is the one that spilled over, and the label names the
 * quartiles it covers: values [0, 0, 0, 0, 0, 0, 1, 2] give "Q1-Q3 (0)" and "Q4 (1 - 2)".
 * No bands for no values.
 */
export function quartileBands(driver: NumericDriver): Band[] {
  if (driver.n === 0) return [];
  const values = driver.values();
  const scores = driver.scores();
  const sorted = values.slice().sort();
  const cuts = [0.25, 0.5, 0.75].map((p) => quantileOfSorted(sorted, p));
  const builders: BandBuilder[] = [0, 1, 2, 3].map(() => ({ lower: Infinity, upper: -Infinity, tally: newTally() }));
  for (let i = 0; i < values.length; i++) {
    const band = builders[bandOf(values[i], cuts)];
    band.lower = Math.min(band.lower, values[i]);
    band.upper = Math.max(band.upper, values[i]);
    band.tally[scores[i]] += 1;
  }
  // Q1 always holds the smallest value, so every empty band has a non-empty one below it.
  const bands: Band[] = [];
  for (let quartile = 0; quartile < 4; ) {
    let last = quartile;
    while (last + 1 < 4 && builders[last + 1].lower === Infinity) last++;
    const { lower, upper, tally } = builders[quartile];
    bands.push({ label: bandLabel(quartile + 1, last + 1, lower, upper), lower, upper, tally });
    quartile = last + 1;
  }
  return bands;
}

// ---------------------------------------------------------------------------------------------
// Spearman rank correlation

/** Ranks 1..n in input order; tied values share the average of the ranks they span. */
export function averageRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]] === values[order[start]]) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Average ranks of 0-10 scores straight from their counts, with no sort. */
function scoreRanks(scores: Uint8Array): Float64Array {
  const counts = new Float64Array(11);
  for (const s of scores) counts[s] += 1;
  const rankOfScore = new Float64Array(11);
  let below = 0;
  for (let s = 0; s <= 10; s++) {
    rankOfScore[s] = below + (counts[s] + 1) / 2;
    below += counts[s];
  }
  return Float64Array.from(scores, (s) => rankOfScore[s]);
}

/**
 * Spearman's rank correlation between the driver value and the 0-10 score: Pearson's correlation
 * of the average ranks, which is the tie-corrected rho. The two-sided p-value uses
 * t = rho * sqrt((n - 2) / (1 - rho^2)) with n - 2 degrees of freedom. NaN rho and p when n < 3
 * or either side is constant; p = 0 when |rho| = 1.
 */
export function spearman(driver: NumericDriver): { rho: number; n: number; p: number } {
  const n = driver.n;
  if (n < 3) return { rho: NaN, n, p: NaN };
  const x = averageRanks(driver.values());
  const y = scoreRanks(driver.scores());
  // Average ranks always sum to n(n+1)/2, so both means are exactly (n+1)/2.
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mean;
    const dy = y[i] - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return { rho: NaN, n, p: NaN };
  const rho = Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
  return { rho, n, p: correlationPValue(rho, n - 2) };
}

/**
 * Two-sided p of t = rho * sqrt(df / (1 - rho^2)): P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2), and
 * df/(df+t^2) simplifies to 1 - rho^2, so the tail is computed from rho with no cancellation.
 */
function correlationPValue(rho: number, df: number): number {
  if (Math.abs(rho) === 1) return 0;
  return regularizedBeta(df / 2, 0.5, (1 - rho) * (1 + rho), rho * rho);
}

// ---------------------------------------------------------------------------------------------
// Chi-square test of independence

export interface ChiSquareTest {
  readonly statistic: number;
  readonly df: number;
  readonly p: number;
  readonly cramersV: number;
  readonly n: number;
}

/**
 * Chi-square test of independence between a categorical driver's levels (rows) and the NPS
 * categories detractor, passive, promoter (columns), from each level's score tally. Levels and
 * categories with no answers are dropped before counting degrees of freedom, since an empty
 * row or column adds no information. df = (rows - 1)(columns - 1); p is the upper tail of the
 * chi-square distribution; Cramér's V = sqrt(statistic / (n (min(rows, columns) - 1))).
 * p and V are NaN when df = 0 (a single level, or every answer in one category).
 */
export function chiSquareIndependence(levels: ReadonlyMap<string, Tally>): ChiSquareTest {
  const table = [...levels.values()].map((tally) => {
    const c = countsOf(tally);
    return [c.detractors, c.passives, c.promoters];
  });
  const rows = table.map((row) => row.reduce((a, b) => a + b, 0));
  const columns = [0, 1, 2].map((j) => table.reduce((sum, row) => sum + row[j], 0));
  const n = rows.reduce((a, b) => a + b, 0);
  const keptRows = rows.filter((total) => total > 0).length;
  const keptColumns = columns.filter((total) => total > 0).length;
  let statistic = 0;
  table.forEach((row, i) => {
    row.forEach((observed, j) => {
      const expected = (rows[i] * columns[j]) / n;
      if (expected > 0) statistic += (observed - expected) ** 2 / expected;
    });
  });
  const df = keptRows < 2 || keptColumns < 2 ? 0 : (keptRows - 1) * (keptColumns - 1);
  if (df === 0) return { statistic, df, p: NaN, cramersV: NaN, n };
  const cramersV = Math.sqrt(statistic / (n * (Math.min(keptRows, keptColumns) - 1)));
  return { statistic, df, p: chiSquareSurvival(statistic, df), cramersV, n };
}

// ---------------------------------------------------------------------------------------------
// Distributions

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
    return -0.5 * Math.log(large) + HALF_LOG_2PI + correction + (small - 0.5) * Math.log(small / sum) + large * Math.log1p(-small / sum);
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
  return x < (a + 1) / (a + b + 2) ? (prefactor * betaFraction(a, b, x)) / a : 1 - (prefactor * betaFraction(b, a, y)) / b;
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
