import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, studentTCdf } from '../../src/core/distributions.js';
import {
  analyseCategorical,
  analyseNumeric,
  chiSquareIndependence,
  type DriverTest,
  NumericDriver,
  quantileOfSorted,
  quartileBands,
  rankDrivers,
  spearman,
  spreadOf,
} from '../../src/core/drivers.js';
import { interval } from '../../src/core/interval.js';
import { parseMeasure } from '../../src/core/measure.js';
import { countsOf, newTally, type Tally } from '../../src/core/tally.js';

/** |actual - expected| within `tolerance` relative to the expected value. */
function expectRelativelyClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

function driverOf(values: readonly number[], scores: readonly number[]): NumericDriver {
  const driver = new NumericDriver();
  values.forEach((value, i) => {
    driver.add(value, scores[i]);
  });
  return driver;
}

/** A tally with detractors at 3, passives at 8 and promoters at 9 (any score of the category would do). */
function tallyOf(detractors: number, passives: number, promoters: number): Tally {
  const t = newTally();
  t[3] = detractors;
  t[8] = passives;
  t[9] = promoters;
  return t;
}

describe('parseMeasure', () => {
  it.each([
    ['3,5', 3.5],
    ['3.5', 3.5],
    ['42', 42],
    ['0,05', 0.05],
    [',5', 0.5],
    [' 1 234,5 ', 1234.5],
    ['1\u00A0234,5', 1234.5],
    ['1\u202F234 567,25', 1234567.25],
    ['1 234.5', 1234.5],
    ['1,234', 1.234], // a single comma is a decimal comma in our locales
    ['-2,5', -2.5],
    ['\u22122,5', -2.5],
    ['+7', 7],
  ])('reads %j as %d', (raw, expected) => {
    expect(parseMeasure(raw)).toBe(expected);
  });

  it.each([
    [''],
    ['   '],
    ['1,234.5'],
    ['1.234,5'],
    ['1.234.567'],
    ['1,2,3'],
    ['12 34'],
    ['1 2345'],
    ['3,'],
    ['-'],
    ['1e3'],
    ['12%'],
    ['0x10'],
    ['Infinity'],
    ['n/a'],
  ])('gives NaN for %j', (raw) => {
    expect(parseMeasure(raw)).toBeNaN();
  });
});

describe('NumericDriver', () => {
  it('skips rows without a value and keeps the rest in order', () => {
    const driver = driverOf([12, NaN, 3.5, Infinity], [9, 10, 0, 7]);
    expect(driver.n).toBe(2);
    expect(Array.from(driver.values())).toEqual([12, 3.5]);
    expect(Array.from(driver.scores())).toEqual([9, 0]);
  });

  it.each([[-1], [11], [7.5], [NaN]])('rejects the score %d', (score) => {
    expect(() => new NumericDriver().add(1, score)).toThrow(RangeError);
  });

  it('grows past its initial capacity without losing rows', () => {
    const driver = new NumericDriver();
    for (let i = 0; i < 5000; i++) driver.add(i, i % 11);
    expect(driver.n).toBe(5000);
    expect(driver.values()[4999]).toBe(4999);
    expect(driver.scores()[4999]).toBe(4999 % 11);
    expect(driver.values()[0]).toBe(0);
  });
});

describe('type-7 quantiles', () => {
  // R: quantile(1:8) gives 2.75, 4.5, 6.25; Excel: QUARTILE.INC({1,2,3,4}, 1) = 1.75.
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8], 0.25, 2.75],
    [[1, 2, 3, 4, 5, 6, 7, 8], 0.5, 4.5],
    [[1, 2, 3, 4, 5, 6, 7, 8], 0.75, 6.25],
    [[1, 2, 3, 4], 0.25, 1.75],
    [[7], 0.5, 7],
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 1, 4],
  ])('of %j at %d is %d', (values, p, expected) => {
    expect(quantileOfSorted(Float64Array.from(values), p)).toBe(expected);
  });
});

