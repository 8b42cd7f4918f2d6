import { quantileSorted, sampleCorrelation } from 'simple-statistics';
import { chiSquareSurvival, regularizedBeta } from './distributions.js';
import { entry } from './entry.js';
import { type Fold, recipe } from './fold.js';
import type { Statistics } from './interval.js';
import { bandOf, parseMeasure } from './measure.js';
import { netScore } from './nps.js';
import { estimateShrinkage } from './shrink.js';
import { compareGroups, holm } from './significance.js';
import { countsOf, mergeTallies, newTally, sizeOf, type Tally } from './tally.js';
import { compareText } from './text.js';

/*
 * Which operational factors move NPS: numeric drivers (handle time, wait seconds) by quartile band
 * and rank correlation, categorical drivers (channel, first-contact resolution) by a chi-square
 * test of independence with the NPS category. Drivers are ranked by those tests, whose p-values
 * mean the same whatever the number of levels; the spread between the best and worst level is a
 * description, with an interval that allows for the picking.
 */

/** Per numeric driver its (value, score) pairs; per categorical driver a tally per level. */
export interface DriverState {
  readonly numeric: NumericDriver[];
  /** Per numeric driver: filled cells that are not numbers (times like 00:03:25, "12%"). */
  readonly unreadable: number[];
  readonly categorical: Map<string, Tally>[];
}

