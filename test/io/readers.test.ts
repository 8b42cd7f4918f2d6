import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { FastRecordError, FastRecords } from '../../src/io/source/fast-records.js';
import { type Broken, readTable } from '../../src/io/source/read.js';
import { fakeIo } from '../helpers/fake-io.js';
import { generator } from '../helpers/random.js';

/*
 * The byte scanner against csv-parse, the reference: the same bytes, in the same random chunks,
 * must give the same records, line numbers, broken-record verdicts and errors, whether every
 * column is read or only some; and every command must give the same figures.
 */

const SEED = 20261129;

interface Reading {
  readonly header?: readonly string[];
  readonly records: [string[], number, Broken | undefined][];
  readonly error?: string;
}

/** `bytes` cut into pieces of the given sizes, taken in turn. */
function piecesOf(bytes: Buffer, chunks: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = Math.max(1, chunks[i % chunks.length] ?? bytes.length);
    pieces.push(bytes.subarray(at, at + size));
    at += size;
  }
  return pieces;
}

/** Reads `bytes` given in `chunks` on standard input, with the reader chosen, keeping only the `wanted` columns. */
function read(
  bytes: Buffer,
  chunks: readonly number[],
  reader: 'fast' | 'csv-parse',
  wanted?: readonly number[],
): Promise<Reading> {
  const stdin = Object.assign(Readable.from(piecesOf(bytes, chunks)), { isTTY: false });
  return readWith('-', reader, wanted, stdin);
}

/** Reads the file at `path` with the reader chosen: a file's chunks come in buffers it reuses. */
const readFile = (path: string, reader: 'fast' | 'csv-parse', wanted?: readonly number[]): Promise<Reading> =>
  readWith(path, reader, wanted);

/** The records, lines, broken-record verdicts and error of reading `spec` with the reader chosen. */
async function readWith(
  spec: string,
  reader: 'fast' | 'csv-parse',
  wanted: readonly number[] | undefined,
  stdin?: Readable & { isTTY: boolean },
): Promise<Reading> {
  const io = fakeIo({ env: reader === 'csv-parse' ? { NPS_READER: 'csv-parse' } : {} });
  const records: Reading['records'] = [];
  let header: readonly string[] | undefined;
  try {
    await readTable(spec, stdin ? { ...io, stdin } : io, {}, (head) => {
      header = head.header;
      for (const record of head.sample) records.push([project(record, wanted), -1, undefined]);
      const sink = (record: string[], line: number, broken?: Broken) => {
        records.push([project(record, wanted), line, broken]);
      };
      return Object.assign(sink, { wanted });
    });
  } catch (err) {
    return { header, records, error: (err as Error).message };
  }
  return { header, records };
}

/** The wanted fields of a record (all of them when none are named), the others left out. */
const project = (record: readonly string[], wanted: readonly number[] | undefined): string[] =>
  wanted === undefined
    ? [...record]
    : Array.from({ length: record.length }, (_, i) => (wanted.includes(i) ? (record[i] ?? '') : '-'));

/** Text that makes CSV hard: separators, quotes, escapes, every line break, empty fields, other scripts. */
const unit = fc.constantFrom(
  'a',
  'b',
  '7',
  ' ',
  ',',
  ';',
  '\t',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  'å',
  'ł',
  '€',
  '😀',
  'x,y',
  '"q"',
  '=',
);
const cell = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit, maxLength: 12 }).map((t) => `"${t.replaceAll('"', '""')}"`) },
);
const line = fc.array(cell, { minLength: 1, maxLength: 7 }).map((cells) => cells.join(','));
const ending = fc.constantFrom('\n', '\r\n', '\r');
const document = fc
  .tuple(fc.boolean(), fc.boolean(), fc.array(fc.tuple(line, ending), { minLength: 1, maxLength: 25 }), fc.boolean())
  .map(([bom, sep, lines, finalBreak]) => {
    const body = lines.map(([l, e], i) => (i === lines.length - 1 && !finalBreak ? l : l + e)).join('');
    return Buffer.from(`${bom ? '\ufeff' : ''}${sep ? 'sep=,\n' : ''}id,score,agent,comment\n${body}`, 'utf8');
  });
const chunking = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 });

