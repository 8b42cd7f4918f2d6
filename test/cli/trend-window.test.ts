import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { daysFromCivil } from '../../src/core/period.js';
import { trailingWindows } from '../../src/core/rolling.js';
import { addAnswer, newTally } from '../../src/core/tally.js';
import { fakeIo } from '../helpers/fake-io.js';

async function json(args: readonly string[]) {
  const io = fakeIo();
  const exit = await main([...args, '--format', 'json'], io);
  expect(exit, io.err()).toBe(0);
  return JSON.parse(io.out());
}

describe('trend --window', () => {
  it('gives each window the figures report gives for the same days', async () => {
    const file = 'fixtures/monitor/export-2026-10-08.csv';
    const { windows } = await json(['trend', file, '--window', '30d', '--step', '2w', '--as-of', '2026-10-08T06:00Z']);
    expect(windows.length).toBeGreaterThan(3);
    for (const w of windows) {
      const days = (Date.parse(w.window_end) - Date.parse(w.window_start)) / 86_400_000 + 1;
      expect(days).toBe(30);
      const { summary } = await json(['report', file, '--since', w.window_start, '--until', w.window_end]);
      expect([w.n, w.nps, w.nps_lower, w.nps_upper]).toEqual([
        summary.n,
        summary.nps,
        summary.nps_lower,
        summary.nps_upper,
      ]);
    }
    // Steps of two weeks, counted back from the latest, which is in progress at --as-of.
    expect(windows.at(-1)).toMatchObject({ period: '2026-W41', window_end: '2026-10-08', complete: false });
    expect(windows.at(-2)).toMatchObject({ period: '2026-W39', window_end: '2026-09-27', complete: true });
  });
});

describe('trailingWindows', () => {
  it('adds the days of each window, from the first that fits to the one holding the last day', () => {
    const day = daysFromCivil(2024, 1, 1); // a Monday
    const days = new Map<number, Float64Array>();
    for (let d = 0; d < 21; d++) {
      const t = newTally();
      addAnswer(t, d % 11);
      days.set(day + d, t);
    }
    const windows = trailingWindows(
      days,
      { firstDay: day, lastDay: day + 20, endDay: day + 30 },
      7,
      {
        unit: 'week',
        fiscalYearStart: 1,
      },
      1,
    );
    expect(windows.map((w) => [w.firstDay - day, w.lastDay - day])).toEqual([
      [0, 6],
      [7, 13],
      [14, 20],
    ]);
    // Scores d % 11 on day d: 0 and 1 twice in the second week, 7 once in each of the last two.
    expect(windows.map((w) => w.tally[0] + w.tally[1] + w.tally[7])).toEqual([2, 3, 1]);
  });
});
