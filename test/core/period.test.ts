import { describe, expect, it } from 'vitest';
import {
  type Calendar,
  isComplete,
  lastPeriods,
  PERIOD_UNITS,
  type PeriodUnit,
  parseLast,
  parsePeriodLabel,
  periodEnd,
  periodKey,
  periodLabel,
  periodStart,
} from '../../src/core/period.js';

// Keys below are worked out by hand from the documented formulas, with these anchors:
// 1970-01-01 (a Thursday) is day 0; 2000-01-01 is day 10957; 2024-01-01 (a Monday) is day 19723.
// Week key = floor((day + 3) / 7); its Monday is day 7 * key - 3.

const calendar = (unit: PeriodUnit, fiscalYearStart = 1): Calendar => ({ unit, fiscalYearStart });

/** A wall time written as 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:mm[:ss.sss]'. */
const wall = (text: string): number => Date.parse(text.length === 10 ? `${text}T00:00Z` : `${text}Z`);

const show = (ms: number): string => new Date(ms).toISOString().slice(0, -1);

describe('PERIOD_UNITS', () => {
  it('lists every unit from the longest to the shortest', () => {
    expect(PERIOD_UNITS).toEqual(['year', 'quarter', 'month', 'week', 'day']);
  });
});

describe('periods round-trip through key, label, start and end', () => {
  it.each([
    // unit, fiscal year start, a wall time, its key, label, first and last millisecond
    ['year', 1, '2024-09-15T12:00', 2024, '2024', '2024-01-01T00:00:00.000', '2024-12-31T23:59:59.999'],
    ['quarter', 1, '2024-09-15T12:00', 8098, '2024-Q3', '2024-07-01T00:00:00.000', '2024-09-30T23:59:59.999'],
    ['month', 1, '2024-09-15T12:00', 24296, '2024-09', '2024-09-01T00:00:00.000', '2024-09-30T23:59:59.999'],
    ['week', 1, '2024-09-15T12:00', 2854, '2024-W37', '2024-09-09T00:00:00.000', '2024-09-15T23:59:59.999'],
    ['day', 1, '2024-09-15T12:00', 19981, '2024-09-15', '2024-09-15T00:00:00.000', '2024-09-15T23:59:59.999'],
    // leap day
    ['quarter', 1, '2024-02-29', 8096, '2024-Q1', '2024-01-01T00:00:00.000', '2024-03-31T23:59:59.999'],
    ['month', 1, '2024-02-29T08:00', 24289, '2024-02', '2024-02-01T00:00:00.000', '2024-02-29T23:59:59.999'],
    ['week', 1, '2024-02-29', 2826, '2024-W09', '2024-02-26T00:00:00.000', '2024-03-03T23:59:59.999'],
    ['day', 1, '2024-02-29T23:59:59.999', 19782, '2024-02-29', '2024-02-29T00:00:00.000', '2024-02-29T23:59:59.999'],
    ['day', 1, '2000-02-29T12:00', 11016, '2000-02-29', '2000-02-29T00:00:00.000', '2000-02-29T23:59:59.999'],
    // ISO weeks at year ends: the week belongs to the year of its Thursday
    ['week', 1, '2024-12-30', 2870, '2025-W01', '2024-12-30T00:00:00.000', '2025-01-05T23:59:59.999'],
    ['week', 1, '2021-01-01T12:00', 2661, '2020-W53', '2020-12-28T00:00:00.000', '2021-01-03T23:59:59.999'],
    ['week', 1, '2021-01-03T23:59:59.999', 2661, '2020-W53', '2020-12-28T00:00:00.000', '2021-01-03T23:59:59.999'],
    // 2026-01-01 is day 20454, a Thursday (20454 = 7 * 2922), so 2026 has a week 53
    ['week', 1, '2026-12-31T12:00', 2974, '2026-W53', '2026-12-28T00:00:00.000', '2027-01-03T23:59:59.999'],
    ['week', 1, '2027-01-04', 2975, '2027-W01', '2027-01-04T00:00:00.000', '2027-01-10T23:59:59.999'],
    // before 1970
    ['week', 1, '1969-12-31T23:59:59.999', 0, '1970-W01', '1969-12-29T00:00:00.000', '1970-01-04T23:59:59.999'],
    ['week', 1, '1969-12-28T12:00', -1, '1969-W52', '1969-12-22T00:00:00.000', '1969-12-28T23:59:59.999'],
    ['week', 1, '1969-07-20T20:17', -24, '1969-W29', '1969-07-14T00:00:00.000', '1969-07-20T23:59:59.999'],
    ['day', 1, '1969-07-20T20:17', -165, '1969-07-20', '1969-07-20T00:00:00.000', '1969-07-20T23:59:59.999'],
    ['month', 1, '1969-12-31T23:59:59.999', 23639, '1969-12', '1969-12-01T00:00:00.000', '1969-12-31T23:59:59.999'],
    // fiscal years, named by the calendar year in which they end
    ['year', 7, '2024-07-01', 2025, 'FY2025', '2024-07-01T00:00:00.000', '2025-06-30T23:59:59.999'],
    ['year', 7, '2024-06-30T23:59:59.999', 2024, 'FY2024', '2023-07-01T00:00:00.000', '2024-06-30T23:59:59.999'],
    ['quarter', 7, '2024-07-01', 8100, 'FY2025-Q1', '2024-07-01T00:00:00.000', '2024-09-30T23:59:59.999'],
    ['quarter', 7, '2024-06-30T23:59:59.999', 8099, 'FY2024-Q4', '2024-04-01T00:00:00.000', '2024-06-30T23:59:59.999'],
    ['quarter', 7, '2025-01-15', 8102, 'FY2025-Q3', '2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999'],
    ['year', 4, '2024-04-01', 2025, 'FY2025', '2024-04-01T00:00:00.000', '2025-03-31T23:59:59.999'],
    ['year', 4, '2024-03-31T23:59:59.999', 2024, 'FY2024', '2023-04-01T00:00:00.000', '2024-03-31T23:59:59.999'],
    ['quarter', 4, '2024-04-01', 8100, 'FY2025-Q1', '2024-04-01T00:00:00.000', '2024-06-30T23:59:59.999'],
    ['quarter', 4, '2024-03-31T23:59:59.999', 8099, 'FY2024-Q4', '2024-01-01T00:00:00.000', '2024-03-31T23:59:59.999'],
    ['year', 10, '2024-10-01', 2025, 'FY2025', '2024-10-01T00:00:00.000', '2025-09-30T23:59:59.999'],
    ['year', 10, '2024-09-30T23:59:59.999', 2024, 'FY2024', '2023-10-01T00:00:00.000', '2024-09-30T23:59:59.999'],
    ['quarter', 10, '2024-10-01', 8100, 'FY2025-Q1', '2024-10-01T00:00:00.000', '2024-12-31T23:59:59.999'],
    ['quarter', 10, '2025-01-01', 8101, 'FY2025-Q2', '2025-01-01T00:00:00.000', '2025-03-31T23:59:59.999'],
    ['quarter', 10, '2024-09-30T23:59:59.999', 8099, 'FY2024-Q4', '2024-07-01T00:00:00.000', '2024-09-30T23:59:59.999'],
    // month, week and day are never fiscal
    ['month', 7, '2024-07-15', 24294, '2024-07', '2024-07-01T00:00:00.000', '2024-07-31T23:59:59.999'],
    ['week', 7, '2024-09-15T12:00', 2854, '2024-W37', '2024-09-09T00:00:00.000', '2024-09-15T23:59:59.999'],
    ['day', 10, '2024-09-15T12:00', 19981, '2024-09-15', '2024-09-15T00:00:00.000', '2024-09-15T23:59:59.999'],
  ] as const)('%s (fiscal start %i): %s is key %i, %s, %s .. %s', (unit, fiscal, at, key, label, start, end) => {
    const cal = calendar(unit, fiscal);
    expect(periodKey(wall(at), cal)).toBe(key);
    expect(periodLabel(key, cal)).toBe(label);
    expect(parsePeriodLabel(label, cal)).toBe(key);
    expect(show(periodStart(key, cal))).toBe(start);
    expect(show(periodEnd(key, cal))).toBe(end);
    // the bounds belong to the period, and the neighbours have the neighbouring keys
    expect(periodKey(periodStart(key, cal), cal)).toBe(key);
    expect(periodKey(periodEnd(key, cal), cal)).toBe(key);
    expect(periodKey(periodStart(key, cal) - 1, cal)).toBe(key - 1);
    expect(periodKey(periodEnd(key, cal) + 1, cal)).toBe(key + 1);
  });
});

