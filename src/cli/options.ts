import { extname } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { SCALES, type Scale } from '../core/answer.js';
import { dayBounds, parseDate } from '../core/date.js';
import { INTERVAL_METHODS, type IntervalMethod } from '../core/interval.js';
import { type PeriodUnit, parseLast } from '../core/period.js';
import type { Statistics } from '../core/summary.js';
import { UTC, type Zone, zoneOf } from '../core/zone.js';
import { usageError } from '../errors.js';
import type { Io } from '../io/io.js';
import { canonical, sameFile } from '../io/paths.js';
import { patternReader } from '../io/scan/date-pattern.js';
import { type JoinKeep, type JoinSpec, parseOn } from '../io/scan/join.js';
import type { ScanRequest, WhereClause } from '../io/scan/plan.js';
import { PRESET_NAMES, type PresetName } from '../io/scan/presets.js';
import { DEFAULT_MAX_GROUPS } from '../io/scan/scan.js';
import { knownEncoding } from '../io/source/decode.js';
import { FORMAT_OF_EXTENSION, FORMATS, type Format, isDelimited } from '../report/index.js';
import { colorLevel, type RenderOptions } from '../report/style.js';
import type { SharedGroups } from './command.js';

/** Help headings: each command's own options come first, under "Options:", then these. */
const HEADINGS = {
  input: 'Input options:',
  filters: 'Filter options:',
  statistics: 'Statistics options:',
  output: 'Output options:',
  checks: 'Checks (exit codes for CI):',
} as const;

/** Adds the shared groups a command declares, after its own options, each under its heading. */
export function addSharedOptions(cmd: Command, groups: SharedGroups): Command {
  const add = (heading: string, options: readonly Option[]) => {
    for (const option of options) cmd.addOption(option.helpGroup(heading));
  };
  if (groups.input === 'dialect') {
    cmd.argument('[file]', 'the export to describe (- or none reads stdin)');
    add(HEADINGS.input, dialectOptions());
  } else if (groups.input) {
    cmd.argument(
      '[files...]',
      'exports to read, pooled: CSV or TSV (.gz is unzipped), .xlsx, Parquet; - or none reads stdin',
    );
    add(HEADINGS.input, inputOptions(groups.input.questions, groups.input.threads ?? true));
  }
  if (groups.weights) {
    add(HEADINGS.input, [
      new Option(
        '--weight <column>',
        "each response's weight: weighted shares and NPS, intervals and tests by linearization, --min-n on " +
          "Kish's effective n (missing or negative weights excluded)",
      ),
    ]);
  }
  if (groups.counts) {
    add(HEADINGS.input, [
      new Option(
        '--counts',
        'the input holds counts, not responses: one row per group (and date) and score, with a count column',
      ),
    ]);
  }
  if (groups.grouping) {
    add(HEADINGS.input, [
      new Option(
        '--max-groups <n>',
        `distinct values a grouping column may have (default: ${DEFAULT_MAX_GROUPS})`,
      ).argParser(parsePositive),
    ]);
  }
  if (groups.filters) add(HEADINGS.filters, filterOptions());
  if (groups.statistics) add(HEADINGS.statistics, statisticsOptions(groups.statistics === true));
  add(HEADINGS.output, outputOptions(groups.output));
  if (groups.gates)
    add(HEADINGS.checks, [
      new Option('--fail-below <nps>', 'exit 1 when NPS is below this (the output is still written)').argParser(
        parseNps,
      ),
    ]);
  if (groups.accounting) add(HEADINGS.checks, [new Option('--strict', 'exit 4 when any row is excluded')]);
  return cmd;
}

function dialectOptions(): Option[] {
  return [
    new Option(
      '--encoding <name>',
      "the file's encoding, e.g. windows-1252, windows-1250, iso-8859-2 (default: detected)",
    ).argParser(parseEncoding),
    new Option('--delimiter <char>', 'field separator: , ; tab or | (default: sniffed)').argParser(parseDelimiter),
    new Option('--preset <vendor>', 'read the export as this tool writes it (default: by its header)').choices(
      PRESET_NAMES,
    ),
    new Option('--sheet <name|n>', "an .xlsx workbook's sheet, by name or 1-based number (default: the first)"),
  ];
}

