import { Option } from 'commander';
import { groupPeriodFold, KEY_SEPARATOR, pairFold, periodFold } from '../../core/fold.js';
import type { SideMetrics } from '../../core/metrics.js';
import { compareText } from '../../core/text.js';
import { periodEnd, periodKey, periodLabel, periodStart, PERIOD_UNITS, sparkline, tiles, type Calendar, type PeriodUnit } from '../../core/period.js';
import type { Statistics } from '../../core/summary.js';
import { trendOf, type TrendPoint } from '../../core/trend.js';
import { scan } from '../../io/scan.js';
import { writeOutput } from '../../io/write.js';
import { confidenceLabel } from '../../report/format.js';
import { render } from '../../report/index.js';
import type { Column, Report } from '../../report/model.js';
import { buildMeta, checkAccounting, describeAccounting, isoDay } from '../accounting.js';
import { usageError } from '../../errors.js';
import type { Io } from '../../io/io.js';
import { addFilterOptions, addInputOptions, addOutputOptions, addStatisticsOptions, parseCount, parseNps, sharedOptions, type SharedFlags, type SharedOptions } from '../options.js';
import { addSideMetricOptions, checkSideMetrics, hasSideMetrics, sideColumns, sideFold, sideMetricCells, sideMetricColumns, type SideFlags } from '../side-metrics.js';
import { groupLabel } from './compare.js';
import { benchmarkSentence, gateFailure, latestChange } from '../verdicts.js';
import type { CommandDefinition } from './index.js';

interface TrendFlags extends SharedFlags, SideFlags {
  period: PeriodUnit;
  by?: string;
  minN: number;
  benchmark?: number;
  failOnDrop?: boolean;
}

export const trend: CommandDefinition = {
  name: 'trend',
  summary: 'NPS per period (quarter, month, week ...), with each change tested against the period before',
  examples: [
    ['nps trend survey.csv', 'NPS per quarter, changes marked when significant'],
    ['nps trend survey.csv --period month --last 12m --tz Europe/Stockholm', 'the last twelve months, in Swedish time'],
    ['nps trend survey.csv --period week --last 12w --format markdown --fail-on-drop', 'a weekly CI summary that fails on a significant drop'],
    ['nps trend survey.csv --fiscal-year-start 7 --format csv', 'fiscal quarters (FY runs July-June) as CSV'],
    ['nps trend survey.csv --by channel --format csv', 'one series per channel, long format'],
  ],
  configure: (cmd) =>
    addSideMetricOptions(addOutputOptions(addStatisticsOptions(addFilterOptions(addInputOptions(cmd)))))
      .addOption(new Option('--period <unit>', 'period length').choices(PERIOD_UNITS).default('quarter'))
      .option('--min-n <n>', 'mark periods with fewer responses than this', parseCount, 30)
      .option('--benchmark <nps>', 'test the latest period against this target (one-tailed)', parseNps)
      .option('--fail-on-drop', 'exit 1 when the latest period is significantly below the one before')
      .option('--by <column>', 'one series per value of this column (agent, team, channel ...)'),
  async run(files, rawFlags, io: Io): Promise<void> {
    const flags = rawFlags as TrendFlags;
    const options = sharedOptions(files, flags, io);
    const calendar: Calendar = { unit: flags.period, fiscalYearStart: flags.fiscalYearStart };
    const last = options.scan.last;
    if (last && !tiles(last.unit, flags.period)) {
      // A window of 2 weeks would show a whole month's row holding only part of that month.
      throw usageError(`--last ${last.count}${last.unit[0]} does not cover whole ${flags.period}s`, `use --last N${flags.period[0]} with --period ${flags.period}`);
    }
    if (options.scan.scores.length > 1) throw usageError('trend follows one question', 'give --score once; nps agents and nps segments show two side by side');
    const decimals = options.render.decimals;
    if (flags.by !== undefined) return trendByGroup(flags, options, calendar, io);
    const fold = pairFold(periodFold(calendar), sideFold(flags, 0, (time) => periodKey(time, calendar)));
    const result = await scan({ ...options.scan, needsDates: true, groups: sideColumns(flags) }, io, fold);
    checkAccounting(result, options, io);
    const [periods, side] = result.state;
    checkSideMetrics(flags, side.values(), io);
    const keys = [...periods.keys()];
    const { first, final } = shownRange(keys, result.window, options.scan.since, calendar);
    const points = trendOf(periods, first, final, options.statistics);
    const drop = latestChange(periods, calendar, options.statistics, decimals);
    const latestTally = periods.get(Math.max(...keys))!;
    const benchmark = flags.benchmark === undefined ? undefined : benchmarkSentence(latestTally, flags.benchmark, options.statistics, decimals);
    const verdicts = [benchmark ? `${periodLabel(Math.max(...keys), calendar)}: ${benchmark.sentence}` : undefined, flags.failOnDrop ? drop?.sentence : undefined];
    const output = trendReport([{ points, side: (key) => side.get(key) }], calendar, options.statistics, flags.minN, {
      sideFlags: flags,
      title: `NPS by ${flags.period}: ${result.inputs.map((i) => i.name).join(', ')}`,
      notes: [...verdicts.filter((v): v is string => v !== undefined), describeAccounting(result.accounting)],
      meta: buildMeta('trend', result, options),
    });
    await writeOutput(render(output, options.format, options.render), options.output, options.scan.files, io);
    // Gates judge the latest period with responses: a window may end in an empty one.
    const latestNps = points.filter((p) => p.summary.n > 0).at(-1)?.summary.nps ?? NaN;
    const failure = gateFailure(latestNps, options.failBelow, flags.failOnDrop ? drop : undefined, decimals);
    if (failure) throw failure;
  },
};

