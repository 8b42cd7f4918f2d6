import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { allCommands } from '../../src/cli/commands/index.js';
import { main } from '../../src/cli/main.js';
import { threadsForLine } from '../../src/io/scan/threads.js';
import { fakeIo } from '../helpers/fake-io.js';

/*
 * A file read on several threads must give exactly what one thread gives: the same figures, row
 * accounting, line numbers, warnings, errors and exit codes, wherever the parts start (inside a
 * quoted field too). NPS_PARALLEL_MIN_BYTES=0 splits these small files as a large one would be.
 */

const dir = mkdtempSync(join(tmpdir(), 'nps-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An export with what makes splitting hard: quoted line breaks, CRLF and CR, blank lines, bad answers and dates. */
function exportOf(rows: number, seed: number, date: (r: () => number, i: number) => string): string {
  const r = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)];
  const lines = ['id,date,score,agent,channel,comment'];
  for (let i = 1; i <= rows; i++) {
    const comment = pick([
      '',
      'fine',
      '"slow, then kind"',
      '"line one\nline two"',
      '"a ""quoted"" word"',
      '"x\r\ny\rz"',
      'ok',
    ]);
    const score = pick(['0', '3', '6', '7', '8', '9', '10', '10', '9', '', 'NA', '11', 'ten']);
    lines.push(
      `${i},${date(r, i)},${score},${pick(['Ann', 'Bo', 'Cy', 'Dee', ''])},${pick(['chat', 'phone', 'email'])},${comment}`,
    );
    if (r() < 0.01) lines.push('');
  }
  return lines.map((line, i) => line + (i % 97 === 5 ? '\r\n' : '\n')).join('');
}

