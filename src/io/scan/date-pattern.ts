import { createRequire } from 'node:module';
import type { format as formatDate } from 'date-fns/format';
import type { isValid as isValidDate } from 'date-fns/isValid';
import type { parse as parseDate } from 'date-fns/parse';
import type { Zone } from '../../core/zone.js';

/*
 * --date-format: dates read with a date-fns pattern. date-fns is loaded only when a pattern is
 * given: its hundred modules would otherwise slow every run's start.
 */

const require = createRequire(import.meta.url);
let dateFns:
  | { readonly parse: typeof parseDate; readonly format: typeof formatDate; readonly isValid: typeof isValidDate }
  | undefined;
const loaded = () => {
  dateFns ??= {
    parse: require('date-fns/parse').parse,
    format: require('date-fns/format').format,
    isValid: require('date-fns/isValid').isValid,
  };
  return dateFns;
};

/**
 * A Date whose local fields are its UTC fields. date-fns works in local fields; handing it this
 * instead of a plain Date makes its result the wall time itself, whatever the time zone of the
 * machine (a plain Date would move times inside the machine zone's own DST gaps).
 */
class WallDate extends Date {
  override getFullYear(): number {
    return this.getUTCFullYear();
  }
  override getMonth(): number {
    return this.getUTCMonth();
  }
  override getDate(): number {
    return this.getUTCDate();
  }
  override getDay(): number {
    return this.getUTCDay();
  }
  override getHours(): number {
    return this.getUTCHours();
  }
  override getMinutes(): number {
    return this.getUTCMinutes();
  }
  override getSeconds(): number {
    return this.getUTCSeconds();
  }
  override getMilliseconds(): number {
    return this.getUTCMilliseconds();
  }
  override getTimezoneOffset(): number {
    return 0;
  }
  // Rest parameters pass on only the arguments given: an explicit undefined would make the date NaN.
  override setFullYear(...a: Parameters<Date['setUTCFullYear']>): number {
    return this.setUTCFullYear(...a);
  }
  override setMonth(...a: Parameters<Date['setUTCMonth']>): number {
    return this.setUTCMonth(...a);
  }
  override setDate(...a: Parameters<Date['setUTCDate']>): number {
    return this.setUTCDate(...a);
  }
  override setHours(...a: Parameters<Date['setUTCHours']>): number {
    return this.setUTCHours(...a);
  }
  override setMinutes(...a: Parameters<Date['setUTCMinutes']>): number {
    return this.setUTCMinutes(...a);
  }
  override setSeconds(...a: Parameters<Date['setUTCSeconds']>): number {
    return this.setUTCSeconds(...a);
  }
  override setMilliseconds(...a: Parameters<Date['setUTCMilliseconds']>): number {
    return this.setUTCMilliseconds(...a);
  }
}

/**
 * Fills the fields a pattern leaves out. Its year 2020 also sets date-fns's two-digit-year window to
 * 1970-2069, the same as parseDate's.
 */
const REFERENCE = new WallDate(Date.UTC(2020, 0, 1));
/** A sample with every field distinct (day above 12, hour above 12), to check a pattern reads what it writes. */
const SAMPLE = new WallDate(Date.UTC(2024, 2, 14, 15, 9, 26, 535));
/** Tokens that make the result an instant: offsets (X x) and Unix seconds and milliseconds (t T). */
const INSTANT_TOKENS = /[XxTt]/;

/**
 * A reader for a user-given date-fns pattern (`dd/MM/yyyy HH:mm`, `yyyy-MM-dd'T'HH:mmXXX`). A
 * pattern with an offset or Unix-time token reads instants, converted to wall times in `zone`; any
 * other pattern reads wall-clock time in `zone`. Throws an Error saying why for a pattern it cannot use.
 */
export function patternReader(pattern: string, zone: Zone): (raw: string) => number {
  checkPattern(pattern);
  const { parse, isValid } = loaded();
  const readsInstants = INSTANT_TOKENS.test(unquoted(pattern));
  return (raw) => {
    const text = raw.trim();
    if (text === '') return NaN;
    const date = parse(text, pattern, REFERENCE);
    if (!isValid(date)) return NaN;
    return readsInstants ? zone.toWall(date.getTime()) : date.getTime();
  };
}

function checkPattern(pattern: string): void {
  const invalid = (why: string) => new Error(`invalid date pattern ${JSON.stringify(pattern)}: ${why}`);
  if (pattern.trim() === '') throw invalid('it is empty');
  const letters = unquoted(pattern);
  // date-fns refuses Y and D with a long message and a printed warning, and cannot read O or z.
  if (letters.includes('Y')) throw invalid("'Y' is the week-numbering year; use 'y' (yyyy) for the calendar year");
  if (letters.includes('D')) throw invalid("'D' is the day of the year; use 'd' (dd) for the day of the month");
  if (/[Oz]/.test(letters))
    throw invalid('zone names (O, z) cannot be read; use X or xxx for an offset such as +01:00 or Z');
  const { parse, format, isValid } = loaded();
  let back: Date;
  try {
    back = parse(format(SAMPLE, pattern), pattern, REFERENCE);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  if (!isValid(back)) throw invalid('it cannot read the dates it describes');
}

/** The pattern without its quoted literals ('T', 'at', '' for a quote), i.e. only its tokens and punctuation. */
function unquoted(pattern: string): string {
  return pattern.replace(/''|'(?:''|[^'])+(?:'|$)/g, '');
}
