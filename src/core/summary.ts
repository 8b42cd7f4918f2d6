import { interval, type Statistics } from './interval.js';
import { netScore } from './nps.js';
import {
  answersOf,
  countsOf,
  designSize,
  distributionOf,
  effectiveSize,
  sizeOf,
  type Tally,
  weightedCounts,
} from './tally.js';

export type { Statistics };

/** Everything a report says about one set of answers, in NPS points (-100..100) and percentages. */
export interface NpsSummary {
  /** How many answers, whatever their weights. */
  readonly n: number;
  /** Their total weight: n unweighted. Shares and NPS are of it. */
  readonly weightedN: number;
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
  readonly promotersPct: number;
  readonly passivesPct: number;
  readonly detractorsPct: number;
  readonly nps: number;
  readonly lower: number;
  readonly upper: number;
  readonly margin: number;
  /**
   * The n the intervals and tests count on: n unweighted; with weights, the n linearization gives
   * (see designSize); the design's with clusters.
   */
  readonly nEffective: number;
  /**
   * What --min-n counts: n, or Kish's effective n with weights. Clusters widen intervals but leave
   * this alone, so one rule marks small groups whether or not clusters are declared.
   */
  readonly counted: number;
  /** Answers per score 0..10. */
  readonly distribution: readonly number[];
}

export function summarize(t: Tally, stats: Statistics, counted = effectiveSize(t)): NpsSummary {
  const counts = weightedCounts(t);
  const weight = sizeOf(counts);
  const pct = (k: number) => (weight === 0 ? NaN : (100 * k) / weight);
  // With weights, the interval has the precision of the design n, around the weighted shares.
  const ci = interval(countsOf(t), stats.method, stats.confidence);
  return {
    n: answersOf(t),
    weightedN: weight,
    promoters: counts.promoters,
    passives: counts.passives,
    detractors: counts.detractors,
    promotersPct: pct(counts.promoters),
    passivesPct: pct(counts.passives),
    detractorsPct: pct(counts.detractors),
    nps: 100 * netScore(counts),
    lower: 100 * ci.lower,
    upper: 100 * ci.upper,
    margin: 100 * ci.margin,
    nEffective: designSize(t),
    counted,
    distribution: distributionOf(t),
  };
}
