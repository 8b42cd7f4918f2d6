import { describe, expect, it } from 'vitest';
import { interval, scoreStatistic } from '../../src/core/interval.js';
import { normalCdf } from '../../src/core/normal.js';
import { compareGroups, holm, testBenchmark } from '../../src/core/significance.js';
import type { Counts } from '../../src/core/tally.js';

const counts = (detractors: number, passives: number, promoters: number): Counts => ({
  detractors,
  passives,
  promoters,
});

const score = { method: 'score', confidence: 0.95 } as const;

describe('two independent groups: the MOVER interval and the p that inverts it', () => {
  it('reproduces the published example: (100, 200, 200) against (120, 200, 180)', () => {
    const result = compareGroups(counts(100, 200, 200), counts(120, 200, 180), score);
    expect(100 * result.difference).toBeCloseTo(8, 10);
    expect(Math.abs(100 * result.lower - -1.3981)).toBeLessThan(1e-4);
    expect(Math.abs(100 * result.upper - 17.3467)).toBeLessThan(1e-4);
    expect(Math.abs(result.p - 0.095194)).toBeLessThan(1e-6);
  });

  it("builds the interval from each group's own interval (Newcombe 1998, Zou & Donner 2008)", () => {
    const x = counts(20, 30, 50);
    const y = counts(30, 30, 40);
    for (const method of ['score', 'adjusted-wald', 'wald'] as const) {
      const ix = interval(x, method, 0.95);
      const iy = interval(y, method, 0.95);
      const d = 0.3 - 0.1;
      const result = compareGroups(x, y, { method, confidence: 0.95 });
      expect(result.lower).toBeCloseTo(d - Math.sqrt((0.3 - ix.lower) ** 2 + (iy.upper - 0.1) ** 2), 12);
      expect(result.upper).toBeCloseTo(d + Math.sqrt((ix.upper - 0.3) ** 2 + (0.1 - iy.lower) ** 2), 12);
    }
  });

  it('always contains the raw difference, even at the edges (5 detractors against 20 promoters)', () => {
    const result = compareGroups(counts(5, 0, 0), counts(0, 0, 20), score);
    expect(result.difference).toBe(-2);
    expect(result.lower).toBeLessThanOrEqual(-2);
    expect(result.upper).toBeGreaterThan(-2);
  });

  it('gives a p that agrees with its interval at every level: the interval excludes 0 exactly when p < alpha', () => {
    const pairs = [
      [counts(20, 30, 50), counts(30, 30, 40)],
      [counts(0, 0, 12), counts(2, 2, 8)],
      [counts(100, 200, 200), counts(120, 200, 180)],
      [counts(3, 1, 1), counts(1, 1, 3)],
    ];
    for (const [x, y] of pairs) {
      const { p } = compareGroups(x, y, score);
      for (const confidence of [0.8, 0.9, 0.95, 0.99]) {
        const at = compareGroups(x, y, { method: 'score', confidence });
        const excludes = at.lower > 0 || at.upper < 0;
        if (Math.abs(p - (1 - confidence)) > 1e-6) expect(excludes, `p ${p} at ${confidence}`).toBe(p < 1 - confidence);
      }
      // Just at the level p: the interval touches 0.
      const edge = compareGroups(x, y, { method: 'score', confidence: 1 - p });
      expect(Math.min(Math.abs(edge.lower), Math.abs(edge.upper))).toBeLessThan(1e-6);
    }
  });

  it('flips the sign, not p, when the groups are swapped', () => {
    const a = compareGroups(counts(20, 30, 50), counts(30, 30, 40), score);
    const b = compareGroups(counts(30, 30, 40), counts(20, 30, 50), score);
    expect(b.difference).toBeCloseTo(-a.difference, 14);
    expect(b.z).toBeCloseTo(-a.z, 8);
    expect(b.p).toBeCloseTo(a.p, 10);
    expect(b.lower).toBeCloseTo(-a.upper, 12);
  });

  it('gives z = 0 and p = 1 for identical groups', () => {
    const result = compareGroups(counts(12, 30, 58), counts(12, 30, 58), score);
    expect(result.difference).toBe(0);
    expect(result.z).toBe(0);
    expect(result.p).toBe(1);
  });

  it('keeps a tiny p-value instead of rounding it to zero', () => {
    const result = compareGroups(counts(100, 100, 300), counts(300, 100, 100), score);
    expect(result.p).toBeGreaterThan(0);
    expect(result.p).toBeLessThan(1e-40);
    expect(result.z).toBeGreaterThan(13);
  });

  it('reports z past the point where p underflows to 0: the Wald difference gives d / sqrt(V_x / n_x + V_y / n_y)', () => {
    // NPS -60 against +60, 1000 answers each, V = 0.44 in both: z = -1.2 / sqrt(0.00088) = -40.45.
    const result = compareGroups(counts(700, 200, 100), counts(100, 200, 700), { method: 'wald', confidence: 0.95 });
    const expected = -1.2 / Math.sqrt(0.44 / 1000 + 0.44 / 1000);
    expect(result.z).toBeLessThan(-40);
    expect(result.z).toBeCloseTo(expected, 8);
    expect(result.p).toBe(0);
  });

  it('gives an infinite z, and p = 0, when both Wald intervals have zero width', () => {
    const result = compareGroups(counts(5, 0, 0), counts(0, 0, 20), { method: 'wald', confidence: 0.95 });
    expect(result.z).toBe(-Infinity);
    expect(result.p).toBe(0);
  });

  it.each([
    ['x', counts(0, 0, 0), counts(3, 4, 5)],
    ['y', counts(3, 4, 5), counts(0, 0, 0)],
    ['both', counts(0, 0, 0), counts(0, 0, 0)],
  ])('gives NaN everywhere when %s has no answers', (_, x, y) => {
    const result = compareGroups(x, y, score);
    for (const value of Object.values(result)) expect(value).toBeNaN();
  });
});