describe('periodKey at the turn of a year', () => {
  it.each([
    // 2024-12-31 is a Tuesday: the same ISO week as 2025-01-01
    ['year', 2024, 2025],
    ['quarter', 8099, 8100],
    ['month', 24299, 24300],
    ['week', 2870, 2870],
    ['day', 20088, 20089],
  ] as const)('%s: last millisecond of 2024 is %i, first of 2025 is %i', (unit, before, after) => {
    expect(periodKey(wall('2024-12-31T23:59:59.999'), calendar(unit))).toBe(before);
    expect(periodKey(wall('2025-01-01T00:00'), calendar(unit))).toBe(after);
  });
});

describe('periodKey before 1970', () => {
  it.each([
    ['year', '1969-12-31T23:59:59.999', 1969],
    ['quarter', '1969-12-31T23:59:59.999', 7879],
    ['month', '1969-12-31T23:59:59.999', 23639],
    ['week', '1969-12-31T23:59:59.999', 0],
    ['day', '1969-12-31T23:59:59.999', -1],
    ['year', '1969-07-20T20:17', 1969],
    ['quarter', '1969-07-20T20:17', 7878],
    ['month', '1969-07-20T20:17', 23634],
    ['week', '1969-07-20T20:17', -24],
    ['day', '1969-07-20T20:17', -165],
    ['day', '1969-01-01', -365],
    ['year', '1969-01-01', 1969],
  ] as const)('%s of %s is %i', (unit, at, key) => {
    expect(periodKey(wall(at), calendar(unit))).toBe(key);
  });
});

