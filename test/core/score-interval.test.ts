import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type IntervalMethod, interval } from '../../src/core/interval.js';
import { summarize } from '../../src/core/summary.js';
import { newTally } from '../../src/core/tally.js';

/*
 * The default interval (the score interval of Rocks 2016) against an independent implementation,
 * over a grid from n = 1 to 10^6 at four confidence levels, and its exact coverage.
 */

/** z for the confidence levels used here (Python's statistics.NormalDist, unrounded). */
const Z: Readonly<Record<number, number>> = {
  0.8: 1.2815515655446004,
  0.9: 1.6448536269514722,
  0.95: 1.959963984540054,
  0.99: 2.5758293035489004,
};

/**
 * Independent: the score statistic written from the paper (restricted MLE of the promoter share
 * under NPS = D, from the quadratic), its roots found by the Illinois (regula falsi) method on a
 * bracket, not by bisection.
 */
function referenceScore(b: number, c: number, n: number, z: number): { lower: number; upper: number } {
  const s = (d: number) => {
    // Under H0: p_pro - p_det = d, the restricted MLE of p_det solves 2n q² + (c + b - (2n - c + b) d) q ... (Rocks 2016, eq. 5).
    const A = 2 * n;
    const B = -(b + c) + (2 * n - c + b) * d;
    const C = -b * d * (1 - d);
    const q = (-B + Math.sqrt(Math.max(0, B * B - 4 * A * C))) / (2 * A);
    const v = 2 * q + d * (1 - d);
    const num = c - b - n * d;
    if (v <= 0) return num === 0 ? 0 : Math.sign(num) * Infinity;
    return num / Math.sqrt(n * v);
  };
  const root = (target: number, a0: number, b0: number) => {
    let a = a0;
    let bb = b0;
    let fa = s(a) - target;
    let fb = s(bb) - target;
    let side = 0;
    for (let i = 0; i < 500; i++) {
      const x = Number.isFinite(fa) && Number.isFinite(fb) ? (a * fb - bb * fa) / (fb - fa) : (a + bb) / 2;
      const fx = s(x) - target;
      if (Math.abs(fx) < 1e-13 || Math.abs(bb - a) < 1e-15) return x;
      if (Math.sign(fx) === Math.sign(fb)) {
        bb = x;
        fb = fx;
        if (side === -1) fa /= 2;
        side = -1;
      } else {
        a = x;
        fa = fx;
        if (side === 1) fb /= 2;
        side = 1;
      }
    }
    return (a + bb) / 2;
  };
  const estimate = (c - b) / n;
  return {
    lower: b === n ? -1 : root(z, -1 + 1e-15, estimate),
    upper: c === n ? 1 : root(-z, estimate, 1 - 1e-15),
  };
}

/** 200 cases: n from 1 to 10^6 (log-spaced), shares spread over the simplex, four levels. */
const grid = Array.from({ length: 200 }, (_, i) => {
  const n = Math.max(1, Math.round(10 ** ((6 * i) / 199)));
  const confidence = [0.8, 0.9, 0.95, 0.99][i % 4];
  // Deterministic shares, corners included.
  const u = ((i * 0.6180339887) % 1) * 1.0;
  const v = ((i * 0.4142135623) % 1) * (1 - u);
  const detractors = i % 17 === 0 ? n : Math.round(n * u);
  const promoters = i % 17 === 0 ? 0 : i % 19 === 0 ? n - detractors : Math.min(n - detractors, Math.round(n * v));
  return { n, detractors, promoters, confidence };
});

