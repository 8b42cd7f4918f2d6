import { designOf, type GroupDesign } from '../core/cluster.js';
import { type Calendar, periodLabel } from '../core/period.js';
import { type Alternative, type Difference, testBenchmark } from '../core/significance.js';
import type { Statistics } from '../core/summary.js';
import { countsOf, sizeOf, type Tally } from '../core/tally.js';
import { confidenceLabel, formatForHumans, pText, round } from '../report/format.js';
import type { Gate, ReportTable } from '../report/model.js';

/** Sentences that state a statistical conclusion in words, and the CI gates built on them. */

const points = (value: number, decimals: number) => formatForHumans(value, 'nps', { decimals });
const level = confidenceLabel;

/** A benchmark test as data (JSON `benchmark`) and as the sentence people read. */
export interface BenchmarkVerdict {
  readonly sentence: string;
  readonly table: ReportTable;
}

/**
 * An NPS (points) tested against a target (points): two-sided unless an alternative was chosen
 * before seeing the data, by inverting the interval shown (DESIGN.md §3).
 */
export function benchmarkVerdict(
  tally: Tally,
  benchmark: number,
  stats: Statistics,
  decimals: number,
  alternative: Alternative,
  subject?: string,
): BenchmarkVerdict {
  const counts = countsOf(tally);
  const test = testBenchmark(counts, benchmark / 100, stats, alternative);
  const nps = 100 * ((counts.promoters - counts.detractors) / sizeOf(counts));
  const significant = test.p < 1 - stats.confidence;
  // Two-sided: significant means different, and the estimate says on which side.
  const direction = significant
    ? alternative === 'two-sided'
      ? nps > benchmark
        ? 'above'
        : 'below'
      : alternative === 'greater'
        ? 'above'
        : 'below'
    : '';
  const claim = significant
    ? `significantly ${direction}`
    : alternative === 'two-sided'
      ? 'not significantly different from'
      : `not significantly ${alternative === 'greater' ? 'above' : 'below'}`;
  const tail = alternative === 'two-sided' ? 'two-sided' : 'one-sided';
  return {
    sentence:
      `${subject ? `${subject}: ` : ''}NPS ${points(nps, decimals)} is ${claim} the benchmark ` +
      `${points(benchmark, decimals)} ` +
      `(${tail} ${pText(test.p)}, at ${level(stats.confidence)}).`,
    table: {
      name: 'benchmark',
      layout: 'record',
      audience: 'machine',
      columns: [
        { key: 'benchmark', label: 'Benchmark', kind: 'nps' },
        { key: 'alternative', label: 'Alternative', kind: 'text' },
        { key: 'nps', label: 'NPS', kind: 'nps' },
        { key: 'z', label: 'z', kind: 'stat' },
        { key: 'p_value', label: 'p', kind: 'p' },
        { key: 'significant', label: 'Significant', kind: 'text' },
      ],
      rows: [{ benchmark, alternative, nps, z: test.z, p_value: test.p, significant: direction }],
    },
  };
}

export interface Drop {
  /** "2024-Q4 against 2024-Q3" */
  readonly names: string;
  readonly change: Difference;
  readonly significantDrop: boolean;
}

/**
 * A period (the latest complete one with responses) against the one before it: the question a
 * weekly CI job asks. Tested alone (one planned comparison), so its p-value is not Holm-adjusted.
 */
export function latestChange(
  periods: ReadonlyMap<number, Tally> | GroupDesign<number>,
  latest: number | undefined,
  calendar: Calendar,
  stats: Statistics,
): Drop | undefined {
  if (latest === undefined) return undefined;
  const previous = latest - 1;
  const change = designOf(periods).between(latest, previous, stats);
  const names = `${periodLabel(latest, calendar)} against ${periodLabel(previous, calendar)}`;
  // NaN p (the earlier period is empty) is never a significant drop.
  const significantDrop = change.difference < 0 && change.p < 1 - stats.confidence;
  return { names, change, significantDrop };
}

