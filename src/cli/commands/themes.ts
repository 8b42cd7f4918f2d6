import { readFileSync } from 'node:fs';
import type { Fold } from '../../core/fold.js';
import { compareGroups, holm } from '../../core/significance.js';
import { summarize } from '../../core/summary.js';
import { countsOf, mergeTallies, newTally, type Tally } from '../../core/tally.js';
import { compileThemes, STARTER_THEMES, type Theme, themesFromJson } from '../../core/themes.js';
import { usageError } from '../../errors.js';
import { detectComment } from '../../io/mapping.js';
import { confidenceLabel } from '../../report/format.js';
import type { Column, Row } from '../../report/model.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { differenceCells, differenceColumns, npsCells, npsColumns } from '../figures.js';

interface ThemeFlags {
  themes?: string;
  comment?: string;
}

/** Answers of those whose comment mentions each theme, and of those whose comment does not. */
interface ThemeState {
  readonly mentioning: Tally[];
  readonly notMentioning: Tally[];
  commenters: number;
}

export const themes: CommandDefinition<ThemeFlags> = {
  name: 'themes',
  summary: 'What comments talk about (wait time, callbacks, price ...) and how NPS differs for those who mention it',
  examples: [
    ['nps themes survey.csv', 'the built-in contact-centre themes'],
    ['nps themes survey.csv --themes themes.json --last 1q', 'your own themes, last quarter'],
    ['nps themes survey.csv --format csv', 'one row per theme for a spreadsheet'],
  ],
  shared: { input: { questions: 1 }, filters: true, statistics: true, output: { decimals: true }, accounting: true },
  configure: (cmd) =>
    cmd
      .option('--themes <file>', 'a JSON object of theme name -> keywords ("wait*" matches a prefix) (default: the built-in starter set)')
      .option('--comment <column>', 'the comment column (default: detected)'),
  async run({ flags, statistics, scan }) {
    const list = flags.themes ? readThemes(flags.themes) : STARTER_THEMES;
    const matchers = compileThemes(list);
    const fold: Fold<ThemeState> = {
      empty: () => ({ mentioning: list.map(newTally), notMentioning: list.map(newTally), commenters: 0 }),
      add(state, score, _time, keys) {
        const comment = keys[0];
        if (comment.trim() === '') return;
        state.commenters++;
        for (let i = 0; i < matchers.length; i++) (matchers[i](comment) ? state.mentioning : state.notMentioning)[i][score] += 1;
      },
      merge(into, from) {
        into.commenters += from.commenters;
        from.mentioning.forEach((t, i) => {
          mergeTallies(into.mentioning[i], t);
        });
        from.notMentioning.forEach((t, i) => {
          mergeTallies(into.notMentioning[i], t);
        });
      },
    };
    const result = await scan({ groups: [{ role: 'comment', flag: '--comment', spec: flags.comment, detect: detectComment, value: true }] }, fold);
    const state = result.state;
    const differences = list.map((_, i) => compareGroups(countsOf(state.mentioning[i]), countsOf(state.notMentioning[i]), statistics));
    const adjusted = holm(differences.map((d) => d.p));
    const alpha = 1 - statistics.confidence;
    const rows: Row[] = list.map((theme, i) => {
      const mention = summarize(state.mentioning[i], statistics);
      const other = summarize(state.notMentioning[i], statistics);
      // n and nps are of those mentioning the theme; n_rest and nps_rest of the other commenters.
      return {
        theme: theme.name,
        ...npsCells(mention),
        share_pct: state.commenters === 0 ? NaN : (100 * mention.n) / state.commenters,
        n_rest: other.n,
        nps_rest: other.nps,
        ...differenceCells(differences[i], adjusted[i], alpha),
      };
    });
    rows.sort((a, b) => (b.n as number) - (a.n as number));
    const level = confidenceLabel(statistics.confidence);
    const report: Outcome['report'] = {
      title: `Themes in ${result.inputs[0].columns.comment.name}: ${result.inputs.map((i) => i.name).join(', ')}`,
      tables: [
        {
          name: 'themes',
          columns: COLUMNS,
          rows,
          chart: {
            kind: 'intervals',
            label: 'theme',
            value: 'difference',
            low: 'difference_lower',
            high: 'difference_upper',
            reference: 0,
            tone: { field: 'significant', up: 'above', down: 'below' },
          },
        },
      ],
      notes: [
        `${state.commenters} responses have a comment. Each theme compares the NPS of those whose comment mentions it with those whose comment does not (MOVER interval of the difference, and the p that inverts it); p-values are Holm-adjusted across the ${list.length} themes; ▲ ▼ mark differences significant at ${level}.`,
        flags.themes ? `Themes from ${flags.themes}.` : 'Built-in starter themes for contact centres (see the README); give your own with --themes.',
      ],
    };
    return { report };
  },
};

function readThemes(file: string): Theme[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw usageError(`cannot read the themes file ${file}: ${code ?? (err as Error).message}`, 'give a JSON object such as { "Wait time": ["wait*", "queue", "kö"] }');
  }
  const parsed = themesFromJson(json);
  if (typeof parsed === 'string') throw usageError(`${file}: ${parsed}`, 'give a JSON object such as { "Wait time": ["wait*", "queue", "kö"] }');
  return parsed;
}

const COLUMNS: Column[] = [
  { key: 'theme', label: 'Theme', kind: 'text' },
  { key: 'n', label: 'Mentions', kind: 'count' },
  { key: 'share_pct', label: 'Of comments', kind: 'pct' },
  ...npsColumns()
    .filter((c) => c.key !== 'n')
    .map((c): Column => (c.key === 'nps' ? { ...c, label: 'NPS mentioning' } : c)),
  { key: 'n_rest', label: 'n not mentioning', kind: 'count', audience: 'machine' },
  { key: 'nps_rest', label: 'NPS not mentioning', kind: 'nps' },
  ...differenceColumns({ label: 'Difference', pLabel: 'p (Holm)', interval: true }),
];
