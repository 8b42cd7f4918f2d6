import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interval } from '../../src/core/interval.js';
import { compareGroups } from '../../src/core/significance.js';
import { summarize } from '../../src/core/summary.js';
import {
  addAnswer,
  answersOf,
  computable,
  countsOf,
  effectiveSize,
  mergeTallies,
  newTally,
  restOf,
  tallyOf,
  weightOf,
} from '../../src/core/tally.js';
import { spawnChild } from '../helpers/child.js';

/*
 * Weighted tallies, checked by hand: fixtures/weighted.csv's five used answers are 10 (weight 2),
 * 9 (1), 8 (1), 3 (0.5) and 0 (1.5). Sum of weights 6, of their squares 4 + 1 + 1 + 0.25 + 2.25
 * = 8.5, so Kish's effective n is 6^2 / 8.5 = 4.2353 (what --min-n counts). Promoters weigh 3 of 6
 * (50%), passives 1 (16.7%), detractors 2 (33.3%): NPS +16.7, ȳ = 1/6. By linearization,
 * Σ w²(y − ȳ)² = 5 (5/6)² + 2.5 (7/6)² + 1 (1/6)² = 248.5/36 and V = 5/4 × 248.5/36 / 6² =
 * 310.625/1296; the spread of y is 5/6 − 1/36 = 29/36, so the design n is 29/36 / V = 1044/310.625
 * = 3.361. The interval is that of 3.361 answers in those shares.
 */

/** The design n of the worked example, by linearization. */
const DESIGN_N = 1044 / 310.625;

const stats = { method: 'score', confidence: 0.95 } as const;

/** The worked example's answers, every weight times `by`. */
function weighted(by = 1): Float64Array {
  const t = newTally();
  for (const [score, weight] of [
    [10, 2],
    [9, 1],
    [8, 1],
    [3, 0.5],
    [0, 1.5],
  ])
    addAnswer(t, score, weight * by);
  return t;
}

describe('weighted tallies', () => {
  it("give the weighted shares and NPS, the design n by linearization, and Kish's n for --min-n", () => {
    const s = summarize(weighted(), stats);
    // n counts the answers; their weight is another figure.
    expect(s.n).toBe(5);
    expect(s.weightedN).toBe(6);
    expect(s.nEffective).toBeCloseTo(DESIGN_N, 12);
    expect(s.counted).toBeCloseTo(36 / 8.5, 12);
    expect(s.promotersPct).toBeCloseTo(50, 12);
    expect(s.passivesPct).toBeCloseTo(100 / 6, 12);
    expect(s.detractorsPct).toBeCloseTo(100 / 3, 12);
    expect(s.nps).toBeCloseTo(100 / 6, 12);
  });

  it('put the interval around the weighted NPS with the precision of the design n', () => {
    const k = DESIGN_N / 6;
    const expected = interval({ promoters: 3 * k, passives: 1 * k, detractors: 2 * k }, 'score', 0.95);
    const s = summarize(weighted(), stats);
    expect(s.lower).toBeCloseTo(100 * expected.lower, 9);
    expect(s.upper).toBeCloseTo(100 * expected.upper, 9);
    // Wider than if the 6 weight units were 6 answers.
    const naive = interval({ promoters: 3, passives: 1, detractors: 2 }, 'score', 0.95);
    expect(s.upper - s.lower).toBeGreaterThan(100 * (naive.upper - naive.lower));
  });

  it('count as counts without weights: the effective n is n and nothing is rescaled', () => {
    const t = tallyOf([10, 10, 9, 7, 3, 0]);
    expect(effectiveSize(t)).toBe(6);
    expect(countsOf(t)).toEqual({ promoters: 3, passives: 1, detractors: 2 });
    const plain = newTally();
    plain[10] = 3;
    plain[7] = 1;
    plain[0] = 2;
    expect(countsOf(plain)).toEqual({ promoters: 3, passives: 1, detractors: 2 });
  });

  it('test differences on effective counts too', () => {
    const a = weighted();
    const b = tallyOf([10, 9, 9, 8, 7, 6, 0, 10]);
    const k = DESIGN_N / 6;
    const byHand = compareGroups(
      { promoters: 3 * k, passives: 1 * k, detractors: 2 * k },
      { promoters: 4, passives: 2, detractors: 2 },
      stats,
    );
    const ours = compareGroups(countsOf(a), countsOf(b), stats);
    for (const key of Object.keys(byHand) as (keyof typeof byHand)[]) expect(ours[key]).toBeCloseTo(byHand[key], 12);
  });
});

