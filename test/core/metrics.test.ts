import { describe, expect, it } from 'vitest';
import { addSideMetrics, cesMean, csatPercent, mergeSideMetrics, newSideMetrics } from '../../src/core/metrics.js';

describe('side metrics', () => {
  it('counts CSAT 4-5 as satisfied and averages CES, ignoring answers off their scale', () => {
    const m = newSideMetrics();
    for (const [csat, ces] of [
      ['5', '2'],
      ['4 - Satisfied', '7'],
      ['3', ''],
      ['1', '9'],
      ['6', 'x'],
      ['', '1'],
    ] as const)
      addSideMetrics(m, csat, ces);
    expect(m).toEqual({ csatN: 4, csatSatisfied: 2, csatOff: 1, cesN: 3, cesSum: 10, cesOff: 2 });
    expect(csatPercent(m)).toBe(50);
    expect(cesMean(m)).toBeCloseTo(10 / 3, 12);
  });

  it('merges, and has no value without answers', () => {
    const a = newSideMetrics();
    const b = newSideMetrics();
    addSideMetrics(a, '5', undefined);
    addSideMetrics(b, '2', '4');
    mergeSideMetrics(a, b);
    expect(a).toEqual({ csatN: 2, csatSatisfied: 1, csatOff: 0, cesN: 1, cesSum: 4, cesOff: 0 });
    expect(csatPercent(newSideMetrics())).toBeNaN();
    expect(cesMean(newSideMetrics())).toBeNaN();
  });
});
