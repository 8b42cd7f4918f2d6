import { classify } from '../../core/classify.js';
import { entry } from '../../core/entry.js';
import type { Fold } from '../../core/fold.js';
import { compareText } from '../../core/text.js';
import type { TermCounts } from '../../core/words.js';
import { detectComment } from '../../io/scan/mapping.js';
import type { GroupColumn } from '../../io/scan/plan.js';
import { groupLabel } from '../../report/format.js';
import type { Column, Row } from '../../report/model.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { parsePositive } from '../options.js';

interface CommentFlags {
  comment?: string;
  by?: string;
  top: number;
  minCount: number;
}

export const comments: CommandDefinition<CommentFlags> = {
  name: 'comments',
  summary:
    'What detractors talk about compared with promoters: the most distinctive words and phrases of each category',
  examples: [
    ['nps comments survey.csv', "each category's most distinctive words and two-word phrases"],
    ['nps comments survey.csv --by team --top 5', "each team's own top terms"],
    ['nps comments survey.csv --last 1q --format csv', 'last quarter, one row per term'],
  ],
  shared: {
    input: { questions: 1, threads: false },
    filters: true,
    output: { decimals: false },
    accounting: true,
    grouping: true,
  },
  configure: (cmd) =>
    cmd
      .option('--comment <column>', 'the comment column (default: detected)')
      .option('--by <column>', "each value's own top terms (agent, team, channel ...)")
      .option('--top <n>', 'terms per category', parsePositive, 10)
      .option('--min-count <n>', 'ignore terms used fewer times than this', parsePositive, 3),
  async run({ flags, scan }) {
    // Loaded here: its stop-word lists would otherwise slow every command's start.
    const { distinctiveTerms, MAX_TERMS, TermCounts } = await import('../../core/words.js');
    const groups: GroupColumn[] = [
      { role: 'comment', flag: '--comment', spec: flags.comment, detect: detectComment, value: true },
      ...(flags.by !== undefined ? [{ role: 'by', flag: '--by', spec: flags.by }] : []),
    ];
    // One set of counts per --by value ('' for all): comments are tokenized once, as they are read.
    const fold: Fold<Map<string, TermCounts>> = {
      empty: () => new Map(),
      add(byGroup, { score, values }) {
        if (values.comment.trim() === '') return;
        entry(byGroup, values.by ?? '', () => new TermCounts()).add(classify(score), values.comment);
      },
      merge(into, from) {
        for (const [group, counts] of from) {
          const mine = into.get(group);
          if (mine) mine.merge(counts);
          else into.set(group, counts);
        }
      },
    };
    const result = await scan({ groups }, fold);
    const rows: Row[] = [];
    let commented = 0;
    let pruned = 0;
    for (const group of [...result.state.keys()].sort(compareText)) {
      const counts = result.state.get(group)!;
      pruned += counts.pruned;
      for (const category of counts.categories()) commented += counts.get(category)!.comments;
      for (const t of distinctiveTerms(counts, { top: flags.top, minCount: flags.minCount })) {
        rows.push({
          ...(flags.by !== undefined ? { group: groupLabel(group) } : {}),
          category: t.category,
          term: t.term,
          count: t.count,
          other_count: t.otherCount,
          log_odds: t.logOdds,
          z: t.z,
        });
      }
    }
    const byName = flags.by !== undefined ? result.inputs[0].columns.by.name : undefined;
    const columns: Column[] = [
      ...(byName ? [{ key: 'group', label: byName, kind: 'text' } as Column] : []),
      { key: 'category', label: 'Category', kind: 'text' },
      { key: 'term', label: 'Term', kind: 'text' },
      { key: 'count', label: 'Uses', kind: 'count' },
      { key: 'other_count', label: 'Uses elsewhere', kind: 'count' },
      { key: 'log_odds', label: 'Log-odds', kind: 'stat', audience: 'machine' },
      { key: 'z', label: 'z', kind: 'stat' },
    ];
    const report: Outcome['report'] = {
      headline: { label: 'Comments read', value: commented, kind: 'count' },
      title:
        `What ${byName ? `each ${byName}'s ` : ''}detractors, passives and promoters say: ` +
        `${result.inputs[0].columns.comment.name}, ` +
        `${result.inputs.map((i) => i.name).join(', ')}`,
      tables: [
        {
          name: 'terms',
          columns,
          rows,
          // Per category, its terms' z as bars; with --by the table reads better than a chart per group.
          chart: byName
            ? undefined
            : {
                kind: 'bars',
                horizontal: true,
                x: 'term',
                y: 'z',
                facet: 'category',
                tone: { field: 'category', up: 'promoter', down: 'detractor' },
              },
        },
      ],
      notes: [
        `${commented} comments. Terms (words and two-word phrases, stopwords removed) ranked by the ` +
          `weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008): ` +
          `each category against the others${byName ? ` within its ${byName}` : ''}; z above 1.96 is a ` +
          `clear difference. Up to ${flags.top} per category, used at least ${flags.minCount} times.`,
        ...(pruned > 0
          ? [
              `The comments hold so many distinct terms that ${pruned} of the rarest were dropped as they ` +
                `were read (at most ${MAX_TERMS} are kept per category); counts of terms used a few times may ` +
                `be low.`,
            ]
          : []),
      ],
    };
    return { report };
  },
};
