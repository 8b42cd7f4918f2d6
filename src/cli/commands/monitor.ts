import { InvalidArgumentError } from 'commander';
import { ewmaSd } from '../../core/control.js';
import { minOf } from '../../core/extent.js';
import { KEY_SEPARATOR, pairFold, scopePeriodFold } from '../../core/fold.js';
import {
  type Baseline,
  baselineOf,
  type ChartPoint,
  type Charts,
  calibrate,
  chartDay,
  type DayCounts,
  STATISTICS,
  type Statistic,
  unchartable,
} from '../../core/monitor.js';
import { DAYS, parsePeriodLabel, periodKey, periodLabel, periodStart } from '../../core/period.js';
import { type Mark, markOf, newDetractors, seenFold } from '../../core/seen.js';
import { countsOf, sizeOf, type Tally } from '../../core/tally.js';
import { compareText } from '../../core/text.js';
import { dataError, inputError, usageError } from '../../errors.js';
import { detectComment, detectId } from '../../io/scan/mapping.js';
import type { GroupColumn } from '../../io/scan/plan.js';
import { readState } from '../../io/state.js';
import { groupLabel } from '../../report/format.js';
import type { Column, Gate, ReportTable, Row } from '../../report/model.js';
import { isoDay } from '../accounting.js';
import type { CommandDefinition } from '../command.js';
import { collect, parseCount, parseDays, parseNps, parsePositive, whereText } from '../options.js';

interface MonitorFlags {
  state: string;
  by?: string[];
  baseline: number;
  arl: number;
  lambda: number;
  shift: number;
  suppress: number;
  minN: number;
  alertBelow?: number;
  detractorAlerts?: boolean;
  expectedDetractors?: number;
  expectedNps?: number;
  id?: string;
  comment?: string;
  failOnAlert: boolean;
  dryRun?: boolean;
}

const FORMAT = 'npskit-monitor';
const VERSION = 1;
/** Days of each chart a state keeps, and the page draws. */
const HISTORY_DAYS = 56;
/** A baseline shorter than two weeks says too little of how days vary. */
const MIN_BASELINE_DAYS = 14;
/** New detractors listed as alerts in one run at most; the rest are counted. */
const MAX_DETRACTOR_ALERTS = 500;
/** Baseline days overdispersed at this p get Laney's adjustment. */
const OVERDISPERSION_ALPHA = 0.01;

/** What makes a state's figures comparable from run to run: a run with other settings needs another state. */
interface Settings {
  by: string[];
  baseline: number;
  arl: number;
  lambda: number;
  shift: number;
  minN: number;
  expectedDetractors: number | null;
  expectedNps: number | null;
  zone: string;
  /** Which answers are read: the score and date columns, and --where. */
  score: string;
  date: string;
  where: string[];
}

/** One charted day of a scope, as the state keeps it and the page draws it. */
interface HistoryPoint extends Omit<ChartPoint, 'out'> {
  day: string;
  out: Statistic[];
}

interface ScopeState {
  scope: string;
  column: string | null;
  value: string | null;
  baseline: Baseline;
  charts: Charts | null;
  /** Why a scope is not charted. */
  unchartable: string | null;
  /** Per alert kind, the last day its alerts are held back to (a suppression window). */
  quietUntil: Record<string, string>;
  history: HistoryPoint[];
}

interface MonitorState {
  format: typeof FORMAT;
  version: typeof VERSION;
  settings: Settings;
  baseline: { from: string; to: string };
  /** The last day charted: the next run charts the complete days after it. */
  charted: string;
  mark: Mark | null;
  scopes: ScopeState[];
}

/** One alert: a chart out of its limit, an NPS below the floor, or a detractor's comment to answer. */
interface Alert {
  scope: string;
  chart: string;
  day: string;
  value: number;
  limit: number;
  reason: 'ewma' | 'cusum' | 'threshold' | 'detractor';
  id: string;
  comment: string;
}

const CHART_NAMES: Readonly<Record<Statistic | 'threshold', string>> = {
  detractors: 'Detractor share, EWMA (%)',
  nps: 'NPS, EWMA',
  cusum: 'Detractors, CUSUM (nats)',
  threshold: 'NPS, EWMA, below the floor',
};

