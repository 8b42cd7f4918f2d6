/**
 * Timestamps as survey tools and spreadsheets write them, read to wall times in the analysis zone
 * (see zone.ts). A timestamp with an offset, or a Unix time, is an instant and is converted; one
 * without is already wall-clock time in that zone and is kept as written.
 */
import { daysFromCivil } from './period.js';
import { UTC, type Zone } from './zone.js';

/** How a slash date such as 3/4/2024 is read: day first (3 April) or month first (4 March). */
export type DateOrder = 'dmy' | 'mdy';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Excel day numbers count from 1899-12-30; this is 1970-01-01's. */
const EXCEL_UNIX_EPOCH_DAY = 25_569;
const EXCEL_FIRST_DAY = 20_000; // 1954-10-03
const EXCEL_LAST_DAY = 80_000; // 2119-01-11
/** Two-digit years below this are 20xx, the others 19xx. */
const TWO_DIGIT_YEAR_PIVOT = 70;
// Character codes of the common ISO shapes.
const HYPHEN = 45,
  COLON = 58,
  DOT = 46,
  SPACE = 32,
  PLUS = 43,
  UPPER_T = 84,
  UPPER_Z = 90,
  SOLIDUS = 47,
  LOWER_A = 97,
  LOWER_M = 109,
  LOWER_P = 112;

