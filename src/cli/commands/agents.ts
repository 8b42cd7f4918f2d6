import { Option } from 'commander';
import { caseMixFold } from '../../core/case-mix.js';
import { entry } from '../../core/entry.js';
import { append } from '../../core/extent.js';
import { KEY_SEPARATOR, keyedFold, pairFold } from '../../core/fold.js';
import { leaderboard, RANK_BY, type RankBy, rankWithin, type Standing } from '../../core/leaderboard.js';
import { mergeSideMetrics, newSideMetrics, type SideMetrics } from '../../core/metrics.js';
import type { Shrinkage } from '../../core/shrink.js';
import { type Statistics, summarize } from '../../core/summary.js';
import { mergeTallies, newTally, type Tally } from '../../core/tally.js';
import { compareText } from '../../core/text.js';
import { usageError } from '../../errors.js';
import { readModel } from '../../io/model.js';
import { detectAgent, detectTeam } from '../../io/scan/mapping.js';
import type { GroupColumn } from '../../io/scan/plan.js';
import type { Question } from '../../io/scan/scan.js';
import { confidenceLabel, formatDecimal, formatForHumans, groupLabel } from '../../report/format.js';
import type { Column, Row } from '../../report/model.js';
import { caseMixColumns, caseMixReport } from '../case-mix.js';
import {
  type ClusterFlags,
  clusterColumns,
  clusterNote,
  clusterOption,
  groupsInClusters,
  overallOf,
} from '../clusters.js';
import type { CommandDefinition, Outcome } from '../command.js';
import {
  againstRest,
  differenceCells,
  differenceColumns,
  direction,
  forAudience,
  npsCells,
  npsColumns,
  npsForest,
  npsHeadline,
  standingOf,
} from '../figures.js';
import { parseCount, parsePositive } from '../options.js';
import { addSentOptions, columnBreakdown, contactTables, type SentFlags, scanWithContacts } from '../sent.js';
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

interface AgentFlags extends SideFlags, ClusterFlags, SentFlags {
  /** The shared --weight. */
  weight?: string;
  agent?: string;
  by?: string;
  team?: string | boolean;
  minN: number;
  rankBy: RankBy;
  top?: number;
  bottom?: number;
  caseMix?: string;
}

