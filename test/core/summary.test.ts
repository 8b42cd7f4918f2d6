import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/core/summary.js';
import { newTally, tallyOf } from '../../src/core/tally.js';

const stats = { method: 'wald', confidence: 0.95 } as const;

describe('summarize', () => {
  it('gives points and percentages for the Market Strategies example', () => {
    const scores = [...Array(200).fill(10), ...Array(200).fill(8), ...Array(100).fill(3)];
    const s = summarize(tallyOf(scores), stats);
    expect(s).toMatchObject({
      n: 500,
      promoters: 200,
      passives: 200,
      detractors: 100,
      promotersPct: 40,
      passivesPct: 40,
      detractorsPct: 20,
    });
    expect(s.nps).toBeCloseTo(20, 12);
    expect(s.margin).toBeCloseTo(6.559, 3);
    expect(s.distribution).toEqual([0, 0, 0, 100, 0, 0, 0, 0, 200, 0, 200]);
  });

  it('has nothing to say about no answers, without throwing', () => {
    const s = summarize(newTally(), stats);
    expect(s.n).toBe(0);
    expect(s.nps).toBeNaN();
    expect(s.lower).toBeNaN();
    expect(s.promotersPct).toBeNaN();
  });

  it("handles a single answer: the raw score, and the adjusted interval around NPS' = -25, widened to reach it", () => {
    // Adjusted counts (1.75, 1.5, 0.75), n' = 4: NPS' = -0.25, V' = 0.5625, z * 0.375 = 0.735: -98.5 to +48.5,
    // which leaves the estimate -100 outside: the lower bound goes down to it.
    const s = summarize(tallyOf([6]), { method: 'adjusted-wald', confidence: 0.95 });
    expect(s.nps).toBe(-100);
    expect(s.lower).toBe(-100);
    expect(s.upper).toBeCloseTo(-25 + 100 * 1.959963984540054 * 0.375, 10);
    expect(s.margin).toBeCloseTo((s.upper - s.lower) / 2, 10);
  });
});
