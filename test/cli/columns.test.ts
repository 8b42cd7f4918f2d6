import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CHILD_TIMEOUT_MS } from '../helpers/child.js';
import { fakeIo } from '../helpers/fake-io.js';

const root = join(import.meta.dirname, '..', '..');
const fixtures = ['fixtures', 'fixtures/vendors'].flatMap((dir) =>
  readdirSync(join(root, dir))
    .filter((name) => /\.(csv|tsv|txt|gz)$/.test(name))
    .map((name) => `${dir}/${name}`),
);
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, '');
/** Lines wider than a terminal: a table line is never allowed to be; prose may be, where one word is. */
const tooWide = (text: string, width: number) =>
  plain(text)
    .split('\n')
    .filter((line) => [...line].length > width && (/^[┌│└]/.test(line) || line.includes(' ')));

describe('nps columns in a terminal 80 characters wide', () => {
  it.each(fixtures)('%s', async (fixture) => {
    const io = fakeIo({ stdoutIsTTY: true, stdoutColumns: 80 });
    await main(['columns', fixture], io);
    expect(tooWide(io.out(), 80).filter((line) => /^[┌│└]/.test(line))).toEqual([]);
  });

  it('fits in a real pseudo-terminal too', () => {
    const result = spawnSync(
      'script',
      ['-qec', 'stty cols 80; node bin/nps.js columns fixtures/vendors/qualtrics.csv', '/dev/null'],
      {
        cwd: root,
        encoding: 'utf8',
        timeout: CHILD_TIMEOUT_MS,
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
    expect(result.status, result.stderr).toBe(0);
    const lines = plain(result.stdout).replace(/\r/g, '').split('\n');
    expect(lines.some((line) => line.includes('Q1_NPS_GROUP'))).toBe(true);
    expect(lines.filter((line) => /^[┌│└]/.test(line) && [...line].length > 80)).toEqual([]);
  });

  it('is the full table when it is not a terminal (a pipe or a file)', async () => {
    const io = fakeIo();
    await main(['columns', 'fixtures/vendors/qualtrics.csv'], io);
    expect(
      Math.max(
        ...io
          .out()
          .split('\n')
          .map((l) => [...l].length),
      ),
    ).toBeGreaterThan(80);
  });
});

describe('nps columns --save', () => {
  it('writes the settings file the commands then read, and will not replace it without --force', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nps-save-'));
    const file = join(dir, 'nps.config.json');
    const first = fakeIo();
    expect(await main(['columns', 'fixtures/vendors/windows-1252.csv', '--save', file], first), first.err()).toBe(0);
    const settings = JSON.parse(readFileSync(file, 'utf8'));
    expect(settings).toEqual({
      encoding: 'windows-1252',
      columns: expect.objectContaining({ score: expect.any(String) }),
    });
    // Read with the saved settings, the export needs no detection and gives no encoding warning.
    const withSettings = fakeIo();
    expect(
      await main(['report', 'fixtures/vendors/windows-1252.csv', '--config', file, '--format', 'json'], withSettings),
      withSettings.err(),
    ).toBe(0);
    expect(withSettings.err()).toContain(`Settings from ${file}`);
    expect(withSettings.err()).not.toContain('not UTF-8');

    writeFileSync(file, '{"minN": 5}\n');
    const again = fakeIo();
    expect(await main(['columns', 'fixtures/basic.csv', '--save', file], again)).toBe(2);
    expect(again.err()).toBe(
      `nps: ${file} exists: it is not replaced\nhint: add --force to replace it, or name another file\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe('{"minN": 5}\n');
    expect(await main(['columns', 'fixtures/basic.csv', '--save', file, '--force'], fakeIo())).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).columns.score).toBe('score');
  });

  it('refuses --force without --save', async () => {
    const io = fakeIo();
    expect(await main(['columns', 'fixtures/basic.csv', '--force'], io)).toBe(2);
    expect(existsSync('nps.config.json')).toBe(false);
    expect(io.err()).toContain('--force says --save may replace its file');
  });
});
