import { afterEach, describe, expect, it, vi } from 'vitest';
import { UTC, wallTime, type Zone, zoneOf } from '../../src/core/zone.js';

// Instants and wall times are both written as ISO strings: a wall time is shown as if it were UTC.
const ms = (iso: string) => Date.parse(iso);
const iso = (value: number) => new Date(value).toISOString();
const zone = (name: string): Zone => {
  const z = zoneOf(name);
  if (!z) throw new Error(`no zone ${name}`);
  return z;
};

describe('zoneOf', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each(['Mars/Base', '', 'Stockholm', 'Europe/Stockholmm', 'UTC+1', '+01:00', 'not a zone'])(
    'knows no zone %j',
    (name) => {
      expect(zoneOf(name)).toBeUndefined();
    },
  );

  it.each(['Europe/Stockholm', 'europe/stockholm', 'EUROPE/STOCKHOLM', 'America/New_York', 'Asia/Kolkata', 'CET'])(
    'knows %j and keeps its name as given',
    (name) => {
      expect(zoneOf(name)?.name).toBe(name);
    },
  );

  it('reads a name in any letter case as the same zone', () => {
    expect(iso(zone('europe/stockholm').toWall(ms('2024-07-01T12:00:00.000Z')))).toBe('2024-07-01T14:00:00.000Z');
  });

  it('returns the UTC zone itself for "UTC"', () => {
    expect(zoneOf('UTC')).toBe(UTC);
  });

  it.each(['UTC', 'utc', 'Etc/UTC', 'etc/utc', 'Z', 'z', 'GMT', 'Etc/GMT'])(
    'reads %j as UTC without asking Intl',
    (name) => {
      const intl = vi.spyOn(Intl, 'DateTimeFormat');
      const z = zone(name);
      const t = ms('2024-07-01T12:34:56.789Z');
      expect(z.name).toBe(name);
      expect(z.toWall(t)).toBe(t);
      expect(z.fromWall(t)).toBe(t);
      expect(intl).not.toHaveBeenCalled();
    },
  );
});

describe('toWall', () => {
  it.each([
    // Stockholm: CET +01:00; CEST +02:00 from 2024-03-31 01:00 UTC to 2024-10-27 01:00 UTC
    ['Europe/Stockholm', '2024-01-15T12:00:00.000Z', '2024-01-15T13:00:00.000Z'],
    ['Europe/Stockholm', '2024-07-01T12:00:00.000Z', '2024-07-01T14:00:00.000Z'],
    ['Europe/Stockholm', '2024-12-31T23:30:00.000Z', '2025-01-01T00:30:00.000Z'],
    ['Europe/Stockholm', '2024-03-31T00:59:59.999Z', '2024-03-31T01:59:59.999Z'],
    ['Europe/Stockholm', '2024-03-31T01:00:00.000Z', '2024-03-31T03:00:00.000Z'],
    ['Europe/Stockholm', '2024-10-27T00:30:00.000Z', '2024-10-27T02:30:00.000Z'],
    ['Europe/Stockholm', '2024-10-27T00:59:59.999Z', '2024-10-27T02:59:59.999Z'],
    ['Europe/Stockholm', '2024-10-27T01:00:00.000Z', '2024-10-27T02:00:00.000Z'],
    ['Europe/Stockholm', '2024-10-27T01:30:00.000Z', '2024-10-27T02:30:00.000Z'],
    // New York: EST -05:00; EDT -04:00 from 2024-03-10 07:00 UTC
    ['America/New_York', '2024-01-15T12:00:00.000Z', '2024-01-15T07:00:00.000Z'],
    ['America/New_York', '2024-07-04T16:00:00.000Z', '2024-07-04T12:00:00.000Z'],
    ['America/New_York', '2024-03-10T06:59:59.000Z', '2024-03-10T01:59:59.000Z'],
    ['America/New_York', '2024-03-10T07:00:00.000Z', '2024-03-10T03:00:00.000Z'],
    ['America/New_York', '2024-01-01T03:00:00.000Z', '2023-12-31T22:00:00.000Z'],
    // Kolkata: +05:30 all year
    ['Asia/Kolkata', '2024-03-14T09:30:00.000Z', '2024-03-14T15:00:00.000Z'],
    // St. John's: NST -03:30, NDT -02:30 from 2024-03-10 05:30 UTC and until 2024-11-03 04:30 UTC (mid-hour in UTC)
    ['America/St_Johns', '2024-03-10T05:00:00.000Z', '2024-03-10T01:30:00.000Z'],
    ['America/St_Johns', '2024-03-10T05:29:59.999Z', '2024-03-10T01:59:59.999Z'],
    ['America/St_Johns', '2024-03-10T05:30:00.000Z', '2024-03-10T03:00:00.000Z'],
    ['America/St_Johns', '2024-03-10T05:45:00.000Z', '2024-03-10T03:15:00.000Z'],
    ['America/St_Johns', '2024-11-03T04:29:59.000Z', '2024-11-03T01:59:59.000Z'],
    ['America/St_Johns', '2024-11-03T04:30:00.000Z', '2024-11-03T01:00:00.000Z'],
    // Lord Howe: +10:30, +11:00 from 2024-10-05 15:30 UTC (a half-hour change)
    ['Australia/Lord_Howe', '2024-10-05T15:29:59.000Z', '2024-10-06T01:59:59.000Z'],
    ['Australia/Lord_Howe', '2024-10-05T15:30:00.000Z', '2024-10-06T02:30:00.000Z'],
  ])('%s: instant %s is wall %s', (name, instant, wall) => {
    expect(iso(zone(name).toWall(ms(instant)))).toBe(wall);
  });

  it('is right on both sides of a mid-hour change, whichever side is asked first', () => {
    const stJohns = zone('America/St_Johns');
    const walls = [
      '2024-03-10T05:45:00.000Z',
      '2024-03-10T05:00:00.000Z',
      '2024-03-10T05:29:59.999Z',
      '2024-03-10T05:30:00.000Z',
      '2024-03-10T05:45:00.000Z',
    ].map((instant) => iso(stJohns.toWall(ms(instant))));
    expect(walls).toEqual([
      '2024-03-10T03:15:00.000Z',
      '2024-03-10T01:30:00.000Z',
      '2024-03-10T01:59:59.999Z',
      '2024-03-10T03:00:00.000Z',
      '2024-03-10T03:15:00.000Z',
    ]);
  });

  it.each([NaN, Infinity, -Infinity, 8.64e15])('gives NaN for %s', (value) => {
    expect(zone('Europe/Stockholm').toWall(value)).toBeNaN();
  });
});

