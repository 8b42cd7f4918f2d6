import { describe, expect, it } from 'vitest';
import { compareGroups, holm, testBenchmark } from '../../src/core/significance.js';
import type { Counts } from '../../src/core/tally.js';

const counts = (detractors: number, passives: number, promoters: number): Counts => ({ detractors, passives, promoters });

describe('two independent groups', () => {
  // Worked by hand (mpmath, 50 digits): adjusted x = (20.75, 31.5, 50.75), y = (30.75, 31.5, 40.75),
  // n' = 103 each; NPS'x = 30/103, V'x = 71.5/103 - (30/103)^2 = 0.60934112545951551;
  // NPS'y = 10/103, V'y = 71.5/103 - (10/103)^2 = 0.68474879819021585.
  it.each([
    {
      name: 'x = (20, 30, 50) against y = (30, 30, 40) at 95%',
      x: counts(20, 30, 50),
      y: counts(30, 30, 40),
      confidence: 0.95,
      expected: { difference: 0.2, lower: -0.025515959828272566, upper: 0.41386547439137933, z: 1.7323241326960441, p: 0.083215867531571172, se: 0.11208916023086054 },
    },
    {
      name: 'the same groups swapped: the sign flips, p does not',
      x: counts(30, 30, 40),
      y: counts(20, 30, 50),
      confidence: 0.95,
      expected: { difference: -0.2, lower: -0.41386547439137933, upper: 0.025515959828272566, z: -1.7323241326960441, p: 0.083215867531571172, se: 0.11208916023086054 },
    },
    {
      name: 'the same groups at 90%: only the interval narrows',
      x: counts(20, 30, 50),
      y: counts(30, 30, 40),
      confidence: 0.9,
      expected: { difference: 0.2, lower: 0.009804495533877772, upper: 0.378545019029229, z: 1.7323241326960441, p: 0.083215867531571172, se: 0.11208916023086054 },
    },
  ])('$name', ({ x, y, confidence, expected }) => {
    const result = compareGroups(x, y, confidence);
    for (const key of ['difference', 'lower', 'upper', 'z', 'p', 'se'] as const) {
      expect(Math.abs(result[key] - expected[key]), key).toBeLessThan(1e-9);
    }
  });

  it('centres the interval on the adjusted difference (20/103), so it excludes 0 exactly when p < alpha', () => {
    const result = compareGroups(counts(20, 30, 50), counts(30, 30, 40), 0.95);
    expect((result.lower + result.upper) / 2).toBeCloseTo(20 / 103, 12);
    // 12 of 10 against (2 of 3, 2 of 8, 8 of 10): the raw difference is large but n is tiny.
    const small = compareGroups(counts(0, 0, 12), counts(2, 2, 8), 0.95);
    expect(small.p > 0.05).toBe(small.lower < 0 && small.upper > 0);
  });

  it('never reports a difference interval beyond ±2 (±200 points)', () => {
    const result = compareGroups(counts(0, 0, 3), counts(40, 0, 0), 0.95);
    expect(result.upper).toBeLessThanOrEqual(2);
    expect(result.lower).toBeGreaterThanOrEqual(-2);
  });

  it('gives z = 0 and p = 1 for identical groups', () => {
    const result = compareGroups(counts(12, 30, 58), counts(12, 30, 58), 0.95);
    expect(result.difference).toBe(0);
    expect(result.z).toBe(0);
    expect(result.p).toBe(1);
  });

  it('keeps a tiny p-value instead of rounding it to zero', () => {
    // (100, 100, 300) against (300, 100, 100): z = 15.762767733115663, p = 5.6120432236995354e-56 (mpmath).
    const result = compareGroups(counts(100, 100, 300), counts(300, 100, 100), 0.95);
    expect(result.z).toBeCloseTo(15.762767733115663, 9);
    expect(result.p).toBeGreaterThan(0);
    expect(Math.abs(result.p - 5.6120432236995354e-56)).toBeLessThan(1e-9 * 5.6120432236995354e-56);
  });

  it.each([
    ['x', counts(0, 0, 0), counts(3, 4, 5)],
    ['y', counts(3, 4, 5), counts(0, 0, 0)],
    ['both', counts(0, 0, 0), counts(0, 0, 0)],
  ])('gives NaN everywhere when %s has no answers', (_, x, y) => {
    const result = compareGroups(x, y, 0.95);
    for (const value of Object.values(result)) expect(value).toBeNaN();
  });
});

describe('test against a benchmark', () => {
  // (20, 30, 50) adjusted: NPS' = 30/103, V'/n' as above (mpmath).
  it.each([
    { benchmark: 0.2, z: 1.1865307451640617, pAbove: 0.11770638361513165, pBelow: 0.88229361638486835 },
    { benchmark: 0.4, z: -1.4137387601954782, pAbove: 0.92128068984501352, pBelow: 0.078719310154986476 },
  ])('(20, 30, 50) against $benchmark', ({ benchmark, z, pAbove, pBelow }) => {
    const result = testBenchmark(counts(20, 30, 50), benchmark);
    expect(result.benchmark).toBe(benchmark);
    expect(Math.abs(result.z - z)).toBeLessThan(1e-9);
    expect(Math.abs(result.pAbove - pAbove)).toBeLessThan(1e-9);
    expect(Math.abs(result.pBelow - pBelow)).toBeLessThan(1e-9);
    expect(result.pAbove + result.pBelow).toBeCloseTo(1, 14);
  });

  it('keeps a tiny one-tailed p-value in the far tail', () => {
    // (100, 100, 300) against -0.2: z = 16.752377811394947, pAbove = 2.7203726967684854e-63 (mpmath).
    const result = testBenchmark(counts(100, 100, 300), -0.2);
    expect(Math.abs(result.pAbove - 2.7203726967684854e-63)).toBeLessThan(1e-9 * 2.7203726967684854e-63);
    expect(result.pBelow).toBe(1);
  });

  it('gives NaN statistics, but keeps the benchmark, when there are no answers', () => {
    const result = testBenchmark(counts(0, 0, 0), 0.3);
    expect(result.benchmark).toBe(0.3);
    expect(result.z).toBeNaN();
    expect(result.pAbove).toBeNaN();
    expect(result.pBelow).toBeNaN();
  });
});

describe("Holm's adjustment", () => {
  it.each([
    { name: 'the textbook example', p: [0.01, 0.04, 0.03, 0.005], expected: [0.03, 0.06, 0.06, 0.02] },
    { name: 'a single p-value is left alone', p: [0.037], expected: [0.037] },
    { name: 'ties get the same adjusted value', p: [0.02, 0.01, 0.02], expected: [0.04, 0.03, 0.04] },
    { name: 'NaN stays NaN and does not count', p: [0.01, NaN, 0.04, 0.03, 0.005], expected: [0.03, NaN, 0.06, 0.06, 0.02] },
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
