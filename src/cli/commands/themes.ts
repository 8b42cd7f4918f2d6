import { summarize } from '../../core/summary.js';
import { answersOf, mergeTallies, newTally } from '../../core/tally.js';
import { STARTER_THEMES } from '../../core/themes.js';
import { detectComment } from '../../io/scan/mapping.js';
import { confidenceLabel, plural } from '../../report/format.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { npsHeadline } from '../figures.js';
import { readThemes, themeFold, themeRows, themeTable } from '../theme-analysis.js';

interface ThemeFlags {
  themes?: string;
  comment?: string;
}

export const themes: CommandDefinition<ThemeFlags> = {
  name: 'themes',
  summary: 'What comments talk about (wait time, callbacks, price ...) and how NPS differs for those who mention it',
  examples: [
    ['nps themes survey.csv', 'the built-in contact-centre themes'],
    ['nps themes survey.csv --themes themes.json --last 1q', 'your own themes, last quarter'],
    ['nps themes survey.csv --format csv', 'one row per theme for a spreadsheet'],
  ],
  shared: {
    input: { questions: 1 },
    weights: true,
    filters: true,
    statistics: true,
    output: { decimals: true },
    accounting: true,
  },
  configure: (cmd) =>
    cmd
      .option(
        '--themes <file>',
        'a JSON object of theme name -> keywords ("wait*" matches a prefix) (default: the built-in starter set)',
      )
      .option('--comment <column>', 'the comment column (default: detected)'),
  async run({ flags, statistics, scan }) {
    const list = flags.themes ? readThemes(flags.themes) : STARTER_THEMES;
    const fold = themeFold(list);
    const result = await scan(
      { groups: [{ role: 'comment', flag: '--comment', spec: flags.comment, detect: detectComment, value: true }] },
      fold,
    );
    const state = result.state;
    const rows = themeRows(list, state, statistics);
    const level = confidenceLabel(statistics.confidence);
    // The headline: the commenters' NPS (every theme splits them in two), and how many they are.
    const commenters = newTally();
    if (list.length > 0) for (const t of [state.mentioning[0], state.notMentioning[0]]) mergeTallies(commenters, t);
    const report: Outcome['report'] = {
      headline: npsHeadline(summarize(commenters, statistics), statistics, 'NPS of those with a comment', {
        details: [`${state.commenters} of ${answersOf(result.overall)} responses have a comment`],
      }),
      title: `Themes in ${result.inputs[0].columns.comment.name}: ${result.inputs.map((i) => i.name).join(', ')}`,
      tables: [themeTable('themes', rows)],
      notes: [
        `${state.commenters} responses have a comment. Each theme compares the NPS of those whose comment ` +
          `mentions it with those whose comment does not (MOVER interval of the difference, and the p ` +
          `that inverts it); p-values are Holm-adjusted across the ${list.length} ${plural(list.length, 'theme')}; ` +
          `▲ ▼ mark differences significant at ${level}.`,
        flags.themes
          ? `Themes from ${flags.themes}.`
          : 'Built-in starter themes for contact centres (see the README); give your own with --themes.',
      ],
    };
    return { report };
  },
};