function inputOptions(questions: 1 | 2, threads: boolean): Option[] {
  return [
    new Option('--config <file>', 'settings file (default: ./nps.config.json when present)'),
    new Option('--no-config', 'ignore ./nps.config.json'),
    new Option(
      '--score <column>',
      `the 0-10 answer column, by header or 1-based position (default: detected)` +
        `${questions === 2 ? '; twice for two questions' : ''}`,
    ).argParser(collectScore(questions)),
    new Option('--date <column>', 'the date column (default: detected)'),
    new Option(
      '--date-format <pattern>',
      'read dates with this date-fns pattern, e.g. dd/MM/yyyy HH:mm (default: detected)',
    ),
    new Option('--tz <zone>', "IANA time zone of days and periods (default: the export's own, else UTC)"),
    new Option('--scale <scale>', 'how answers are coded: 0-10, a deliberate 1-10, or a 1-11 recode (mapped to 0-10)')
      .choices(SCALES)
      .default('0-10'),
    new Option('--recode <scale>', 'same as --scale 1-11').argParser((value: string) => {
      if (value !== '1-11') throw new InvalidArgumentError('Only 1-11 can be recoded');
      return value;
    }),
    new Option('--include-partial', 'count unfinished responses (Qualtrics, Typeform) instead of excluding them'),
    new Option(
      '--join <file>',
      'left-join a lookup table (CSV or .xlsx) onto the responses; its columns work in --by, ' +
        '--where, --agent ... (repeatable)',
    ).argParser(collect),
    new Option(
      '--on <key>',
      "each --join's key column: KEY when both name it so, or EXPORT_COLUMN=LOOKUP_COLUMN",
    ).argParser(collect),
    new Option(
      '--join-keep <row>',
      'which row wins when a lookup lists a key twice with other values (default: that is an error)',
    ).choices(['first', 'last']),
    new Option(
      '--dedupe <column>',
      'one response per value of this ID column: the latest by date, else the last; the others excluded as duplicates',
    ),
    ...(threads
      ? [
          new Option(
            '--threads <n>',
            'read a file of 64 MiB or more with N threads (default: one per core; 1: one thread)',
          ).argParser(parsePositive),
        ]
      : []),
    ...dialectOptions(),
  ];
}

function filterOptions(): Option[] {
  return [
    new Option('--since <date>', 'keep responses on or after this day (YYYY-MM-DD, in --tz)'),
    new Option('--until <date>', 'keep responses on or before this day (YYYY-MM-DD, in --tz)'),
    new Option(
      '--last <N><unit>',
      'keep the N latest complete periods (d, w, m, q, y) before --as-of, e.g. 4q, 12w, and any in progress',
    ).argParser(parseLastOption),
    new Option(
      '--as-of <time>',
      'the time the data is as of: periods ending after it are in progress, shown but never judged (default: now)',
    ).argParser(parseAsOf),
    new Option('--fiscal-year-start <month>', 'first month of the fiscal year (1-12 or a name): FY labels')
      .argParser(parseMonth)
      .default(1),
    new Option('--where <column=value>', 'keep rows where column = (or !=) value; repeatable, ANDed').argParser(
      collectWhere,
    ),
  ];
}

function statisticsOptions(withMethod: boolean): Option[] {
  return [
    ...(withMethod
      ? [new Option('--ci-method <method>', 'confidence interval method').choices(INTERVAL_METHODS).default('score')]
      : []),
    new Option('--confidence <level>', 'confidence level, e.g. 0.95 or 90%').argParser(parseConfidence).default(0.95),
  ];
}

function outputOptions(output: SharedGroups['output']): Option[] {
  return [
    new Option('--format <format>', 'output format (default: from the -o extension, else table)').choices(FORMATS),
    new Option(
      '-o, --output <file>',
      'write to this file, atomically; .csv .tsv .json .jsonl .md .html .xlsx .txt pick the format; ' +
        'repeat it to write several from one reading',
    ).argParser(collect),
    ...(output.verbatim
      ? []
      : [new Option('--excel', 'CSV for Excel in Nordic/Polish locales: ; separator, decimal comma, BOM, CRLF')]),
    ...(output.decimals
      ? [new Option('--decimals <n>', 'decimal places of scores and percentages').argParser(parseDecimals).default(1)]
      : []),
    ...(output.listing
      ? [
          new Option(
            '--limit <n>',
            `rows a table or Markdown listing shows, at most ${MAX_LISTED} (CSV and JSON list all)`,
          )
            .argParser(parseLimit)
            .default(50),
        ]
      : []),
  ];
}

