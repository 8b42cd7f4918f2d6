import { describe, expect, it } from 'vitest';
import { eachAgainstRest } from '../../src/core/groups.js';
import { compareGroups, holm } from '../../src/core/significance.js';
import { countsOf, tallyOf } from '../../src/core/tally.js';
import { trendOf } from '../../src/core/trend.js';

const stats = { method: 'adjusted-wald', confidence: 0.95 } as const;
const scores = (pro: number, pas: number, det: number) => [
  ...Array(pro).fill(10),
  ...Array(pas).fill(8),
  ...Array(det).fill(2),
];

describe('trendOf', () => {
  const periods = new Map([
    [100, tallyOf(scores(50, 30, 20))],
    [101, tallyOf(scores(52, 28, 20))],
    // 102 has no responses
    [103, tallyOf(scores(20, 30, 50))],
  ]);
  const points = trendOf(periods, 100, 103, stats);

  it('has one point per period, empty ones included with n = 0', () => {
    expect(points.map((p) => [p.key, p.summary.n])).toEqual([
      [100, 100],
      [101, 100],
      [102, 0],
      [103, 100],
    ]);
  });

  it('tests each change against the period before, and cannot test against an empty one', () => {
    expect(points[0].change).toBeUndefined();
    expect(points[1].change!.difference).toBeCloseTo(0.02, 12);
    expect(points[2].change!.p).toBeNaN();
    expect(points[3].change!.p).toBeNaN();
  });

  it('Holm-adjusts the p-values across the series', () => {
    const raw = compareGroups(countsOf(periods.get(101)!), countsOf(periods.get(100)!), stats).p;
    expect(points[1].pAdjusted).toBe(holm([raw])[0]);
  });
});

describe('eachAgainstRest', () => {
  const groups = new Map([
    ['phone', tallyOf(scores(70, 20, 10))],
    ['chat', tallyOf(scores(30, 30, 40))],
    ['email', tallyOf(scores(50, 30, 20))],
  ]);
  const results = eachAgainstRest(groups, stats);

  it('sorts groups by name and compares each with all the others pooled', () => {
    expect(results.map((r) => r.key)).toEqual(['chat', 'email', 'phone']);
    const chat = results[0];
    const rest = countsOf(tallyOf([...scores(70, 20, 10), ...scores(50, 30, 20)]));
    expect(chat.vsRest).toEqual(compareGroups(countsOf(groups.get('chat')!), rest, stats));
  });

  it('adjusts with Holm across the groups', () => {
    expect(results.map((r) => r.pAdjusted)).toEqual(holm(results.map((r) => r.vsRest.p)));
    expect(results[0].pAdjusted).toBeLessThan(0.05); // chat is clearly below
    expect(results[1].pAdjusted).toBeGreaterThan(0.05); // email is about average
  });
});