describe('the default interval (score)', () => {
  it('is the default of summarize', () => {
    const t = newTally();
    t[10] = 1;
    expect(summarize(t, { method: 'score', confidence: 0.95 }).lower).toBeCloseTo(
      100 * interval({ detractors: 0, passives: 0, promoters: 1 }, 'score', 0.95).lower,
      12,
    );
  });

  it.each(grid)(
    'n $n, $detractors detractors, $promoters promoters at $confidence: contains the estimate, matches an independent solver to 1e-6',
    ({ n, detractors, promoters, confidence }) => {
      const counts = { detractors, passives: n - detractors - promoters, promoters };
      const mine = interval(counts, 'score', confidence);
      const estimate = (promoters - detractors) / n;
      expect(mine.lower).toBeLessThanOrEqual(estimate);
      expect(mine.upper).toBeGreaterThanOrEqual(estimate);
      const reference = referenceScore(detractors, promoters, n, Z[confidence]);
      expect(Math.abs(mine.lower - reference.lower)).toBeLessThan(1e-6);
      expect(Math.abs(mine.upper - reference.upper)).toBeLessThan(1e-6);
    },
  );

  it('contains the estimate for every outcome of n = 1 ... 40, for every method', () => {
    for (let n = 1; n <= 40; n++) {
      for (let b = 0; b <= n; b++) {
        for (let c = 0; b + c <= n; c++) {
          for (const method of ['score', 'adjusted-wald', 'wald'] as const) {
            const i = interval({ detractors: b, passives: n - b - c, promoters: c }, method, 0.95);
            const estimate = (c - b) / n;
            expect(i.lower <= estimate && estimate <= i.upper, `${method} ${b}/${n - b - c}/${c}`).toBe(true);
          }
        }
      }
    }
  });
});

describe('exact coverage at 95%', () => {
  const logFactorial: number[] = [0];
  for (let i = 1; i <= 100; i++) logFactorial[i] = logFactorial[i - 1] + Math.log(i);
  /** k log p, with 0 log 0 = 0: a share of 0 on an edge of the simplex. */
  const kLogP = (k: number, p: number) => (k === 0 ? 0 : k * Math.log(p));
  const GRID = 40;

  /**
   * Coverage at every true mix of shares on a 1/40 grid of the simplex, by enumerating every
   * trinomial outcome: the minimum inside (every share > 0), the minimum over the whole simplex
   * (edges, where a category is absent, and corners included), and the mean over the whole.
   */
  function coverage(method: IntervalMethod, n: number): { inside: number; whole: number; mean: number } {
    const outcomes: [number, number, { lower: number; upper: number }][] = [];
    for (let b = 0; b <= n; b++)
      for (let c = 0; b + c <= n; c++)
        outcomes.push([b, c, interval({ detractors: b, passives: n - b - c, promoters: c }, method, 0.95)]);
    let inside = 1;
    let whole = 1;
    let sum = 0;
    let cases = 0;
    for (let i = 0; i <= GRID; i++) {
      for (let j = 0; i + j <= GRID; j++) {
        const theta = (j - i) / GRID;
        let covered = 0;
        for (const [b, c, ci] of outcomes) {
          if (ci.lower <= theta + 1e-12 && theta - 1e-12 <= ci.upper) {
            const log = logFactorial[n] - logFactorial[b] - logFactorial[c] - logFactorial[n - b - c];
            covered += Math.exp(
              log + kLogP(b, i / GRID) + kLogP(c, j / GRID) + kLogP(n - b - c, (GRID - i - j) / GRID),
            );
          }
        }
        if (i > 0 && j > 0 && i + j < GRID) inside = Math.min(inside, covered);
        whole = Math.min(whole, covered);
        sum += covered;
        cases++;
      }
    }
    return { inside, whole, mean: sum / cases };
  }

  const METHODS: IntervalMethod[] = ['score', 'adjusted-wald', 'wald'];
  const SIZES = [10, 20, 30, 50, 100];
  const table = new Map(SIZES.map((n) => [n, METHODS.map((m) => coverage(m, n))]));

  it("is the README's table, to the digits it prints", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8').split('\n');
    const f = (x: number) => x.toFixed(3);
    for (const n of SIZES) {
      const row = `| ${n} | ${table
        .get(n)!
        .map((c) => `${f(c.inside)} / ${f(c.whole)} / ${f(c.mean)}`)
        .join(' | ')} |`;
      expect(readme).toContain(row);
    }
  });

  it('the score interval has the highest worst case over the whole simplex at every n tabled', () => {
    for (const n of SIZES) {
      const [score, adjusted, wald] = table.get(n)!;
      expect(score.whole).toBeGreaterThan(adjusted.whole);
      expect(score.whole).toBeGreaterThan(wald.whole);
    }
  });

  it('inside the simplex adjusted Wald holds a little better from n = 30 on: the README says so', () => {
    for (const n of [30, 50, 100]) expect(table.get(n)![1].inside).toBeGreaterThan(table.get(n)![0].inside);
    for (const n of [10, 20]) expect(table.get(n)![0].inside).toBeGreaterThan(table.get(n)![1].inside);
  });
});
