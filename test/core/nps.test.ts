import { describe, expect, it } from 'vitest';
import { classify } from '../../src/core/classify.js';
import { netScore, standardError, variance } from '../../src/core/nps.js';
import { type Counts, countsOf, tallyOf } from '../../src/core/tally.js';

const counts = (detractors: number, passives: number, promoters: number): Counts => ({
  detractors,
  passives,
  promoters,
});

describe('classify', () => {
  it.each([
    [0, 'detractor'],
    [6, 'detractor'],
    [7, 'passive'],
    [8, 'passive'],
    [9, 'promoter'],
    [10, 'promoter'],
  ] as const)('%i is a %s', (score, category) => {
    expect(classify(score)).toBe(category);
  });
});

// Published values: the unit tests of the R package NPS by the author of Rocks (2016).
describe('netScore, variance and standard error against the published values', () => {
  it.each([
    [counts(1, 2, 3), 1 / 3],
    [counts(1, 0, 0), -1],
    [counts(0, 0, 1), 1],
    [counts(0, 1, 0), 0],
  ])('nps of %o is %d', (c, expected) => {
    expect(netScore(c)).toBeCloseTo(expected, 12);
  });

  it('nps of the raw scores 0,7,7,9,9,9 is 1/3', () => {
    expect(netScore(countsOf(tallyOf([0, 7, 7, 9, 9, 9])))).toBeCloseTo(1 / 3, 12);
  });

  it.each([
    [counts(1, 2, 3), 5 / 9],
    [counts(1, 0, 0), 0],
    [counts(0, 1, 0), 0],
    [counts(0, 0, 1), 0],
    [counts(1, 0, 1), 1],
    [counts(0, 1, 1), 0.25],
    [counts(1, 1, 1), 2 / 3],
  ])('variance of %o is %d', (c, expected) => {
    expect(variance(c)).toBeCloseTo(expected, 12);
  });

  it.each([
    [counts(1, 2, 3), 0.304],
    // biome-ignore lint/suspicious/noApproximativeNumericConstant: the published value, to three places
    [counts(1, 0, 1), 0.707],
    [counts(0, 1, 1), 0.354],
    [counts(1, 1, 1), 0.471],
  ])('standard error of %o is %d', (c, expected) => {
    expect(Math.abs(standardError(c) - expected)).toBeLessThanOrEqual(0.001);
  });

  it('has no score for no answers', () => {
    expect(netScore(counts(0, 0, 0))).toBeNaN();
    expect(variance(counts(0, 0, 0))).toBeNaN();
  });

  it('stays exact for millions of answers', () => {
    const c = counts(2_000_000, 3_000_000, 5_000_000);
    expect(netScore(c)).toBeCloseTo(0.3, 14);
    expect(variance(c)).toBeCloseTo(0.7 - 0.09, 14);
  });
});
