import { scaleProblem } from '../core/scale.js';
import { computable, weightOf } from '../core/tally.js';
import { dataError } from '../errors.js';
import type { JoinCount } from '../io/scan/join.js';
import { type Accounting, excludedTotal, REASON_TEXT, REASONS } from '../io/scan/rows.js';
import type { Question, Scan } from '../io/scan/scan.js';
import { plural } from '../report/format.js';
import { TOOL, VERSION } from '../version.js';

/** What the checks after a scan need to know of the options. */
export interface CheckOptions {
  readonly strict: boolean;
  /** The user named the score column or its scale: the scale heuristics warn instead of refusing. */
  readonly explicitScale: boolean;
  /** --weight: the tallies hold weights, which must be computable. */
  readonly weighted?: boolean;
  /** A CSV or TSV output carries no notes, so the row accounting goes to stderr too. */
  readonly delimited: boolean;
  /** The command offers --score, --date and --scale (samplesize --shares-from reads a file without them). */
  readonly columnOptions: boolean;
  readonly warn: (message: string) => void;
}

/** "604 read, 600 used, 4 excluded (4 missing score), 0 filtered": where every row went. */
export function describeAccounting(a: Accounting): string {
  const reasons = REASONS.filter((r) => a.excluded[r] > 0).map((r) => `${a.excluded[r]} ${REASON_TEXT[r]}`);
  const excluded = excludedTotal(a);
  return (
    `Rows: ${a.read} read, ${a.used} used, ${excluded} excluded${reasons.length ? ` (${reasons.join(', ')})` : ''}, ` +
    `${a.filtered} filtered.`
  );
}

/**
 * After a scan, before any statistics: warn about rows that were not answers (with their lines),
 * and stop when nothing is left to analyse or when --strict forbids exclusions.
 */
export function checkAccounting(scan: Scan<unknown>, options: CheckOptions): void {
  if (scan.dateOrder) {
    const order = scan.dateOrder.order === 'dmy' ? 'day/month (3/4/2024 = 3 April)' : 'month/day (3/4/2024 = March 4)';
    options.warn(
      scan.dateOrder.mixed
        ? `note: the date column mixes day/month and month/day: read as ${order}, the reading that fits ` +
            `more dates; the rest are excluded; choose with --date-format`
        : scan.dateOrder.decided
          ? `note: slash dates read as ${order}: the reading that fits the column`
          : `note: slash dates fit both day/month and month/day; read as ${order}; choose with ` +
            `--date-format, e.g. M/d/yyyy`,
    );
  }
  for (const j of scan.joins)
    if (j.unmatched > 0)
      options.warn(
        `note: no match in ${j.file} for ${j.unmatched} of ${j.matched + j.unmatched} rows ` +
          `(on ${j.on}): kept, with its columns empty${roundedHint(j)}`,
      );
  for (const question of scan.questions) checkQuestion(scan, question, options);
}

/** --last counts back from the as-of time (now by default): an older export needs --as-of. */
function filteredHint(scan: Scan<unknown>): string {
  if (!scan.window || Number.isNaN(scan.latest) || scan.latest >= scan.window.start)
    return 'check --since, --until and --where';
  const after = isoDay(scan.latest + 86_400_000);
  return (
    `--last (and compare --latest) count back from --as-of (default: now), here ${isoDay(scan.asOf.wall)}, ` +
    `and the latest response is from ${isoDay(scan.latest)}: add --as-of ${after} to count back ` +
    `from the export's end`
  );
}

