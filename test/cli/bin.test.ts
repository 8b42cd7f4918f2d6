import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD_TIMEOUT_MS, spawnChild } from '../helpers/child.js';

/** The real binary, built by `npm test` (or `npm run build`) before vitest runs. */
const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'nps.js');
const run = (args: string[], input?: string) =>
  spawnChild(process.execPath, [bin, ...args], { cwd: root, input, env: { ...process.env, NO_COLOR: '1' } });

/** This file's temporary files (the memory cases write tens of MB), removed when it is done. */
const temp = mkdtempSync(join(tmpdir(), 'nps-bin-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

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
    expect(result.stdout).toContain('\n20,30.0,-6.8,59.0,36.8,29.0,0.95,score,');
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
    expect(missing.stderr).toBe(
      'nps: cannot read no-such.csv: no such file\nhint: check the path; use - to read standard input\n',
    );
  });

  it('exits 0, quietly, when the reader of its output has gone (nps ... | head)', () => {
    // `true` exits at once, so by the time nps writes, the pipe has no reader: EPIPE.
    const result = spawnChild(
      'bash',
      ['-c', `set -o pipefail; node ${JSON.stringify(bin)} report fixtures/contact-centre.csv | true`],
      { cwd: root },
    );
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });

  it.each([['--help'], ['report --help'], ['--version']])(
    'exits 0, quietly, when the reader of nps %s has gone',
    (args) => {
      const result = spawnChild('bash', ['-c', `set -o pipefail; node ${JSON.stringify(bin)} ${args} | true`], {
        cwd: root,
      });
      expect(result.status).toBe(0);
      expect(result.stderr).toBe('');
    },
  );

  it('fails with exit 3 and one line, never success, when stdout cannot be written (a full disk)', () => {
    const result = spawnChild(
      'bash',
      ['-c', `node ${JSON.stringify(bin)} report fixtures/basic.csv --format json > /dev/full`],
      { cwd: root },
    );
    expect(result.status).toBe(3);
    expect(result.stderr).toBe(
      'nps: cannot write the output: no space left on the device (ENOSPC)\nhint: check the free space where the output goes\n',
    );
  });

  it("keeps a failed gate's exit code when the reader of its output has gone", () => {
    const result = spawnChild(
      'bash',
      ['-c', `set -o pipefail; node ${JSON.stringify(bin)} report fixtures/contact-centre.csv --fail-below 100 | true`],
      { cwd: root },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('nps: NPS +27.0 is below --fail-below 100\n');
  });

  it('never writes -o over the file standard input reads', () => {
    const dir = mkdtempSync(join(temp, 'stdin-'));
    const input = join(dir, 'in.csv');
    copyFileSync(join(root, 'fixtures', 'basic.csv'), input);
    const result = spawnChild(
      'bash',
      ['-c', `node ${JSON.stringify(bin)} report - -o ${JSON.stringify(input)} < ${JSON.stringify(input)}`],
      { cwd: root },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^nps: refusing to write over standard input /);
    expect(readFileSync(input, 'utf8')).toBe(readFileSync(join(root, 'fixtures', 'basic.csv'), 'utf8'));
  });

  it.each([
    ['process substitution', `node BIN report <(cat fixtures/basic.csv) --format csv`],
    ['/dev/stdin on a pipe', `cat fixtures/basic.csv | node BIN report /dev/stdin --format csv`],
    ['a gzipped process substitution', `node BIN report <(gzip -c fixtures/basic.csv) --format csv`],
    [
      'a FIFO',
      `f=$(mktemp -u); mkfifo "$f"; (timeout 120 cat fixtures/basic.csv > "$f" 2> /dev/null &); node BIN report "$f" --format csv; code=$?; rm -f "$f"; exit $code`,
    ],
  ])('reads %s, which cannot be read at an offset, as a stream', (_name, script) => {
    const result = spawnChild('bash', ['-c', script.replace('BIN', JSON.stringify(bin))], { cwd: root });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[1]).toMatch(/^20,30\.0,/);
  });

  it('removes the temporary files of a long listing when Ctrl-C stops it', async () => {
    const temp = mkdtempSync(join(tmpdir(), 'nps-sigint-'));
    const child = spawn(process.execPath, [bin, 'followup', '-', '--format', 'json'], {
      cwd: root,
      env: { ...process.env, TMPDIR: temp },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // More detractors than a batch holds, and standard input left open: the listing waits, spilled.
    // What is still unwritten when the child stops has nowhere to go: not this test's concern.
    child.stdin.on('error', () => {});
    child.stdin.write(`id,date,score\n${Array.from({ length: 120_000 }, (_, i) => `${i},2024-01-01,3\n`).join('')}`);
    const spilled = () => readdirSync(temp).some((name) => name.startsWith('nps-list-'));
    for (let waited = 0; !spilled(); waited += 50) {
      if (waited > CHILD_TIMEOUT_MS) throw new Error('no temporary folder appeared');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(readdirSync(temp)).toEqual([]);
    rmSync(temp, { recursive: true, force: true });
  });

  it('ends as soon as it is done when the workers started with the run are not needed', () => {
    // Every file counts as large: workers start with the run, then neither command reads on them.
    const env = { ...process.env, NO_COLOR: '1', NPS_PARALLEL_MIN_BYTES: '0' };
    for (const args of [
      ['columns', 'fixtures/basic.csv'],
      ['report', 'fixtures/basic.csv', '--join', 'fixtures/join-crm.csv'],
    ]) {
      const result = spawnChild(process.execPath, [bin, ...args], { cwd: root, env });
      expect(result.status, result.stderr).not.toBe(null);
      expect(result.stderr).not.toMatch(/internal error|Error:/);
    }
  });

  it('never replaces a device node or a FIFO given to -o', () => {
    const dir = mkdtempSync(join(temp, 'dev-'));
    const fifo = join(dir, 'pipe.csv');
    expect(spawnChild('mkfifo', [fifo]).status).toBe(0);
    const targets = [fifo];
    // A copy of /dev/null's device node, where the machine lets us make one (as root in CI).
    const node = join(dir, 'null');
    if (spawnChild('mknod', [node, 'c', '1', '3']).status === 0) targets.push(node);
    for (const target of targets) {
      const result = run(['report', 'fixtures/basic.csv', '-o', target]);
      expect(result.status, target).toBe(2);
      expect(result.stderr).toMatch(/it is not a regular file/);
      expect(statSync(target).isFile(), target).toBe(false);
    }
  });

  it('stays within a 256 MB heap and 300 MiB of memory on inputs built to exhaust it, and names the line where it stops', () => {
    const dir = mkdtempSync(join(temp, 'heap-'));
    const commas = join(dir, 'commas.csv');
    writeFileSync(commas, `id,score\n1,${','.repeat(20 * 1024 * 1024)}\n`);
    const line = join(dir, 'long-line.csv');
    writeFileSync(line, `id,score,comment\n1,9,${'a'.repeat(17 * 1024 * 1024)}\n`);
    const newlines = join(dir, 'newlines.csv');
    writeFileSync(newlines, `id,score,comment\n1,9,"${'\n'.repeat(1_100_000)}"\n2,9,ok\n`);
    const agents = join(dir, 'distinct-agents.csv');
    writeFileSync(
      agents,
      `id,score,agent\n${Array.from({ length: 300_000 }, (_, i) => `${i},${i % 11},Agent ${i}`).join('\n')}\n`,
    );
    const detractors = join(dir, 'detractors.csv');
    writeFileSync(
      detractors,
      `id,submitted_at,score,comment\n${Array.from({ length: 300_000 }, (_, i) => `R${i},2024-01-01T${String(i % 24).padStart(2, '0')}:00:00Z,${i % 7},"comment ${i}, a comma"`).join('\n')}\n`,
    );
    const cases: [string, string[], number, RegExp][] = [
      [commas, ['report'], 3, /line 2 has more than 250000 fields/],
      [line, ['followup'], 3, /line 2 is longer than 16 MB/],
      [newlines, ['comments'], 3, /the record starting on line 2 runs over more than 1000000 lines/],
      [agents, ['agents'], 4, /the column "agent" has more than 100000 distinct values/],
      [agents, ['segments', '--by', 'agent'], 4, /the column "agent" has more than 100000 distinct values/],
      // 300,000 responses to list: written as they are merged from temporary files, not held.
      [detractors, ['followup', '--format', 'json', '-o', join(dir, 'followup.json')], 0, /^peak-rss \d+\n$/],
    ];
    // The child writes its peak resident memory (KiB) on stderr as it exits.
    const peak =
      "data:text/javascript,import{writeSync}from'node:fs';process.on('exit',()=>writeSync(2,'peak-rss '+process.resourceUsage().maxRSS+'\\n'))";
    for (const [file, command, exit, message] of cases) {
      const result = spawnChild(
        process.execPath,
        ['--max-old-space-size=256', '--import', peak, bin, ...command, file],
        { cwd: root },
      );
      expect(result.status, result.stderr).toBe(exit);
      expect(result.stderr).toMatch(message);
      const kib = Number(/peak-rss (\d+)/.exec(result.stderr)?.[1]);
      expect(kib, `${command.join(' ')} ${file}`).toBeGreaterThan(0);
      expect(kib / 1024, `${command.join(' ')} ${file}: peak MiB`).toBeLessThan(300);
    }
  });
});

/*
 * A nearly full disk: a tmpfs of 16 KiB, mounted for the test (which needs root, as CI is; the
 * README's `npm test` runs as root to install its system packages too).
 */
describe.skipIf(process.getuid?.() !== 0)('-o on a disk too small for the output', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'nps-tiny-'));
  let mounted = false;
  beforeAll(() => {
    mounted = spawnChild('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mountPoint]).status === 0;
  });
  afterAll(() => {
    if (mounted) spawnChild('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  it('exits 3 with one line, and the file that was there stays as it was', () => {
    expect(mounted, 'mount -t tmpfs failed').toBe(true);
    const target = join(mountPoint, 'out.json');
    writeFileSync(target, 'the previous listing\n');
    const result = run(['followup', 'fixtures/contact-centre.csv', '--max-score', '10', '-o', target]);
    expect(result.status).toBe(3);
    expect(result.stderr).toBe(
      `nps: cannot write ${target}: no space left on the device (ENOSPC)\nhint: free some space there, or write elsewhere; ${target} is as it was\n`,
    );
    expect(readFileSync(target, 'utf8')).toBe('the previous listing\n');
    expect(readdirSync(mountPoint)).toEqual(['out.json']);
  });
});
