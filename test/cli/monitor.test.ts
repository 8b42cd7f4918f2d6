import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { spawnChild } from '../helpers/child.js';
import { fakeIo } from '../helpers/fake-io.js';

/*
 * nps monitor as a daily job runs it: three runs over a growing export, each leaving its state for
 * the next. The outputs and the state after each run are golden files in sequences/monitor/.
 */

const root = join(import.meta.dirname, '..', '..');
const golden = join(import.meta.dirname, 'sequences', 'monitor');
const first = 'fixtures/monitor/export-2026-10-01.csv';
const grown = 'fixtures/monitor/export-2026-10-08.csv';

const RUNS = [
  { name: '1-baseline', args: [first, '--by', 'channel', '--as-of', '2026-10-01T09:00Z'] },
  { name: '2-alert', args: [grown, '--by', 'channel', '--as-of', '2026-10-08T06:00Z'] },
  { name: '3-same-data', args: [grown, '--by', 'channel', '--as-of', '2026-10-08T06:00Z'] },
] as const;

async function run(args: readonly string[]) {
  const io = fakeIo();
  const exit = await main(args, io);
  return { exit, stdout: io.out(), stderr: io.err() };
}

describe('three daily runs over a growing export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nps-monitor-'));
  const state = join(dir, 'state.json');

  it.each(RUNS.map((r, i) => [r.name, i] as const))('%s', async (name, i) => {
    const args = ['monitor', ...RUNS[i].args, '--state', state];
    const { exit, stdout, stderr } = await run(args);
    const at = join(golden, name);
    await expect(`${['nps', ...args.slice(0, -1), 'STATE'].join(' ')}\n`).toMatchFileSnapshot(join(at, 'cmd'));
    await expect(stdout).toMatchFileSnapshot(join(at, 'stdout'));
    await expect(stderr).toMatchFileSnapshot(join(at, 'stderr'));
    await expect(`${exit}\n`).toMatchFileSnapshot(join(at, 'exit'));
    await expect(readFileSync(state, 'utf8')).toMatchFileSnapshot(join(at, 'state.json'));
    expect(exit).toBe(name === '2-alert' ? 1 : 0);
    expect(existsSync(`${state}.lock`)).toBe(false);
  });
});

describe('a run killed between writing the temporary state and renaming it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nps-monitor-kill-'));
  const state = join(dir, 'state.json');
  const nps = (args: readonly string[], preload?: string) =>
    spawnChild(process.execPath, [...(preload ? ['--import', preload] : []), join(root, 'bin', 'nps.js'), ...args], {
      cwd: root,
    });
  let before: string;

  beforeAll(async () => {
    expect((await run(['monitor', ...RUNS[0].args, '--state', state])).exit).toBe(0);
    before = readFileSync(state, 'utf8');
  });

  it('leaves the previous state intact, and the next run takes over its lock and goes on', () => {
    const killed = nps(
      ['monitor', ...RUNS[1].args, '--state', state],
      join(import.meta.dirname, 'kill-before-state-rename.mjs'),
    );
    expect(killed.signal).toBe('SIGKILL');
    // The report was written; the state was not replaced, and its temporary file is all that is left.
    expect(killed.stdout).toContain('1 new alert');
    expect(readFileSync(state, 'utf8')).toBe(before);
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(true);
    expect(existsSync(`${state}.lock`)).toBe(true);
    // The lock of a process that is gone is taken over: the day's alert is raised again, as it was never recorded.
    const again = nps(['monitor', ...RUNS[1].args, '--state', state]);
    expect(again.stderr).toContain('1 new alert');
    expect(again.status).toBe(1);
    expect(readFileSync(state, 'utf8')).toBe(readFileSync(join(golden, '2-alert', 'state.json'), 'utf8'));
    expect(existsSync(`${state}.lock`)).toBe(false);
  });
});