describe('quartileBands', () => {
  const scoreTally = (scores: readonly number[]) => {
    const t = newTally();
    for (const s of scores) t[s] += 1;
    return Array.from(t);
  };

  it.each([
    {
      name: '1..8: two values per quartile (cuts 2.75, 4.5, 6.25)',
      values: [8, 1, 7, 2, 6, 3, 5, 4],
      scores: [10, 0, 9, 2, 8, 3, 7, 4],
      expected: [
        { label: 'Q1 (1 - 2)', lower: 1, upper: 2, scores: [0, 2] },
        { label: 'Q2 (3 - 4)', lower: 3, upper: 4, scores: [3, 4] },
        { label: 'Q3 (5 - 6)', lower: 5, upper: 6, scores: [7, 8] },
        { label: 'Q4 (7 - 8)', lower: 7, upper: 8, scores: [9, 10] },
      ],
    },
    {
      name: 'ties at a cut stay together in the lower band (cuts 2.75, 3, 3.25)',
      values: [1, 2, 3, 3, 3, 3, 4, 5],
      scores: [1, 2, 3, 4, 5, 6, 7, 8],
      expected: [
        { label: 'Q1 (1 - 2)', lower: 1, upper: 2, scores: [1, 2] },
        { label: 'Q2-Q3 (3)', lower: 3, upper: 3, scores: [3, 4, 5, 6] },
        { label: 'Q4 (4 - 5)', lower: 4, upper: 5, scores: [7, 8] },
      ],
    },
    {
      name: 'heavy ties: six zeros fill three quartiles (cuts 0, 0, 0)',
      values: [0, 0, 0, 0, 0, 0, 1, 2],
      scores: [9, 9, 9, 9, 10, 10, 0, 1],
      expected: [
        { label: 'Q1-Q3 (0)', lower: 0, upper: 0, scores: [9, 9, 9, 9, 10, 10] },
        { label: 'Q4 (1 - 2)', lower: 1, upper: 2, scores: [0, 1] },
      ],
    },
    {
      name: 'two distinct values give two bands (cuts 10, 15, 20)',
      values: [10, 20, 10, 20, 10, 20],
      scores: [6, 9, 6, 9, 6, 10],
      expected: [
        { label: 'Q1-Q2 (10)', lower: 10, upper: 10, scores: [6, 6, 6] },
        { label: 'Q3-Q4 (20)', lower: 20, upper: 20, scores: [9, 9, 10] },
      ],
    },
    {
      name: 'a single distinct value is one band',
      values: [2.5, 2.5, 2.5],
      scores: [7, 8, 9],
      expected: [{ label: 'Q1-Q4 (2.5)', lower: 2.5, upper: 2.5, scores: [7, 8, 9] }],
    },
  ])('$name', ({ values, scores, expected }) => {
    const bands = quartileBands(driverOf(values, scores));
    expect(bands.map(({ label, lower, upper, tally }) => ({ label, lower, upper, tally: Array.from(tally) }))).toEqual(
      expected.map(({ label, lower, upper, scores: inBand }) => ({ label, lower, upper, tally: scoreTally(inBand) })),
    );
  });

  it('gives no bands for no values', () => {
    expect(quartileBands(new NumericDriver())).toEqual([]);
  });
});

