import { describe, expect, it } from 'vitest';
import { scaleProblem } from '../../src/core/scale.js';
import { tallyOf } from '../../src/core/tally.js';

const repeat = (values: number[], times: number) => Array.from({ length: times }, () => values).flat();

describe('scaleProblem', () => {
  it('accepts 0-10 answers, including a column in which nobody answered 0', () => {
    expect(scaleProblem(tallyOf(repeat([0, 3, 7, 9, 10], 10)), 0)).toBeUndefined();
    expect(scaleProblem(tallyOf(repeat([1, 3, 7, 9, 10], 10)), 0)).toBeUndefined();
  });

  it('accepts a few answers that happen to be low, and a single stray 11', () => {
    expect(scaleProblem(tallyOf([1, 2, 3, 4, 5]), 0)).toBeUndefined();
    expect(scaleProblem(tallyOf(repeat([1, 5, 8, 9, 10], 20)), 1)).toBeUndefined();
  });

  it('refuses a 1-5 scale', () => {
    expect(scaleProblem(tallyOf(repeat([1, 2, 3, 4, 5], 4)), 0)).toBe(
      'all 20 answers are between 1 and 5: this looks like a 1-5 scale, not 0-10',
    );
  });

  it('refuses a 1-7 scale once there are enough answers to tell', () => {
    expect(scaleProblem(tallyOf(repeat([1, 4, 6, 7], 10)), 0)).toMatch(/1-7 scale/);
    expect(scaleProblem(tallyOf(repeat([1, 4, 6, 7], 5)), 0)).toBeUndefined();
  });

  it('refuses a 1-11 recode: no zeros and many elevens', () => {
    expect(scaleProblem(tallyOf(repeat([1, 5, 8, 9, 10], 10)), 12)).toBe(
      'no answer is 0 and 12 are outside 0-10: this looks like a 1-11 scale',
    );
  });
});
