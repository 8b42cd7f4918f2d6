import { answerOn, isMissingCell, MISSING, OUT_OF_RANGE, parseAnswer, type Scale } from '../../core/answer.js';
import type { ColumnChoice } from './mapping.js';

/** Why a row was left out of the statistics. Filtered rows are counted apart: they were wanted out. */
export type Reason =
  | 'missing_score'
  | 'out_of_range'
  | 'not_a_number'
  | 'bad_date'
  | 'bad_weight'
  | 'partial'
  | 'duplicate_response'
  | 'broken_record';
export const REASONS: readonly Reason[] = [
  'missing_score',
  'out_of_range',
  'not_a_number',
  'bad_date',
  'bad_weight',
  'partial',
  'duplicate_response',
  'broken_record',
];

export const REASON_TEXT: Readonly<Record<Reason, string>> = {
  missing_score: 'missing score',
  out_of_range: 'score outside 0-10',
  not_a_number: 'score not a number',
  bad_date: 'date not readable',
  bad_weight: 'weight missing, negative or not a number',
  partial: 'unfinished response',
  duplicate_response: 'duplicate response (--dedupe)',
  broken_record: 'lines of a broken record (a stray quote, or more fields than the header)',
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

export function exclude(a: Accounting, reason: Reason, line: number, count = 1): void {
  a.excluded[reason] += count;
  if (a.lines[reason].length < EXAMPLE_LINES) a.lines[reason].push(line);
}

/** Adds `from` into `into`, keeping the earliest example lines. */
export function mergeAccounting(into: Accounting, from: Accounting): Accounting {
  into.read += from.read;
  into.used += from.used;
  into.filtered += from.filtered;
  for (const r of REASONS) {
    into.excluded[r] += from.excluded[r];
    into.lines[r] = [...into.lines[r], ...from.lines[r]].sort((x, y) => x - y).slice(0, EXAMPLE_LINES);
  }
  return into;
}

/** A --weight cell as a weight: a number of zero or more (decimal point or comma); NaN when it is none. */
export function weightOfCell(cell: string | undefined): number {
  const text = (cell ?? '').trim();
  if (text === '') return NaN;
  const value = Number(text.includes(',') && !text.includes('.') ? text.replace(',', '.') : text);
  return Number.isFinite(value) && value >= 0 ? value : NaN;
}

/** `--where column=value` / `column!=value`, resolved to a column of one file. */
export interface Condition {
  readonly index: number;
  readonly value: string;
  readonly equal: boolean;
}

export function passes(record: readonly string[], conditions: readonly Condition[]): boolean {
  for (let i = 0; i < conditions.length; i++) {
    const c = conditions[i];
    if (((record[c.index] ?? '').trim() === c.value) !== c.equal) return false;
  }
  return true;
}

/**
 * The 0-10 answer of a cell, or -1 after counting the row as excluded (and why) in `a`.
 * Called once per row: no allocation on the common path.
 */
export function answerOf(cell: string | undefined, a: Accounting, line: number, scale: Scale = '0-10'): number {
  const answer = scale === '0-10' ? parseAnswer(cell ?? '') : answerOn(cell ?? '', scale);
  if (answer >= 0) return answer;
  exclude(a, answer === MISSING ? 'missing_score' : answer === OUT_OF_RANGE ? 'out_of_range' : 'not_a_number', line);
  return -1;
}

/** A group key: a column's value, several columns' joined (first and last name), or the input's position. */
export function keyOf(record: readonly string[], choice: ColumnChoice | undefined, fileKey: string): string {
  if (!choice) return fileKey;
  if (choice.index < 0) return ''; // ABSENT, or its copy on a worker thread
  const raw = (record[choice.index] ?? '').trim();
  // "NA" is no comment, no agent, no channel: the same empty value a blank cell gives.
  const value = isMissingCell(raw) ? '' : raw;
  if (!choice.also) return value;
  return [value, ...choice.also.map((i) => (record[i] ?? '').trim())].filter(Boolean).join(' ');
}
