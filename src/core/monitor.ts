import {
  binomialPmf,
  chartEwmaStep,
  cusumArl,
  cusumIncrement,
  cusumStep,
  type DayInputs,
  dayMixture,
  ewmaArl,
  ewmaSd,
  laneySigma,
  limitFor,
  npsSumPmf,
} from './control.js';
import { chiSquareSurvival } from './distributions.js';

/*
 * One scope's watch (overall, or one channel, team or agent): its in-control level from a
 * baseline, its three charts calibrated for an in-control ARL, and the day-by-day update. Plain
 * data throughout, so that a state file holds it as it is.
 */

/** One day's answers in a scope. */
export interface DayCounts {
  readonly n: number;
  readonly detractors: number;
  readonly promoters: number;
}

/** What is watched: the daily detractor share (EWMA, CUSUM) and the daily NPS (EWMA). */
export const STATISTICS = ['detractors', 'nps', 'cusum'] as const;
export type Statistic = (typeof STATISTICS)[number];

/** How the charts are set: the EWMA's weight, the target ARL in days, the rise a CUSUM is tuned to. */
export interface ChartSettings {
  readonly lambda: number;
  readonly arl: number;
  /** The detractor share the CUSUM is tuned to detect, as a rise over the in-control share (0.08: 8 points). */
  readonly shift: number;
}

/** The in-control level and how the baseline's days varied. */
export interface Baseline {
  readonly days: number;
  readonly responses: number;
  /** Shares of detractors and promoters, in control. */
  readonly detractors: number;
  readonly promoters: number;
  /** Mean answers on a day with answers: the day whose scale charts are drawn on. */
  readonly typical: number;
  /** Laney's σz of each statistic: 1 unless the days were overdispersed. */
  readonly laney: { readonly detractors: number; readonly nps: number };
  /** Pearson's test of binomial (multinomial) days: its p for each statistic. */
  readonly dispersionP: { readonly detractors: number; readonly nps: number };
}

/** A scope's charts: their limits and where they stand. */
export interface Charts {
  readonly lambda: number;
  /** The EWMA limits in sd of a standardised day (L), and the ARL each reached. */
  readonly ewmaL: { readonly detractors: number; readonly nps: number };
  /** The detractor share the CUSUM is tuned to, and its limit h in nats. */
  readonly p1: number;
  readonly h: number;
  /** In-control ARL in days each limit gives (by the Markov chain), as calibrated. */
  readonly arl: { readonly detractors: number; readonly nps: number; readonly cusum: number };
  z: { detractors: number; nps: number };
  s: number;
}

/** Why a baseline cannot be charted, or undefined. */
export function unchartable(b: Pick<Baseline, 'responses' | 'detractors' | 'promoters'>): string | undefined {
  if (b.responses === 0) return 'no answers in the baseline';
  if (b.detractors === 0) return 'no detractors in the baseline';
  if (b.detractors === 1) return 'only detractors in the baseline';
  if (npsVariance(b) === 0) return 'every answer in the baseline in one category';
  return undefined;
}

/** The variance of one answer's −1/0/+1 at the level's shares. */
const npsVariance = ({ detractors, promoters }: { detractors: number; promoters: number }) =>
  detractors + promoters - (promoters - detractors) ** 2;

/** A day's standardised departures from the level, in the direction of harm (more detractors; lower NPS). */
export function departures(level: Pick<Baseline, 'detractors' | 'promoters'>, day: DayCounts) {
  const { n } = day;
  const p = level.detractors;
  const mean = level.promoters - level.detractors;
  return {
    detractors: (day.detractors / n - p) / Math.sqrt((p * (1 - p)) / n),
    nps: -((day.promoters - day.detractors) / n - mean) / Math.sqrt(npsVariance(level) / n),
  };
}