describe('the byte scanner reads exactly what csv-parse reads', () => {
  it('the same records, lines, broken records and errors, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(document, chunking, async (bytes, chunks) => {
        const reference = await read(bytes, [bytes.length], 'csv-parse');
        const fast = await read(bytes, chunks, 'fast');
        expect(fast).toEqual(reference);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('the same values for the columns a command reads, when only those are made', async () => {
    await fc.assert(
      fc.asyncProperty(document, chunking, fc.subarray([0, 1, 2, 3, 5]), async (bytes, chunks, wanted) => {
        const reference = await read(bytes, [bytes.length], 'csv-parse', wanted);
        const fast = await read(bytes, chunks, 'fast', wanted);
        expect(fast).toEqual(reference);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('the same values when many repeat and many do not (strings reused by their bytes)', async () => {
    // 20,000 distinct ids (more than the table of reused strings holds), 37 agents, quoted and not.
    const rows = Array.from(
      { length: 20_000 },
      (_, i) =>
        `${i * 7919},${i % 11},${i % 3 ? `"Agent ${i % 37}"` : `Agent ${i % 37}`},${i % 5 ? 'ok' : '"a ""b"""'}`,
    );
    const bytes = Buffer.from(`id,score,agent,comment\n${rows.join('\n')}\n`, 'utf8');
    for (const wanted of [[0, 1, 2, 3], [2], [0]]) {
      expect(await read(bytes, [65_536], 'fast', wanted)).toEqual(
        await read(bytes, [bytes.length], 'csv-parse', wanted),
      );
    }
  });

  it.each([
    [
      'a stray quote swallowing rows',
      'id,date,score,agent,comment\n1,2024-01-01,9,Ann,"Great\n2,2024-01-02,3,Bo,ok\n3,2024-01-03,7,Cy,"Nice"\n4,2024-01-04,8,Di,fine\n',
    ],
    ['a quote never closed', 'id,score,comment\n1,9,ok\n2,3,"open\n3,7,x\n'],
    ['a quote closing in the middle of a field', 'id,score,comment\n1,9,"a"b,c\n2,3,"x""y"z\n'],
    ['extra fields', 'id,score\n1,9,,,\n2,3,extra\n'],
    ['a "" line before the header', '""\nid,score\n1,9\n'],
    ['blank lines everywhere', '\n\r\nid,score\n\n1,9\r\r\n2,7\n\n'],
  ])('%s', async (_name, text) => {
    const bytes = Buffer.from(text, 'utf8');
    for (const chunks of [[bytes.length], [1], [3, 5], [7]]) {
      expect(await read(bytes, chunks, 'fast')).toEqual(await read(bytes, [bytes.length], 'csv-parse'));
    }
  });
});

describe('a file of many chunks, read into buffers the reader reuses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nps-readers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Records across every chunk boundary, characters of 2 to 4 bytes cut by them, and a quoted
  // field of 1.5 MB with line breaks in it: held across several chunks, each overwritten after.
  const random = generator(SEED).uniform;
  const words = ['ok', 'Łódź', 'kö', '😀 bra', 'a,b', 'x ""y""', '€'];
  const rows = Array.from({ length: 40_000 }, (_, i) => {
    const comment = Array.from({ length: 1 + Math.floor(random() * 6) }, () => words[Math.floor(random() * 7)]).join(
      ' ',
    );
    return `${i},${Math.floor(random() * 11)},Agent ${i % 37},"${comment}${i % 9 === 0 ? '\nline two' : ''}"`;
  });
  const long = `"${'Łódź\n'.repeat(250_000)}"`;
  const text = `id,score,agent,comment\n${rows.slice(0, 20_000).join('\n')}\n1,9,Long,${long}\n${rows.slice(20_000).join('\n')}\n`;

  it.each([
    ['UTF-8', Buffer.from(text, 'utf8')],
    // Not UTF-8 from its second record: read on as windows-1252, the header kept from the first bytes.
    [
      'not UTF-8 from line 2',
      Buffer.concat([
        Buffer.from('id,score,agent,comment\n1,9,\xe9,x\n', 'latin1'),
        Buffer.from(text.slice(23), 'utf8'),
      ]),
    ],
  ])('%s: the same records as csv-parse reads', async (name, bytes) => {
    expect(bytes.length).toBeGreaterThan(8 * 256 * 1024);
    const path = join(dir, `${name}.csv`);
    writeFileSync(path, bytes);
    for (const wanted of [undefined, [1, 3]]) {
      const reference = await readFile(path, 'csv-parse', wanted);
      expect(reference.records.length).toBeGreaterThan(40_000);
      expect(await readFile(path, 'fast', wanted)).toEqual(reference);
    }
  });
});

/**
 * The byte scanner on its own, given the chunks itself: the reader gives it the first 64 KB in
 * one piece, so only a large input would cut the records above.
 */
describe('the byte scanner, whatever the chunks', () => {
  /** Each record (a copy), the offset past it and its shape; then the error, if it stopped on one. */
  function scanned(
    bytes: Buffer,
    chunks: readonly number[],
    maxRecordBytes = 1024 * 1024,
  ): { records: unknown[]; error?: string; scanner: FastRecords } {
    const records: unknown[] = [];
    // What the reader skips: a byte-order mark and a `sep=` line.
    const skip = Buffer.byteLength(/^(?:\ufeff)?(?:sep=.(?:\r\n|\r|\n)?)?/i.exec(bytes.toString('utf8'))![0]);
    const scanner = new FastRecords(
      ','.charCodeAt(0),
      (record, end, shape) => records.push([[...record], end, shape]),
      skip,
      maxRecordBytes,
    );
    scanner.header(4);
    try {
      for (const piece of piecesOf(bytes, chunks)) scanner.write(piece);
      scanner.end();
    } catch (err) {
      return { records, error: (err as Error).message, scanner };
    }
    return { records, scanner };
  }
  const outcome = ({ records, error }: ReturnType<typeof scanned>) => ({ records, error });

  it('gives the records it gives for the bytes in one piece', () => {
    fc.assert(
      fc.property(document, chunking, (bytes, chunks) => {
        expect(outcome(scanned(bytes, chunks))).toEqual(outcome(scanned(bytes, [bytes.length])));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('looks at a 20 MB line given in 64 KB chunks a few times at most, not once a chunk', () => {
    const line = Buffer.alloc(20 * 1024 * 1024, 'x');
    const bytes = Buffer.concat([Buffer.from('score\n'), line, Buffer.from('\n9\n')]);
    const { records, error, scanner } = scanned(bytes, [64 * 1024], 32 * 1024 * 1024);
    expect(error).toBeUndefined();
    expect(records.map((r) => (r as [string[]])[0][0].length)).toEqual([5, line.length, 1]);
    expect(scanner.bytesScanned).toBeLessThan(3 * bytes.length);
  });

  it('refuses a record as soon as it grows past the largest a record may be, before its end comes', () => {
    const max = 1024 * 1024;
    const scanner = new FastRecords(','.charCodeAt(0), () => {}, 0, max);
    const chunk = Buffer.alloc(64 * 1024, 'y');
    let given = 0;
    let refused: unknown;
    try {
      for (scanner.write(Buffer.from('score\n"')); given < 100 * max; given += chunk.length) scanner.write(chunk);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(FastRecordError);
    expect((refused as FastRecordError).code).toBe('CSV_MAX_RECORD_SIZE');
    expect(given).toBeLessThanOrEqual(max);
  });
});

describe('every command gives the same figures on either reader', () => {
  const answer = fc.constantFrom('0', '6', '7', '8', '9', '10', '', 'NA', '11', '"9"');
  // Dates the byte scanner reads from bytes, and forms it leaves to the text reader.
  const date = fc.constantFrom(
    '2024-01-05',
    '2024-04-30T23:30:00Z',
    '2024-07-01 08:00',
    '2023-12-31',
    'bad',
    '2024-03-31T01:30:00.250+02:00',
    '2024-10-27 02:30:59-05:00',
    '2024-02-30',
    '2024-06-01T24:00',
    ' 2024-06-02',
    '2024-06-03 ',
    '"2024-06-04T10:00:00Z"',
    '2024-06-05T10:00:',
    '2024-06-05T10:00:0',
    '2024-06-05T10:00:00.1',
    '3/4/2024',
    '14.03.2024',
    '3.12.2024 14:05',
    '31.12.99 23:59:59',
    '29.2.2023',
    '1.2.2024 9:30 PM',
    '5.6.2024 7:5',
    '12/25/2024 9:30:00 PM',
    '25/12/2024',
    '1/2/24 13:05:09',
    '4/5/2024 0:30 AM',
  );
  const text = fc
    .string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', 'ö', 'slow', 'kind'), maxLength: 20 })
    .map((t) => `"${t.replaceAll('"', '""')}"`);
  // 600 rows (the generated ones over again), past the 500 read before the columns are chosen:
  // the rest take the reader's fast paths (dates from bytes, reused strings).
  const exportText = fc
    .array(fc.tuple(answer, date, fc.constantFrom('Ann', 'Bo', 'Cy'), fc.constantFrom('chat', 'phone'), text), {
      minLength: 3,
      maxLength: 60,
    })
    .map(
      (rows) =>
        `id,date,score,agent,channel,comment\n${Array.from({ length: 600 }, (_, i) => rows[i % rows.length])
          .map(([score, d, agent, channel, comment], i) => `${i + 1},${d},${score},${agent},${channel},${comment}`)
          .join('\n')}\n`,
    );
  const runs: [string, string[]][] = [
    ['report', ['report']],
    ['trend', ['trend', '--period', 'month']],
    ['trend --tz', ['trend', '--period', 'day', '--tz', 'Europe/Stockholm']],
    ['agents', ['agents', '--min-n', '1']],
    ['segments', ['segments', '--by', 'channel']],
    ['followup', ['followup']],
    ['comments', ['comments', '--min-count', '1']],
  ];

  it.each(runs)(
    '%s',
    async (_name, args) => {
      await fc.assert(
        fc.asyncProperty(exportText, async (textIn) => {
          const outputs = [];
          for (const reader of ['fast', 'csv-parse']) {
            const io = fakeIo({
              stdin: Buffer.from(textIn, 'utf8'),
              env: reader === 'csv-parse' ? { NPS_READER: 'csv-parse' } : {},
            });
            const exit = await main([...args, '-', '--format', 'json'], io);
            // meta names the reader; everything else must be the same.
            outputs.push({ exit, stdout: io.out().replace(/"reader": "[^"]*"/g, '"reader": "…"'), stderr: io.err() });
          }
          expect(outputs[0]).toEqual(outputs[1]);
        }),
        { seed: SEED, numRuns: 25 },
      );
    },
    60_000,
  );
});
