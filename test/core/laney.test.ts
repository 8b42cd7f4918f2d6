import { describe, expect, it } from 'vitest';
import { baselineOf, type Charts, calibrate, chartDay, type DayCounts } from '../../src/core/monitor.js';
import { generator } from '../helpers/random.js';

/**
 * Days of 400 answers whose own detractor share wanders (20%, sd 3 points from day to day) beyond
 * the binomial's 2 points: a busy contact centre's days, where some days are simply worse.
 */
function overdispersedDay(g: ReturnType<typeof generator>): DayCounts {
  const n = 400;
  const share = Math.min(0.9, Math.max(0.02, 0.2 + 0.03 * g.normal()));
  let detractors = 0;
  let promoters = 0;
  for (let i = 0; i < n; i++) {
    const u = g.uniform();
    if (u < share) detractors++;
    else if (u > share + 0.3) promoters++;
  }
  return { n, detractors, promoters };
}

describe("Laney's adjustment", () => {
  it('keeps the in-control run length of overdispersed days near --arl, where binomial limits would not', () => {
    const g = generator(21);
    const days = Array.from({ length: 1500 }, () => overdispersedDay(g));
    // The level as known (20% detractors, 50% promoters), so that the test weighs Laney's σz alone:
    // a level estimated a standard error off moves a one-sided chart's run length as much.
    const baseline = { ...baselineOf(days, 0.01), detractors: 0.2, promoters: 0.5 };
    expect(baseline.dispersionP.detractors).toBeLessThan(0.01);
    // sqrt(0.03^2 + 0.02^2) / 0.02 = 1.80: the day-to-day sd over the binomial's.
    expect(baseline.laney.detractors).toBeGreaterThan(1.6);
    expect(baseline.laney.detractors).toBeLessThan(2);
    const settings = { lambda: 0.1, arl: 365, shift: 0.08 };
    const charts = calibrate(
      baseline,
      days.map((d) => d.n),
      settings,
    );
    const binomial = calibrate(
      { ...baseline, laney: { detractors: 1, nps: 1 } },
      days.map((d) => d.n),
      settings,
    );
    const runLengths = (c: Charts, b: typeof baseline) => {
      const lengths = { detractors: 0, cusum: 0 };
      const runs = 400;
      for (let r = 0; r < runs; r++) {
        const state: Charts = { ...c, z: { detractors: 0, nps: 0 }, s: 0 };
        const first: { detractors?: number; cusum?: number } = {};
        for (let day = 1; first.detractors === undefined || first.cusum === undefined; day++) {
          const point = chartDay(state, b, overdispersedDay(g));
          if (point.out.detractors) first.detractors ??= day;
          if (point.out.cusum) first.cusum ??= day;
          if (day > 5000) break;
        }
        lengths.detractors += (first.detractors ?? 5000) / runs;
        lengths.cusum += (first.cusum ?? 5000) / runs;
      }
      return lengths;
    };
    const adjusted = runLengths(charts, baseline);
    expect(Math.abs(adjusted.detractors / 365 - 1)).toBeLessThan(0.2);
    expect(Math.abs(adjusted.cusum / 365 - 1)).toBeLessThan(0.2);
    // Without it, the same days cry wolf within weeks.
    const plain = runLengths(binomial, { ...baseline, laney: { detractors: 1, nps: 1 } });
    expect(plain.detractors).toBeLessThan(60);
  });
});
