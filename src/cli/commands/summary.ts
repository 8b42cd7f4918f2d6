import { Option } from 'commander';
import { classify } from '../../core/classify.js';
import { clusteredNps, type GroupDesign, independentGroups } from '../../core/cluster.js';
import { entry } from '../../core/entry.js';
import { maxOf, minOf } from '../../core/extent.js';
import { type Fold, KEY_SEPARATOR, mergeKeyed, periodFold, recipe } from '../../core/fold.js';
import { eachAgainstRest } from '../../core/groups.js';
import { leaderboard, type Standing } from '../../core/leaderboard.js';
import { type Calendar, PERIOD_UNITS, type PeriodUnit, periodLabel } from '../../core/period.js';
import { type Statistics, summarize } from '../../core/summary.js';
import { addAnswer, newTally, type Tally } from '../../core/tally.js';
import { STARTER_THEMES, type Theme } from '../../core/themes.js';
import { trendOf } from '../../core/trend.js';
import { detectAgent, detectChannel, detectComment, detectTeam } from '../../io/scan/mapping.js';
import type { GroupColumn } from '../../io/scan/plan.js';
import { confidenceLabel, formatForHumans, groupLabel } from '../../report/format.js';
import type { Column, ReportTable, Row } from '../../report/model.js';
import {
  type ClusterFlags,
  checkClusters,
  clusterColumns,
  clusterNote,
  clusterOption,
  groupsInClusters,
  periodsInClusters,
} from '../clusters.js';
import type { CommandDefinition, Outcome } from '../command.js';
import {
  differenceCells,
  differenceColumns,
  kishOrClusters,
  METHOD_NAMES,
  npsCells,
  npsColumns,
  npsForest,
  npsHeadline,
  SIGNIFICANT,
} from '../figures.js';
import { type InProgressFlags, inProgressOption, type Judging, judging, latestJudged } from '../in-progress.js';
import { parseCount, parsePositive } from '../options.js';
import { addSentOptions, contactTables, type SentFlags, scanWithContacts } from '../sent.js';
import { readThemes, type ThemeState, themeFold, themeRows, themeTable } from '../theme-analysis.js';
import { dropGate, failBelowGate, latestChange } from '../verdicts.js';

/*
 * The weekly summary: one reading of the export gives the NPS, its recent trend, the agents at
 * the top and bottom, the channels and teams, what comments talk about, and how many detractors
 * to call back. Every part is the same analysis as its own command, cut to what fits a page.
 */

interface SummaryFlags extends InProgressFlags, ClusterFlags, SentFlags {
  period: PeriodUnit;
  fiscalYearStart: number;
  periods: number;
  top: number;
  minN: number;
  themes?: string;
  failOnDrop?: boolean;
  agent?: string;
  team?: string;
  channel?: string;
  comment?: string;
}

/** The columns a summary looks for. */
const ROLES = ['agent', 'team', 'channel', 'comment'] as const;
const DETECT = { agent: detectAgent, team: detectTeam, channel: detectChannel, comment: detectComment };

/**
 * With --cluster, every tally is also kept per cluster: periods and the overall keyed by the
 * cluster ('' without), agents, teams and channels by their value and the cluster's.
 */
interface SummaryState {
  readonly periods: Map<string, Map<number, Tally>>;
  readonly overall: Map<string, Tally>;
  readonly agents: Map<string, Tally>;
  readonly teams: Map<string, Tally>;
  readonly channels: Map<string, Tally>;
  readonly themes: ThemeState;
  /** Detractors to call back, as rows (with --weight their weight is something else), and those who left a comment. */
  detractorRows: number;
  detractorsWithComment: number;
}