/** The drivers' fold: the values of the numeric drivers' roles and the levels of the categorical ones. */
export function driverFold(numericRoles: readonly string[], categoricalRoles: readonly string[]): Fold<DriverState> {
  return {
    empty: () => ({
      numeric: numericRoles.map(() => new NumericDriver()),
      unreadable: numericRoles.map(() => 0),
      categorical: categoricalRoles.map(() => new Map()),
    }),
    add(state, { score, values }) {
      numericRoles.forEach((role, i) => {
        const cell = values[role];
        const value = parseMeasure(cell);
        if (!Number.isNaN(value)) state.numeric[i].add(value, score);
        else if (cell !== '' && !/^(na|n\/a|-)$/i.test(cell)) state.unreadable[i]++;
      });
      categoricalRoles.forEach((role, i) => {
        entry(state.categorical[i], values[role], newTally)[score] += 1;
      });
    },
    merge(into, from) {
      from.unreadable.forEach((n, i) => {
        into.unreadable[i] += n;
      });
      from.numeric.forEach((driver, i) => {
        into.numeric[i].absorb(driver);
      });
      from.categorical.forEach((levels, i) => {
        for (const [level, t] of levels) mergeTallies(entry(into.categorical[i], level, newTally), t);
      });
    },
    recipe: recipe(import.meta.url, 'driverFold', numericRoles, categoricalRoles),
  };
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
    if (!Number.isInteger(score) || score < 0 || score > 10)
      throw new RangeError(`score must be an integer 0-10, got ${score}`);
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

  /**
   * Adds another driver's pairs, in their order: a driver, or its copy from a worker thread (the
   * same fields, without the class).
   */
  absorb(other: NumericDriver): void {
    for (let k = 0; k < other.size; k++) this.add(other.valueStore[k], other.scoreStore[k]);
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

/**
 * A range of driver values and the scores given in it. lower and upper are the smallest and largest
 * value in the band.
 */
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
export const quantileOfSorted = (sorted: Float64Array, p: number): number =>
  quantileSorted(sorted as unknown as readonly number[], p);

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

// ---------------------------------------------------------------------------------------------
// A driver's levels, test and spread

/** A band or level of a driver as reported. */
export interface DriverLevel {
  /** The column's value, or the band's label; undefined for the pool of a categorical driver's small levels. */
  readonly key: string | undefined;
  readonly tally: Tally;
  /** How many of the column's levels it holds: 1, or more for the pool. */
  readonly levels: number;
  /** At least min-n answers: only such levels are tested (categorical drivers) and set the spread. */
  readonly compared: boolean;
  /** Empirical-Bayes NPS in points, pulled towards the driver's overall NPS (shrink.ts). */
  readonly shrunk: number;
}

/** The driver's own test: null-calibrated, so its p can be adjusted and compared across drivers. */
export interface DriverTest {
  readonly name: 'chi-square' | 'Spearman rho';
  /** Chi-square, or rho (signed). */
  readonly statistic: number;
  /** The chi-square's degrees of freedom; NaN for rho. */
  readonly df: number;
  /** NaN when there is nothing to test (one level, constant answers). */
  readonly p: number;
  /** Cramér's V, or |rho|. */
  readonly effectSize: number;
  /** Answers in the test. */
  readonly n: number;
  /** Share of chi-square cells with expected counts below 5 (0 for rho). */
  readonly sparse: number;
}

/**
 * The best compared level's NPS minus the worst's, in points, with an interval simultaneous over
 * every pair of compared levels: each pair's MOVER interval at confidence 1 - alpha / pairs
 * (Bonferroni). The best and worst are picked from the data, so a single pair's interval would
 * exclude 0 far more often than alpha when nothing differs (more so the more levels there are);
 * the simultaneous one covers every pair's difference at once, the picked pair's included.
 */
export interface Spread {
  readonly difference: number;
  readonly lower: number;
  readonly upper: number;
  /** k (k - 1) / 2 for k compared levels. */
  readonly pairs: number;
}

export interface DriverAnalysis {
  readonly type: 'numeric' | 'categorical';
  /** Categorical: the levels in text order, the pool last; numeric: the bands in order. */
  readonly levels: readonly DriverLevel[];
  readonly test: DriverTest;
  /** Undefined with fewer than two compared levels. */
  readonly spread: Spread | undefined;
}

/** Whether a band or level has enough answers to be compared. */
const enough = (t: Tally, minN: number) => sizeOf(countsOf(t)) >= minN;

/**
 * A categorical driver: the levels with fewer than `minN` answers pooled into one (so that none of
 * them sets the spread alone; pooling by size alone, never by the answers, keeps the test exact
 * under no effect), the chi-square test of independence between the compared levels and the NPS
 * categories, and the spread between them. A pool that still has fewer than `minN` answers is
 * listed but neither tested nor compared.
 */
export function analyseCategorical(
  columnLevels: ReadonlyMap<string, Tally>,
  minN: number,
  stats: Statistics,
): DriverAnalysis {
  const own: { key: string | undefined; tally: Tally; levels: number }[] = [];
  const pool = newTally();
  let pooled = 0;
  for (const key of [...columnLevels.keys()].sort(compareText)) {
    const tally = columnLevels.get(key)!;
    if (enough(tally, minN)) own.push({ key, tally, levels: 1 });
    else {
      mergeTallies(pool, tally);
      pooled++;
    }
  }
  if (pooled > 0) own.push({ key: undefined, tally: pool, levels: pooled });
  const levels = withShrinkage(own, minN);
  const compared = levels.filter((l) => l.compared).map((l) => l.tally);
  const chi = chiSquareIndependence(new Map(compared.map((t, i) => [String(i), t])));
  return {
    type: 'categorical',
    levels,
    test: {
      name: 'chi-square',
      statistic: chi.statistic,
      df: chi.df,
      p: chi.p,
      effectSize: chi.cramersV,
      n: chi.n,
      sparse: chi.sparse,
    },
    spread: spreadOf(compared, stats),
  };
}

/**
 * A numeric driver: its quartile bands, Spearman's rho over every row with a value, and the spread
 * between the bands with at least `minN` answers.
 */
export function analyseNumeric(driver: NumericDriver, minN: number, stats: Statistics): DriverAnalysis {
  const { rho, n, p } = spearman(driver);
  const levels = withShrinkage(
    quartileBands(driver).map((band) => ({ key: band.label, tally: band.tally, levels: 1 })),
    minN,
  );
  return {
    type: 'numeric',
    levels,
    test: { name: 'Spearman rho', statistic: rho, df: NaN, p, effectSize: Math.abs(rho), n, sparse: 0 },
    spread: spreadOf(
      levels.filter((l) => l.compared).map((l) => l.tally),
      stats,
    ),
  };
}

/** Each level with its shrunk NPS, pulled towards the driver's overall NPS by how much its levels differ. */
function withShrinkage(
  levels: readonly { key: string | undefined; tally: Tally; levels: number }[],
  minN: number,
): DriverLevel[] {
  const total = newTally();
  for (const l of levels) mergeTallies(total, l.tally);
  const shrinkage = estimateShrinkage(
    levels.map((l) => countsOf(l.tally)),
    countsOf(total),
  );
  return levels.map((l) => ({
    ...l,
    compared: enough(l.tally, minN),
    shrunk: 100 * shrinkage.shrink(countsOf(l.tally)),
  }));
}

/** The spread between the best and the worst of `tallies` (see Spread); undefined with fewer than two. */
export function spreadOf(tallies: readonly Tally[], stats: Statistics): Spread | undefined {
  if (tallies.length < 2) return undefined;
  const scored = tallies.map((t) => ({ counts: countsOf(t), nps: netScore(countsOf(t)) }));
  const best = scored.reduce((a, b) => (b.nps > a.nps ? b : a));
  const worst = scored.reduce((a, b) => (b.nps < a.nps ? b : a));
  const pairs = (tallies.length * (tallies.length - 1)) / 2;
  const d = compareGroups(best.counts, worst.counts, { ...stats, confidence: 1 - (1 - stats.confidence) / pairs });
  return { difference: 100 * d.difference, lower: 100 * d.lower, upper: 100 * d.upper, pairs };
}

/**
 * Drivers in the order of the evidence that they matter: by their tests' p-values, Holm-adjusted
 * across the drivers (the same order as the raw p-values, which break the adjustment's ties), then
 * by effect size; untested drivers last. Never by the spread, which grows with the number of levels
 * even when nothing differs.
 */
export function rankDrivers<T extends { readonly test: DriverTest }>(
  drivers: readonly T[],
): { driver: T; pAdjusted: number }[] {
  const adjusted = holm(drivers.map((d) => d.test.p));
  const last = (x: number) => (Number.isNaN(x) ? Infinity : x);
  return drivers
    .map((driver, i) => ({ driver, pAdjusted: adjusted[i] }))
    .sort(
      (a, b) =>
        last(a.pAdjusted) - last(b.pAdjusted) ||
        last(a.driver.test.p) - last(b.driver.test.p) ||
        last(-a.driver.test.effectSize) - last(-b.driver.test.effectSize),
    );
}
