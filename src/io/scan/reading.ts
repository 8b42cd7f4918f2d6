import type { Scale } from '../../core/answer.js';
import type { DateOrder } from '../../core/date.js';
import type { Fold, FoldRow } from '../../core/fold.js';
import { type Calendar, type PeriodRange, periodKey } from '../../core/period.js';
import { addAnswer, mergeTallies, newTally, type Tally } from '../../core/tally.js';
import { type Accounting, answerOf, exclude, mergeAccounting, newAccounting } from './rows.js';

/** A reading as data: see Reading.data. */
export interface ReadingData<S> {
  readonly outside: Accounting;
  readonly buckets: readonly [number, Bucket<S>][];
  readonly latest: number;
  readonly earliest: number;
  readonly earliestLine: number;
  readonly latestLine: number;
  readonly latestOf: readonly (readonly [string, Latest][])[];
}

/**
 * With --dedupe, a respondent's latest used answer so far, per question: folded when the reading
 * finishes (an earlier one was counted as a duplicate when this one came).
 */
interface Latest {
  readonly answer: number;
  readonly time: number;
  readonly line: number;
  readonly bucket: number;
  readonly values: Readonly<Record<string, string>>;
  readonly weight: number;
  readonly units: number;
}

/** One row as a pass hands it to a reading: the fold's row, and what the reading itself checks. */
export interface PassRow extends FoldRow {
  /** With --dedupe, the respondent's ID ('' when the row has none: then it is no duplicate). */
  id: string;
  /** Whether the row is counted as read and used: a categories-form counts row adds three times, counted once. */
  counted: boolean;
}

/** What is the same for every row of one input. */
export interface InputRows {
  readonly scoreIndexes: readonly number[];
  /** Whether dates are read: a row without one is then excluded. */
  readonly dated: boolean;
  readonly since: number;
  readonly until: number;
}

/** Whether answer `a` is later than `b`: by date, then by place in the file. */
const later = (a: Latest, b: Latest): boolean =>
  a.time > b.time || ((a.time === b.time || (Number.isNaN(a.time) && Number.isNaN(b.time))) && a.line > b.line);

/** Accounting whose example lines are counted from `offset` (a part of an input read elsewhere). */
function shiftLines(a: Accounting, offset: number): Accounting {
  if (offset === 0) return a;
  return {
    ...a,
    lines: Object.fromEntries(
      Object.entries(a.lines).map(([reason, lines]) => [reason, lines.map((l) => l + offset)]),
    ) as Accounting['lines'],
  };
}

/** One calendar period's part of a reading (or all of it, without --last): per question. */
interface Bucket<S> {
  readonly states: S[];
  readonly accounting: Accounting[];
  readonly overall: Tally[];
}

/**
 * One reading of the rows. Slash dates such as 3/4/2024 are ambiguous until some value has a
 * part over 12, which may come at any row: from the first slash date on, two readings (day-first
 * and month-first) run side by side, the second starting as a copy of the first, and the one with
 * fewer unreadable dates wins. Until then, and for other dates, one runs.
 */
export class Reading<S> {
  /** Rows filtered or excluded before they have a period: counted here. */
  readonly outside = newAccounting();
  readonly buckets = new Map<number, Bucket<S>>();
  latest = -Infinity;
  /** The extremes of the dates kept, with their lines: where to look when a date is far off. */
  earliest = Infinity;
  earliestLine = 0;
  latestLine = 0;
  private readonly single: Bucket<S> | undefined;
  /** --dedupe: per question, each ID's latest answer, held until the reading finishes. */
  private readonly latestOf: Map<string, Latest>[];

  constructor(
    readonly order: DateOrder,
    private readonly fold: Fold<S>,
    private readonly bucketCalendar: Calendar | undefined,
    private readonly keep: { readonly calendar: Calendar; readonly periods: readonly number[] } | undefined,
    private readonly questions: number,
    private readonly scale: Scale,
    /** --last N: the periods kept, once the scan knows them (rows of others are filtered as they come). */
    private range?: PeriodRange,
  ) {
    if (!bucketCalendar) {
      this.single = this.bucket(0);
    }
    this.latestOf = Array.from({ length: questions }, () => new Map());
  }

  /** The same reading so far, read from now on in another order. */
  clone(order: DateOrder): Reading<S> {
    const copy = new Reading(order, this.fold, this.bucketCalendar, this.keep, this.questions, this.scale, this.range);
    copy.absorb(this.data(), 0);
    return copy;
  }

  /** The reading as plain data: what a worker thread sends back (its fold's state is data too). */
  data(): ReadingData<S> {
    return {
      outside: this.outside,
      buckets: [...this.buckets],
      latest: this.latest,
      earliest: this.earliest,
      earliestLine: this.earliestLine,
      latestLine: this.latestLine,
      latestOf: this.latestOf.map((byId) => [...byId]),
    };
  }

