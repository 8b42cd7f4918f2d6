import type { Io } from '../cli/io.js';
import { isSlashDate, parseDate, patternReader, type DateOrder } from '../core/date.js';
import type { Scale } from '../core/answer.js';
import type { Fold } from '../core/fold.js';
import { lastWindow, periodKey, type Calendar, type PeriodUnit } from '../core/period.js';
import { mergeTallies, newTally, type Tally } from '../core/tally.js';
import { UTC, zoneOf, type Zone } from '../core/zone.js';
import { dataError, usageError } from '../errors.js';
import { categoryColumn, detectDate, detectScore, listColumns, notAnswers, resolveColumn, type ColumnChoice } from './mapping.js';
import { choosePreset, type Preset, type PresetName, type Role, type RowKind } from './presets.js';
import { readTable, type TableHead } from './read.js';
import { answerOf, exclude, mergeAccounting, newAccounting, passes, type Accounting, type Condition } from './rows.js';
import { delimiterName } from './sniff.js';

/** `--where column=value` or `column!=value`, before it is resolved against a file's header. */
export interface WhereClause {
  readonly column: string;
  readonly value: string;
  readonly equal: boolean;
}

/** A column a command groups by (agent, team, `--by`): given by the user, or detected. */
export interface GroupColumn {
  readonly role: string;
  readonly flag: string;
  readonly spec?: string;
  /** Group by input file instead of a column: the key is the file's position in `files`, from "0". */
  readonly byFile?: boolean;
  /** A column the command can do without: rows give '' when the input has none. */
  readonly optional?: boolean;
  readonly detect?: (header: readonly string[], sample: readonly string[][], taken?: ReadonlySet<number>) => ColumnChoice | undefined;
}

/** What to read and which rows to keep: the shared input, mapping and filter options. */
export interface ScanRequest {
  readonly files: readonly string[];
  /** The 0-10 question columns: none to detect one; two for surveys that ask two questions. */
  readonly scores: readonly string[];
  readonly date?: string;
  readonly delimiter?: string;
  readonly encoding?: string;
  /** How the answers are coded; 0-10 unless the survey used 1-10 or a 1-11 recode. */
  readonly scale?: Scale;
  readonly where: readonly WhereClause[];
  /** Wall-time bounds in `zone`, inclusive. */
  readonly since?: number;
  readonly until?: number;
  /** `--last N<unit>`: the N most recent calendar periods up to the latest date (or --until). */
  readonly last?: { readonly count: number; readonly unit: PeriodUnit };
  /** --tz; when absent, the export's own zone (Qualtrics) or UTC. */
  readonly zone?: Zone;
  readonly dateFormat?: string;
  readonly preset?: PresetName;
  /** Count unfinished responses (Qualtrics, Typeform) instead of excluding them. */
  readonly includePartial?: boolean;
  readonly fiscalYearStart: number;
  /** The command itself needs each response's time (trends, period comparisons). */
  readonly needsDates: boolean;
  /** With needsDates: an input without a date column is still read, undated (no filter needs dates). */
  readonly datesIfAny?: boolean;
  readonly groups: readonly GroupColumn[];
  /** Keep only rows whose (wall) time passes, e.g. the two periods being compared; others are filtered. */
  readonly keep?: (time: number) => boolean;
}

/** What was detected in one input, for `meta` and for the user. */
export interface InputInfo {
  readonly name: string;
  /** The export's vendor, by its header signature (or --preset): generic when none. */
  readonly preset: PresetName;
  /** Header rows, the first included: Qualtrics writes 3, SurveyMonkey 2. */
  readonly headerRows: number;
  /** As read: utf-8, utf-16le, ..., or "utf-8, then windows-1252 from line N". */
  readonly encoding: string;
  readonly delimiter: string;
  readonly bom: boolean;
  readonly columns: Readonly<Record<string, ColumnChoice>>;
}

