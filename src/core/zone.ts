/**
 * Time zones, as conversions between instants (epoch milliseconds) and wall times.
 *
 * A wall time is a calendar date and time in some zone, stored as the number Date.UTC would give for
 * it: days, weeks and quarters can then be computed with plain UTC arithmetic, whatever the zone.
 */
export interface Zone {
  /** The name as given, e.g. 'Europe/Stockholm' or 'UTC'. */
  readonly name: string;
  /** The wall time in this zone at an instant. */
  toWall(epochMs: number): number;
  /**
   * The instant at which this zone's clocks show a wall time. A wall time that happens twice (clocks
   * set back) gives its first instant. One that never happens (clocks set forward over it) is read
   * with the larger of the two offsets, which gives the earlier instant: Stockholm's 2024-03-31 02:30
   * becomes 00:30 UTC, shown there as 01:30 (like Temporal's disambiguation 'earlier').
   */
  fromWall(wallMs: number): number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The Gregorian calendar repeats every 400 years, which are exactly this many days. */
const DAYS_IN_400_YEARS = 146_097;
/** Instants Date can hold, less a margin so that looking a day or an hour either side stays valid. */
const LARGEST_MS = 8.64e15 - 2 * DAY_MS;
/**
 * Offsets are looked up this far either side of a wall time: more than any offset, less than the
 * time between two changes.
 */
const TRANSITION_WINDOW_MS = DAY_MS;
/** Past this many cached hours the cache starts again, so data spread over centuries cannot fill memory. */
const MAX_CACHED_HOURS = 200_000;
/** Cached for an hour in which the offset changes: that hour is asked of Intl at each instant. */
const CHANGES_WITHIN_HOUR = NaN;

/**
 * The wall time of calendar fields (month 1-12), like Date.UTC but right for years 0-99 too, which
 * Date.UTC reads as 1900-1999.
 */
export function wallTime(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  if (year >= 0 && year < 100) {
    return Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - DAYS_IN_400_YEARS * DAY_MS;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

const identity = (ms: number): number => ms;

const utcNamed = (name: string): Zone => Object.freeze({ name, toWall: identity, fromWall: identity });

/** Wall time is the instant itself. */
export const UTC: Zone = utcNamed('UTC');

/** Names read as UTC without asking Intl, so the default zone costs nothing per row. */
const UTC_NAMES = new Set(['utc', 'etc/utc', 'z', 'gmt', 'etc/gmt']);

/** The zone of an IANA name (any letter case, as Intl accepts), or undefined when Intl does not know it. */
export function zoneOf(name: string): Zone | undefined {
  if (UTC_NAMES.has(name.toLowerCase())) return name === 'UTC' ? UTC : utcNamed(name);
  const formatter = formatterFor(name);
  return formatter && intlZone(name, cachedOffsets(formatter));
}

function formatterFor(name: string): Intl.DateTimeFormat | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined; // RangeError: not a time zone Intl knows
  }
}

function intlZone(name: string, offsetAt: (epochMs: number) => number): Zone {
  const toWall = (epochMs: number): number => (isInRange(epochMs) ? epochMs + offsetAt(epochMs) : NaN);

  const fromWall = (wallMs: number): number => {
    if (!isInRange(wallMs)) return NaN;
    // Offsets a day either side differ only when the clocks change near this wall time.
    const before = offsetAt(wallMs - TRANSITION_WINDOW_MS);
    const after = offsetAt(wallMs + TRANSITION_WINDOW_MS);
    if (before === after) return wallMs - before;
    const earlier = wallMs - Math.max(before, after);
    const later = wallMs - Math.min(before, after);
    if (toWall(earlier) === wallMs) return earlier;
    if (toWall(later) === wallMs) return later;
    return earlier; // a wall time skipped when the clocks went forward
  };

  return Object.freeze({ name, toWall, fromWall });
}

const isInRange = (ms: number): boolean => ms >= -LARGEST_MS && ms <= LARGEST_MS;

/**
 * Offset lookup (milliseconds to add to an instant to get its wall time), cached per hour of epoch
 * time because formatting with Intl is far too slow to do once per row. Most zones change offset
 * on the hour in UTC, but not all (St. John's changes at 05:30 UTC): an hour whose start and end
 * offsets differ is marked and asked of Intl each time.
 */
function cachedOffsets(formatter: Intl.DateTimeFormat): (epochMs: number) => number {
  const byHour = new Map<number, number>();
  let lastHour = NaN;
  let lastOffset = 0;

  const offsetOfHour = (hour: number): number => {
    const start = offsetFromIntl(formatter, hour * HOUR_MS);
    const end = offsetFromIntl(formatter, hour * HOUR_MS + HOUR_MS - 1);
    return start === end ? start : CHANGES_WITHIN_HOUR;
  };

  return (epochMs) => {
    const hour = Math.floor(epochMs / HOUR_MS);
    if (hour !== lastHour) {
      let offset = byHour.get(hour);
      if (offset === undefined) {
        offset = offsetOfHour(hour);
        if (byHour.size >= MAX_CACHED_HOURS) byHour.clear();
        byHour.set(hour, offset);
      }
      lastHour = hour;
      lastOffset = offset;
    }
    return Number.isNaN(lastOffset) ? offsetFromIntl(formatter, epochMs) : lastOffset;
  };
}

/** The zone's offset at an instant, from the calendar fields Intl shows for it (whole seconds). */
function offsetFromIntl(formatter: Intl.DateTimeFormat, epochMs: number): number {
  let year = 0,
    month = 0,
    day = 0,
    hour = 0,
    minute = 0,
    second = 0;
  let beforeChrist = false;
  for (const part of formatter.formatToParts(epochMs)) {
    switch (part.type) {
      case 'year':
        year = Number(part.value);
        break;
      case 'month':
        month = Number(part.value);
        break;
      case 'day':
        day = Number(part.value);
        break;
      case 'hour':
        hour = Number(part.value);
        break;
      case 'minute':
        minute = Number(part.value);
        break;
      case 'second':
        second = Number(part.value);
        break;
      case 'era':
        beforeChrist = part.value === 'BC';
        break;
    }
  }
  if (beforeChrist) year = 1 - year; // 1 BC is year 0
  const wholeSecond = epochMs - (((epochMs % 1000) + 1000) % 1000);
  return wallTime(year, month, day, hour, minute, second) - wholeSecond;
}
