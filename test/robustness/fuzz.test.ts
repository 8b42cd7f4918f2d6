import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  expectContract,
  expectNoControlCharacters,
  type JsonRows,
  type Outcome,
  runBoth,
  runFile,
  runStdin,
  tempDir,
} from './harness.js';

/**
 * Property tests: whatever the bytes, the CLI answers with exit 0, 2, 3 or 4 and a clean message,
 * and when it reports, every row read is accounted for. The seed is fixed so a failure reproduces;
 * fast-check prints the counterexample and the path to replay it.
 */
const SEED = 20260115;
const RUNS = 150;
const params = (numRuns = RUNS) => ({ seed: SEED, numRuns });

const JSON_OUT = ['--format', 'json'];
const dir = tempDir('nps-fuzz-');
afterAll(() => dir.cleanup());

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('random bytes', () => {
  it('never crash, hang or leave a row unaccounted for', async () => {
    const file = dir.path('bytes.csv');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        for (const o of await runBoth(file, bytes, JSON_OUT)) expectContract(o);
      }),
      params(200),
    );
  });

  it('never put control characters from the data on stderr', async () => {
    const file = dir.path('bytes-controls.csv');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 512 }), async (bytes) => {
        for (const o of await runBoth(file, bytes, JSON_OUT))
          expectNoControlCharacters(o.stderr, `${o.via}: ${JSON.stringify(o.stderr)}`);
      }),
      params(100),
    );
  });

  it('after a valid header, reach the row path and still keep the contract', async () => {
    const file = dir.path('header-bytes.csv');
    const header = fc.constantFrom('score\n', 'id,score,comment\n', 'id;score;comment\r\n', '\ufeffscore\r\n');
    await fc.assert(
      fc.asyncProperty(header, fc.uint8Array({ maxLength: 4096 }), async (head, tail) => {
        const bytes = Buffer.concat([Buffer.from(head, 'utf8'), tail]);
        for (const o of await runBoth(file, bytes, JSON_OUT)) expectContract(o);
      }),
      params(200),
    );
  });

  it('behind a gzip magic number, are refused as input (exit 3), not crashed on', async () => {
    const file = dir.path('magic.csv.gz');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (tail) => {
        const bytes = Buffer.concat([Buffer.from([0x1f, 0x8b]), tail]);
        for (const o of await runBoth(file, bytes, JSON_OUT)) {
          expectContract(o);
          expect(o.exit, `${o.via}: ${o.stderr}`).toBe(3);
        }
      }),
      params(100),
    );
  });
});

/** CSV-ish text: separators, quotes, every line ending, digits, letters, Nordic letters and NUL. */
const CSVISH = [',', ';', '\t', '"', '\r', '\n', ...'0123456789', ...'abcdefghijklmnopqrstuvwxyz', 'å', 'ä', '\u0000'];
const csvishChar = fc.oneof(
  { arbitrary: fc.constantFrom(',', ';', '\t', '"', '\r', '\n'), weight: 6 },
  { arbitrary: fc.constantFrom(...'0123456789'), weight: 6 },
  { arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz', 'å', 'ä'), weight: 4 },
  { arbitrary: fc.constant('\u0000'), weight: 1 },
);
const csvishText = fc.array(csvishChar, { maxLength: 1500 }).map((chars) => chars.join(''));

describe('random CSV-ish text', () => {
  it('uses only the intended alphabet', () => {
    fc.assert(
      fc.property(csvishText, (text) => [...text].every((c) => CSVISH.includes(c))),
      params(50),
    );
  });

  it('never crash, hang or leave a row unaccounted for', async () => {
    const file = dir.path('csvish.csv');
    const prefix = fc.constantFrom('', 'score\n', 'id,score,comment\n', 'id;score;comment\r\n', 'sep=;\n', '\ufeff');
    await fc.assert(
      fc.asyncProperty(prefix, csvishText, async (head, text) => {
        for (const o of await runBoth(file, utf8(head + text), JSON_OUT)) expectContract(o);
      }),
      params(200),
    );
  });

  it('give the same answer on stdin whatever the chunk boundaries', async () => {
    const prefix = fc.constantFrom('score\n', 'id,score,comment\n', '\ufeffid;score;comment\r\n');
    const chunks = fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(prefix, csvishText, chunks, async (head, text, sizes) => {
        const bytes = utf8(head + text);
        const whole = await runStdin(bytes, JSON_OUT);
        const pieces = await runStdin(bytes, JSON_OUT, sizes);
        expectContract(whole);
        expectContract(pieces);
        expect({ exit: pieces.exit, stdout: pieces.stdout, stderr: pieces.stderr }).toEqual({
          exit: whole.exit,
          stdout: whole.stdout,
          stderr: whole.stderr,
        });
      }),
      params(100),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Valid CSVs with an oracle: each generated score carries what it is, so the expected accounting
// is a count, independent of the parser under test.

type Kind = 'used' | 'missing_score' | 'out_of_range' | 'not_a_number';
interface Score {
  readonly kind: Kind;
  readonly text: string;
  /** The 0-10 answer, for used scores. */
  readonly value?: number;
}

const used = (text: string, value: number): Score => ({ kind: 'used', text, value });
const scoreArb: fc.Arbitrary<Score> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 10 }).map((n) => used(String(n), n)), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      used(' 7 ', 7),
      used('7.0', 7),
      used('0,0', 0),
      used('10 - Extremely likely', 10),
      used('9 (Mycket sannolikt)', 9),
      used('08', 8),
    ),
    weight: 2,
  },
  {
    arbitrary: fc
      .constantFrom('', ' ', 'NA', 'n/a', 'null', 'None')
      .map((text): Score => ({ kind: 'missing_score', text })),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom('11', '-1', '42', '100', '-10').map((text): Score => ({ kind: 'out_of_range', text })),
    weight: 1,
  },
  {
    arbitrary: fc
      .constantFrom('abc', '7.5', 'x9', 'ten', '?', 'å', '1O', '"9"x')
      .map((text): Score => ({ kind: 'not_a_number', text })),
    weight: 2,
  },
);
const commentArb = fc
  .array(fc.constantFrom('a', 'z', 'å', 'ä', ' ', ',', ';', '\t', '"', '\n', '\r\n', '0', '9', '=', '-', '@'), {
    maxLength: 24,
  })
  .map((chars) => chars.join(''));
