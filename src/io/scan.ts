import { type DateOrder, isSlashDate, parseDate, patternReader } from '../core/date.js';
import type { Fold } from '../core/fold.js';
import { type Calendar, lastWindow } from '../core/period.js';
import type { Tally } from '../core/tally.js';
import { UTC, type Zone, zoneOf } from '../core/zone.js';
import { dataError } from '../errors.js';
import type { Io } from './io.js';
import { type InputInfo, keyOf, planInput, type ScanRequest } from './plan.js';
import { choosePreset } from './presets.js';
import { type Broken, readTable, type TableHead } from './read.js';
import { Reading } from './reading.js';
import { type Accounting, exclude, passes } from './rows.js';

/** Groups a column may have unless --max-groups says otherwise. */
export const DEFAULT_MAX_GROUPS = 100_000;

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
  /** The earliest and latest dates kept and the lines they are on (undefined when no dates were read). */
  readonly extremes?: { readonly earliest: number; readonly earliestLine: number; readonly latest: number; readonly latestLine: number };
  /** The zone days and periods were cut in. */
  readonly zone: Zone;
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
  // The distinct values of each grouping column: memory grows with them, so they are bounded.
  const maxGroups = request.maxGroups ?? DEFAULT_MAX_GROUPS;
  const distinct = request.groups.map(() => new Set<string>());
  const countGroup = (k: number, value: string, column: string) => {
    const seen = distinct[k];
    if (seen.has(value)) return;
    seen.add(value);
    if (seen.size > maxGroups) {
      throw dataError(
        `the column ${JSON.stringify(column)} has more than ${maxGroups} distinct values: too many groups to hold (an ID or free-text column?)`,
        'group by a column with fewer values, or raise the limit with --max-groups',
      );
    }
  };

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
      plan.questionNames.forEach((name, q) => {
        questionNames[q] ??= name;
      });
      // The analysis zone: --tz, else the first export's own (Qualtrics says it), else UTC.
      const own = plan.sourceZone ? zoneOf(plan.sourceZone) : undefined;
      zone ??= own ?? UTC;
      presetOrder ??= plan.preset.dateOrder;
      const analysis: Zone = zone;
      const sourceZone: Zone = own ?? analysis;
      const readTime =
        forced ??
        ((cell: string, order: DateOrder) => {
          const wall = parseDate(cell, sourceZone, order);
          return sourceZone === analysis || Number.isNaN(wall) ? wall : analysis.toWall(sourceZone.fromWall(wall));
        });
      const { conditions, keyIndexes, scoreIndexes, rowKind } = plan;
      const dateIndex = plan.date?.index ?? -1;
      // Where to watch for the first slash date (only while one reading runs and no pattern is forced).
      const slashWatch = dated && !forced ? dateIndex : -1;
      const keys: string[] = new Array(keyIndexes.length);
      const limited = request.groups.flatMap((g, k) => (g.value || g.byFile || !plan.info.columns[g.role] ? [] : [k]));
      const skip = (kind: 'filtered' | 'partial', line: number) => {
        for (const r of readings) {
          r.outside.read++;
          if (kind === 'filtered') r.outside.filtered++;
          else exclude(r.outside, 'partial', line);
        }
      };
      const sink = (record: string[], line: number, broken?: Broken) => {
        if (broken) {
          for (const r of readings) {
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
        for (let k = 0; k < keyIndexes.length; k++) keys[k] = keyOf(record, keyIndexes[k], fileKey);
        for (const k of limited) countGroup(k, keys[k], plan.info.columns[request.groups[k].role].name);
        if (slashWatch >= 0 && readings.length === 1) {
          const cell = record[slashWatch];
          if (cell?.includes('/') && isSlashDate(cell)) {
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
      // The columns this reading looks at; the reader makes strings of those only. A vendor's row
      // classifier may look anywhere, so then every column is read.
      const reads = rowKind
        ? undefined
        : [...scoreIndexes, dateIndex, ...conditions.map((c) => c.index), ...keyIndexes.flatMap((k) => (k ? [k.index, ...(k.also ?? [])] : []))].filter((i) => i >= 0);
      return Object.assign(sink, { wanted: reads });
    });
  }

  // The reading with fewer unreadable dates; a tie keeps the export's usual order, else day-first.
  const badDates = (r: Reading<S>) => r.outside.excluded.bad_date;
  const preferred = readings.find((r) => r.order === presetOrder) ?? readings[0];
  const chosen = readings.reduce((best, r) => (badDates(r) < badDates(best) ? r : best), preferred);
  const slashDates = readings.length > 1;
  const decided = slashDates && badDates(readings[0]) !== badDates(readings[1]);
  const latest = chosen.latest === -Infinity ? NaN : chosen.latest;
  const window = request.last && !Number.isNaN(latest) ? lastWindow(request.until ?? latest, request.last.count, bucketCalendar!) : undefined;
  const questions = questionNames.map((name, q) => ({ name, ...chosen.finish(q, window) }));
  return {
    questions,
    ...questions[0],
    inputs,
    dateOrder: slashDates ? { order: chosen.order, decided, mixed: badDates(readings[0]) > unreadableInBoth && badDates(readings[1]) > unreadableInBoth } : undefined,
    window,
    latest,
    extremes: Number.isNaN(latest) ? undefined : { earliest: chosen.earliest, earliestLine: chosen.earliestLine, latest, latestLine: chosen.latestLine },
    zone: zone ?? UTC,
  };
}

/** A pattern reader with the signature of the detected one (the order does not apply). */
const forcedReader = (pattern: string, zone: Zone) => {
  const read = patternReader(pattern, zone);
  return (cell: string) => read(cell);
};