  /**
   * Adds another reading of other rows of the same input (a worker's part), its line numbers
   * counted from `lineOffset`.
   */
  absorb(other: ReadingData<S>, lineOffset: number): void {
    mergeAccounting(this.outside, shiftLines(other.outside, lineOffset));
    if (other.latest > this.latest) {
      this.latest = other.latest;
      this.latestLine = other.latestLine + lineOffset;
    }
    if (other.earliest < this.earliest) {
      this.earliest = other.earliest;
      this.earliestLine = other.earliestLine + lineOffset;
    }
    for (const [key, b] of other.buckets) {
      const mine = this.bucket(key);
      for (let q = 0; q < this.questions; q++) {
        this.fold.merge(mine.states[q], b.states[q]);
        mergeAccounting(mine.accounting[q], shiftLines(b.accounting[q], lineOffset));
        mergeTallies(mine.overall[q], b.overall[q]);
      }
    }
    other.latestOf.forEach((entries, q) => {
      for (const [id, latest] of entries)
        this.keepLatest(q, id, lineOffset === 0 ? latest : { ...latest, line: latest.line + lineOffset });
    });
  }

  /**
   * Holds `candidate` as its ID's answer unless one held is later; the one that is not kept is a
   * duplicate response in its period's accounting. Returns whether the candidate is held.
   */
  private keepLatest(q: number, id: string, candidate: Latest): boolean {
    const held = this.latestOf[q].get(id);
    const [kept, dropped] = held === undefined || later(candidate, held) ? [candidate, held] : [held, candidate];
    if (dropped) {
      const accounting = this.buckets.get(dropped.bucket)?.accounting[q];
      if (accounting) {
        accounting.used--;
        exclude(accounting, 'duplicate_response', dropped.line);
      }
    }
    this.latestOf[q].set(id, kept);
    return kept === candidate;
  }

  /** Keeps only the rows of these periods from now on: the scan sets it before any row is read. */
  limit(range: PeriodRange): void {
    this.range = range;
  }

  /** The bucket of a period, or undefined when --last leaves it out: its rows are filtered, never held. */
  private periodBucket(key: number): Bucket<S> | undefined {
    if (this.range && (key < this.range.first || key > this.range.last)) return undefined;
    return this.bucket(key);
  }

  bucket(key: number): Bucket<S> {
    let b = this.buckets.get(key);
    if (!b) {
      const each = <T>(make: () => T) => Array.from({ length: this.questions }, make);
      b = { states: each(() => this.fold.empty()), accounting: each(newAccounting), overall: each(newTally) };
      this.buckets.set(key, b);
    }
    return b;
  }

  /**
   * Counts one row that survived --where, and folds each of its answers. `row.time` is this
   * reading's (NaN when no date is read); `row.score` is set here, per question.
   */
  add(record: readonly string[], line: number, row: PassRow, input: InputRows): void {
    const { time, counted, weight } = row;
    if (input.dated) {
      if (Number.isNaN(time)) {
        if (!counted) return;
        this.outside.read++;
        exclude(this.outside, 'bad_date', line);
        return;
      }
      if (
        time < input.since ||
        time > input.until ||
        (this.keep && !this.keep.periods.includes(periodKey(time, this.keep.calendar)))
      ) {
        if (!counted) return;
        this.outside.read++;
        this.outside.filtered++;
        return;
      }
      if (time > this.latest) {
        this.latest = time;
        this.latestLine = line;
      }
      if (time < this.earliest) {
        this.earliest = time;
        this.earliestLine = line;
      }
    }
    const bucketKey = this.single ? 0 : periodKey(time, this.bucketCalendar!);
    const b = this.single ?? this.periodBucket(bucketKey);
    if (!b) {
      // A period outside the --last window: a filtered row, kept as a count only.
      if (!counted) return;
      this.outside.read++;
      this.outside.filtered++;
      return;
    }
    const scoreIndexes = input.scoreIndexes;
    for (let q = 0; q < scoreIndexes.length; q++) {
      const accounting = b.accounting[q];
      if (counted) accounting.read++;
      const answer = answerOf(record[scoreIndexes[q]], accounting, line, this.scale);
      if (answer < 0) continue;
      if (Number.isNaN(weight)) {
        exclude(accounting, 'bad_weight', line);
        continue;
      }
      if (counted) accounting.used++;
      if (row.id !== '') {
        this.keepLatest(q, row.id, {
          answer,
          time,
          line,
          bucket: bucketKey,
          values: { ...row.values },
          weight,
          units: row.units,
        });
        continue;
      }
      addAnswer(b.overall[q], answer, weight, row.units);
      row.score = answer;
      this.fold.add(b.states[q], row);
    }
  }

  /** Question q's buckets folded together, with its accounting. */
  finish(q: number): { state: S; accounting: Accounting; overall: Tally } {
    const state = this.fold.empty();
    const accounting = mergeAccounting(newAccounting(), this.outside);
    const overall = newTally();
    for (const [, b] of [...this.buckets].sort((x, y) => x[0] - y[0])) {
      this.fold.merge(state, b.states[q]);
      mergeAccounting(accounting, b.accounting[q]);
      mergeTallies(overall, b.overall[q]);
    }
    // Each ID's latest answer, in file order.
    const latest = [...this.latestOf[q].values()].sort((x, y) => x.line - y.line);
    for (const l of latest) {
      this.fold.add(state, { score: l.answer, time: l.time, weight: l.weight, units: l.units, values: l.values });
      addAnswer(overall, l.answer, l.weight, l.units);
    }
    return { state, accounting, overall };
  }
}