describe('test against a benchmark', () => {
  it('is the score test at D = B for the score interval: |z| = |s(B)|', () => {
    for (const benchmark of [0.2, 0.4, -0.3, 0.29]) {
      const result = testBenchmark(counts(20, 30, 50), benchmark, score);
      expect(result.z).toBeCloseTo(scoreStatistic(counts(20, 30, 50), benchmark), 8);
      expect(result.p).toBeCloseTo(2 * normalCdf(-Math.abs(scoreStatistic(counts(20, 30, 50), benchmark))), 10);
    }
  });

  it('reports the score statistic itself however far out it is (p underflows to 0)', () => {
    const c = counts(200, 300, 1500);
    const benchmark = -0.3;
    const result = testBenchmark(c, benchmark, score);
    expect(result.z).toBeGreaterThan(38);
    expect(result.z).toBeCloseTo(scoreStatistic(c, benchmark), 8);
    expect(result.p).toBe(0);
  });

  it('halves p on the side of a one-sided alternative, and gives 1 - p/2 on the other', () => {
    const two = testBenchmark(counts(20, 30, 50), 0.2, score);
    expect(testBenchmark(counts(20, 30, 50), 0.2, score, 'greater').p).toBeCloseTo(two.p / 2, 14);
    expect(testBenchmark(counts(20, 30, 50), 0.2, score, 'less').p).toBeCloseTo(1 - two.p / 2, 14);
  });

  it('rejects a true benchmark in 5% of samples (± 1%), two-sided, whatever the data say', () => {
    // 10,000 samples of n = 200 from shares 50% promoters, 30% passives, 20% detractors: NPS +30.
    let seed = 20261129;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    let rejected = 0;
    for (let i = 0; i < 10_000; i++) {
      const c = { detractors: 0, passives: 0, promoters: 0 };
      for (let k = 0; k < 200; k++) {
        const u = random();
        if (u < 0.5) c.promoters++;
        else if (u < 0.8) c.passives++;
        else c.detractors++;
      }
      if (testBenchmark(c, 0.3, score).p < 0.05) rejected++;
    }
    expect(rejected / 10_000).toBeGreaterThan(0.04);
    expect(rejected / 10_000).toBeLessThan(0.06);
  });

  it('gives NaN statistics, but keeps the benchmark, when there are no answers', () => {
    const result = testBenchmark(counts(0, 0, 0), 0.3, score);
    expect(result.benchmark).toBe(0.3);
    expect(result.z).toBeNaN();
    expect(result.p).toBeNaN();
  });
});

describe("Holm's adjustment", () => {
  it.each([
    { name: 'the textbook example', p: [0.01, 0.04, 0.03, 0.005], expected: [0.03, 0.06, 0.06, 0.02] },
    { name: 'a single p-value is left alone', p: [0.037], expected: [0.037] },
    { name: 'ties get the same adjusted value', p: [0.02, 0.01, 0.02], expected: [0.04, 0.03, 0.04] },
    {
      name: 'NaN stays NaN and does not count',
      p: [0.01, NaN, 0.04, 0.03, 0.005],
      expected: [0.03, NaN, 0.06, 0.06, 0.02],
    },
    { name: 'values are capped at 1', p: [0.3, 0.6, 0.02], expected: [0.6, 0.6, 0.06] },
    { name: 'a step-down that must be carried forward', p: [0.5, 0.4], expected: [0.8, 0.8] },
    { name: 'nothing to adjust', p: [], expected: [] },
    { name: 'only NaN', p: [NaN, NaN], expected: [NaN, NaN] },
  ])('$name', ({ p, expected }) => {
    const adjusted = holm(p);
    expect(adjusted).toHaveLength(expected.length);
    adjusted.forEach((value, i) => {
      if (Number.isNaN(expected[i])) expect(value).toBeNaN();
      else expect(value).toBeCloseTo(expected[i], 14);
    });
  });

  it('does not modify its input', () => {
    const p = [0.04, 0.01];
    holm(p);
    expect(p).toEqual([0.04, 0.01]);
  });
});
