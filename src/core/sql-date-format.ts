import type { Dialect } from './sql.js';

/*
 * --date-format in SQL: the date-fns pattern `nps report --date-format` reads, written as each
 * dialect's parse format, and as a regular expression of the text's exact shape (the digits,
 * ranges and separators date-fns accepts). The query parses only text of that shape, so the rows
 * it finds no date in are the rows the command line finds none in, and no text fails the query.
 */

type Field =
  | 'year'
  | 'year2'
  | 'month'
  | 'monthName'
  | 'monthFullName'
  | 'day'
  | 'hour'
  | 'hour12'
  | 'minute'
  | 'second'
  | 'fraction'
  | 'meridiem';
interface FieldPart {
  readonly field: Field;
  readonly token: string;
  /** The most digits date-fns reads for it. */
  readonly digits: number;
  /** Another number follows it directly: it is read at its full width. */
  fixed: boolean;
  /** Another number follows or precedes it directly. */
  inRun: boolean;
}
interface TextPart {
  readonly text: string;
}
type Part = FieldPart | TextPart;

/** A pattern nps sql cannot write for a dialect; the message names the token and the dialect. */
export class UntranslatableDateFormat extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = 'UntranslatableDateFormat';
    this.hint = hint;
  }
}

/** The tokens nps sql writes, with the most digits date-fns reads for each. */
const FIELDS: Readonly<Record<string, readonly [Field, number]>> = {
  y: ['year', 4],
  yyyy: ['year', 4],
  yy: ['year2', 2],
  M: ['month', 2],
  MM: ['month', 2],
  MMM: ['monthName', 0],
  MMMM: ['monthFullName', 0],
  d: ['day', 2],
  dd: ['day', 2],
  H: ['hour', 2],
  HH: ['hour', 2],
  h: ['hour12', 2],
  hh: ['hour12', 2],
  m: ['minute', 2],
  mm: ['minute', 2],
  s: ['second', 2],
  ss: ['second', 2],
  a: ['meridiem', 0],
  aa: ['meridiem', 0],
  aaa: ['meridiem', 0],
  S: ['fraction', 1],
  SS: ['fraction', 2],
  SSS: ['fraction', 3],
  SSSS: ['fraction', 4],
  SSSSS: ['fraction', 5],
  SSSSSS: ['fraction', 6],
};

/** What the date-fns tokens nps sql does not write stand for, by letter. */
const UNWRITTEN: Readonly<Record<string, string>> = {
  X: 'a time-zone offset',
  x: 'a time-zone offset',
  O: 'a time-zone name',
  z: 'a time-zone name',
  t: 'Unix time',
  T: 'Unix time',
  E: 'a day of the week',
  e: 'a day of the week',
  c: 'a day of the week',
  i: 'a day of the week',
  w: 'a week number',
  I: 'a week number',
  R: 'a week-numbering year',
  u: 'an extended year',
  Q: 'a quarter',
  q: 'a quarter',
  L: 'a stand-alone month',
  G: 'an era',
  k: 'an hour 1-24',
  K: 'an hour 0-11',
  b: 'a day period',
  B: 'a day period',
  P: 'a localized date',
  p: 'a localized time',
};

const NUMERIC: ReadonlySet<Field> = new Set([
  'year',
  'year2',
  'month',
  'day',
  'hour',
  'hour12',
  'minute',
  'second',
  'fraction',
]);
const DATE_FIELDS: ReadonlySet<Field> = new Set(['year', 'year2', 'month', 'monthName', 'monthFullName', 'day']);
const MONTH_FIELDS: ReadonlySet<Field> = new Set(['month', 'monthName', 'monthFullName']);
/** Fields date-fns reads ignoring case. */
const NAMED: ReadonlySet<Field> = new Set(['monthName', 'monthFullName', 'meridiem']);
const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/**
 * date-fns's tokens (its formattingTokensRegExp): an ordinal, a run of one letter, a quoted
 * literal, or one character.
 */
