import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonWallOf, type DateOrder, dayBounds, isSlashDate, parseDate } from '../../src/core/date.js';
import { UTC, type Zone, zoneOf } from '../../src/core/zone.js';
import { patternReader } from '../../src/io/scan/date-pattern.js';

// Wall times are shown as ISO strings, as if they were UTC; 'NaN' for an unreadable cell.
const iso = (wall: number) => (Number.isNaN(wall) ? 'NaN' : new Date(wall).toISOString());
const STOCKHOLM = zoneOf('Europe/Stockholm') as Zone;
const ORDERS: DateOrder[] = ['dmy', 'mdy'];

describe('parseDate, formats whose reading does not depend on the order', () => {
  it.each([
    // ISO 8601 without an offset: wall-clock time as written
    ['2024-03-14', '2024-03-14T00:00:00.000Z'],
    ['2024-03-14T09:30', '2024-03-14T09:30:00.000Z'],
    ['2024-03-14 09:30', '2024-03-14T09:30:00.000Z'],
    ['2024-03-14 9:30', '2024-03-14T09:30:00.000Z'],
    ['2024-03-14 09:30:00', '2024-03-14T09:30:00.000Z'],
    ['2024-03-14T09:30:15.123', '2024-03-14T09:30:15.123Z'],
    ['2024-03-14T09:30:15,5', '2024-03-14T09:30:15.500Z'],
    ['2024-03-14T09:30:15.123456789', '2024-03-14T09:30:15.123Z'],
    ['0024-03-14', '0024-03-14T00:00:00.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    // ISO 8601 with an offset: an instant (shown here in UTC)
    ['2024-03-14T09:30:00Z', '2024-03-14T09:30:00.000Z'],
    ['2024-03-14t09:30:00z', '2024-03-14T09:30:00.000Z'],
    ['2024-03-14T09:30Z', '2024-03-14T09:30:00.000Z'],
    ['2024-03-14T09:30:00+01:00', '2024-03-14T08:30:00.000Z'],
    ['2024-03-14T09:30:00+0100', '2024-03-14T08:30:00.000Z'],
    ['2024-03-14T09:30:00-05', '2024-03-14T14:30:00.000Z'],
    ['2024-03-14 09:30:00 +01:00', '2024-03-14T08:30:00.000Z'],
    ['2024-03-14T09:30:00.250-05:30', '2024-03-14T15:00:00.250Z'],
    ['2024-01-01T00:30:00+01:00', '2023-12-31T23:30:00.000Z'],
    ['2024-03-14T09:30:00.123Z', '2024-03-14T09:30:00.123Z'],
    ['2024-03-14T09:30:00.123+01:00', '2024-03-14T08:30:00.123Z'],
    ['2024-03-14 09:30:00.123-01:00', '2024-03-14T10:30:00.123Z'],
    ['2024-03-14T09:30:00.1Z', '2024-03-14T09:30:00.100Z'],
    ['2024-03-14T09:30:00.12Z', '2024-03-14T09:30:00.120Z'],
    ['2024-03-14T09:30:00.1239Z', '2024-03-14T09:30:00.123Z'],
    ['2024-03-14T09:30:00,123Z', '2024-03-14T09:30:00.123Z'],
    ['2024-03-14T09:30+01:00', '2024-03-14T08:30:00.000Z'],
    // year first with slashes
    ['2024/03/04', '2024-03-04T00:00:00.000Z'],
    ['2024/3/4 7:05', '2024-03-04T07:05:00.000Z'],
    ['2024/12/31 23:59:59', '2024-12-31T23:59:59.000Z'],
    // dotted: always day first
    ['14.03.2024', '2024-03-14T00:00:00.000Z'],
    ['1.3.2024 7:05', '2024-03-01T07:05:00.000Z'],
    ['14.03.2024 23:59:59', '2024-03-14T23:59:59.000Z'],
    ['3.4.24', '2024-04-03T00:00:00.000Z'],
    ['31.12.99', '1999-12-31T00:00:00.000Z'],
    ['05.06.2024 12:00', '2024-06-05T12:00:00.000Z'],
    // Unix seconds and milliseconds: instants
    ['1710408600', '2024-03-14T09:30:00.000Z'],
    ['1710408600.25', '2024-03-14T09:30:00.250Z'],
    ['946684800', '2000-01-01T00:00:00.000Z'],
    ['1710408600123', '2024-03-14T09:30:00.123Z'],
    ['946684800000', '2000-01-01T00:00:00.000Z'],
    // Excel day numbers: days since 1899-12-30, wall-clock time
    ['45366', '2024-03-15T00:00:00.000Z'],
    ['45366.5', '2024-03-15T12:00:00.000Z'],
    ['45366,25', '2024-03-15T06:00:00.000Z'],
    ['45366.3958333333', '2024-03-15T09:30:00.000Z'],
    ['25569', '1970-01-01T00:00:00.000Z'],
    ['20000', '1954-10-03T00:00:00.000Z'],
    ['80000', '2119-01-11T00:00:00.000Z'],
    // white space around, no-break space included
    ['  2024-03-14 09:30 ', '2024-03-14T09:30:00.000Z'],
    ['\u00a014.03.2024\u00a0', '2024-03-14T00:00:00.000Z'],
    ['\t1710408600\r', '2024-03-14T09:30:00.000Z'],
  ])('reads %j as %s in UTC, in either order', (raw, expected) => {
    for (const order of ORDERS) expect(iso(parseDate(raw, UTC, order))).toBe(expected);
  });
});

describe('parseDate, slash dates', () => {
  it.each([
    ['3/4/2024', 'dmy', '2024-04-03T00:00:00.000Z'],
    ['3/4/2024', 'mdy', '2024-03-04T00:00:00.000Z'],
    ['03/04/2024', 'dmy', '2024-04-03T00:00:00.000Z'],
    ['03/04/2024', 'mdy', '2024-03-04T00:00:00.000Z'],
    ['25/12/2021', 'dmy', '2021-12-25T00:00:00.000Z'],
    ['25/12/2021', 'mdy', 'NaN'],
    ['12/25/2021', 'mdy', '2021-12-25T00:00:00.000Z'],
    ['12/25/2021', 'dmy', 'NaN'],
    ['29/2/2024', 'dmy', '2024-02-29T00:00:00.000Z'],
    ['29/2/2023', 'dmy', 'NaN'],
    // two-digit years: 00-69 are 20xx, 70-99 are 19xx
    ['3/4/24', 'dmy', '2024-04-03T00:00:00.000Z'],
    ['3/4/24', 'mdy', '2024-03-04T00:00:00.000Z'],
    ['1/2/00', 'dmy', '2000-02-01T00:00:00.000Z'],
    ['1/2/69', 'dmy', '2069-02-01T00:00:00.000Z'],
    ['1/2/70', 'dmy', '1970-02-01T00:00:00.000Z'],
    ['31/12/99', 'dmy', '1999-12-31T00:00:00.000Z'],
    // times, 24-hour
    ['14/3/2024 09:30', 'dmy', '2024-03-14T09:30:00.000Z'],
    ['3/14/2024 9:30:15', 'mdy', '2024-03-14T09:30:15.000Z'],
    ['3/14/2024 23:59', 'mdy', '2024-03-14T23:59:00.000Z'],
    // times, 12-hour: 12 AM is midnight, 12 PM is noon
    ['3/14/2024 9:30 AM', 'mdy', '2024-03-14T09:30:00.000Z'],
    ['3/14/2024 9:30 PM', 'mdy', '2024-03-14T21:30:00.000Z'],
    ['3/14/2024 12:00 AM', 'mdy', '2024-03-14T00:00:00.000Z'],
    ['3/14/2024 12:00 PM', 'mdy', '2024-03-14T12:00:00.000Z'],
    ['3/14/2024 12:30:05 am', 'mdy', '2024-03-14T00:30:05.000Z'],
    ['3/14/2024 11:59PM', 'mdy', '2024-03-14T23:59:00.000Z'],
    ['3/14/2024, 9:30:00 AM', 'mdy', '2024-03-14T09:30:00.000Z'],
    ['14/03/24 1:05 pm', 'dmy', '2024-03-14T13:05:00.000Z'],
    ['3/14/2024 13:00 PM', 'mdy', 'NaN'],
    ['3/14/2024 0:30 AM', 'mdy', 'NaN'],
  ] as const)('reads %j with %s as %s', (raw, order, expected) => {
    expect(iso(parseDate(raw, UTC, order))).toBe(expected);
  });
});

describe('parseDate, unreadable cells', () => {
  it.each([
    '',
    '   ',
    '\u00a0',
    'yesterday',
    'NA',
    '-',
    '2024-02-30',
    '2023-02-29',
    '1900-02-29',
    '2024-13-01',
    '2024-00-10',
    '2024-04-31',
    '2024-3-14',
    '24-03-14',
    '2024-03-14T24:00',
    '2024-03-14T25:00',
    '2024-03-14T09:60',
    '2024-03-14T09:30:60',
    '2024-03-14T09:30:00+25:00',
    '2024-03-14T09:30:00+01:60',
    '2024-03-14T',
    '2024-03-14 09',
    '2024-03-14T09:30:00.1234567890',
    '2024-02-30T09:30:00Z',
    '2024-03-14T09:30:00+24:00',
    '2024-03-14T09:30:00*01:00',
    '2024-03-14T09:30:00.12x',
    '2024-03-14T09:30:00Zulu',
    '2024-03-14X09:30',
    '2024-03-14T9:3',
    '2024-03-1a',
    'abcd-ef-gh',
    '2024-03-14T09:30:00.',
    '2024/02/30',
    '2024/13/01',
    '2024/03/04 25:00',
    '32.01.2024',
    '14.13.2024',
    '14.03.202',
    '14.03.2024 9',
    '14-03-2024',
    '0/1/2024',
    '1/0/2024',
    '1/2/345',
    '1/2/2024 24:00',
    '3/4',
    '3/4/2024 9:30 XM',
    '19999',
    '80001',
    '80000.5',
    '12345678',
    '12345678901',
    '12345678901234',
    '1710408600123.5',
    '-1710408600',
    '1e9',
    '0x5A',
  ])('does not read %j', (raw) => {
    for (const order of ORDERS) expect(parseDate(raw, UTC, order)).toBeNaN();
  });
});

describe('parseDate in Europe/Stockholm (CET +01:00, CEST +02:00 from 2024-03-31 to 2024-10-27)', () => {
  it.each([
    // instants become Stockholm wall-clock time
    ['2024-12-31T23:30:00Z', '2025-01-01T00:30:00.000Z'],
    ['2024-07-01T12:00:00Z', '2024-07-01T14:00:00.000Z'],
    ['2024-07-01T12:00:00+02:00', '2024-07-01T12:00:00.000Z'],
    ['2024-07-01T12:00:00-04:00', '2024-07-01T18:00:00.000Z'],
    ['2024-01-15T12:00:00+01:00', '2024-01-15T12:00:00.000Z'],
    ['1710408600', '2024-03-14T10:30:00.000Z'],
    ['1710408600123', '2024-03-14T10:30:00.123Z'],
    ['2024-03-31T00:59:59Z', '2024-03-31T01:59:59.000Z'],
    ['2024-03-31T01:00:00Z', '2024-03-31T03:00:00.000Z'],
    ['2024-10-27T00:30:00Z', '2024-10-27T02:30:00.000Z'],
    ['2024-10-27T01:30:00Z', '2024-10-27T02:30:00.000Z'],
    // wall-clock cells are kept as written, even in the hour skipped on 2024-03-31
    ['2024-12-31 23:30', '2024-12-31T23:30:00.000Z'],
    ['2024-03-31 02:30', '2024-03-31T02:30:00.000Z'],
    ['2024-10-27 02:30', '2024-10-27T02:30:00.000Z'],
    ['31/12/2024 23:30', '2024-12-31T23:30:00.000Z'],
    ['31.12.2024 23:30', '2024-12-31T23:30:00.000Z'],
    ['2024/12/31 23:30', '2024-12-31T23:30:00.000Z'],
    ['45366.5', '2024-03-15T12:00:00.000Z'],
  ])('reads %j as wall %s', (raw, expected) => {
    expect(iso(parseDate(raw, STOCKHOLM, 'dmy'))).toBe(expected);
  });
});

describe('isSlashDate', () => {
  it.each(['3/4/2024', '25/12/2021', '03/04/24', '3/14/2024 9:30 PM', ' 3/4/2024\u00a0', '12/31/2024 23:59:59'])(
    '%j is a slash date',
    (raw) => {
      expect(isSlashDate(raw)).toBe(true);
    },
  );

  it.each(['2024/03/04', '14.03.2024', '2024-03-04', '', '3/4', '1/2/345', 'a/b/c', '45366', '1710408600'])(
    '%j is not',
    (raw) => {
      expect(isSlashDate(raw)).toBe(false);
    },
  );
});

describe('patternReader', () => {
  it.each([
    ['dd/MM/yyyy HH:mm', '14/03/2024 09:30', UTC, '2024-03-14T09:30:00.000Z'],
    ['dd/MM/yyyy HH:mm', ' 14/03/2024 09:30\u00a0', UTC, '2024-03-14T09:30:00.000Z'],
    ['dd/MM/yyyy HH:mm', '03/14/2024 09:30', UTC, 'NaN'],
    ['dd/MM/yyyy HH:mm', '31/02/2024 09:30', UTC, 'NaN'],
    ['dd/MM/yyyy HH:mm', '14/03/2024', UTC, 'NaN'],
    ['dd/MM/yyyy HH:mm', '', UTC, 'NaN'],
    ['dd/MM/yyyy HH:mm', '14/03/2024 09:30', STOCKHOLM, '2024-03-14T09:30:00.000Z'],
    ['dd/MM/yyyy HH:mm', '31/03/2024 02:30', STOCKHOLM, '2024-03-31T02:30:00.000Z'],
    ['MM/dd/yyyy hh:mm a', '03/14/2024 09:30 PM', UTC, '2024-03-14T21:30:00.000Z'],
    ['MM/dd/yyyy hh:mm a', '03/14/2024 12:15 AM', UTC, '2024-03-14T00:15:00.000Z'],
    ['d.M.yy', '3.4.69', UTC, '2069-04-03T00:00:00.000Z'],
    ['d.M.yy', '3.4.70', UTC, '1970-04-03T00:00:00.000Z'],
    ['yyyyMMdd', '20240314', UTC, '2024-03-14T00:00:00.000Z'],
    ["d MMMM yyyy 'at' H:mm", '14 March 2024 at 9:30', UTC, '2024-03-14T09:30:00.000Z'],
    // a quoted T is a literal, not a Unix-time token
    ["yyyy-MM-dd'T'HH:mm", '2024-03-14T09:30', STOCKHOLM, '2024-03-14T09:30:00.000Z'],
    // offsets and Unix times are instants
    ["yyyy-MM-dd'T'HH:mmXXX", '2024-03-14T09:30+00:00', STOCKHOLM, '2024-03-14T10:30:00.000Z'],
    ["yyyy-MM-dd'T'HH:mmXXX", '2024-07-01T12:00Z', STOCKHOLM, '2024-07-01T14:00:00.000Z'],
    ['dd/MM/yyyy HH:mm xx', '14/03/2024 09:30 -0500', UTC, '2024-03-14T14:30:00.000Z'],
    ['T', '1710408600000', STOCKHOLM, '2024-03-14T10:30:00.000Z'],
    ['t', '1710408600', STOCKHOLM, '2024-03-14T10:30:00.000Z'],
  ] as const)('%j reads %j in %s as %s', (pattern, raw, zone, expected) => {
    expect(iso(patternReader(pattern, zone)(raw))).toBe(expected);
  });

  it("reads wall-clock time whatever the machine's own zone, even in that zone's DST gap", () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/New_York'; // 2024-03-10 02:00-03:00 does not exist there
    try {
      expect(iso(patternReader('dd/MM/yyyy HH:mm', UTC)('10/03/2024 02:30'))).toBe('2024-03-10T02:30:00.000Z');
      expect(iso(patternReader('yyyy-MM-dd HH:mmXXX', UTC)('2024-03-10 02:30+01:00'))).toBe('2024-03-10T01:30:00.000Z');
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['YYYY-MM-dd', /yyyy/],
    ['yyyy-MM-DD', /dd/],
    ['dd/MM/yyyy jj', /j/],
    ['yyyy-MM-dd O', /X/],
    ['yyyy-MM-dd z', /X/],
    ['yyyy yyyy', /yyyy/],
  ])('refuses %j with a readable message', (pattern, message) => {
    expect(() => patternReader(pattern, UTC)).toThrow(Error);
    expect(() => patternReader(pattern, UTC)).toThrow(message);
  });
});

describe('dayBounds', () => {
  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['2024-12-31', '2024-12-31T00:00:00.000Z', '2024-12-31T23:59:59.999Z'],
  ])('%s spans %s to %s, inclusive', (day, start, end) => {
    const bounds = dayBounds(day);
    expect(bounds && [iso(bounds.start), iso(bounds.end)]).toEqual([start, end]);
  });

  it.each(['2024-2-1', '2023-02-29', '2024-13-01', '2024-03-14T00:00', ' 2024-03-14', '14.03.2024', ''])(
    'refuses %j',
    (day) => {
      expect(dayBounds(day)).toBeUndefined();
    },
  );
});