/** What the shared groups resolved to, checked once for every command. */
export interface SharedOptions {
  readonly files: readonly string[];
  /** The base scan request: inputs, columns and filters (commands add their groups). */
  readonly scan: ScanRequest;
  readonly statistics: Statistics;
  readonly decimals: number;
  readonly failBelow: number | undefined;
  readonly strict: boolean;
  /** The score column or its scale was named (command line or settings file), not detected. */
  readonly explicitScale: boolean;
  /** Where the report goes, each in its format: stdout, or one file per -o. */
  readonly outputs: readonly Output[];
}

/** One destination of the report: a file (undefined or - for stdout), its format and how it is drawn. */
export interface Output {
  readonly file: string | undefined;
  readonly format: Format;
  readonly render: RenderOptions;
}

/** The raw values commander collects for the shared groups. */
interface SharedFlags {
  score?: string[];
  date?: string;
  dateFormat?: string;
  tz?: string;
  preset?: PresetName;
  includePartial?: boolean;
  last?: { count: number; unit: PeriodUnit };
  asOf?: NonNullable<ScanRequest['asOf']>;
  fiscalYearStart?: number;
  delimiter?: string;
  encoding?: string;
  sheet?: string;
  dedupe?: string;
  weight?: string;
  counts?: boolean;
  join?: string[];
  on?: string[];
  joinKeep?: JoinKeep;
  scale?: Scale;
  recode?: '1-11';
  since?: string;
  until?: string;
  where?: WhereClause[];
  ciMethod?: IntervalMethod;
  confidence?: number;
  format?: Format;
  output?: string[];
  decimals?: number;
  excel?: boolean;
  limit?: number;
  strict?: boolean;
  failBelow?: number;
  maxGroups?: number;
  threads?: number;
}

/** Checks what commander cannot check alone, and shapes the flags for the scan, statistics and renderers. */
export function sharedOptions(cmd: Command, groups: SharedGroups, io: Io): SharedOptions {
  const flags = cmd.opts() as SharedFlags;
  const files = groups.input ? (cmd.args.length > 0 ? cmd.args : ['-']) : [];
  if (files.filter((f) => f === '-').length > 1) throw usageError('standard input (-) can be read only once');
  const twice = files.find((f, i) => f !== '-' && files.findIndex((g) => g !== '-' && sameFile(f, g)) !== i);
  if (twice !== undefined)
    throw usageError(`${twice} is given twice: its rows would be counted twice`, 'give each export once');
  if (files.includes('-') && io.stdin.isTTY) {
    throw usageError('no input: give a CSV file, or pipe one in', `for example: nps ${cmd.name()} survey.csv`);
  }
  const questions = typeof groups.input === 'object' ? groups.input.questions : 1;
  if (groups.input && (flags.score?.length ?? 0) > questions) {
    throw usageError(
      `${cmd.name()} analyses one question: give one score column`,
      'nps agents and nps segments show two questions side by side',
    );
  }
  const since = flags.since === undefined ? undefined : day(flags.since, '--since').start;
  const until = flags.until === undefined ? undefined : day(flags.until, '--until').end;
  if (since !== undefined && until !== undefined && since > until) {
    throw usageError(`--since ${flags.since} is after --until ${flags.until}`, 'swap the two dates');
  }
  const zone = flags.tz === undefined ? undefined : timeZone(flags.tz);
  if (flags.dateFormat !== undefined) {
    try {
      patternReader(flags.dateFormat, zone ?? UTC);
    } catch (err) {
      throw usageError(
        `--date-format ${JSON.stringify(flags.dateFormat)}: ${(err as Error).message}`,
        'use date-fns tokens, e.g. dd/MM/yyyy HH:mm or M/d/yy h:mm a',
      );
    }
  }
  return {
    files,
    scan: {
      files,
      scores: flags.score ?? [],
      date: flags.date,
      delimiter: flags.delimiter,
      encoding: flags.encoding,
      sheet: flags.sheet,
      dedupe: flags.dedupe,
      weight: flags.weight,
      counts: countsFlag(flags),
      joins: joinsOf(flags),
      joinKeep: flags.joinKeep,
      scale: flags.recode ?? flags.scale ?? '0-10',
      where: flags.where ?? [],
      since,
      until,
      last: flags.last,
      asOf: flags.asOf,
      zone,
      preset: flags.preset,
      includePartial: Boolean(flags.includePartial),
      dateFormat: flags.dateFormat,
      fiscalYearStart: flags.fiscalYearStart ?? 1,
      needsDates: false,
      groups: [],
      maxGroups: flags.maxGroups,
      threads: flags.threads,
    },
    statistics: { method: flags.ciMethod ?? 'score', confidence: flags.confidence ?? 0.95 },
    decimals: flags.decimals ?? 1,
    failBelow: flags.failBelow,
    strict: Boolean(flags.strict),
    explicitScale:
      (flags.score?.length ?? 0) > 0 ||
      flags.recode !== undefined ||
      ['cli', 'config'].includes(cmd.getOptionValueSource('scale') ?? ''),
    outputs: outputsOf(cmd, flags).map(({ file, format }) => ({
      file,
      format,
      render: {
        decimals: flags.decimals ?? 1,
        excel: Boolean(flags.excel),
        colorLevel:
          (file !== undefined && file !== '-') || format !== 'table' ? 0 : colorLevel(io.env, io.stdout.isTTY),
        limit: flags.limit,
        width:
          (file === undefined || file === '-') && format === 'table' && io.stdout.isTTY ? io.stdout.columns : undefined,
      },
    })),
  };
}

