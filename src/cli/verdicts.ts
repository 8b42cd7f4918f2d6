import { periodLabel, type Calendar } from '../core/period.js';
import { compareGroups, testBenchmark, type Difference } from '../core/significance.js';
import type { Statistics } from '../core/summary.js';
import { countsOf, newTally, sizeOf, type Tally } from '../core/tally.js';
import { NpsError } from '../errors.js';
import { confidenceLabel, formatForHumans } from '../report/format.js';

/** Sentences that state a statistical conclusion in words, and the CI gates built on them. */

const points = (value: number, decimals: number) => formatForHumans(value, 'nps', { decimals });
const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : `p = ${formatForHumans(p, 'p', { decimals: 3 })}`);
const level = confidenceLabel;

/** One-tailed test of an NPS (points) against a target (points), DESIGN.md §3. */
export function benchmarkSentence(tally: Tally, benchmark: number, stats: Statistics, decimals: number): { sentence: string; p: number; z: number; above: boolean } {
  const counts = countsOf(tally);
  const test = testBenchmark(counts, benchmark / 100);
  const nps = 100 * ((counts.promoters - counts.detractors) / sizeOf(counts));
  const above = nps >= benchmark;
  const p = above ? test.pAbove : test.pBelow;
  const significant = p < 1 - stats.confidence;
  const side = above ? 'above' : 'below';
  return {
    sentence: `Against the benchmark ${points(benchmark, decimals)}: NPS ${points(nps, decimals)} is ${significant ? 'significantly' : 'not significantly'} ${side} it (one-tailed ${pText(p)}, at ${level(stats.confidence)}).`,
    p,
    z: test.z,
    above,
  };
}

export interface Drop {
  /** "2024-Q4 against 2024-Q3" */
  readonly names: string;
  readonly latest: number;
  readonly previous: number;
  readonly change: Difference;
  readonly significantDrop: boolean;
  readonly sentence: string;
}

/**
 * The latest period with responses against the one before it: the question a weekly CI job asks.
 * Tested alone (one planned comparison), so its p-value is not Holm-adjusted.
 */
export function latestChange(periods: ReadonlyMap<number, Tally>, calendar: Calendar, stats: Statistics, decimals: number): Drop | undefined {
  if (periods.size === 0) return undefined;
  const latest = Math.max(...periods.keys());
  const previous = latest - 1;
  const before = periods.get(previous) ?? newTally();
  const change = compareGroups(countsOf(periods.get(latest)!), countsOf(before), stats.confidence);
  const names = `${periodLabel(latest, calendar)} against ${periodLabel(previous, calendar)}`;
  if (Number.isNaN(change.p)) {
    return { names, latest, previous, change, significantDrop: false, sentence: `Latest change (${names}): not tested, ${periodLabel(previous, calendar)} has no responses.` };
  }
  const significantDrop = change.difference < 0 && change.p < 1 - stats.confidence;
  const verdict = change.p < 1 - stats.confidence ? (change.difference < 0 ? 'a significant drop' : 'a significant rise') : 'not significant';
  return {
    names,
    latest,
    previous,
    change,
    significantDrop,
    sentence: `Latest change (${names}): ${points(100 * change.difference, decimals)} points, ${verdict} (${pText(change.p)}, at ${level(stats.confidence)}).`,
  };
}

/** The CI gates: thrown after the output is written, so a failing job still shows its report. */
export function gateFailure(nps: number, failBelow: number | undefined, drop: Drop | undefined, decimals: number): NpsError | undefined {
  const reasons: string[] = [];
  if (failBelow !== undefined && nps < failBelow) reasons.push(`NPS ${points(nps, decimals)} is below --fail-below ${failBelow}`);
  if (drop?.significantDrop) {
    reasons.push(`NPS fell ${points(-100 * drop.change.difference, decimals).replace('+', '')} points in ${drop.names} (${pText(drop.change.p)}) and --fail-on-drop is set`);
  }
  return reasons.length ? new NpsError('threshold', reasons.join('; ')) : undefined;
}
