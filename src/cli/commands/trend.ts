import { InvalidArgumentError, Option } from 'commander';
import { entry } from '../../core/entry.js';
import { maxOf, minOf } from '../../core/extent.js';
import { groupPeriodFold, KEY_SEPARATOR, pairFold, periodFold } from '../../core/fold.js';
import type { SideMetrics } from '../../core/metrics.js';
import {
  type Calendar,
  DAYS,
  PERIOD_UNITS,
  type PeriodUnit,
  parseLast,
  periodEnd,
  periodKey,
  periodLabel,
  periodStart,
  tiles,
} from '../../core/period.js';
import { trailingWindows, type Window } from '../../core/rolling.js';
import { ALTERNATIVES, type Alternative } from '../../core/significance.js';
import { type Statistics, summarize } from '../../core/summary.js';
import { type Tally, weightOf } from '../../core/tally.js';
import { compareText } from '../../core/text.js';
import { type TrendPoint, trendOf } from '../../core/trend.js';
import { dataError, usageError } from '../../errors.js';
import type { Scan } from '../../io/scan/scan.js';
import { confidenceLabel, groupLabel } from '../../report/format.js';
import type { Chart, Column, Headline } from '../../report/model.js';
import { sparkline, sparkScale } from '../../report/sparkline.js';
import { isoDay } from '../accounting.js';
import {
  type ClusterFlags,
  clusterColumns,
  clusterName,
  clusterNote,
  clusterOption,
  clusterRoles,
  overallPeriods,
  periodDesign,
  periodsFold,
  seriesInClusters,
  talliesOf,
} from '../clusters.js';
import type { CommandContext, CommandDefinition, Outcome } from '../command.js';
import {
  differenceCells,
  differenceColumns,
  headlineChange,
  lowN,
  npsCells,
  npsColumns,
  npsHeadline,
  SIGNIFICANT,
} from '../figures.js';
import { type InProgressFlags, inProgressOption, judging, latestJudged } from '../in-progress.js';
import { parseCount, parseDays, parseNps } from '../options.js';
import { addSentOptions, contactTables, periodBreakdown, type SentFlags, scanWithContacts } from '../sent.js';
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
import { benchmarkVerdict, dropGate, failBelowGate, latestChange, underMinN } from '../verdicts.js';

interface TrendFlags extends SideFlags, InProgressFlags, ClusterFlags, SentFlags {
  period: PeriodUnit;
  window?: number;
  step: { count: number; unit: PeriodUnit };
  by?: string;
  minN: number;
  benchmark?: number;
  alternative: Alternative;
  failOnDrop?: boolean;
  fiscalYearStart: number;
}

