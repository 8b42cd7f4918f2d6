import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';
import { ownTmpdir } from '../helpers/own-tmpdir.js';

/*
 * followup lists any number of responses with flat memory: past a batch in memory they wait,
 * sorted, in temporary files, and CSV and JSON write them as the files are merged. The listing must
 * be exactly the one a sort in memory gives, and the temporary files must go.
 */

const ROWS = 130_000; // more than two batches of 50,000 listed rows

/** Rows in no date order, many on the same minute, a tenth with no date (excluded); most of them detractors. */
function exportText(): { text: string; expected: string[]; since: (days: number) => string[]; asOf: string } {
  const rows: { id: string; time: number; order: number; score: number }[] = [];
  const lines = ['id,submitted_at,score,agent'];
  for (let i = 0; i < ROWS; i++) {
    const time = i % 10 === 3 ? NaN : Date.UTC(2024, 0, 1) + ((i * 7919) % 90_000) * 60_000;
    const score = i % 3 === 0 ? 9 : i % 7;
    const id = `R${i}`;
    lines.push(`${id},${Number.isNaN(time) ? '' : new Date(time).toISOString()},${score},Agent ${i % 40}`);
    if (score <= 6 && !Number.isNaN(time)) rows.push({ id, time, order: i, score });
  }
  rows.sort((a, b) => b.time - a.time || a.order - b.order);
  // --last N days at an as-of time just after the latest date's day keeps the N days up to it (listed or not).
  const latestDay = Math.floor((Date.UTC(2024, 0, 1) + 89_999 * 60_000) / 86_400_000) * 86_400_000;
  const since = (days: number) => rows.filter((r) => r.time >= latestDay - (days - 1) * 86_400_000).map((r) => r.id);
  const asOf = new Date(latestDay + 86_400_000).toISOString().slice(0, 10);
  return { text: `${lines.join('\n')}\n`, expected: rows.map((r) => r.id), since, asOf };
}

const temp = ownTmpdir('nps-followup-test-');
const listFolders = () => readdirSync(temp).filter((name) => name.startsWith('nps-list-')).length;

describe('followup with more responses than a batch holds', () => {
  const { text, expected, since, asOf } = exportText();

  it('lists every one in JSON and CSV, newest first (file order within a minute), and removes its files', async () => {
    const before = listFolders();
    const json = fakeIo({ stdin: Buffer.from(text) });
    expect(await main(['followup', '-', '--format', 'json'], json)).toBe(0);
    const listed = JSON.parse(json.out()).responses as { id: string }[];
    expect(listed.map((r) => r.id)).toEqual(expected);

    const csv = fakeIo({ stdin: Buffer.from(text) });
    expect(await main(['followup', '-', '--format', 'csv'], csv)).toBe(0);
    const ids = csv
      .out()
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[0]);
    expect(ids).toEqual(expected);
    expect(listFolders()).toBe(before);
  });

  it('shows a table of the newest, says how many more, and removes its files unread', async () => {
    const before = listFolders();
    const io = fakeIo({ stdin: Buffer.from(text) });
    expect(await main(['followup', '-', '--limit', '3'], io)).toBe(0);
    for (const id of expected.slice(0, 3)) expect(io.out()).toContain(` ${id} `);
    expect(io.out()).not.toContain(` ${expected[3]} `);
    expect(io.out()).toContain(`... and ${expected.length - 3} more (${expected.length} in all)`);
    expect(listFolders()).toBe(before);
  });

  it('merges the listings of the periods --last keeps', async () => {
    const io = fakeIo({ stdin: Buffer.from(text) });
    expect(await main(['followup', '-', '--format', 'json', '--last', '50d', '--as-of', asOf], io)).toBe(0);
    const listed = (JSON.parse(io.out()).responses as { id: string }[]).map((r) => r.id);
    expect(listed.length).toBeGreaterThan(50_000);
    expect(listed).toEqual(since(50));
  });
});
