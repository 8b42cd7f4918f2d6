import { describe, expect, it } from 'vitest';
import { dayBounds, parseDate } from '../../src/core/date.js';

describe('parseDate', () => {
  it.each([
    ['2024-03-14', '2024-03-14T00:00:00.000Z'],
    ['2024-03-14T09:30:00Z', '2024-03-14T09:30:00.000Z'],
    ['2024-03-14 09:30', '2024-03-14T09:30:00.000Z'],
    ['2024-03-14T09:30:00.250+01:00', '2024-03-14T08:30:00.250Z'],
    ['2024-03-14T09:30:00-0530', '2024-03-14T15:00:00.000Z'],
    ['14.03.2024', '2024-03-14T00:00:00.000Z'],
    ['1.3.2024 7:05', '2024-03-01T07:05:00.000Z'],
  ])('reads %j', (raw, iso) => {
    expect(new Date(parseDate(raw)).toISOString()).toBe(iso);
  });

  it.each(['', 'yesterday', '2024-02-30', '2024-13-01', '14/03/2024'])('does not read %j', (raw) => {
    expect(parseDate(raw)).toBeNaN();
  });
});

describe('dayBounds', () => {
  it('spans the whole UTC day, inclusive', () => {
    const b = dayBounds('2024-02-29')!;
    expect(new Date(b.start).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(new Date(b.end).toISOString()).toBe('2024-02-29T23:59:59.999Z');
  });

  it('refuses anything but YYYY-MM-DD', () => {
    expect(dayBounds('2024-2-1')).toBeUndefined();
    expect(dayBounds('2023-02-29')).toBeUndefined();
  });
});