export const agents: CommandDefinition<AgentFlags> = {
  name: 'agents',
  summary: 'A fair ranking of agents (or teams, or any column): small samples kept apart, real differences marked',
  examples: [
    ['nps agents survey.csv', 'agents with at least 30 responses, ranked, each against the rest'],
    ['nps agents survey.csv --rank-by shrunk --top 10', 'the ten best by empirical-Bayes NPS'],
    ['nps agents survey.csv --team --last 1q --where channel=chat', 'last quarter, chat only, ranked within each team'],
    ['nps agents survey.csv --by team', 'teams ranked with the same statistics'],
    [
      'nps agents answers.csv --agent sent:agent --sent contacts.csv --sent-on contact_id',
      "each agent's response rate, tested against the other agents'",
    ],
    ['nps agents survey.csv --score "Company NPS" --score "Agent NPS"', 'two questions side by side'],
  ],
  shared: {
    input: { questions: 2 },
    weights: true,
    counts: true,
    filters: true,
    statistics: true,
    output: { decimals: true },
    accounting: true,
    grouping: true,
  },
  configure: (cmd) =>
    addSentOptions(addSideMetricOptions(cmd))
      .option('--agent <column>', 'the agent column (default: detected)')
      .option('--by <column>', 'rank the values of this column instead of agents (e.g. team)')
      .option('--team [column]', 'rank agents within their team, with team subtotals (column default: detected)')
      .option('--min-n <n>', 'rank only groups with at least this many responses; list the rest apart', parseCount, 30)
      .addOption(
        new Option('--rank-by <what>', 'order by the score, its lower interval bound, or the shrunk score')
          .choices(RANK_BY)
          .default('nps'),
      )
      .option('--top <n>', 'show only the N best ranked', parsePositive)
      .option('--bottom <n>', 'show only the N worst ranked', parsePositive)
      .option('--case-mix <model>', 'each against what a model of nps expected --save-model expects of its contacts')
      .addOption(clusterOption()),
  async run({ flags, statistics, decimals, scan, warn }) {
    const role = flags.by !== undefined ? 'by' : 'agent';
    const ranked: GroupColumn =
      flags.by !== undefined
        ? { role, flag: '--by', spec: flags.by }
        : { role, flag: '--agent', spec: flags.agent, detect: detectAgent };
    const team: GroupColumn | undefined =
      flags.team === undefined
        ? undefined
        : {
            role: 'team',
            flag: '--team',
            spec: typeof flags.team === 'string' ? flags.team : undefined,
            detect: detectTeam,
          };
    const own = team ? [team, ranked] : [ranked];
    // With --cluster each tally is of a group and a cluster: the cluster's value ends the key.
    const keyed = [...own, ...clusterColumns(flags)];
    const roles = (columns: readonly GroupColumn[]) => columns.map((c) => c.role);
    if (flags.caseMix !== undefined && (flags.weight !== undefined || flags.by !== undefined))
      throw usageError(
        `--case-mix with ${flags.weight !== undefined ? '--weight' : '--by'}: expected answers are of agents' unweighted contacts`,
        `drop ${flags.weight !== undefined ? '--weight' : '--by'} for --case-mix`,
      );
    const model = flags.caseMix === undefined ? null : readModel(flags.caseMix);
    const features = caseMixColumns(model);
    const fold = pairFold(
      keyedFold(roles(keyed)),
      pairFold(sideFold(flags, { by: 'groups', roles: roles(own) }), caseMixFold(model, roles(features), roles(own))),
    );
    const { result, contacts } = await scanWithContacts(
      scan,
      flags,
      { groups: [...keyed, ...sideColumns(flags), ...features] },
      fold,
    );
    const columnName = result.inputs[0].columns[role].name;
    const clusterName = flags.cluster === undefined ? undefined : result.inputs[0].columns.cluster.name;
    const boards = result.questions.map((q) => board(q.state[0], Boolean(team), flags, statistics, clusterName));
    const [side, caseMix] = result.questions[0].state[1];
    checkSideMetrics(flags, side.values(), warn);
    const report = agentsReport(
      boards,
      side,
      result.questions,
      columnName,
      team ? result.inputs[0].columns.team.name : undefined,
      flags,
      statistics,
      `NPS by ${columnName}${team ? ` within ${result.inputs[0].columns.team.name}` : ''}: ` +
        `${result.inputs.map((i) => i.name).join(', ')}`,
    );
    const clusters = boards[0].clusters;
    // The contacts by their own column of the name the ranked column has.
    const funnel =
      contacts &&
      contactTables(flags, result, contacts, statistics, decimals, {
        by: [columnBreakdown(result, [columnName], flags.by !== undefined ? '--by' : '--agent')],
      });
    const mix =
      model &&
      caseMixReport(
        caseMix,
        model,
        flags.caseMix!,
        (key) => (team ? `${groupLabel(agentOf(key))} (${groupLabel(teamOf(key))})` : groupLabel(key)),
        columnName.toLowerCase(),
        flags.minN,
        statistics,
      );
    // The headline: every answer's NPS, and how many of the ranked stand out from the rest.
    const first = result.questions[0];
    const alpha = 1 - statistics.confidence;
    const standing = standingOf(
      boards[0].agents.filter((s) => s.ranked).map((s) => direction(s.vsRest, s.pAdjusted, alpha)),
    );
    return {
      report: {
        ...report,
        headline: npsHeadline(
          summarize(overallOf(flags, first.state[0], first.overall), statistics),
          statistics,
          'NPS',
          {
            details: standing.tested > 0 ? [againstRest(flags.by !== undefined ? 'group' : 'agent', standing)] : [],
          },
        ),
        tables: [...report.tables, ...(mix ? [mix.table] : []), ...(funnel?.tables ?? [])],
        notes: [
          ...report.notes,
          ...(clusters === undefined || clusterName === undefined ? [] : [clusterNote(clusters, clusterName)]),
          ...(mix?.notes ?? []),
          ...(funnel?.notes ?? []),
        ],
      },
    };
  },
};

/** One question's standings: agents (within teams, with team subtotals, when asked). */
interface Board {
  readonly agents: Standing[];
  readonly teams: Standing[];
  readonly shrinkage: Shrinkage;
  /** With --cluster, how many clusters the design has. */
  readonly clusters?: number;
}

function board(
  tallies: Map<string, Tally>,
  withTeams: boolean,
  flags: AgentFlags,
  stats: Statistics,
  clusterName: string | undefined,
): Board {
  const clustered = clusterName !== undefined;
  const design = clustered ? groupsInClusters(tallies, clusterName) : undefined;
  const { standings, shrinkage } = leaderboard(design ?? tallies, flags.minN, flags.rankBy, stats);
  const clusters = design?.clusters;
  if (!withTeams) return { agents: standings, teams: [], shrinkage, clusters };
  const teamTallies = new Map<string, Tally>();
  for (const [key, t] of tallies) {
    // A team's tally, or with --cluster a team's in one cluster.
    const name = clustered
      ? `${teamOf(key)}${KEY_SEPARATOR}${key.slice(key.lastIndexOf(KEY_SEPARATOR) + 1)}`
      : teamOf(key);
    mergeTallies(entry(teamTallies, name, newTally), t);
  }
  return {
    agents: rankWithin(standings, (s) => teamOf(s.key), flags.rankBy),
    teams: leaderboard(
      clustered ? groupsInClusters(teamTallies, clusterName) : teamTallies,
      flags.minN,
      flags.rankBy,
      stats,
    ).standings,
    shrinkage,
    clusters,
  };
}