export const monitor: CommandDefinition<MonitorFlags> = {
  name: 'monitor',
  summary:
    'A daily watch: control charts of the detractor share and NPS per scope, with a state file; exit 1 on a new alert',
  examples: [
    [
      'nps monitor survey.csv --state nps-state.json',
      'the first run builds a 90-day baseline; later runs chart new days',
    ],
    [
      'nps monitor survey.csv --state nps-state.json --by channel --by team --format markdown',
      'overall, per channel and per team, as a CI job summary',
    ],
    [
      'nps monitor survey.csv --state nps-state.json --detractor-alerts -o alerts.jsonl',
      'also an alert per new detractor with a comment, as JSON lines',
    ],
    [
      'nps monitor survey.csv --state nps-state.json --arl 730 --alert-below 0 -o monitor.html',
      'one false alarm in two years; alert too when smoothed NPS falls below 0; control charts',
    ],
  ],
  shared: {
    input: { questions: 1 },
    filters: true,
    output: { decimals: true },
    accounting: true,
  },
  configure: (cmd) =>
    cmd
      .requiredOption('--state <file>', 'the state file one run leaves for the next (made by the first run)')
      .option('--by <column>', 'also watch each value of this column (repeatable)', collect)
      .option('--baseline <days>', 'the in-control period: the complete days before the first chart', parseDays, 90)
      .option(
        '--arl <days>',
        'in-control average run length: days between false alarms, on average',
        parseDaysCount,
        365,
      )
      .option('--lambda <weight>', "the EWMA's weight of each new day, 0 to 1", parseLambda, 0.1)
      .option('--shift <points>', 'the rise of the detractor share the CUSUM is tuned to', parseShift, 8)
      .option('--suppress <days>', 'after an alert, the same alert is held back this many days', parsePositive, 7)
      .option('--min-n <n>', 'answers a scope needs in the baseline to be watched', parseCount, 30)
      .option('--alert-below <nps>', 'alert too when the EWMA of NPS is below this', parseNps)
      .option('--detractor-alerts', 'alert on every new detractor who wrote a comment (needs a response ID column)')
      .option(
        '--expected-detractors <percent>',
        'the in-control detractor share, instead of the baseline’s',
        parsePercent,
      )
      .option('--expected-nps <nps>', 'the in-control NPS, instead of the baseline’s', parseNps)
      .option('--id <column>', 'the response ID column (default: detected)')
      .option('--comment <column>', 'the comment column (default: detected)')
      .option('--dry-run', 'report what this run would chart and alert, and leave the state file as it was')
      .option('--no-fail-on-alert', 'exit 0 even when a new alert is raised (by default a new alert exits 1)'),
  async run({ flags, scan, lock, warn, request }) {
    lock(flags.state);
    const previous = checkState(flags.state, readState(flags.state, FORMAT, VERSION));
    const by = flags.by ?? [];
    const groups: GroupColumn[] = [
      ...by.map((spec): GroupColumn => ({ role: `by:${spec}`, flag: '--by', spec })),
      { role: 'id', flag: '--id', spec: flags.id, detect: detectId, optional: !flags.detractorAlerts, value: true },
      {
        role: 'comment',
        flag: '--comment',
        spec: flags.comment,
        detect: detectComment,
        optional: !flags.detractorAlerts,
        value: true,
      },
    ];
    const chartedUntil = previous ? periodStart(dayKey(previous.charted) + 1, DAYS) : Number.NEGATIVE_INFINITY;
    const result = await scan(
      { needsDates: true, groups },
      pairFold(
        scopePeriodFold(
          DAYS,
          by.map((spec) => `by:${spec}`),
          chartedUntil,
        ),
        seenFold(previous?.mark ?? null, chartedUntil, MAX_DETRACTOR_ALERTS),
      ),
    );
    const [byScope, seen] = result.state;
    const settings: Settings = {
      by,
      baseline: flags.baseline,
      arl: flags.arl,
      lambda: flags.lambda,
      shift: flags.shift,
      minN: flags.minN,
      expectedDetractors: flags.expectedDetractors ?? null,
      expectedNps: flags.expectedNps ?? null,
      zone: result.zone.name,
      score: result.inputs[0].columns.score?.name ?? '',
      date: result.inputs[0].columns.date?.name ?? '',
      where: request.where.map(whereText),
    };
    if (previous) checkSettings(flags.state, previous.settings, settings);
    const mark = markOf(seen, previous?.mark ?? null, result.boundary);
    // A day is charted once it is over at --as-of and the export holds an answer of a later day:
    // days after an export that stopped are not charted as quiet days, and the job says it stopped.
    const over = periodKey(result.boundary, DAYS) - 1;
    // The latest day with answers by the as-of day (the days before the last charted are not read again).
    let answered = previous ? dayKey(previous.charted) : Number.NEGATIVE_INFINITY;
    for (const day of byScope.get('')?.keys() ?? []) if (day <= over + 1 && day > answered) answered = day;
    // The day of the latest answer may be only partly in the export: it waits for a later answer.
    const lastComplete = Math.min(over, answered - 1);
    if (previous && over < dayKey(previous.charted)) {
      throw usageError(
        `the day before --as-of, ${periodLabel(over, DAYS)}, is before the last day charted, ${previous.charted}`,
        'a state goes forward only: give a later --as-of, or name another --state file',
      );
    }
    const names = Object.fromEntries(by.map((spec) => [spec, result.inputs[0].columns[`by:${spec}`].name]));
    const inputs = result.inputs.map((i) => i.name).join(', ');
    const inProgress = byScope.get('')?.get(over + 1);
    const notes: string[] = [];
    if (Number.isFinite(answered) && answered < over) {
      const stale =
        `The latest answer is from ${periodLabel(answered, DAYS)}, ${over - answered + 1} days before ` +
        '--as-of: it and the days after it are not charted until later answers arrive (is the export still ' +
        'being updated?)';
      warn(`warning: ${stale[0].toLowerCase()}${stale.slice(1)}`);
      notes.push(stale);
    }
    if (inProgress) {
      notes.push(
        `${sizeOf(countsOf(inProgress))} answers of ${periodLabel(over + 1, DAYS)}, a day in ` +
          'progress, are charted when it is over.',
      );
    }
    let state: MonitorState;
    let alerts: Alert[] = [];
    const chartedNow: string[] = [];
    if (!previous) {
      state = startState(byScope, settings, names, lastComplete, flags, warn);
      state.mark = mark;
      notes.unshift(
        `Baseline: ${state.baseline.from} to ${state.baseline.to}; charts start with ${periodLabel(
          lastComplete + 1,
          DAYS,
        )}. This run raises no alerts.`,
      );
    } else {
      state = previous;
      const first = dayKey(state.charted) + 1;
      for (let day = first; day <= lastComplete; day++) chartedNow.push(periodLabel(day, DAYS));
      alerts = chartDays(state, byScope, first, lastComplete, flags);
      if (chartedNow.length > 0) state.charted = chartedNow.at(-1)!;
      if (flags.detractorAlerts && previous.mark !== null) {
        const listed = newDetractors(seen, result.boundary, MAX_DETRACTOR_ALERTS);
        for (const d of listed) {
          alerts.push({
            scope: 'overall',
            chart: 'A detractor wrote',
            day: isoDay(d.time),
            value: d.score,
            limit: 6,
            reason: 'detractor',
            id: d.id,
            comment: d.comment,
          });
        }
        if (seen.detractorCount > listed.length) {
          notes.push(
            `${seen.detractorCount - listed.length} more new detractors with a comment are not listed: ` +
              'nps followup --with-comment lists them all.',
          );
        }
      }
      state.mark = mark;
      notes.unshift(
        chartedNow.length === 0
          ? `No complete day to chart since ${state.charted}: nothing changed.`
          : `Charted ${chartedNow[0]}${chartedNow.length > 1 ? ` to ${chartedNow.at(-1)}` : ''}; ` +
              `baseline ${state.baseline.from} to ${state.baseline.to}.`,
      );
      if (seen.late > 0) {
        notes.push(
          `${seen.late} new ${seen.late === 1 ? 'answer is' : 'answers are'} dated on days charted ` +
            'before they arrived: they are not charted.',
        );
      }
      const unwatched = [...byScope.keys()].filter(
        (key) => key !== '' && !state.scopes.some((s) => scopeKey(s) === key),
      ).length;
      if (unwatched > 0) {
        notes.push(
          `${unwatched} ${unwatched === 1 ? 'value' : 'values'} of ${by.map((s) => names[s]).join(' or ')} had too ` +
            `few answers in the baseline (under --min-n ${flags.minN}) or none: not watched.`,
        );
      }
    }
    notes.push(methodNote(state));
    if (flags.dryRun) notes.push(`A dry run: ${flags.state} is left as it was.`);
    const gate: Gate = {
      rule: 'fail-on-alert',
      threshold: 0,
      value: alerts.length,
      passed: alerts.length === 0,
      subject: 'new alerts',
      reason:
        alerts.length === 0
          ? 'no new alert'
          : `${alerts.length} new ${alerts.length === 1 ? 'alert' : 'alerts'}: ` +
            alerts
              .slice(0, 5)
              .map((a) => `${a.scope} ${a.chart} on ${a.day}`)
              .join('; ') +
            (alerts.length > 5 ? '; ...' : ''),
    };
    return {
      report: {
        title: `Monitor to ${periodLabel(lastComplete, DAYS)}: ${
          alerts.length === 0 ? 'no new alert' : `${alerts.length} new ${alerts.length === 1 ? 'alert' : 'alerts'}`
        } (${inputs})`,
        headline: { label: 'New alerts', value: alerts.length, kind: 'count' },
        tables: [alertTable(alerts), scopeTable(state), ...chartTables(state, new Set(chartedNow))],
        notes,
      },
      gates: flags.failOnAlert ? [gate] : [],
      saves: flags.dryRun ? [] : [{ file: flags.state, text: `${JSON.stringify(state, null, 1)}\n`, replace: true }],
    };
  },
};

