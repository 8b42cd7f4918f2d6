import { entry } from '../../core/entry.js';
import { KEY_SEPARATOR, keyedFold } from '../../core/fold.js';
import { type NpsSummary, type Statistics, summarize } from '../../core/summary.js';
import { mergeTallies, newTally, type Tally } from '../../core/tally.js';
import { compareText } from '../../core/text.js';
import { usageError } from '../../errors.js';
import type { Question } from '../../io/scan/scan.js';
import { groupLabel } from '../../report/format.js';
import type { Column, ReportTable, Row } from '../../report/model.js';
import {
  type ClusterFlags,
  clusterColumns,
  clusterNote,
  clusterOption,
  groupsInClusters,
  overallOf,
  talliesOf,
} from '../clusters.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { lowN, npsCells, npsColumns, npsForest, npsHeadline } from '../figures.js';
import { parseCount } from '../options.js';
import { addSentOptions, columnBreakdown, contactTables, type SentFlags, scanWithContacts } from '../sent.js';
import { failBelowGate, type Judged, underMinN } from '../verdicts.js';

interface SegmentFlags extends ClusterFlags, SentFlags {
  by: string;
  minN: number;
}

export const segments: CommandDefinition<SegmentFlags> = {
  name: 'segments',
  summary: 'NPS per segment of one column, or a cross-tab of two (e.g. channel by team)',
  examples: [
    ['nps segments survey.csv --by channel', 'NPS, n and interval per channel'],
    ['nps segments survey.csv --by channel,team', 'a cross-tab: channels down, teams across'],
    ['nps segments survey.csv --by channel,team -o cells.csv', 'the same, one row per cell, for a pivot table'],
    [
      'nps segments answers.csv --by sent:channel --sent contacts.csv --sent-on contact_id --adjust queue',
      'response rate per channel, and NPS weighted to the contacts by queue',
    ],
    ['nps segments survey.csv --by channel --fail-below 0', 'exit 1 when any channel (n >= 30) is below 0'],
  ],
  shared: {
    input: { questions: 2 },
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
      .requiredOption('--by <column[,column]>', 'one column, or two separated by a comma for a cross-tab')
      .option(
        '--min-n <n>',
        'mark segments with fewer responses than this (--fail-below judges the rest)',
        parseCount,
        30,
      )
      .addOption(clusterOption()),
  async run({ flags, statistics, decimals, failBelow, scan }) {
    const by = flags.by
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    if (by.length < 1 || by.length > 2)
      throw usageError(
        `--by ${flags.by}: give one column, or two separated by a comma`,
        'e.g. --by channel or --by channel,team',
      );
    const groups = [
      // A cross-tab's rows by the first column, its columns across by the second.
      ...by.map((spec, i) => ({ role: i === 0 ? 'by' : 'across', flag: '--by', spec })),
      ...clusterColumns(flags),
    ];
    const { result: scanned, contacts } = await scanWithContacts(
      scan,
      flags,
      { groups },
      keyedFold(groups.map((g) => g.role)),
    );
    // With clusters, each segment's interval is its design's; counts, NPS and the cross-tab's
    // margins are of its answers.
    const clusterName = flags.cluster === undefined ? undefined : scanned.inputs[0].columns.cluster.name;
    const designs =
      clusterName === undefined ? undefined : scanned.questions.map((q) => groupsInClusters(q.state, clusterName));
    const result = designs
      ? { ...scanned, questions: scanned.questions.map((q, i) => ({ ...q, state: talliesOf(designs[i], 'answers') })) }
      : scanned;
    const summaryOf = (question: number, key: string): NpsSummary => {
      const design = designs?.[question];
      if (design) return summarize(design.tally(key), statistics, design.counted(key));
      return summarize(result.questions[question].state.get(key) ?? newTally(), statistics);
    };
    const names = groups.slice(0, by.length).map((group) => result.inputs[0].columns[group.role].name);
    const title = `NPS by ${names.join(' and ')}: ${result.inputs.map((i) => i.name).join(', ')}`;
    const notes = [
      ...(result.questions.length > 1
        ? [`Two questions: 1 = ${result.questions[0].name}, 2 = ${result.questions[1].name}.`]
        : []),
      ...(designs ? [clusterNote(designs[0].clusters, clusterName!)] : []),
    ];
    const everyone = summarize(overallOf(flags, scanned.state, scanned.overall), statistics);
    const segmented = {
      ...segmentsReport(result.questions, names, flags.minN, statistics, summaryOf, { title, notes }),
      headline: npsHeadline(everyone, statistics),
    };
    // The contacts by their own columns of the names the segments have.
    const funnel =
      contacts &&
      contactTables(flags, scanned, contacts, statistics, decimals, {
        by: [columnBreakdown(scanned, names, '--by')],
      });
    const report = funnel
      ? {
          ...segmented,
          tables: [...segmented.tables, ...funnel.tables],
          notes: [...segmented.notes, ...funnel.notes],
        }
      : segmented;
    if (failBelow === undefined) return { report };
    // Every segment (cell) with enough responses to judge, of every question.
    const judged: Judged[] = [];
    let small = 0;
    result.questions.forEach((q, i) => {
      for (const key of q.state.keys()) {
        const s = summaryOf(i, key);
        const subject =
          `${key.split(KEY_SEPARATOR).map(groupLabel).join(' / ')}` +
          `${result.questions.length > 1 ? ` (question ${i + 1})` : ''}`;
        if (s.counted < flags.minN) small++;
        else judged.push({ subject, nps: s.nps });
      }
    });
    return { report, gates: [failBelowGate(failBelow, judged, decimals, underMinN(small, flags.minN))] };
  },
};

function segmentsReport(
  questions: readonly Question<Map<string, Tally>>[],
  names: readonly string[],
  minN: number,
  stats: Statistics,
  summaryOf: (question: number, key: string) => NpsSummary,
  frame: { title: string; notes: string[] },
): Outcome['report'] {
  const two = questions.length > 1;
  const keys = [...new Set(questions.flatMap((q) => [...q.state.keys()]))].sort((a, b) => compareKeys(a, b));
  // The long table: one row per segment (per cell of a cross-tab), the questions side by side.
  const rows: Row[] = keys.map((key) => {
    const parts = key.split(KEY_SEPARATOR);
    const row: Record<string, Row[string]> = { segment: groupLabel(parts[0]) };
    if (names.length > 1) row.segment_2 = groupLabel(parts[1]);
    const low: string[] = [];
    questions.forEach((_, i) => {
      const s = summaryOf(i, key);
      Object.assign(row, figures(s, i === 0 ? '' : '_2', minN));
      low.push(lowN(s, minN));
    });
    row.note = low.find(Boolean) ?? '';
    return row;
  });
  // A cross-tab wider than a screen is no table: people then get the long one.
  const across = names.length > 1 ? new Set(keys.map((key) => key.split(KEY_SEPARATOR)[1])).size : 0;
  const crossTabs = names.length > 1 && across <= MAX_ACROSS;
  const machine: ReportTable = {
    name: 'segments',
    columns: longColumns(names, two),
    rows,
    audience: crossTabs ? 'machine' : 'both',
    chart: names.length === 1 ? npsForest('segment', { tone: undefined }) : undefined,
  };
  const tables = crossTabs
    ? [machine, ...questions.map((q, i) => crossTab(q, names, stats, minN, two ? ` (question ${i + 1})` : ''))]
    : [machine];
  const notes = [
    crossTabs
      ? `* fewer than ${minN} responses: a wide interval.`
      : `Segments with fewer than ${minN} responses are marked: their intervals are wide.`,
    ...(names.length > 1 && !crossTabs
      ? [`${names[1]} has ${across} values, too many to show across: one row per cell instead.`]
      : []),
    ...frame.notes,
  ];
  return { title: frame.title, tables, notes };
}

/** Columns of a cross-tab at most: more would not fit a screen or a page. */
const MAX_ACROSS = 30;

const compareKeys = (a: string, b: string) => {
  const [a1, a2 = ''] = a.split(KEY_SEPARATOR);
  const [b1, b2 = ''] = b.split(KEY_SEPARATOR);
  return compareText(a1, b1) || compareText(a2, b2);
};

function figures(s: NpsSummary, suffix: string, minN: number): Record<string, Row[string]> {
  return { ...npsCells(s, suffix), [`low_n${suffix}`]: s.counted < minN };
}

function longColumns(names: readonly string[], two: boolean): Column[] {
  const q = (suffix: string, label: string): Column[] => [
    ...npsColumns({ suffix, label, shares: 'both' }),
    { key: `low_n${suffix}`, label: 'Low n', kind: 'boolean', audience: 'machine' },
  ];
  return [
    { key: 'segment', label: names[0], kind: 'text' },
    ...(names.length > 1 ? [{ key: 'segment_2', label: names[1], kind: 'text' } as Column] : []),
    ...q('', two ? ' 1' : ''),
    ...(two ? q('_2', ' 2') : []),
    { key: 'note', label: 'Note', kind: 'text', audience: 'human' },
  ];
}

/** Rows of the first column, columns of the second, "NPS (n)" in each cell, totals at the edges. */
function crossTab(
  question: Question<Map<string, Tally>>,
  names: readonly string[],
  stats: Statistics,
  minN: number,
  suffix: string,
): ReportTable {
  const rowKeys = new Set<string>();
  const colKeys = new Set<string>();
  const rowTotals = new Map<string, Tally>();
  const colTotals = new Map<string, Tally>();
  const add = (totals: Map<string, Tally>, key: string, t: Tally) => mergeTallies(entry(totals, key, newTally), t);
  for (const [key, t] of question.state) {
    const [r, c] = key.split(KEY_SEPARATOR);
    rowKeys.add(r);
    colKeys.add(c);
    add(rowTotals, r, t);
    add(colTotals, c, t);
  }
  const cols = [...colKeys].sort(compareText);
  const cell = (t: Tally | undefined) => {
    const s = summarize(t ?? newTally(), stats);
    return [s.nps, s.n, s.counted < minN ? 1 : 0];
  };
  const rows: Row[] = [...rowKeys].sort(compareText).map((r) => ({
    segment: groupLabel(r),
    ...Object.fromEntries(cols.map((c, i) => [`c${i}`, cell(question.state.get(`${r}${KEY_SEPARATOR}${c}`))])),
    all: cell(rowTotals.get(r)),
  }));
  rows.push({
    segment: 'All',
    ...Object.fromEntries(cols.map((c, i) => [`c${i}`, cell(colTotals.get(c))])),
    all: cell(question.overall),
  });
  return {
    name: 'cross_tab',
    audience: 'human',
    title: `NPS (n)${suffix}: ${names[0]} down, ${names[1]} across`,
    columns: [
      { key: 'segment', label: names[0], kind: 'text' },
      ...cols.map((c, i): Column => ({ key: `c${i}`, label: groupLabel(c), kind: 'nps_n' })),
      { key: 'all', label: 'All', kind: 'nps_n' },
    ],
    rows,
  };
}
