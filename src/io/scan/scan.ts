import { statSync } from 'node:fs';
import type { DateOrder } from '../../core/date.js';
import { parseDate } from '../../core/date.js';
import type { Fold } from '../../core/fold.js';
import {
  type Calendar,
  lastPeriods,
  type PeriodRange,
  periodEnd,
  periodInProgress,
  periodStart,
} from '../../core/period.js';
import type { Tally } from '../../core/tally.js';
import { UTC, type Zone, zoneOf } from '../../core/zone.js';
import type { Io } from '../io.js';
import { notUtf8Warning, readPart, readTable, type TableHead } from '../source/read.js';
import { type JoinCount, joinHead, type Lookup, loadLookup } from './join.js';
import { type InputZones, Pass, type SinkPlan } from './pass.js';
import { type InputInfo, type InputPlan, planInput, type ScanRequest } from './plan.js';
import { choosePreset } from './presets.js';
import type { Reading } from './reading.js';
import type { Accounting } from './rows.js';
import { threadsFor } from './threads.js';

export { DEFAULT_MAX_GROUPS } from './pass.js';

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
  /** The time window that --last chose: its complete periods (later ones may follow, in progress). */
  readonly window?: { readonly start: number; readonly end: number };
  /** The time the data is as of: an instant, and the wall time it is in `zone`. */
  readonly asOf: { readonly instant: number; readonly wall: number };
  /**
   * The wall time (exclusive) that ends the data: the as-of time, or the end of --until when
   * earlier. A period that ends after it is in progress: shown, never tested or judged.
   */
  readonly boundary: number;
  /** The latest (wall) time among rows kept, NaN when no dates were read. */
  readonly latest: number;
  /** The earliest and latest dates kept and the lines they are on (undefined when no dates were read). */
  readonly extremes?: {
    readonly earliest: number;
    readonly earliestLine: number;
    readonly latest: number;
    readonly latestLine: number;
  };
  /** The zone days and periods were cut in. */
  readonly zone: Zone;
  /** Per --join (and --sent): the rows its lookup had a key for, and those it had not. */
  readonly joins: readonly JoinCount[];
  /** --sent: the contacts, each by its key, with the file's columns (the key among them). */
  readonly sent?: Lookup;
}

/** Threads to read a file with: more than one only for a large file folded by a fold a worker thread can rebuild. */
function threadsForFile<S>(file: string, fold: Fold<S>, request: ScanRequest, io: Io): number {
  if (file === '-' || !fold.recipe) return 1;
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return 1; // the reading says why it cannot read the file
  }
  return threadsFor(size, request.threads, io.env);
}

/**
 * Whether other threads can read parts of this input: rows that need no vendor classifier, of plain
 * UTF-8 the byte scanner reads from any record, or of a Parquet file's row groups.
 */
const splittable = (head: TableHead, plan: InputPlan): boolean =>
  !plan.rowKind &&
  (head.source.table
    ? head.source.table.groupStarts !== undefined
    : Boolean(head.source.path) && head.reader === 'fast' && head.decoding.encoding === 'utf-8');

/**
 * Reads every input once, in order, pooling their rows: each file's columns are resolved from its
 * own header, each row is filtered, validated and counted, and each used answer is folded into the
 * command's state.
 */