describe('fromWall', () => {
  it.each([
    ['Europe/Stockholm', '2024-01-15T13:00:00.000Z', '2024-01-15T12:00:00.000Z'],
    ['Europe/Stockholm', '2024-07-01T14:00:00.000Z', '2024-07-01T12:00:00.000Z'],
    ['Europe/Stockholm', '2024-03-31T01:59:59.999Z', '2024-03-31T00:59:59.999Z'],
    ['Europe/Stockholm', '2024-03-31T03:00:00.000Z', '2024-03-31T01:00:00.000Z'],
    // 02:00-03:00 never happens on 2024-03-31: read with CEST (+02:00), the earlier reading
    ['Europe/Stockholm', '2024-03-31T02:30:00.000Z', '2024-03-31T00:30:00.000Z'],
    // 02:00-03:00 happens twice on 2024-10-27: the first time, in CEST
    ['Europe/Stockholm', '2024-10-27T02:30:00.000Z', '2024-10-27T00:30:00.000Z'],
    ['Europe/Stockholm', '2024-10-27T01:59:59.000Z', '2024-10-26T23:59:59.000Z'],
    ['Europe/Stockholm', '2024-10-27T03:00:00.000Z', '2024-10-27T02:00:00.000Z'],
    ['America/New_York', '2024-01-15T07:00:00.000Z', '2024-01-15T12:00:00.000Z'],
    ['America/New_York', '2024-03-10T02:30:00.000Z', '2024-03-10T06:30:00.000Z'],
    ['America/New_York', '2024-11-03T01:30:00.000Z', '2024-11-03T05:30:00.000Z'],
    ['America/St_Johns', '2024-03-10T02:15:00.000Z', '2024-03-10T04:45:00.000Z'],
    ['America/St_Johns', '2024-03-10T03:00:00.000Z', '2024-03-10T05:30:00.000Z'],
    ['Asia/Kolkata', '2024-03-14T15:00:00.000Z', '2024-03-14T09:30:00.000Z'],
    ['Australia/Lord_Howe', '2024-10-06T02:15:00.000Z', '2024-10-05T15:15:00.000Z'],
  ])('%s: wall %s is instant %s', (name, wall, instant) => {
    expect(iso(zone(name).fromWall(ms(wall)))).toBe(instant);
  });

  it.each(['Europe/Stockholm', 'America/New_York', 'America/St_Johns', 'Australia/Lord_Howe'])(
    '%s: every quarter hour of 2024 goes back to its first instant',
    (name) => {
      const z = zone(name);
      const wrong: string[] = [];
      for (let t = ms('2024-01-01T00:00:00.000Z'); t < ms('2025-01-01T00:00:00.000Z'); t += 900_000) {
        const wall = z.toWall(t);
        const back = z.fromWall(wall);
        // the same wall time, at the same instant or (clocks set back) up to an hour earlier
        if (z.toWall(back) !== wall || back > t || t - back > 3_600_000) wrong.push(iso(t));
      }
      expect(wrong).toEqual([]);
    },
  );
});

describe('wallTime', () => {
  it.each([
    [2024, 2, 29, 23, 59, 59, 999, '2024-02-29T23:59:59.999Z'],
    [1970, 1, 1, 0, 0, 0, 0, '1970-01-01T00:00:00.000Z'],
    [24, 3, 14, 9, 30, 0, 0, '0024-03-14T09:30:00.000Z'],
    [0, 1, 1, 0, 0, 0, 0, '0000-01-01T00:00:00.000Z'],
  ])('%i-%i-%i %i:%i:%i.%i is %s', (year, month, day, hour, minute, second, milli, expected) => {
    expect(iso(wallTime(year, month, day, hour, minute, second, milli))).toBe(expected);
  });
});
