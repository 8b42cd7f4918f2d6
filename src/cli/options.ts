import { InvalidArgumentError, Option, type Command } from 'commander';
import { SCALES, type Scale } from '../core/answer.js';
import { dayBounds, patternReader } from '../core/date.js';
import { parseLast, type PeriodUnit } from '../core/period.js';
import { UTC, zoneOf, type Zone } from '../core/zone.js';
import { PRESET_NAMES, type PresetName } from '../io/presets.js';
import { INTERVAL_METHODS, type IntervalMethod } from '../core/interval.js';
import type { Statistics } from '../core/summary.js';
import { usageError } from '../errors.js';
import { knownEncoding } from '../io/decode.js';
import type { ScanRequest, WhereClause } from '../io/plan.js';
import { FORMATS, type Format } from '../report/index.js';
import { colorLevel, type RenderOptions } from '../report/style.js';
import type { Io } from '../io/io.js';

/** The option groups every command shares, added to a command in one call each. */

export function addInputOptions(cmd: Command): Command {
  return cmd
    .argument('[files...]', 'CSV exports to read, pooled (.gz is unzipped; - or none reads stdin)')
    .option('--config <file>', `settings file (default: ./nps.config.json when present)`)
    .option('--score <column>', 'the 0-10 answer column, by header or 1-based position (default: detected); twice for two questions', collectScore)
    .option('--date <column>', 'the date column (default: detected)')
    .option('--date-format <pattern>', 'read dates with this date-fns pattern, e.g. dd/MM/yyyy HH:mm (default: detected)')
    .option('--tz <zone>', "IANA time zone for days and periods; dates without an offset are wall-clock time there (default: the export's own, else UTC)")
    .addOption(new Option('--preset <vendor>', 'read the export as this tool writes it (default: recognised by its header)').choices(PRESET_NAMES))
    .option('--include-partial', 'count unfinished responses (Qualtrics, Typeform) instead of excluding them')
    .option('--delimiter <char>', 'field separator: , ; tab or | (default: sniffed)', parseDelimiter)
    .addOption(new Option('--scale <scale>', 'how the answers are coded: 0-10, a deliberate 1-10, or a 1-11 recode mapped back to 0-10').choices(SCALES).default('0-10'))
    .option('--recode <scale>', 'same as --scale 1-11: map a 1-11 recode back to 0-10', (value: string) => {
      if (value !== '1-11') throw new InvalidArgumentError('Only 1-11 can be recoded');
      return value;
    })
    .option('--encoding <name>', 'read the file in this encoding, e.g. windows-1252, windows-1250, iso-8859-2 (default: UTF-8 or UTF-16, detected)', parseEncoding);
}

export function addFilterOptions(cmd: Command): Command {
  return cmd
    .option('--since <date>', 'keep responses on or after this day (YYYY-MM-DD, in --tz)')
    .option('--until <date>', 'keep responses on or before this day (YYYY-MM-DD, in --tz)')
    .option('--last <N><unit>', 'keep the N most recent calendar periods up to the latest date (or --until): d, w, m, q, y; e.g. 4q, 12w', parseLastOption)
    .option('--fiscal-year-start <month>', 'first month of the fiscal year (1-12 or a name): quarter and year labels become FY...', parseMonth, 1)
    .option('--where <column=value>', 'keep rows whose column equals (=) or differs from (!=) a value; repeatable, ANDed', collectWhere);
}

export function addStatisticsOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--ci-method <method>', 'confidence interval method').choices(INTERVAL_METHODS).default('adjusted-wald'))
    .option('--confidence <level>', 'confidence level, e.g. 0.95 or 90%', parseConfidence, 0.95);
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('table'))
    .option('-o, --output <file>', 'write to a file (atomically) instead of stdout')
    .option('--decimals <n>', 'decimal places of scores and percentages', parseDecimals, 1)
    .option('--excel', 'CSV for Excel in Nordic/Polish locales: ; separator, decimal comma, BOM, CRLF')
    .option('--strict', 'fail (exit 4) if any row is excluded')
    .option('--fail-below <nps>', 'exit 1 when NPS is below this value (the report is still written)', parseNps);
}

/** The raw values commander collects for the shared groups. */
export interface SharedFlags {
  config?: string;
  score?: string[];
  date?: string;
  dateFormat?: string;
  tz?: string;
  preset?: PresetName;
  includePartial?: boolean;
  last?: { count: number; unit: PeriodUnit };
  fiscalYearStart: number;
  delimiter?: string;
  encoding?: string;
  scale: Scale;
  recode?: '1-11';
  since?: string;
  until?: string;
  where?: WhereClause[];
  ciMethod: IntervalMethod;
  confidence: number;
  format: Format;
  output?: string;
  decimals: number;
  excel?: boolean;
  strict?: boolean;
  failBelow?: number;
}

export interface SharedOptions {
  readonly scan: ScanRequest;
  readonly statistics: Statistics;
  readonly format: Format;
  readonly output?: string;
  readonly render: RenderOptions;
  readonly strict: boolean;
  readonly failBelow?: number;
  /** The options as given, for JSON meta. */
  readonly echo: Readonly<Record<string, unknown>>;
}