export const trend: CommandDefinition<TrendFlags> = {
  name: 'trend',
  summary: 'NPS per period (quarter, month, week ...), with each change tested against the period before',
  examples: [
    ['nps trend survey.csv', 'NPS per quarter, changes marked when significant'],
    ['nps trend survey.csv --period month --last 12m --tz Europe/Stockholm', 'the last twelve months, in Swedish time'],
    [
      'nps trend survey.csv --period week --last 12w --format markdown --fail-on-drop',
      'a weekly CI summary that fails on a significant drop',
    ],
    ['nps trend survey.csv --fiscal-year-start 7 -o trend.csv', 'fiscal quarters (FY runs July-June) as CSV'],
    [
      'nps trend survey.csv --by channel --fail-below 0',
      "one series per channel; exit 1 when a channel's latest period is below 0",
    ],
    [
      'nps trend contacts.csv --period month --cluster account',
      "an account's contacts are alike: intervals and changes over accounts",
    ],
    [
      'nps trend survey.csv --window 90d --step 1w',
      'a rolling NPS: the 90 days to the end of each week, with its interval',
    ],
    [
      'nps trend answers.csv --period week --sent contacts.csv --sent-on contact_id --adjust channel',
      "each week's response rate, and its NPS weighted to that week's contacts",
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
    grouping: true,
  },
  configure: (cmd) =>
    addSentOptions(addSideMetricOptions(cmd))
      .option('--sent-date <column>', "the contacts' date, whose period a contact counts in (default: detected)")
      .addOption(new Option('--period <unit>', 'period length').choices(PERIOD_UNITS).default('quarter'))
      .option('--window <days>', 'a rolling NPS instead: the trailing N days (90d, 12w) at each --step', parseDays)
      .addOption(
        new Option('--step <period>', 'how often a --window is taken: 1d, 1w, 2w, 1m ...')
          .argParser(parseStep)
          .default({ count: 1, unit: 'week' }, '1w'),
      )
      .option('--by <column>', 'one series per value of this column (agent, team, channel ...)')
      .option(
        '--min-n <n>',
        'mark periods with fewer responses than this (with --by, --fail-below judges the rest)',
        parseCount,
        30,
      )
      .option('--benchmark <nps>', 'test the latest period against this target', parseNps)
      .addOption(
        new Option('--alternative <side>', 'the side --benchmark tests, chosen before seeing the data')
          .choices(ALTERNATIVES)
          .default('two-sided'),
      )
      .option('--fail-on-drop', 'exit 1 when the latest complete period is significantly below the one before')
      .addOption(inProgressOption())
      .addOption(clusterOption()),
  async run(context) {
    const { flags } = context;
    const calendar: Calendar = { unit: flags.period, fiscalYearStart: flags.fiscalYearStart };
    const last = context.request.last;
    if (last && !tiles(last.unit, flags.period)) {
      // A window of 2 weeks would show a whole month's row holding only part of that month.
      throw usageError(
        `--last ${last.count}${last.unit[0]} does not cover whole ${flags.period}s`,
        `use --last N${flags.period[0]} with --period ${flags.period}`,
      );
    }
    if (flags.window !== undefined) return trendWindows(context, flags.window);
    return flags.by === undefined ? trendOverall(context, calendar) : trendByGroup(context, calendar, flags.by);
  },
};

async function trendOverall(
  { flags, request, statistics, decimals, failBelow, scan, warn }: CommandContext<TrendFlags>,
  calendar: Calendar,
): Promise<Outcome> {
  const { result, contacts } = await scanWithContacts(
    scan,
    flags,
    { needsDates: true, groups: [...clusterColumns(flags), ...sideColumns(flags)] },
    pairFold(periodsFold(flags, calendar), sideFold(flags, { by: 'period', calendar })),
  );
  const [state, side] = result.state;
  checkSideMetrics(flags, side.values(), warn);
  const design = periodDesign(flags, state, result);
  const periods = talliesOf(design);
  const { first, final } = shownRange(countsOf(periods), result, request.since, calendar, warn);
  const judge = judging(result, calendar, flags);
  const points = trendOf(design, first, final, statistics, judge.lastJudged);
  // Gates and the benchmark judge the latest complete period with responses: a window may end in an empty one.
  const latestKey = latestJudged(periods.keys(), judge);
  const drop = latestChange(design, latestKey, calendar, statistics);
  const benchmark =
    flags.benchmark === undefined || latestKey === undefined
      ? undefined
      : benchmarkVerdict(
          periods.get(latestKey)!,
          flags.benchmark,
          statistics,
          decimals,
          flags.alternative,
          periodLabel(latestKey, calendar),
        );
  // The --fail-on-drop verdict is its gate's line; the benchmark's is a note, and data in JSON.
  const verdicts = [
    judge.note(points.map((p) => p.key)),
    design.clusters === undefined ? undefined : clusterNote(design.clusters, clusterName(result)),
    benchmark?.sentence,
  ];
  const report = trendReport([{ points, side: (key) => side.get(key) }], calendar, statistics, flags.minN, {
    sideFlags: flags,
    complete: judge.complete,
    title: `NPS by ${flags.period}: ${result.inputs.map((i) => i.name).join(', ')}`,
    notes: verdicts.filter((v): v is string => v !== undefined),
  });
  const latest = points.find((p) => p.key === latestKey);
  // The page's headline: the latest complete period, and its change from the one before.
  const headline: Headline | undefined =
    latest &&
    npsHeadline(latest.summary, statistics, `NPS, ${periodLabel(latest.key, calendar)}`, {
      change:
        latest.change &&
        headlineChange(
          latest.change,
          latest.pAdjusted,
          1 - statistics.confidence,
          periodLabel(latest.key - 1, calendar),
        ),
    });
  const gates = [
    ...(failBelow === undefined
      ? []
      : [
          failBelowGate(
            failBelow,
            latest ? [{ subject: periodLabel(latest.key, calendar), nps: latest.summary.nps }] : [],
            decimals,
          ),
        ]),
    ...(flags.failOnDrop ? [dropGate(drop, statistics, decimals)] : []),
  ];
  // The contacts by the period of their own date.
  const funnel =
    contacts &&
    contactTables(flags, result, contacts, statistics, decimals, { within: periodBreakdown(flags, result, calendar) });
  return {
    report: {
      ...report,
      headline,
      tables: [...report.tables, ...(benchmark ? [benchmark.table] : []), ...(funnel?.tables ?? [])],
      notes: [...report.notes, ...(funnel?.notes ?? [])],
    },
    gates,
  };
}

/** Periods a trend shows at most: more is a date gone wrong (year 0001 or 9999), not a trend. */
const MAX_PERIODS = 5000;
/** Rows of a trend by group at most (series x periods). */
const MAX_TREND_ROWS = 2_000_000;

/**
 * The periods shown: from the first to the last with data, empty ones between included (n = 0),
 * or the whole --last window and those in progress after it, but not before --since, whose
 * periods were filtered, not empty.
 * Refuses a span no one could read (a mistyped year pads thousands of empty periods), and warns
 * when a few dates lie far from the bulk of them.
 */
function shownRange(
  counts: ReadonlyMap<number, number>,
  result: Scan<unknown>,
  sinceTime: number | undefined,
  calendar: Calendar,
  warn: (message: string) => void,
) {
  const window = result.window;
  const start = Math.max(window?.start ?? -Infinity, sinceTime ?? -Infinity);
  const first = window ? periodKey(start, calendar) : minOf(counts.keys());
  // A window's complete periods, then any in progress that hold responses.
  const final = Math.max(window ? periodKey(window.end, calendar) : -Infinity, maxOf(counts.keys(), -Infinity));
  const span = final - first + 1;
  const where = result.extremes
    ? `the earliest, ${isoDay(result.extremes.earliest)}, on line ${result.extremes.earliestLine}; ` +
      `the latest, ${isoDay(result.extremes.latest)}, on line ${result.extremes.latestLine}`
    : '';
  if (span > MAX_PERIODS) {
    throw dataError(
      `the dates span ${span} ${calendar.unit}s, more than ${MAX_PERIODS} to show (${where})`,
      'keep the real range with --since and --until, or choose a longer --period',
    );
  }
  // The bulk: the periods holding all but the outer 0.5% of responses at each end.
  const sorted = [...counts].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  let seen = 0;
  let low = first;
  let high = final;
  for (const [key, n] of sorted) {
    if (seen <= total * 0.005) low = key;
    seen += n;
    if (seen >= total * 0.995) {
      high = key;
      break;
    }
  }
  const outside = sorted.filter(([key]) => key < low || key > high).reduce((sum, [, n]) => sum + n, 0);
  if (outside > 0 && span > 4 * (high - low + 1)) {
    warn(
      `warning: ${outside} ${outside === 1 ? 'response is' : 'responses are'} dated far from the rest ` +
        `(${
          low === high ? periodLabel(low, calendar) : `${periodLabel(low, calendar)} to ${periodLabel(high, calendar)}`
        }): ` +
        `${where}; keep the real range with --since and --until`,
    );
  }
  return { first, final };
}

/** Responses per period: what the span checks weigh. */
const countsOf = (periods: Iterable<[number, Tally]>, into = new Map<number, number>()) => {
  for (const [key, tally] of periods) into.set(key, (into.get(key) ?? 0) + weightOf(tally));
  return into;
};

/** One series per value of --by, over the same periods, each tested and Holm-adjusted on its own. */
async function trendByGroup(
  { flags, request, statistics, decimals, failBelow, scan, warn }: CommandContext<TrendFlags>,
  calendar: Calendar,
  by: string,
): Promise<Outcome> {
  if (flags.sent !== undefined)
    throw usageError(
      '--sent with trend --by: rates by period and group are not done yet',
      'drop --by for rates by period, or use nps segments --sent for rates by group',
    );
  if (flags.failOnDrop || flags.benchmark !== undefined) {
    throw usageError(
      '--fail-on-drop and --benchmark judge one series; drop --by for them',
      'run nps trend without --by for them; --fail-below works with --by',
    );
  }
  // With --cluster, each series' periods are tallied per cluster too, whose value follows the group's.
  const clusterColumn = clusterColumns(flags);
  const fold = pairFold(
    groupPeriodFold(calendar, ['by', ...clusterRoles(flags)]),
    sideFold(flags, { by: 'groupPeriod', role: 'by', calendar }),
  );
  const result = await scan(
    { needsDates: true, groups: [{ role: 'by', flag: '--by', spec: by }, ...clusterColumn, ...sideColumns(flags)] },
    fold,
  );
  const [state, side] = result.state;
  checkSideMetrics(flags, side.values(), warn);
  const clustered = flags.cluster === undefined ? undefined : seriesInClusters(state, clusterName(result));
  const designs = clustered?.series ?? state;
  const byGroup = clustered
    ? new Map([...clustered.series].map(([group, design]) => [group, talliesOf(design)]))
    : state;
  const counts = new Map<number, number>();
  for (const series of byGroup.values()) countsOf(series, counts);
  const { first, final } = shownRange(counts, result, request.since, calendar, warn);
  const judge = judging(result, calendar, flags);
  if (byGroup.size * (final - first + 1) > MAX_TREND_ROWS) {
    throw dataError(
      `${byGroup.size} series of ${final - first + 1} ${flags.period}s is more than ${MAX_TREND_ROWS} rows`,
      'group by a column with fewer values, or choose a longer --period or a shorter range',
    );
  }
  const series = [...byGroup.keys()].sort(compareText).map((group) => ({
    group: groupLabel(group),
    points: trendOf(designs.get(group)!, first, final, statistics, judge.lastJudged),
    side: (key: number) => side.get(`${group}${KEY_SEPARATOR}${key}`),
  }));
  const name = result.inputs[0].columns.by.name;
  // Every series has the same periods: the first one's say which are shown.
  const inProgress = judge.note(series[0]?.points.map((p) => p.key) ?? []);
  // The headline: every answer's NPS in the latest complete period, and its change (not Holm-adjusted:
  // the whole's changes are not in the table).
  const everyone = overallPeriods(flags, state, result);
  const latestKey = latestJudged(everyone.keys, judge);
  const latestAll = latestChange(everyone, latestKey, calendar, statistics);
  const headline =
    latestKey === undefined
      ? undefined
      : npsHeadline(
          summarize(everyone.tally(latestKey), statistics, everyone.counted(latestKey)),
          statistics,
          `NPS, ${periodLabel(latestKey, calendar)}, every ${name.toLowerCase()}`,
          {
            change:
              latestAll &&
              headlineChange(
                latestAll.change,
                latestAll.change.p,
                1 - statistics.confidence,
                periodLabel(latestKey - 1, calendar),
              ),
          },
        );
  const report = trendReport(series, calendar, statistics, flags.minN, {
    sideFlags: flags,
    complete: judge.complete,
    title: `NPS by ${flags.period} and ${name}: ${result.inputs.map((i) => i.name).join(', ')}`,
    notes: [inProgress, clustered && clusterNote(clustered.clusters, clusterName(result))].filter((n): n is string =>
      Boolean(n),
    ),
    groupName: name,
  });
  if (failBelow === undefined) return { report: { ...report, headline } };
  // Each series' latest complete period with responses, when it has enough of them.
  const latest = series.map((s) => ({
    group: s.group,
    point: s.points.filter((p) => p.summary.n > 0 && p.key <= judge.lastJudged).at(-1),
  }));
  const judged = latest.filter((l) => l.point && l.point.summary.counted >= flags.minN);
  const gate = failBelowGate(
    failBelow,
    judged.map((l) => ({ subject: `${l.group} ${periodLabel(l.point!.key, calendar)}`, nps: l.point!.summary.nps })),
    decimals,
    underMinN(latest.length - judged.length, flags.minN),
  );
  return { report: { ...report, headline }, gates: [gate] };
}

/**
 * A rolling NPS: the trailing --window days at the end of each --step period. Windows overlap, so
 * changes between them are not tested (they share most of their answers); --fail-below judges the
 * latest complete one.
 */
async function trendWindows(
  { flags, statistics, decimals, failBelow, scan }: CommandContext<TrendFlags>,
  width: number,
): Promise<Outcome> {
  const refused = [
    flags.by !== undefined && '--by',
    flags.cluster !== undefined && '--cluster',
    flags.sent !== undefined && '--sent',
    flags.failOnDrop && '--fail-on-drop',
    flags.benchmark !== undefined && '--benchmark',
  ].filter((f): f is string => Boolean(f));
  if (refused.length > 0) {
    throw usageError(
      `--window with ${refused.join(' and ')}: rolling windows are one series, and overlapping ones are not tested`,
      'drop --window for periods that do not overlap, or drop the other option',
    );
  }
  const step: Calendar = { unit: flags.step.unit, fiscalYearStart: flags.fiscalYearStart };
  const result = await scan({ needsDates: true }, periodFold(DAYS));
  const days = result.state;
  const span = {
    firstDay: minOf(days.keys()),
    lastDay: maxOf(days.keys()),
    endDay: periodKey(result.boundary - 1, DAYS),
  };
  const windows = trailingWindows(days, span, width, step, flags.step.count);
  if (windows.length === 0) {
    const covered = Math.min(span.lastDay, span.endDay) - span.firstDay + 1;
    throw dataError(
      `the answers span ${covered} ${covered === 1 ? 'day' : 'days'}, fewer than the --window of ${width}`,
      'choose a shorter --window, or read a longer export',
    );
  }
  const complete = (w: Window) => periodEnd(w.step, step) < result.boundary;
  const rows = windows.map((w) => {
    const s = summarize(w.tally, statistics);
    return {
      period: periodLabel(w.step, step),
      window_start: periodLabel(w.firstDay, DAYS),
      window_end: periodLabel(w.lastDay, DAYS),
      ...npsCells(s),
      margin_below: s.nps - s.lower,
      margin_above: s.upper - s.nps,
      complete: complete(w),
      note: complete(w) ? (s.counted < flags.minN ? lowN(s, flags.minN) : '') : 'in progress',
    };
  });
  const latest = [...windows].reverse().find(complete);
  const every = flags.step.count === 1 ? flags.step.unit : `${flags.step.count} ${flags.step.unit}s`;
  const report: Outcome['report'] = {
    headline:
      latest &&
      npsHeadline(
        summarize(latest.tally, statistics),
        statistics,
        `NPS, the ${width} days to ${periodLabel(latest.lastDay, DAYS)}`,
      ),
    title: `NPS over the trailing ${width} days, each ${every}: ${result.inputs.map((i) => i.name).join(', ')}`,
    tables: [
      {
        name: 'windows',
        columns: [
          { key: 'period', label: 'Ending', kind: 'text' },
          { key: 'window_start', label: 'From', kind: 'date' },
          { key: 'window_end', label: 'To', kind: 'date' },
          ...npsColumns({ shares: 'both' }),
          { key: 'margin_below', label: 'Margin below', kind: 'nps', audience: 'machine' },
          { key: 'margin_above', label: 'Margin above', kind: 'nps', audience: 'machine' },
          { key: 'complete', label: 'Complete', kind: 'boolean', audience: 'machine' },
          { key: 'note', label: 'Note', kind: 'text', audience: 'human' },
        ],
        rows,
        chart: { kind: 'line', x: 'period', value: 'nps', low: 'nps_lower', high: 'nps_upper', n: 'n' },
      },
    ],
    notes: [
      `Each row is the NPS of the ${width} days to the end of its ${flags.step.unit} (or to --as-of, in ` +
        `progress). Windows overlap and share answers: their changes are not tested; for tested changes ` +
        `use --period.`,
    ],
  };
  if (failBelow === undefined) return { report };
  const judged = latest
    ? [
        {
          subject: `the ${width} days to ${periodLabel(latest.lastDay, DAYS)}`,
          nps: summarize(latest.tally, statistics).nps,
        },
      ]
    : [];
  return { report, gates: [failBelowGate(failBelow, judged, decimals)] };
}

/** "1w", "2w", "1m", "1d": how often a rolling window is taken. */
function parseStep(value: string): { count: number; unit: PeriodUnit } {
  const step = parseLast(value.trim());
  if (!step) throw new InvalidArgumentError('Give a step such as 1d, 1w, 2w or 1m');
  return step;
}

const COLUMNS: Column[] = [
  { key: 'period', label: 'Period', kind: 'text' },
  { key: 'period_start', label: 'Start', kind: 'date', audience: 'machine' },
  { key: 'period_end', label: 'End', kind: 'date', audience: 'machine' },
  ...npsColumns({ shares: 'both' }),
  { key: 'promoters', label: 'Promoters', kind: 'count', audience: 'machine' },
  { key: 'passives', label: 'Passives', kind: 'count', audience: 'machine' },
  { key: 'detractors', label: 'Detractors', kind: 'count', audience: 'machine' },
  { key: 'margin_below', label: 'Margin below', kind: 'nps', audience: 'machine' },
  { key: 'margin_above', label: 'Margin above', kind: 'nps', audience: 'machine' },
  ...differenceColumns({ label: 'Change', pLabel: 'p (Holm)', interval: false }),
  { key: 'low_n', label: 'Low n', kind: 'boolean', audience: 'machine' },
  { key: 'complete', label: 'Complete', kind: 'boolean', audience: 'machine' },
  { key: 'note', label: 'Note', kind: 'text', audience: 'human' },
];

/**
 * Trends as one flat table, one row per period (per group and period with --by), with the
 * sparklines and the test stated in notes.
 */
export function trendReport(
  series: readonly { group?: string; points: readonly TrendPoint[]; side?: (key: number) => SideMetrics | undefined }[],
  calendar: Calendar,
  stats: Statistics,
  minN: number,
  frame: {
    title: string;
    notes: readonly string[];
    groupName?: string;
    sideFlags?: SideFlags;
    complete: (key: number) => boolean;
  },
): Outcome['report'] {
  const alpha = 1 - stats.confidence;
  const level = confidenceLabel(stats.confidence);
  const sideFlags = frame.sideFlags ?? {};
  // Every series shares the same periods: their labels are made once.
  const labels = new Map<number, { period: string; period_start: string; period_end: string }>();
  const labelOf = (key: number) =>
    entry(labels, key, () => ({
      period: periodLabel(key, calendar),
      period_start: isoDay(periodStart(key, calendar)),
      period_end: isoDay(periodEnd(key, calendar)),
    }));
  const rowsOf = (
    group: string | undefined,
    points: readonly TrendPoint[],
    side?: (key: number) => SideMetrics | undefined,
  ) =>
    // Literal first, small objects spread after: V8 builds these rows fast (a conditional spread
    // first made each of them a slow dictionary). Without --by, `group` is simply not a column.
    points.map(({ key, summary: s, change, pAdjusted }) => ({
      group: group ?? null,
      ...labelOf(key),
      ...npsCells(s),
      promoters: s.promoters,
      passives: s.passives,
      detractors: s.detractors,
      margin_below: s.nps - s.lower,
      margin_above: s.upper - s.nps,
      ...differenceCells(change, pAdjusted, alpha),
      low_n: s.counted < minN,
      complete: frame.complete(key),
      note: [frame.complete(key) ? '' : 'in progress', s.n === 0 ? 'no responses' : lowN(s, minN)]
        .filter(Boolean)
        .join('; '),
      ...(hasSideMetrics(sideFlags) ? sideMetricCells(sideFlags, side?.(key)) : {}),
    }));
  const rows = series.flatMap(({ group, points, side }) => rowsOf(group, points, side));
  const points = series[0]?.points ?? [];
  const span =
    points.length > 1
      ? `${periodLabel(points[0].key, calendar)} to ${periodLabel(points[points.length - 1].key, calendar)}`
      : '';
  // With several series, one scale for all, so the lines compare with each other.
  const scale = sparkScale(series.flatMap(({ points: p }) => p.map((x) => x.summary.nps)));
  const lineOf = (p: readonly TrendPoint[]) =>
    sparkline(
      p.map((x) => x.summary.nps),
      scale,
    );
  const tested = maxOf(
    series.map(({ points: p }) => p.filter((x) => !Number.isNaN(x.pAdjusted)).length),
    0,
  );
  const notes = [
    points.length > 1 && !frame.groupName ? `NPS ${span}: ${lineOf(points)}` : undefined,
    tested > 0
      ? frame.groupName
        ? `Each change is tested against the period before (the MOVER interval of the difference, and ` +
          `the p that inverts it); p-values are Holm-adjusted within each ${frame.groupName}'s series; ` +
          `▲ ▼ mark changes significant at ${level}.`
        : `Each change is tested against the period before (the MOVER interval of the difference, and ` +
          `the p that inverts it); p-values are Holm-adjusted across the ${tested} ` +
          `${tested === 1 ? 'change' : 'changes'}; ` +
          `▲ ▼ mark changes significant at ${level}.`
      : undefined,
    ...frame.notes,
  ].filter((n): n is string => n !== undefined);
  const columns: Column[] = [
    ...(frame.groupName ? [{ key: 'group', label: frame.groupName, kind: 'text' } as Column] : []),
    ...COLUMNS,
    ...sideMetricColumns(sideFlags),
  ];
  const lines =
    frame.groupName && points.length > 1
      ? [
          {
            name: 'sparklines',
            audience: 'human' as const,
            title: `NPS ${span}, one scale for all`,
            columns: [
              { key: 'group', label: frame.groupName, kind: 'text' as const },
              { key: 'line', label: '', kind: 'text' as const },
              { key: 'latest', label: 'Latest', kind: 'nps' as const },
            ],
            rows: series.map(({ group, points: p }) => ({
              group: group ?? '',
              line: lineOf(p),
              latest: p.filter((x) => x.summary.n > 0).at(-1)?.summary.nps ?? NaN,
            })),
          },
        ]
      : [];
  // A series per group is a small multiple of its own, on the scale they share.
  const chart: Chart = {
    kind: 'line',
    x: 'period',
    value: 'nps',
    low: 'nps_lower',
    high: 'nps_upper',
    n: 'n',
    tone: SIGNIFICANT,
    facet: frame.groupName ? 'group' : undefined,
  };
  return { title: frame.title, tables: [{ name: 'periods', columns, rows, chart }, ...lines], notes };
}