export const summary: CommandDefinition<SummaryFlags> = {
  name: 'summary',
  summary:
    'The weekly summary on one page: NPS, recent trend, top and bottom agents, channels ' +
    'and teams, themes, detractors to call back',
  examples: [
    ['nps summary survey.csv', 'the summary in the terminal'],
    [
      'nps summary survey.csv --period week --last 8w --format markdown >> "$GITHUB_STEP_SUMMARY"',
      'a weekly CI job summary',
    ],
    [
      'nps summary survey.csv --period week -o weekly.html -o summary.md',
      'the page with charts and the Markdown summary, from one reading',
    ],
    [
      'nps summary survey.csv --period week --fail-below 20 --fail-on-drop',
      'exit 1 when NPS < 20, or the latest complete week fell (the week in progress is shown, not judged)',
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
    addSentOptions(cmd)
      .addOption(
        new Option('--period <unit>', 'the period unit of the trend and of --fail-on-drop')
          .choices(PERIOD_UNITS)
          .default('quarter'),
      )
      .option(
        '--periods <n>',
        'the latest N complete periods the trend shows (and any in progress after them)',
        parsePositive,
        8,
      )
      .option('--top <n>', 'agents shown at the top and at the bottom of the ranking', parsePositive, 3)
      .option('--min-n <n>', 'rank only agents with at least this many responses', parseCount, 30)
      .option('--themes <file>', 'a JSON object of theme name -> keywords (default: the built-in starter set)')
      .option('--fail-on-drop', 'exit 1 when the latest complete --period is significantly below the one before')
      .addOption(inProgressOption())
      .option('--agent <column>', 'the agent column (default: detected; none, no agent section)')
      .option('--team <column>', 'the team column (default: detected)')
      .option('--channel <column>', 'the channel column (default: detected)')
      .option('--comment <column>', 'the comment column (default: detected)')
      .addOption(clusterOption()),
  async run({ flags, statistics, decimals, failBelow, scan, request }) {
    const weighted = request.weight !== undefined;
    const calendar: Calendar = { unit: flags.period, fiscalYearStart: flags.fiscalYearStart };
    const list = flags.themes ? readThemes(flags.themes) : STARTER_THEMES;
    const groups = ROLES.map(
      (role): GroupColumn => ({
        role,
        flag: `--${role}`,
        spec: flags[role],
        detect: DETECT[role],
        optional: true,
        value: role === 'comment',
      }),
    );
    const clustered = flags.cluster !== undefined;
    const { result, contacts } = await scanWithContacts(
      scan,
      flags,
      { needsDates: true, datesIfAny: true, groups: [...groups, ...clusterColumns(flags)] },
      summaryFold(calendar, list, clustered),
    );
    const state = result.state;
    const found = (role: (typeof ROLES)[number]) =>
      result.inputs.find((input) => input.columns[role])?.columns[role]?.name;
    const dated = result.inputs.some((input) => input.columns.date);
    const clusterName = clustered ? result.inputs[0].columns.cluster.name : '';
    const design = clustered ? clusteredNps(state.overall) : undefined;
    if (design) checkClusters(design.clusters, clusterName);
    const overall = summarize(design?.tally ?? result.overall, statistics);
    const periods = clustered
      ? periodsInClusters(state.periods, clusterName)
      : independentGroups(state.periods.get('') ?? new Map<number, Tally>());
    const groupsOf = (tallies: Map<string, Tally>) => (clustered ? groupsInClusters(tallies, clusterName) : tallies);
    const alpha = 1 - statistics.confidence;
    const level = confidenceLabel(statistics.confidence);

    // Who answered comes right after the headline: it says whom the figures below describe.
    const funnel = contacts && contactTables(flags, result, contacts, statistics, decimals);
    const tables: ReportTable[] = [
      headline(overall, statistics, state, found('comment') !== undefined, design?.clusters),
      ...(funnel?.tables ?? []),
    ];
    const notes: string[] = [...(funnel?.notes ?? [])];
    const judge = judging(result, calendar, flags);
    if (dated && periods.keys.length > 0) {
      const trend = trendTable(periods, calendar, flags.periods, statistics, judge);
      tables.push(trend.table);
      notes.push(
        `Trend: the latest ${flags.periods} complete ${flags.period}s at most; each change is tested ` +
          `against the period before (Holm-adjusted across the changes shown).`,
      );
      const inProgress = judge.note(trend.keys);
      if (inProgress) notes.push(inProgress);
    }
    const agentName = found('agent');
    if (agentName) {
      const { standings } = leaderboard(groupsOf(state.agents), flags.minN, 'nps', statistics);
      const ranked = standings.filter((s) => s.ranked);
      // No agent with enough responses: no table of nobody, and the note says why.
      if (ranked.length > 0) tables.push(agentTable(ranked, flags.top, agentName, alpha, overall.nps));
      const unranked = standings.length - ranked.length;
      notes.push(
        `${agentName}: ${ranked.length} ranked by NPS, each against all other responses (Holm-adjusted ` +
          `across them)${
            unranked > 0
              ? `; ${unranked} with fewer than ${flags.minN} responses${weighted ? ' (effective n)' : ''} not ranked`
              : ''
          }. ` +
          `The full list: nps agents.`,
      );
    }
    for (const role of ['channel', 'team'] as const) {
      const name = found(role);
      if (name)
        tables.push(segmentTable(role, name, groupsOf(role === 'channel' ? state.channels : state.teams), statistics));
    }
    if (found('comment') && list.length > 0) {
      const rows = themeRows(list, state.themes, statistics)
        .filter((row) => (row.n as number) > 0)
        .slice(0, 5);
      if (rows.length > 0) tables.push(themeTable('themes', rows, 'Top themes in comments'));
      // A section left out leaves its note out too.
      if (rows.length > 0)
        notes.push(
          `Themes: the five most mentioned of ${list.length}` +
            `${flags.themes ? ` from ${flags.themes}` : ' built-in starter themes'}, ` +
            `in ${state.themes.commenters} comments; the difference is against the other commenters (Holm-adjusted ` +
            `across all themes). The full list: nps themes.`,
        );
    }
    notes.push(`Intervals at ${level} (${METHOD_NAMES[statistics.method]}); ▲ ▼ mark significant differences.`);
    if (design) notes.push(clusterNote(design.clusters, clusterName, { effective: overall.nEffective, n: overall.n }));

    // The latest complete period against the one before: the headline's change, and what --fail-on-drop judges.
    const latest = dated ? latestChange(periods, latestJudged(periods.keys, judge), calendar, statistics) : undefined;
    const drop = flags.failOnDrop ? latest : undefined;
    const gates = [
      ...(failBelow === undefined
        ? []
        : [failBelowGate(failBelow, [{ subject: 'overall', nps: overall.nps }], decimals)]),
      ...(flags.failOnDrop ? [dropGate(drop, statistics, decimals)] : []),
    ];
    const report: Outcome['report'] = {
      title: `NPS summary: ${result.inputs.map((i) => i.name).join(', ')}`,
      headline: npsHeadline(overall, statistics, 'NPS', {
        details:
          latest && !Number.isNaN(latest.change.p)
            ? [
                `${latest.names}: ${formatForHumans(100 * latest.change.difference, 'nps', { decimals })} ` +
                  `(${latest.change.p < alpha ? 'significant' : 'within chance'})`,
              ]
            : undefined,
      }),
      tables,
      notes,
    };
    return { report, gates };
  },
};

/** Everything a summary tallies, in one pass: periods (when dated), agents, teams, channels, themes. */
export function summaryFold(calendar: Calendar, list: readonly Theme[], clustered: boolean): Fold<SummaryState> {
  const periods = periodFold(calendar);
  const themes = list.length === 0 ? undefined : themeFold(list);
  return {
    empty: () => ({
      periods: new Map(),
      overall: new Map(),
      agents: new Map(),
      teams: new Map(),
      channels: new Map(),
      themes: themes ? themes.empty() : { mentioning: [], notMentioning: [], commenters: 0 },
      detractorRows: 0,
      detractorsWithComment: 0,
    }),
    add(state, row) {
      const { score, weight, units, values } = row;
      const cluster = clustered ? values.cluster : '';
      const keyOf = (value: string) => (clustered ? `${value}${KEY_SEPARATOR}${cluster}` : value);
      if (Number.isFinite(row.time)) periods.add(entry(state.periods, cluster, periods.empty), row);
      if (clustered) addAnswer(entry(state.overall, cluster, newTally), score, weight, units);
      addAnswer(entry(state.agents, keyOf(values.agent), newTally), score, weight, units);
      addAnswer(entry(state.teams, keyOf(values.team), newTally), score, weight, units);
      addAnswer(entry(state.channels, keyOf(values.channel), newTally), score, weight, units);
      themes?.add(state.themes, row);
      if (classify(score) === 'detractor') {
        state.detractorRows += units;
        if (values.comment.trim() !== '') state.detractorsWithComment++;
      }
    },
    merge(into, from) {
      for (const [cluster, byPeriod] of from.periods)
        periods.merge(entry(into.periods, cluster, periods.empty), byPeriod);
      mergeKeyed(into.overall, from.overall);
      mergeKeyed(into.agents, from.agents);
      mergeKeyed(into.teams, from.teams);
      mergeKeyed(into.channels, from.channels);
      themes?.merge(into.themes, from.themes);
      into.detractorRows += from.detractorRows;
      into.detractorsWithComment += from.detractorsWithComment;
    },
    recipe: recipe(import.meta.url, 'summaryFold', calendar, list, clustered),
  };
}

function headline(
  s: ReturnType<typeof summarize>,
  stats: Statistics,
  state: SummaryState,
  hasComments: boolean,
  clusters: number | undefined,
): ReportTable {
  const columns: Column[] = [
    { key: 'n', label: 'Responses', kind: 'count' },
    { key: 'weighted_n', label: 'Weighted n', kind: 'number', weighted: true },
    // Weights or clusters leave the precision of fewer answers.
    { key: 'n_eff', label: 'Effective n', kind: 'number', weighted: clusters === undefined },
    kishOrClusters(clusters),
    { key: 'nps', label: 'NPS', kind: 'nps' },
    { key: 'interval', label: `${confidenceLabel(stats.confidence)} interval`, kind: 'range', audience: 'human' },
    { key: 'nps_lower', label: 'Lower bound', kind: 'nps', audience: 'machine' },
    { key: 'nps_upper', label: 'Upper bound', kind: 'nps', audience: 'machine' },
    { key: 'promoters_pct', label: 'Promoters', kind: 'pct' },
    { key: 'passives_pct', label: 'Passives', kind: 'pct' },
    { key: 'detractors_pct', label: 'Detractors', kind: 'pct' },
    { key: 'detractors', label: 'Detractors to call back', kind: 'count' },
    ...(hasComments
      ? [{ key: 'detractors_with_comment', label: '… of them with a comment', kind: 'count' } as Column]
      : []),
  ];
  const row: Row = {
    ...npsCells(s),
    clusters: clusters ?? null,
    detractors: state.detractorRows,
    detractors_with_comment: hasComments ? state.detractorsWithComment : null,
  };
  return {
    name: 'summary',
    layout: 'record',
    columns,
    rows: [row],
    chart: npsForest(undefined, { reference: 0, tone: undefined }),
  };
}

/** The latest `shown` complete periods, and any in progress after them (marked, not tested). */
function trendTable(
  periods: GroupDesign<number>,
  calendar: Calendar,
  shown: number,
  stats: Statistics,
  judge: Judging,
): { table: ReportTable; keys: number[] } {
  const last = maxOf(periods.keys);
  const first = Math.max(minOf(periods.keys), Math.min(last, judge.lastJudged) - shown + 1);
  const alpha = 1 - stats.confidence;
  const points = trendOf(periods, first, last, stats, judge.lastJudged);
  const rows = points.map((point) => ({
    period: periodLabel(point.key, calendar),
    ...npsCells(point.summary),
    ...differenceCells(point.change, point.pAdjusted, alpha),
    complete: judge.complete(point.key),
    note: judge.complete(point.key) ? '' : 'in progress',
  }));
  const table: ReportTable = {
    name: 'trend',
    title: `NPS by ${calendar.unit}`,
    columns: [
      { key: 'period', label: 'Period', kind: 'text' },
      ...npsColumns(),
      ...differenceColumns({ label: 'Change', pLabel: 'p (Holm)', interval: false }),
      { key: 'complete', label: 'Complete', kind: 'boolean', audience: 'machine' },
      { key: 'note', label: 'Note', kind: 'text', audience: 'human' },
    ],
    rows,
    chart: { kind: 'line', x: 'period', value: 'nps', low: 'nps_lower', high: 'nps_upper', n: 'n', tone: SIGNIFICANT },
  };
  return { table, keys: points.map((p) => p.key) };
}

function agentTable(
  ranked: readonly Standing[],
  top: number,
  name: string,
  alpha: number,
  overallNps: number,
): ReportTable {
  // The best and the worst `top`, each once when the ranking is short.
  const picked = ranked.length <= 2 * top ? ranked : [...ranked.slice(0, top), ...ranked.slice(-top)];
  const rows = picked.map((s) => ({
    rank: s.rank,
    name: groupLabel(s.key),
    ...npsCells(s.summary),
    ...differenceCells(s.vsRest, s.pAdjusted, alpha),
  }));
  return {
    name: 'agents',
    title: ranked.length <= 2 * top ? `NPS by ${name}` : `NPS by ${name}: top and bottom ${top}`,
    columns: [
      { key: 'rank', label: 'Rank', kind: 'count' },
      { key: 'name', label: name, kind: 'text' },
      ...npsColumns(),
      ...differenceColumns({ label: 'vs rest', pLabel: 'p (Holm)', interval: false }),
    ],
    rows,
    chart: npsForest('name', { reference: overallNps }),
  };
}

/** NPS per value of a column, each against all other responses (Holm-adjusted across the values). */
function segmentTable(
  role: 'channel' | 'team',
  name: string,
  tallies: ReadonlyMap<string, Tally> | GroupDesign,
  stats: Statistics,
): ReportTable {
  // Largest first; eachAgainstRest gives them by key, which breaks ties.
  const results = eachAgainstRest(tallies, stats).sort((a, b) => b.summary.n - a.summary.n);
  const alpha = 1 - stats.confidence;
  return {
    name: role === 'channel' ? 'channels' : 'teams',
    title: `NPS by ${name}`,
    columns: [
      { key: 'segment', label: name, kind: 'text' },
      ...npsColumns(),
      ...differenceColumns({ label: 'vs rest', pLabel: 'p (Holm)', interval: false }),
    ],
    rows: results.map((r) => ({
      segment: groupLabel(r.key),
      ...npsCells(r.summary),
      ...differenceCells(r.vsRest, r.pAdjusted, alpha),
    })),
    chart: npsForest('segment'),
  };
}