/** What one 0-10 question's answers folded into, and where its rows went. */
export interface Question<S> {
  /** The question's column, as named in the first input. */
  readonly name: string;
  readonly state: S;
  readonly accounting: Accounting;
  /** Every used answer, whatever the command groups them by: for checks on the whole input. */
  readonly overall: Tally;
}

export interface Scan<S> {
  /** One per score column, in the order given; the first is also spread over this object. */
  readonly questions: readonly Question<S>[];
  readonly state: S;
  readonly accounting: Accounting;
  readonly overall: Tally;
  readonly inputs: readonly InputInfo[];
  /** How slash dates were read, when the date column had any: decided by the whole column. */
  readonly dateOrder?: { readonly order: DateOrder; readonly decided: boolean; readonly mixed: boolean };
  /** The time window that --last chose. */
  readonly window?: { readonly start: number; readonly end: number };
  /** The latest (wall) time among rows kept, NaN when no dates were read. */
  readonly latest: number;
  /** The zone days and periods were cut in. */
  readonly zone: Zone;
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
class Reading<S> {
  /** Rows filtered or excluded before they have a period: counted here. */
  readonly outside = newAccounting();
  readonly buckets = new Map<number, Bucket<S>>();
  latest = -Infinity;
  private readonly single: Bucket<S> | undefined;

  constructor(
    readonly order: DateOrder,
    private readonly fold: Fold<S>,
    private readonly bucketCalendar: Calendar | undefined,
    private readonly keep: ((time: number) => boolean) | undefined,
    private readonly questions: number,
    private readonly scale: Scale,
    /** --last N: periods more than N behind the newest seen can never be in the window. */
    private readonly lastCount?: number,
  ) {
    if (!bucketCalendar) {
      this.single = this.bucket(0);
    }
  }

  /** The same reading so far, read from now on in another order. */
  clone(order: DateOrder): Reading<S> {
    const copy = new Reading(order, this.fold, this.bucketCalendar, this.keep, this.questions, this.scale, this.lastCount);
    mergeAccounting(copy.outside, this.outside);
    copy.latest = this.latest;
    copy.newest = this.newest;
    for (const [key, b] of this.buckets) {
      const mine = copy.bucket(key);
      for (let q = 0; q < this.questions; q++) {
        this.fold.merge(mine.states[q], b.states[q]);
        mergeAccounting(mine.accounting[q], b.accounting[q]);
        mergeTallies(mine.overall[q], b.overall[q]);
      }
    }
    return copy;
  }