const TOKENS = /[yYQqMLwIdDecihHKkms]o|(\w)\1*|''|'(''|[^'])+('|$)|./g;

const isField = (part: Part | undefined, field: Field): part is FieldPart =>
  part !== undefined && 'field' in part && part.field === field;

function partsOf(pattern: string, dialect: Dialect): Part[] {
  const refuse = (token: string, what: string, hint: string) =>
    new UntranslatableDateFormat(`nps sql cannot write the token "${token}" (${what}) for ${dialect}`, hint);
  const parts: Part[] = [];
  for (const token of pattern.match(TOKENS) ?? []) {
    const field = FIELDS[token];
    if (field) parts.push({ field: field[0], token, digits: field[1], fixed: false, inRun: false });
    else if (token === "''") parts.push({ text: "'" });
    else if (token.startsWith("'")) parts.push({ text: token.replace(/^'|'$/g, '').replaceAll("''", "'") });
    else if (/^[A-Za-z]/.test(token)) {
      const known = Object.keys(FIELDS).some((f) => f[0] === token[0]);
      const what = /^.o$/.test(token)
        ? 'an ordinal'
        : (UNWRITTEN[token[0]] ?? (known ? 'this width' : 'no date-fns token'));
      const hint = /^[XxOz]/.test(token)
        ? 'without --date-format the column is cast, which reads ISO 8601 text with its offset'
        : 'spell the date with y, yy, M, MM, MMM, MMMM, d, H, h, m, s, S and a, e.g. M/d/yy H:mm';
      throw refuse(token, what, hint);
    } else parts.push({ text: token });
  }
  // Two numbers in one run of digits split in one way only at fixed widths: all but the last are
  // read at their full width.
  for (let i = 0; i + 1 < parts.length; i++) {
    const part = parts[i];
    const next = parts[i + 1];
    if ('field' in part && 'field' in next && NUMERIC.has(part.field) && NUMERIC.has(next.field)) {
      if (part.token.length === 1 && part.token !== 'y' && part.token !== 'S') {
        throw refuse(
          part.token,
          'one or two digits, followed directly by another number',
          `write it at its full width, ${part.token}${part.token}`,
        );
      }
      part.fixed = true;
      part.inRun = true;
      next.inRun = true;
    }
  }
  const fields = new Set(parts.flatMap((p) => ('field' in p ? [p.field] : [])));
  if (!fields.has('year') && !fields.has('year2')) {
    throw new UntranslatableDateFormat(
      `nps sql needs a year (y, yy or yyyy) in the pattern: ${dialect} would take a year of its own`,
      'add the year, e.g. M/d/yy H:mm',
    );
  }
  const meridiem = parts.find((p): p is FieldPart => isField(p, 'meridiem'));
  if (meridiem && !fields.has('hour12'))
    throw refuse(meridiem.token, 'AM or PM', 'give it the hour it qualifies: h (1-12)');
  return parts;
}

// Each field's shape, as date-fns reads it and then checks its range: at the field's full width
// when a number follows it directly, else one or two digits (years one to four, never 0).
interface Widths {
  readonly fixed: string;
  readonly free: string;
}
const YEAR: Widths = {
  fixed: '([1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])',
  free: '([1-9][0-9]{0,3}|0[1-9][0-9]{0,2}|00[1-9][0-9]?|000[1-9])',
};
/** Divisible by 4, and by 400 when by 100. */
const LEAP_YEAR: Widths = {
  fixed: '([0-9]{2}(0[48]|[2468][048]|[13579][26])|([2468][048]|[13579][26]|0[48])00)',
  free: '([0-9]{0,2}(0[48]|[2468][048]|[13579][26])|[48]|([2468][048]|[13579][26]|0?[48])00)',
};
const YEAR2: Widths = { fixed: '[0-9]{2}', free: '[0-9]{1,2}' };
/** Two-digit years are 1970-2069, where every multiple of 4 is a leap year (2000 is one). */
const LEAP_YEAR2: Widths = { fixed: '([02468][048]|[13579][26])', free: '([02468]?[048]|[13579][26])' };
const DAYS: Readonly<Record<28 | 29 | 30 | 31, Widths>> = {
  31: { fixed: '(0[1-9]|[12][0-9]|3[01])', free: '(0?[1-9]|[12][0-9]|3[01])' },
  30: { fixed: '(0[1-9]|[12][0-9]|30)', free: '(0?[1-9]|[12][0-9]|30)' },
  29: { fixed: '29', free: '29' },
  28: { fixed: '(0[1-9]|1[0-9]|2[0-8])', free: '(0?[1-9]|1[0-9]|2[0-8])' },
};
const HOUR: Widths = { fixed: '([01][0-9]|2[0-3])', free: '([01]?[0-9]|2[0-3])' };
const HOUR12: Widths = { fixed: '(0[1-9]|1[0-2])', free: '(0?[1-9]|1[0-2])' };
const SIXTY: Widths = { fixed: '[0-5][0-9]', free: '[0-5]?[0-9]' };

/** Which months, days and years a date may have: one kind of month, or (ANY_DATE) every date. */
interface Calendar {
  readonly months: readonly number[];
  readonly days: 28 | 29 | 30 | 31;
  readonly leap: boolean;
}
const ANY_DATE: Calendar = { months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], days: 31, leap: false };
/** Months of 31 days, of 30, February, and February 29 in a leap year. */
const CALENDARS: readonly Calendar[] = [
  { months: [1, 3, 5, 7, 8, 10, 12], days: 31, leap: false },
  { months: [4, 6, 9, 11], days: 30, leap: false },
  { months: [2], days: 28, leap: false },
  { months: [2], days: 29, leap: true },
];

