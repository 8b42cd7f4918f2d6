import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dayBounds } from '../../src/core/date.js';
import { keyedFold, periodFold, tallyFold } from '../../src/core/fold.js';
import { type Calendar, periodLabel } from '../../src/core/period.js';
import { weightOf } from '../../src/core/tally.js';
import { UTC, zoneOf } from '../../src/core/zone.js';
import type { ScanRequest } from '../../src/io/scan/plan.js';
import { excludedTotal } from '../../src/io/scan/rows.js';
import { scan } from '../../src/io/scan/scan.js';
import { fakeIo } from '../helpers/fake-io.js';

const dir = mkdtempSync(join(tmpdir(), 'nps-scan-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const request = (files: string[], extra: Partial<ScanRequest> = {}): ScanRequest => ({
  files,
  scores: [],
  where: [],
  zone: UTC,
  fiscalYearStart: 1,
  needsDates: false,
  groups: [],
  ...extra,
});
const quarters: Calendar = { unit: 'quarter', fiscalYearStart: 1 };
const byLabel = (periods: Map<number, Float64Array>) =>
  Object.fromEntries(
    [...periods].sort((a, b) => a[0] - b[0]).map(([key, t]) => [periodLabel(key, quarters), weightOf(t)]),
  );

describe('scan: slash dates', () => {
  // 600 rows that fit both orders (all parts <= 12), then one that only fits day first.
  const ambiguous = Array.from({ length: 600 }, (_, i) => `${(i % 12) + 1}/${(i % 3) + 1}/2024,9`);
  const path = file('late.csv', ['date,score', ...ambiguous, '25/12/2024,9', ''].join('\n'));

  it('settles the order from a value anywhere in the column, not just the first rows', async () => {
    const result = await scan(request([path], { needsDates: true }), fakeIo(), periodFold(quarters));
    expect(result.dateOrder).toEqual({ order: 'dmy', decided: true, mixed: false });
    // Day first: months 1-3 only, so everything but the last row is in Q1.
    expect(byLabel(result.state)).toEqual({ '2024-Q1': 600, '2024-Q4': 1 });
    expect(result.accounting.excluded.bad_date).toBe(0);
  });

  it('reads month first when a value says so', async () => {
    const us = file('us.csv', ['date,score', ...ambiguous, '12/25/2024,9', ''].join('\n'));
    const result = await scan(request([us], { needsDates: true }), fakeIo(), periodFold(quarters));
    expect(result.dateOrder).toEqual({ order: 'mdy', decided: true, mixed: false });
    expect(result.accounting.excluded.bad_date).toBe(0);
    expect(byLabel(result.state)['2024-Q4']).toBe(151); // months 10-12 of the 600, and December 25
  });

  it('reads no dates at all when nothing needs them', async () => {
    const result = await scan(request([path]), fakeIo(), tallyFold);
    expect(result.dateOrder).toBeUndefined();
    expect(result.latest).toBeNaN();
    expect(result.accounting.used).toBe(601);
  });
});