describe('parsePeriodLabel', () => {
  it.each([
    ['year', 1, '2024', 2024],
    ['year', 7, 'FY2025', 2025],
    ['year', 7, 'fy2025', 2025],
    ['quarter', 1, '2024-Q3', 8098],
    ['quarter', 1, '2024-q3', 8098],
    ['quarter', 7, 'fy2025-q1', 8100],
    ['quarter', 10, 'FY2025-Q2', 8101],
    ['month', 1, '2024-09', 24296],
    ['month', 7, '2024-07', 24294],
    ['week', 1, '2024-W36', 2853],
    ['week', 1, '2024-w36', 2853],
    ['week', 1, '2024-W01', 2818],
    ['week', 1, '2020-W53', 2661],
    ['week', 1, '2026-W53', 2974],
    ['week', 1, '2025-W01', 2870],
    ['day', 1, '2024-09-15', 19981],
    ['day', 1, '2024-02-29', 19782],
    ['day', 1, '2000-02-29', 11016],
  ] as const)('%s (fiscal start %i) reads %j as %i', (unit, fiscal, label, key) => {
    expect(parsePeriodLabel(label, calendar(unit, fiscal))).toBe(key);
  });

  it.each([
    ['year', 1, 'FY2024'], // a fiscal label in a calendar-year calendar
    ['year', 7, '2025'], // a calendar-year label in a fiscal calendar
    ['year', 1, '24'],
    ['year', 1, '2024-01'],
    ['quarter', 1, '2024-Q5'],
    ['quarter', 1, '2024-Q0'],
    ['quarter', 1, '2024Q3'],
    ['quarter', 1, 'FY2024-Q3'],
    ['quarter', 7, '2024-Q3'],
    ['month', 1, '2024-13'],
    ['month', 1, '2024-00'],
    ['month', 1, '2024-9'],
    ['month', 1, '2024-09-15'],
    ['month', 1, '2024-Q3'],
    ['week', 1, '2024-W53'], // 2024 starts on a Monday and is a leap year: 52 weeks
    ['week', 1, '2024-W54'],
    ['week', 1, '2025-W53'], // 2025 starts on a Wednesday and is not a leap year: 52 weeks
    ['week', 1, '2024-W00'],
    ['week', 1, '2024-W5'],
    ['day', 1, '2023-02-29'],
    ['day', 1, '1900-02-29'], // a century year that is not a leap year
    ['day', 1, '2024-02-30'],
    ['day', 1, '2024-04-31'],
    ['day', 1, '2024-09-00'],
    ['day', 1, '2024-9-15'],
    ['day', 1, '2024-09-15T00:00'],
    ['day', 1, ''],
    ['week', 1, ''],
  ] as const)('%s (fiscal start %i) rejects %j', (unit, fiscal, label) => {
    expect(parsePeriodLabel(label, calendar(unit, fiscal))).toBeUndefined();
  });
});

