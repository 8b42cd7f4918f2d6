import { describe, expect, it } from 'vitest';
import {
  binomialPmf,
  cusumArl,
  cusumIncrement,
  cusumStep,
  dayMixture,
  ewmaArl,
  ewmaSd,
  ewmaStep,
  laneySigma,
  limitFor,
  npsSumPmf,
} from '../../src/core/control.js';
import { logGamma } from '../../src/core/distributions.js';
import { baselineOf, type Charts, calibrate, chartDay, type DayCounts } from '../../src/core/monitor.js';
import { generator } from '../helpers/random.js';

/** Uniform draws from a seeded generator: the simulations are the same on every run. */
const uniform = (seed: number): (() => number) => generator(seed).uniform;

/** Draws from a pmf by its cumulative sums (one uniform per draw). */
function sampler(pmf: { from: number; probs: number[] }, random: () => number): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (const p of pmf.probs) {
    sum += p;
    cumulative.push(sum);
  }
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return pmf.from + lo;
  };
}

const N = 40;
const P0 = 0.2;
const P1 = 0.28;
const LAMBDA = 0.1;
const binomialSd = (n: number, p: number) => Math.sqrt((p * (1 - p)) / n);

/** The in-control inputs of the detractor EWMA and of the CUSUM at n answers a day. */
const detractorDays = (volumes: readonly number[]) =>
  dayMixture(volumes, (n) => {
    const pmf = binomialPmf(n, P0);
    return { values: pmf.probs.map((_, i) => ((pmf.from + i) / n - P0) / binomialSd(n, P0)), probs: pmf.probs };
  });
const cusumDays = (volumes: readonly number[]) =>
  dayMixture(volumes, (n) => {
    const pmf = binomialPmf(n, P0);
    return { values: pmf.probs.map((_, i) => cusumIncrement(pmf.from + i, n, P0, P1)), probs: pmf.probs };
  });

/** Mean days to the first signal over `runs` simulated series of daily detractor counts at share p. */
function simulatedArl(
  runs: number,
  seed: number,
  p: number,
  chart: 'ewma' | 'cusum',
  limit: number,
  volumes: readonly number[] = [N],
): number {
  const random = uniform(seed);
  const draws = new Map(volumes.map((n) => [n, sampler(binomialPmf(n, p), random)]));
  let total = 0;
  for (let r = 0; r < runs; r++) {
    let z = 0;
    let s = 0;
    for (let day = 1; ; day++) {
      const n = volumes[Math.floor(random() * volumes.length)];
      if (n > 0) {
        const x = draws.get(n)!();
        if (chart === 'ewma') z = Math.max(0, ewmaStep(z, (x / n - P0) / binomialSd(n, P0), LAMBDA));
        else s = cusumStep(s, cusumIncrement(x, n, P0, P1));
      }
      if ((chart === 'ewma' && z > limit) || (chart === 'cusum' && s >= limit)) {
        total += day;
        break;
      }
    }
  }
  return total / runs;
}