/**
 * Where the report goes. One -o (or none): as chooseFormat says. Several: one reading writes them
 * all, each file in the format of its extension; --format then says only how `-o -` (stdout) is written.
 */
function outputsOf(cmd: Command, flags: SharedFlags): { file: string | undefined; format: Format }[] {
  const files = flags.output ?? [];
  if (files.length <= 1) return [{ file: files[0], format: chooseFormat(cmd, flags, files[0]) }];
  const toStdout = files.filter((f) => f === '-').length;
  if (toStdout > 1) throw usageError('-o - (standard output) is given twice', 'give it once');
  const twice = files.find(
    (f, i) => f !== '-' && files.findIndex((g) => g !== '-' && canonical(g) === canonical(f)) !== i,
  );
  if (twice !== undefined) throw usageError(`-o ${twice} is given twice`, 'give each output file once');
  if (cmd.getOptionValueSource('format') === 'cli' && toStdout === 0) {
    throw usageError(
      "--format with several -o: each file's format comes from its extension",
      'drop --format, or add -o - to write that format to standard output too',
    );
  }
  const outputs = files.map((file) => ({ file, format: chooseFormat(cmd, flags, file, { several: true }) }));
  if (flags.excel && cmd.getOptionValueSource('excel') === 'cli' && !outputs.some((o) => isDelimited(o.format))) {
    throw usageError('--excel writes CSV, and no -o is a .csv or .tsv file', 'add -o FILE.csv, or drop --excel');
  }
  return outputs;
}

/**
 * The format the user meant for one output: --format on the command line; else the -o file's
 * extension; else CSV when --excel asks for it; else a settings-file format; else a table. One of
 * `several` files takes the format of its extension, whatever --format says (that is for stdout).
 */