describe('spearman', () => {
  // Expected values by hand: average ranks with Python's own code, exact fractions, then p from
  // mpmath's incomplete beta at 40 digits (scipy.stats.spearmanr agrees).
  it.each([
    {
      name: 'a monotone series',
      values: [1, 2, 3, 4, 5, 6],
      scores: [0, 2, 4, 6, 8, 10],
      expected: { rho: 1, n: 6, p: 0 },
    },
    {
      name: 'a reversed series',
      values: [1, 2, 3, 4, 5, 6],
      scores: [10, 9, 7, 5, 2, 1],
      expected: { rho: -1, n: 6, p: 0 },
    },
    {
      // x ranks 2.5 5 2.5 7 5 1 8 5, y ranks 6.5 3.5 8 2 5 6.5 1 3.5: Sxy = -149/4, Sxx = 79/2, Syy = 41.
      name: 'handle times with ties against scores with ties',
      values: [120, 300, 120, 450, 300, 90, 600, 300],
      scores: [9, 6, 10, 3, 7, 9, 2, 6],
      expected: { rho: -0.925626545313669, n: 8, p: 0.0009719602101529979 },
    },
    {
      // rho = (15/4)/(9/2) = 5/6; with 2 degrees of freedom the two-sided t tail is exactly 1 - |rho|.
      name: 'four rows, where p = 1 - |rho|',
      values: [1, 2, 2, 3],
      scores: [0, 5, 10, 10],
      expected: { rho: 5 / 6, n: 4, p: 1 / 6 },
    },
    {
      // rho = -sqrt(3)/2; with 1 degree of freedom (Cauchy) p = 1 - 2 asin(|rho|)/pi = 1/3.
      name: 'three rows, where p = 1 - 2 asin(|rho|)/pi',
      values: [4, 1, 3],
      scores: [2, 9, 9],
      expected: { rho: -Math.sqrt(3) / 2, n: 3, p: 1 / 3 },
    },
  ])('$name', ({ values, scores, expected }) => {
    const result = spearman(driverOf(values, scores));
    expect(result.n).toBe(expected.n);
    expect(Math.abs(result.rho - expected.rho)).toBeLessThan(1e-14);
    expect(Math.abs(result.p - expected.p)).toBeLessThanOrEqual(1e-13 * Math.max(expected.p, 1e-300));
  });

  it('matches scipy.stats.spearmanr on 200 rows', () => {
    const values = Array.from({ length: 200 }, (_, i) => ((i * 37) % 101) + 0.5 * (i % 3));
    const scores = Array.from({ length: 200 }, (_, i) => (i * 7 + Math.floor(i / 13)) % 11);
    const result = spearman(driverOf(values, scores));
    expect(result.rho).toBeCloseTo(0.025767514693158466, 13);
    expectRelativelyClose(result.p, 0.717214749079272, 1e-12);
  });

  it.each([
    { name: 'fewer than three rows', values: [1, 2], scores: [0, 10], n: 2 },
    { name: 'a constant driver', values: [5, 5, 5, 5], scores: [0, 3, 9, 10], n: 4 },
    { name: 'constant scores', values: [1, 2, 3, 4], scores: [8, 8, 8, 8], n: 4 },
  ])('is NaN for $name', ({ values, scores, n }) => {
    const result = spearman(driverOf(values, scores));
    expect(result.n).toBe(n);
    expect(result.rho).toBeNaN();
    expect(result.p).toBeNaN();
  });
});

describe('chiSquareIndependence', () => {
  it.each([
    {
      // Row totals 100 and 100, column totals 50, 60, 90: expected 25, 30, 45 in both rows.
      // chi2 = 2 (25/25 + 0/30 + 25/45) = 28/9, df 2, p = exp(-14/9), V = sqrt(28/9 / 200) = sqrt(14)/30.
      name: 'a 2x3 table worked by hand',
      levels: [
        ['phone', tallyOf(20, 30, 50)],
        ['email', tallyOf(30, 30, 40)],
      ],
      expected: { statistic: 28 / 9, df: 2, p: 0.2110720877910902, cramersV: 0.12472191289246472, n: 200 },
    },
    {
      // Every expected count is 20: chi2 = 5 + 0 + 5 + 0 + 0 + 0 + 5 + 0 + 5 = 20, df 4,
      // p = exp(-10) (1 + 10), V = sqrt(20 / (180 * 2)) = sqrt(1/18).
      name: 'a 3x3 table worked by hand',
      levels: [
        ['phone', tallyOf(10, 20, 30)],
        ['email', tallyOf(20, 20, 20)],
        ['chat', tallyOf(30, 20, 10)],
      ],
      expected: { statistic: 20, df: 4, p: 0.0004993992273873333, cramersV: 0.23570226039551584, n: 180 },
    },
    {
      name: 'the 2x3 table with an empty level added: the empty row is dropped',
      levels: [
        ['phone', tallyOf(20, 30, 50)],
        ['fax', newTally()],
        ['email', tallyOf(30, 30, 40)],
      ],
      expected: { statistic: 28 / 9, df: 2, p: 0.2110720877910902, cramersV: 0.12472191289246472, n: 200 },
    },
    {
      // No passives: a 2x2 table. Expected 7.5, 12.5 in both rows; chi2 = 2 (6.25/7.5 + 6.25/12.5) = 8/3,
      // df 1, p = erfc(sqrt(4/3)), V = sqrt(8/3 / 40) = sqrt(1/15).
      name: 'a category nobody chose: the empty column is dropped',
      levels: [
        ['yes', tallyOf(5, 0, 15)],
        ['no', tallyOf(10, 0, 10)],
      ],
      expected: { statistic: 8 / 3, df: 1, p: 0.10247043485974942, cramersV: 0.25819888974716115, n: 40 },
    },
  ])('$name', ({ levels, expected }) => {
    const result = chiSquareIndependence(new Map(levels as [string, Tally][]));
    expect(result.df).toBe(expected.df);
    expect(result.n).toBe(expected.n);
    expect(Math.abs(result.statistic - expected.statistic)).toBeLessThan(1e-12);
    expect(Math.abs(result.p - expected.p)).toBeLessThan(1e-6);
    expectRelativelyClose(result.p, expected.p, 1e-12);
    expect(Math.abs(result.cramersV - expected.cramersV)).toBeLessThan(1e-14);
  });

  it.each([
    { name: 'a single level', levels: [['phone', tallyOf(20, 30, 50)]], n: 100 },
    {
      name: 'every answer in one category',
      levels: [
        ['phone', tallyOf(0, 0, 5)],
        ['email', tallyOf(0, 0, 7)],
      ],
      n: 12,
    },
    { name: 'no levels', levels: [], n: 0 },
  ])('has df 0 and NaN p and V for $name', ({ levels, n }) => {
    const result = chiSquareIndependence(new Map(levels as [string, Tally][]));
    expect(result).toMatchObject({ statistic: 0, df: 0, n });
    expect(result.p).toBeNaN();
    expect(result.cramersV).toBeNaN();
  });
});