const dayKey = (iso: string): number => parsePeriodLabel(iso, DAYS) ?? Number.NaN;
const scopeKey = (s: Pick<ScopeState, 'column' | 'value'>) =>
  s.column === null ? '' : `by:${s.column}${KEY_SEPARATOR}${s.value}`;

const dayCounts = (t: Tally | undefined): DayCounts => {
  if (!t) return { n: 0, detractors: 0, promoters: 0 };
  const c = countsOf(t);
  return { n: sizeOf(c), detractors: c.detractors, promoters: c.promoters };
};

/** The first run: the baseline of every scope with enough answers, and its charts calibrated. */
function startState(
  byScope: ReadonlyMap<string, ReadonlyMap<number, Tally>>,
  settings: Settings,
  names: Readonly<Record<string, string>>,
  lastComplete: number,
  flags: MonitorFlags,
  warn: (message: string) => void,
): MonitorState {
  const overall = byScope.get('');
  const firstDay = overall ? minOf(overall.keys()) : Number.POSITIVE_INFINITY;
  const from = Math.max(lastComplete - settings.baseline + 1, firstDay);
  const days = lastComplete - from + 1;
  if (!(days >= MIN_BASELINE_DAYS)) {
    throw dataError(
      `the baseline holds ${Math.max(0, days)} complete days; it needs at least ${MIN_BASELINE_DAYS}`,
      'run the first time on an export of several weeks (or give --as-of a later day)',
    );
  }
  if (days < settings.baseline) warn(`note: the baseline holds ${days} days, not ${settings.baseline}: all there are`);
  const keys = [...byScope.keys()].sort((a, b) => (a === '' ? -1 : b === '' ? 1 : compareText(a, b)));
  const scopes: ScopeState[] = [];
  for (const key of keys) {
    const series = byScope.get(key)!;
    const daily: DayCounts[] = [];
    for (let day = from; day <= lastComplete; day++) daily.push(dayCounts(series.get(day)));
    const own = baselineOf(daily, OVERDISPERSION_ALPHA);
    if (own.responses < Math.max(1, flags.minN)) {
      if (key === '') {
        throw dataError(
          `the baseline holds ${own.responses} answers; --min-n asks for ${flags.minN}`,
          'run the first time on a longer export, or lower --min-n',
        );
      }
      continue;
    }
    // A level given is the whole export's target; each --by value keeps the level of its own baseline.
    const baseline = key === '' ? withExpectedLevel(own, settings) : own;
    const why = unchartable(baseline) ?? null;
    if (key === '' && why !== null) {
      throw dataError(
        `the whole export cannot be charted: ${why}`,
        'chart a longer baseline, or give the level with --expected-detractors and --expected-nps',
      );
    }
    const [column, value] = key === '' ? [null, null] : key.slice(3).split(KEY_SEPARATOR);
    scopes.push({
      scope: column === null ? 'overall' : `${names[column]}: ${groupLabel(value ?? '')}`,
      column,
      value,
      baseline,
      charts: why
        ? null
        : calibrate(
            baseline,
            daily.map((d) => d.n),
            { lambda: settings.lambda, arl: settings.arl, shift: settings.shift / 100 },
          ),
      unchartable: why,
      quietUntil: {},
      history: [],
    });
  }
  return {
    format: FORMAT,
    version: VERSION,
    settings,
    baseline: { from: periodLabel(from, DAYS), to: periodLabel(lastComplete, DAYS) },
    charted: periodLabel(lastComplete, DAYS),
    mark: null,
    scopes,
  };
}

