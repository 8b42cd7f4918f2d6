import { format } from 'date-fns/format';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../../src/core/sql.js';
import { sqlDateFormat, UntranslatableDateFormat } from '../../src/core/sql-date-format.js';
import { UTC } from '../../src/core/zone.js';
import { patternReader } from '../../src/io/scan/date-pattern.js';

/*
 * The shape nps sql matches before it parses a --date-format date must accept exactly the text
 * the command line reads a date from (date-fns, through patternReader): else the warehouse would
 * count rows the command line leaves out, or PostgreSQL's to_timestamp would fail the query.
 */

const PATTERNS = [
  'M/d/yy H:mm',
  'MM/dd/yyyy HH:mm:ss',
  'dd.MM.yyyy',
  'd.M.y H:mm',
  'yyyy-MM-dd HH:mm:ss.SSS',
  "yyyy-MM-dd'T'HH:mm",
  'yyyyMMdd HHmm',
  'd MMM yyyy h:mm a',
  'MMMM d, yyyy',
  'M/yyyy',
  'dd/MM/yy',
];

/** Text near a pattern's shape: a date it formats, then a number, a character or the case changed. */
const nearShape = (pattern: string) =>
  fc
    .record({
      year: fc.integer({ min: 1970, max: 2069 }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      minute: fc.integer({ min: 0, max: 59 }),
      millisecond: fc.integer({ min: 0, max: 59_999 }),
      edits: fc.array(
        fc.oneof(
          fc.record({
            run: fc.nat(),
            digits: fc.oneof(
              fc.integer({ min: 0, max: 32 }).map(String),
              fc.integer({ min: 0, max: 9 }).map((n) => `0${n}`),
              fc.constantFrom(
                '29',
                '30',
                '31',
                '00',
                '000',
                '0000',
                '2000',
                '1900',
                '2100',
                '0400',
                '96',
                '13',
                '24',
                '60',
                '123',
              ),
              fc.integer({ min: 0, max: 9999 }).map(String),
            ),
          }),
          fc.record({ at: fc.nat(), insert: fc.constantFrom(' ', '/', '0', '') }),
          fc.constantFrom('upper', 'lower'),
        ),
        { maxLength: 3 },
      ),
    })
    .map(({ year, month, day, hour, minute, millisecond, edits }) => {
      let text = format(
        new Date(year, month - 1, day, hour, minute, Math.floor(millisecond / 1000), millisecond % 1000),
        pattern,
      );
      for (const edit of edits) {
        if (edit === 'upper') text = text.toUpperCase();
        else if (edit === 'lower') text = text.toLowerCase();
        else if ('run' in edit) {
          const runs = [...text.matchAll(/[0-9]+/g)];
          const run = runs[edit.run % Math.max(runs.length, 1)];
          if (run?.index !== undefined)
            text = text.slice(0, run.index) + edit.digits + text.slice(run.index + run[0].length);
        } else {
          const at = edit.at % (text.length + 1);
          text =
            edit.insert === ''
              ? text.slice(0, at) + text.slice(at + 1)
              : text.slice(0, at) + edit.insert + text.slice(at);
        }
      }
      // What SQL's TRIM leaves, as the command line trims the cell.
      return text.replace(/^ +| +$/g, '');
    });

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
 * The words nps sql reads: English month names at the pattern's width, AM and PM. date-fns also
 * reads a month's first letter (J for January), an abbreviation where the pattern has the full
 * name, and a.m., p.m., noon or midnight; those are left without a date (a test below lists them).
 */
const wordsReadIn = (pattern: string) => {
  const words = new Set(
    pattern.includes('MMMM') ? MONTHS : pattern.includes('MMM') ? MONTHS.map((m) => m.slice(0, 3)) : [],
  );
  if (/a/.test(pattern.replace(/'[^']*'/g, ''))) for (const w of ['am', 'pm']) words.add(w);
  for (const literal of pattern.match(/'[^']*'/g) ?? [])
    for (const w of literal.match(/[a-z]+/gi) ?? []) words.add(w.toLowerCase());
  return (text: string) => (text.match(/[a-z]+/gi) ?? []).every((w) => words.has(w.toLowerCase()));
};

describe('the shape of a --date-format date', () => {
  it.each(PATTERNS)('%s: with the days of each month, it accepts exactly the text date-fns reads', (pattern) => {
    const read = patternReader(pattern, UTC);
    const { regex, caseless } = sqlDateFormat(pattern, 'postgres', true);
    const shape = new RegExp(regex, caseless ? 'i' : '');
    const readable = wordsReadIn(pattern);
    fc.assert(
      fc.property(nearShape(pattern), (text) => {
        fc.pre(readable(text));
        expect(shape.test(text), text).toBe(!Number.isNaN(read(text)));
      }),
      { numRuns: 3000 },
    );
  });

  it.each(PATTERNS)('%s: without them, it accepts all the text date-fns reads, and no other shape', (pattern) => {
    const read = patternReader(pattern, UTC);
    const withDays = new RegExp(sqlDateFormat(pattern, 'postgres', true).regex, 'i');
    const { regex, caseless } = sqlDateFormat(pattern, 'duckdb', false);
    const shape = new RegExp(regex, caseless ? 'i' : '');
    const readable = wordsReadIn(pattern);
    fc.assert(
      fc.property(nearShape(pattern), (text) => {
        fc.pre(readable(text));
        if (!Number.isNaN(read(text))) expect(shape.test(text), text).toBe(true);
        // What it accepts beyond: only days a month does not have, which the dialect's parse leaves without a date.
        if (shape.test(text) && Number.isNaN(read(text))) expect(withDays.test(text), text).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['8/31/18 18:37', true],
    ['1/2/19 9:05', true],
    ['13/45/18 99:99', false],
    ['garbage', false],
    ['', false],
    ['2/30/18 1:00', false],
    ['2/29/19 1:00', false],
    ['2/29/20 1:00', true],
    ['2/29/00 1:00', true],
    ['8/31/18  18:37', false],
    ['8-31-18 18:37', false],
    ['8/31/18 18:37:00', false],
    ['4/31/18 1:00', false],
  ])('M/d/yy H:mm: %j is read: %s', (text, readable) => {
    expect(Number.isNaN(patternReader('M/d/yy H:mm', UTC)(text))).toBe(!readable);
    expect(new RegExp(sqlDateFormat('M/d/yy H:mm', 'postgres', true).regex).test(text)).toBe(readable);
  });

  it.each([
    ['d MMM yyyy h:mm a', '10 n 1970 1:00 AM'],
    ['d MMM yyyy h:mm a', '10 Jan 1970 1:00 a.m.'],
    ['d MMM yyyy h:mm a', '10 Jan 1970 12:00 noon'],
    ['MMMM d, yyyy', 'Jun 1, 2001'],
  ])('%s: date-fns also reads %j, which nps sql leaves without a date', (pattern, text) => {
    expect(Number.isNaN(patternReader(pattern, UTC)(text))).toBe(false);
    expect(new RegExp(sqlDateFormat(pattern, 'postgres', true).regex, 'i').test(text)).toBe(false);
  });
});

describe("each dialect's parse format", () => {
  it.each([
    [
      'M/d/yy H:mm',
      {
        duckdb: '%m/%d/%y %H:%M',
        postgres: 'MM/DD/YY HH24:MI',
        bigquery: '%m/%d/%y %H:%M',
        snowflake: 'MM/DD/YY HH24:MI',
        spark: 'M/d/yy H:m',
      },
    ],
    [
      "yyyy-MM-dd'T'HH:mm:ss.SSS",
      {
        duckdb: '%Y-%m-%dT%H:%M:%S.%f',
        postgres: 'YYYY-MM-DD"T"HH24:MI:SS.US',
        bigquery: '%Y-%m-%dT%H:%M:%E*S',
        snowflake: 'YYYY-MM-DD"T"HH24:MI:SS.FF',
        spark: "y-M-d'T'H:m:s.SSS",
      },
    ],
    [
      'd MMM yyyy h:mm a',
      {
        duckdb: '%d %b %Y %I:%M %p',
        postgres: 'DD Mon YYYY HH12:MI AM',
        bigquery: '%d %b %Y %I:%M %p',
        snowflake: 'DD MON YYYY HH12:MI AM',
        spark: 'd MMM y h:m a',
      },
    ],
    [
      'MMMM d, yyyy',
      {
        duckdb: '%B %d, %Y',
        postgres: 'Month DD, YYYY',
        bigquery: '%B %d, %Y',
        snowflake: 'MMMM DD, YYYY',
        spark: 'MMMM d, y',
      },
    ],
    [
      'yyyyMMdd HHmm',
      {
        duckdb: '%Y%m%d %H%M',
        postgres: 'YYYYMMDD HH24MI',
        bigquery: '%Y%m%d %H%M',
        snowflake: 'YYYYMMDD HH24MI',
        spark: 'yyyyMMdd HHmm',
      },
    ],
    [
      "dd.MM.yyyy 'at' HH:mm '100%'",
      {
        duckdb: '%d.%m.%Y at %H:%M 100%%',
        postgres: 'DD.MM.YYYY "at" HH24:MI "100"%',
        bigquery: '%d.%m.%Y at %H:%M 100%%',
        snowflake: 'DD.MM.YYYY "at" HH24:MI "100"%',
        spark: "d.M.y 'at' H:m '100%'",
      },
    ],
  ] as const)('%s', (pattern, formats) => {
    for (const dialect of DIALECTS)
      expect(sqlDateFormat(pattern, dialect, false).format, dialect).toBe(formats[dialect]);
  });

  it('matches month names and AM/PM ignoring case, as date-fns reads them', () => {
    expect(sqlDateFormat('d MMM yyyy h:mm a', 'duckdb', false).caseless).toBe(true);
    expect(sqlDateFormat('M/d/yy H:mm', 'duckdb', false).caseless).toBe(false);
  });
});

describe('what nps sql does not write', () => {
  it.each([
    [
      "yyyy-MM-dd'T'HH:mmXXX",
      'duckdb',
      'nps sql cannot write the token "XXX" (a time-zone offset) for duckdb',
      /ISO 8601 text with its offset/,
    ],
    [
      'EEE, d MMM yyyy',
      'postgres',
      'nps sql cannot write the token "EEE" (a day of the week) for postgres',
      /M\/d\/yy H:mm/,
    ],
    [
      'yyyyMd',
      'spark',
      'nps sql cannot write the token "M" (one or two digits, followed directly by another number) for spark',
      /MM/,
    ],
    [
      'dd/MM',
      'snowflake',
      'nps sql needs a year (y, yy or yyyy) in the pattern: snowflake would take a year of its own',
      /add the year/,
    ],
    [
      'yyyy-MM-dd HH:mm:ss,SSS',
      'bigquery',
      'nps sql cannot write the token "SSS" (a fraction of a second) for bigquery apart from its seconds',
      /ss\.SSS/,
    ],
    ['yyyy-MM-dd ko', 'duckdb', 'nps sql cannot write the token "ko" (an ordinal) for duckdb', /spell the date/],
    ["yyyy-MM-dd '['", 'duckdb', 'nps sql cannot match the character "[" for duckdb', /leave it out/],
  ] as const)('%s for %s', (pattern, dialect, message, hint) => {
    const error = (() => {
      try {
        sqlDateFormat(pattern, dialect, dialect === 'postgres');
      } catch (err) {
        return err;
      }
    })();
    expect(error).toBeInstanceOf(UntranslatableDateFormat);
    expect((error as UntranslatableDateFormat).message).toBe(message);
    expect((error as UntranslatableDateFormat).hint).toMatch(hint);
  });

  it('writes seconds and their fraction as one element for BigQuery', () => {
    expect(sqlDateFormat('yyyy-MM-dd HH:mm:ss.SSS', 'bigquery', false).format).toBe('%Y-%m-%d %H:%M:%E*S');
  });
});