/** Checks what commander cannot check alone, and shapes the flags for the core and renderers. */
export function sharedOptions(files: string[], flags: SharedFlags, io: Io): SharedOptions {
  const where = flags.where ?? [];
  const inputs = files.length > 0 ? files : ['-'];
  if (inputs.filter((f) => f === '-').length > 1) throw usageError('standard input (-) can be read only once');
  if (inputs.includes('-') && io.stdin.isTTY) {
    throw usageError('no input: give a CSV file, or pipe one in', 'for example: nps report survey.csv');
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
      throw usageError(`--date-format ${JSON.stringify(flags.dateFormat)}: ${(err as Error).message}`, 'use date-fns tokens, e.g. dd/MM/yyyy HH:mm or M/d/yy h:mm a');
    }
  }
  const writingToFile = flags.output !== undefined && flags.output !== '-';
  return {
    scan: {
      files: inputs,
      scores: flags.score ?? [],
      date: flags.date,
      delimiter: flags.delimiter,
      encoding: flags.encoding,
      scale: flags.recode ?? flags.scale,
      where,
      since,
      until,
      last: flags.last,
      zone,
      preset: flags.preset,
      includePartial: Boolean(flags.includePartial),
      dateFormat: flags.dateFormat,
      fiscalYearStart: flags.fiscalYearStart,
      needsDates: false,
      groups: [],
    },
    statistics: { method: flags.ciMethod, confidence: flags.confidence },
    format: flags.format,
    output: flags.output,
    render: {
      decimals: flags.decimals,
      excel: Boolean(flags.excel),
      colorLevel: writingToFile ? 0 : colorLevel(io.env, io.stdout.isTTY),
    },
    strict: Boolean(flags.strict),
    failBelow: flags.failBelow,
    echo: {
      config: flags.config ?? null,
      score: flags.score ?? [],
      date: flags.date ?? null,
      date_format: flags.dateFormat ?? null,
      scale: flags.recode ?? flags.scale,
      tz: zone?.name ?? null,
      preset: flags.preset ?? null,
      include_partial: Boolean(flags.includePartial),
      since: flags.since ?? null,
      until: flags.until ?? null,
      last: flags.last ? `${flags.last.count}${flags.last.unit[0]}` : null,
      fiscal_year_start: flags.fiscalYearStart,
      where: where.map((w) => `${w.column}${w.equal ? '=' : '!='}${w.value}`),
      ci_method: flags.ciMethod,
      confidence: flags.confidence,
      decimals: flags.decimals,
      strict: Boolean(flags.strict),
      fail_below: flags.failBelow ?? null,
    },
  };
}

function timeZone(name: string): Zone {
  const zone = zoneOf(name);
  if (!zone) throw usageError(`--tz ${JSON.stringify(name)} is not a time zone`, 'use an IANA name such as Europe/Stockholm, Europe/Warsaw or UTC');
  return zone;
}

function parseLastOption(value: string): { count: number; unit: PeriodUnit } {
  const last = parseLast(value);
  if (!last) throw new InvalidArgumentError('Write it as a count and a unit: 30d, 12w, 6m, 4q or 2y');
  return last;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function parseMonth(value: string): number {
  const text = value.trim().toLowerCase();
  const n = /^\d+$/.test(text) ? Number(text) : MONTHS.indexOf(text.slice(0, 3)) + 1;
  if (!Number.isInteger(n) || n < 1 || n > 12 || (!/^\d+$/.test(text) && text.length < 3)) {
    throw new InvalidArgumentError('Give a month: 1-12 or a name such as July');
  }
  return n;
}

function day(text: string, flag: string) {
  const bounds = dayBounds(text);
  if (!bounds) throw usageError(`${flag} ${JSON.stringify(text)} is not a date`, `write it as YYYY-MM-DD, e.g. ${flag} 2024-07-01`);
  return bounds;
}

function parseEncoding(value: string): string {
  if (!knownEncoding(value)) throw new InvalidArgumentError('Unknown encoding; try windows-1252, windows-1250, iso-8859-1, iso-8859-2 or utf-16le');
  return value;
}

function parseDelimiter(value: string): string {
  const named: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const d = named[value.toLowerCase()] ?? value;
  if (d.length !== 1) throw new InvalidArgumentError('Use one character: , ; tab or |');
  return d;
}

function collectScore(value: string, previous: string[] | undefined): string[] {
  const scores = [...(previous ?? []), value];
  if (scores.length > 2) throw new InvalidArgumentError('Give at most two score columns (e.g. company and agent NPS)');
  return scores;
}

function collectWhere(value: string, previous: WhereClause[] | undefined): WhereClause[] {
  const m = /^([^=!]+?)\s*(!=|=)\s*(.*)$/s.exec(value);
  if (!m) throw new InvalidArgumentError('Write it as column=value or column!=value');
  return [...(previous ?? []), { column: m[1].trim(), value: m[3].trim(), equal: m[2] === '=' }];
}

export function parseConfidence(value: string): number {
  const percent = value.trim().endsWith('%');
  const number = Number(value.trim().replace(/%$/, ''));
  // A bare number above 1 is a percentage (95 = 95%); exactly 1 is no confidence level at all.
  const level = percent || number > 1 ? number / 100 : number;
  if (!Number.isFinite(level) || level <= 0 || level >= 1) throw new InvalidArgumentError('Give a level between 0 and 1, e.g. 0.95 or 95%');
  return level;
}

export function parseDecimals(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 6) throw new InvalidArgumentError('Give a whole number from 0 to 6');
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
  if (value.trim() === '' || !Number.isFinite(n) || n < -100 || n > 100) throw new InvalidArgumentError('Give an NPS between -100 and 100');
  return n;
}
