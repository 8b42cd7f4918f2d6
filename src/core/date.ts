/**
 * Timestamps as survey tools write them, read to epoch milliseconds. A timestamp without an offset
 * is read as UTC wall-clock time. Returns NaN when the text is not a date this reader knows.
 *
 *   2024-03-14, 2024-03-14T09:30:00Z, 2024-03-14 09:30, 2024-03-14T09:30:00.123+01:00, 14.03.2024
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const DOTTED = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

export function parseDate(raw: string): number {
  const text = raw.trim();
  let m = ISO.exec(text);
  if (m) {
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    const utc = wallClock(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms);
    return utc - offsetMinutes(m[8]) * 60_000;
  }
  m = DOTTED.exec(text);
  if (m) return wallClock(+m[3], +m[2], +m[1], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), 0);
  return NaN;
}

/** Epoch ms of a calendar date and time read in UTC; NaN for impossible dates such as 2024-02-30. */
function wallClock(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return NaN;
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return new Date(t).getUTCDate() === d ? t : NaN;
}

function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

/** The first and last millisecond of a calendar day given as YYYY-MM-DD, or undefined. */
export function dayBounds(day: string): { start: number; end: number } | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const start = parseDate(day);
  return Number.isNaN(start) ? undefined : { start, end: start + 86_400_000 - 1 };
}
