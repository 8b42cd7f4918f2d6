import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

/** The real binary, built by `npm test` (or `npm run build`) before vitest runs. */
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'nps.js');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { cwd: root, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('the built nps binary', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npm run build first');
  });

  it('prints its version', () => {
    const result = run(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('reports a fixture with the same output as the in-process CLI', () => {
    const result = run(['report', 'fixtures/basic.csv', '--format', 'csv']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('\n20,30.0,-5.7,57.9,31.8,');
    expect(result.stderr).toBe('');
  });

  it('reads standard input', () => {
    const result = run(['report', '--format', 'csv'], 'score\n10\n9\n0\n');
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[1]).toMatch(/^3,33\.3,/);
  });

  it('sets the exit code of a failed threshold and of bad input, without a stack trace', () => {
    const below = run(['report', 'fixtures/basic.csv', '--fail-below', '50', '--format', 'json']);
    expect(below.status).toBe(1);
    expect(JSON.parse(below.stdout).summary.nps).toBe(30);
    const missing = run(['report', 'no-such.csv']);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toBe('nps: cannot read no-such.csv: no such file\nhint: check the path; use - to read standard input\n');
  });

  it('exits 0, quietly, when the reader of its output has gone (nps ... | head)', () => {
    // `true` exits at once, so by the time nps writes, the pipe has no reader: EPIPE.
    const result = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(bin)} report fixtures/contact-centre.csv | true`], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });
});