function chooseFormat(cmd: Command, flags: SharedFlags, output: string | undefined, { several = false } = {}): Format {
  const toFile = output !== undefined && output !== '-';
  const fromCli = cmd.getOptionValueSource('format') === 'cli' && !(several && toFile) ? flags.format : undefined;
  const extension = toFile ? extname(output).toLowerCase() : '';
  const byExtension = extension ? FORMAT_OF_EXTENSION[extension] : undefined;
  // A single file without an extension (a FIFO, /dev/null) is written as a table, or as --format says.
  if (!fromCli && toFile && !byExtension && (extension !== '' || several)) {
    const hint = several
      ? `with several -o, each file's extension says its format: ${Object.keys(FORMAT_OF_EXTENSION).join(' ')}`
      : `use --format (${FORMATS.join(', ')}) or one of ${Object.keys(FORMAT_OF_EXTENSION).join(' ')}`;
    throw usageError(`-o ${output}: no format is known for ${extension || 'a file without an extension'}`, hint);
  }
  // --excel on the command line asks for CSV; in a settings file it only says how CSV is written.
  const excelFromCli = Boolean(flags.excel) && cmd.getOptionValueSource('excel') === 'cli';
  const wanted = fromCli ?? byExtension ?? (excelFromCli ? 'csv' : undefined) ?? flags.format ?? 'table';
  if (!FORMATS.includes(wanted as Format)) {
    throw usageError(
      `${wanted} output is not available in this version (asked by -o ${output})`,
      `formats: ${FORMATS.join(', ')}`,
    );
  }
  const format = wanted as Format;
  if (excelFromCli && !several && !isDelimited(format)) {
    throw usageError(`--excel writes CSV, not ${format}`, 'drop --excel, or write CSV (--format csv or -o FILE.csv)');
  }
  return format;
}

/** Every option of the command as used (after the settings file and defaults): JSON meta's `options`. */
export function optionsUsed(cmd: Command): Record<string, unknown> {
  const used: Record<string, unknown> = {};
  for (const option of cmd.options) {
    const name = option.attributeName();
    if (name === 'help' || name === 'version') continue;
    const key = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const value = cmd.getOptionValue(name);
    // A flag without a value that was not given is off, not unknown.
    used[key] = value === undefined && !option.required && !option.optional ? false : echo(value);
  }
  return used;
}

/** A --where clause as it is written: column=value or column!=value. */
export const whereText = (w: WhereClause): string => `${w.column}${w.equal ? '=' : '!='}${w.value}`;

const echo = (value: unknown): unknown => {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(echo);
  if (typeof value === 'object' && value !== null) {
    if ('column' in value && 'equal' in value) return whereText(value as WhereClause);
    if ('instant' in value) return new Date((value as { instant: number }).instant).toISOString();
    if ('text' in value) return (value as { text: string }).text;
    if ('count' in value && 'unit' in value) {
      const last = value as { count: number; unit: string };
      return `${last.count}${last.unit[0]}`;
    }
  }
  return value;
};

export function timeZone(name: string): Zone {
  const zone = zoneOf(name);
  if (!zone)
    throw usageError(
      `--tz ${JSON.stringify(name)} is not a time zone`,
      'use an IANA name such as Europe/Stockholm, Europe/Warsaw or UTC',
    );
  return zone;
}

const AS_OF = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** --as-of: a day or an ISO date-time; with Z or an offset an instant, else wall-clock time in --tz. */
function parseAsOf(value: string): NonNullable<ScanRequest['asOf']> {
  const text = value.trim();
  const m = AS_OF.exec(text);
  if (!m || Number.isNaN(parseDate(text, UTC, 'dmy'))) {
    throw new InvalidArgumentError(
      'Give a day or a date-time: 2024-11-25, 2024-11-25T06:00 (in --tz) or 2024-11-25T06:00Z',
    );
  }
  return m[4] ? { instant: parseDate(text, UTC, 'dmy') } : { text };
}

