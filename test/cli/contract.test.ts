import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { allCommands } from '../../src/cli/commands/index.js';
import { main } from '../../src/cli/main.js';
import { buildProgram } from '../../src/cli/program.js';
import type { ScanRequest } from '../../src/io/scan/plan.js';
import { READS_NO_INPUT, RUN_ARGS } from '../helpers/commands.js';
import { fakeIo } from '../helpers/fake-io.js';
import { workbookFromCsv } from '../helpers/workbook.js';

/*
 * The contract of the shared options, walked over the whole registry: every shared flag either
 * works on a command (it reaches the scan, or changes the output as it should) or is refused
 * there by commander with exit 2. A new command is held to it by adding one line to BASE.
 */

const requests = vi.hoisted(() => [] as ScanRequest[]);
vi.mock('../../src/io/scan/scan.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/io/scan/scan.js')>();
  return {
    ...original,
    scan: (request: ScanRequest, ...rest: [never, never]) => {
      requests.push(request);
      return original.scan(request, ...rest);
    },
  };
});

const FIXTURE = 'fixtures/contact-centre.csv';

/** How to run each command on the contact-centre fixture (4 rows of it have no score). */
const BASE: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries(RUN_ARGS).map(([name, args]) => [name, READS_NO_INPUT.has(name) ? args : [FIXTURE, ...args]]),
);

interface Run {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly request: ScanRequest | undefined;
}

async function run(args: readonly string[]): Promise<Run> {
  requests.length = 0;
  const io = fakeIo();
  const exit = await main(args, io);
  return { exit, stdout: io.out(), stderr: io.err(), request: requests.at(-1) };
}

const outputDir = mkdtempSync(join(tmpdir(), 'nps-contract-'));

/** The fixture saved as a workbook whose second sheet holds it: what --sheet is probed on. */
const WORKBOOK = join(outputDir, 'contact-centre.xlsx');
beforeAll(async () => writeFileSync(WORKBOOK, await workbookFromCsv(FIXTURE, { sheet: 'Svar', before: ['Read me'] })));

/**
 * One probe per shared flag: the arguments, and what shows it was honoured. `request` checks the
 * scan request the runner built (the scan's own tests prove the scan honours it); `effect`
 * compares with the command's run without the flag.
 */
interface Probe {
  readonly flag: string;
  readonly args: (command: string) => string[];
  readonly request?: (r: ScanRequest) => void;
  readonly effect?: (withFlag: Run, without: Run, command: string) => void;
  /** The probe reads a workbook in place of the fixture. */
  readonly workbook?: boolean;
  /** The probe reads this file in place of the fixture. */
  readonly input?: string;
}

const differs = (withFlag: Run, without: Run) => {
  expect(withFlag.exit).toBe(without.exit);
  expect(withFlag.stdout).not.toBe(without.stdout);
};