const rowArb = fc.record({ score: scoreArb, comment: commentArb });

/** RFC 4180 quoting: only when a field needs it. */
const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

interface Generated {
  readonly rows: readonly { score: Score; comment: string }[];
  readonly eol: string;
  /** What comes before the header: a BOM, Excel's `sep=,` line (ended like every other line), both, or nothing. */
  readonly preamble: '' | 'bom' | 'sep' | 'bom+sep';
  readonly trailingEol: boolean;
}

const csvArb: fc.Arbitrary<Generated> = fc.record({
  rows: fc.array(rowArb, { maxLength: 60 }),
  eol: fc.constantFrom('\n', '\r\n'),
  preamble: fc.constantFrom('' as const, 'bom' as const, 'sep' as const, 'bom+sep' as const),
  trailingEol: fc.boolean(),
});

function serialize(g: Generated): Uint8Array {
  const lines = [
    'id,score,comment',
    ...g.rows.map((r, i) => [String(i + 1), field(r.score.text), field(r.comment)].join(',')),
  ];
  const preamble = (g.preamble.startsWith('bom') ? '\ufeff' : '') + (g.preamble.endsWith('sep') ? `sep=,${g.eol}` : '');
  return utf8(preamble + lines.join(g.eol) + (g.trailingEol ? g.eol : ''));
}

interface Expected {
  read: number;
  used: number;
  excluded: Record<Exclude<Kind, 'used'>, number>;
  anyZero: boolean;
}

function oracle(g: Generated): Expected {
  const excluded = { missing_score: 0, out_of_range: 0, not_a_number: 0 };
  let usedCount = 0;
  for (const { score } of g.rows) {
    if (score.kind === 'used') usedCount++;
    else excluded[score.kind]++;
  }
  return { read: g.rows.length, used: usedCount, excluded, anyZero: g.rows.some((r) => r.score.value === 0) };
}

/**
 * What a run of a generated CSV must show, by the oracle: no rows or no valid answer is exit 4;
 * otherwise exit 0 with exactly the oracle's counts, or exit 4 refusing the scale (possible only
 * when nobody answered 0, e.g. every answer within 1-5).
 */
function expectOracle(o: Outcome, want: Expected, detected: boolean): void {
  const rows = expectContract(o);
  const where = `${o.via}: exit ${o.exit}, stderr ${JSON.stringify(o.stderr)}`;
  if (detected && o.exit === 2) {
    // Without --score the column may be judged too junk-filled to be the answer: a usage error naming the fix.
    expect(o.stderr, where).toMatch(/no column looks like 0-10 answers[\s\S]*--score/);
    return;
  }
  if (want.read === 0 || want.used === 0) {
    expect(o.exit, where).toBe(4);
    return;
  }
  if (o.exit === 4) {
    expect(want.anyZero, `${where}: refused as another scale although someone answered 0`).toBe(false);
    expect(o.stderr, where).toMatch(/is not a 0-10 answer/);
    return;
  }
  expect(o.exit, where).toBe(0);
  const r: JsonRows = rows!;
  expect({ read: r.read, used: r.used, filtered: r.filtered, ...pick(r.excluded) }, where).toEqual({
    read: want.read,
    used: want.used,
    filtered: 0,
    ...want.excluded,
  });
  if (detected) expect(JSON.parse(o.stdout).meta.inputs[0].columns.score.name, where).toBe('score');
}

