import type { GroupDesign } from '../../core/cluster.js';
import { keyedFold } from '../../core/fold.js';
import { eachAgainstRest } from '../../core/groups.js';
import { type Calendar, PERIOD_UNITS, type PeriodUnit, parsePeriodLabel, periodLabel } from '../../core/period.js';
import type { Difference } from '../../core/significance.js';
import { type NpsSummary, type Statistics, summarize } from '../../core/summary.js';
import { dataError, usageError } from '../../errors.js';
import { confidenceLabel, formatDecimal, formatForHumans, groupLabel, pText } from '../../report/format.js';
import type { Column, Row } from '../../report/model.js';
import {
  type ClusterFlags,
  clusterColumns,
  clusterName,
  clusterNote,
  clusterOption,
  clusterRoles,
  groupDesign,
  overallOf,
  periodDesign,
  periodsFold,
} from '../clusters.js';
import type { CommandContext, CommandDefinition, Outcome, ScanSpec } from '../command.js';
import {
  againstRest,
  differenceCells,
  differenceColumns,
  headlineChange,
  lowN,
  npsCells,
  npsColumns,
  npsForest,
  npsHeadline,
} from '../figures.js';
import { asOfText, type InProgressFlags, inProgressOption, judging } from '../in-progress.js';
import { parseCount } from '../options.js';
import { failBelowGate, underMinN } from '../verdicts.js';

interface CompareFlags extends InProgressFlags, ClusterFlags {
  by?: string;
  period?: string;
  vs?: string;
  latest?: boolean;
  minN: number;
  fiscalYearStart: number;
}

/** The groups compared, each with its NPS, for the table and for --fail-below. */
interface Compared {
  readonly report: Outcome['report'];
  readonly groups: readonly { readonly name: string; readonly summary: NpsSummary }[];
}

