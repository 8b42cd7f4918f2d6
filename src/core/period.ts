/**
 * Calendar periods (years, quarters, months, ISO weeks, days) as integer keys.
 *
 * Everything here works on wall times: the milliseconds of a calendar date-time read with UTC
 * arithmetic in the analysis time zone. Keys of consecutive periods are consecutive integers, so a
 * trend can step from one period to the next with key + 1 and spot empty periods as gaps in the keys.
 *
 * periodKey runs once per row, so it is arithmetic only: no Date objects, no strings, no allocation.
 */
export type PeriodUnit = 'year' | 'quarter' | 'month' | 'week' | 'day';

export const PERIOD_UNITS: readonly PeriodUnit[] = ['year', 'quarter', 'month', 'week', 'day'];

export interface Calendar {
  readonly unit: PeriodUnit;
  /** Month (1-12) in which the fiscal year starts; 1 means fiscal years are calendar years. */
  readonly fiscalYearStart: number;
}

/** Days, as daily charts and rolling windows count them. */
export const DAYS: Calendar = { unit: 'day', fiscalYearStart: 1 };

const MS_PER_DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------
// Civil calendar arithmetic (Howard Hinnant, "chrono-Compatible Low-Level Date Algorithms"),
// with Math.floor so that days before 1970 come out right.

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Years start in March so the leap day is the last day of the year.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** year * 12 + (month - 1) of the day `days` after 1970-01-01: year and month in one number, no allocation. */
function monthIndexOfDay(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const month0 = monthFromMarch < 10 ? monthFromMarch + 2 : monthFromMarch - 10;
  const year = yearOfEra + era * 400 + (month0 <= 1 ? 1 : 0);
  return year * 12 + month0;
}

/** Days since 1970-01-01 of the first day of a month given as year * 12 + (month - 1). */
function daysFromMonthIndex(monthIndex: number): number {
  const year = Math.floor(monthIndex / 12);
  return daysFromCivil(year, monthIndex - year * 12 + 1, 1);
}

const dayOfWall = (wall: number): number => Math.floor(wall / MS_PER_DAY);

// ---------------------------------------------------------------------------------------------
// Fiscal years: shifting a month index forward by this many months makes a fiscal year line up with
// a calendar year, named by the year in which it ends (start 7: July 2024 shifts to January 2025).

const fiscalShift = (calendar: Calendar): number => (13 - calendar.fiscalYearStart) % 12;

const isFiscal = (calendar: Calendar): boolean => calendar.fiscalYearStart !== 1;

// ---------------------------------------------------------------------------------------------
// ISO 8601 weeks: keys count Mondays from the Monday before 1970-01-01 (a Thursday), so the Thursday
// of week k is day 7k, and a week belongs to the ISO week-year of its Thursday.

const weekKeyOfDay = (days: number): number => Math.floor((days + 3) / 7);

const mondayOfWeek = (weekKey: number): number => weekKey * 7 - 3;

const isoYearOfWeek = (weekKey: number): number => Math.floor(monthIndexOfDay(weekKey * 7) / 12);

/** Key of ISO week 1 of a week-year: the week holding 4 January. */
const firstWeekOfIsoYear = (isoYear: number): number => weekKeyOfDay(daysFromCivil(isoYear, 1, 4));

// ---------------------------------------------------------------------------------------------

/**
 * Integer key of the period holding a wall time; consecutive periods have consecutive keys, so
 * key+1 is the next period.
 */
export function periodKey(wall: number, calendar: Calendar): number {
  const days = dayOfWall(wall);
  switch (calendar.unit) {
    case 'day':
      return days;
    case 'week':
      return weekKeyOfDay(days);
    case 'month':
      return monthIndexOfDay(days);
    case 'quarter':
      return Math.floor((monthIndexOfDay(days) + fiscalShift(calendar)) / 3);
    case 'year':
      return Math.floor((monthIndexOfDay(days) + fiscalShift(calendar)) / 12);
  }
}

/** First millisecond (wall time) of a period. */
export function periodStart(key: number, calendar: Calendar): number {
  return startDayOfPeriod(key, calendar) * MS_PER_DAY;
}

/** Last millisecond (wall time) of a period. */
export function periodEnd(key: number, calendar: Calendar): number {
  return periodStart(key + 1, calendar) - 1;
}

function startDayOfPeriod(key: number, calendar: Calendar): number {
  switch (calendar.unit) {
    case 'day':
      return key;
    case 'week':
      return mondayOfWeek(key);
    case 'month':
      return daysFromMonthIndex(key);
    case 'quarter':
      return daysFromMonthIndex(key * 3 - fiscalShift(calendar));
    case 'year':
      return daysFromMonthIndex(key * 12 - fiscalShift(calendar));
  }
}

// ---------------------------------------------------------------------------------------------
// Labels

const pad = (n: number, width: number): string => (n < 0 ? `-${pad(-n, width)}` : String(n).padStart(width, '0'));

/**
 * Label: '2024' | '2024-Q3' | '2024-09' | '2024-W36' (ISO week-year) | '2024-09-15'; fiscal years
 * as 'FY2025', 'FY2025-Q1'.
 */