const STATS = { method: 'score', confidence: 0.95 } as const;

describe('analyseCategorical', () => {
  // The 2x3 table worked by hand above, with two levels of 3 answers: fax (1, 0, 2) and post (2, 1, 0).
  const levels = new Map([
    ['phone', tallyOf(20, 30, 50)],
    ['fax', tallyOf(1, 0, 2)],
    ['email', tallyOf(30, 30, 40)],
    ['post', tallyOf(2, 1, 0)],
  ]);
  const shape = (minN: number) =>
    analyseCategorical(levels, minN, STATS).levels.map(({ key, levels: pooled, compared }) => ({
      key,
      pooled,
      compared,
    }));

  it('pools the levels under --min-n into one, listed last', () => {
    expect(shape(5)).toEqual([
      { key: 'email', pooled: 1, compared: true },
      { key: 'phone', pooled: 1, compared: true },
      { key: undefined, pooled: 2, compared: true },
    ]);
    expect(Array.from(analyseCategorical(levels, 5, STATS).levels[2].tally)).toEqual(Array.from(tallyOf(3, 1, 2)));
  });

  it('tests the pool as a level when it reaches --min-n', () => {
    // Rows (20, 30, 50), (30, 30, 40), (3, 1, 2); columns 53, 61, 92; n 206. By exact fractions:
    // chi2 = 744381/148718, df 4, p = exp(-chi2/2) (1 + chi2/2), V = sqrt(chi2 / (206 * 2)); 3 of 9 expected counts under 5.
    const { test, spread } = analyseCategorical(levels, 5, STATS);
    expect(test.name).toBe('chi-square');
    expect(test.df).toBe(4);
    expect(test.n).toBe(206);
    expect(Math.abs(test.statistic - 744381 / 148718)).toBeLessThan(1e-9);
    expect(Math.abs(test.p - 0.2867521892399124)).toBeLessThan(1e-9);
    expect(Math.abs(test.effectSize - 0.11022174022235419)).toBeLessThan(1e-9);
    expect(test.sparse).toBeCloseTo(1 / 3, 12);
    // Best phone (+30), worst the pool (-1/6): over 3 pairs.
    expect(spread?.pairs).toBe(3);
    expect(spread?.difference).toBeCloseTo(100 * (0.3 + 1 / 6), 9);
  });

  it('lists a pool still under --min-n but neither tests nor compares it', () => {
    expect(shape(10).at(-1)).toEqual({ key: undefined, pooled: 2, compared: false });
    const { test, spread } = analyseCategorical(levels, 10, STATS);
    // Exactly the 2x3 table worked by hand: chi2 = 28/9, p = exp(-14/9).
    expect(test.n).toBe(200);
    expect(Math.abs(test.statistic - 28 / 9)).toBeLessThan(1e-9);
    expect(Math.abs(test.p - Math.exp(-14 / 9))).toBeLessThan(1e-9);
    expect(spread?.pairs).toBe(1);
    expect(spread?.difference).toBeCloseTo(20, 9);
  });

  it('compares a level of exactly --min-n answers', () => {
    expect(shape(100).map((l) => l.compared)).toEqual([true, true, false]);
  });

  it('has no test and no spread when everything falls in one pool', () => {
    const { levels: pooled, test, spread } = analyseCategorical(levels, 1000, STATS);
    expect(pooled).toHaveLength(1);
    expect(pooled[0]).toMatchObject({ key: undefined, levels: 4, compared: false });
    expect(test.p).toBeNaN();
    expect(spread).toBeUndefined();
  });

  it("shrinks each level towards the driver's overall NPS (the worked example of test/core/shrink.test.ts)", () => {
    const shrunk = analyseCategorical(
      new Map([
        ['a', tallyOf(0, 0, 3)],
        ['b', tallyOf(10, 10, 20)],
        ['c', tallyOf(20, 10, 10)],
      ]),
      1,
      STATS,
    ).levels.map((l) => l.shrunk);
    expect(shrunk[0]).toBeCloseTo(38.583198424271353, 8);
    expect(shrunk[1]).toBeCloseTo(22.510868775056722, 8);
    expect(shrunk[2]).toBeCloseTo(-21.669472304653362, 8);
  });
});

