import { MISSING, NOT_A_NUMBER, OUT_OF_RANGE, parseAnswer } from '../core/answer.js';
import { parseDate } from '../core/date.js';

/** Why a row was left out of the statistics. Filtered rows are counted apart: they were wanted out. */
export type Reason = 'missing_score' | 'out_of_range' | 'not_a_number' | 'bad_date';
export const REASONS: readonly Reason[] = ['missing_score', 'out_of_range', 'not_a_number', 'bad_date'];

export const REASON_TEXT: Readonly<Record<Reason, string>> = {
  missing_score: 'missing score',
  out_of_range: 'score outside 0-10',
  not_a_number: 'score not a number',
  bad_date: 'date not readable',
};

/** Where every input row went: read = used + excluded + filtered, always. */
export interface Accounting {
  read: number;
  used: number;
  filtered: number;
  excluded: Record<Reason, number>;
  /** The first few line numbers of each reason, to point the user at them. */
  lines: Record<Reason, number[]>;
}

export const EXAMPLE_LINES = 5;

export function newAccounting(): Accounting {
  const byReason = <T>(make: () => T) => Object.fromEntries(REASONS.map((r) => [r, make()])) as Record<Reason, T>;
  return { read: 0, used: 0, filtered: 0, excluded: byReason(() => 0), lines: byReason(() => [] as number[]) };
}

export const excludedTotal = (a: Accounting): number => REASONS.reduce((sum, r) => sum + a.excluded[r], 0);

/** `--where column=value` / `column!=value`, resolved to a column of one file. */
export interface Condition {
  readonly index: number;
  readonly value: string;
  readonly equal: boolean;
}

/** How to turn one file's records into answers: resolved columns and filters. */
export interface RowPlan {
  readonly score: number;
  /** The date column; only read when a date range is set. */
  readonly date?: number;
  readonly since?: number;
  readonly until?: number;
  readonly conditions: readonly Condition[];
}

/**
 * The per-row step: returns the 0-10 answer of a record, or -1 when the row is filtered or
 * excluded (and counts which). Called once per row: no allocation on the common path.
 */
export function rowReader(plan: RowPlan, acc: Accounting): (record: string[], line: number) => number {
  const { score, date, conditions } = plan;
  const since = plan.since ?? -Infinity;
  const until = plan.until ?? Infinity;
  const dated = date !== undefined && (plan.since !== undefined || plan.until !== undefined);
  const exclude = (reason: Reason, line: number) => {
    acc.excluded[reason]++;
    if (acc.lines[reason].length < EXAMPLE_LINES) acc.lines[reason].push(line);
    return -1;
  };
  return (record, line) => {
    acc.read++;
    for (let i = 0; i < conditions.length; i++) {
      const c = conditions[i];
      if (((record[c.index] ?? '').trim() === c.value) !== c.equal) {
        acc.filtered++;
        return -1;
      }
    }
    if (dated) {
      const t = parseDate(record[date] ?? '');
      if (Number.isNaN(t)) return exclude('bad_date', line);
      if (t < since || t > until) {
        acc.filtered++;
        return -1;
      }
    }
    const answer = parseAnswer(record[score] ?? '');
    if (answer >= 0) {
      acc.used++;
      return answer;
    }
    if (answer === MISSING) return exclude('missing_score', line);
    if (answer === OUT_OF_RANGE) return exclude('out_of_range', line);
    if (answer === NOT_A_NUMBER) return exclude('not_a_number', line);
    return exclude('not_a_number', line);
  };
}
