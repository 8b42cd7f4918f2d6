import { describe, expect, it } from 'vitest';
import { adjust, INTERVAL_METHODS, interval } from '../../src/core/interval.js';
import { criticalValue, normalQuantile } from '../../src/core/normal.js';
import type { Counts } from '../../src/core/tally.js';

const counts = (detractors: number, passives: number, promoters: number): Counts => ({
  detractors,
  passives,
  promoters,
});

describe('normal quantile', () => {
  it.each([
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489],
    [0.95, 1.6448536269514722],
    [0.5, 0],
    [0.001, -3.090232306167813],
    [1e-12, -7.034483825301131],
  ])('quantile(%d) = %d', (p, expected) => {
    expect(normalQuantile(p)).toBeCloseTo(expected, 12);
  });

  it('gives the exact two-sided critical value at 95% (to the last bit or two), not 1.96', () => {
    expect(Math.abs(criticalValue(0.95) - 1.959963984540054)).toBeLessThan(1e-15);
  });

  it('is infinite at the ends and undefined outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('Wald interval', () => {
  it('matches the Market Strategies worked example: 40/40/20 of 500, margin 6.559', () => {
    const ci = interval(counts(100, 200, 200), 'wald', 0.95);
    expect(ci.margin * 100).toBeCloseTo(6.559, 3);
    expect(ci.lower * 100).toBeCloseTo(20 - 6.559, 3);
    expect(ci.upper * 100).toBeCloseTo(20 + 6.559, 3);
  });

  it('is about 320/sqrt(n) wide when promoters and detractors are a third each (CYBAEA)', () => {
    const n = 900;
    const ci = interval(counts(n / 3, n / 3, n / 3), 'wald', 0.95);
    expect((ci.upper - ci.lower) * 100).toBeCloseTo(320 / Math.sqrt(n), 0);
  });

  it('has zero width when every answer is in one category', () => {
    const ci = interval(counts(0, 0, 5), 'wald', 0.95);
    expect(ci).toEqual({ lower: 1, upper: 1, margin: 0 });
  });
});

describe('adjusted-Wald interval (Rocks 2016)', () => {
  it('adds 0.75, 1.5 and 0.75 pseudo-answers', () => {
    expect(adjust(counts(1, 2, 3))).toEqual(counts(1.75, 3.5, 3.75));
  });

  it('is centred on the adjusted score with the adjusted variance', () => {
    // Adjusted (1.75, 3.5, 3.75), n' = 9: NPS' = 2/9, V' = 5.5/9 - (2/9)^2.
    const centre = 2 / 9;
    const v = 5.5 / 9 - centre ** 2;
    const margin = 1.959963984540054 * Math.sqrt(v / 9);
    const ci = interval(counts(1, 2, 3), 'adjusted-wald', 0.95);
    expect(ci.lower).toBeCloseTo(centre - margin, 12);
    expect(ci.upper).toBeCloseTo(centre + margin, 12);
    expect(ci.margin).toBeCloseTo(margin, 12);
  });

  it('keeps a non-zero width when every answer is a promoter, and clips at +1', () => {
    const ci = interval(counts(0, 0, 5), 'adjusted-wald', 0.95);
    expect(ci.upper).toBe(1);
    expect(ci.lower).toBeLessThan(1);
    expect(ci.margin).toBeGreaterThan(0);
  });

  it('approaches the Wald interval for large n', () => {
    const big = counts(200_000, 300_000, 500_000);
    const a = interval(big, 'adjusted-wald', 0.95);
    const w = interval(big, 'wald', 0.95);
    expect(a.lower).toBeCloseTo(w.lower, 5);
    expect(a.upper).toBeCloseTo(w.upper, 5);
  });
});

describe('score interval (Rocks 2016, Tango-type)', () => {
  const z = criticalValue(0.95);
  // The score statistic of the paper, written out independently of the implementation.
  const s = (c: Counts, d: number) => {
    const n = c.detractors + c.passives + c.promoters;
    const b = c.detractors;
    const p = c.promoters;
    const A = 2 * n;
    const B = -b - p + (2 * n - p + b) * d;
    const C = -b * d * (1 - d);
    const q = (Math.sqrt(B * B - 4 * A * C) - B) / (2 * A);
    return (p - b - n * d) / Math.sqrt(n * (2 * q + d * (1 - d)));
  };

  it.each([counts(1, 2, 3), counts(10, 20, 30), counts(40, 5, 12), counts(3, 0, 1)])(
    'its bounds solve |s(D)| = z for %o',
    (c) => {
      const ci = interval(c, 'score', 0.95);
      expect(s(c, ci.lower)).toBeCloseTo(z, 8);
      expect(s(c, ci.upper)).toBeCloseTo(-z, 8);
      expect(ci.lower).toBeLessThan(ci.upper);
    },
  );

  it('reaches +1 when every answer is a promoter and -1 when every answer is a detractor', () => {
    expect(interval(counts(0, 0, 7), 'score', 0.95).upper).toBe(1);
    expect(interval(counts(7, 0, 0), 'score', 0.95).lower).toBe(-1);
  });

  it('is close to Wald for large n', () => {
    const c = counts(1000, 2000, 3000);
    expect(interval(c, 'score', 0.95).lower).toBeCloseTo(interval(c, 'wald', 0.95).lower, 3);
  });
});

describe('every method', () => {
  it.each(INTERVAL_METHODS)('%s: no interval for no answers', (method) => {
    const ci = interval(counts(0, 0, 0), method, 0.95);
    expect(ci.lower).toBeNaN();
    expect(ci.upper).toBeNaN();
  });

  it.each(INTERVAL_METHODS)('%s: one answer gives a valid interval inside [-1, 1]', (method) => {
    const ci = interval(counts(0, 1, 0), method, 0.95);
    expect(ci.lower).toBeGreaterThanOrEqual(-1);
    expect(ci.upper).toBeLessThanOrEqual(1);
    expect(ci.lower).toBeLessThanOrEqual(0);
    expect(ci.upper).toBeGreaterThanOrEqual(0);
  });

  it.each(INTERVAL_METHODS)('%s: a higher confidence gives a wider interval', (method) => {
    const c = counts(20, 30, 50);
    const narrow = interval(c, method, 0.8);
    const wide = interval(c, method, 0.99);
    expect(wide.upper - wide.lower).toBeGreaterThan(narrow.upper - narrow.lower);
  });
});