  /**
   * The bucket of a period, or undefined when it is too old to be in the --last window. Newer
   * periods push the oldest out as they come, so memory stays within the window (a listing such
   * as followup would otherwise keep every row of the file).
   */
  private newest = -Infinity;
  private periodBucket(key: number): Bucket<S> | undefined {
    if (this.lastCount !== undefined) {
      if (key <= this.newest - this.lastCount) return undefined;
      if (key > this.newest) {
        this.newest = key;
        for (const [old, b] of this.buckets) {
          if (old > key - this.lastCount) continue;
          this.outside.read += b.accounting[0].read;
          this.outside.filtered += b.accounting[0].read;
          this.buckets.delete(old);
        }
      }
    }
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

  /** Counts one row that survived --where; `time` is NaN when no date is read. */
  add(record: readonly string[], line: number, scoreIndexes: readonly number[], time: number, dated: boolean, since: number, until: number, keys: readonly string[]): void {
    if (dated) {
      if (Number.isNaN(time)) {
        this.outside.read++;
        exclude(this.outside, 'bad_date', line);
        return;
      }
      if (time < since || time > until || (this.keep && !this.keep(time))) {
        this.outside.read++;
        this.outside.filtered++;
        return;
      }
      if (time > this.latest) this.latest = time;
    }
    const b = this.single ?? this.periodBucket(periodKey(time, this.bucketCalendar!));
    if (!b) {
      // A period already behind the window: a filtered row, kept as a count only.
      this.outside.read++;
      this.outside.filtered++;
      return;
    }
    for (let q = 0; q < scoreIndexes.length; q++) {
      const accounting = b.accounting[q];
      accounting.read++;
      const answer = answerOf(record[scoreIndexes[q]], accounting, line, this.scale);
      if (answer < 0) continue;
      accounting.used++;
      b.overall[q][answer] += 1;
      this.fold.add(b.states[q], answer, time, keys);
    }
  }

  /** Question q's buckets inside `window` folded together; the rest counted as filtered. */
  finish(q: number, window: { start: number; end: number } | undefined): { state: S; accounting: Accounting; overall: Tally } {
    const state = this.fold.empty();
    const accounting = mergeAccounting(newAccounting(), this.outside);
    const overall = newTally();
    for (const [key, b] of [...this.buckets].sort((x, y) => x[0] - y[0])) {
      const inside = !window || !this.bucketCalendar || periodKey(window.start, this.bucketCalendar) <= key;
      if (!inside) {
        accounting.read += b.accounting[q].read;
        accounting.filtered += b.accounting[q].read;
        continue;
      }
      this.fold.merge(state, b.states[q]);
      mergeAccounting(accounting, b.accounting[q]);
      mergeTallies(overall, b.overall[q]);
    }
    return { state, accounting, overall };
  }
}

/**
 * Reads every input once, in order, pooling their rows: each file's columns are resolved from its
 * own header, each row is filtered, validated and counted, and each used answer is folded into the
 * command's state.
 */
export async function scan<S>(request: ScanRequest, io: Io, fold: Fold<S>): Promise<Scan<S>> {
  const inputs: InputInfo[] = [];
  const filtersByDate = request.since !== undefined || request.until !== undefined || request.last !== undefined;
  const wanted = request.needsDates || filtersByDate;
  // Optional dates (a listing sorted by date) become required as soon as a filter needs them.
  const optionalDates = Boolean(request.datesIfAny) && !filtersByDate;
  const bucketCalendar: Calendar | undefined = request.last ? { unit: request.last.unit, fiscalYearStart: request.fiscalYearStart } : undefined;
  const forced = request.dateFormat ? forcedReader(request.dateFormat, request.zone ?? UTC) : undefined;
  // Day-first is the reading kept when a slash-date column never tells (every part <= 12).
  const questionCount = Math.max(1, request.scores.length);
  let readings: Reading<S>[] = [new Reading('dmy', fold, bucketCalendar, request.keep, questionCount, request.scale ?? '0-10', request.last?.count)];
  const questionNames: string[] = [];
  // Dates neither reading can read (not dates at all): they say nothing about the order.
  let unreadableInBoth = 0;
  const since = request.since ?? -Infinity;
  const until = request.until ?? Infinity;

  let zone: Zone | undefined = request.zone;
  let presetOrder: DateOrder | undefined;
  for (const [fileIndex, file] of request.files.entries()) {
    // Grouping by file uses the position, so the same name given twice (or d1/x.csv and d2/x.csv) stays apart.
    const fileKey = String(fileIndex);
    const extraHeaderRows = (header: readonly string[], first: readonly string[][]) => choosePreset(header, request.preset).extraHeaderRows(first);
    await readTable(file, io, { delimiter: request.delimiter, encoding: request.encoding, extraHeaderRows }, (head: TableHead) => {
      const plan = planInput(head, request, wanted, optionalDates);
      const dated = wanted && plan.date !== undefined;
      inputs.push(plan.info);
      plan.questionNames.forEach((name, q) => (questionNames[q] ??= name));
      // The analysis zone: --tz, else the first export's own (Qualtrics says it), else UTC.
      const own = plan.sourceZone ? zoneOf(plan.sourceZone) : undefined;
      zone ??= own ?? UTC;
      presetOrder ??= plan.preset.dateOrder;
      const analysis: Zone = zone;
      const sourceZone: Zone = own ?? analysis;
      const readTime = forced ?? ((cell: string, order: DateOrder) => {
        const wall = parseDate(cell, sourceZone, order);
        return sourceZone === analysis || Number.isNaN(wall) ? wall : analysis.toWall(sourceZone.fromWall(wall));
      });
      const { conditions, keyIndexes, scoreIndexes, rowKind } = plan;
      const dateIndex = plan.date?.index ?? -1;
      // Where to watch for the first slash date (only while one reading runs and no pattern is forced).
      const slashWatch = dated && !forced ? dateIndex : -1;
      const keys: string[] = new Array(keyIndexes.length);
      const skip = (kind: 'filtered' | 'partial', line: number) => {
        for (const r of readings) {
          r.outside.read++;
          if (kind === 'filtered') r.outside.filtered++;
          else exclude(r.outside, 'partial', line);
        }
      };
      return (record, line) => {
        if (!passes(record, conditions)) return skip('filtered', line);
        if (rowKind) {
          const kind = rowKind(record);
          if (kind === 'preview') return skip('filtered', line);
          if (kind === 'partial' && !request.includePartial) return skip('partial', line);
        }
        for (let k = 0; k < keyIndexes.length; k++) keys[k] = keyOf(record, keyIndexes[k], fileKey);
        if (slashWatch >= 0 && readings.length === 1) {
          const cell = record[slashWatch];
          if (cell !== undefined && cell.includes('/') && isSlashDate(cell)) {
            readings = [readings[0], readings[0].clone('mdy')];
            unreadableInBoth = readings[0].outside.excluded.bad_date; // the copy shares them
          }
        }
        let unreadable = 0;
        for (let i = 0; i < readings.length; i++) {
          const r = readings[i];
          const time = dated ? readTime(record[dateIndex] ?? '', r.order) : NaN;
          if (dated && Number.isNaN(time)) unreadable++;
          r.add(record, line, scoreIndexes, time, dated, since, until, keys);
        }
        if (unreadable === 2) unreadableInBoth++;
      };
    });
  }

  // The reading with fewer unreadable dates; a tie keeps the export's usual order, else day-first.
  const badDates = (r: Reading<S>) => r.outside.excluded.bad_date;
  const preferred = readings.find((r) => r.order === presetOrder) ?? readings[0];
  const chosen = readings.reduce((best, r) => (badDates(r) < badDates(best) ? r : best), preferred);
  const slashDates = readings.length > 1;
  const decided = slashDates && badDates(readings[0]) !== badDates(readings[1]);
  const latest = chosen.latest === -Infinity ? NaN : chosen.latest;
  const window = request.last && !Number.isNaN(latest)
    ? lastWindow(request.until ?? latest, request.last.count, bucketCalendar!)
    : undefined;
  const questions = questionNames.map((name, q) => ({ name, ...chosen.finish(q, window) }));
  return {
    questions,
    ...questions[0],
    inputs,
    dateOrder: slashDates
      ? { order: chosen.order, decided, mixed: badDates(readings[0]) > unreadableInBoth && badDates(readings[1]) > unreadableInBoth }
      : undefined,
    window,
    latest,
    zone: zone ?? UTC,
  };
}

/** A pattern reader with the signature of the detected one (the order does not apply). */
const forcedReader = (pattern: string, zone: Zone) => {
  const read = patternReader(pattern, zone);
  return (cell: string) => read(cell);
};

/** An optional column the input does not have. */
const ABSENT: ColumnChoice = { index: -1, name: '', reason: 'not in this input' };

/** A group key: a column's value, several columns' joined (first and last name), or the input's position. */
function keyOf(record: readonly string[], choice: ColumnChoice | undefined, fileKey: string): string {
  if (!choice) return fileKey;
  if (choice === ABSENT) return '';
  const value = (record[choice.index] ?? '').trim();
  if (!choice.also) return value;
  return [value, ...choice.also.map((i) => (record[i] ?? '').trim())].filter(Boolean).join(' ');
}

/** One input's plan: its preset, the columns of every role, the filters, resolved against its header. */
interface InputPlan {
  readonly info: InputInfo;
  readonly preset: Preset;
  readonly questionNames: readonly string[];
  readonly scoreIndexes: readonly number[];
  readonly date?: ColumnChoice;
  readonly keyIndexes: readonly (ColumnChoice | undefined)[];
  readonly conditions: readonly Condition[];
  readonly rowKind?: (record: readonly string[]) => RowKind;
  readonly sourceZone?: string;
}

/**
 * Resolves one input's columns: flags first, then the vendor preset, then detection by header words
 * and values. Refuses columns that cannot be the 0-10 answer, with the reason.
 */
export function planInput(head: TableHead, request: ScanRequest, dated: boolean, optionalDates = false): InputPlan {
  const { header, sample, source, headerRows } = head;
  const preset = choosePreset(header, request.preset);
  const suggested = preset.columns(header, headerRows, sample);
  const columns: Record<string, ColumnChoice> = {};
  const scores = request.scores.length > 0 ? request.scores.map((spec) => resolveColumn(header, spec, '--score', source.name)) : [suggested.score ?? detectScore(header, sample)];
  const notScale = scores[0] ? undefined : categoryColumn(header, sample);
  if (notScale) {
    throw dataError(`${source.name}: the column ${JSON.stringify(notScale.name)} is not a 0-10 answer: ${notScale.why}`, 'NPS needs the 0-10 answers; export them, or name another column with --score');
  }
  for (const score of scores) {
    const why = score && notAnswers(sample, score.index);
    if (why) throw dataError(`${source.name}: the score column ${JSON.stringify(score.name)} is not a 0-10 answer: ${why}`, 'NPS needs the 0-10 answers; export them, or name another column with --score');
  }
  if (!scores[0]) {
    throw usageError(`${source.name}: no column looks like 0-10 answers`, `name it with --score <column>; columns: ${listColumns(header)}`);
  }
  scores.forEach((score, q) => (columns[q === 0 ? 'score' : `score_${q + 1}`] = score!));
  const date = request.date ? resolveColumn(header, request.date, '--date', source.name) : dated ? suggested.date ?? detectDate(header, sample) : suggested.date;
  if (dated && !date && !optionalDates) throw usageError(`${source.name}: no date column found`, 'name it with --date <column>');
  if (date) columns.date = date;
  // Detected roles never take the score or date columns, nor a column an earlier role took.
  const taken = new Set<number>([...scores.map((s) => s!.index), ...(date ? [date.index] : [])]);
  const keyIndexes = request.groups.map((g) => {
    if (g.byFile) return undefined;
    const role = g.role as Role;
    // Vendors that title columns with tags (Qualtrics Q2) ask the question in the next header row.
    const byText = (texts: readonly string[] | undefined) => {
      const found = texts && g.detect?.(texts, sample, taken);
      return found && { ...found, name: header[found.index] };
    };
    const choice = g.spec ? resolveColumn(header, g.spec, g.flag, source.name) : (suggested[role] ?? g.detect?.(header, sample, taken) ?? byText(headerRows[0]));
    if (!choice && g.optional) return ABSENT;
    if (!choice) throw usageError(`${source.name}: no ${g.role} column found`, `name it with ${g.flag} <column>`);
    if (!g.spec) taken.add(choice.index);
    columns[g.role] = choice;
    return choice;
  });
  const conditions: Condition[] = request.where.map((w) => ({
    index: resolveColumn(header, w.column, '--where', source.name).index,
    value: w.value,
    equal: w.equal,
  }));
  const sourceZone = preset.sourceZone?.(header, headerRows, date);
  return {
    info: {
      name: source.name,
      encoding: head.decoding.encoding,
      delimiter: delimiterName(head.dialect.delimiter),
      bom: head.dialect.bom,
      preset: preset.name,
      headerRows: 1 + headerRows.length,
      columns,
    },
    preset,
    questionNames: scores.map((s) => s!.name),
    scoreIndexes: scores.map((s) => s!.index),
    date,
    keyIndexes,
    conditions,
    rowKind: preset.rowKind?.(header),
    sourceZone,
  };
}