describe('parseLast', () => {
  it.each([
    ['4q', 4, 'quarter'],
    ['4Q', 4, 'quarter'],
    ['12w', 12, 'week'],
    ['6m', 6, 'month'],
    ['30d', 30, 'day'],
    ['2y', 2, 'year'],
    ['1M', 1, 'month'],
  ] as const)('reads %j as %i %s', (text, count, unit) => {
    expect(parseLast(text)).toEqual({ count, unit });
  });

  it.each(['0q', 'q', '4x', '-1m', '', '4', '1.5m', '4qq', '4 q', ' 4q', 'q4'])('rejects %j', (text) => {
    expect(parseLast(text)).toBeUndefined();
  });
});

describe('lastPeriods', () => {
  // The boundary is the as-of time (exclusive); the period holding it is in progress.
  it.each([
    // Monday 2024-11-25 07:00: W48 has begun, so W47 is the latest complete week and 12 go back to W36.
    ['week', 1, 12, '2024-11-25T07:00', 'open', '2024-W36', 'in progress and later'],
    ['week', 1, 12, '2024-11-25T07:00', 'complete', '2024-W36', '2024-W47'],
    ['week', 1, 2, '2024-11-25T07:00', 'in-progress', '2024-W47', '2024-W48'],
    // Exactly at midnight a week has begun: the one before is complete.
    ['week', 1, 1, '2024-11-25T00:00', 'complete', '2024-W47', '2024-W47'],
    ['week', 1, 1, '2024-11-24T23:59:59.999', 'complete', '2024-W46', '2024-W46'],
    ['quarter', 1, 4, '2018-09-10', 'complete', '2017-Q3', '2018-Q2'],
    ['month', 1, 1, '2024-03-01', 'complete', '2024-02', '2024-02'],
    ['day', 1, 30, '2024-03-10T09:00', 'complete', '2024-02-09', '2024-03-09'],
    ['year', 7, 1, '2025-01-15', 'complete', 'FY2024', 'FY2024'],
    ['year', 1, 2, '2024-06-01', 'in-progress', '2023', '2024'],
  ] as const)(
    'last %s (fiscal start %i) x%i at %s, ending %s: %s .. %s',
    (unit, fiscal, count, boundary, end, first, last) => {
      const cal = calendar(unit, fiscal);
      const range = lastPeriods(wall(boundary), count, cal, end);
      expect(periodLabel(range.first, cal)).toBe(first);
      expect(range.last === Infinity ? 'in progress and later' : periodLabel(range.last, cal)).toBe(last);
    },
  );

  it.each([0, -1, 1.5])('refuses a count of %d', (count) => {
    expect(() => lastPeriods(wall('2024-01-01'), count, calendar('month'))).toThrow(RangeError);
  });
});

describe('isComplete', () => {
  const week = calendar('week');
  const w47 = periodKey(wall('2024-11-20'), week);
  it.each([
    ['2024-11-24T23:59:59.999', false],
    ['2024-11-25T00:00', true],
    ['2024-11-25T05:40', true],
    ['2024-11-18T00:00', false],
  ])('2024-W47 at %s: %s', (boundary, complete) => {
    expect(isComplete(w47, week, wall(boundary))).toBe(complete);
  });
});