const teamOf = (key: string) => key.split(KEY_SEPARATOR)[0];
const agentOf = (key: string) => key.split(KEY_SEPARATOR).at(-1)!;

/** --top and --bottom keep the best and worst ranked of each list; unranked ones always stay. */
function keepTopBottom(standings: readonly Standing[], flags: AgentFlags): Standing[] {
  if (flags.top === undefined && flags.bottom === undefined) return [...standings];
  const ranked = standings.filter((s) => s.ranked);
  const keep = new Set([...ranked.slice(0, flags.top ?? 0), ...(flags.bottom ? ranked.slice(-flags.bottom) : [])]);
  return standings.filter((s) => !s.ranked || keep.has(s));
}

function agentsReport(
  boards: readonly Board[],
  side: ReadonlyMap<string | number, SideMetrics>,
  questions: readonly Question<unknown>[],
  columnName: string,
  teamName: string | undefined,
  flags: AgentFlags,
  stats: Statistics,
  title: string,
): Outcome['report'] {
  const alpha = 1 - stats.confidence;
  const level = confidenceLabel(stats.confidence);
  const two = boards.length > 1;
  // The first question orders the rows; the second one's figures are looked up by key.
  const second = two
    ? new Map(
        [...boards[1].agents, ...boards[1].teams.map((t) => ({ ...t, key: `${t.key}${KEY_SEPARATOR}` }))].map((s) => [
          s.key,
          s,
        ]),
      )
    : undefined;
  const memberLevel = flags.by !== undefined ? 'group' : 'agent';
  const teamMetrics = (team: string) => {
    const total = newSideMetrics();
    for (const [key, m] of side) if (teamOf(String(key)) === team) mergeSideMetrics(total, m);
    return total;
  };
  const rowOf = (s: Standing, isTeam: boolean): Row => {
    const cells: Record<string, Row[string]> = {
      rank: Number.isNaN(s.rank) ? null : s.rank,
      level: isTeam ? 'team' : memberLevel,
      // Always a key (a column only with --team): a conditional spread makes every row a slow object.
      team: teamName ? groupLabel(teamOf(s.key)) : null,
      name: isTeam ? `${groupLabel(teamOf(s.key))} (all)` : groupLabel(agentOf(s.key)),
      ranked: s.ranked,
      ...figures(s, '', alpha),
      ...(hasSideMetrics(flags) ? sideMetricCells(flags, isTeam ? teamMetrics(teamOf(s.key)) : side.get(s.key)) : {}),
    };
    const other = second?.get(isTeam ? `${s.key}${KEY_SEPARATOR}` : s.key);
    if (two) Object.assign(cells, other ? figures(other, '_2', alpha) : {});
    return cells;
  };
  const lists = teamName
    ? teamsFirst(boards[0], flags)
    : keepTopBottom(boards[0].agents, flags).map((s) => ({ s, isTeam: false }));
  const rows = lists.map(({ s, isTeam }) => rowOf(s, isTeam));
  const ranked = rows.filter((r) => r.ranked);
  const small = rows.filter((r) => !r.ranked);
  const what = columnName.toLowerCase();
  const rankedCount = boards[0].agents.filter((s) => s.ranked).length;
  const shrink = boards[0].shrinkage;
  // With weights, --min-n counts the effective n (Kish's); clusters leave it counting answers.
  const weighted = flags.weight !== undefined;
  const notes = [
    `Ranked by ${
      flags.rankBy === 'nps'
        ? 'NPS'
        : flags.rankBy === 'lower'
          ? `the lower bound of the ${level} interval`
          : 'shrunk NPS'
    }${
      flags.minN > 1
        ? `; those with fewer than ${flags.minN} responses${weighted ? ' (effective n)' : ''} ` +
          `are listed apart, not ranked`
        : ''
    }. ${
      rankedCount > 0
        ? `Each is compared with all other responses (MOVER interval of the difference, and the p that inverts it); ` +
          `p-values are Holm-adjusted across the ${rankedCount} ranked; ▲ ▼ mark those significantly above ` +
          `or below the rest at ${level}.`
        : `No ${what} has ${flags.minN} responses or more, so none is ranked or compared with the rest.`
    }`,
    flags.rankBy === 'shrunk'
      ? Number.isFinite(shrink.strength)
        ? `Shrunk NPS pulls each towards the overall ` +
          `${formatForHumans(100 * shrink.overall, 'nps', { decimals: 1 })} as if it had ` +
          `${formatDecimal(shrink.strength, 1)} more responses at the overall shares (empirical Bayes; see the README).`
        : `The groups differ no more than chance allows, so every shrunk NPS equals the overall ` +
          `${formatForHumans(100 * shrink.overall, 'nps', { decimals: 1 })}.`
      : undefined,
    two ? `Two questions: 1 = ${questions[0].name}, 2 = ${questions[1].name}; ranked by question 1.` : undefined,
    `A response counts for the ${what} named on its row.`,
  ].filter((n): n is string => n !== undefined);
  return {
    title,
    tables: [
      {
        name: 'standings',
        audience: 'machine',
        columns: [...columns(columnName, teamName, two, 'machine'), ...sideMetricColumns(flags)],
        rows,
      },
      {
        name: 'ranked',
        audience: 'human',
        columns: [
          ...columns(columnName, teamName, two, 'human', flags.rankBy === 'shrunk'),
          ...sideMetricColumns(flags),
        ],
        rows: ranked,
        chart: npsForest('name', {
          reference: 100 * shrink.overall,
          marker: flags.rankBy === 'shrunk' ? 'shrunk_nps' : undefined,
        }),
      },
      ...(small.length > 0
        ? [
            {
              name: 'too_few',
              audience: 'human' as const,
              title: `Too few responses to rank (n < ${flags.minN})`,
              columns: smallColumns(columnName, teamName, two),
              rows: small,
              chart: npsForest('name', { reference: 100 * shrink.overall, faded: true, tone: undefined }),
            },
          ]
        : []),
    ],
    notes,
  };
}