/** The baseline with the in-control level given by --expected-detractors or --expected-nps, where given. */
function withExpectedLevel(b: Baseline, settings: Settings): Baseline {
  if (settings.expectedDetractors === null && settings.expectedNps === null) return b;
  const detractors = settings.expectedDetractors === null ? b.detractors : settings.expectedDetractors / 100;
  const nps = settings.expectedNps === null ? b.promoters - b.detractors : settings.expectedNps / 100;
  const promoters = nps + detractors;
  if (promoters < 0 || promoters + detractors > 1) {
    throw usageError(
      `an NPS of ${(100 * nps).toFixed(1)} with ${(100 * detractors).toFixed(1)}% detractors needs ` +
        `${(100 * promoters).toFixed(1)}% promoters, which no answers can give`,
      'give a level that shares can make, or leave one of --expected-detractors and --expected-nps out',
    );
  }
  return { ...b, detractors, promoters };
}

/** Charts the complete days from `first` to `last` in every watched scope, and returns the new alerts. */
function chartDays(
  state: MonitorState,
  byScope: ReadonlyMap<string, ReadonlyMap<number, Tally>>,
  first: number,
  last: number,
  flags: MonitorFlags,
): Alert[] {
  const alerts: Alert[] = [];
  for (const scope of state.scopes) {
    if (!scope.charts) continue;
    const series = byScope.get(scopeKey(scope));
    for (let day = first; day <= last; day++) {
      const iso = periodLabel(day, DAYS);
      const point = chartDay(scope.charts, scope.baseline, dayCounts(series?.get(day)));
      // A scope's charts raise one alert per bad spell: after the first signal (or signals, on one
      // day) the others are held back as long as --suppress says, and are seen in the scope's status.
      const raise = (kind: 'charts' | 'threshold', alert: Omit<Alert, 'scope' | 'day' | 'id' | 'comment'>) => {
        const quiet = scope.quietUntil[kind];
        const sameDay =
          kind === 'charts' && alerts.some((a) => a.scope === scope.scope && a.day === iso && a.reason !== 'threshold');
        if (quiet !== undefined && quiet >= iso && !sameDay) return;
        scope.quietUntil[kind] = periodLabel(day + flags.suppress - 1, DAYS);
        alerts.push({ scope: scope.scope, day: iso, id: '', comment: '', ...alert });
      };
      if (point.out.detractors)
        raise('charts', {
          chart: CHART_NAMES.detractors,
          value: 100 * point.ewmaDetractors,
          limit: 100 * point.ewmaDetractorsLimit,
          reason: 'ewma',
        });
      if (point.out.nps)
        raise('charts', { chart: CHART_NAMES.nps, value: point.ewmaNps, limit: point.ewmaNpsLimit, reason: 'ewma' });
      if (point.out.cusum)
        raise('charts', { chart: CHART_NAMES.cusum, value: point.cusum, limit: point.cusumLimit, reason: 'cusum' });
      if (flags.alertBelow !== undefined && point.ewmaNps < flags.alertBelow)
        raise('threshold', {
          chart: CHART_NAMES.threshold,
          value: point.ewmaNps,
          limit: flags.alertBelow,
          reason: 'threshold',
        });
      scope.history.push({ day: iso, ...point, out: STATISTICS.filter((s) => point.out[s]) });
    }
    scope.history.splice(0, Math.max(0, scope.history.length - HISTORY_DAYS));
  }
  return alerts;
}