function parseLastOption(value: string): { count: number; unit: PeriodUnit } {
  const last = parseLast(value);
  if (!last) throw new InvalidArgumentError('Write it as a count and a unit: 30d, 12w, 6m, 4q or 2y');
  return last;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function parseMonth(value: string): number {
  const text = value.trim().toLowerCase();
  const n = /^\d+$/.test(text) ? Number(text) : MONTHS.indexOf(text.slice(0, 3)) + 1;
  if (!Number.isInteger(n) || n < 1 || n > 12 || (!/^\d+$/.test(text) && text.length < 3)) {
    throw new InvalidArgumentError('Give a month: 1-12 or a name such as July');
  }
  return n;
}

export function day(text: string, flag: string) {
  const bounds = dayBounds(text);
  if (!bounds)
    throw usageError(
      `${flag} ${JSON.stringify(text)} is not a date`,
      `write it as YYYY-MM-DD, e.g. ${flag} 2024-07-01`,
    );
  return bounds;
}

function parseEncoding(value: string): string {
  if (!knownEncoding(value))
    throw new InvalidArgumentError(
      'Unknown encoding; try windows-1252, windows-1250, iso-8859-1, iso-8859-2 or utf-16le',
    );
  return value;
}

function parseDelimiter(value: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const d = named[value.toLowerCase()] ?? value;
  if (d.length !== 1) throw new InvalidArgumentError('Use one character: , ; tab or |');
  return d;
}

/** --score, repeatable up to the number of questions the command analyses side by side. */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** --counts reads tallies: each row stands for many responses, so it has no ID or weight of its own. */
function countsFlag(flags: SharedFlags): boolean | undefined {
  if (!flags.counts) return undefined;
  if (flags.weight !== undefined)
    throw usageError(
      '--counts and --weight: a counts table holds whole counts',
      'aggregate the weights into the counts, or read the responses with --weight',
    );
  if (flags.dedupe !== undefined)
    throw usageError(
      '--dedupe needs responses: a counts table has no respondents',
      'drop --dedupe, or read the responses',
    );
  return true;
}

/** Each --join with its --on, in order. */
function joinsOf(flags: SharedFlags): JoinSpec[] {
  const files = flags.join ?? [];
  const keys = flags.on ?? [];
  if (files.length !== keys.length) {
    throw usageError(
      `${files.length} --join and ${keys.length} --on: each lookup needs its key`,
      'e.g. --join segments.csv --on user_id (or --on customer_id=id when the names differ)',
    );
  }
  if (flags.joinKeep !== undefined && files.length === 0)
    throw usageError('--join-keep says which lookup row wins: give --join FILE --on KEY', 'or drop --join-keep');
  return files.map((file, i) => ({ file, ...parseOn(keys[i]) }));
}

const collectScore =
  (questions: 1 | 2) =>
  (value: string, previous: string[] | undefined): string[] => {
    const scores = [...(previous ?? []), value];
    if (scores.length > questions) {
      throw new InvalidArgumentError(
        questions === 1
          ? 'Give it once: this command analyses one question (agents and segments take two)'
          : 'Give at most two score columns (e.g. company and agent NPS)',
      );
    }
    return scores;
  };

export function collectWhere(value: string, previous: WhereClause[] | undefined): WhereClause[] {
  const m = /^([^=!]+?)\s*(!=|=)\s*(.*)$/s.exec(value);
  if (!m) throw new InvalidArgumentError('Write it as column=value or column!=value');
  return [...(previous ?? []), { column: m[1].trim(), value: m[3].trim(), equal: m[2] === '=' }];
}

export function parseConfidence(value: string): number {
  const percent = value.trim().endsWith('%');
  const number = Number(value.trim().replace(/%$/, ''));
  // A bare number above 1 is a percentage (95 = 95%); exactly 1 is no confidence level at all.
  const level = percent || number > 1 ? number / 100 : number;
  if (!Number.isFinite(level) || level <= 0 || level >= 1)
    throw new InvalidArgumentError('Give a level between 0 and 1, e.g. 0.95 or 95%');
  return level;
}

export function parseDecimals(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 6) throw new InvalidArgumentError('Give a whole number from 0 to 6');
  return n;
}

/** A terminal table of more rows than this is slow to build and unreadable: CSV and JSON list any number. */
const MAX_LISTED = 1000;

function parseLimit(value: string): number {
  const n = parsePositive(value);
  if (n > MAX_LISTED)
    throw new InvalidArgumentError(`Give at most ${MAX_LISTED}; --format csv or json lists every row`);
  return n;
}

export function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('Give a whole number, 1 or more');
  return n;
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('Give a whole number, 0 or more');
  return n;
}

export function parseNps(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < -100 || n > 100)
    throw new InvalidArgumentError('Give an NPS between -100 and 100');
  return n;
}

/** "90d", "12w" or a number of days. */
export function parseDays(value: string): number {
  const m = /^\s*(\d+)\s*([dw]?)\s*$/i.exec(value);
  const days = m ? Number(m[1]) * (m[2].toLowerCase() === 'w' ? 7 : 1) : Number.NaN;
  if (!(days >= 1)) throw new InvalidArgumentError('Give days or weeks, e.g. 90d or 12w');
  return days;
}
