import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../../src/cli/commands/index.js';
import { buildProgram } from '../../src/cli/program.js';
import { DESCRIBES_ONLY, READS_NO_INPUT, RUN_ARGS } from '../helpers/commands.js';
import { fakeIo } from '../helpers/fake-io.js';
import { expectContract, expectNoControlCharacters, runArgs } from './harness.js';

/**
 * The robustness contract (see expectContract) for every command in the registry, not only
 * report: generated exports with messy cells, and fixed hostile inputs, all on standard input.
 */
const SEED = 20261129;
const RUNS = 30;

const COMMANDS = await allCommands();
const readers = COMMANDS.map((c) => c.name).filter((name) => !READS_NO_INPUT.has(name));

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** A CSV field, quoted when it must be (or at random, as exports do). */
const field = (value: string, quote: boolean) =>
  quote || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

const cell = {
  score: fc.constantFrom(
    '0',
    '3',
    '6',
    '7',
    '8',
    '9',
    '10',
    '10 - Extremely likely',
    ' 7 ',
    '7.0',
    '',
    'NA',
    '-',
    '11',
    '-1',
    'x',
    '=1+1',
  ),
  // Mostly readable, so that the date column is found and the rows reach the analysis.
  date: fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constantFrom('2024-01-05', '2024-03-31T23:30:00Z', '2024-07-01 08:00', '2023-11-30T12:00:00+01:00'),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('15.08.2024', '3/4/2024', '1714000000', '45123', '', 'not a date', '2024-13-45'),
    },
  ),
  name: fc.constantFrom(
    'Åsa Lindqvist',
    'Paweł Kołodziej',
    '',
    '=HYPERLINK("x")',
    '+46 8 123',
    '@admin',
    '\u001b[31mred',
    'Ann',
  ),
  channel: fc.constantFrom('chat', 'phone', 'email', '', '-x', 'CHAT'),
  comment: fc.string({
    unit: fc.constantFrom('a', 'ö', ' ', ',', '"', '\n', '\r\n', '=', '\t', 'wait', 'bra'),
    maxLength: 40,
  }),
};

const row = fc.tuple(cell.score, cell.date, cell.name, cell.name, cell.channel, cell.comment, fc.boolean());

const exportText = fc.array(row, { minLength: 0, maxLength: 40 }).map((rows) => {
  const lines = rows.map(([score, date, agent, team, channel, comment, quote], i) =>
    [String(i + 1), date, score, agent, team, channel, comment].map((v) => field(v, quote)).join(','),
  );
  return `id,date,score,agent,team,channel,comment\n${lines.join('\n')}\n`;
});