// One regular expression per format, all anchored, so a cell of another format fails at once.
const ISO = new RegExp(
  String.raw`^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?` +
    String.raw`\s*(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?)?$`,
  'i',
);
/** `[,] H:mm[:ss] [AM|PM]` after a date, as spreadsheets and US tools write it. */
const CLOCK = String.raw`(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AP])\.?M\.?)?)?$`;
const SLASH = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})` + CLOCK, 'i');
const DOTTED = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})` + CLOCK, 'i');
const YEAR_FIRST_SLASH = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})` + CLOCK, 'i');
const NUMBER = /^(\d+)(?:[.,](\d+))?$/;

/**
 * Reads one cell as a wall time in `zone`, or NaN. Leading and trailing white space (no-break space
 * included) is ignored. Accepted, with the calendar checked (no 30 February, hour 24 or minute 60):
 *
 *   2024-03-14, 2024-03-14T09:30, 2024-03-14 09:30:00.123, 2024-03-14T09:30:00,5+01:00 (Z, +01:00, +0100, -05)
 *   2024/03/14 [9:30[:00]]
 *   14.03.2024 [9:30[:00]], 14.3.24          always day first
 *   3/4/2024 [9:30[:00] [AM|PM]], 3/4/24     day or month first as `order` says
 *   1710408600[.5]                            Unix seconds (9-10 digits)
 *   1710408600000                             Unix milliseconds (12-13 digits)
 *   45366[.5]                                 Excel day number, 20000 to 80000, wall-clock time
 *
 * Two-digit years 00-69 are 2000-2069 and 70-99 are 1970-1999.
 */
export function parseDate(raw: string, zone: Zone, order: DateOrder): number {
  const text = raw.trim();
  if (text === '') return NaN;
  const common = commonForm(text, zone, order);
  if (common !== undefined) return common;
  let m = ISO.exec(text);
  if (m) return fromIso(m, zone);
  m = SLASH.exec(text);
  if (m) return order === 'dmy' ? fromFields(m[3], m[2], m[1], m) : fromFields(m[3], m[1], m[2], m);
  m = DOTTED.exec(text);
  if (m) return fromFields(m[3], m[2], m[1], m);
  m = YEAR_FIRST_SLASH.exec(text);
  if (m) return fromFields(m[1], m[2], m[3], m);
  m = NUMBER.exec(text);
  if (m) return fromNumber(m[1], m[2], zone);
  return NaN;
}

/**
 * Whether this cell has the D/M/Y slash form whose reading depends on the order (3/4/2024 or
 * 25/12/2021; not 2024/03/04 or 14.03.2024). It checks the form only: to learn which orders a cell
 * allows, read it with both.
 */
export function isSlashDate(raw: string): boolean {
  return SLASH.test(raw.trim());
}

/** The first and last millisecond of a calendar day given as YYYY-MM-DD, or undefined. */
export function dayBounds(day: string): { start: number; end: number } | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const start = parseDate(day, UTC, 'dmy');
  return Number.isNaN(start) ? undefined : { start, end: start + DAY_MS - 1 };
}

function fromIso(m: RegExpExecArray, zone: Zone): number {
  const wall = checkedWallTime(+m[1], +m[2], +m[3], numberOr0(m[4]), numberOr0(m[5]), numberOr0(m[6]), millisOf(m[7]));
  if (m[8] !== undefined) return zone.toWall(wall);
  if (m[9] === undefined) return wall;
  return zone.toWall(wall - offsetMs(m[9] === '-' ? -1 : 1, +m[10], numberOr0(m[11])));
}

/** A UTC offset in milliseconds, or NaN beyond ±23:59. */
function offsetMs(sign: number, hours: number, minutes: number): number {
  return hours > 23 || minutes > 59 ? NaN : sign * (hours * 60 + minutes) * MINUTE_MS;
}

/** The ASCII codes of a cell, for commonWallOf; a longer cell, or one with other characters, takes no common form. */
const scratch = new Uint8Array(40);

function commonForm(text: string, zone: Zone, order: DateOrder): number | undefined {
  const n = text.length;
  if (n > scratch.length) return undefined;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code > 127) return undefined;
    scratch[i] = code;
  }
  const wall = commonWallOf(scratch, 0, n, zone, slashReading);
  return wall === undefined ? undefined : inOrder(wall, slashReading, order);
}

/** The reading of a cell commonWallOf read in `order`: a slash date's month-first one, or the wall it returned. */
export const inOrder = (wall: number, slash: SlashReading, order: DateOrder): number =>
  order === 'mdy' && slash.slash ? slash.monthFirst : wall;

/** How commonWallOf read a cell: whether it is a slash date, and then its month-first reading. */
export interface SlashReading {
  slash: boolean;
  monthFirst: number;
}
const slashReading: SlashReading = { slash: false, monthFirst: Number.NaN };

/**
 * The shapes most exports write, read from their bytes (the reader calls this on the file's
 * bytes, so no string is made): ISO (isoWallOf), and `D.M.Y` or `D/M/Y` (fieldsWallOf). The wall
 * time in `zone` as parseDate gives it, day first for a slash date, whose month-first reading
 * `slash` then holds; undefined for any other text, which parseDate reads.
 */
export function commonWallOf(
  bytes: Uint8Array,
  start: number,
  end: number,
  zone: Zone,
  slash: SlashReading,
): number | undefined {
  slash.slash = false;
  return isoWallOf(bytes, start, end, zone) ?? fieldsWallOf(bytes, start, end, slash);
}

/**
 * The ISO shapes most exports write, read from their bytes (the reader calls this on the file's
 * bytes, so no string is made): `YYYY-MM-DD`, optionally followed by `[T ]HH:mm[:ss[.SSS]]` and
 * then `Z` or `±HH:mm`. The wall time in `zone` as parseDate gives it (NaN for a date not in the
 * calendar); undefined for any other text (white space around it included), which parseDate reads.
 */
function isoWallOf(bytes: Uint8Array, start: number, end: number, zone: Zone): number | undefined {
  const n = end - start;
  if (n < 10 || bytes[start + 4] !== HYPHEN || bytes[start + 7] !== HYPHEN) return undefined;
  const year = digitsAt(bytes, start, 4);
  const month = digitsAt(bytes, start + 5, 2);
  const day = digitsAt(bytes, start + 8, 2);
  if (n === 10) return Number.isNaN(year + month + day) ? undefined : checkedWallTime(year, month, day, 0, 0, 0, 0);

  const separator = bytes[start + 10];
  if ((separator !== UPPER_T && separator !== SPACE) || n < 16 || bytes[start + 13] !== COLON) return undefined;
  const hour = digitsAt(bytes, start + 11, 2);
  const minute = digitsAt(bytes, start + 14, 2);
  let second = 0;
  let ms = 0;
  let i = start + 16;
  if (bytes[i] === COLON && i < end) {
    second = digitsAt(bytes, start + 17, 2);
    i = start + 19;
    if (bytes[i] === DOT && i < end && (end === i + 4 || !isDigit(bytes[i + 4]))) {
      ms = digitsAt(bytes, i + 1, 3);
      i += 4;
    }
  }
  if (Number.isNaN(year + month + day + hour + minute + second + ms) || i > end) return undefined;
  const wall = checkedWallTime(year, month, day, hour, minute, second, ms);
  if (i === end) return wall;
  if (bytes[i] === UPPER_Z && end === i + 1) return zone.toWall(wall);
  if (end === i + 6 && bytes[i + 3] === COLON) {
    const sign = bytes[i] === PLUS ? 1 : bytes[i] === HYPHEN ? -1 : NaN;
    const hours = digitsAt(bytes, i + 1, 2);
    const minutes = digitsAt(bytes, i + 4, 2);
    if (!Number.isNaN(sign + hours + minutes)) return zone.toWall(wall - offsetMs(sign, hours, minutes));
  }
  return undefined;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/** Where the digits read by digitsUpTo stopped. */
let digitsEnd = 0;

/** The number written by 1 to `most` digits from `start`, up to `end` (NaN when there is none); digitsEnd says where they stop. */
function digitsUpTo(bytes: Uint8Array, start: number, end: number, most: number): number {
  let value = 0;
  let i = start;
  for (; i < end && i < start + most && isDigit(bytes[i]); i++) value = value * 10 + (bytes[i] - 48);
  digitsEnd = i;
  return i === start ? NaN : value;
}

/**
 * `D.M.YYYY` as Nordic and German exports write it (always day first) and `M/D/YYYY` or
 * `D/M/YYYY` as others do (either order: the day-first reading is returned, the month-first one
 * left in `slash`), with 1 or 2 digits for day and month and 2 or 4 for the year, then optionally
 * one space, `H:mm` or `H:mm:ss`, and one space and `AM` or `PM`. Read from the bytes as parseDate
 * reads them (NaN for a date not in the calendar); undefined for any other text (a comma, `A.M.`,
 * more space), which parseDate reads.
 */
function fieldsWallOf(bytes: Uint8Array, start: number, end: number, slash: SlashReading): number | undefined {
  const firstPart = digitsUpTo(bytes, start, end, 2);
  const separator = digitsEnd < end ? bytes[digitsEnd] : -1;
  if (separator !== DOT && separator !== SOLIDUS) return undefined;
  const secondPart = digitsUpTo(bytes, digitsEnd + 1, end, 2);
  if (digitsEnd >= end || bytes[digitsEnd] !== separator) return undefined;
  const yearStart = digitsEnd + 1;
  const written = digitsUpTo(bytes, yearStart, end, 4);
  const yearDigits = digitsEnd - yearStart;
  if (yearDigits !== 2 && yearDigits !== 4) return undefined;
  const year = fullYear(written, yearDigits);
  if (Number.isNaN(firstPart + secondPart)) return undefined;
  let i = digitsEnd;
  let hour = 0;
  let minute = 0;
  let seconds = 0;
  if (i < end) {
    if (bytes[i] !== SPACE) return undefined;
    hour = digitsUpTo(bytes, i + 1, end, 2);
    i = digitsEnd;
    if (Number.isNaN(hour) || i + 3 > end || bytes[i] !== COLON) return undefined;
    minute = digitsAt(bytes, i + 1, 2);
    i += 3;
    if (i + 3 <= end && bytes[i] === COLON) {
      seconds = digitsAt(bytes, i + 1, 2);
      i += 3;
    }
    if (i + 3 === end && bytes[i] === SPACE && (bytes[i + 2] | 0x20) === LOWER_M) {
      const meridiem = bytes[i + 1] | 0x20;
      if (meridiem !== LOWER_A && meridiem !== LOWER_P) return undefined;
      hour = clockHour(hour, meridiem === LOWER_P);
      if (Number.isNaN(hour)) return undefined;
      i = end;
    }
    if (i !== end || Number.isNaN(minute + seconds)) return undefined;
  }
  if (separator === SOLIDUS) {
    slash.slash = true;
    slash.monthFirst = checkedWallTime(year, firstPart, secondPart, hour, minute, seconds, 0);
  }
  return checkedWallTime(year, secondPart, firstPart, hour, minute, seconds, 0);
}

/** The number written by `count` decimal digits from `start` (within the cell), or NaN if any is not a digit. */
function digitsAt(bytes: Uint8Array, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = bytes[i];
    if (!isDigit(code)) return NaN;
    value = value * 10 + (code - 48);
  }
  return value;
}

/** A wall time from date fields as written and the CLOCK groups at 4-7 of `m`. */
function fromFields(year: string, month: string, day: string, m: RegExpExecArray): number {
  let hour = numberOr0(m[4]);
  const meridiem = m[7];
  if (meridiem !== undefined) hour = clockHour(hour, meridiem === 'P' || meridiem === 'p');
  return checkedWallTime(fullYear(+year, year.length), +month, +day, hour, numberOr0(m[5]), numberOr0(m[6]), 0);
}

/** A year written with `digits` digits: two-digit years 00-69 are 2000-2069 and 70-99 are 1970-1999. */
const fullYear = (year: number, digits: number): number =>
  digits !== 2 ? year : year < TWO_DIGIT_YEAR_PIVOT ? 2000 + year : 1900 + year;

/** An hour of 1 to 12 written with AM or PM, on the 24-hour clock; NaN for another hour. */
const clockHour = (hour: number, pm: boolean): number => (hour < 1 || hour > 12 ? NaN : (hour % 12) + (pm ? 12 : 0));

/** A plain number: Excel day number, Unix seconds or Unix milliseconds, told apart by their digits. */
function fromNumber(whole: string, fraction: string | undefined, zone: Zone): number {
  const digits = whole.length;
  if (digits === 5) {
    const days = +whole + fractionOf(fraction);
    if (days < EXCEL_FIRST_DAY || days > EXCEL_LAST_DAY) return NaN;
    return Math.round((days - EXCEL_UNIX_EPOCH_DAY) * DAY_MS);
  }
  if (digits === 9 || digits === 10) return zone.toWall(+whole * 1000 + Math.round(fractionOf(fraction) * 1000));
  if ((digits === 12 || digits === 13) && fraction === undefined) return zone.toWall(+whole);
  return NaN;
}

/** The value of digits written after a decimal point. */
function fractionOf(digits: string | undefined): number {
  return digits === undefined ? 0 : +digits / 10 ** digits.length;
}

/** Milliseconds of a decimal fraction of a second, truncated: '5' is 500, '123456' is 123. */
function millisOf(digits: string | undefined): number {
  if (digits === undefined) return 0;
  const n = digits.length;
  return n <= 3 ? +digits * 10 ** (3 - n) : Math.floor(+digits / 10 ** (n - 3));
}

const numberOr0 = (digits: string | undefined): number => (digits === undefined ? 0 : +digits);

/** The wall time of calendar fields, or NaN when they name no real date and time. */
function checkedWallTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
    return NaN;
  // Arithmetic, as wallTime would give for fields in range: Date.UTC costs more than the parse.
  return daysFromCivil(year, month, day) * DAY_MS + hour * HOUR_MS + minute * MINUTE_MS + second * 1000 + ms;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1];
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}