describe('a state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nps-monitor-state-'));

  it('held by a live run is refused, naming the holder', async () => {
    const state = join(dir, 'held.json');
    writeFileSync(`${state}.lock`, `${JSON.stringify({ pid: process.pid, host: 'elsewhere', since: 'now' })}\n`);
    const { exit, stderr } = await run(['monitor', ...RUNS[0].args, '--state', state]);
    expect(exit).toBe(3);
    expect(stderr).toBe(
      `nps: ${state} is in use by another run (process ${process.pid} on elsewhere, since now)\n` +
        `hint: wait for it to end; if none is running, remove ${state}.lock\n`,
    );
    expect(existsSync(state)).toBe(false);
    expect(existsSync(`${state}.lock`)).toBe(true);
  });

  it.each([
    ['damaged', '{"format": "npskit-monitor", ', 'is not a state file: it is not JSON (damaged, or another file)'],
    ['foreign', '{"nodes": []}\n', 'is not a state file of npskit-monitor: it is some other JSON'],
    ['newer', '{"format": "npskit-monitor", "version": 2}\n', 'is a state of version 2; this nps reads version 1'],
  ])('that is %s is an error naming it, and is left as it was', async (name, text, message) => {
    const state = join(dir, `${name}.json`);
    writeFileSync(state, text);
    const { exit, stderr } = await run(['monitor', ...RUNS[0].args, '--state', state]);
    expect(exit).toBe(3);
    expect(stderr.split('\n')[0]).toBe(`nps: ${state} ${message}`);
    expect(readFileSync(state, 'utf8')).toBe(text);
    expect(existsSync(`${state}.lock`)).toBe(false);
  });

  it('with a field this nps does not write is an error naming the field', async () => {
    const state = join(dir, 'edited.json');
    const made = JSON.parse(readFileSync(join(golden, '1-baseline', 'state.json'), 'utf8'));
    writeFileSync(state, JSON.stringify({ ...made, charted: '2026-9-30' }));
    const { exit, stderr } = await run([
      'monitor',
      grown,
      '--by',
      'channel',
      '--as-of',
      '2026-10-08T06:00Z',
      '--state',
      state,
    ]);
    expect(exit).toBe(3);
    expect(stderr.split('\n')[0]).toBe(`nps: ${state} is damaged: charted is missing or not what this nps writes`);
  });

  it('locked by a process of this host that is gone is taken over', async () => {
    const state = join(dir, 'stale.json');
    // A process ID that is this one's own cannot be another run's lock: a container's earlier run left it.
    writeFileSync(`${state}.lock`, `${JSON.stringify({ pid: process.pid, host: hostname(), since: 'then' })}\n`);
    expect((await run(['monitor', ...RUNS[0].args, '--state', state])).exit).toBe(0);
    expect(existsSync(state)).toBe(true);
    expect(existsSync(`${state}.lock`)).toBe(false);
  });

  it('made with other settings is refused, naming the setting', async () => {
    const state = join(dir, 'settings.json');
    expect((await run(['monitor', ...RUNS[0].args, '--state', state])).exit).toBe(0);
    const made = readFileSync(state, 'utf8');
    const { exit, stderr } = await run(['monitor', grown, '--as-of', '2026-10-08T06:00Z', '--state', state]);
    expect(exit).toBe(3);
    expect(stderr.split('\n')[0]).toBe(`nps: ${state} was made with --by ["channel"], this run has []`);
    expect(readFileSync(state, 'utf8')).toBe(made);
  });
});

describe('a busy scope', () => {
  it('says when no CUSUM limit gives the run length asked for', async () => {
    // 90 days of 1,000 answers, 20% detractors: a rise of 8 points is some six standard errors of a day.
    const dir = mkdtempSync(join(tmpdir(), 'nps-monitor-busy-'));
    const lines = ['id,date,score'];
    for (let day = 0; day < 91; day++) {
      const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
      for (let i = 0; i < 1000; i++) lines.push(`${day}-${i},${date}T12:00:00Z,${i % 5 === 0 ? 3 : i % 2 ? 9 : 7}`);
    }
    const file = join(dir, 'busy.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { exit, stdout } = await run([
      'monitor',
      file,
      '--state',
      join(dir, 'state.json'),
      '--as-of',
      '2026-04-01',
      '--format',
      'json',
    ]);
    expect(exit).toBe(0);
    const note = JSON.parse(stdout).notes.find((n: string) => n.includes('No limit gives'));
    expect(note).toMatch(
      /No limit gives an in-control run length within 10% of 365 days for: overall CUSUM \((\d+) days\)/,
    );
    expect(Number(/CUSUM \((\d+) days\)/.exec(note)![1])).toBeGreaterThan(400);
  });
});

describe('detractor alerts', () => {
  it('list each new detractor who wrote a comment once, by ID, in JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nps-monitor-detractors-'));
    const state = join(dir, 'state.json');
    const args = ['--by', 'channel', '--detractor-alerts', '--no-fail-on-alert', '--state', state, '--format', 'jsonl'];
    expect((await run(['monitor', first, '--as-of', '2026-10-01T09:00Z', ...args])).exit).toBe(0);
    const second = await run(['monitor', grown, '--as-of', '2026-10-08T06:00Z', ...args]);
    expect(second.exit).toBe(0);
    const alerts = second.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // Expected from the files themselves: the rows of the grown export that the first did not hold.
    const rows = (file: string) =>
      readFileSync(join(root, file), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','));
    const seen = new Set(rows(first).map((r) => r[0]));
    const expected = rows(grown)
      .filter((r) => !seen.has(r[0]) && Number(r[2]) <= 6 && r[4] !== '')
      .map((r) => r[0]);
    expect(expected.length).toBeGreaterThan(5);
    expect(alerts.filter((a) => a.reason === 'detractor').map((a) => a.id)).toEqual(expected);
    expect(alerts.filter((a) => a.reason !== 'detractor').length).toBe(1);
    // The same export again: nothing new.
    const third = await run(['monitor', grown, '--as-of', '2026-10-08T06:00Z', ...args]);
    expect(third.stdout).toBe('');
  });
});