/** The checks of one question; its name prefixes the messages when a survey has two. */
function checkQuestion(scan: Scan<unknown>, question: Question<unknown>, options: CheckOptions): void {
  const a = question.accounting;
  const about = scan.questions.length > 1 ? `${question.name}: ` : '';
  for (const reason of REASONS) {
    if (reason === 'missing_score' || a.excluded[reason] === 0) continue;
    // Date problems are shared by every question: say them once.
    if (reason === 'bad_date' && question !== scan.questions[0]) continue;
    const lines = a.lines[reason].join(', ');
    const more = a.excluded[reason] > a.lines[reason].length ? ', ...' : '';
    options.warn(
      `warning: ${about}${a.excluded[reason]} ${plural(a.excluded[reason], 'row')} excluded, ${REASON_TEXT[reason]} ` +
        `(${plural(a.lines[reason].length, 'line')} ${lines}${more})`,
    );
  }
  if (options.delimited && (excludedTotal(a) > 0 || a.filtered > 0)) options.warn(`${about}${describeAccounting(a)}`);
  if (options.strict && excludedTotal(a) > 0) {
    const first = REASONS.flatMap((r) => a.lines[r]).sort((x, y) => x - y)[0];
    throw dataError(
      `${about}${excludedTotal(a)} ${plural(excludedTotal(a), 'row')} excluded and --strict ` +
        `is set (first on line ${first})`,
      'fix those rows, or drop --strict to report them as excluded',
    );
  }
  if (options.weighted && !computable(question.overall)) {
    throw dataError(
      `${about}the weights sum past the largest number there is (${weightOf(question.overall)})`,
      'rescale them, e.g. divide each by their mean: weighted figures do not depend on the scale',
    );
  }
  if (a.used === 0) {
    const names = scan.inputs.map((i) => i.name).join(', ');
    if (a.read === 0)
      throw dataError(
        `no responses in ${names}: it has a header but no rows`,
        'export the survey again with its responses',
      );
    if (a.filtered === a.read)
      throw dataError(
        `no responses left after filtering (${a.read} ${plural(a.read, 'row')} filtered out)`,
        filteredHint(scan),
      );
    const dates = a.excluded.bad_date === a.read - a.filtered;
    throw dataError(
      `${about}no valid responses in ${names} (${describeAccounting(a)
        .replace(/^Rows: /, '')
        .replace(/\.$/, '')})`,
      dates
        ? `no date in the date column (${scan.inputs[0]?.columns.date?.name}) could be read; choose another with --date`
        : `check that the score column (${question.name}) holds 0-10 answers` +
            `${options.columnOptions ? ', or choose another with --score' : ''}`,
    );
  }
  const problem = scaleProblem(question.overall, a.excluded.out_of_range);
  if (problem && options.explicitScale) {
    options.warn(
      `warning: the score column (${question.name}) looks odd for 0-10 answers: ${problem}; read as 0-10 as asked`,
    );
  } else if (problem) {
    throw dataError(
      `the score column (${question.name}) is not a 0-10 answer: ${problem}`,
      problem.includes('1-11')
        ? 'if the 0-10 question was exported as 1-11, --recode 1-11 maps it back'
        : options.columnOptions
          ? 'NPS needs the 0-10 "how likely are you to recommend" question; choose that column with --score, ' +
            'or if these are 0-10 answers, say so with --scale 0-10'
          : 'NPS needs the 0-10 "how likely are you to recommend" question: give an export of its answers',
    );
  }
}

/** A wall time as its calendar day, YYYY-MM-DD. */
export const isoDay = (wall: number): string => new Date(wall).toISOString().slice(0, 10);

/**
 * The row accounting as the last notes: one line, or one per question when a survey has two; then
 * each join's matches.
 */
export function accountingNotes(scan: Scan<unknown>): string[] {
  return [
    ...scan.questions.map(
      (q) => `${scan.questions.length > 1 ? `${q.name}: ` : ''}${describeAccounting(q.accounting)}`,
    ),
    ...scan.joins.map(describeJoin),
  ];
}

/** Why IDs of more than 15 digits may not match: a spreadsheet that read them as numbers rounded them. */
function roundedHint(j: JoinCount): string {
  if (!j.longNumbers) return '';
  const where = { export: 'the export', lookup: j.file, both: `both the export and ${j.file}` }[j.longNumbers];
  return (
    `; the keys in ${where} are numbers of more than 15 digits (or written like 1.2E+18), ` +
    `which a spreadsheet rounds: export them as text`
  );
}

/** "Joined segments.csv on user_id: 588 rows matched; no match for 12 (kept, with its columns empty)." */
export const describeJoin = (j: JoinCount): string =>
  `Joined ${j.file} on ${j.on}: ${j.matched} ${plural(j.matched, 'row')} matched` +
  `${j.unmatched > 0 ? `; no match for ${j.unmatched} (kept, with its columns empty)` : ''}.`;

/** JSON `meta`: which tool did it, what was read and how, where every row went, the options used. */
export function buildMeta(
  command: string,
  scan: Scan<unknown> | undefined,
  options: Record<string, unknown>,
): Record<string, unknown> {
  const about = { tool: TOOL, version: VERSION, command };
  if (!scan) return { ...about, options };
  const a = scan.accounting;
  return {
    ...about,
    inputs: scan.inputs.map((input) => ({
      file: input.name,
      preset: input.preset,
      header_rows: input.headerRows,
      encoding: input.encoding,
      delimiter: input.delimiter,
      bom: input.bom,
      reader: input.reader,
      columns: Object.fromEntries(
        Object.entries(input.columns).map(([role, choice]) => [role, { name: choice.name, reason: choice.reason }]),
      ),
    })),
    rows: {
      read: a.read,
      used: a.used,
      excluded: Object.fromEntries(REASONS.map((r) => [r, a.excluded[r]])),
      excluded_total: excludedTotal(a),
      filtered: a.filtered,
    },
    joins: scan.joins.map((j) => ({ file: j.file, on: j.on, matched: j.matched, unmatched: j.unmatched })),
    dates: {
      zone: scan.zone.name,
      slash_order: scan.dateOrder?.order ?? null,
      as_of: new Date(scan.asOf.instant).toISOString(),
      window: scan.window ? { start: isoDay(scan.window.start), end: isoDay(scan.window.end) } : null,
    },
    options,
  };
}