/**
 * The state as this version writes it, or an error naming the first field that is not (a state
 * edited by hand, or cut short): never an internal error, never a run that silently does nothing.
 */
function checkState(file: string, state: Record<string, unknown> | undefined): MonitorState | undefined {
  if (state === undefined) return undefined;
  const isDay = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && Number.isFinite(dayKey(v));
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  const object = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  const fail = (field: string) =>
    inputError(`${file} is damaged: ${field} is missing or not what this nps writes`, 'move it away to start afresh');
  if (!isDay(state.charted)) throw fail('charted');
  if (!object(state.settings)) throw fail('settings');
  if (!object(state.baseline) || !isDay(state.baseline.from) || !isDay(state.baseline.to)) throw fail('baseline');
  const mark = state.mark;
  if (mark !== null && !(object(mark) && finite(mark.time) && Array.isArray(mark.recent))) throw fail('mark');
  if (!Array.isArray(state.scopes)) throw fail('scopes');
  for (const [i, scope] of state.scopes.entries()) {
    const at = `scopes[${i}]`;
    if (!object(scope) || typeof scope.scope !== 'string') throw fail(at);
    const b = scope.baseline;
    if (!object(b) || !finite(b.detractors) || !finite(b.promoters) || !finite(b.typical) || !object(b.laney))
      throw fail(`${at}.baseline`);
    const c = scope.charts;
    if (
      c !== null &&
      !(
        object(c) &&
        object(c.ewmaL) &&
        finite(c.ewmaL.detractors) &&
        finite(c.ewmaL.nps) &&
        object(c.z) &&
        finite(c.z.detractors) &&
        finite(c.z.nps) &&
        finite(c.h) &&
        finite(c.p1) &&
        finite(c.s) &&
        finite(c.lambda)
      )
    )
      throw fail(`${at}.charts`);
    if (!object(scope.quietUntil) || !Array.isArray(scope.history)) throw fail(at);
  }
  return state as unknown as MonitorState;
}