/** A figure the --fail-below gate judges: the overall NPS, a period's, a group's. */
export interface Judged {
  readonly subject: string;
  readonly nps: number;
}

/**
 * NPS shown with enough places to differ visibly from the threshold it is compared with, so a
 * gate never says "+30.0 is below 30" (29.96 is).
 */
function pointsAgainst(value: number, threshold: number, decimals: number): string {
  let places = decimals;
  while (places < 6 && round(value, places) === threshold && value !== threshold) places++;
  return points(value, places);
}

/**
 * --fail-below: fails when any judged NPS is below the threshold, and names them, lowest first.
 * Figures that cannot be computed (a period with no responses) are not judged; when none can be, it fails.
 */
export function failBelowGate(threshold: number, judged: readonly Judged[], decimals: number, unjudged?: string): Gate {
  const valid = judged.filter((j) => !Number.isNaN(j.nps)).sort((a, b) => a.nps - b.nps);
  const lowest = valid[0];
  const below = valid.filter((j) => j.nps < threshold);
  const figure = (j: Judged) => pointsAgainst(j.nps, threshold, decimals);
  const one = (j: Judged) => (j.subject === 'overall' ? `NPS ${figure(j)}` : `${j.subject}: NPS ${figure(j)}`);
  const base = { rule: 'fail-below', threshold };
  const also = unjudged ? ` (${unjudged})` : '';
  // A gate that cannot judge fails: passing would say all is well when nothing was looked at.
  if (!lowest)
    return {
      ...base,
      value: null,
      passed: false,
      subject: 'nothing',
      reason: `no NPS to judge${also}, so --fail-below cannot pass`,
    };
  if (below.length === 0) {
    const reason =
      valid.length === 1
        ? `${one(lowest)} is at or above ${threshold}`
        : `all ${valid.length} are at or above ${threshold} (lowest: ${lowest.subject} ${figure(lowest)})`;
    return { ...base, value: lowest.nps, passed: true, subject: lowest.subject, reason: reason + also };
  }
  const listed =
    below
      .slice(0, 5)
      .map((j) => `${j.subject} ${figure(j)}`)
      .join(', ') + (below.length > 5 ? `, and ${below.length - 5} more` : '');
  const reason =
    valid.length === 1
      ? `${one(lowest)} is below --fail-below ${threshold}`
      : `${below.length} of ${valid.length} are below --fail-below ${threshold}: ${listed}`;
  return { ...base, value: lowest.nps, passed: false, subject: lowest.subject, reason: reason + also };
}

/** The groups a gate leaves out because they are under --min-n, in words (undefined when none). */
export const underMinN = (count: number, minN: number): string | undefined =>
  count === 0 ? undefined : `${count} under --min-n ${minN} not judged`;

/** --fail-on-drop: fails when the latest period is significantly below the one before. */
export function dropGate(drop: Drop | undefined, stats: Statistics, decimals: number): Gate {
  const base = { rule: 'fail-on-drop', threshold: 1 - stats.confidence };
  // A gate that cannot judge fails, as --fail-below does.
  if (!drop)
    return {
      ...base,
      value: null,
      passed: false,
      subject: 'nothing',
      reason: 'no complete period with responses to judge, so --fail-on-drop cannot pass',
    };
  if (Number.isNaN(drop.change.p)) {
    return {
      ...base,
      value: null,
      passed: false,
      subject: drop.names,
      reason: `${drop.names}: not tested, the earlier period has no responses, so --fail-on-drop cannot pass`,
    };
  }
  const change = points(100 * drop.change.difference, decimals);
  const reason = drop.significantDrop
    ? `NPS fell ${change.replace('-', '')} points in ${drop.names} (${pText(drop.change.p)}, ` +
      `at ${level(stats.confidence)})`
    : `${drop.names}: ${change} points, no significant drop (${pText(drop.change.p)}, at ${level(stats.confidence)})`;
  return { ...base, value: drop.change.p, passed: !drop.significantDrop, subject: drop.names, reason };
}