const PROBES: readonly Probe[] = [
  {
    flag: '--config',
    args: () => ['--config', 'fixtures/configs/warsaw.json'],
    request: (r) => expect(r.zone?.name).toBe('Europe/Warsaw'),
  },
  {
    flag: '--no-config',
    args: () => ['--config', 'fixtures/configs/warsaw.json', '--no-config'],
    request: (r) => expect(r.zone).toBeUndefined(),
  },
  { flag: '--score', args: () => ['--score', 'score'], request: (r) => expect(r.scores).toEqual(['score']) },
  { flag: '--date', args: () => ['--date', 'submitted_at'], request: (r) => expect(r.date).toBe('submitted_at') },
  {
    flag: '--date-format',
    args: () => ['--date-format', "yyyy-MM-dd'T'HH:mm:ssX"],
    request: (r) => expect(r.dateFormat).toBe("yyyy-MM-dd'T'HH:mm:ssX"),
  },
  { flag: '--tz', args: () => ['--tz', 'Europe/Warsaw'], request: (r) => expect(r.zone?.name).toBe('Europe/Warsaw') },
  { flag: '--scale', args: () => ['--scale', '1-10'], request: (r) => expect(r.scale).toBe('1-10') },
  { flag: '--recode', args: () => ['--recode', '1-11'], request: (r) => expect(r.scale).toBe('1-11') },
  {
    flag: '--join',
    args: () => ['--join', 'fixtures/join-segments.csv', '--on', 'response_id=user_id'],
    request: (r) =>
      expect(r.joins).toEqual([{ file: 'fixtures/join-segments.csv', left: 'response_id', right: 'user_id' }]),
  },
  {
    flag: '--on',
    args: () => ['--join', 'fixtures/join-segments.csv', '--on', 'agent=user_id'],
    request: (r) => expect(r.joins?.[0].left).toBe('agent'),
  },
  {
    flag: '--join-keep',
    args: () => ['--join', 'fixtures/join-segments.csv', '--on', 'agent=user_id', '--join-keep', 'last'],
    request: (r) => expect(r.joinKeep).toBe('last'),
  },
  {
    flag: '--counts',
    args: () => ['--counts'],
    input: 'fixtures/contact-centre-counts.csv',
    request: (r) => expect(r.counts).toBe(true),
  },
  { flag: '--weight', args: () => ['--weight', 'score'], request: (r) => expect(r.weight).toBe('score') },
  {
    flag: '--dedupe',
    args: () => ['--dedupe', 'response_id'],
    request: (r) => expect(r.dedupe).toBe('response_id'),
    effect: differs,
  },
  { flag: '--include-partial', args: () => ['--include-partial'], request: (r) => expect(r.includePartial).toBe(true) },
  {
    flag: '--encoding',
    args: () => ['--encoding', 'windows-1252'],
    request: (r) => expect(r.encoding).toBe('windows-1252'),
    effect: differs,
  },
  // The file's own delimiter where it is read for answers; another one where only its columns are described.
  {
    flag: '--delimiter',
    args: (command) => ['--delimiter', command === 'columns' ? ';' : ','],
    request: (r) => expect(r.delimiter).toBe(','),
    effect: differs,
  },
  {
    flag: '--sheet',
    args: () => ['--sheet', 'Svar'],
    workbook: true,
    request: (r) => expect(r.sheet).toBe('Svar'),
    effect: (withFlag) => expect(withFlag.stderr).toBe(''),
  },
  {
    flag: '--preset',
    args: () => ['--preset', 'qualtrics'],
    request: (r) => expect(r.preset).toBe('qualtrics'),
    effect: differs,
  },
  {
    flag: '--since',
    args: () => ['--since', '2024-07-01'],
    request: (r) => expect(r.since).toBe(Date.UTC(2024, 6, 1)),
  },
  {
    flag: '--until',
    args: () => ['--until', '2023-12-31'],
    request: (r) => expect(r.until).toBe(Date.UTC(2024, 0, 1) - 1),
  },
  {
    flag: '--last',
    args: () => ['--last', '2q', '--as-of', '2025-01-01'],
    request: (r) => expect(r.last).toEqual({ count: 2, unit: 'quarter' }),
  },
  {
    flag: '--as-of',
    args: () => ['--as-of', '2024-11-25T06:00Z'],
    request: (r) => expect(r.asOf).toEqual({ instant: Date.UTC(2024, 10, 25, 6) }),
  },
  {
    flag: '--fiscal-year-start',
    args: () => ['--fiscal-year-start', '7'],
    request: (r) => expect(r.fiscalYearStart).toBe(7),
  },
  {
    flag: '--where',
    args: () => ['--where', 'channel=chat'],
    request: (r) => expect(r.where).toEqual([{ column: 'channel', value: 'chat', equal: true }]),
  },
  { flag: '--threads', args: () => ['--threads', '1'], request: (r) => expect(r.threads).toBe(1) },
  { flag: '--max-groups', args: () => ['--max-groups', '5000'], request: (r) => expect(r.maxGroups).toBe(5000) },
  { flag: '--ci-method', args: () => ['--ci-method', 'wald'], effect: differs },
  { flag: '--confidence', args: () => ['--confidence', '0.8'], effect: differs },
  { flag: '--decimals', args: () => ['--decimals', '3'], effect: differs },
  { flag: '--limit', args: () => ['--limit', '1'], effect: differs },
  {
    flag: '--format',
    args: () => ['--format', 'json'],
    effect: (withFlag, _without, command) => expect(JSON.parse(withFlag.stdout).command).toBe(command),
  },
  {
    flag: '--output',
    args: (command) => ['-o', join(outputDir, `${command}.json`)],
    effect: (withFlag, _without, command) => {
      expect(withFlag.stdout).toBe('');
      expect(JSON.parse(readFileSync(join(outputDir, `${command}.json`), 'utf8')).command).toBe(command);
    },
  },
  {
    flag: '--excel',
    args: () => ['--excel'],
    effect: (withFlag) => {
      expect(withFlag.stdout.startsWith('\ufeff')).toBe(true);
      expect(withFlag.stdout.split('\r\n')[0]).toContain(';');
    },
  },
  {
    flag: '--fail-below',
    args: () => ['--fail-below', '100', '--format', 'json'],
    effect: (withFlag, without) => {
      expect(without.exit).toBe(0);
      expect(withFlag.exit).toBe(1);
      const gates = JSON.parse(withFlag.stdout).gates;
      expect(gates).toContainEqual(expect.objectContaining({ rule: 'fail-below', threshold: 100, passed: false }));
      expect(withFlag.stderr).toMatch(/below --fail-below 100/);
    },
  },
  {
    flag: '--strict',
    args: () => ['--strict'],
    effect: (withFlag, without) => {
      expect(without.exit).toBe(0);
      expect(withFlag.exit).toBe(4);
      expect(withFlag.stderr).toMatch(/4 rows excluded and --strict is set/);
    },
  },
];