/**
 * The periods shown: from the first to the last with data, empty ones between included (n = 0),
 * or the whole --last window, but not before --since, whose periods were filtered, not empty.
 */
function shownRange(keys: readonly number[], window: { start: number; end: number } | undefined, since: number | undefined, calendar: Calendar) {
  const start = Math.max(window?.start ?? -Infinity, since ?? -Infinity);
  return {
    first: window ? periodKey(start, calendar) : Math.min(...keys),
    final: window ? periodKey(window.end, calendar) : Math.max(...keys),
  };
}

/** One series per value of --by, over the same periods, each tested and Holm-adjusted on its own. */
async function trendByGroup(flags: TrendFlags, options: SharedOptions, calendar: Calendar, io: Io): Promise<void> {
  if (flags.failOnDrop || flags.benchmark !== undefined || options.failBelow !== undefined) {
    throw usageError('--fail-on-drop, --fail-below and --benchmark judge one series; drop --by for them', 'run nps trend without --by for the gate');
  }
  const fold = pairFold(groupPeriodFold(calendar), sideFold(flags, 1, (time, keys) => `${keys[0]}${KEY_SEPARATOR}${periodKey(time, calendar)}`));
  const result = await scan({ ...options.scan, needsDates: true, groups: [{ role: 'by', flag: '--by', spec: flags.by }, ...sideColumns(flags)] }, io, fold);
  checkAccounting(result, options, io);
  const [byGroup, side] = result.state;
  checkSideMetrics(flags, side.values(), io);
  const keys = [...byGroup.values()].flatMap((series) => [...series.keys()]);
  const { first, final } = shownRange(keys, result.window, options.scan.since, calendar);
  const series = [...byGroup.keys()].sort(compareText).map((group) => ({
    group: groupLabel(group),
    points: trendOf(byGroup.get(group)!, first, final, options.statistics),
    side: (key: number) => side.get(`${group}${KEY_SEPARATOR}${key}`),
  }));
  const name = result.inputs[0].columns.by.name;
  const output = trendReport(series, calendar, options.statistics, flags.minN, {
    sideFlags: flags,
    title: `NPS by ${flags.period} and ${name}: ${result.inputs.map((i) => i.name).join(', ')}`,
    notes: [describeAccounting(result.accounting)],
    meta: buildMeta('trend', result, options),
    groupName: name,
  });
  await writeOutput(render(output, options.format, options.render), options.output, options.scan.files, io);
}

