import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';
import { expectContract, namedLine, type Outcome, runBoth, runFile, tempDir } from './harness.js';

/**
 * Fixed hostile inputs, each fed as a file and on stdin (`report -`). Every case keeps the general
 * contract (see expectContract); some also say what the answer must be.
 */
const JSON_OUT = ['--format', 'json'];
const dir = tempDir('nps-hostile-');
afterAll(() => dir.cleanup());

let counter = 0;
const both = (bytes: Uint8Array | string, extra: readonly string[] = JSON_OUT): Promise<Outcome[]> =>
  runBoth(dir.path(`case-${++counter}.csv`), typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes, extra);

/** The line (1-based) holding character `index` of `text`, counting CRLF, LF and lone CR as one break each. */
function lineAt(text: string, index: number): number {
  return text.slice(0, index).split(/\r\n|\r|\n/).length;
}

/** Exit 3, naming the line a quoted field opens on. */
function expectOpenQuoteOn(o: Outcome, line: number): void {
  expectContract(o);
  expect(o.exit, `${o.via}: ${o.stderr}`).toBe(3);
  expect(o.stderr, o.via).toMatch(/never closed|quote/i);
  expect(namedLine(o.stderr), `${o.via}: ${o.stderr}`).toBe(line);
}

/** A JSON report whose rows are exactly these counts. */
function expectRows(o: Outcome, rows: { read: number; used: number; excluded_total?: number }): void {
  const r = expectContract(o);
  expect(o.exit, `${o.via}: ${o.stderr}`).toBe(0);
  expect({ read: r!.read, used: r!.used, excluded_total: r!.excluded_total, filtered: r!.filtered }, o.via).toEqual({
    excluded_total: 0,
    filtered: 0,
    ...rows,
  });
}

describe('a truncated export', () => {
  const text = readFileSync('fixtures/basic.csv', 'utf8');
  const open = text.indexOf('"Fine, but slow"');

  it('cut inside a quoted field is refused, naming the line the field opens on', async () => {
    expect(open).toBeGreaterThan(0);
    const cut = text.slice(0, open + 6); // `..."Fine,`
    for (const o of await both(cut)) expectOpenQuoteOn(o, lineAt(text, open));
  });

  it('gzipped and cut half way is refused as input', async () => {
    const gz = gzipSync(Buffer.from(text, 'utf8'));
    for (const o of await both(gz.subarray(0, Math.floor(gz.length / 2)))) {
      expectContract(o);
      expect(o.exit, `${o.via}: ${o.stderr}`).toBe(3);
    }
  });
});

describe('an unterminated quote', () => {
  it('names the line the quote opens on, with rows after it', async () => {
    const text = 'id,score,comment\n1,9,Good\n2,7,OK\n3,10,Great\n4,8,"Never closes, the quote\n5,8,Fine\n6,9,Nice\n';
    for (const o of await both(text)) expectOpenQuoteOn(o, 5);
  });

  it('names the right line after blank lines and quoted line breaks', async () => {
    const text = 'id,score,comment\r\n\r\n1,9,"two\r\nlines"\r\n\r\n\r\n2,7,"open\r\n3,8,x\r\n';
    for (const o of await both(text)) expectOpenQuoteOn(o, 7);
  });

  it('in the header itself names line 1', async () => {
    for (const o of await both('id,"score,comment\n1,9,a\n')) expectOpenQuoteOn(o, 1);
  });
});

describe('NUL bytes', () => {
  it('inside a comment of an otherwise valid export', async () => {
    for (const o of await both('id,score,comment\n1,9,a\u0000b\n2,7,ok\n')) expectContract(o);
  });

  it('far into the file, past the first bytes the reader looks at', async () => {
    const rows = Array.from({ length: 8000 }, (_, i) => `${i + 1},${i % 11},comment number ${i}`);
    rows[7000] = '7001,9,a\u0000\u0000\u0000b';
    for (const o of await both(`id,score,comment\n${rows.join('\n')}\n`)) {
      expectContract(o);
      expect(o.exit, o.via).toBe(3);
      expect(o.stderr, o.via).toMatch(/holds a NUL byte on line 7002/);
    }
  });

  it('and nothing else', async () => {
    for (const o of await both(new Uint8Array(4096))) {
      expectContract(o);
      expect(o.exit, o.via).toBe(3);
    }
  });
});