/** A state made with other settings would give figures of another kind: refused, naming the difference. */
function checkSettings(file: string, was: Settings, now: Settings): void {
  for (const key of Object.keys(now) as (keyof Settings)[]) {
    if (JSON.stringify(was[key]) === JSON.stringify(now[key])) continue;
    const option = key === 'zone' ? 'tz' : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw inputError(
      `${file} was made with --${option} ${JSON.stringify(was[key])}, this run has ${JSON.stringify(now[key])}`,
      `run with the same settings, or name a new --state file to start a new baseline`,
    );
  }
}

function methodNote(state: MonitorState): string {
  const { lambda, arl, shift } = state.settings;
  const overall = state.scopes.find((s) => s.column === null);
  const c = overall?.charts;
  const laney = state.scopes.filter((s) => s.baseline.laney.detractors > 1 || s.baseline.laney.nps > 1);
  return (
    `Each scope's daily detractor share and NPS are charted as EWMAs (λ = ${lambda}) of the day's departure from ` +
    `the in-control level (drawn at a typical day's volume), and its detractors as a binomial CUSUM tuned to a rise ` +
    `of ${shift} points; limits are set for an in-control average run length of ${arl} days by the Markov-chain ` +
    `method (Brook & Evans) over the baseline's daily volumes` +
    (c
      ? `: overall L = ${c.ewmaL.detractors.toFixed(3)} (detractors), ${c.ewmaL.nps.toFixed(3)} (NPS), ` +
        `h = ${c.h.toFixed(3)} nats (p0 ${(100 * overall!.baseline.detractors).toFixed(1)}% → p1 ` +
        `${(100 * c.p1).toFixed(1)}%)`
      : '') +
    '.' +
    (laney.length > 0
      ? ` ${laney.length} ${laney.length === 1 ? 'scope' : 'scopes'} had days more varied than chance in the ` +
        `baseline (Pearson's test, p < ${OVERDISPERSION_ALPHA}): limits widened by Laney's σz.`
      : '') +
    offTarget(state)
  );
}

/**
 * The charts whose limits could not give the --arl asked for (within 10%): a CUSUM tuned to a rise
 * many standard errors of a busy day wide signals less often whatever its h; a scope of a few
 * answers a day has run lengths that jump in steps.
 */