const COLUMNS: Column[] = [
  { key: 'period', label: 'Period', kind: 'text' },
  { key: 'period_start', label: 'Start', kind: 'text', audience: 'machine' },
  { key: 'period_end', label: 'End', kind: 'text', audience: 'machine' },
  { key: 'n', label: 'n', kind: 'count' },
  { key: 'promoters', label: 'Promoters', kind: 'count', audience: 'machine' },
  { key: 'passives', label: 'Passives', kind: 'count', audience: 'machine' },
  { key: 'detractors', label: 'Detractors', kind: 'count', audience: 'machine' },
  { key: 'promoters_pct', label: 'Promoters', kind: 'pct' },
  { key: 'passives_pct', label: 'Passives', kind: 'pct', audience: 'machine' },
  { key: 'detractors_pct', label: 'Detractors', kind: 'pct' },
  { key: 'nps', label: 'NPS', kind: 'nps' },
  { key: 'interval', label: 'Interval', kind: 'range', audience: 'human' },
  { key: 'nps_lower', label: 'Lower', kind: 'nps', audience: 'machine' },
  { key: 'nps_upper', label: 'Upper', kind: 'nps', audience: 'machine' },
  { key: 'margin', label: 'Margin', kind: 'margin', audience: 'machine' },
  { key: 'change', label: 'Change', kind: 'nps' },
  { key: 'change_lower', label: 'Change lower', kind: 'nps', audience: 'machine' },
  { key: 'change_upper', label: 'Change upper', kind: 'nps', audience: 'machine' },
  { key: 'p_value', label: 'p', kind: 'p', audience: 'machine' },
  { key: 'p_adjusted', label: 'p (Holm)', kind: 'p' },
  { key: 'marker', label: '', kind: 'text', audience: 'human' },
  { key: 'significant', label: 'Significant', kind: 'text', audience: 'machine' },
  { key: 'low_n', label: 'Low n', kind: 'boolean', audience: 'machine' },
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
  frame: { title: string; notes: readonly string[]; meta: Record<string, unknown>; groupName?: string; sideFlags?: SideFlags },
): Report {
  const alpha = 1 - stats.confidence;
  const level = confidenceLabel(stats.confidence);
  const sideFlags = frame.sideFlags ?? {};
  const rowsOf = (group: string | undefined, points: readonly TrendPoint[], side?: (key: number) => SideMetrics | undefined) => points.map(({ key, summary: s, change, pAdjusted }) => {
    const significant = change && pAdjusted < alpha ? (change.difference > 0 ? 'up' : 'down') : '';
    return {
      ...(group === undefined ? {} : { group }),
      period: periodLabel(key, calendar),
      period_start: isoDay(periodStart(key, calendar)),
      period_end: isoDay(periodEnd(key, calendar)),
      n: s.n,
      promoters: s.promoters,
      passives: s.passives,
      detractors: s.detractors,
      promoters_pct: s.promotersPct,
      passives_pct: s.passivesPct,
      detractors_pct: s.detractorsPct,
      nps: s.nps,
      interval: [s.lower, s.upper] as const,
      nps_lower: s.lower,
      nps_upper: s.upper,
      margin: s.margin,
      change: change ? 100 * change.difference : null,
      change_lower: change ? 100 * change.lower : null,
      change_upper: change ? 100 * change.upper : null,
      p_value: change ? change.p : null,
      p_adjusted: change ? pAdjusted : null,
      marker: significant === 'up' ? '▲' : significant === 'down' ? '▼' : '',
      significant,
      low_n: s.n < minN,
      note: s.n === 0 ? 'no responses' : s.n < minN ? `n < ${minN}` : '',
      ...(hasSideMetrics(sideFlags) ? sideMetricCells(sideFlags, side?.(key)) : {}),
    };
  });
  const rows = series.flatMap(({ group, points, side }) => rowsOf(group, points, side));
  const points = series[0]?.points ?? [];
  const span = points.length > 1 ? `${periodLabel(points[0].key, calendar)} to ${periodLabel(points[points.length - 1].key, calendar)}` : '';
  // With several series, one scale for all, so the lines compare with each other.
  const all = series.flatMap(({ points: p }) => p.map((x) => x.summary.nps));
  const lineOf = (p: readonly TrendPoint[]) => sparkline(p.map((x) => x.summary.nps), all);
  const tested = Math.max(0, ...series.map(({ points: p }) => p.filter((x) => !Number.isNaN(x.pAdjusted)).length));
  const notes = [
    points.length > 1 && !frame.groupName ? `NPS ${span}: ${lineOf(points)}` : undefined,
    tested > 0
      ? frame.groupName
        ? `Each change is tested against the period before (two-sample z-test on adjusted-Wald counts); p-values are Holm-adjusted within each ${frame.groupName}'s series; ▲ ▼ mark changes significant at ${level}.`
        : `Each change is tested against the period before (two-sample z-test on adjusted-Wald counts); p-values are Holm-adjusted across the ${tested} ${tested === 1 ? 'change' : 'changes'}; ▲ ▼ mark changes significant at ${level}.`
      : undefined,
    ...frame.notes,
  ].filter((n): n is string => n !== undefined);
  const columns: Column[] = [
    ...(frame.groupName ? [{ key: 'group', label: frame.groupName, kind: 'text' } as Column] : []),
    ...COLUMNS,
    ...sideMetricColumns(sideFlags),
  ];
  const lines = frame.groupName && points.length > 1
    ? [{
        name: 'sparklines',
        audience: 'human' as const,
        title: `NPS ${span}, one scale for all`,
        columns: [
          { key: 'group', label: frame.groupName, kind: 'text' as const },
          { key: 'line', label: '', kind: 'text' as const },
          { key: 'latest', label: 'Latest', kind: 'nps' as const },
        ],
        rows: series.map(({ group, points: p }) => ({ group: group ?? '', line: lineOf(p), latest: p.filter((x) => x.summary.n > 0).at(-1)?.summary.nps ?? NaN })),
      }]
    : [];
  return {
    command: 'trend',
    title: frame.title,
    tables: [{ name: 'periods', columns, rows }, ...lines],
    notes,
    meta: frame.meta,
  };
}