/**
 * The in-control level of the baseline's days (one entry per calendar day, 0 for a day without
 * answers), and whether those days varied more than chance: Pearson's χ² of the standardised
 * departures on days − 1 degrees of freedom. Overdispersed days (p below `alpha`) get Laney's σz.
 */
export function baselineOf(days: readonly DayCounts[], alpha: number): Baseline {
  let responses = 0;
  let detractors = 0;
  let promoters = 0;
  for (const d of days) {
    responses += d.n;
    detractors += d.detractors;
    promoters += d.promoters;
  }
  const level = { detractors: detractors / responses, promoters: promoters / responses };
  const busy = days.filter((d) => d.n > 0);
  const typical = responses / Math.max(1, busy.length);
  if (unchartable({ responses, ...level }) !== undefined) {
    return {
      days: days.length,
      responses,
      ...level,
      typical,
      laney: { detractors: 1, nps: 1 },
      dispersionP: { detractors: Number.NaN, nps: Number.NaN },
    };
  }
  const us = busy.map((d) => departures(level, d));
  const test = (values: number[]) => {
    const chi = values.reduce((sum, u) => sum + u * u, 0);
    const p = values.length > 1 ? chiSquareSurvival(chi, values.length - 1) : 1;
    return { p, sigma: p < alpha ? Math.max(1, laneySigma(values)) : 1 };
  };
  const det = test(us.map((u) => u.detractors));
  const nps = test(us.map((u) => u.nps));
  return {
    days: days.length,
    responses,
    ...level,
    typical,
    laney: { detractors: det.sigma, nps: nps.sigma },
    dispersionP: { detractors: det.p, nps: nps.p },
  };
}

/** The in-control inputs of each chart on a day of n answers. */
function dayInputs(b: Baseline, p1: number) {
  const p = b.detractors;
  return {
    detractors: (n: number): DayInputs => {
      // Overdispersed days are no longer binomial: their departures over σz are taken as normal, sd 1.
      if (b.laney.detractors > 1) return standardNormal();
      const pmf = binomialPmf(n, p);
      const sd = Math.sqrt((p * (1 - p)) / n);
      return { values: pmf.probs.map((_, i) => ((pmf.from + i) / n - p) / sd), probs: pmf.probs };
    },
    nps: (n: number): DayInputs => {
      if (b.laney.nps > 1) return standardNormal();
      const pmf = npsSumPmf(n, b.detractors, b.promoters);
      const mean = b.promoters - b.detractors;
      const sd = Math.sqrt(npsVariance(b) / n);
      return { values: pmf.probs.map((_, i) => -((pmf.from + i) / n - mean) / sd), probs: pmf.probs };
    },
    cusum: (n: number): DayInputs => {
      const scale = b.laney.detractors ** 2;
      if (b.laney.detractors > 1) {
        // The normal day's log-likelihood ratio, over Laney's σz².
        const mean = n * p;
        const sd = b.laney.detractors * Math.sqrt(n * p * (1 - p));
        const normal = standardNormal();
        return {
          values: normal.values.map((u) => cusumIncrement(mean + u * sd, n, p, p1) / scale),
          probs: normal.probs,
        };
      }
      const pmf = binomialPmf(n, p);
      return { values: pmf.probs.map((_, i) => cusumIncrement(pmf.from + i, n, p, p1)), probs: pmf.probs };
    },
  };
}

/** N(0, 1) in 241 steps over ±6. */
function standardNormal(): DayInputs {
  const values: number[] = [];
  const probs: number[] = [];
  const step = 0.05;
  let total = 0;
  for (let i = -120; i <= 120; i++) {
    const u = i * step;
    const density = Math.exp(-0.5 * u * u);
    values.push(u);
    probs.push(density);
    total += density;
  }
  return { values, probs: probs.map((p) => p / total) };
}

/**
 * Sets a scope's charts for an in-control ARL of `settings.arl` days, over the volumes its baseline
 * saw day by day (`volumes`, 0 on quiet days).
 */
