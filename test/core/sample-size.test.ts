import { describe, expect, it } from 'vitest';
import { interval } from '../../src/core/interval.js';
import { responsesForMargin, responsesPerGroupForDifference, worstCaseForMargin } from '../../src/core/sample-size.js';

// Unrounded values from Python's statistics.NormalDist: z(0.975) = 1.9599639845400536,
// z(0.8) = 0.8416212335729144, z(0.995) = 2.5758293035489, z(0.95) = 1.6448536269514722, z(0.9) = 1.2815515655446004.
const score = { method: 'score', confidence: 0.95 } as const;

/** Both half-widths of the interval at n answers with these shares, in the file's own (integer) counts. */
function halfWidths(
  n: number,
  promoters: number,
  detractors: number,
  method: 'score' | 'adjusted-wald' | 'wald' = 'score',
  confidence = 0.95,
) {
  const counts = { promoters: n * promoters, passives: n * (1 - promoters - detractors), detractors: n * detractors };
  const i = interval(counts, method, confidence);
  return { below: promoters - detractors - i.lower, above: i.upper - (promoters - detractors) };
}

describe('responses for a target margin: the smallest n whose own interval is that narrow', () => {
  it('gives the n at which an export with exactly those shares is within the margin on both sides: 90% promoters, ±10', () => {
    const n = responsesForMargin(0.1, score, { promoters: 0.9, detractors: 0 });
    expect(n).toBe(70);
    // 63 promoters and 7 passives, as a report would read them.
    const { below, above } = halfWidths(70, 0.9, 0);
    expect(below).toBeLessThanOrEqual(0.1);
    expect(above).toBeLessThanOrEqual(0.1);
    // The adjusted-Wald formula's 32 answers give ±14 below.
    expect(halfWidths(32, 0.9, 0).below).toBeGreaterThan(0.14);
  });

  it.each([
    {
      name: '±0.05 at 95%, 50% promoters and 20% detractors',
      margin: 0.05,
      shares: { promoters: 0.5, detractors: 0.2 },
    },
    { name: '±0.2, 80% promoters and none detracting', margin: 0.2, shares: { promoters: 0.8, detractors: 0 } },
    { name: '±0.1, 40% promoters and 20% detractors', margin: 0.1, shares: { promoters: 0.4, detractors: 0.2 } },
    { name: '±0.03, 10% promoters and 70% detractors', margin: 0.03, shares: { promoters: 0.1, detractors: 0.7 } },
    { name: '±0.1, all promoters', margin: 0.1, shares: { promoters: 1, detractors: 0 } },
    { name: '±0.1, all detractors', margin: 0.1, shares: { promoters: 0, detractors: 1 } },
    { name: '±0.1, all passives', margin: 0.1, shares: { promoters: 0, detractors: 0 } },
  ])('$name: fits at n, not at n - 1', ({ margin, shares }) => {
    const n = responsesForMargin(margin, score, shares);
    const at = halfWidths(n, shares.promoters, shares.detractors);
    const before = halfWidths(n - 1, shares.promoters, shares.detractors);
    expect(Math.max(at.below, at.above)).toBeLessThanOrEqual(margin);
    expect(Math.max(before.below, before.above)).toBeGreaterThan(margin);
  });

  it('gives NaN for a Wald interval with every answer in one category: it has zero width at any n', () => {
    const wald = { method: 'wald', confidence: 0.95 } as const;
    expect(responsesForMargin(0.1, wald, { promoters: 1, detractors: 0 })).toBeNaN();
    expect(responsesForMargin(0.1, wald, { promoters: 0, detractors: 0 })).toBeNaN();
    expect(responsesForMargin(0.1, wald, { promoters: 0.99, detractors: 0 })).toBeGreaterThan(1);
  });

  it('follows the method and the level asked for', () => {
    expect(responsesForMargin(0.05, { method: 'wald', confidence: 0.95 })).toBe(1537); // ceil(1.96² / 0.05²)
    expect(responsesForMargin(0.03, { method: 'score', confidence: 0.99 })).toBeGreaterThan(
      responsesForMargin(0.03, score),
    );
  });

  it('needs one answer for a margin any survey meets', () => {
    expect(responsesForMargin(1.9, score)).toBe(1);
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
    expect(responsesForMargin(margin, { method: 'score', confidence }, shares)).toBeNaN();
  });

  it('accepts shares that sum to 1 up to rounding', () => {
    // Shares copied from a report can overshoot 1 by a rounding error.
    expect(responsesForMargin(0.05, score, { promoters: 0.7, detractors: 0.30000000000000004 })).not.toBeNaN();
  });
});