export function periodLabel(key: number, calendar: Calendar): string {
  const fy = isFiscal(calendar) ? 'FY' : '';
  switch (calendar.unit) {
    case 'year':
      return `${fy}${pad(key, 4)}`;
    case 'quarter': {
      const year = Math.floor(key / 4);
      return `${fy}${pad(year, 4)}-Q${key - year * 4 + 1}`;
    }
    case 'month': {
      const year = Math.floor(key / 12);
      return `${pad(year, 4)}-${pad(key - year * 12 + 1, 2)}`;
    }
    case 'week': {
      const isoYear = isoYearOfWeek(key);
      return `${pad(isoYear, 4)}-W${pad(key - firstWeekOfIsoYear(isoYear) + 1, 2)}`;
    }
    case 'day': {
      const monthIndex = monthIndexOfDay(key);
      const year = Math.floor(monthIndex / 12);
      const dayOfMonth = key - daysFromMonthIndex(monthIndex) + 1;
      return `${pad(year, 4)}-${pad(monthIndex - year * 12 + 1, 2)}-${pad(dayOfMonth, 2)}`;
    }
  }
}

const YEAR_LABEL = /^(FY)?(\d{4})$/i;
const QUARTER_LABEL = /^(FY)?(\d{4})-Q([1-4])$/i;
const MONTH_LABEL = /^(\d{4})-(\d{2})$/;
const WEEK_LABEL = /^(\d{4})-W(\d{2})$/i;
const DAY_LABEL = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a label back to a key, case-insensitive ('2024-q3', 'fy2025-q1'); undefined if it is not a
 * label of this calendar's unit. A fiscal calendar takes only FY labels and a calendar-year one only
 * plain ones, so '2025' is never silently read as a fiscal year or the other way round.
 */
export function parsePeriodLabel(label: string, calendar: Calendar): number | undefined {
  switch (calendar.unit) {
    case 'year': {
      const m = YEAR_LABEL.exec(label);
      if (!m || Boolean(m[1]) !== isFiscal(calendar)) return undefined;
      return Number(m[2]);
    }
    case 'quarter': {
      const m = QUARTER_LABEL.exec(label);
      if (!m || Boolean(m[1]) !== isFiscal(calendar)) return undefined;
      return Number(m[2]) * 4 + Number(m[3]) - 1;
    }
    case 'month': {
      const m = MONTH_LABEL.exec(label);
      if (!m) return undefined;
      const month = Number(m[2]);
      return month >= 1 && month <= 12 ? Number(m[1]) * 12 + month - 1 : undefined;
    }
    case 'week': {
      const m = WEEK_LABEL.exec(label);
      if (!m) return undefined;
      const isoYear = Number(m[1]);
      const key = firstWeekOfIsoYear(isoYear) + Number(m[2]) - 1;
      // Week 53 exists only in some years; W00 and a missing W53 fall into a neighbouring week-year.
      return isoYearOfWeek(key) === isoYear ? key : undefined;
    }
    case 'day': {
      const m = DAY_LABEL.exec(label);
      if (!m) return undefined;
      const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (month < 1 || month > 12 || day < 1) return undefined;
      const key = daysFromCivil(year, month, day);
      // A day past the end of its month (2023-02-29) lands in the next month.
      return monthIndexOfDay(key) === year * 12 + month - 1 ? key : undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// --last N<unit>

const UNIT_LETTERS: Readonly<Record<string, PeriodUnit>> = { y: 'year', q: 'quarter', m: 'month', w: 'week', d: 'day' };

const LAST = /^(\d+)([yqmwd])$/i;

/** `--last N<unit>`: '4q', '12w', '6m', '30d', '2y' (also '4Q'); undefined if malformed or N < 1. */
export function parseLast(text: string): { count: number; unit: PeriodUnit } | undefined {
  const m = LAST.exec(text);
  if (!m) return undefined;
  const count = Number(m[1]);
  if (count < 1 || !Number.isSafeInteger(count)) return undefined;
  return { count, unit: UNIT_LETTERS[m[2].toLowerCase()] };
}

/**
 * Where a window of periods may end: 'complete' at the latest complete period (later rows are left
 * out), 'in-progress' at the period still in progress (it is one of the N), 'open' past it (the
 * N complete periods, then whatever is in progress or later, shown but never judged).
 */
export type WindowEnd = 'complete' | 'in-progress' | 'open';

/** A run of period keys, both ends inclusive; `last` may be Infinity. */
export interface PeriodRange {
  readonly first: number;
  readonly last: number;
}

/**
 * The period in progress at `boundary`, a wall time that ends the data (the as-of time, or the
 * end of --until): the one holding it. Every period before it is complete; it and any later one are not.
 */
export const periodInProgress = (boundary: number, calendar: Calendar): number => periodKey(boundary, calendar);

/** Whether a period had ended by `boundary` (exclusive): only such a period is tested or judged. */
export const isComplete = (key: number, calendar: Calendar, boundary: number): boolean =>
  key < periodInProgress(boundary, calendar);

/** `--last N`: the keys of the N latest complete periods at `boundary`, ending as `end` says. */
export function lastPeriods(boundary: number, count: number, calendar: Calendar, end: WindowEnd = 'open'): PeriodRange {
  if (!Number.isSafeInteger(count) || count < 1)
    throw new RangeError(`period count must be a whole number >= 1, got ${count}`);
  const current = periodInProgress(boundary, calendar);
  if (end === 'in-progress') return { first: current - count + 1, last: current };
  return { first: current - count, last: end === 'complete' ? current - 1 : Infinity };
}

// Which period units tile a window of another unit exactly (weeks do not tile months or years).
const TILES: Readonly<Record<PeriodUnit, readonly PeriodUnit[]>> = {
  year: ['year', 'quarter', 'month', 'day'],
  quarter: ['quarter', 'month', 'day'],
  month: ['month', 'day'],
  week: ['week', 'day'],
  day: ['day'],
};

/** Whether a window of whole `window` periods is made of whole `period` periods. */
export const tiles = (window: PeriodUnit, period: PeriodUnit): boolean => TILES[window].includes(period);
