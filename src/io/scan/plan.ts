import type { Scale } from '../../core/answer.js';
import type { Calendar, PeriodRange, PeriodUnit, WindowEnd } from '../../core/period.js';
import type { Zone } from '../../core/zone.js';
import { dataError, inputError, usageError } from '../../errors.js';
import { encodingOf, type TableHead } from '../source/read.js';
import { delimiterName } from '../source/sniff.js';
import type { JoinKeep, JoinSpec } from './join.js';
import {
  type ColumnChoice,
  categoryColumn,
  detectDate,
  detectScore,
  listColumns,
  normalize,
  notAnswers,
  resolveColumn,
} from './mapping.js';
import { choosePreset, type Preset, type PresetName, type Role, type RowKind } from './presets.js';
import type { Condition } from './rows.js';

/*
 * The plan of a reading: what the command asks for (ScanRequest) and, per input, where each of
 * those things sits in that input's header (InputPlan).
 */

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
  /** A value carried with each row (a comment, an ID, a driver's number), not a key rows are grouped by. */
  readonly value?: boolean;
  /**
   * Detection from the header and sampled values; `score` is the score column's index, whose
   * category a group must not repeat.
   */
  readonly detect?: (
    header: readonly string[],
    sample: readonly string[][],
    taken?: ReadonlySet<number>,
    score?: number,
  ) => ColumnChoice | undefined;
}

/** What to read and which rows to keep: the shared input, mapping and filter options. */
export interface ScanRequest {
  readonly files: readonly string[];
  /** The 0-10 question columns: none to detect one; two for surveys that ask two questions. */
  readonly scores: readonly string[];
  readonly date?: string;
  readonly delimiter?: string;
  readonly encoding?: string;
  /** An Excel workbook's sheet, by name or number. */
  readonly sheet?: string;
  /** --dedupe: the respondent ID column; one response per ID is used, the latest. */
  readonly dedupe?: string;
  /** --weight: the column of each response's weight. */
  readonly weight?: string;
  /** --counts: rows are tallies (score and count), not responses. */
  readonly counts?: boolean;
  /** --join FILE --on KEY: lookup tables joined onto every response, in order. */
  readonly joins?: readonly JoinSpec[];
  readonly joinKeep?: JoinKeep;
  /** --sent FILE --sent-on KEY: the contacts the survey was sent to, joined onto every response as `sent:` columns. */
  readonly sent?: JoinSpec;
  /** How the answers are coded; 0-10 unless the survey used 1-10 or a 1-11 recode. */
  readonly scale?: Scale;
  readonly where: readonly WhereClause[];
  /** Wall-time bounds in `zone`, inclusive. */
  readonly since?: number;
  readonly until?: number;
  /**
   * `--last N<unit>`: the N latest complete calendar periods at the as-of time (or --until), and
   * how the window ends.
   */
  readonly last?: { readonly count: number; readonly unit: PeriodUnit; readonly end?: WindowEnd };
  /**
   * --as-of: the time the data is as of, which decides the periods still in progress. An instant
   * (a date-time with an offset), or a wall-clock text read in the analysis zone; default: now.
   */
  readonly asOf?: { readonly instant: number } | { readonly text: string };
  /** --last's period keys, set by the scan once the zone is known (a worker thread is sent them). */
  readonly periods?: PeriodRange;
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
  /** Distinct values a grouping column may have (the groups held in memory); more is a data error. */
  readonly maxGroups?: number;
  /** Worker threads a large file may be read with (--threads); undefined: one per core. */
  readonly threads?: number;
  /**
   * Keep only rows in these periods (the two being compared); others are filtered. Data, so worker
   * threads get it too.
   */
  readonly keep?: { readonly calendar: Calendar; readonly periods: readonly number[] };
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
  /** Which reader read it: the byte scanner (`fast`, on worker threads when it says `fast, N threads`) or csv-parse. */
  readonly reader?: string;
}

/** An optional column the input does not have. */
export const ABSENT: ColumnChoice = { index: -1, name: '', reason: 'not in this input' };