const isoDate = (r: () => number) =>
  r() < 0.01
    ? 'not a date'
    : `2024-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
/** Slash dates that stay ambiguous (every part <= 12) until late in the file, where month-first shows. */
const lateSlashDate = (r: () => number, i: number) =>
  `${1 + Math.floor(r() * 12)}/${i > 2600 && r() < 0.2 ? 25 : 1 + Math.floor(r() * 12)}/2024`;

function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface Run {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: readonly string[], threads: number): Promise<Run> {
  const io = fakeIo({ env: { NPS_PARALLEL_MIN_BYTES: '0' } });
  const exit = await main([...args, '--threads', String(threads)], io);
  return { exit, stdout: io.out(), stderr: io.err() };
}

/** Which reader meta names for the first input ("fast, 3 threads", ...). */
const readerOf = (run: Run): string => JSON.parse(run.stdout).meta.inputs[0].reader;
const withoutReader = (run: Run): Run => ({
  ...run,
  stdout: run.stdout.replace(/"reader": "[^"]*"/g, '"reader": "…"').replace(/"threads": (\d+|null)/, '"threads": …'),
});

const COMMANDS: readonly (readonly string[])[] = [
  ['report'],
  ['report', '--last', '2q', '--as-of', '2025-01-01'],
  ['trend', '--period', 'month'],
  ['agents', '--min-n', '1'],
  ['segments', '--by', 'channel'],
  ['compare', '--by', 'channel'],
  ['report', '--where', 'channel=chat', '--since', '2024-03-01'],
  // Each respondent's latest answer, wherever in the file (and in whichever part) it comes.
  ['trend', '--period', 'month', '--dedupe', 'comment'],
  ['report', '--last', '2q', '--as-of', '2025-01-01', '--dedupe', 'comment'],
  ['agents', '--min-n', '1', '--weight', 'id'],
];

describe('several threads give what one gives', () => {
  const iso = file('iso.csv', exportOf(3000, 7, isoDate));
  const slash = file('slash.csv', exportOf(3000, 11, lateSlashDate));

  it.each(COMMANDS.map((args) => [args.join(' '), args] as const))('%s', async (_name, args) => {
    for (const path of [iso, slash]) {
      const one = await run([...args, path, '--format', 'json'], 1);
      expect(one.exit).toBe(0);
      expect(readerOf(one)).toBe('fast');
      for (const threads of [2, 3, 4]) {
        const many = await run([...args, path, '--format', 'json'], threads);
        expect(readerOf(many)).toBe(`fast, ${threads} threads`);
        expect(withoutReader(many)).toEqual(withoutReader(one));
      }
    }
  });

  it('the slash-date order decided only in a later part is the one used everywhere', async () => {
    const many = await run(['trend', '--period', 'quarter', slash, '--format', 'json'], 3);
    expect(readerOf(many)).toBe('fast, 3 threads');
    expect(JSON.parse(many.stdout).meta.dates.slash_order).toBe('mdy');
  });

  it('a command whose fold cannot be split does not offer --threads', async () => {
    const listed = await run(['comments', iso, '--format', 'json'], 4);
    expect(listed.exit).toBe(2);
    expect(listed.stderr).toContain("unknown option '--threads'");
  });
});

describe('workers started with the run, before the command loads', () => {
  const path = file('early.csv', exportOf(3000, 23, isoDate));
  const env = { NPS_PARALLEL_MIN_BYTES: '0' };

  it('are as many as the largest file named needs, and none when --threads says', () => {
    const cores = Math.min(availableParallelism(), 64);
    expect(threadsForLine(['report', path, '--format', 'json'], env)).toBe(cores);
    expect(threadsForLine(['report', path, '--threads', '1'], env)).toBe(1);
    expect(threadsForLine(['report', path, '--threads=3'], env)).toBe(1);
    expect(threadsForLine(['report', path], {})).toBe(1); // a small file, at the usual threshold
    expect(threadsForLine(['report', join(path, 'not-a-folder'), 'nosuch.csv', '\0'], env)).toBe(1);
  });

  it.skipIf(availableParallelism() < 2)('read the parts as workers started by the reading do', async () => {
    for (const args of [['report'], ['agents', '--min-n', '1'], ['summary', '--as-of', '2025-01-01']]) {
      const io = fakeIo({ env });
      const exit = await main([...args, path, '--format', 'json'], io);
      const early = { exit, stdout: io.out(), stderr: io.err() };
      const threads = Math.min(availableParallelism(), 64);
      expect(readerOf(early)).toBe(`fast, ${threads} threads`);
      expect(withoutReader(early)).toEqual(withoutReader(await run([...args, path, '--format', 'json'], 1)));
    }
  });
});

describe('a Parquet file, its row groups read on several threads', () => {
  // The same kind of rows as the CSV exports, in row groups of 500: bad answers, bad and missing dates.
  const r = random(17);
  const rows = 4000;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(r() * items.length)];
  const path = join(dir, 'groups.parquet');
  parquetWriteFile({
    filename: path,
    rowGroupSize: 500,
    columnData: [
      { name: 'id', data: Array.from({ length: rows }, (_, i) => String(i + 1)), type: 'STRING' },
      {
        name: 'date',
        data: Array.from({ length: rows }, (_, i) => (i % 211 === 0 ? null : isoDate(r))),
        type: 'STRING',
      },
      {
        name: 'score',
        data: Array.from({ length: rows }, () => pick(['0', '3', '6', '7', '8', '9', '10', '10', '9', 'NA', '11'])),
        type: 'STRING',
      },
      { name: 'agent', data: Array.from({ length: rows }, () => pick(['Ann', 'Bo', 'Cy', 'Dee'])), type: 'STRING' },
      { name: 'channel', data: Array.from({ length: rows }, () => pick(['chat', 'phone', 'email'])), type: 'STRING' },
      {
        name: 'comment',
        data: Array.from({ length: rows }, () => pick(['', 'fine', 'slow, then kind'])),
        type: 'STRING',
      },
    ],
  });

  it.each(COMMANDS.map((args) => [args.join(' '), args] as const))('%s', async (_name, args) => {
    const one = await run([...args, path, '--format', 'json'], 1);
    expect(one.exit).toBe(0);
    expect(readerOf(one)).toBe('parquet');
    for (const threads of [2, 3]) {
      const many = await run([...args, path, '--format', 'json'], threads);
      expect(readerOf(many)).toBe(`parquet, ${threads} threads`);
      expect(withoutReader(many)).toEqual(withoutReader(one));
    }
  });

  it('names the line of what a later part excludes as one thread does', async () => {
    // Every answer good but one, in the last row group.
    const late = join(dir, 'late-bad.parquet');
    parquetWriteFile({
      filename: late,
      rowGroupSize: 500,
      columnData: [
        { name: 'score', data: Array.from({ length: 4000 }, (_, i) => (i === 3210 ? 'NA' : '9')), type: 'STRING' },
      ],
    });
    const one = await run(['report', late, '--strict', '--format', 'json'], 1);
    expect(one.exit).toBe(4);
    expect(one.stderr).toContain('first on line 3212');
    for (const threads of [2, 3])
      expect(await run(['report', late, '--strict', '--format', 'json'], threads)).toEqual(one);
  });
});

/**
 * The contract: every command that offers --threads reads a large file on threads and prints
 * exactly what it prints on one. A command added with --threads must be listed here, with the
 * arguments it needs, or this fails.
 */
const THREADED: Readonly<Record<string, readonly string[]>> = {
  report: [],
  summary: ['--period', 'month', '--as-of', '2025-01-01'],
  trend: ['--period', 'month'],
  agents: ['--min-n', '1'],
  segments: ['--by', 'channel'],
  compare: ['--period', '2024-06', '--vs', '2024-05'],
  themes: ['--comment', 'comment'],
  drivers: ['--numeric', 'id', '--categorical', 'channel'],
  expected: ['--features', 'channel,id'],
  followup: ['--category', 'promoter'],
  monitor: ['--state', join(dir, 'monitor-state.json'), '--dry-run', '--as-of', '2025-01-01', '--by', 'channel'],
};

const COMMAND_LIST = await allCommands();

describe('every command that offers --threads reads on threads', () => {
  const offering = COMMAND_LIST.filter(
    (c) => typeof c.shared.input === 'object' && c.shared.input.threads !== false,
  ).map((c) => c.name);
  const path = file('contract.csv', exportOf(3000, 13, isoDate));

  it('lists them all', () => {
    expect(Object.keys(THREADED).sort()).toEqual([...offering].sort());
  });

  it.each(Object.entries(THREADED))('%s: 2 threads print what 1 prints', async (command, args) => {
    const one = await run([command, path, ...args, '--format', 'json'], 1);
    expect(
      one.stderr
        .split('\n')
        .filter((l) => !l.includes('warning'))
        .join('\n'),
    ).toBe('');
    expect(one.exit).toBe(0);
    const two = await run([command, path, ...args, '--format', 'json'], 2);
    expect(readerOf(two)).toBe('fast, 2 threads');
    expect(withoutReader(two)).toEqual(withoutReader(one));
  });
});

describe('a part that starts inside a quoted field', () => {
  it('is dropped, and the part before it reads on to the end', async () => {
    // One comment spans the middle of the file, where the second part would start; its lines look
    // like rows as wide as the header, so only the check at the end of the first part can tell.
    const head = exportOf(1200, 3, isoDate);
    const long = `"${Array.from({ length: 4000 }, (_, i) => `${i},2024-01-01,9,Ann,chat,looks like a row`).join('\n')}"`;
    const text = `${head}9999,2024-05-05,10,Ann,chat,${long}\n${exportOf(1200, 4, isoDate).split('\n').slice(1).join('\n')}`;
    const path = file('quoted-middle.csv', text);
    const one = await run(['agents', '--min-n', '1', path, '--format', 'json'], 1);
    const two = await run(['agents', '--min-n', '1', path, '--format', 'json'], 2);
    expect(readerOf(two)).toBe('fast');
    expect(withoutReader(two)).toEqual(withoutReader(one));
  });
});

describe('what a later part meets is reported as one thread reports it', () => {
  const body = exportOf(3000, 5, isoDate);
  /** Where the bad bytes go: near the end, in the last part. */
  const at = body.length - 200;
  const cases: readonly (readonly [string, Buffer])[] = [
    ['a NUL byte', Buffer.concat([Buffer.from(body.slice(0, at)), Buffer.from([0]), Buffer.from(body.slice(at))])],
    [
      'bytes that are not UTF-8',
      Buffer.concat([Buffer.from(body.slice(0, at)), Buffer.from([0xe9]), Buffer.from(body.slice(at))]),
    ],
    [
      'a stray quote',
      Buffer.from(
        `${body}9001,2024-02-02,9,Ann,chat,"he said "no way\n${'9002,2024-02-03,9,Bo,chat,fine\n'.repeat(3)}`,
      ),
    ],
    ['a record too wide', Buffer.from(`${body}9001,2024-02-02,9,Ann,chat,ok,extra,more\n`)],
  ];

  it('the parts are read on threads when nothing is wrong', async () => {
    const clean = await run(['report', file('clean.csv', body), '--format', 'json'], 2);
    expect(readerOf(clean)).toBe('fast, 2 threads');
  });

  it.each(cases)('%s', async (name, bytes) => {
    const path = file(`${name.replaceAll(' ', '-')}.csv`, bytes);
    for (const args of [['report'], ['agents', '--min-n', '1']]) {
      const one = await run([...args, path, '--format', 'json'], 1);
      const two = await run([...args, path, '--format', 'json'], 2);
      expect(withoutReader(two)).toEqual(withoutReader(one));
    }
  });

  it('too many groups in a later part', async () => {
    const text = `${body}${Array.from({ length: 50 }, (_, i) => `${9000 + i},2024-02-02,9,Agent ${i},chat,ok\n`).join('')}`;
    const path = file('many-agents.csv', text);
    const one = await run(['agents', path, '--max-groups', '20'], 1);
    const two = await run(['agents', path, '--max-groups', '20'], 2);
    expect(one.exit).toBe(4);
    expect(two).toEqual(one);
  });
});

describe('a line a later part refuses is named by its line in the file', () => {
  // Large enough that the main thread's reading (its part, and the chunk past it) ends well before
  // the last part: the refusal comes from reading that part alone, which counts from its own start.
  const body = exportOf(80_000, 13, isoDate);
  /** The start of a line near the end, in the last part. */
  const at = body.lastIndexOf('\n', body.length - 300) + 1;
  /** The line `at` starts, counting CRLF, LF and a lone CR (in quoted comments) as one break each. */
  const line = body.slice(0, at).split(/\r\n|\r|\n/).length;
  const cases: readonly (readonly [string, string, RegExp])[] = [
    ['a NUL byte', '\u0000', new RegExp(`holds a NUL byte on line ${line}\\n`)],
    [
      'a line of 300,000 fields',
      `${','.repeat(300_000)}\n`,
      new RegExp(`: line ${line} has more than 250000 fields\\n`),
    ],
  ];

  it('the file is read on 4 threads when nothing is wrong', async () => {
    const clean = await run(['report', file('large-clean.csv', body), '--format', 'json'], 4);
    expect(readerOf(clean)).toBe('fast, 4 threads');
  });

  it.each(cases)('%s: the same message and exit on 1, 2 and 4 threads', async (name, inserted, message) => {
    const path = file(`late-${name.replaceAll(/\W+/g, '-')}.csv`, body.slice(0, at) + inserted + body.slice(at));
    const one = await run(['report', path], 1);
    expect(one.exit).toBe(3);
    expect(one.stderr).toMatch(message);
    for (const threads of [2, 4]) expect(await run(['report', path], threads)).toEqual(one);
  });
});