function offTarget(state: MonitorState): string {
  const { arl } = state.settings;
  const off = state.scopes.flatMap((s) =>
    s.charts === null
      ? []
      : (['detractors', 'nps', 'cusum'] as const)
          .filter((chart) => !(Math.abs((s.charts!.arl[chart] ?? Number.POSITIVE_INFINITY) / arl - 1) <= 0.1))
          .map(
            (chart) => `${s.scope} ${chart === 'cusum' ? 'CUSUM' : `${chart} EWMA`} ${runLength(s.charts!.arl[chart])}`,
          ),
  );
  return off.length === 0
    ? ''
    : ` No limit gives an in-control run length within 10% of ${arl} days for: ${off.join('; ')}` +
        ' (a smaller --shift suits a busy scope).';
}

const runLength = (days: number | null) =>
  days === null || !Number.isFinite(days) ? '(it cannot signal)' : `(${Math.round(days)} days)`;

const ALERT_COLUMNS: Column[] = [
  { key: 'scope', label: 'Scope', kind: 'text' },
  { key: 'chart', label: 'Chart', kind: 'text' },
  { key: 'day', label: 'Day', kind: 'date' },
  // Four places: a value just past its limit must not print as equal to it.
  { key: 'value', label: 'Value', kind: 'number' },
  { key: 'limit', label: 'Limit', kind: 'number' },
  { key: 'reason', label: 'Reason', kind: 'text' },
  { key: 'id', label: 'ID', kind: 'text' },
  { key: 'comment', label: 'Comment', kind: 'text', maxWidth: 60 },
];

function alertTable(alerts: readonly Alert[]): ReportTable {
  return {
    name: 'alerts',
    title: 'New alerts',
    // No alert: people read it in the title; machines still get the (empty) table.
    ...(alerts.length === 0 ? { audience: 'machine' as const } : {}),
    primary: true,
    columns: ALERT_COLUMNS,
    rows: alerts.map((a) => ({ ...a })),
  };
}

function scopeTable(state: MonitorState): ReportTable {
  const sd = ewmaSd(state.settings.lambda);
  const rows: Row[] = state.scopes.map((s) => {
    const latest = s.history.at(-1);
    const c = s.charts;
    return {
      scope: s.scope,
      baseline_n: s.baseline.responses,
      baseline_detractors_pct: 100 * s.baseline.detractors,
      baseline_nps: 100 * (s.baseline.promoters - s.baseline.detractors),
      day: latest?.day ?? null,
      n: latest?.n ?? null,
      ewma_detractors_pct: latest ? 100 * latest.ewmaDetractors : null,
      ewma_detractors_limit_pct: latest ? 100 * latest.ewmaDetractorsLimit : null,
      ewma_nps: latest?.ewmaNps ?? null,
      ewma_nps_limit: latest?.ewmaNpsLimit ?? null,
      cusum: latest?.cusum ?? null,
      cusum_limit: c?.h ?? null,
      status: !c
        ? `not charted: ${s.unchartable}`
        : !latest
          ? 'baseline'
          : latest.out.length > 0
            ? `out: ${latest.out.join(', ')}`
            : 'in control',
      ewma_limit_sd_detractors: c ? c.ewmaL.detractors : null,
      ewma_limit_sd_nps: c ? c.ewmaL.nps : null,
      ewma_limit_z: c ? sd : null,
      cusum_p1_pct: c ? 100 * c.p1 : null,
      laney_detractors: s.baseline.laney.detractors,
      laney_nps: s.baseline.laney.nps,
    };
  });
  return {
    name: 'scopes',
    title: 'Scopes watched',
    columns: [
      { key: 'scope', label: 'Scope', kind: 'text' },
      { key: 'baseline_n', label: 'Baseline n', kind: 'count' },
      { key: 'baseline_detractors_pct', label: 'In control: detractors', kind: 'pct' },
      { key: 'baseline_nps', label: 'NPS', kind: 'nps' },
      { key: 'day', label: 'Latest day', kind: 'date' },
      { key: 'n', label: 'n', kind: 'count' },
      { key: 'ewma_detractors_pct', label: 'Detractors EWMA', kind: 'pct' },
      { key: 'ewma_detractors_limit_pct', label: 'limit', kind: 'pct' },
      { key: 'ewma_nps', label: 'NPS EWMA', kind: 'nps' },
      { key: 'ewma_nps_limit', label: 'limit', kind: 'nps' },
      { key: 'cusum', label: 'CUSUM', kind: 'stat' },
      { key: 'cusum_limit', label: 'h', kind: 'stat' },
      { key: 'status', label: 'Status', kind: 'text' },
      { key: 'ewma_limit_sd_detractors', label: 'L (detractors)', kind: 'number', audience: 'machine' },
      { key: 'ewma_limit_sd_nps', label: 'L (NPS)', kind: 'number', audience: 'machine' },
      { key: 'ewma_limit_z', label: 'EWMA sd', kind: 'number', audience: 'machine' },
      { key: 'cusum_p1_pct', label: 'CUSUM p1', kind: 'pct', audience: 'machine' },
      { key: 'laney_detractors', label: 'Laney σz (detractors)', kind: 'number', audience: 'machine' },
      { key: 'laney_nps', label: 'Laney σz (NPS)', kind: 'number', audience: 'machine' },
    ],
    rows,
  };
}