describe('the worst case: the shares that need the most responses for a margin', () => {
  it('is not half promoters and half detractors for the score interval: ±10 needs 385, not 381', () => {
    const worst = worstCaseForMargin(0.1, score);
    expect(responsesForMargin(0.1, score, { promoters: 0.5, detractors: 0.5 })).toBe(381);
    expect(worst.responses).toBeGreaterThanOrEqual(385);
    expect(responsesForMargin(0.1, score)).toBe(worst.responses);
    // The shares it names need exactly that many.
    const { promoters, detractors } = worst.shares;
    const at = halfWidths(worst.responses, promoters, detractors);
    const before = halfWidths(worst.responses - 1, promoters, detractors);
    expect(Math.max(at.below, at.above)).toBeLessThanOrEqual(0.1);
    expect(Math.max(before.below, before.above)).toBeGreaterThan(0.1);
  });

  it.each([
    { margin: 0.1, method: 'score' },
    { margin: 0.05, method: 'score' },
    { margin: 0.3, method: 'score' },
    { margin: 0.3, method: 'adjusted-wald' },
    { margin: 1.3, method: 'wald' },
  ] as const)(
    '±$margin by $method: no share on a finer grid needs more, and the shares named need that many',
    ({ margin, method }) => {
      const worst = worstCaseForMargin(margin, { method, confidence: 0.95 });
      const wider = (n: number, p: number, d: number) => {
        const { below, above } = halfWidths(n, p, d, method);
        return Math.max(below, above);
      };
      // Every mix of promoters, passives and detractors 1/300 apart (not a multiple of the search's
      // grids), both more promoters and more detractors.
      const steps = 300;
      const needMore: string[] = [];
      let checked = 0;
      for (let i = 0; i <= steps; i++) {
        for (let j = 0; i + j <= steps; j++) {
          if (wider(worst.responses, i / steps, j / steps) > margin)
            needMore.push(`${i}/${steps} promoters, ${j}/${steps} detractors`);
          checked++;
        }
      }
      expect(checked).toBe(((steps + 1) * (steps + 2)) / 2);
      expect(needMore).toEqual([]);
      expect(wider(worst.responses - 1, worst.shares.promoters, worst.shares.detractors)).toBeGreaterThan(margin);
    },
  );

  it('names whole percentages, promoters first, the same every time', () => {
    const worst = worstCaseForMargin(0.1, score);
    expect(worst.shares).toEqual({ promoters: 0.55, detractors: 0.45 });
    expect(worstCaseForMargin(0.1, score)).toEqual(worst);
  });

  it('is half promoters and half detractors for the Wald interval, where V = 1 is the widest: ceil(z² / m²)', () => {
    const worst = worstCaseForMargin(0.05, { method: 'wald', confidence: 0.95 });
    expect(worst).toEqual({ responses: 1537, shares: { promoters: 0.5, detractors: 0.5 } });
  });

  it.each([
    { name: 'zero margin', margin: 0, confidence: 0.95 },
    { name: 'confidence 1', margin: 0.05, confidence: 1 },
  ])('NaN for $name', ({ margin, confidence }) => {
    expect(worstCaseForMargin(margin, { method: 'score', confidence }).responses).toBeNaN();
  });
});

describe('responses per group to detect a difference', () => {
  it.each([
    // (1.9599639845400536 + 0.8416212335729144)² · 2 / 0.1² = 1569.78.
    {
      name: '0.1 at 95% with 80% power, worst case',
      difference: 0.1,
      confidence: 0.95,
      power: 0.8,
      shares: undefined,
      expected: 1570,
    },
    {
      name: 'the sign of the difference does not matter',
      difference: -0.1,
      confidence: 0.95,
      power: 0.8,
      shares: undefined,
      expected: 1570,
    },
    // Same with V = 0.61: 957.56.
    {
      name: '0.1 at 95% with 80% power, 50% promoters and 20% detractors',
      difference: 0.1,
      confidence: 0.95,
      power: 0.8,
      shares: { promoters: 0.5, detractors: 0.2 },
      expected: 958,
    },
    // (2.5758293035489 + 1.2815515655446004)² · 2 / 0.2² = 743.97.
    {
      name: '0.2 at 99% with 90% power, worst case',
      difference: 0.2,
      confidence: 0.99,
      power: 0.9,
      shares: undefined,
      expected: 744,
    },
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
    {
      name: 'shares summing above 1',
      difference: 0.1,
      confidence: 0.95,
      power: 0.8,
      shares: { promoters: 0.6, detractors: 0.6 },
    },
    {
      name: 'all promoters (V = 0)',
      difference: 0.1,
      confidence: 0.95,
      power: 0.8,
      shares: { promoters: 1, detractors: 0 },
    },
    {
      name: 'all passives (V = 0)',
      difference: 0.1,
      confidence: 0.95,
      power: 0.8,
      shares: { promoters: 0, detractors: 0 },
    },
  ])('NaN for $name', ({ difference, confidence, power, shares }) => {
    expect(responsesPerGroupForDifference(difference, confidence, power, shares)).toBeNaN();
  });
});
