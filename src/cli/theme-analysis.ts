import { readFileSync } from 'node:fs';
import { type Fold, recipe } from '../core/fold.js';
import { compareGroups, holm } from '../core/significance.js';
import { type Statistics, summarize } from '../core/summary.js';
import { addAnswer, countsOf, mergeTallies, newTally, type Tally } from '../core/tally.js';
import { compileThemes, type Theme, themesFromJson } from '../core/themes.js';
import { usageError } from '../errors.js';
import type { Column, ReportTable, Row } from '../report/model.js';
import { differenceCells, differenceColumns, npsCells, npsColumns, SIGNIFICANT } from './figures.js';

/*
 * Themes in comments, shared by `themes` and `summary`: which comments mention each theme, and how
 * the NPS of those who mention it differs from the other commenters'.
 */

/** Answers of those whose comment mentions each theme, and of those whose comment does not. */
export interface ThemeState {
  readonly mentioning: Tally[];
  readonly notMentioning: Tally[];
  commenters: number;
}

/**
 * Tallies of those whose comment (the value in the role `comment`) mentions each theme, and of
 * those whose comment does not.
 */
export function themeFold(list: readonly Theme[]): Fold<ThemeState> {
  const mentions = compileThemes(list);
  return {
    empty: () => ({ mentioning: list.map(newTally), notMentioning: list.map(newTally), commenters: 0 }),
    add(state, row) {
      const comment = row.values.comment;
      if (comment.trim() === '') return;
      state.commenters++;
      mentions(comment).forEach((mentioned, i) => {
        addAnswer((mentioned ? state.mentioning : state.notMentioning)[i], row.score, row.weight, row.units);
      });
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
    recipe: recipe(import.meta.url, 'themeFold', list),
  };
}

/**
 * A row per theme, most mentioned first: the NPS of those mentioning it against the other
 * commenters, Holm-adjusted across themes.
 */
export function themeRows(list: readonly Theme[], state: ThemeState, statistics: Statistics): Row[] {
  const differences = list.map((_, i) =>
    compareGroups(countsOf(state.mentioning[i]), countsOf(state.notMentioning[i]), statistics),
  );
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
  return rows.sort((a, b) => (b.n as number) - (a.n as number));
}

export const themeTable = (name: string, rows: Row[], title?: string): ReportTable => ({
  name,
  title,
  columns: COLUMNS,
  rows,
  chart: {
    kind: 'intervals',
    label: 'theme',
    value: 'difference',
    low: 'difference_lower',
    high: 'difference_upper',
    reference: 0,
    tone: SIGNIFICANT,
  },
});

export function readThemes(file: string): Theme[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw usageError(
      `cannot read the themes file ${file}: ${code ?? (err as Error).message}`,
      'give a JSON object such as { "Wait time": ["wait*", "queue", "kö"] }',
    );
  }
  const parsed = themesFromJson(json);
  if (typeof parsed === 'string')
    throw usageError(`${file}: ${parsed}`, 'give a JSON object such as { "Wait time": ["wait*", "queue", "kö"] }');
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