describe('EWMA', () => {
  it('has the asymptotic sd of the published formula, sqrt(lambda / (2 - lambda))', () => {
    // Montgomery, Introduction to Statistical Quality Control, eq. 9.24: sigma_z^2 -> sigma^2 lambda / (2 - lambda).
    expect(ewmaSd(0.1)).toBeCloseTo(Math.sqrt(0.1 / 1.9), 15);
    expect(ewmaSd(0.2)).toBeCloseTo(1 / 3, 15);
    expect(ewmaSd(1)).toBe(1);
    // The simulated long-run variance of an EWMA of standardised binomial days agrees (within 3%).
    const random = uniform(11);
    const draw = sampler(binomialPmf(N, P0), random);
    let z = 0;
    let sum = 0;
    let squares = 0;
    const days = 200_000;
    for (let day = 0; day < days + 100; day++) {
      z = ewmaStep(z, (draw() / N - P0) / binomialSd(N, P0), LAMBDA);
      if (day < 100) continue;
      sum += z;
      squares += z * z;
    }
    const variance = squares / days - (sum / days) ** 2;
    expect(Math.sqrt(variance) / ewmaSd(LAMBDA)).toBeGreaterThan(0.97);
    expect(Math.sqrt(variance) / ewmaSd(LAMBDA)).toBeLessThan(1.03);
  });

  it('draws its limit on the share scale as p0 + L sigma sqrt(lambda / (2 - lambda)) / sqrt(n)', () => {
    const days: DayCounts[] = Array.from({ length: 60 }, (_, i) => ({ n: N, detractors: 6 + (i % 5), promoters: 20 }));
    const baseline = baselineOf(days, 0.01);
    const charts = calibrate(baseline, Array(60).fill(N), { lambda: LAMBDA, arl: 365, shift: 0.08 });
    const point = chartDay(charts, baseline, { n: N, detractors: 8, promoters: 20 });
    const p0 = baseline.detractors;
    expect(point.ewmaDetractorsLimit).toBeCloseTo(
      p0 + charts.ewmaL.detractors * Math.sqrt(((p0 * (1 - p0)) / N) * (LAMBDA / (2 - LAMBDA))),
      12,
    );
  });

  it('is set for an ARL of 365 days at 40 a day with L near 2.69, and the simulated ARL is within 10%', () => {
    const inputs = detractorDays([N]);
    const { limit: L, arl } = limitFor(365, (l) => ewmaArl(LAMBDA, l * ewmaSd(LAMBDA), inputs), 0.25, 8);
    expect(arl).toBeGreaterThanOrEqual(365);
    expect(arl).toBeLessThan(372);
    expect(L).toBeGreaterThan(2.66);
    expect(L).toBeLessThan(2.72);
    const simulated = simulatedArl(3000, 1, P0, 'ewma', L * ewmaSd(LAMBDA));
    expect(Math.abs(simulated / 365 - 1)).toBeLessThan(0.1);
    // A rise of the detractor share from 20% to 28% is signalled in about 6 days (from the start).
    const chain = ewmaArl(LAMBDA, L * ewmaSd(LAMBDA), shifted(P1));
    const delay = simulatedArl(3000, 2, P1, 'ewma', L * ewmaSd(LAMBDA));
    expect(delay).toBeGreaterThan(5);
    expect(delay).toBeLessThan(7.5);
    expect(Math.abs(chain / delay - 1)).toBeLessThan(0.05);
  });
});

describe('the one-sided EWMA, held at 0 from below', () => {
  it('sees a rise as soon after a good spell as from the level: 60 days at 15% leave no debt', () => {
    const { limit: L } = limitFor(365, (l) => ewmaArl(LAMBDA, l * ewmaSd(LAMBDA), detractorDays([N])), 0.01, 8);
    const limit = L * ewmaSd(LAMBDA);
    const random = uniform(8);
    const good = sampler(binomialPmf(N, 0.15), random);
    const bad = sampler(binomialPmf(N, P1), random);
    const step = (z: number, x: number) => Math.max(0, ewmaStep(z, (x / N - P0) / binomialSd(N, P0), LAMBDA));
    let total = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      let z = 0;
      for (let day = 0; day < 60; day++) z = step(z, good());
      for (let day = 1; ; day++) {
        z = step(z, bad());
        if (z > limit) {
          total += day;
          break;
        }
      }
    }
    const fromLevel = simulatedArl(runs, 9, P1, 'ewma', limit);
    expect(total / runs / fromLevel).toBeLessThan(1.05);
  });
});

/** The detractor EWMA's inputs when the true share is p (standardised against P0). */
const shifted = (p: number) => {
  const pmf = binomialPmf(N, p);
  return { values: pmf.probs.map((_, i) => ((pmf.from + i) / N - P0) / binomialSd(N, P0)), probs: pmf.probs };
};

describe('binomial CUSUM', () => {
  it('follows a hand-computed sequence', () => {
    // n = 10, p0 = 0.2, p1 = 0.4: a day of x detractors adds x ln 2 + (10 - x) ln 0.75.
    const sequence = [2, 5, 0, 7].map((x) => cusumIncrement(x, 10, 0.2, 0.4));
    expect(sequence[0]).toBeCloseTo(-0.91516222, 7);
    expect(sequence[1]).toBeCloseTo(2.02732554, 7);
    let s = 0;
    const path = sequence.map((increment) => (s = cusumStep(s, increment)));
    expect(path[0]).toBe(0);
    expect(path[1]).toBeCloseTo(2.02732554, 7);
    expect(path[2]).toBe(0);
    expect(path[3]).toBeCloseTo(3.98898404, 7);
  });

  it('is set for an ARL of 365 days at 40 a day with h near 4.15 nats, and the simulated ARL is within 10%', () => {
    const { limit: h } = limitFor(365, (x) => cusumArl(x, cusumDays([N])), 0.05, 60);
    expect(h).toBeGreaterThan(4.1);
    expect(h).toBeLessThan(4.2);
    const simulated = simulatedArl(3000, 3, P0, 'cusum', h);
    expect(Math.abs(simulated / 365 - 1)).toBeLessThan(0.1);
    const delay = simulatedArl(3000, 4, P1, 'cusum', h);
    expect(delay).toBeGreaterThan(5);
    expect(delay).toBeLessThan(7.5);
  });

  it('keeps its in-control ARL over uneven volumes and quiet days, calibrated on their mixture', () => {
    const volumes = [0, 0, 12, 25, 25, 40, 40, 40, 55, 80];
    const { limit: h } = limitFor(365, (x) => cusumArl(x, cusumDays(volumes)), 0.05, 60);
    expect(Math.abs(simulatedArl(3000, 5, P0, 'cusum', h, volumes) / 365 - 1)).toBeLessThan(0.1);
    const { limit: L } = limitFor(365, (l) => ewmaArl(LAMBDA, l * ewmaSd(LAMBDA), detractorDays(volumes)), 0.25, 8);
    expect(Math.abs(simulatedArl(3000, 6, P0, 'ewma', L * ewmaSd(LAMBDA), volumes) / 365 - 1)).toBeLessThan(0.1);
  });
});