/** Digits as a bracket expression: [1-9], [13578]. */
const digitClass = (digits: readonly number[]) =>
  digits.length === 1
    ? String(digits[0])
    : digits.every((d, i) => i === 0 || d === digits[i - 1] + 1)
      ? `[${digits[0]}-${digits.at(-1)}]`
      : `[${digits.join('')}]`;

/** The months as the field writes them: numbers (1-9 with or without a 0, 10-12), short or full English names. */
function monthsRegex(field: Field, months: readonly number[], fixed: boolean): string {
  const alternatives =
    field === 'month'
      ? [
          ...(months.some((m) => m < 10) ? [`${fixed ? '0' : '0?'}${digitClass(months.filter((m) => m < 10))}`] : []),
          ...(months.some((m) => m >= 10) ? [`1${digitClass(months.filter((m) => m >= 10).map((m) => m - 10))}`] : []),
        ]
      : months.map((m) => (field === 'monthName' ? MONTHS[m - 1].slice(0, 3) : MONTHS[m - 1]));
  return alternatives.length === 1 ? alternatives[0] : `(${alternatives.join('|')})`;
}

function fieldRegex(part: FieldPart, calendar: Calendar): string {
  const width = part.fixed ? 'fixed' : 'free';
  switch (part.field) {
    case 'year':
      return (calendar.leap ? LEAP_YEAR : YEAR)[width];
    case 'year2':
      return (calendar.leap ? LEAP_YEAR2 : YEAR2)[width];
    case 'month':
    case 'monthName':
    case 'monthFullName':
      return monthsRegex(part.field, calendar.months, part.fixed);
    case 'day':
      return DAYS[calendar.days][width];
    case 'hour':
      return HOUR[width];
    case 'hour12':
      return HOUR12[width];
    case 'minute':
    case 'second':
      return SIXTY[width];
    case 'fraction':
      return part.fixed ? `[0-9]{${part.digits}}` : `[0-9]{1,${part.digits}}`;
    case 'meridiem':
      return '(am|pm)';
  }
}

/** Literal text in a regular expression every dialect reads alike: specials in brackets, no backslash. */
function literalRegex(text: string, dialect: Dialect): string {
  return [...text]
    .map((ch) => {
      if (/[\\^[\]]/.test(ch))
        throw new UntranslatableDateFormat(
          `nps sql cannot match the character "${ch}" for ${dialect}`,
          'leave it out of the pattern',
        );
      return /[.*+?(){}|$]/.test(ch) ? `[${ch}]` : ch;
    })
    .join('');
}

export interface SqlDateFormat {
  /** The dialect's parse format. */
  readonly format: string;
  /** The whole text's shape, anchored. */
  readonly regex: string;
  /** Month names or AM/PM: the shape is matched ignoring case, as date-fns reads them. */
  readonly caseless: boolean;
}

/**
 * The dialect's parse format and the shape of the text for a date-fns pattern (checked as
 * `--date-format` checks it). `validDays` writes into the shape the days each month has (and
 * February 29 in leap years only), for a dialect whose parse fails the whole query on any other.
 */
export function sqlDateFormat(pattern: string, dialect: Dialect, validDays: boolean): SqlDateFormat {
  const parts = partsOf(pattern, dialect);
  const render = (from: number, to: number, calendar: Calendar) =>
    parts
      .slice(from, to)
      .map((p) => ('field' in p ? fieldRegex(p, calendar) : literalRegex(p.text, dialect)))
      .join('');
  const dateIndexes = parts.flatMap((p, i) => ('field' in p && DATE_FIELDS.has(p.field) ? [i] : []));
  const fields = parts.flatMap((p) => ('field' in p ? [p.field] : []));
  let body = render(0, parts.length, ANY_DATE);
  if (validDays && fields.includes('day') && fields.some((f) => MONTH_FIELDS.has(f))) {
    // From the first date field to the last (the indexes ascend), once per kind of month.
    const first = dateIndexes[0];
    const last = (dateIndexes.at(-1) ?? first) + 1;
    body =
      `${render(0, first, ANY_DATE)}(` +
      `${CALENDARS.map((c) => render(first, last, c)).join('|')})` +
      `${render(last, parts.length, ANY_DATE)}`;
  }
  return { format: FORMATS[dialect](parts, dialect), regex: `^${body}$`, caseless: fields.some((f) => NAMED.has(f)) };
}