export async function scan<S>(request: ScanRequest, io: Io, fold: Fold<S>): Promise<Scan<S>> {
  const inputs: InputInfo[] = [];
  const pass = new Pass(request, fold);
  const wanted = pass.datesWanted;
  // Optional dates (a listing sorted by date) become required as soon as a filter needs them.
  // --dedupe keeps the latest by date when there are dates, else the last in file order.
  const optionalDates =
    (Boolean(request.datesIfAny) || (request.dedupe !== undefined && !request.needsDates)) &&
    request.since === undefined &&
    request.until === undefined &&
    request.last === undefined;
  const questionNames: string[] = [];
  let zone: Zone | undefined = request.zone;
  let presetOrder: DateOrder | undefined;
  const bucketCalendar: Calendar | undefined = request.last
    ? { unit: request.last.unit, fiscalYearStart: request.fiscalYearStart }
    : undefined;
  // The as-of time in the analysis zone, and --last's periods: both need the zone, known at the first header.
  const asOfIn = (z: Zone) => {
    const given = request.asOf ?? { instant: io.now().getTime() };
    const wall = 'text' in given ? parseDate(given.text, z, 'dmy') : z.toWall(given.instant);
    return { instant: 'text' in given ? z.fromWall(wall) : given.instant, wall };
  };
  const boundaryOf = (at: { wall: number }) => Math.min(at.wall, (request.until ?? Infinity) + 1);
  let asOf: Scan<S>['asOf'] | undefined = request.zone && asOfIn(request.zone);
  let range: PeriodRange | undefined;
  const lookups: Lookup[] = [];
  for (const join of request.joins ?? []) lookups.push(await loadLookup(join, io, request.joinKeep));
  const sent = request.sent && (await loadLookup(request.sent, io, undefined));
  if (sent) lookups.push(sent);
  const joins: JoinCount[] = [];
  for (const [fileIndex, file] of request.files.entries()) {
    // Grouping by file uses the position, so the same name given twice (or d1/x.csv and d2/x.csv) stays apart.
    const fileKey = String(fileIndex);
    const extraHeaderRows = (header: readonly string[], first: readonly string[][]) =>
      choosePreset(header, request.preset).extraHeaderRows(first);
    // Joined columns are added as the main thread reads: a joined export stays on it.
    const threads = lookups.length > 0 ? 1 : threadsForFile(file, fold, request, io);
    // The threads' machinery loads only for a file large enough to use it.
    const parallel = threads > 1 ? await import('./parallel.js') : undefined;
    const workers = parallel && new parallel.PartedFile<S>(threads - 1);
    let parted: { plan: SinkPlan; zones: InputZones; columnNames: string[] } | undefined;
    let info: InputInfo | undefined;
    try {
      const first = await readTable(
        file,
        io,
        { delimiter: request.delimiter, encoding: request.encoding, sheet: request.sheet, extraHeaderRows },
        (ownHead: TableHead) => {
          const joined = lookups.length > 0 ? joinHead(ownHead, lookups, joins) : undefined;
          const head = joined?.head ?? ownHead;
          const plan = planInput(head, request, wanted, optionalDates);
          info = { ...plan.info, reader: head.reader };
          plan.questionNames.forEach((name, q) => {
            questionNames[q] ??= name;
          });
          // The analysis zone: --tz, else the first export's own (Qualtrics says it), else UTC.
          const own = plan.sourceZone ? zoneOf(plan.sourceZone) : undefined;
          zone ??= own ?? UTC;
          asOf ??= asOfIn(zone);
          if (range === undefined && request.last) {
            range = lastPeriods(boundaryOf(asOf), request.last.count, bucketCalendar!, request.last.end);
            pass.limit(range);
          }
          presetOrder ??= plan.preset.dateOrder;
          const zones = { analysis: zone, source: own ?? zone };
          const sink = joined ? joined.wrap(pass.sink(plan, fileKey, zones)) : pass.sink(plan, fileKey, zones);
          const table = head.source.table;
          const shape = { delimiter: head.dialect.delimiter, columns: head.header.length };
          const starts =
            !parallel || !workers || !splittable(head, plan)
              ? undefined
              : table
                ? parallel.rowStarts(table, threads, workers.early)
                : parallel.partStarts(file, threads, shape, workers.early);
          if (!workers || !starts) return sink;
          const columnNames = request.groups.map((g) => plan.info.columns[g.role]?.name ?? '');
          parted = { plan, zones, columnNames };
          const stopAt = workers.start(file, starts, table ? { ...shape, rows: true } : shape, {
            fold: fold.recipe!,
            request: { ...request, periods: range },
            plan,
            fileKey,
            zones,
          });
          return Object.assign(sink, { stopAt });
        },
      );
      if (workers && parted) {
        const { plan, zones, columnNames } = parted;
        const used = await workers.join(first, pass, columnNames, (part, warnedBroken) =>
          readPart(part, pass.sink(plan, fileKey, zones), {
            broken: (message) => {
              if (!warnedBroken) io.stderr.write(`nps: ${message}\n`);
            },
            notUtf8: (line, encoding) => io.stderr.write(notUtf8Warning(file, line, encoding)),
          }),
        );
        if (used > 1 && info) info = { ...info, reader: `${info.reader}, ${used} threads` };
      }
    } finally {
      workers?.stop();
    }
    if (info) inputs.push(info);
  }

  // The reading with fewer unreadable dates; a tie keeps the export's usual order, else day-first.
  const readings = pass.readings;
  const unreadableInBoth = pass.unreadableInBoth;
  const badDates = (r: Reading<S>) => r.outside.excluded.bad_date;
  const preferred = readings.find((r) => r.order === presetOrder) ?? readings[0];
  const chosen = readings.reduce((best, r) => (badDates(r) < badDates(best) ? r : best), preferred);
  const slashDates = readings.length > 1;
  const decided = slashDates && badDates(readings[0]) !== badDates(readings[1]);
  const latest = chosen.latest === -Infinity ? NaN : chosen.latest;
  asOf ??= asOfIn(zone ?? UTC);
  const boundary = boundaryOf(asOf);
  // The window's periods: the complete ones of an open window (one in progress may follow), else its own.
  const lastWindowKey =
    range && (range.last === Infinity ? periodInProgress(boundary, bucketCalendar!) - 1 : range.last);
  const window = range && {
    start: periodStart(range.first, bucketCalendar!),
    end: periodEnd(lastWindowKey!, bucketCalendar!),
  };
  const questions = questionNames.map((name, q) => ({ name, ...chosen.finish(q) }));
  return {
    questions,
    ...questions[0],
    inputs,
    dateOrder: slashDates
      ? {
          order: chosen.order,
          decided,
          mixed: badDates(readings[0]) > unreadableInBoth && badDates(readings[1]) > unreadableInBoth,
        }
      : undefined,
    window,
    asOf,
    boundary,
    latest,
    extremes: Number.isNaN(latest)
      ? undefined
      : { earliest: chosen.earliest, earliestLine: chosen.earliestLine, latest, latestLine: chosen.latestLine },
    zone: zone ?? UTC,
    joins,
    sent,
  };
}
