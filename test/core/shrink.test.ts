import { describe, expect, it } from 'vitest';
import { leaderboard } from '../../src/core/leaderboard.js';
import { rankBy } from '../../src/core/rank.js';
import { estimateShrinkage } from '../../src/core/shrink.js';
import { compareGroups, holm } from '../../src/core/significance.js';
import type { Counts } from '../../src/core/tally.js';
import { countsOf, tallyOf } from '../../src/core/tally.js';

const counts = (detractors: number, passives: number, promoters: number): Counts => ({
  detractors,
  passives,
  promoters,
});

describe('estimateShrinkage', () => {
  // Worked by hand: pooled (30, 20, 33) of 83: V = 0.7577297140368704, NPS = 3/83;
  // u_i = n_i / V, Q = 10.414750957854405, tau^2 = 0.14380893137768466, m = V / tau^2 = 5.269003161193436.
  const groups = [counts(0, 0, 3), counts(10, 10, 20), counts(20, 10, 10)];
  const s = estimateShrinkage(groups, counts(30, 20, 33));

  it('estimates the between-group variance and the prior strength', () => {
    expect(s.withinVariance).toBeCloseTo(0.7577297140368704, 12);
    expect(s.betweenVariance).toBeCloseTo(0.14380893137768466, 12);
    expect(s.strength).toBeCloseTo(5.269003161193436, 10);
    expect(s.overall).toBeCloseTo(3 / 83, 12);
  });

  it('pulls small groups hardest towards the overall score', () => {
    expect(s.shrink(groups[0])).toBeCloseTo(0.38583198424271353, 10); // 3 of 3 promoters: +100 -> +38.6
    expect(s.shrink(groups[1])).toBeCloseTo(0.22510868775056722, 10); // +25 of 40 -> +22.5
    expect(s.shrink(groups[2])).toBeCloseTo(-0.21669472304653362, 10);
  });

  it('shrinks every group to the overall score when they differ no more than chance', () => {
    const same = [counts(10, 10, 20), counts(11, 9, 20), counts(10, 11, 19)];
    const flat = estimateShrinkage(same, counts(31, 30, 59));
    expect(flat.strength).toBe(Infinity);
    expect(flat.shrink(same[0])).toBeCloseTo(28 / 120, 12);
  });

  it('gives NaN for an empty group and copes with a single group', () => {
    expect(s.shrink(counts(0, 0, 0))).toBeNaN();
    const one = estimateShrinkage([counts(1, 1, 2)], counts(1, 1, 2));
    expect(one.shrink(counts(1, 1, 2))).toBeCloseTo(0.25, 12);
  });
});

describe('rankBy', () => {
  const items = [
    { name: 'b', v: 10, n: 5 },
    { name: 'a', v: 30, n: 5 },
    { name: 'c', v: 10, n: 9 },
    { name: 'd', v: NaN, n: 0 },
    { name: 'e', v: 5, n: 1 },
  ];
  it('ranks highest first, ties share a rank and the next rank skips (1, 2, 2, 4)', () => {
    const ranked = rankBy(
      items,
      (x) => x.v,
      (x, y) => y.n - x.n || x.name.localeCompare(y.name),
    );
    expect(ranked.map((r) => [r.item.name, r.rank])).toEqual([
      ['a', 1],
      ['c', 2],
      ['b', 2],
      ['e', 4],
      ['d', NaN],
    ]);
  });
});

describe('leaderboard', () => {
  const stats = { method: 'adjusted-wald', confidence: 0.95 } as const;
  const tally = (det: number, pas: number, pro: number) =>
    tallyOf([...Array(det).fill(0), ...Array(pas).fill(7), ...Array(pro).fill(10)]);
  const groups = new Map([
    ['Tiny', tally(0, 0, 3)], // +100 from 3 answers: must not top the board
    ['Star', tally(2, 14, 44)], // +70 of 60
    ['Weak', tally(33, 12, 15)], // -30 of 60
    ['Mid A', tally(10, 10, 20)], // +25 of 40
    ['Mid B', tally(10, 10, 20)], // a tie with Mid A
  ]);

  it('ranks only groups with enough responses, keeps the rest apart, and shares ranks on ties', () => {
    const { standings } = leaderboard(groups, 30, 'nps', stats);
    expect(standings.map((s) => [s.key, s.rank])).toEqual([
      ['Star', 1],
      ['Mid A', 2],
      ['Mid B', 2],
      ['Weak', 4],
      ['Tiny', NaN],
    ]);
    expect(standings.at(-1)!.ranked).toBe(false);
    expect(standings.at(-1)!.vsRest).toBeUndefined();
  });

  it('tests each ranked group against all other responses, Holm-adjusted', () => {
    const { standings } = leaderboard(groups, 30, 'nps', stats);
    const star = standings[0];
    const rest = countsOf(
      tallyOf([...Array(3).fill(10), ...Array(33 + 20).fill(0), ...Array(12 + 20).fill(7), ...Array(15 + 40).fill(10)]),
    );
    expect(star.vsRest).toEqual(compareGroups(countsOf(groups.get('Star')!), rest, stats));
    expect(standings.slice(0, 4).map((s) => s.pAdjusted)).toEqual(holm(standings.slice(0, 4).map((s) => s.vsRest!.p)));
  });

  it('ranks by the lower bound or the shrunk score when asked', () => {
    const lower = leaderboard(groups, 0, 'lower', stats).standings;
    expect(lower[0].key).toBe('Star');
    const shrunk = leaderboard(groups, 0, 'shrunk', stats).standings;
    expect(shrunk.map((s) => s.key).indexOf('Tiny')).toBeGreaterThan(0); // 3 of 3 is shrunk below Star
    expect(shrunk[0].key).toBe('Star');
  });
});
