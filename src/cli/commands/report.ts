import { Option } from 'commander';
import { classify } from '../../core/classify.js';
import { clusteredNps } from '../../core/cluster.js';
import { maxOf } from '../../core/extent.js';
import { type Fold, keyedFold, pairFold, tallyFold } from '../../core/fold.js';
import type { SideMetrics } from '../../core/metrics.js';
import { type Calendar, PERIOD_UNITS, type PeriodUnit } from '../../core/period.js';
import { ALTERNATIVES, type Alternative } from '../../core/significance.js';
import { type NpsSummary, type Statistics, summarize } from '../../core/summary.js';
import type { Tally } from '../../core/tally.js';
import { usageError } from '../../errors.js';
import type { Scan } from '../../io/scan/scan.js';
import { confidenceLabel } from '../../report/format.js';
import type { Column, ReportTable, Row } from '../../report/model.js';
import {
  type ClusterFlags,
  checkClusters,
  clusterColumns,
  clusterName,
  clusterNote,
  clusterOption,
  clusterRoles,
  periodDesign,
  periodsFold,
  totalsOf,
} from '../clusters.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { kishOrClusters, METHOD_NAMES, npsForest, npsHeadline } from '../figures.js';
import { type InProgressFlags, inProgressOption, judging, latestJudged } from '../in-progress.js';
import { parseNps } from '../options.js';
import { addSentOptions, contactTables, type SentFlags, scanWithContacts } from '../sent.js';
import {
  addSideMetricOptions,
  checkSideMetrics,
  hasSideMetrics,
  type SideFlags,
  sideColumns,
  sideFold,
  sideMetricCells,
  sideMetricColumns,
} from '../side-metrics.js';
import { benchmarkVerdict, dropGate, failBelowGate, latestChange } from '../verdicts.js';

interface ReportFlags extends SideFlags, InProgressFlags, ClusterFlags, SentFlags {
  benchmark?: number;
  alternative: Alternative;
  failOnDrop?: boolean;
  period: PeriodUnit;
  fiscalYearStart: number;
}