/** The lines (first, last) each generated row spans in the file, 1-based, as an editor numbers them. */
function spans(g: Generated): { first: number; last: number }[] {
  let line = (g.preamble.endsWith('sep') ? 1 : 0) + 2; // after the sep line and the header
  return g.rows.map((r) => {
    const breaks = r.comment.split(/\r\n|\r|\n/).length - 1;
    const span = { first: line, last: line + breaks };
    line += breaks + 1;
    return span;
  });
}

const WARNED: Record<string, Kind> = { 'score outside 0-10': 'out_of_range', 'score not a number': 'not_a_number' };

/** The line numbers each exclusion warning on stderr names, by kind. */
function warnedLines(stderr: string): Partial<Record<Kind, number[]>> {
  const found: Partial<Record<Kind, number[]>> = {};
  for (const m of stderr.matchAll(
    /excluded, (score outside 0-10|score not a number) \(lines? ([\d, ]+?)(?:, \.\.\.)?\)/g,
  )) {
    found[WARNED[m[1]]] = m[2].split(', ').map(Number);
  }
  return found;
}

const pick = (e: Record<string, number>) => ({
  missing_score: e.missing_score,
  out_of_range: e.out_of_range,
  not_a_number: e.not_a_number,
});

describe('valid CSVs with junk scores', () => {
  it('account for every row exactly as the oracle counts (--score score)', async () => {
    const file = dir.path('valid.csv');
    await fc.assert(
      fc.asyncProperty(csvArb, async (g) => {
        const want = oracle(g);
        for (const o of await runBoth(file, serialize(g), ['--score', 'score', ...JSON_OUT]))
          expectOracle(o, want, false);
      }),
      params(),
    );
  });

  it('account for every row exactly as the oracle counts (score column detected)', async () => {
    const file = dir.path('valid-detected.csv');
    await fc.assert(
      fc.asyncProperty(csvArb, async (g) => {
        expectOracle(await runFile(file, serialize(g), JSON_OUT), oracle(g), true);
      }),
      params(),
    );
  });

  it('name, in their warnings, the lines the excluded rows are on', async () => {
    const file = dir.path('valid-lines.csv');
    await fc.assert(
      fc.asyncProperty(csvArb, async (g) => {
        const o = await runFile(file, serialize(g), ['--score', 'score', ...JSON_OUT]);
        expectContract(o);
        const where = spans(g);
        const warned = warnedLines(o.stderr);
        for (const kind of ['out_of_range', 'not_a_number'] as const) {
          const rows = g.rows.flatMap((r, i) => (r.score.kind === kind ? [where[i]] : []));
          const named = warned[kind] ?? [];
          expect(named.length, `${kind}: ${JSON.stringify(o.stderr)}`).toBe(Math.min(rows.length, 5));
          named.forEach((line, k) => {
            const span = rows[k];
            expect(
              line,
              `${kind} row ${k + 1} spans lines ${span.first}-${span.last}; stderr ${JSON.stringify(o.stderr)}`,
            ).toBeGreaterThanOrEqual(span.first);
            expect(
              line,
              `${kind} row ${k + 1} spans lines ${span.first}-${span.last}; stderr ${JSON.stringify(o.stderr)}`,
            ).toBeLessThanOrEqual(span.last);
          });
        }
      }),
      params(),
    );
  });

  it('read the same on stdin in any chunking as in one piece', async () => {
    const chunks = fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(csvArb, chunks, async (g, sizes) => {
        const o = await runStdin(serialize(g), ['--score', 'score', ...JSON_OUT], sizes);
        expectOracle(o, oracle(g), false);
      }),
      params(100),
    );
  });

  it('read the same gzipped, on stdin in any chunking, as plain', async () => {
    const chunks = fc.array(fc.integer({ min: 1, max: 48 }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(csvArb, chunks, async (g, sizes) => {
        const o = await runStdin(gzipSync(serialize(g)), ['--score', 'score', ...JSON_OUT], sizes);
        expectOracle(o, oracle(g), false);
      }),
      params(100),
    );
  });
});
