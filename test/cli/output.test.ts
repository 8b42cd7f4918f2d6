import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { writeOutput } from '../../src/io/write/write.js';
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
    expect(io.err()).toMatch(/^nps: cannot write \/nonexistent-dir\/x.csv: no such folder \(ENOENT\)\nhint: /);
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

describe('-o never replaces what the run reads', () => {
  it('refuses the --themes and --config files, by any name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nps-lookup-'));
    const themes = join(dir, 'themes.json');
    copyFileSync('fixtures/themes.json', themes);
    const io = fakeIo();
    expect(
      await main(
        ['themes', 'fixtures/contact-centre.csv', '--themes', themes, '-o', join(dir, '.', 'themes.json')],
        io,
      ),
    ).toBe(2);
    expect(io.err()).toMatch(/^nps: refusing to write over the input file /);
    const config = join(dir, 'settings.json');
    copyFileSync('fixtures/configs/warsaw.json', config);
    const io2 = fakeIo();
    expect(
      await main(['report', 'fixtures/basic.csv', '--config', config, '-o', config, '--format', 'json'], io2),
    ).toBe(2);
    expect(readFileSync(config, 'utf8')).toBe(readFileSync('fixtures/configs/warsaw.json', 'utf8'));
  });

  it('refuses -o when a file named -o is in the folder (a * that matched it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nps-glob-'));
    const here = process.cwd();
    writeFileSync(join(dir, '-o'), '');
    copyFileSync(join(here, 'fixtures/basic.csv'), join(dir, 'data.csv'));
    process.chdir(dir);
    try {
      const io = fakeIo();
      expect(await main(['report', '-o', 'data.csv'], io)).toBe(2);
      expect(io.err()).toMatch(/^nps: a file named -o is in this folder/);
      expect(readFileSync('data.csv', 'utf8')).toBe(readFileSync(join(here, 'fixtures/basic.csv'), 'utf8'));
    } finally {
      process.chdir(here);
    }
  });

  it('removes its temporary file when interrupted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nps-int-'));
    let interrupt: (() => void) | undefined;
    const onInterrupt = (cleanup: () => void) => {
      interrupt = cleanup;
      return () => {};
    };
    const io = { ...fakeIo(), onInterrupt };
    const writing = writeOutput('x'.repeat(10_000_000), join(dir, 'out.csv'), [], io);
    let settled = false;
    const settle = () => {
      settled = true;
    };
    writing.then(settle, settle);
    // Wait for the temporary file to appear (its open is asynchronous), then interrupt. Every turn
    // of the event loop looks, so the file cannot be missed, and no count of turns is assumed: a
    // loaded machine may take many before the open comes back.
    while (!settled && !readdirSync(dir).some((f) => f.endsWith('.tmp')))
      await new Promise((resolve) => setImmediate(resolve));
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(true);
    interrupt!();
    await writing.catch(() => {});
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
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

describe('invisible characters in names', () => {
  it.each(['html', 'markdown', 'table', 'csv'])('never reach %s output raw, chart labels included', async (format) => {
    const io = fakeIo();
    expect(await main(['agents', 'fixtures/bidi-agents.csv', '--min-n', '1', '--format', format], io)).toBe(0);
    expect(io.out()).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200b]/);
    // Shown as what they are (escaped as each format escapes < and >).
    expect(io.out()).toMatch(/U\+202E(&gt;|\\?>)annA/);
  });
});