export function calibrate(b: Baseline, volumes: readonly number[], settings: ChartSettings): Charts {
  const p1 = Math.min(0.99, b.detractors + settings.shift);
  const inputs = dayInputs(b, p1);
  const sd = ewmaSd(settings.lambda);
  const ewmaFor = (at: (n: number) => DayInputs) => {
    const mixture = dayMixture(volumes, at);
    return limitFor(settings.arl, (L) => ewmaArl(settings.lambda, L * sd, mixture), 0.01, 8);
  };
  const det = ewmaFor(inputs.detractors);
  const nps = ewmaFor(inputs.nps);
  const increments = dayMixture(volumes, inputs.cusum);
  const cusum = limitFor(settings.arl, (h) => cusumArl(h, increments), 1e-6, 60);
  return {
    lambda: settings.lambda,
    ewmaL: { detractors: det.limit, nps: nps.limit },
    p1,
    h: cusum.limit,
    arl: { detractors: det.arl, nps: nps.arl, cusum: cusum.arl },
    z: { detractors: 0, nps: 0 },
    s: 0,
  };
}

/** One charted day of a scope: its figures, where each chart stands, and which signal. */
export interface ChartPoint {
  readonly n: number;
  /** The day's detractor share and NPS (NaN on a day without answers). */
  readonly detractorShare: number;
  readonly nps: number;
  /** The EWMAs drawn on the scale of a typical day: a share, NPS points; their limits likewise. */
  readonly ewmaDetractors: number;
  readonly ewmaDetractorsLimit: number;
  readonly ewmaNps: number;
  readonly ewmaNpsLimit: number;
  readonly cusum: number;
  readonly cusumLimit: number;
  readonly out: Readonly<Record<Statistic, boolean>>;
}

/**
 * Charts one day: updates `charts` in place and says where each stands. A CUSUM that signals
 * starts again from 0, as after any alarm; the EWMAs go on, so a level that stays bad stays out.
 */
export function chartDay(charts: Charts, b: Baseline, day: DayCounts): ChartPoint {
  if (day.n > 0) {
    const u = departures(b, day);
    // One-sided: held at 0 from below, as ewmaArl calibrates it.
    charts.z.detractors = chartEwmaStep(charts.z.detractors, u.detractors / b.laney.detractors, charts.lambda);
    charts.z.nps = chartEwmaStep(charts.z.nps, u.nps / b.laney.nps, charts.lambda);
    charts.s = cusumStep(
      charts.s,
      cusumIncrement(day.detractors, day.n, b.detractors, charts.p1) / b.laney.detractors ** 2,
    );
  }
  const sd = ewmaSd(charts.lambda);
  const detractorScale = b.laney.detractors * Math.sqrt((b.detractors * (1 - b.detractors)) / b.typical);
  const npsScale = 100 * b.laney.nps * Math.sqrt(npsVariance(b) / b.typical);
  const out = {
    detractors: charts.z.detractors > charts.ewmaL.detractors * sd,
    nps: charts.z.nps > charts.ewmaL.nps * sd,
    cusum: charts.s >= charts.h,
  };
  const point: ChartPoint = {
    n: day.n,
    detractorShare: day.n > 0 ? day.detractors / day.n : Number.NaN,
    nps: day.n > 0 ? (100 * (day.promoters - day.detractors)) / day.n : Number.NaN,
    ewmaDetractors: b.detractors + charts.z.detractors * detractorScale,
    ewmaDetractorsLimit: b.detractors + charts.ewmaL.detractors * sd * detractorScale,
    ewmaNps: 100 * (b.promoters - b.detractors) - charts.z.nps * npsScale,
    ewmaNpsLimit: 100 * (b.promoters - b.detractors) - charts.ewmaL.nps * sd * npsScale,
    cusum: charts.s,
    cusumLimit: charts.h,
    out,
  };
  if (out.cusum) charts.s = 0;
  return point;
}