describe('a 20 MB single field', () => {
  const MB20 = 20 * 1024 * 1024;

  /** Exit 3, with a message that names a real line (1-based) at or just before the record. */
  function expectTooLarge(o: Outcome, recordLine: number): void {
    expectContract(o);
    expect(o.exit, `${o.via}: ${o.stderr}`).toBe(3);
    const line = namedLine(o.stderr);
    expect(line, `${o.via}: no line named in ${o.stderr}`).toBeDefined();
    expect(line!, `${o.via}: ${o.stderr}`).toBeGreaterThanOrEqual(1);
    expect([recordLine - 1, recordLine], `${o.via}: ${o.stderr}`).toContain(line);
  }

  it('quoted, in a comment on line 3', async () => {
    const text = `id,score,comment\n1,9,ok\n2,8,"${'x'.repeat(MB20)}"\n3,7,fine\n`;
    for (const o of await both(text)) expectTooLarge(o, 3);
  });

  it('unquoted, in a comment on line 2', async () => {
    const text = `id,score,comment\n1,9,${'y'.repeat(MB20)}\n`;
    for (const o of await both(text)) expectTooLarge(o, 2);
  });

  it('as the header: line 1', async () => {
    for (const o of await both(`${'h'.repeat(MB20)}\n1\n`)) expectTooLarge(o, 1);
  });
});

describe('a line that never ends, on a pipe', () => {
  const MB = 1024 * 1024;

  /**
   * `report -` reading a pipe that gives `chunks` as they are asked for. `taken`: the bytes the
   * reader asked for; `joined`: the bytes it copied joining buffers (a few copies of a line at
   * the 16 MB limit; a line joined again with every chunk copies gigabytes).
   */
  async function fromPipe(
    chunks: () => Generator<Buffer>,
  ): Promise<{ outcome: Outcome; taken: number; joined: number }> {
    let taken = 0;
    const counted = function* () {
      for (const chunk of chunks()) {
        taken += chunk.length;
        yield chunk;
      }
    };
    const io = { ...fakeIo(), stdin: Object.assign(Readable.from(counted()), { isTTY: false }) };
    let joined = 0;
    const concat = Buffer.concat;
    const spy = vi.spyOn(Buffer, 'concat').mockImplementation((list, length) => {
      const result = concat(list, length);
      joined += result.length;
      return result;
    });
    const started = performance.now();
    let exit: number | undefined;
    let thrown: unknown;
    try {
      exit = await main(['report', '-'], io);
    } catch (err) {
      thrown = err;
    } finally {
      spy.mockRestore();
    }
    return {
      outcome: { via: 'stdin', exit, thrown, stdout: io.out(), stderr: io.err(), ms: performance.now() - started },
      taken,
      joined,
    };
  }

  /** Refused on stdin (exit 3) as the same start of the bytes is from a file. */
  function expectRefusedAsFile(pipe: Outcome, file: Outcome, path: string): void {
    expectContract(file);
    expectContract(pipe);
    expect(file.exit, file.stderr).toBe(3);
    expect(file.stderr).toMatch(/line 2 is longer than 16 MB/);
    expect({ exit: pipe.exit, stderr: pipe.stderr }).toEqual({
      exit: file.exit,
      stderr: file.stderr.replaceAll(path, 'stdin'),
    });
  }

  it('is refused as from a file, the pipe read no further than the limit and the line not joined again and again', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const path = dir.path('one-line.csv');
    const file = await runFile(path, Buffer.concat([Buffer.from('score\n'), Buffer.alloc(20 * MB, 'x')]));
    // A gigabyte, were it all read.
    const { outcome, taken, joined } = await fromPipe(function* () {
      yield Buffer.from('score\n');
      for (let i = 0; i < (1024 * MB) / chunk.length; i++) yield chunk;
    });
    expectRefusedAsFile(outcome, file, path);
    expect(taken).toBeLessThan(18 * MB);
    expect(joined).toBeLessThan(3 * 16 * MB);
  });

  it('not UTF-8 (read from there as windows-1252): the same', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const start = Buffer.from('score\n\xe9', 'latin1');
    const path = dir.path('one-line-latin1.csv');
    const file = await runFile(path, Buffer.concat([start, Buffer.alloc(20 * MB, 'x')]));
    const { outcome, taken, joined } = await fromPipe(function* () {
      yield start;
      for (let i = 0; i < (1024 * MB) / chunk.length; i++) yield chunk;
    });
    expectRefusedAsFile(outcome, file, path);
    expect(taken).toBeLessThan(18 * MB);
    expect(joined).toBeLessThan(3 * 16 * MB);
  });

  it('gzipped (a gzip bomb): the same', async () => {
    // Gzip members one after another are one stream: a 2 GB line from 2 MB.
    const member = gzipSync(Buffer.alloc(MB, 'x'));
    const bomb = Buffer.concat([gzipSync('score\n'), ...new Array<Buffer>(2048).fill(member)]);
    const path = dir.path('bomb.csv.gz');
    const file = await runFile(path, bomb);
    const { outcome, taken, joined } = await fromPipe(function* () {
      for (let at = 0; at < bomb.length; at += 16 * 1024) yield bomb.subarray(at, at + 16 * 1024);
    });
    expectRefusedAsFile(outcome, file, path);
    expect(taken).toBeLessThan(bomb.length / 2);
    expect(joined).toBeLessThan(3 * 16 * MB);
  });
});