describe.each(readers)('%s', (name) => {
  const args = [name, '-', ...RUN_ARGS[name], '--format', 'json'];
  const json = !DESCRIBES_ONLY.has(name);

  it('keeps the contract on generated exports with messy cells', async () => {
    const exits: number[] = [];
    await fc.assert(
      fc.asyncProperty(exportText, async (text) => {
        const o = await runArgs(args, utf8(text));
        expectContract(o, json);
        expectNoControlCharacters(o.stderr, `${name}: ${JSON.stringify(o.stderr)}`);
        // A model's refusal of answers without a detractor or a promoter comes after reading them: analysis reached.
        exits.push(/^nps: the answers hold \d+ detractors?/m.test(o.stderr) ? 0 : o.exit!);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The generator must reach the analysis, not only the refusals.
    expect(exits.filter((e) => e === 0).length, `exits: ${exits.join(' ')}`).toBeGreaterThan(RUNS / 4);
  });

  const hostile: [string, string | Uint8Array][] = [
    ['an empty input', ''],
    ['a header only', 'id,date,score,agent,team,channel,comment\n'],
    ['a BOM and a sep= line only', '\ufeffsep=;\r\n'],
    [
      'an unterminated quote',
      'id,date,score,agent,team,channel,comment\n1,2024-01-01,9,Ann,A,chat,"never closed\n2,2024-01-02,3,Bo,B,chat,ok\n',
    ],
    ['NUL bytes', 'id,date,score\n1,2024-01-01,9\u0000\n'],
    ['random bytes', new Uint8Array(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256))],
    [
      'a row longer than the header',
      'id,date,score,agent,team,channel,comment\n1,2024-01-01,9,Ann,A,chat,ok,extra,more\n',
    ],
    [
      'formula cells everywhere',
      'id,date,score,agent,team,channel,comment\n=1,2024-01-01,9,=cmd|x,+A,@chat,-2+3\n2,2024-01-02,2,=cmd|x,+A,@chat,=HYPERLINK("http://x")\n',
    ],
  ];

  // columns describes any file, rows or not.
  it.skipIf(!json)('exits 4 on an export with a header and no rows, and 3 on a web page or a letter', async () => {
    const headerOnly = await runArgs(args, utf8('id,date,score,agent,team,channel,comment\n'));
    expect(headerOnly.exit, headerOnly.stderr).toBe(4);
    expect(headerOnly.stderr).toMatch(/^nps: no responses in stdin: it has a header but no rows/);
    const page = await runArgs(args, utf8('<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n'));
    expect(page.exit, page.stderr).toBe(3);
    const letter = await runArgs(args, utf8('Dear team,\nplease find the results attached.\nRegards\n'));
    expect(letter.exit, letter.stderr).toBe(3);
  });

  it.each(hostile)('keeps the contract on %s, in JSON and in a table', async (_what, input) => {
    const bytes = typeof input === 'string' ? utf8(input) : input;
    const o = await runArgs(args, bytes);
    expectContract(o, json);
    expectNoControlCharacters(o.stderr, `${name}: ${JSON.stringify(o.stderr)}`);
    const table = await runArgs([name, '-', ...RUN_ARGS[name]], bytes);
    expectContract(table, false);
    expect(table.exit, table.stderr).toBe(o.exit);
    expectNoControlCharacters(table.stdout.replace(/\n/g, ''), `${name} table`);
  });
});

describe('the list of commands above', () => {
  it('covers every command in the registry', () => {
    expect(Object.keys(RUN_ARGS).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });
});

describe('a stray quote in a comment', () => {
  // Rows of plain cells; one comment opens a quote that a later comment closes.
  const plain = fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.constantFrom('ok', 'slow', 'great')), {
    minLength: 5,
    maxLength: 60,
  });

  it('never swallows rows silently: every line is accounted for, with a warning, and --strict fails', async () => {
    await fc.assert(
      fc.asyncProperty(plain, fc.nat(), fc.nat(), async (rows, a, b) => {
        const open = a % rows.length;
        const close = open + 1 + (b % Math.max(1, rows.length - open - 1));
        const lines = rows.map(([score, comment], i) => {
          const text = i === open ? `"Great ${comment}` : i === close ? `"Nice ${comment}"` : comment;
          return `${i + 1},2024-01-0${1 + (i % 9)},${score},Agent ${i % 3},Team ${i % 2},${text}`;
        });
        const text = `id,date,score,agent,team,comment\n${lines.join('\n')}\n`;
        const o = await runArgs(['report', '-', '--format', 'json'], utf8(text));
        const rowsSeen = expectContract(o);
        if (close >= rows.length) {
          // The quote never closes: the whole file is refused, naming the line it opens on.
          expect(o.exit).toBe(3);
          expect(o.stderr).toContain(`line ${open + 2}`);
          return;
        }
        expect(o.stderr).toContain(`a quoted field opens on line ${open + 2}`);
        if (close - open + 1 === rows.length) {
          // Every row was swallowed: nothing is left to report.
          expect(o.exit).toBe(4);
          return;
        }
        expect(o.exit, o.stderr).toBe(0);
        expect(rowsSeen!.read).toBe(rows.length);
        expect(rowsSeen!.excluded.broken_record).toBe(close - open + 1);
        const strict = await runArgs(['report', '-', '--strict'], utf8(text));
        expect(strict.exit).toBe(4);
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

describe('a column with more distinct values than groups can be held', () => {
  const groupers = ['agents', 'summary', 'segments', 'compare', 'trend', 'drivers', 'comments'];
  // Comments vary, as free text does: a column of two repeated phrases is a category, not comments.
  const text = `id,date,score,agent,team,channel,comment\n${Array.from({ length: 1201 }, (_, i) => `${i},2024-01-0${1 + (i % 9)},${i % 11},Agent ${i},T,chat,${i % 2 ? 'slow service and a long wait' : 'great help from a kind agent'} on case ${i}`).join('\n')}\n`;
  const byAgent: Readonly<Record<string, string[]>> = {
    agents: [],
    summary: [],
    segments: ['--by', 'agent'],
    compare: ['--by', 'agent'],
    trend: ['--by', 'agent'],
    drivers: ['--categorical', 'agent'],
    comments: ['--by', 'agent'],
  };

  it('covers every command that offers --max-groups', () => {
    const program = buildProgram(fakeIo(), COMMANDS);
    const offering = program.commands
      .filter((c) => c.options.some((o) => o.long === '--max-groups'))
      .map((c) => c.name());
    expect(offering.sort()).toEqual([...groupers].sort());
  });

  it.each(groupers)('%s stops with exit 4, naming the column, past --max-groups', async (name) => {
    const o = await runArgs([name, '-', ...byAgent[name], '--max-groups', '1200'], utf8(text));
    expectContract(o, false);
    expect(o.exit).toBe(4);
    expect(o.stderr).toMatch(/^nps: the column "agent" has more than 1200 distinct values/);
    const within = await runArgs([name, '-', ...byAgent[name], '--max-groups', '1201', '--format', 'json'], utf8(text));
    expect(within.exit, within.stderr).toBe(0);
  });
});
