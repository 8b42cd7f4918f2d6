import { describe, expect, it } from 'vitest';
import { responsesForMargin, responsesPerGroupForDifference } from '../../src/core/sample-size.js';

// Unrounded values from Python's statistics.NormalDist: z(0.975) = 1.9599639845400536,
// z(0.8) = 0.8416212335729144, z(0.995) = 2.5758293035489, z(0.95) = 1.6448536269514722, z(0.9) = 1.2815515655446004.
describe('responses for a target margin', () => {
  it.each([
    // z² / 0.05² - 3 = 1533.58: the worst case for ±5 points at 95% quoted in DESIGN.md.
    { name: '±0.05 at 95%, worst case', margin: 0.05, confidence: 0.95, shares: undefined, expected: 1534 },
    // V = 0.5 + 0.2 - 0.3² = 0.61; z² · 0.61 / 0.05² - 3 = 934.32.
    { name: '±0.05 at 95%, 50% promoters and 20% detractors', margin: 0.05, confidence: 0.95, shares: { promoters: 0.5, detractors: 0.2 }, expected: 935 },
    // 2.5758293035489² / 0.03² - 3 = 7369.11.
    { name: '±0.03 at 99%, worst case', margin: 0.03, confidence: 0.99, shares: undefined, expected: 7370 },
    // V = 0.4 + 0.2 - 0.2² = 0.56; 1.6448536269514722² · 0.56 / 0.1² - 3 = 148.51.
    { name: '±0.10 at 90%, 40% promoters and 20% detractors', margin: 0.1, confidence: 0.9, shares: { promoters: 0.4, detractors: 0.2 }, expected: 149 },
    // V = 1 also when half promote and half detract.
    { name: 'shares at the worst case itself', margin: 0.05, confidence: 0.95, shares: { promoters: 0.5, detractors: 0.5 }, expected: 1534 },
    // A margin wide enough for any survey still needs one answer.
    { name: 'a huge margin', margin: 1.9, confidence: 0.95, shares: undefined, expected: 1 },
  ])('$name: $expected', ({ margin, confidence, shares, expected }) => {
    expect(responsesForMargin(margin, confidence, shares)).toBe(expected);
  });

  it.each([
    { name: 'zero margin', margin: 0, confidence: 0.95, shares: undefined },
    { name: 'negative margin', margin: -0.05, confidence: 0.95, shares: undefined },
    { name: 'infinite margin', margin: Infinity, confidence: 0.95, shares: undefined },
    { name: 'NaN margin', margin: NaN, confidence: 0.95, shares: undefined },
    { name: 'confidence 1', margin: 0.05, confidence: 1, shares: undefined },
    { name: 'confidence 0', margin: 0.05, confidence: 0, shares: undefined },
    { name: 'confidence as a percentage', margin: 0.05, confidence: 95, shares: undefined },
    { name: 'shares summing above 1', margin: 0.05, confidence: 0.95, shares: { promoters: 0.7, detractors: 0.4 } },
    { name: 'a negative share', margin: 0.05, confidence: 0.95, shares: { promoters: -0.1, detractors: 0.4 } },
    { name: 'a NaN share', margin: 0.05, confidence: 0.95, shares: { promoters: NaN, detractors: 0.4 } },
  ])('NaN for $name', ({ margin, confidence, shares }) => {
    expect(responsesForMargin(margin, confidence, shares)).toBeNaN();
  });

  it('accepts shares that sum to 1 up to rounding', () => {
    // Shares copied from a report can overshoot 1 by a rounding error.
    expect(responsesForMargin(0.05, 0.95, { promoters: 0.7, detractors: 0.30000000000000004 })).not.toBeNaN();
  });
});

describe('responses per group to detect a difference', () => {
  it.each([
    // (1.9599639845400536 + 0.8416212335729144)² · 2 / 0.1² - 3 = 1566.78.
    { name: '0.1 at 95% with 80% power, worst case', difference: 0.1, confidence: 0.95, power: 0.8, shares: undefined, expected: 1567 },
    { name: 'the sign of the difference does not matter', difference: -0.1, confidence: 0.95, power: 0.8, shares: undefined, expected: 1567 },
    // Same with V = 0.61: 954.56.
    {
      name: '0.1 at 95% with 80% power, 50% promoters and 20% detractors',
      difference: 0.1,
      confidence: 0.95,
      power: 0.8,
      shares: { promoters: 0.5, detractors: 0.2 },
      expected: 955,
    },
    // (2.5758293035489 + 1.2815515655446004)² · 2 / 0.2² - 3 = 740.97.
    { name: '0.2 at 99% with 90% power, worst case', difference: 0.2, confidence: 0.99, power: 0.9, shares: undefined, expected: 741 },
  ])('$name: $expected', ({ difference, confidence, power, shares, expected }) => {
    expect(responsesPerGroupForDifference(difference, confidence, power, shares)).toBe(expected);
  });

  it.each([
    { name: 'no difference', difference: 0, confidence: 0.95, power: 0.8, shares: undefined },
    { name: 'a difference beyond the scale', difference: 2.5, confidence: 0.95, power: 0.8, shares: undefined },
    { name: 'NaN difference', difference: NaN, confidence: 0.95, power: 0.8, shares: undefined },
    { name: 'power 1', difference: 0.1, confidence: 0.95, power: 1, shares: undefined },
    { name: 'power 0', difference: 0.1, confidence: 0.95, power: 0, shares: undefined },
    { name: 'confidence above 1', difference: 0.1, confidence: 1.2, power: 0.8, shares: undefined },
    { name: 'shares summing above 1', difference: 0.1, confidence: 0.95, power: 0.8, shares: { promoters: 0.6, detractors: 0.6 } },
  ])('NaN for $name', ({ difference, confidence, power, shares }) => {
    expect(responsesPerGroupForDifference(difference, confidence, power, shares)).toBeNaN();
  });
});