describe('analyseNumeric', () => {
  const driver = driverOf([8, 1, 7, 2, 6, 3, 5, 4], [10, 0, 9, 2, 8, 3, 7, 4]);

  it("tests every row by Spearman's rho and compares the bands with at least --min-n answers", () => {
    const result = analyseNumeric(driver, 2, STATS);
    expect(result.test).toMatchObject({ name: 'Spearman rho', statistic: 1, p: 0, effectSize: 1, n: 8 });
    expect(result.test.df).toBeNaN();
    expect(result.levels.map((l) => [l.key, l.compared])).toEqual([
      ['Q1 (1 - 2)', true],
      ['Q2 (3 - 4)', true],
      ['Q3 (5 - 6)', true],
      ['Q4 (7 - 8)', true],
    ]);
    expect(result.spread?.pairs).toBe(6);
    expect(result.spread?.difference).toBe(200);
  });

  it('leaves bands under --min-n out of the spread, never out of the test', () => {
    const result = analyseNumeric(driver, 3, STATS);
    expect(result.levels.every((l) => !l.compared)).toBe(true);
    expect(result.spread).toBeUndefined();
    expect(result.test.p).toBe(0);
  });
});

describe('spreadOf', () => {
  const score = (d: number, p: number, q: number) => countsOf(tallyOf(d, p, q));

  it('is the MOVER difference of the best and the worst for two levels (the published example)', () => {
    const spread = spreadOf([tallyOf(120, 200, 180), tallyOf(100, 200, 200)], STATS)!;
    expect(spread.pairs).toBe(1);
    expect(spread.difference).toBeCloseTo(8, 10);
    expect(Math.abs(spread.lower - -1.3981)).toBeLessThan(1e-4);
    expect(Math.abs(spread.upper - 17.3467)).toBeLessThan(1e-4);
  });

  it("builds each side of three levels' spread from intervals at 1 - 5%/3 (Bonferroni over the 3 pairs)", () => {
    const [best, worst] = [score(20, 30, 50), score(40, 30, 30)];
    const spread = spreadOf([tallyOf(30, 30, 40), tallyOf(40, 30, 30), tallyOf(20, 30, 50)], STATS)!;
    const b = interval(best, 'score', 1 - 0.05 / 3);
    const w = interval(worst, 'score', 1 - 0.05 / 3);
    const d = 0.3 - -0.1;
    expect(spread.pairs).toBe(3);
    expect(spread.difference).toBeCloseTo(100 * d, 10);
    expect(spread.lower).toBeCloseTo(100 * (d - Math.hypot(0.3 - b.lower, w.upper - -0.1)), 9);
    expect(spread.upper).toBeCloseTo(100 * (d + Math.hypot(b.upper - 0.3, -0.1 - w.lower)), 9);
  });

  it('is undefined for fewer than two levels', () => {
    expect(spreadOf([tallyOf(1, 2, 3)], STATS)).toBeUndefined();
    expect(spreadOf([], STATS)).toBeUndefined();
  });
});

