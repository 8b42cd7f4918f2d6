import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';

describe('-o FILE', () => {
  it('writes exactly what stdout would get, and nothing to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nps-out-'));
    const file = join(dir, 'report.csv');
    const toFile = fakeIo();
    expect(await main(['report', 'fixtures/basic.csv', '--format', 'csv', '-o', file], toFile)).toBe(0);
    const toStdout = fakeIo();
    await main(['report', 'fixtures/basic.csv', '--format', 'csv'], toStdout);
    expect(toFile.out()).toBe('');
    expect(readFileSync(file, 'utf8')).toBe(toStdout.out());
    expect(readdirSync(dir)).toEqual(['report.csv']); // no temporary file left behind
  });

  it('writes no colour into a file even when asked to colour the terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nps-out-'));
    const file = join(dir, 'report.txt');
    await main(['report', 'fixtures/basic.csv', '-o', file], fakeIo({ env: { FORCE_COLOR: '1' }, stdoutIsTTY: true }));
    expect(readFileSync(file, 'utf8')).not.toContain('\x1b');
  });

  it('fails with exit 3 when the folder does not exist', async () => {
    const io = fakeIo();
    expect(await main(['report', 'fixtures/basic.csv', '-o', '/nonexistent-dir/x.csv'], io)).toBe(3);
    expect(io.err()).toMatch(/^nps: cannot write \/nonexistent-dir\/x.csv: ENOENT\nhint: /);
  });
});

describe('-o FILE picks the format from its extension', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nps-ext-'));
  const written = async (name: string, extra: string[] = []) => {
    const io = fakeIo();
    const code = await main(['report', 'fixtures/basic.csv', '-o', join(dir, name), ...extra], io);
    expect(code, io.err()).toBe(0);
    expect(io.out()).toBe('');
    return readFileSync(join(dir, name), 'utf8');
  };
  const stdoutOf = async (args: string[]) => {
    const io = fakeIo();
    await main(['report', 'fixtures/basic.csv', ...args], io);
    return io.out();
  };

  it('.csv writes CSV, exactly as --format csv would', async () => {
    expect(await written('a.csv')).toBe(await stdoutOf(['--format', 'csv']));
  });

  it('.csv with --excel writes CSV for Excel: BOM, ; and decimal comma, CRLF', async () => {
    const text = await written('b.csv', ['--excel']);
    expect(text).toBe(await stdoutOf(['--format', 'csv', '--excel']));
    expect(text.startsWith('\ufeffn;nps;')).toBe(true);
    expect(text).toContain('\r\n20;30,0;');
  });

  it('.tsv, .json, .md and .txt write TSV, JSON, Markdown and a plain table', async () => {
    expect(await written('c.tsv')).toBe(await stdoutOf(['--format', 'tsv']));
    expect((await written('c.tsv')).split('\n')[0]).toMatch(/^n\tnps\tnps_lower\t/);
    expect(JSON.parse(await written('d.json')).summary.nps).toBe(30);
    expect(await written('e.md')).toBe(await stdoutOf(['--format', 'markdown']));
    expect(await written('f.txt')).toBe(await stdoutOf([]));
  });

  it('--format on the command line wins over the extension', async () => {
    expect(await written('g.json', ['--format', 'csv'])).toBe(await stdoutOf(['--format', 'csv']));
  });

  it('--excel alone asks for CSV on stdout', async () => {
    expect(await stdoutOf(['--excel'])).toBe(await stdoutOf(['--format', 'csv', '--excel']));
  });
});

describe('colour', () => {
  it('is used on a terminal and never with NO_COLOR', async () => {
    const tty = fakeIo({ stdoutIsTTY: true });
    await main(['report', 'fixtures/basic.csv'], tty);
    expect(tty.out()).toContain('\x1b[');
    const noColor = fakeIo({ stdoutIsTTY: true, env: { NO_COLOR: '1' } });
    await main(['report', 'fixtures/basic.csv'], noColor);
    expect(noColor.out()).not.toContain('\x1b');
  });

  it('is not used on a terminal that says TERM=dumb, unless FORCE_COLOR asks for it', async () => {
    const dumb = fakeIo({ stdoutIsTTY: true, env: { TERM: 'dumb' } });
    await main(['report', 'fixtures/basic.csv'], dumb);
    expect(dumb.out()).not.toContain('\x1b');
    const forced = fakeIo({ stdoutIsTTY: true, env: { TERM: 'dumb', FORCE_COLOR: '1' } });
    await main(['report', 'fixtures/basic.csv'], forced);
    expect(forced.out()).toContain('\x1b[');
  });
});

describe('progress', () => {
  it('is never shown for small files, nor when stderr is not a terminal', async () => {
    const io = fakeIo({ stderrIsTTY: true });
    await main(['report', 'fixtures/contact-centre.csv'], io);
    expect(io.err()).toBe('');
  });
});