/** Team subtotal rows, each followed by its agents ranked within it. */
function teamsFirst(b: Board, flags: AgentFlags): { s: Standing; isTeam: boolean }[] {
  const out: { s: Standing; isTeam: boolean }[] = [];
  const teams = [...b.teams].sort((x, y) => compareText(x.key, y.key));
  for (const t of teams) {
    out.push({ s: t, isTeam: true });
    const members = keepTopBottom(
      b.agents.filter((s) => teamOf(s.key) === t.key),
      flags,
    );
    append(
      out,
      members.filter((s) => s.ranked).map((s) => ({ s, isTeam: false })),
    );
  }
  // Small agents of every team after all the rankings.
  append(
    out,
    b.agents.filter((s) => !s.ranked).map((s) => ({ s, isTeam: false })),
  );
  return out;
}

function figures(s: Standing, suffix: string, alpha: number): Record<string, Row[string]> {
  const cells = { ...npsCells(s.summary), shrunk_nps: s.shrunk, ...differenceCells(s.vsRest, s.pAdjusted, alpha) };
  return suffix === ''
    ? cells
    : Object.fromEntries(Object.entries(cells).map(([key, value]) => [`${key}${suffix}`, value]));
}

function questionColumns(suffix: string, label: string, audience: 'human' | 'machine', shrunk: boolean): Column[] {
  return forAudience(
    [
      ...npsColumns({ suffix, label }),
      { key: `shrunk_nps${suffix}`, label: `Shrunk${label}`, kind: 'nps', audience: shrunk ? 'both' : 'machine' },
      ...differenceColumns({ suffix, label: `vs rest${label}`, pLabel: `p (Holm)${label}`, interval: false }),
    ],
    audience,
  );
}

function columns(
  name: string,
  teamName: string | undefined,
  two: boolean,
  audience: 'human' | 'machine',
  shrunk = false,
): Column[] {
  return [
    { key: 'rank', label: 'Rank', kind: 'count' },
    ...(audience === 'machine' ? [{ key: 'level', label: 'Level', kind: 'text' } as Column] : []),
    ...(teamName ? [{ key: 'team', label: teamName, kind: 'text' } as Column] : []),
    { key: 'name', label: name, kind: 'text' },
    ...(audience === 'machine' ? [{ key: 'ranked', label: 'Ranked', kind: 'boolean' } as Column] : []),
    ...questionColumns('', two ? ' 1' : '', audience, shrunk),
    ...(two ? questionColumns('_2', ' 2', audience, shrunk) : []),
  ];
}

function smallColumns(name: string, teamName: string | undefined, two: boolean): Column[] {
  const q = (suffix: string, label: string): Column[] => [
    { key: `n${suffix}`, label: `n${label}`, kind: 'count' },
    { key: `nps${suffix}`, label: `NPS${label}`, kind: 'nps' },
    { key: `interval${suffix}`, label: `Interval${label}`, kind: 'range' },
  ];
  return [
    ...(teamName ? [{ key: 'team', label: teamName, kind: 'text' } as Column] : []),
    { key: 'name', label: name, kind: 'text' },
    ...q('', two ? ' 1' : ''),
    ...(two ? q('_2', ' 2') : []),
  ];
}