/** Each chart's kept days per scope, for the page's control charts (and machines). */
function chartTables(state: MonitorState, fresh: ReadonlySet<string>): ReportTable[] {
  const charts: { name: string; stat: Statistic; title: string; observed: (p: HistoryPoint) => number }[] = [
    // A quiet day has no share or NPS of its own (kept as null in the state).
    {
      name: 'detractors_chart',
      stat: 'detractors',
      title: CHART_NAMES.detractors,
      observed: (p) => (p.n > 0 ? 100 * p.detractorShare : Number.NaN),
    },
    { name: 'nps_chart', stat: 'nps', title: CHART_NAMES.nps, observed: (p) => (p.n > 0 ? p.nps : Number.NaN) },
    { name: 'cusum_chart', stat: 'cusum', title: CHART_NAMES.cusum, observed: () => Number.NaN },
  ];
  const value = (stat: Statistic, p: HistoryPoint) =>
    stat === 'detractors'
      ? [100 * p.ewmaDetractors, 100 * p.ewmaDetractorsLimit]
      : stat === 'nps'
        ? [p.ewmaNps, p.ewmaNpsLimit]
        : [p.cusum, p.cusumLimit];
  return charts.map(({ name, stat, title, observed }) => ({
    name,
    title,
    audience: 'page' as const,
    columns: [
      { key: 'scope', label: 'Scope', kind: 'text' },
      { key: 'day', label: 'Day', kind: 'date' },
      { key: 'n', label: 'n', kind: 'count' },
      { key: 'observed', label: 'The day', kind: 'stat' },
      { key: 'value', label: title, kind: 'stat' },
      { key: 'limit', label: 'Limit', kind: 'stat' },
      { key: 'out', label: 'Out', kind: 'boolean' },
      { key: 'new', label: 'New', kind: 'boolean' },
    ],
    rows: state.scopes.flatMap((s) =>
      s.history.map((p) => {
        const [v, limit] = value(stat, p);
        return {
          scope: s.scope,
          day: p.day,
          n: p.n,
          observed: observed(p),
          value: v,
          limit,
          out: p.out.includes(stat),
          new: fresh.has(p.day),
        };
      }),
    ),
    chart: { kind: 'control', x: 'day', value: 'value', limit: 'limit', out: 'out', facet: 'scope' },
  }));
}

function parseDaysCount(value: string): number {
  const days = parseDays(value);
  if (days < 10) throw new InvalidArgumentError('Give 10 days or more');
  return days;
}

function parseLambda(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError('Give a weight above 0 and at most 1, e.g. 0.1');
  return n;
}

function parseShift(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 100)) throw new InvalidArgumentError('Give percentage points above 0, e.g. 8');
  return n;
}

function parsePercent(value: string): number {
  const n = Number(value.trim().replace(/%$/, ''));
  // 0% or 100% detractors leaves nothing to chart: no day could depart from it one way.
  if (value.trim() === '' || !(n > 0 && n < 100))
    throw new InvalidArgumentError('Give a percentage above 0 and below 100');
  return n;
}
