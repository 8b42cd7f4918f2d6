import { quantileSorted, sampleCorrelation } from 'simple-statistics';
import { chiSquareSurvival, regularizedBeta } from './distributions.js';
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

/**
 * The type-7 quantile of ascending values (R's default, Excel's QUARTILE.INC), by simple-statistics.
 * It reads only indexes and the length, so a typed array serves as it is (no copy of a million values).
 */
export const quantileOfSorted = (sorted: Float64Array, p: number): number => quantileSorted(sorted as unknown as readonly number[], p);

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
  // Constant ranks on either side make the correlation 0/0: NaN, reported as "no test".
  const r = sampleCorrelation(x as unknown as readonly number[], y as unknown as readonly number[]);
  if (!Number.isFinite(r)) return { rho: NaN, n, p: NaN };
  const rho = Math.max(-1, Math.min(1, r));
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
  /** Share of the cells kept whose expected count is below 5: past 20% the p-value is rough. */
  readonly sparse: number;
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
  let small = 0;
  table.forEach((row, i) => {
    row.forEach((observed, j) => {
      const expected = (rows[i] * columns[j]) / n;
      if (expected > 0) statistic += (observed - expected) ** 2 / expected;
      if (rows[i] > 0 && columns[j] > 0 && expected < 5) small++;
    });
  });
  const sparse = keptRows * keptColumns === 0 ? NaN : small / (keptRows * keptColumns);
  const df = keptRows < 2 || keptColumns < 2 ? 0 : (keptRows - 1) * (keptColumns - 1);
  if (df === 0) return { statistic, df, p: NaN, cramersV: NaN, n, sparse };
  const cramersV = Math.sqrt(statistic / (n * (Math.min(keptRows, keptColumns) - 1)));
  return { statistic, df, p: chiSquareSurvival(statistic, df), cramersV, n, sparse };
}