/** One input's plan: its preset, the columns of every role, the filters, resolved against its header. */
export interface InputPlan {
  readonly info: InputInfo;
  readonly preset: Preset;
  readonly questionNames: readonly string[];
  readonly scoreIndexes: readonly number[];
  readonly date?: ColumnChoice;
  readonly keyIndexes: readonly (ColumnChoice | undefined)[];
  readonly conditions: readonly Condition[];
  /** The --dedupe ID column. */
  readonly dedupe?: ColumnChoice;
  /** The --weight column. */
  readonly weight?: ColumnChoice;
  /** With --counts, the column of each row's count. */
  readonly count?: ColumnChoice;
  /** With --counts in the categories form: the detractors, passives and promoters columns. */
  readonly categories?: readonly ColumnChoice[];
  readonly rowKind?: (record: readonly string[]) => RowKind;
  readonly sourceZone?: string;
}

/** Headers of a --counts table's count column (normalized). */
const COUNT_HEADERS = ['count', 'n', 'responses', 'answers', 'antal', 'liczba'];

/** The count column of a --counts table: one row per group, period and score, with its count. */
function countColumn(header: readonly string[], name: string): ColumnChoice {
  const names = header.map(normalize);
  const index = names.findIndex((h) => COUNT_HEADERS.includes(h));
  if (index < 0)
    throw usageError(
      `--counts: ${name} has no count column`,
      'name it "count": one row per group, period and score, with how many gave that score',
    );
  return { index, name: header[index], reason: 'header names the count (--counts)' };
}

/**
 * A counts table read as responses: a count column of whole numbers beside the score, adding up to
 * more responses than rows, and no other column that tells rows apart as a respondent's ID would.
 * Read as responses it would be 11 answers where there are thousands.
 */
function countsTable(
  header: readonly string[],
  sample: readonly string[][],
  score: number,
): { name: string; total: number } | undefined {
  const index = header.findIndex((h, i) => i !== score && COUNT_HEADERS.includes(normalize(h)));
  if (index < 0 || sample.length === 0) return undefined;
  const counts = sample.map((r) => (r[index] ?? '').trim());
  if (!counts.every((v) => /^\d+$/.test(v))) return undefined;
  const total = counts.reduce((sum, v) => sum + Number(v), 0);
  const others = header.map((_, i) => i).filter((i) => i !== index && i !== score);
  const distinguishes = (i: number) => new Set(sample.map((r) => (r[i] ?? '').trim())).size === sample.length;
  if (total <= sample.length || (sample.length > 2 && others.some(distinguishes))) return undefined;
  return { name: header[index], total };
}

/** The categories form of a --counts table: its detractors, passives and promoters columns, when it has all three. */
export const CATEGORY_COUNTS = ['detractors', 'passives', 'promoters'] as const;
function categoryCounts(header: readonly string[]): ColumnChoice[] | undefined {
  const names = header.map(normalize);
  const indexes = CATEGORY_COUNTS.map((c) => names.indexOf(c));
  if (indexes.some((i) => i < 0)) return undefined;
  return indexes.map((index) => ({ index, name: header[index], reason: 'header names a category count (--counts)' }));
}

/**
 * Resolves one input's columns: flags first, then the vendor preset, then detection by header words
 * and values. Refuses columns that cannot be the 0-10 answer, with the reason.
 */