export const report: CommandDefinition<ReportFlags> = {
  name: 'report',
  summary: 'NPS with its confidence interval, category shares and the 0-10 distribution',
  examples: [
    ['nps report survey.csv', 'NPS of a survey export, with a 95% interval'],
    ['nps report q3.csv --since 2024-07-01 --where channel=chat', 'only chat responses since July'],
    ['nps report survey.csv --last 4q --benchmark 30', 'the last four quarters, tested against a target of 30'],
    ['nps report survey.csv --format markdown >> "$GITHUB_STEP_SUMMARY"', 'a CI job summary'],
    [
      'nps report survey.csv -o nps.json --fail-below 30 --fail-on-drop',
      'JSON for a pipeline; exit 1 when NPS < 30 or it fell',
    ],
    [
      'nps report responses.csv --sent contacts.csv --sent-on contact_id --adjust channel',
      'the response rate, and NPS weighted to the contacts by channel',
    ],
    [
      'nps report contacts.csv --cluster account',
      "an account's contacts are alike: the interval by linearization over accounts",
    ],
  ],
  shared: {
    input: { questions: 1 },
    weights: true,
    counts: true,
    filters: true,
    statistics: true,
    output: { decimals: true },
    gates: true,
    accounting: true,
  },
  configure: (cmd) =>
    addSentOptions(addSideMetricOptions(cmd))
      .option('--benchmark <nps>', 'test NPS against this target and say whether it is above or below', parseNps)
      .addOption(
        new Option('--alternative <side>', 'the side --benchmark tests, chosen before seeing the data')
          .choices(ALTERNATIVES)
          .default('two-sided'),
      )
      .option('--fail-on-drop', 'exit 1 when the latest complete --period is significantly below the one before')
      .addOption(
        new Option('--period <unit>', 'the period unit of --fail-on-drop').choices(PERIOD_UNITS).default('quarter'),
      )
      .addOption(inProgressOption())
      .addOption(clusterOption()),
  async run({ flags, statistics, decimals, failBelow, scan, warn }) {
    const calendar: Calendar = { unit: flags.period, fiscalYearStart: flags.fiscalYearStart };
    if (flags.includeInProgress && !flags.failOnDrop) {
      throw usageError(
        '--include-in-progress says which period --fail-on-drop judges',
        'add --fail-on-drop, or drop --include-in-progress',
      );
    }
    // Periods are only tallied when --fail-on-drop needs them; the overall tally comes with every scan.
    // With --cluster, tallies are kept per cluster too.
    const clustered = flags.cluster !== undefined;
    const npsFold: Fold<unknown> = flags.failOnDrop
      ? periodsFold(flags, calendar)
      : clustered
        ? keyedFold(clusterRoles(flags))
        : tallyFold;
    const { result, contacts } = await scanWithContacts(
      scan,
      flags,
      { needsDates: Boolean(flags.failOnDrop), groups: [...clusterColumns(flags), ...sideColumns(flags)] },
      pairFold(npsFold, sideFold(flags, { by: 'none' })),
    );
    const state = result.state;
    checkSideMetrics(flags, state[1].values(), warn);
    const perCluster = !clustered
      ? undefined
      : flags.failOnDrop
        ? totalsOf(state[0] as Map<string, Map<number, Tally>>)
        : (state[0] as Map<string, Tally>);
    const design = perCluster && clusteredNps(perCluster);
    if (design) checkClusters(design.clusters, clusterName(result));
    const overall = design?.tally ?? result.overall;
    const summary = summarize(overall, statistics);
    const periods = flags.failOnDrop ? periodDesign(flags, state[0], result) : undefined;
    const judge = judging(result, calendar, flags);
    const drop = periods && latestChange(periods, latestJudged(periods.keys, judge), calendar, statistics);
    const benchmark =
      flags.benchmark === undefined
        ? undefined
        : benchmarkVerdict(overall, flags.benchmark, statistics, decimals, flags.alternative);
    // The --fail-on-drop verdict is its gate's line; the benchmark's is a note, and data in JSON.
    const inProgress = periods && judge.note(periods.keys);
    const clusters =
      design && clusterNote(design.clusters, clusterName(result), { effective: summary.nEffective, n: summary.n });
    const extra = [inProgress, clusters, benchmark?.sentence].filter((n): n is string => n !== undefined);
    const side = hasSideMetrics(flags) ? { flags: flags as SideFlags, metrics: state[1].get('') } : undefined;
    const gates = [
      ...(failBelow === undefined
        ? []
        : [failBelowGate(failBelow, [{ subject: 'overall', nps: summary.nps }], decimals)]),
      ...(flags.failOnDrop ? [dropGate(drop, statistics, decimals)] : []),
    ];
    const report = reportOf(summary, result, statistics, extra, side, design?.clusters);
    const funnel = contacts && contactTables(flags, result, contacts, statistics, decimals);
    return {
      report: {
        ...report,
        tables: [...report.tables, ...(funnel?.tables ?? []), ...(benchmark ? [benchmark.table] : [])],
        notes: [...report.notes, ...(funnel?.notes ?? [])],
      },
      gates,
    };
  },
};