describe('scan: --last', () => {
  const rows = [
    'date,score,channel',
    '2023-11-15,9,chat', // 2023-Q4: outside the window
    '2023-12-01,x,chat', // outside, and a bad score: filtered, not excluded
    '2024-02-01,10,chat',
    '2024-05-01,,phone', // missing score inside the window
    '2024-08-01,3,phone',
    'soon,9,phone', // unreadable date
    '2024-09-30,8,chat',
  ];
  const path = file('last.csv', `${rows.join('\n')}\n`);

  it('keeps the last N complete periods before the as-of time, and accounts for every row', async () => {
    const result = await scan(
      request([path], { last: { count: 3, unit: 'quarter' }, asOf: { text: '2024-10-01' } }),
      fakeIo(),
      tallyFold,
    );
    const a = result.accounting;
    expect(new Date(result.window!.start).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(new Date(result.window!.end).toISOString()).toBe('2024-09-30T23:59:59.999Z');
    expect(a).toMatchObject({ read: 7, used: 3, filtered: 2 });
    expect(a.excluded).toMatchObject({ missing_score: 1, bad_date: 1, not_a_number: 0 });
    expect(a.read).toBe(a.used + excludedTotal(a) + a.filtered);
    expect(Array.from(result.overall.subarray(0, 11))).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1]);
  });

  it('keeps what is in progress after them, or leaves it out when the window ends complete', async () => {
    const asOf = { text: '2024-09-15' }; // 2024-Q3 is in progress: Q2 is the latest complete quarter
    const open = await scan(request([path], { last: { count: 1, unit: 'quarter' }, asOf }), fakeIo(), tallyFold);
    expect(open.accounting).toMatchObject({ read: 7, used: 2, filtered: 3 });
    expect(new Date(open.window!.end).toISOString()).toBe('2024-06-30T23:59:59.999Z');
    const complete = await scan(
      request([path], { last: { count: 1, unit: 'quarter', end: 'complete' }, asOf }),
      fakeIo(),
      tallyFold,
    );
    expect(complete.accounting).toMatchObject({ read: 7, used: 0, filtered: 5 });
    const current = await scan(
      request([path], { last: { count: 1, unit: 'quarter', end: 'in-progress' }, asOf }),
      fakeIo(),
      tallyFold,
    );
    expect(current.accounting).toMatchObject({ read: 7, used: 2, filtered: 4 });
  });

  it('reads the as-of time in the zone, or as the instant it names', async () => {
    const zone = zoneOf('Europe/Stockholm');
    const wall = await scan(request([path], { zone, asOf: { text: '2024-11-25T07:00' } }), fakeIo(), tallyFold);
    const instant = await scan(
      request([path], { zone, asOf: { instant: Date.UTC(2024, 10, 25, 6) } }),
      fakeIo(),
      tallyFold,
    );
    for (const r of [wall, instant])
      expect(r.asOf).toEqual({ instant: Date.UTC(2024, 10, 25, 6), wall: Date.UTC(2024, 10, 25, 7) });
    // Without --as-of: the clock of the run, in the zone.
    const now = await scan(request([path], { zone }), fakeIo(), tallyFold);
    expect(now.asOf).toEqual({ instant: Date.UTC(2026, 0, 15, 12), wall: Date.UTC(2026, 0, 15, 13) });
  });

  it('counts back from --until when it ends the data before the as-of time', async () => {
    const until = dayBounds('2023-12-31')!.end;
    const result = await scan(request([path], { last: { count: 1, unit: 'quarter' }, until }), fakeIo(), tallyFold);
    expect(result.accounting).toMatchObject({ read: 7, used: 1, filtered: 4 });
    expect(result.accounting.excluded.not_a_number).toBe(1);
  });

  it('groups and filters together', async () => {
    const result = await scan(
      request([path], {
        where: [{ column: 'channel', value: 'chat', equal: true }],
        groups: [{ role: 'channel', flag: '--by', spec: 'channel' }],
      }),
      fakeIo(),
      keyedFold(['channel']),
    );
    expect([...result.state.keys()]).toEqual(['chat']);
    expect(result.accounting).toMatchObject({ read: 7, used: 3, filtered: 3 });
  });
});

describe('scan: slash dates that appear late', () => {
  it('starts the month-first reading at the first slash date, in any file, keeping the counts so far', async () => {
    const iso = file('iso.csv', 'date,score,ch\n2024-12-01,9,a\n2024-12-02,3,b\nsoon,7,b\n');
    const us = file('us2.csv', 'date,score,ch\n12/25/2024,9,b\n12/26/2024,9,b\n1/2/2025,6,b\n');
    const result = await scan(
      request([iso, us], { date: 'date', needsDates: true, where: [{ column: 'ch', value: 'b', equal: true }] }),
      fakeIo(),
      periodFold(quarters),
    );
    expect(result.dateOrder).toEqual({ order: 'mdy', decided: true, mixed: false });
    expect(byLabel(result.state)).toEqual({ '2024-Q4': 3, '2025-Q1': 1 });
    expect(result.accounting).toMatchObject({ read: 6, used: 4, filtered: 1 });
    expect(result.accounting.excluded.bad_date).toBe(1);
  });

  it('says when a column mixes both orders', async () => {
    const mixed = file('mixed.csv', 'date,score\n12/25/2024,9\n25/12/2024,9\n26/12/2024,9\n');
    const result = await scan(request([mixed], { needsDates: true }), fakeIo(), periodFold(quarters));
    expect(result.dateOrder).toEqual({ order: 'dmy', decided: true, mixed: true });
    expect(result.accounting.excluded.bad_date).toBe(1);
  });
});

describe('scan: several files', () => {
  it('pools rows, resolving each file by its own header, and can group by file', async () => {
    const a = file('a.csv', 'score,id\n9\n10\n');
    const b = file('b.csv', 'id;Betyg\n1;3\n2;8\n3;9\n');
    const result = await scan(
      request([a, b], { groups: [{ role: 'file', flag: 'FILE', byFile: true }] }),
      fakeIo(),
      keyedFold(['file']),
    );
    expect([...result.state].map(([k, t]) => [k, weightOf(t)])).toEqual([
      ['0', 2],
      ['1', 3],
    ]);
    expect(result.inputs.map((i) => [i.delimiter, i.columns.score.name])).toEqual([
      [',', 'score'],
      [';', 'Betyg'],
    ]);
  });
});