export const compare: CommandDefinition<CompareFlags> = {
  name: 'compare',
  summary: 'The difference in NPS between groups, periods or files, and whether it is significant',
  examples: [
    ['nps compare survey.csv --by channel', 'every channel against the rest, Holm-adjusted'],
    ['nps compare survey.csv --period 2024-Q3 --vs 2024-Q2', 'one quarter against another'],
    ['nps compare survey.csv --latest --period month', 'the latest month against the month before'],
    [
      'nps compare before.csv after.csv --fail-below 20',
      'two exports against each other; exit 1 when either is below 20',
    ],
    [
      'nps compare spring.csv autumn.csv --cluster account',
      'two waves asking the same accounts: the difference allows for it',
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
    cmd
      .option('--by <column>', 'compare every value of this column with the rest')
      .option(
        '--period <label|unit>',
        'a period to compare (2024-Q3, 2024-09, 2024-W36, 2024, 2024-09-15), or with --latest its unit',
      )
      .option('--vs <label>', 'the period to compare --period with')
      .option('--latest', 'the latest complete period against the one before (unit from --period, default quarter)')
      .addOption(inProgressOption())
      .option(
        '--min-n <n>',
        'mark groups with fewer responses than this (--fail-below judges the rest)',
        parseCount,
        30,
      )
      .addOption(clusterOption()),
  async run(context) {
    const { flags, args } = context;
    const twoFiles = args.length === 2 && !flags.by && !flags.vs && !flags.latest;
    const modes = [flags.by !== undefined, flags.vs !== undefined || flags.latest === true, twoFiles];
    if (modes.filter(Boolean).length !== 1) {
      throw usageError(
        'say what to compare',
        'use --by <column>, --period <label> --vs <label>, --latest, or give two files',
      );
    }
    if (flags.includeInProgress && !flags.latest)
      throw usageError(
        '--include-in-progress says which period --latest compares',
        'add --latest, or drop --include-in-progress',
      );
    const compared =
      flags.by !== undefined
        ? await byColumn(flags.by, context)
        : twoFiles
          ? await byFile(context)
          : await byPeriod(context);
    if (context.failBelow === undefined) return { report: compared.report };
    const judged = compared.groups.filter((g) => g.summary.counted >= flags.minN);
    const gate = failBelowGate(
      context.failBelow,
      judged.map((g) => ({ subject: g.name, nps: g.summary.nps })),
      context.decimals,
      underMinN(compared.groups.length - judged.length, flags.minN),
    );
    return { report: compared.report, gates: [gate] };
  },
};

async function byColumn(column: string, { flags, statistics, scan }: CommandContext<CompareFlags>): Promise<Compared> {
  const result = await scan(
    { groups: [{ role: 'by', flag: '--by', spec: column }, ...clusterColumns(flags)] },
    keyedFold(['by', ...clusterRoles(flags)]),
  );
  const design = groupDesign(flags, result.state, result);
  const results = eachAgainstRest(design, statistics);
  const alpha = 1 - statistics.confidence;
  const rows = results.map((g) => row(groupLabel(g.key), g.summary, 'rest', g.vsRest, g.pAdjusted, alpha, flags.minN));
  const name = result.inputs[0].columns.by.name;
  const above = results.filter((g) => g.pAdjusted < alpha && g.vsRest.difference > 0).map((g) => groupLabel(g.key));
  const below = results.filter((g) => g.pAdjusted < alpha && g.vsRest.difference < 0).map((g) => groupLabel(g.key));
  const level = levelText(statistics);
  // A group is tested only when there is a rest: not when it is the only one.
  const tested = results.filter((g) => !Number.isNaN(g.pAdjusted)).length;
  const verdict =
    tested === 0
      ? `Only one ${name} has responses, so there is no rest to compare it with.`
      : above.length + below.length === 0
        ? `No ${name} differs significantly from the rest at ${level} (Holm-adjusted across ${tested}).`
        : `At ${level}, Holm-adjusted across ${tested}: ${[
            above.length ? `above the rest: ${above.join(', ')}` : '',
            below.length ? `below the rest: ${below.join(', ')}` : '',
          ]
            .filter(Boolean)
            .join('; ')}.`;
  const everyone = summarize(overallOf(flags, result.state, result.overall), statistics);
  return {
    report: {
      ...frame(
        `NPS by ${name}, each against the rest: ${names(result.inputs)}`,
        rows,
        [verdict, ...(design.clusters === undefined ? [] : [clusterNote(design.clusters, clusterName(result))])],
        'p (Holm)',
      ),
      headline: npsHeadline(everyone, statistics, 'NPS', {
        details:
          tested > 0 ? [againstRest(name.toLowerCase(), { tested, above: above.length, below: below.length })] : [],
      }),
    },
    groups: results.map((g) => ({ name: `${name} ${groupLabel(g.key)}`, summary: g.summary })),
  };
}

async function byFile({ args, flags, statistics, scan }: CommandContext<CompareFlags>): Promise<Compared> {
  const [a, b] = args.map((f) => (f === '-' ? 'stdin' : f));
  // Files that share clusters (the same accounts asked twice) covary.
  const result = await scan(
    { groups: [{ role: 'file', flag: 'FILE', byFile: true }, ...clusterColumns(flags)] },
    keyedFold(['file', ...clusterRoles(flags)]),
  );
  const design = groupDesign(flags, result.state, result);
  const compared = twoGroups([a, '0'], [b, '1'], design, statistics, flags.minN, `NPS of ${a} against ${b}`);
  return withClusterNote(compared, design, result);
}

/** The note that says what the clusters did, after the comparison's own. */
function withClusterNote<K>(
  compared: Compared,
  design: GroupDesign<K> & { clusters?: number },
  scanned: Parameters<typeof clusterName>[0],
): Compared {
  if (design.clusters === undefined) return compared;
  const note = clusterNote(design.clusters, clusterName(scanned));
  return { ...compared, report: { ...compared.report, notes: [...compared.report.notes, note] } };
}

async function byPeriod({ flags, request, statistics, scan }: CommandContext<CompareFlags>): Promise<Compared> {
  const fiscalYearStart = flags.fiscalYearStart;
  let calendar: Calendar;
  let focus: number | undefined;
  let reference: number | undefined;
  let spec: ScanSpec = { needsDates: true };
  if (flags.latest) {
    if (flags.vs !== undefined)
      throw usageError('--latest and --vs cannot be used together', 'use --latest, or --period <label> --vs <label>');
    if (request.last)
      throw usageError('--latest already keeps the last two periods; drop --last', 'use --until to end earlier');
    const unit = (flags.period ?? 'quarter') as PeriodUnit;
    if (!PERIOD_UNITS.includes(unit))
      throw usageError(`--period ${flags.period} is not a unit for --latest`, `use one of ${PERIOD_UNITS.join(', ')}`);
    calendar = { unit, fiscalYearStart };
    // The latest complete period (or the one in progress) and the one before: every other row is
    // filtered, and counted so.
    spec = { ...spec, last: { count: 2, unit, end: flags.includeInProgress ? 'in-progress' : 'complete' } };
  } else {
    if (flags.period === undefined) throw usageError('--vs needs --period', 'e.g. --period 2024-Q3 --vs 2024-Q2');
    const first = labelled(flags.period, '--period', fiscalYearStart);
    const second = labelled(flags.vs!, '--vs', fiscalYearStart);
    if (first.calendar.unit !== second.calendar.unit)
      throw usageError(
        `--period ${flags.period} and --vs ${flags.vs} are different kinds of period`,
        'compare a quarter with a quarter, a month with a month ...',
      );
    if (first.key === second.key)
      throw usageError(`--period and --vs are both ${flags.period}`, 'compare two different periods');
    calendar = first.calendar;
    focus = first.key;
    reference = second.key;
    spec = { ...spec, keep: { calendar, periods: [focus, reference] } };
  }
  const result = await scan({ ...spec, groups: clusterColumns(flags) }, periodsFold(flags, calendar));
  const design = periodDesign(flags, result.state, result);
  const judge = judging(result, calendar, flags);
  if (focus === undefined) {
    focus = flags.includeInProgress ? judge.inProgressFrom : judge.inProgressFrom - 1;
    reference = focus - 1;
  }
  const a = periodLabel(focus, calendar);
  const b = periodLabel(reference!, calendar);
  const empty = [a, b].filter((_, i) => !design.keys.includes(i === 0 ? focus! : reference!));
  if (empty.length > 0) {
    throw dataError(
      `no responses in ${empty.join(' or ')}`,
      'choose periods that hold responses (nps trend shows which do)',
    );
  }
  const compared = withClusterNote(
    twoGroups(
      [a, focus],
      [b, reference!],
      design,
      statistics,
      flags.minN,
      `NPS ${a} against ${b}: ${names(result.inputs)}`,
    ),
    design,
    result,
  );
  const inProgress = judge.note([focus, reference!], !flags.latest);
  const latest =
    flags.latest && !flags.includeInProgress
      ? `${a} is the latest complete ${calendar.unit} at ${asOfText(result)}; the ${calendar.unit} ` +
        `in progress is left out (--include-in-progress compares it).`
      : undefined;
  const notes = [inProgress, latest].filter((n): n is string => n !== undefined);
  return { ...compared, report: { ...compared.report, notes: [...compared.report.notes, ...notes] } };
}

/** A period label of any unit; the unit is read from its form. */
function labelled(label: string, flag: string, fiscalYearStart: number): { key: number; calendar: Calendar } {
  for (const unit of PERIOD_UNITS) {
    const calendar = { unit, fiscalYearStart };
    const key = parsePeriodLabel(label, calendar);
    if (key !== undefined) return { key, calendar };
  }
  throw usageError(
    `${flag} ${JSON.stringify(label)} is not a period`,
    'write it like 2024, 2024-Q3, 2024-09, 2024-W36 or 2024-09-15 (FY2025-Q1 with --fiscal-year-start)',
  );
}

/** Two groups of a design, each a label and its key: the first minus the second. */
function twoGroups<K>(
  [a, x]: [string, K],
  [b, y]: [string, K],
  design: GroupDesign<K>,
  stats: Statistics,
  minN: number,
  title: string,
): Compared {
  const sx = summarize(design.tally(x), stats, design.counted(x));
  const sy = summarize(design.tally(y), stats, design.counted(y));
  const difference = design.between(x, y, stats);
  const alpha = 1 - stats.confidence;
  const rows = [row(a, sx, b, difference, difference.p, alpha, minN), row(b, sy, '', undefined, NaN, alpha, minN)];
  return {
    report: {
      ...frame(title, rows, [sentence(a, sx, b, sy, difference, stats)]),
      // The first group's NPS, and how far it is from the second's.
      headline: npsHeadline(sx, stats, `NPS, ${a}`, {
        change: Number.isNaN(difference.p) ? undefined : headlineChange(difference, difference.p, alpha, b),
      }),
    },
    groups: [
      { name: a, summary: sx },
      { name: b, summary: sy },
    ],
  };
}

/** "2024-Q4 (+10.0, n 80) is 20.0 points below 2024-Q3 (+30.0, n 80): significant at 95% (p = 0.012)." */
function sentence(a: string, sa: NpsSummary, b: string, sb: NpsSummary, d: Difference, stats: Statistics): string {
  const style = { decimals: 1 };
  const who = (label: string, s: NpsSummary) => `${label} (${formatForHumans(s.nps, 'nps', style)}, n ${s.n})`;
  if (Number.isNaN(d.p)) return `${who(a, sa)} and ${who(b, sb)} cannot be compared: one has no responses.`;
  const size = formatDecimal(Math.abs(100 * d.difference), style.decimals);
  const direction = d.difference > 0 ? 'above' : d.difference < 0 ? 'below' : 'level with';
  const verdict = d.p < 1 - stats.confidence ? 'significant' : 'not significant';
  const p = pText(d.p);
  const range = formatForHumans([100 * d.lower, 100 * d.upper], 'range', style);
  // Infinite when both intervals have zero width (Wald, each group in one category).
  const z = Number.isFinite(d.z) ? formatDecimal(d.z, 2) : `${d.z < 0 ? '-' : ''}∞`;
  return (
    `${who(a, sa)} is ${d.difference === 0 ? '' : `${size} points `}${direction} ${who(b, sb)}: ` +
    `${verdict} at ${levelText(stats)} (z = ${z}, ${p}; difference ${range}).`
  );
}

const levelText = (stats: Statistics) => confidenceLabel(stats.confidence);
const names = (inputs: readonly { name: string }[]) => inputs.map((i) => i.name).join(', ');

function row(
  group: string,
  s: NpsSummary,
  against: string,
  d: Difference | undefined,
  pAdjusted: number,
  alpha: number,
  minN: number,
): Row {
  return {
    group,
    ...npsCells(s),
    compared_with: against,
    ...differenceCells(d, pAdjusted, alpha),
    low_n: s.counted < minN,
    note: lowN(s, minN),
  };
}

const columns = (pLabel: string): Column[] => [
  { key: 'group', label: 'Group', kind: 'text' },
  ...npsColumns(),
  { key: 'compared_with', label: 'Against', kind: 'text' },
  ...differenceColumns({ label: 'Difference', pLabel, interval: true }),
  { key: 'low_n', label: 'Low n', kind: 'boolean', audience: 'machine' },
  { key: 'note', label: 'Note', kind: 'text', audience: 'human' },
];

function frame(title: string, rows: Row[], notes: string[], pLabel = 'p'): Outcome['report'] {
  return { title, tables: [{ name: 'groups', columns: columns(pLabel), rows, chart: npsForest('group') }], notes };
}