describe('100,000 columns', () => {
  const COLUMNS = 100_000;
  const names = Array.from({ length: COLUMNS }, (_, i) => `c${i + 1}`);

  it('with a score column among them, reports the rows', async () => {
    const header = ['id', 'score', ...names.slice(2)].join(',');
    const row = (id: number, score: number) =>
      [String(id), String(score), ...new Array<string>(COLUMNS - 2).fill('')].join(',');
    const text = `${header}\n${row(1, 9)}\n${row(2, 0)}\n${row(3, 7)}\n`;
    for (const o of await both(text)) expectRows(o, { read: 3, used: 3 });
  });

  it('and none of them a score, says so briefly', async () => {
    const text = `${names.join(',')}\n${names.map(() => '1').join(',')}\n`;
    for (const o of await both(text)) {
      expectContract(o);
      expect(o.exit, `${o.via}: ${o.stderr.slice(0, 300)}`).toBe(2);
    }
  });

  it('in a header of commas only', async () => {
    for (const o of await both(`${','.repeat(COLUMNS - 1)}\n1\n`)) expectContract(o);
  });
});

describe('line endings', () => {
  it('LF, CRLF and CR mixed in one file: every row is read', async () => {
    const text = 'id,score,comment\n1,9,a\r\n2,8,b\r3,7,c\n4,10,"d, e"\r\n5,0,f\r';
    for (const o of await both(text)) expectRows(o, { read: 5, used: 5 });
  });

  it('mixed, starting with CRLF', async () => {
    const text = 'id,score,comment\r\n1,9,a\n2,8,"b"\r3,7,c\r\n4,10,d\n';
    for (const o of await both(text)) expectRows(o, { read: 4, used: 4 });
  });

  it('CR only (classic Mac)', async () => {
    for (const o of await both('id,score,comment\r1,9,a\r2,8,"b"\r3,0,c\r')) expectRows(o, { read: 3, used: 3 });
  });
});