/** The report as data: a summary record, category shares, the 0-10 distribution, notes. */
function reportOf(
  s: NpsSummary,
  result: Scan<unknown>,
  stats: Statistics,
  verdicts: readonly string[],
  side: { flags: SideFlags; metrics: SideMetrics | undefined } | undefined,
  clusters: number | undefined,
): Outcome['report'] {
  const level = confidenceLabel(stats.confidence);
  // Counts of detractors, passives and promoters say nothing of the 0-10 answers within each.
  const scoresKnown = !result.inputs.some((input) => input.columns.detractors);
  const summaryColumns: Column[] = [
    { key: 'n', label: 'Responses', kind: 'count' },
    { key: 'weighted_n', label: 'Weighted n', kind: 'number', weighted: true },
    // Weights or clusters leave the precision of fewer answers.
    { key: 'n_eff', label: 'Effective n', kind: 'number', weighted: clusters === undefined },
    kishOrClusters(clusters),
    { key: 'nps', label: 'NPS', kind: 'nps' },
    { key: 'interval', label: `${level} interval`, kind: 'range', audience: 'human' },
    { key: 'nps_lower', label: 'Lower bound', kind: 'nps', audience: 'machine' },
    { key: 'nps_upper', label: 'Upper bound', kind: 'nps', audience: 'machine' },
    { key: 'margin', label: 'Margin', kind: 'margin', audience: 'human' },
    { key: 'margin_below', label: 'Margin below', kind: 'nps', audience: 'machine' },
    { key: 'margin_above', label: 'Margin above', kind: 'nps', audience: 'machine' },
    { key: 'confidence', label: 'Confidence', kind: 'number', audience: 'machine' },
    { key: 'method', label: 'Method', kind: 'text', audience: 'human' },
    { key: 'ci_method', label: 'Method', kind: 'text', audience: 'machine' },
    { key: 'promoters', label: 'Promoters', kind: 'count', audience: 'machine' },
    { key: 'passives', label: 'Passives', kind: 'count', audience: 'machine' },
    { key: 'detractors', label: 'Detractors', kind: 'count', audience: 'machine' },
    { key: 'promoters_pct', label: 'Promoters %', kind: 'pct', audience: 'machine' },
    { key: 'passives_pct', label: 'Passives %', kind: 'pct', audience: 'machine' },
    { key: 'detractors_pct', label: 'Detractors %', kind: 'pct', audience: 'machine' },
    ...(scoresKnown
      ? s.distribution.map(
          (_, score): Column => ({
            key: `score_${score}`,
            label: `Score ${score}`,
            kind: 'count',
            audience: 'machine',
          }),
        )
      : []),
    ...(side ? sideMetricColumns(side.flags) : []),
  ];
  const summaryRow: Row = {
    n: s.n,
    weighted_n: s.weightedN,
    n_eff: s.nEffective,
    n_kish: s.counted,
    clusters: clusters ?? null,
    nps: s.nps,
    interval: [s.lower, s.upper],
    nps_lower: s.lower,
    nps_upper: s.upper,
    margin: [s.nps - s.lower, s.upper - s.nps],
    margin_below: s.nps - s.lower,
    margin_above: s.upper - s.nps,
    confidence: stats.confidence,
    method: METHOD_NAMES[stats.method],
    ci_method: stats.method,
    promoters: s.promoters,
    passives: s.passives,
    detractors: s.detractors,
    promoters_pct: s.promotersPct,
    passives_pct: s.passivesPct,
    detractors_pct: s.detractorsPct,
    ...Object.fromEntries(s.distribution.map((count, score) => [`score_${score}`, count])),
    ...(side ? sideMetricCells(side.flags, side.metrics) : {}),
  };
  const most = maxOf(s.distribution);
  const notes = [
    ...verdicts,
    ...(scoresKnown
      ? []
      : ['The counts give detractors, passives and promoters, not the 0-10 answers: no distribution.']),
  ];
  if (s.margin === 0) {
    notes.push(
      `Every answer is in one category, so the ${METHOD_NAMES[stats.method]} interval has zero width: ` +
        `it understates the uncertainty (the default --ci-method score does not).`,
    );
  }
  return {
    title: `NPS report: ${result.inputs.map((i) => i.name).join(', ')}`,
    headline: npsHeadline(s, stats),
    tables: [
      {
        name: 'summary',
        layout: 'record',
        columns: summaryColumns,
        rows: [summaryRow],
        chart: npsForest(undefined, { reference: 0, tone: undefined }),
      },
      {
        name: 'categories',
        audience: 'human',
        columns: [
          { key: 'category', label: 'Category', kind: 'text' },
          { key: 'count', label: 'Count', kind: 'count' },
          { key: 'share', label: 'Share', kind: 'pct' },
        ],
        rows: [
          { category: 'Promoters (9-10)', count: s.promoters, share: s.promotersPct },
          { category: 'Passives (7-8)', count: s.passives, share: s.passivesPct },
          { category: 'Detractors (0-6)', count: s.detractors, share: s.detractorsPct },
        ],
      },
      ...(scoresKnown
        ? [
            <ReportTable>{
              name: 'distribution',
              audience: 'human',
              columns: [
                { key: 'score', label: 'Score', kind: 'count' },
                { key: 'count', label: 'Count', kind: 'count' },
                { key: 'share', label: 'Share', kind: 'pct' },
                { key: 'bar', label: '', kind: 'bar' },
              ],
              rows: s.distribution
                .map((count, score) => ({
                  score,
                  count,
                  share: s.weightedN === 0 ? NaN : (100 * count) / s.weightedN,
                  bar: most === 0 ? 0 : count / most,
                  category: classify(score),
                }))
                .reverse(),
              chart: {
                kind: 'bars',
                x: 'score',
                y: 'count',
                tone: { field: 'category', up: 'promoter', down: 'detractor' },
              },
            },
          ]
        : []),
    ],
    notes,
  };
}