type FormatWriter = (parts: readonly Part[], dialect: Dialect) => string;

const PERCENT_CODES: Readonly<Record<Field, string>> = {
  year: '%Y',
  year2: '%y',
  month: '%m',
  monthName: '%b',
  monthFullName: '%B',
  day: '%d',
  hour: '%H',
  hour12: '%I',
  minute: '%M',
  second: '%S',
  fraction: '%f',
  meridiem: '%p',
};

/** Letters and digits in double quotes (else they would read as codes); a separator stands for itself. */
const doubleQuoted = (text: string, escapeRun: (run: string) => string) =>
  text.replace(/[^\s!#-/:-@[\]^_`{-~]+/g, (run) => `"${escapeRun(run)}"`);

const FORMATS: Readonly<Record<Dialect, FormatWriter>> = {
  duckdb: (parts) => parts.map((p) => ('field' in p ? PERCENT_CODES[p.field] : p.text.replaceAll('%', '%%'))).join(''),
  // BigQuery has no element for a fraction alone: seconds and their fraction are one, %E*S.
  bigquery: (parts, dialect) => {
    let format = '';
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      const dot = parts[i + 1];
      if (isField(p, 'second') && dot && 'text' in dot && dot.text === '.' && isField(parts[i + 2], 'fraction')) {
        format += '%E*S';
        i += 2;
      } else if ('field' in p && p.field === 'fraction') {
        throw new UntranslatableDateFormat(
          `nps sql cannot write the token "${p.token}" (a fraction of a second) for ${dialect} apart from its seconds`,
          `${dialect} reads them together: write ss.SSS`,
        );
      } else format += 'field' in p ? PERCENT_CODES[p.field] : p.text.replaceAll('%', '%%');
    }
    return format;
  },
  postgres: (parts) =>
    parts
      .map((p) =>
        'field' in p
          ? {
              year: 'YYYY',
              year2: 'YY',
              month: 'MM',
              monthName: 'Mon',
              monthFullName: 'Month',
              day: 'DD',
              hour: 'HH24',
              hour12: 'HH12',
              minute: 'MI',
              second: 'SS',
              fraction: 'US',
              meridiem: 'AM',
            }[p.field]
          : doubleQuoted(p.text, (run) => run.replaceAll('\\', '\\\\').replaceAll('"', '\\"')),
      )
      .join(''),
  snowflake: (parts, dialect) =>
    parts
      .map((p) => {
        if ('field' in p) {
          return {
            year: 'YYYY',
            year2: 'YY',
            month: 'MM',
            monthName: 'MON',
            monthFullName: 'MMMM',
            day: 'DD',
            hour: 'HH24',
            hour12: 'HH12',
            minute: 'MI',
            second: 'SS',
            fraction: 'FF',
            meridiem: 'AM',
          }[p.field];
        }
        if (p.text.includes('"'))
          throw new UntranslatableDateFormat(
            `nps sql cannot write a double quote in a format for ${dialect}`,
            'leave the quote out of the pattern',
          );
        return doubleQuoted(p.text, (run) => run);
      })
      .join(''),
  // Java-style letters: one letter reads one or more digits, a run of them exactly that many (in
  // a run of digits every number at its width, so that they split).
  spark: (parts) =>
    parts
      .map((p) =>
        'field' in p
          ? {
              year: p.inRun ? 'yyyy' : 'y',
              year2: 'yy',
              month: p.inRun ? 'MM' : 'M',
              monthName: 'MMM',
              monthFullName: 'MMMM',
              day: p.inRun ? 'dd' : 'd',
              hour: p.inRun ? 'HH' : 'H',
              hour12: p.inRun ? 'hh' : 'h',
              minute: p.inRun ? 'mm' : 'm',
              second: p.inRun ? 'ss' : 's',
              fraction: 'S'.repeat(p.digits),
              meridiem: 'a',
            }[p.field]
          : p.text.replace(/[^\s,./:-]+/g, (run) => `'${run.replaceAll("'", "''")}'`),
      )
      .join(''),
};