describe('weights at any scale', () => {
  const scaled = weighted;

  it.each([1e-200, 1e-160, 2 ** -600, 1e150, 1e300])('give the same figures with every weight times %s', (by) => {
    const s = summarize(scaled(by), stats);
    const plain = summarize(scaled(1), stats);
    expect(s.nEffective).toBeCloseTo(DESIGN_N, 12);
    for (const key of ['nps', 'lower', 'upper', 'promotersPct', 'detractorsPct'] as const)
      expect(s[key]).toBeCloseTo(plain[key], 11);
    expect(s.n).toBe(5);
    expect(s.weightedN / (6 * by)).toBeCloseTo(1, 12);
    expect(computable(scaled(by))).toBe(true);
  });

  it('merge and subtract tallies kept at different factors', () => {
    const tiny = scaled(1e-200);
    const tinyToo = scaled(1e-200);
    const merged = mergeTallies(mergeTallies(newTally(), tiny), tinyToo);
    expect(effectiveSize(merged)).toBeCloseTo((2 * 36) / 8.5, 10);
    expect(effectiveSize(restOf(merged, tiny))).toBeCloseTo(36 / 8.5, 10);
    // Next to weights of 1, weights of 1e-200 count for nothing.
    const mixed = mergeTallies(scaled(1), tiny);
    expect(effectiveSize(mixed)).toBeCloseTo(36 / 8.5, 12);
    expect(weightOf(mixed)).toBe(6);
  });
});

describe('the number of answers beside their weight', () => {
  it('counts answers, a counts row as its count, through merges and rests', () => {
    const t = newTally();
    addAnswer(t, 9, 2.5);
    addAnswer(t, 0, 0);
    addAnswer(t, 10, 7, 7); // a --counts row: 7 answers of weight 1
    expect(answersOf(t)).toBe(9);
    expect(weightOf(t)).toBe(9.5);
    const part = newTally();
    addAnswer(part, 9, 2.5);
    const merged = mergeTallies(mergeTallies(newTally(), t), part);
    expect(answersOf(merged)).toBe(10);
    expect(answersOf(restOf(merged, part))).toBe(9);
  });
});

describe('computable: weighted figures in floating point', () => {
  it.each([
    [[1, 2, 1.5], true],
    [[1e-200, 2e-200], true],
    [[1e308, 1.5e308], false], // their sum is Infinity
    [[], true],
  ])('%j: %s', (weights, expected) => {
    const t = newTally();
    for (const w of weights) addAnswer(t, 9, w);
    expect(computable(t)).toBe(expected);
  });
});

describe("a --weight column's interval by linearization, against R survey", () => {
  it.each([3, 17, 101])(
    "seed %i: the Wald margin is z times svymean's standard error",
    (seed) => {
      let state = seed;
      const random = () => {
        state = (state * 1103515245 + 12345) % 2147483648;
        return state / 2147483648;
      };
      // Weights that lean with the answer, as a --weight column of unknown origin may.
      const rows = Array.from({ length: 300 }, () => {
        const score = Math.floor(random() * 11);
        return { score, weight: 0.3 + random() * (score >= 9 ? 3 : 1) };
      });
      const t = newTally();
      for (const r of rows) addAnswer(t, r.score, r.weight);
      const dir = mkdtempSync(join(tmpdir(), 'nps-weights-'));
      try {
        const file = join(dir, 'w.csv');
        writeFileSync(file, `score,w\n${rows.map((r) => `${r.score},${r.weight}`).join('\n')}\n`);
        if (!existsSync('/usr/bin/Rscript'))
          throw new Error(
            'R is missing: install it with `apt-get install -y --no-install-recommends r-base-core r-cran-survey` (as root)',
          );
        const result = spawnChild('Rscript', [
          '-e',
          [
            'suppressMessages(library(survey))',
            `d <- read.csv("${file}")`,
            'd$y <- ifelse(d$score >= 9, 1, ifelse(d$score <= 6, -1, 0))',
            'm <- svymean(~y, svydesign(ids = ~1, weights = ~w, data = d))',
            'cat(sprintf("%.15f", c(100 * coef(m), 100 * SE(m))))',
          ].join('\n'),
        ]);
        expect(result.status, result.stderr).toBe(0);
        const [nps, se] = result.stdout.trim().split(/\s+/).map(Number);
        const s = summarize(t, { method: 'wald', confidence: 0.95 });
        expect(s.nps).toBeCloseTo(nps, 9);
        expect((s.upper - s.nps) / 1.959963984540054).toBeCloseTo(se, 6);
        // Kish's n is not the design n when weights lean with the answers.
        expect(Math.abs(s.nEffective - effectiveSize(t))).toBeGreaterThan(1);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