const COMMANDS = await allCommands();
const program = buildProgram(fakeIo(), COMMANDS);
/** A command's own options: those its configure() adds to an empty command (its goldens test them). */
function ownOptions(command: string): (string | undefined)[] {
  const definition = COMMANDS.find((c) => c.name === command)!;
  const bare = buildProgram(fakeIo(), COMMANDS).commands.find((c) => c.name() === command)!;
  return definition
    .configure(new (bare.constructor as typeof import('commander').Command)(command))
    .options.map((o) => o.long);
}

const offered = (command: string) =>
  new Set(
    program.commands
      .find((c) => c.name() === command)!
      .options.map((o) => o.long)
      .filter(Boolean),
  );

describe('the registry', () => {
  it('has a way to run every command in this test', () => {
    expect(Object.keys(BASE).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  it('probes every shared option any command offers', () => {
    const own = new Set(['--help']);
    const shared = new Set(PROBES.map((p) => p.flag));
    for (const definition of COMMANDS) {
      const mine = ownOptions(definition.name);
      for (const flag of offered(definition.name)) {
        if (!mine.includes(flag) && !own.has(flag!)) expect(shared, `${definition.name} ${flag}`).toContain(flag);
      }
    }
  });
});

for (const definition of COMMANDS) {
  const name = definition.name;
  describe(name, () => {
    let baseline: Run | undefined;
    const without = async () => (baseline ??= await run([name, ...BASE[name]]));

    it('runs on its base arguments', async () => {
      const result = await without();
      expect(result.stderr).toBe('');
      expect(result.exit).toBe(0);
    });

    for (const probe of PROBES) {
      const flags = offered(name);
      // An own option of the same name (sql's --date names a column, not a file's) is the command's own.
      if (ownOptions(name).includes(probe.flag)) continue;
      if (!flags.has(probe.flag)) {
        it(`refuses ${probe.flag}, which it does not offer`, async () => {
          const result = await run([name, ...BASE[name], ...probe.args(name)]);
          expect(result.exit).toBe(2);
          expect(result.stderr).toMatch(new RegExp(`^nps: unknown option '${probe.args(name)[0]}'`));
        });
        continue;
      }
      it(`honours ${probe.flag}`, async () => {
        const replacement = probe.workbook ? WORKBOOK : probe.input;
        const base = replacement ? BASE[name].map((arg) => (arg === FIXTURE ? replacement : arg)) : BASE[name];
        const result = await run([name, ...base, ...probe.args(name)]);
        expect(result.exit, result.stderr).not.toBe(2);
        expect(result.exit, result.stderr).not.toBe(70);
        const scans = result.request !== undefined;
        if (probe.request && scans) probe.request(result.request!);
        if (probe.effect && (!probe.request || !scans)) probe.effect(result, await without(), name);
        // A probe must show something: a scan request to check, or an effect on the output.
        expect(Boolean((probe.request && scans) || probe.effect), `${probe.flag} on ${name} shows no effect`).toBe(
          true,
        );
      });
    }
  });
}