describe('UTF-16', () => {
  // Excel's "Unicode text": tab-separated UTF-16LE.
  const text = 'id\tscore\tcomment\r\n1\t9\tBra service\r\n2\t0\tDålig\r\n3\t7\tOK\r\n';
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.from(le).swap16();

  /** Either read right or refused with a message that says UTF-16: never garbage. */
  function readOrRefused(o: Outcome): void {
    const r = expectContract(o);
    if (o.exit === 0) {
      expect({ read: r!.read, used: r!.used }, o.via).toEqual({ read: 3, used: 3 });
      return;
    }
    expect(o.exit, `${o.via}: ${o.stderr}`).toBe(3);
    expect(o.stderr, o.via).toMatch(/UTF-16/);
  }

  it('LE without a BOM is read or refused as UTF-16', async () => {
    for (const o of await both(le)) readOrRefused(o);
  });

  it('BE without a BOM is read or refused as UTF-16', async () => {
    for (const o of await both(be)) readOrRefused(o);
  });

  it('LE with a BOM is read', async () => {
    for (const o of await both(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))) expectRows(o, { read: 3, used: 3 });
  });

  it('BE with a BOM is read', async () => {
    for (const o of await both(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))) expectRows(o, { read: 3, used: 3 });
  });
});

describe('files with no content', () => {
  /** An input error (exit 3): there is nothing to analyse, and no option would fix that. */
  async function expectEmpty(bytes: Uint8Array | string): Promise<void> {
    for (const o of await both(bytes)) {
      expectContract(o);
      expect(o.exit, `${o.via}: ${o.stderr}`).toBe(3);
    }
  }

  it('empty', () => expectEmpty(''));
  it('only a UTF-8 BOM', () => expectEmpty(Buffer.from([0xef, 0xbb, 0xbf])));
  it('only a UTF-16LE BOM', () => expectEmpty(Buffer.from([0xff, 0xfe])));
  it('only `sep=;`', () => expectEmpty('sep=;'));
  it('only `sep=;` and a line break', () => expectEmpty('sep=;\r\n'));
  it('only a BOM and `sep=;`', () => expectEmpty('\ufeffsep=;\n'));
  it('only newlines (LF)', () => expectEmpty('\n\n\n\n'));
  it('only newlines (CRLF)', () => expectEmpty('\r\n\r\n\r\n'));
  it('only newlines, mixed', () => expectEmpty('\n\n\r\n\r\r\n\n'));
  it('only whitespace', () => expectEmpty('  \t \n \n'));
});

describe('gzip', () => {
  it('a gzip header followed by garbage is refused as input', async () => {
    const bytes = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03]),
      Buffer.from('this is not deflate data at all \u0000\u00ff', 'latin1'),
    ]);
    for (const o of await both(bytes)) {
      expectContract(o);
      expect(o.exit, `${o.via}: ${o.stderr}`).toBe(3);
    }
  });

  it('only the two magic bytes', async () => {
    for (const o of await both(Buffer.from([0x1f, 0x8b]))) {
      expectContract(o);
      expect(o.exit, `${o.via}: ${o.stderr}`).toBe(3);
    }
  });

  it('a valid gzip of binary garbage keeps the contract', async () => {
    const garbage = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 256));
    for (const o of await both(gzipSync(garbage))) expectContract(o);
  });
});

describe('quotes', () => {
  it('a megabyte of quote characters', async () => {
    for (const o of await both(`score\n${'"'.repeat(1024 * 1024)}\n`)) expectContract(o);
  });

  it('stray quotes inside unquoted fields', async () => {
    for (const o of await both('id,score,comment\n1,9,a"b\n2,8,"c"d\n3,7,e""\n')) expectContract(o);
  });
});

describe('empty stdin', () => {
  it('is an input error naming stdin', async () => {
    const [, o] = await both('');
    expectContract(o);
    expect(o.exit).toBe(3);
    expect(o.stderr).toMatch(/^nps: stdin is empty\n/);
  });
});