export function planInput(head: TableHead, request: ScanRequest, dated: boolean, optionalDates = false): InputPlan {
  const { header, sample, source, headerRows } = head;
  if (/^\s*<(?:!doctype|html|\?xml|head|body)\b/i.test(header[0] ?? '')) {
    throw inputError(
      `${source.name} is a web page, not a CSV export`,
      'the download may have failed (an error or login page): export the survey again',
    );
  }
  // A column that cannot be found in a file with no rows: the file is what is missing, not the column.
  const notFound = (error: Error) =>
    sample.length === 0
      ? dataError(
          `no responses in ${source.name}: it has a header but no rows`,
          'export the survey again with its responses',
        )
      : error;
  // The answer and its date come from the export itself: a lookup's own NPS or created_at column
  // is never detected into those roles (named with --score or --date, any column may be).
  const own = head.ownColumns ?? header.length;
  const ownHeader = header.slice(0, own);
  const ownSample = own === header.length ? sample : sample.map((record) => record.slice(0, own));
  const preset = choosePreset(header, request.preset);
  const suggested = preset.columns(ownHeader, headerRows, ownSample);
  const columns: Record<string, ColumnChoice> = {};
  // A counts table of detractors, passives and promoters has no score column: its first count stands in for one.
  const categories = request.counts && request.scores.length === 0 ? categoryCounts(header) : undefined;
  if (categories) for (const [i, c] of CATEGORY_COUNTS.entries()) columns[c] = categories[i];
  const scores = categories
    ? [{ ...categories[0], name: 'detractors, passives, promoters' }]
    : request.scores.length > 0
      ? request.scores.map((spec) => resolveColumn(header, spec, '--score', source.name))
      : [suggested.score ?? detectScore(ownHeader, ownSample)];
  const notScale = scores[0] ? undefined : categoryColumn(ownHeader, ownSample);
  if (notScale) {
    throw dataError(
      `${source.name}: the column ${JSON.stringify(notScale.name)} is not a 0-10 answer: ${notScale.why}`,
      'NPS needs the 0-10 answers; export them, or name another column with --score',
    );
  }
  for (const score of categories ? [] : scores) {
    const why = score && notAnswers(sample, score.index);
    if (why)
      throw dataError(
        `${source.name}: the score column ${JSON.stringify(score.name)} is not a 0-10 answer: ${why}`,
        'NPS needs the 0-10 answers; export them, or name another column with --score',
      );
  }
  if (!scores[0]) {
    if (sample.length > 0 && sample.every((row) => row.length <= 1)) {
      throw inputError(
        `${source.name} does not look like a CSV export: no line has a separator (, ; or tab)`,
        'export the survey as CSV, or name the separator with --delimiter',
      );
    }
    throw notFound(
      usageError(
        `${source.name}: no column looks like 0-10 answers`,
        `name it with --score <column>; columns: ${listColumns(header)}`,
      ),
    );
  }
  const counted =
    !request.counts && request.scores.length === 0 ? countsTable(header, sample, scores[0].index) : undefined;
  if (counted) {
    throw dataError(
      `${source.name} looks like a counts table: each row is a score and how many gave it (${counted.name}), ` +
        `${counted.total} responses in the ${sample.length} rows sampled, not ${sample.length}`,
      'read it with --counts; if each row is one response, name the answer column with --score',
    );
  }
  scores.forEach((score, q) => {
    columns[q === 0 ? 'score' : `score_${q + 1}`] = score!;
  });
  const date = request.date
    ? resolveColumn(header, request.date, '--date', source.name)
    : dated
      ? (suggested.date ?? detectDate(ownHeader, ownSample))
      : suggested.date;
  if (dated && !date && !optionalDates)
    throw notFound(usageError(`${source.name}: no date column found`, 'name it with --date <column>'));
  if (date) columns.date = date;
  // Detected roles never take the score or date columns, nor a column an earlier role took.
  const taken = new Set<number>([...scores.map((s) => s!.index), ...(date ? [date.index] : [])]);
  const keyIndexes = request.groups.map((g) => {
    if (g.byFile) return undefined;
    const role = g.role as Role;
    // Vendors that title columns with tags (Qualtrics Q2) ask the question in the next header row.
    const byText = (texts: readonly string[] | undefined) => {
      const found = texts && g.detect?.(texts, sample, taken, scores[0]!.index);
      return found && { ...found, name: header[found.index] };
    };
    const choice = g.spec
      ? resolveColumn(header, g.spec, g.flag, source.name)
      : (suggested[role] ?? g.detect?.(header, sample, taken, scores[0]!.index) ?? byText(headerRows[0]));
    if (!choice && g.optional) return ABSENT;
    if (!choice)
      throw notFound(usageError(`${source.name}: no ${g.role} column found`, `name it with ${g.flag} <column>`));
    // A column given for one role is not detected for another.
    taken.add(choice.index);
    columns[g.role] = choice;
    return choice;
  });
  const conditions: Condition[] = request.where.map((w) => ({
    index: resolveColumn(header, w.column, '--where', source.name).index,
    value: w.value,
    equal: w.equal,
  }));
  const sourceZone = preset.sourceZone?.(header, headerRows, date);
  const dedupe =
    request.dedupe === undefined
      ? undefined
      : { ...resolveColumn(header, request.dedupe, '--dedupe', source.name), reason: 'named by --dedupe' };
  if (dedupe) columns.dedupe = dedupe;
  const weight =
    request.weight === undefined
      ? undefined
      : { ...resolveColumn(header, request.weight, '--weight', source.name), reason: 'named by --weight' };
  if (weight) columns.weight = weight;
  const count = request.counts && !categories ? countColumn(header, source.name) : undefined;
  if (count) columns.count = count;
  return {
    info: {
      name: source.name,
      encoding: encodingOf(head),
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
    dedupe,
    weight,
    count,
    categories,
    rowKind: preset.rowKind?.(header),
    sourceZone,
  };
}