describe('rankDrivers', () => {
  const driver = (name: string, p: number, effectSize: number) => ({
    name,
    test: { name: 'chi-square', statistic: 0, df: 1, p, effectSize, n: 100, sparse: 0 } satisfies DriverTest,
  });

  it('orders by Holm-adjusted p, ties by raw p, then by effect size; untested last', () => {
    // Holm over the four tested: 0.001 and 0.001 -> 0.004, 0.03 -> 0.06, 0.04 -> max(0.06, 0.04) = 0.06.
    const ranked = rankDrivers([
      driver('late', 0.04, 0.9),
      driver('untested', NaN, NaN),
      driver('weak', 0.001, 0.1),
      driver('mid', 0.03, 0.2),
      driver('strong', 0.001, 0.3),
    ]);
    expect(ranked.map((r) => r.driver.name)).toEqual(['strong', 'weak', 'mid', 'late', 'untested']);
    expect(ranked.map((r) => r.pAdjusted)).toEqual([0.004, 0.004, 0.06, 0.06, NaN]);
  });
});

describe('chiSquareSurvival', () => {
  // mpmath at 40 digits, regularized upper incomplete gamma Q(df/2, x/2), rounded to a double.
  it.each([
    [3.841458820694124, 1, 0.05],
    [5.991464547107979, 2, 0.05],
    [10, 2, 0.006737946999085467], // exp(-5)
    [2, 1, 0.15729920705028513],
    [1e-6, 1, 0.9992021155721779],
    [0.5, 3, 0.9188914116546758], // series side
    [20, 3, 0.00016974243555282643], // continued-fraction side
    [1, 10, 0.9998278843700441],
    [60, 4, 2.900863120340454e-12],
    [100, 50, 3.454931382984864e-5],
    [150, 50, 6.315223256933987e-12],
    [400, 300, 9.678621994933577e-5],
    [700, 2, 9.92959039626498e-153],
    [6000, 5000, 2.5217184417547448e-21],
    [1e6, 1e6, 0.4998119368033945],
  ])('P(X > %d | df %d) = %d', (x, df, expected) => {
    expectRelativelyClose(chiSquareSurvival(x, df), expected, 1e-12);
  });

  it('is 1 at and below 0, 0 at infinity, NaN for a bad df', () => {
    expect(chiSquareSurvival(0, 1)).toBe(1);
    expect(chiSquareSurvival(0, 7)).toBe(1);
    expect(chiSquareSurvival(-3, 2)).toBe(1);
    expect(chiSquareSurvival(Infinity, 2)).toBe(0);
    expect(chiSquareSurvival(1, 0)).toBeNaN();
    expect(chiSquareSurvival(NaN, 2)).toBeNaN();
  });
});

describe('studentTCdf', () => {
  // mpmath at 40 digits via the incomplete beta, rounded to a double; df 1 and 2 also have closed forms.
  it.each([
    [2.228138851986274, 10, 0.975],
    [-2.228138851986274, 10, 0.025],
    [12.706204736174698, 1, 0.975],
    [1, 1, 0.75], // Cauchy: 1/2 + atan(1)/pi
    [2, 2, 0.908248290463863], // 1/2 + 1/sqrt(6)
    [0.5, 3, 0.6742760175759245],
    [1e-8, 7, 0.5000000038499145],
    [-40, 5, 9.205981085886477e-8],
    [-10, 1000, 8.335351479300033e-23],
    [1.96, 1e6, 0.9750019662073651],
    [3, 1e6, 0.9986500687292891],
  ])('P(T <= %d | df %d) = %d', (t, df, expected) => {
    expectRelativelyClose(studentTCdf(t, df), expected, 1e-12);
  });

  it('keeps a lower tail to 1e-9 relative with a million degrees of freedom', () => {
    expectRelativelyClose(studentTCdf(-2.144079551644097, 1e6), 0.016013376774768193, 1e-9);
    expectRelativelyClose(studentTCdf(-7.965208669985305, 1e6), 8.255822922514812e-16, 1e-9);
  });

  it('is 1/2 at 0, 0 and 1 at the infinities, NaN for a bad df', () => {
    expect(studentTCdf(0, 1)).toBe(0.5);
    expect(studentTCdf(0, 30)).toBe(0.5);
    expect(studentTCdf(-Infinity, 5)).toBe(0);
    expect(studentTCdf(Infinity, 5)).toBe(1);
    expect(studentTCdf(1e200, 5)).toBe(1);
    expect(studentTCdf(1, 0)).toBeNaN();
    expect(studentTCdf(NaN, 3)).toBeNaN();
  });
});