describe('wall times by arithmetic', () => {
  it('equal what Date.UTC gives, for any valid date and time from year 100 to 9999', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date(Date.UTC(100, 0, 1)),
          max: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
          noInvalidDate: true,
        }),
        (date) => {
          const text = date.toISOString().replace(/^\+?0*(\d{4})/, '$1');
          expect(parseDate(text, UTC, 'dmy')).toBe(date.getTime());
          expect(parseDate(text.slice(0, 10), UTC, 'dmy')).toBe(
            Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()),
          );
        },
      ),
      { seed: 20261129, numRuns: 2000 },
    );
  });
});

describe('dotted and slash dates read from their bytes', () => {
  const CLOCK = String.raw`(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AP])\.?M\.?)?)?$`;
  const FORMS: readonly [RegExp, (m: RegExpExecArray, order: DateOrder) => [string, string, string]][] = [
    [new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})${CLOCK}`, 'i'), (m) => [m[3], m[2], m[1]]],
    [
      new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})${CLOCK}`, 'i'),
      (m, order) => (order === 'dmy' ? [m[3], m[2], m[1]] : [m[3], m[1], m[2]]),
    ],
    [new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})${CLOCK}`, 'i'), (m) => [m[1], m[2], m[3]]],
  ];
  /** What the definition says a cell is, computed apart from the reader: its fields, checked by Date. */
  function definition(text: string, order: DateOrder): number {
    for (const [form, fields] of FORMS) {
      const m = form.exec(text);
      if (!m) continue;
      const [written, month, day] = fields(m, order).map((f, i) => (i === 0 ? f : +f)) as [string, number, number];
      const year = written.length === 2 ? (+written < 70 ? 2000 : 1900) + +written : +written;
      let hour = +(m[4] ?? 0);
      if (m[7]) {
        if (hour < 1 || hour > 12) return NaN;
        hour = (hour % 12) + (m[7].toUpperCase() === 'P' ? 12 : 0);
      }
      const [minute, second] = [+(m[5] ?? 0), +(m[6] ?? 0)];
      const wall = Date.UTC(year, month - 1, day, hour, minute, second);
      const back = new Date(wall);
      const fits =
        back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day && hour < 24;
      return fits && minute < 60 && second < 60 ? wall : NaN;
    }
    return NaN;
  }
  const digits = (min: number, max: number) => fc.integer({ min, max }).map(String);
  const part = fc.oneof(
    digits(0, 39),
    digits(0, 9).map((d) => `0${d}`),
    digits(100, 20000),
  );
  const time = fc.oneof(
    fc.constant(''),
    fc
      .tuple(
        fc.constantFrom(' ', '  ', ', ', '\t'),
        digits(0, 29),
        fc.constantFrom(':'),
        part,
        fc.constantFrom('', ':05', ':61', ':7', ' PM', ' am', ':00 AM', ' p.m.', 'PM', ' PX'),
      )
      .map((t) => t.join('')),
  );
  const separator = fc.constantFrom('.', '/', '-');
  const year = fc.oneof(digits(0, 99), digits(1900, 2100), digits(100, 999));
  const text = fc
    .tuple(part, separator, part, separator, year, time, fc.constantFrom('', ' ', 'x'))
    .map((t) => t.join(''));

  it('give what the definition gives in either order, or leave the text to the patterns', () => {
    fc.assert(
      fc.property(text, (cell) => {
        // Bytes around the cell, as the file's buffer has them: nothing past its end may be read.
        const bytes = Buffer.from(`7${cell}9`, 'latin1');
        const slash = { slash: false, monthFirst: Number.NaN };
        const fast = commonWallOf(bytes, 1, bytes.length - 1, UTC, slash);
        if (fast !== undefined && !cell.includes('-')) {
          expect(iso(fast)).toBe(iso(definition(cell, 'dmy')));
          expect(slash.slash).toBe(cell.includes('/'));
          if (slash.slash) expect(iso(slash.monthFirst)).toBe(iso(definition(cell, 'mdy')));
        }
        if (!cell.includes('-'))
          for (const order of ORDERS)
            expect(iso(parseDate(cell, UTC, order))).toBe(iso(definition(cell.trim(), order)));
      }),
      { seed: 20261203, numRuns: 20000 },
    );
  });

  it.each([
    ['3.12.2026', '2026-12-03T00:00:00.000Z', undefined],
    ['03.12.26 7:05', '2026-12-03T07:05:00.000Z', undefined],
    ['31.12.1999 23:59:59', '1999-12-31T23:59:59.000Z', undefined],
    ['29.2.2023', 'NaN', undefined],
    ['3/4/2024', '2024-04-03T00:00:00.000Z', '2024-03-04T00:00:00.000Z'],
    ['12/25/2024 9:30:00 PM', 'NaN', '2024-12-25T21:30:00.000Z'],
    ['1/2/24 12:05 am', '2024-02-01T00:05:00.000Z', '2024-01-02T00:05:00.000Z'],
  ])('%s is read from its bytes', (cell, dayFirst, monthFirst) => {
    const slash = { slash: false, monthFirst: Number.NaN };
    const fast = commonWallOf(Buffer.from(cell), 0, cell.length, UTC, slash);
    expect(fast === undefined ? 'text' : iso(fast)).toBe(dayFirst);
    expect(slash.slash ? iso(slash.monthFirst) : undefined).toBe(monthFirst);
  });
});
