import { commonWallOf, type DateOrder, inOrder, isSlashDate, parseDate, type SlashReading } from '../../core/date.js';
import type { Fold } from '../../core/fold.js';
import type { Calendar, PeriodRange } from '../../core/period.js';
import { UTC, type Zone } from '../../core/zone.js';
import { dataError, inputError } from '../../errors.js';
import type { DateBytes } from '../source/fast-records.js';
import type { Broken, RecordSink } from '../source/read.js';
import { patternReader } from './date-pattern.js';
import type { InputInfo, InputPlan, ScanRequest } from './plan.js';
import { type InputRows, type PassRow, Reading, type ReadingData } from './reading.js';
import { exclude, keyOf, passes, weightOfCell } from './rows.js';

/** The scores a categories-form counts row adds its detractors, passives and promoters at, as one-cell records. */
const CATEGORY_SCORES: readonly string[][] = [['0'], ['7'], ['10']];

/** A --counts row's count: a whole number of 0 or more, else an input error naming the line. */
function countOf(cell: string | undefined, line: number): number {
  const text = (cell ?? '').trim();
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw inputError(
      `--counts: line ${line} has the count ${JSON.stringify(text.slice(0, 40))}, not a whole number of 0 or more`,
      'a counts table holds how many responses gave each score in each group',
    );
  }
  return value;
}

/** Groups a column may have unless --max-groups says otherwise. */
export const DEFAULT_MAX_GROUPS = 100_000;

/** The zones of one input's dates: the one periods are cut in, and the one its timestamps are written in. */
export interface InputZones {
  readonly analysis: Zone;
  readonly source: Zone;
}

/** The parts of an input's plan that are data: where its columns are (what a worker thread is sent). */
export const SINK_PLAN_DATA = [
  'scoreIndexes',
  'date',
  'keyIndexes',
  'conditions',
  'dedupe',
  'weight',
  'count',
  'categories',
] as const satisfies readonly (keyof InputPlan)[];

/** What a pass reads of an input's plan: its data, and the vendor's row classifier (which stays on one thread). */
export type SinkPlan = Pick<InputPlan, (typeof SINK_PLAN_DATA)[number] | 'rowKind'> & {
  readonly info: Pick<InputInfo, 'columns'>;
};

/** A pass as data: what a worker thread sends back after reading its part of an input. */
export interface PassData<S> {
  readonly readings: readonly { readonly order: DateOrder; readonly data: ReadingData<S> }[];
  readonly unreadableInBoth: number;
  readonly distinct: readonly (readonly string[])[];
}

/**
 * One pass over rows: their readings (one, and two once a slash date leaves day and month order
 * open: each then runs, the second starting as a copy of the first, and the one with fewer
 * unreadable dates wins), and the distinct values of each grouping column. Inputs, and parts of
 * an input read by worker threads, feed the same pass, or passes that are absorbed into it.
 */
export class Pass<S> {
  readings: Reading<S>[];
  /** Dates neither reading can read (not dates at all): they say nothing about the order. */
  unreadableInBoth = 0;
  readonly distinct: Set<string>[];
  private readonly maxGroups: number;
  private readonly bucketCalendar: Calendar | undefined;

  constructor(
    readonly request: ScanRequest,
    private readonly fold: Fold<S>,
  ) {
    this.bucketCalendar = request.last
      ? { unit: request.last.unit, fiscalYearStart: request.fiscalYearStart }
      : undefined;
    // Day-first is the reading kept when a slash-date column never tells (every part <= 12).
    this.readings = [this.newReading('dmy')];
    this.maxGroups = request.maxGroups ?? DEFAULT_MAX_GROUPS;
    this.distinct = request.groups.map(() => new Set<string>());
  }

  private newReading(order: DateOrder): Reading<S> {
    const r = this.request;
    return new Reading(
      order,
      this.fold,
      this.bucketCalendar,
      r.keep,
      Math.max(1, r.scores.length),
      r.scale ?? '0-10',
      r.periods,
    );
  }

  /** --last: the periods kept, known once the zone is (before the first row). */
  limit(range: PeriodRange): void {
    for (const r of this.readings) r.limit(range);
  }