describe('the NPS EWMA', () => {
  it('keeps its in-control ARL: simulated days of -1/0/+1 answers', () => {
    const shares = { detractors: 0.2, passives: 0.3, promoters: 0.5 };
    const days: DayCounts[] = Array.from({ length: 90 }, () => ({ n: N, detractors: 8, promoters: 20 }));
    const baseline = baselineOf(days, 0.01);
    const charts = calibrate(baseline, Array(90).fill(N), { lambda: LAMBDA, arl: 365, shift: 0.08 });
    const random = uniform(7);
    let total = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      const state: Charts = { ...charts, z: { detractors: 0, nps: 0 }, s: 0 };
      for (let day = 1; ; day++) {
        let detractors = 0;
        let promoters = 0;
        for (let i = 0; i < N; i++) {
          const u = random();
          if (u < shares.detractors) detractors++;
          else if (u >= shares.detractors + shares.passives) promoters++;
        }
        if (chartDay(state, baseline, { n: N, detractors, promoters }).out.nps) {
          total += day;
          break;
        }
      }
    }
    expect(Math.abs(total / runs / 365 - 1)).toBeLessThan(0.1);
  });
});

describe('day distributions', () => {
  it('binomial probabilities match the closed form', () => {
    const pmf = binomialPmf(40, 0.2);
    const exact = (k: number) =>
      Math.exp(logGamma(41) - logGamma(k + 1) - logGamma(41 - k) + k * Math.log(0.2) + (40 - k) * Math.log(0.8));
    for (const k of [0, 3, 8, 15, 25]) {
      const p = pmf.probs[k - pmf.from] ?? 0;
      expect(Math.abs(p - exact(k))).toBeLessThan(1e-13);
    }
    expect(pmf.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
  });

  it('the sum of two -1/0/+1 answers has the probabilities of its cases', () => {
    const [d, pa, pr] = [0.2, 0.3, 0.5];
    const pmf = npsSumPmf(2, d, pr);
    expect(pmf.from).toBe(-2);
    const expected = [d * d, 2 * d * pa, pa * pa + 2 * d * pr, 2 * pa * pr, pr * pr];
    pmf.probs.forEach((p, i) => {
      expect(p).toBeCloseTo(expected[i], 15);
    });
  });
});

describe('baselines', () => {
  it('find binomial days in control, and overdispersed days widened by Laney', () => {
    const random = uniform(9);
    const draw = sampler(binomialPmf(200, P0), random);
    const plain = Array.from({ length: 90 }, () => ({ n: 200, detractors: draw(), promoters: 100 }));
    const b = baselineOf(plain, 0.01);
    expect(b.laney.detractors).toBe(1);
    expect(b.dispersionP.detractors).toBeGreaterThan(0.01);
    // Days with a detractor share of their own (20% give or take 6 points), beyond what 200 answers explain.
    const wandering = Array.from({ length: 90 }, () => {
      const share = 0.14 + 0.12 * random();
      return { n: 200, detractors: sampler(binomialPmf(200, share), random)(), promoters: 100 };
    });
    const o = baselineOf(wandering, 0.01);
    expect(o.dispersionP.detractors).toBeLessThan(0.01);
    expect(o.laney.detractors).toBeGreaterThan(1);
    expect(o.laney.detractors).toBeCloseTo(laneySigma(wanderingDepartures(wandering, o.detractors)), 12);
  });
});

const wanderingDepartures = (days: readonly DayCounts[], p: number) =>
  days.map((d) => (d.detractors / d.n - p) / binomialSd(d.n, p));