  /** Whether dates are read at all: the command needs them, a filter does, or --dedupe (to keep the latest). */
  get datesWanted(): boolean {
    const r = this.request;
    return (
      r.needsDates || r.since !== undefined || r.until !== undefined || r.last !== undefined || r.dedupe !== undefined
    );
  }

  private countGroup(k: number, value: string, column: string): void {
    const seen = this.distinct[k];
    if (seen.has(value)) return;
    seen.add(value);
    if (seen.size > this.maxGroups) {
      throw dataError(
        `the column ${JSON.stringify(column)} has more than ${this.maxGroups} distinct values: ` +
          `too many groups to hold (an ID or free-text column?)`,
        'group by a column with fewer values, or raise the limit with --max-groups',
      );
    }
  }

  /** The sink of one input (or of a part of it): each record filtered, validated, counted and folded. */
  sink(plan: SinkPlan, fileKey: string, zones: InputZones): RecordSink {
    const request = this.request;
    const dated = this.datesWanted && plan.date !== undefined;
    const forced = request.dateFormat ? patternReader(request.dateFormat, request.zone ?? UTC) : undefined;
    const { analysis, source } = zones;
    const inAnalysisZone = (wall: number): number =>
      source === analysis || Number.isNaN(wall) ? wall : analysis.toWall(source.fromWall(wall));
    const readTime = (cell: string, order: DateOrder): number =>
      forced ? forced(cell) : inAnalysisZone(parseDate(cell, source, order));
    const { conditions, keyIndexes, scoreIndexes, rowKind } = plan;
    const dateIndex = plan.date?.index ?? -1;
    const idIndex = plan.dedupe?.index ?? -1;
    const weightIndex = plan.weight?.index ?? -1;
    const countIndex = plan.count?.index ?? -1;
    const categoryIndexes = plan.categories?.map((c) => c.index);
    // Where to watch for the first slash date (only while one reading runs and no pattern is forced).
    const slashWatch = dated && !forced ? dateIndex : -1;
    // One row object for every record: the fold reads the group values by role.
    const roles = request.groups.map((g) => g.role);
    const values: Record<string, string> = Object.fromEntries(roles.map((role) => [role, '']));
    const row: PassRow = { score: 0, time: NaN, weight: 1, units: 1, values, id: '', counted: true };
    const limited = request.groups.flatMap((g, k) => (g.value || g.byFile || !plan.info.columns[g.role] ? [] : [k]));
    const input: InputRows = {
      scoreIndexes,
      dated,
      since: request.since ?? -Infinity,
      until: request.until ?? Infinity,
    };
    // A categories-form counts row adds each category as a one-cell record.
    const categoryInput: InputRows = { ...input, scoreIndexes: [0] };
    const skip = (kind: 'filtered' | 'partial', line: number) => {
      for (const r of this.readings) {
        r.outside.read++;
        if (kind === 'filtered') r.outside.filtered++;
        else exclude(r.outside, 'partial', line);
      }
    };
    // A slash date read from its bytes (3/4/2024): the reading returned is day first, this its month-first one.
    const slash: SlashReading = { slash: false, monthFirst: Number.NaN };
    /** A reading's time of the row, from the date's bytes when the scanner read them, else from its text. */
    const timeOf = (record: readonly string[], order: DateOrder, byteTime: number | undefined): number =>
      byteTime === undefined ? readTime(record[dateIndex] ?? '', order) : inOrder(byteTime, slash, order);
    const sink = (record: string[], line: number, broken?: Broken, byteTime?: number) => {
      if (broken) {
        for (const r of this.readings) {
          r.outside.read += broken.lines;
          exclude(r.outside, 'broken_record', broken.line, broken.lines);
        }
        return;
      }
      if (!passes(record, conditions)) return skip('filtered', line);
      if (rowKind) {
        const kind = rowKind(record);
        if (kind === 'preview') return skip('filtered', line);
        if (kind === 'partial' && !request.includePartial) return skip('partial', line);
      }
      for (let k = 0; k < keyIndexes.length; k++) values[roles[k]] = keyOf(record, keyIndexes[k], fileKey);
      for (const k of limited) this.countGroup(k, values[roles[k]], plan.info.columns[roles[k]].name);
      if (slashWatch >= 0 && this.readings.length === 1) {
        const cell = record[slashWatch];
        if (byteTime === undefined ? cell?.includes('/') && isSlashDate(cell) : slash.slash) {
          this.readings = [this.readings[0], this.readings[0].clone('mdy')];
          this.unreadableInBoth = this.readings[0].outside.excluded.bad_date; // the copy shares them
        }
      }
      if (categoryIndexes) {
        // One row, three counts: each category is added at a score of its own (0, 7, 10), the row counted once.
        const counts = categoryIndexes.map((index) => countOf(record[index], line));
        row.id = '';
        for (const r of this.readings) {
          row.time = dated ? timeOf(record, r.order, byteTime) : NaN;
          counts.forEach((count, i) => {
            row.weight = count;
            row.units = count;
            row.counted = i === 0;
            r.add(CATEGORY_SCORES[i], line, row, categoryInput);
          });
        }
        row.counted = true;
        return;
      }
      let unreadable = 0;
      row.id = idIndex >= 0 ? (record[idIndex] ?? '').trim() : '';
      const weight =
        weightIndex >= 0 ? weightOfCell(record[weightIndex]) : countIndex >= 0 ? countOf(record[countIndex], line) : 1;
      row.weight = weight;
      // A count stands for that many answers of weight 1.
      row.units = countIndex >= 0 ? weight : 1;
      for (let i = 0; i < this.readings.length; i++) {
        const r = this.readings[i];
        row.time = dated ? timeOf(record, r.order, byteTime) : NaN;
        if (dated && Number.isNaN(row.time)) unreadable++;
        r.add(record, line, row, input);
      }
      if (unreadable === 2) this.unreadableInBoth++;
    };
    // The columns this pass looks at; the reader makes strings of those only. A vendor's row
    // classifier may look anywhere, so then every column is read.
    const reads = rowKind
      ? undefined
      : [
          ...scoreIndexes,
          dated ? dateIndex : -1,
          idIndex,
          weightIndex,
          countIndex,
          ...(categoryIndexes ?? []),
          ...conditions.map((c) => c.index),
          ...keyIndexes.flatMap((k) => (k ? [k.index, ...(k.also ?? [])] : [])),
        ].filter((i) => i >= 0);
    // The date column is read from its bytes when nothing else reads its text: its common ISO,
    // dotted and slash forms (a slash date in both orders, and a slash to watch for).
    const elsewhere = reads === undefined || reads.filter((i) => i === dateIndex).length > 1;
    const dates: DateBytes | undefined =
      dated && !forced && !elsewhere
        ? {
            index: dateIndex,
            read(bytes, start, end) {
              const wall = commonWallOf(bytes, start, end, source, slash);
              if (wall === undefined) return undefined;
              if (slash.slash) slash.monthFirst = inAnalysisZone(slash.monthFirst);
              return inAnalysisZone(wall);
            },
          }
        : undefined;
    return Object.assign(sink, { wanted: reads, dates });
  }

  data(): PassData<S> {
    return {
      readings: this.readings.map((r) => ({ order: r.order, data: r.data() })),
      unreadableInBoth: this.unreadableInBoth,
      distinct: this.distinct.map((set) => [...set]),
    };
  }

  /**
   * Adds the pass over a later part of the same input, its lines counted from `lineOffset`. A part
   * that never saw a slash date read its dates the same in either order: its one reading joins both.
   */
  absorb(other: PassData<S>, lineOffset: number, columnNames: readonly string[]): void {
    if (other.readings.length > 1 && this.readings.length === 1) {
      this.readings = [this.readings[0], this.readings[0].clone('mdy')];
      this.unreadableInBoth = this.readings[0].outside.excluded.bad_date;
    }
    for (const r of this.readings) {
      const theirs = other.readings.find((o) => o.order === r.order) ?? other.readings[0];
      r.absorb(theirs.data, lineOffset);
    }
    this.unreadableInBoth +=
      other.readings.length > 1 ? other.unreadableInBoth : other.readings[0].data.outside.excluded.bad_date;
    other.distinct.forEach((values, k) => {
      for (const value of values) this.countGroup(k, value, columnNames[k] ?? '');
    });
  }
}
