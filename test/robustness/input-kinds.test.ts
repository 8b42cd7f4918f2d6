import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHILD_TIMEOUT_MS } from '../helpers/child.js';
import { DESCRIBES_ONLY, READS_NO_INPUT, RUN_ARGS } from '../helpers/commands.js';
import { ownTmpdir } from '../helpers/own-tmpdir.js';
import { excelSerial, type RawCell, rawWorkbook, workbookFromCsv } from '../helpers/workbook.js';

/*
 * The input kinds besides CSV (workbooks, Parquet, --join lookups, --weight, --counts tables) and
 * nps sql, normal and damaged, through the built binary. Each run must exit 0-4 (never 70), keep
 * stderr free of stack traces, peak under MAX_RSS_KIB, and when it succeeds account for every row it
 * read; the same responses in another container must give the same n.
 *
 * Every command runs on each kind's normal case; the damaged and odd variants on report and a
 * command or two more, not the full cross product. The runs are made once, a few processes at a
 * time, before the tests, which read them.
 */

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'nps.js');
/** The children run in this folder, so the command line a test is named by reproduces it there. */
const dir = ownTmpdir('nps-input-kinds-');
const at = (name: string) => join(dir, name);

/** Peak resident memory a run may reach, in KiB; these inputs take 60-100 MiB. */
const MAX_RSS_KIB = 300 * 1024;
/** 0 success, 1 a gate, 2 usage, 3 input, 4 data; 70 (an internal error) is never right. */
const EXITS = [0, 1, 2, 3, 4];
/** Children at a time: the runs are CPU-bound, and other test files share the machine. */
const POOL = Math.max(1, Math.min(4, availableParallelism()));

const SOURCE = join(root, 'fixtures', 'contact-centre.csv');
/** The same responses tallied as score,count rows per quarter, agent, team and channel. */
const SOURCE_COUNTS = join(root, 'fixtures', 'contact-centre-counts.csv');
/** The source's rows, and those with a 0-10 score (the others have none, or N/A). */
const SOURCE_READ = 604;
const SOURCE_USED = 600;

const readers = Object.keys(RUN_ARGS).filter((name) => !READS_NO_INPUT.has(name));
/** The readers that count responses; columns describes the file. */
const analyses = readers.filter((name) => !DESCRIBES_ONLY.has(name));
const FEW = ['report', 'trend', 'agents'];

// --- Running the binary ------------------------------------------------------------------------------

interface Run {
  readonly exit: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Peak RSS in KiB as the child measured it on exit; undefined when it never reached its exit. */
  readonly maxRssKiB: number | undefined;
  readonly killed: boolean;
}

/**
 * Loaded into each child with --import: on exit, the process's peak RSS (ru_maxrss in KiB, worker
 * threads included) goes to fd 3, a pipe the test reads, apart from the output under test.
 */
const RSS_HOOK = `import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) process.on('exit', () => { try { writeSync(3, String(process.resourceUsage().maxRSS)); } catch {} });
`;

function runNps(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', at('rss-hook.mjs'), bin, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    const streams = [child.stdout!, child.stderr!, child.stdio[3] as Readable];
    const chunks = streams.map((stream) => {
      const received: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => void received.push(chunk));
      return received;
    });
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (exit, signal) => {
      clearTimeout(timer);
      const [stdout, stderr, rss] = chunks.map((c) => Buffer.concat(c).toString('utf8'));
      resolve({ exit, signal, stdout, stderr, maxRssKiB: rss === '' ? undefined : Number(rss), killed });
    });
  });
}

/** Runs the tasks, at most `limit` at a time. */
async function inPool<T>(limit: number, tasks: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

// --- The runs, by command line ------------------------------------------------------------------------

interface Case {
  readonly args: readonly string[];
  /** Its JSON accounts for the rows it read (meta.rows): not so for columns, sql and samplesize. */
  readonly accounts: boolean;
  /** A known defect breaks the contract on it: its own test says which, and the contract test leaves it out. */
  readonly defect: boolean;
}

const cases = new Map<string, Case>();
const results = new Map<string, Run>();

const shellWord = (arg: string) => (/^[\w./=,:-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`);

function register(args: readonly string[], defect: boolean): string {
  const full = [...args, '--format', 'json'];
  const name = ['nps', ...full].map(shellWord).join(' ');
  cases.set(name, { args: full, accounts: !['columns', 'sql', 'samplesize'].includes(args[0]), defect });
  return name;
}

/** A run (each command line once), named by its command line. */
const nps = (...args: string[]): string => register(args, false);

/** `command` on `input` with its usual arguments (RUN_ARGS) and `extra`. */
function on(command: string, input: string, ...extra: string[]): string {
  if (command === 'samplesize') return nps('samplesize', '--margin', '5', '--shares-from', input, ...extra);
  return nps(command, input, ...RUN_ARGS[command], ...extra);
}

function result(name: string): Run {
  const run = results.get(name);
  if (!run) throw new Error(`${name} was not run`);
  return run;
}

// --- What every run must keep -----------------------------------------------------------------------

interface Rows {
  read: number;
  used: number;
  excluded: Record<string, number>;
  excluded_total: number;
  filtered: number;
}

interface Output {
  readonly meta: { readonly rows?: Rows; readonly joins?: { matched: number; unmatched: number }[] };
  readonly [table: string]: unknown;
}

const json = (run: Run): Output => JSON.parse(run.stdout) as Output;

/** Every way the run breaks the contract, as sentences: none when it keeps it. */
function violations(run: Run, accounts: boolean): string[] {
  const found: string[] = [];
  if (run.killed) found.push(`still running after ${CHILD_TIMEOUT_MS / 1000} s, killed`);
  if (run.exit === null || !EXITS.includes(run.exit)) found.push(`exit ${run.exit ?? run.signal}`);
  if (/^\s+at /m.test(run.stderr)) found.push('a stack trace on stderr');
  if (run.stderr.includes('node:internal')) found.push('node:internal on stderr');
  if (/\b\w*Error:/.test(run.stderr)) found.push('a raw Error: on stderr');
  if (run.stderr.split('\n').some((l) => l !== '' && !/^(nps|hint): /.test(l)))
    found.push('a stderr line that is neither nps: nor hint:');
  if (run.maxRssKiB === undefined) found.push('no peak RSS reported: the process never reached its exit');
  else if (run.maxRssKiB >= MAX_RSS_KIB) found.push(`peak RSS ${Math.round(run.maxRssKiB / 1024)} MiB`);
  if (run.exit !== 0 && run.exit !== 1) {
    if (!run.stderr.startsWith('nps: ')) found.push('a failure that does not say why');
    return found;
  }
  let output: Output;
  try {
    output = json(run);
  } catch {
    return [...found, `stdout is not JSON: ${run.stdout.slice(0, 200)}`];
  }
  if (!accounts) return found;
  const rows = output.meta?.rows;
  if (!rows) return [...found, 'no meta.rows'];
  const reasons = Object.values(rows.excluded).reduce((a, b) => a + b, 0);
  if (reasons !== rows.excluded_total)
    found.push(`the excluded reasons add up to ${reasons}, not excluded_total ${rows.excluded_total}`);
  if (rows.read !== rows.used + rows.excluded_total + rows.filtered)
    found.push(`read != used + excluded + filtered: ${JSON.stringify(rows)}`);
  if (rows.used <= 0) found.push('success with no row used');
  return found;
}

/**
 * How many responses a successful run counted: its accounting, and every count in its tables (n,
 * count, promoters ...) in order with the length of each list. Two containers of the same
 * responses give the same.
 */
function counted(run: Run): { rows: Rows | undefined; counts: (number | string)[] } {
  expect(run.exit, run.stderr).toBe(0);
  const { meta, notes: _notes, ...tables } = json(run);
  const counts: (number | string)[] = [];
  const walk = (value: unknown, key: string) => {
    if (Array.isArray(value)) {
      counts.push(`${key}[${value.length}]`);
      for (const item of value) walk(item, key);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    } else if (typeof value === 'number' && /^(n|n_rest|count|other_count|promoters|passives|detractors)$/.test(key)) {
      counts.push(value);
    }
  };
  walk(tables, '');
  return { rows: meta.rows, counts };
}

/** A report's summary. */
const summary = (run: Run): { n: number; nps: number | null } => {
  expect(run.exit, run.stderr).toBe(0);
  return json(run).summary as { n: number; nps: number | null };
};

// --- The inputs -------------------------------------------------------------------------------------

type Table = string[][];
const csvText = (table: Table) => stringify(table);
const readCsv = (path: string) => parse(readFileSync(path), { bom: true }) as Table;

/** The CSV's cells as a workbook holds them: numbers, date-times as serials (`dates: 'styled'`) or as bare numbers, the rest text. */
function typedCells(table: Table, dates: 'styled' | 'bare'): RawCell[][] {
  return table.map((row, r) =>
    row.map((text): RawCell => {
      if (r === 0 || text === '') return text;
      if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
      if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text))
        return dates === 'styled' ? { serial: excelSerial(text) } : excelSerial(text);
      return text;
    }),
  );
}

/** Where each entry's record starts in a zip's central directory. */
function zipDirectory(zip: Buffer): Map<string, number> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const entries = new Map<string, number>();
  let offset = zip.readUInt32LE(end + 16);
  for (let i = 0; i < zip.readUInt16LE(end + 10); i++) {
    const nameLength = zip.readUInt16LE(offset + 28);
    entries.set(zip.toString('utf8', offset + 46, offset + 46 + nameLength), offset);
    offset += 46 + nameLength + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32);
  }
  return entries;
}

/** The zip with the size one entry declares in the central directory (unpacked, or packed) set to `size`. */
function declaring(zip: Buffer, entry: string, field: 'unpacked' | 'packed', size: number): Buffer {
  const copy = Buffer.from(zip);
  const record = zipDirectory(copy).get(entry);
  if (record === undefined) throw new Error(`no ${entry} in the zip`);
  copy.writeUInt32LE(size, record + (field === 'unpacked' ? 24 : 20));
  return copy;
}

/** The zip with 64 bytes in the middle of one entry's packed data inverted. */
function damaging(zip: Buffer, entry: string): Buffer {
  const copy = Buffer.from(zip);
  const record = zipDirectory(copy).get(entry)!;
  const local = copy.readUInt32LE(record + 42);
  const start = local + 30 + copy.readUInt16LE(local + 26) + copy.readUInt16LE(local + 28);
  const middle = start + Math.floor(copy.readUInt32LE(record + 20) / 2);
  for (let i = middle; i < middle + 64; i++) copy[i] ^= 0xff;
  return copy;
}

/** The workbook, a well-formed zip, with one part's XML rewritten. */
function rewriting(zip: Buffer, entry: string, change: (xml: string) => string): Buffer {
  const files = unzipSync(zip);
  files[entry] = strToU8(change(strFromU8(files[entry])));
  return Buffer.from(zipSync(files));
}

const MiB = 1024 * 1024;
const SHEET = 'xl/worksheets/sheet1.xml';
const STRINGS = 'xl/sharedStrings.xml';
/** Text in one cell, past the 16 MB the CSV reader takes in one line. */
const BIG_CELL_BYTES = 40 * MiB;

async function writeWorkbooks(table: Table): Promise<void> {
  const normal = await workbookFromCsv(SOURCE);
  const sheet = (rows: RawCell[][], strings: 'shared' | 'inline') =>
    rawWorkbook([{ name: 'Responses', rows }], { strings });
  writeFileSync(at('normal.xlsx'), normal);
  writeFileSync(at('shared.xlsx'), sheet(typedCells(table, 'styled'), 'shared'));
  writeFileSync(at('inline.xlsx'), sheet(typedCells(table, 'styled'), 'inline'));
  writeFileSync(at('bare-serials.xlsx'), sheet(typedCells(table, 'bare'), 'shared'));
  const cover = { name: 'Cover', rows: [] };
  writeFileSync(
    at('empty-first.xlsx'),
    rawWorkbook([cover, { name: 'Responses', rows: typedCells(table, 'styled') }], { strings: 'shared' }),
  );
  writeFileSync(at('only-empty.xlsx'), rawWorkbook([cover], { strings: 'inline' }));
  writeFileSync(at('header-only.xlsx'), sheet(table.slice(0, 1), 'shared'));
  writeFileSync(at('damaged.xlsx'), damaging(normal, SHEET));
  writeFileSync(at('damaged-strings.xlsx'), damaging(normal, STRINGS));
  writeFileSync(at('truncated.xlsx'), normal.subarray(0, Math.floor(normal.length * 0.6)));
  writeFileSync(at('huge-sheet.xlsx'), declaring(normal, SHEET, 'unpacked', 0xfffffffe));
  writeFileSync(at('small-sheet.xlsx'), declaring(normal, SHEET, 'unpacked', 1000));
  writeFileSync(at('huge-packed.xlsx'), declaring(normal, SHEET, 'packed', 0xfffffff0));
  // Just under what the reader holds whole (512 MB of shared strings, 64 MB of any other part), and past it.
  writeFileSync(at('huge-strings.xlsx'), declaring(normal, STRINGS, 'unpacked', 500 * MiB));
  writeFileSync(at('huge-strings-max.xlsx'), declaring(normal, STRINGS, 'unpacked', 0xffffffff));
  writeFileSync(at('huge-styles.xlsx'), declaring(normal, 'xl/styles.xml', 'unpacked', 60 * MiB));
  writeFileSync(at('huge-workbook-part.xlsx'), declaring(normal, 'xl/workbook.xml', 'unpacked', 63 * MiB));
  // Damage inside a sound zip: XML that stops in the middle of a row, shared strings that stop half way.
  writeFileSync(
    at('cut-sheet.xlsx'),
    rewriting(normal, SHEET, (xml) => xml.slice(0, Math.floor(xml.length * 0.6))),
  );
  writeFileSync(
    at('cut-strings.xlsx'),
    rewriting(normal, STRINGS, (xml) => xml.slice(0, xml.indexOf('</si>', Math.floor(xml.length / 2)) + 5)),
  );
  writeFileSync(
    at('big-cell.xlsx'),
    sheet(
      [
        ['score', 'comment'],
        [9, 'a'.repeat(BIG_CELL_BYTES)],
      ],
      'inline',
    ),
  );
}

/** Rows with a 0-10 score that the bad-weight variants give a bad weight: every tenth. */
const BAD_EVERY = 10;
const BAD_WEIGHTS = Math.ceil(SOURCE_USED / BAD_EVERY);

const WEIGHTS: Readonly<Record<string, (i: number) => string>> = {
  normal: (i) => String(0.5 + (i % 4) * 0.5),
  zero: (i) => (i % BAD_EVERY === 0 ? '0' : '1'),
  negative: (i) => (i % BAD_EVERY === 0 ? '-1' : '1'),
  'non-numeric': (i) => (i % BAD_EVERY === 0 ? 'abc' : '1'),
  tiny: () => '1e-200',
  huge: () => '1e308',
  'tiny-and-huge': (i) => (i % 2 === 0 ? '1e-200' : '1e308'),
  'all-zero': () => '0',
};

/** The table with a `weight` column: `weight(i)` on the i-th row with a 0-10 score, 1 on the others. */
function withWeights(table: Table, weight: (i: number) => string): Table {
  const score = table[0].indexOf('score');
  let scored = 0;
  return table.map((row, r) => [...row, r === 0 ? 'weight' : /^(\d|10)$/.test(row[score]) ? weight(scored++) : '1']);
}

/** A count a warehouse holds and a double still adds up exactly. */
const HUGE_COUNT = 1e15;
/** The row (1-based, after the header) of the counts tables that the variants change. */
const CHANGED_ROW = 5;

/** The counts table with the last cell of CHANGED_ROW set to `count`. */
const withCount = (table: Table, count: string): Table =>
  table.map((row, r) => (r === CHANGED_ROW ? [...row.slice(0, -1), count] : row));

/** A score,count table as detractors, passives and promoters per period, agent, team and channel. */
function categoriesOf(counts: Table): Table {
  const groups = new Map<string, number[]>();
  for (const row of counts.slice(1)) {
    const key = JSON.stringify(row.slice(0, 4));
    const tally = groups.get(key) ?? [0, 0, 0];
    const score = Number(row[4]);
    tally[score <= 6 ? 0 : score <= 8 ? 1 : 2] += Number(row[5]);
    groups.set(key, tally);
  }
  const header = ['period', 'agent', 'team', 'channel', 'detractors', 'passives', 'promoters'];
  return [header, ...[...groups].map(([key, tally]) => [...(JSON.parse(key) as string[]), ...tally.map(String)])];
}

/** The categories table with CHANGED_ROW's promoters set to `count`. */
const withPromoters = (table: Table, count: string): Table =>
  table.map((row, r) => (r === CHANGED_ROW ? [...row.slice(0, 6), count] : row));
const withDetractors = (table: Table, count: string): Table =>
  table.map((row, r) => (r === CHANGED_ROW ? [...row.slice(0, 4), count, ...row.slice(5)] : row));

function writeTables(table: Table): void {
  const agents = [...new Set(table.slice(1).map((row) => row[3]))].filter((a) => a !== '');
  const lookup = [['agent', 'region'], ...agents.map((a, i) => [a, i % 2 ? 'North' : 'South'])];
  writeFileSync(at('lookup.csv'), csvText(lookup));
  writeFileSync(
    at('lookup-conflicting.csv'),
    csvText([...lookup, ...agents.map((a, i) => [a, i % 2 ? 'South' : 'North'])]),
  );
  writeFileSync(at('lookup-repeated.csv'), csvText([...lookup, ...lookup.slice(1)]));
  writeFileSync(
    at('lookup-unmatched.csv'),
    csvText([['agent', 'region'], ...agents.map((_, i) => [`Nobody ${i}`, 'North'])]),
  );
  // Columns named as the export's score and dates: the export's own must still be the ones read.
  writeFileSync(
    at('lookup-shadowing.csv'),
    csvText([
      ['agent', 'score', 'submitted_at', 'date', 'region'],
      ...agents.map((a) => [a, '0', '1999-01-01', '1999-01-01', 'North']),
    ]),
  );

  for (const [variant, weight] of Object.entries(WEIGHTS))
    writeFileSync(at(`weights-${variant}.csv`), csvText(withWeights(table, weight)));

  const counts = readCsv(SOURCE_COUNTS);
  const categories = categoriesOf(counts);
  writeFileSync(at('counts.csv'), csvText(counts));
  writeFileSync(at('categories.csv'), csvText(categories));
  // Zero counts, some in a group of their own: an agent with no responses at all.
  writeFileSync(
    at('counts-zeros.csv'),
    csvText([...counts, ...counts.slice(1, 40).map((row) => [row[0], 'Nobody', row[2], row[3], row[4], '0'])]),
  );
  writeFileSync(
    at('counts-all-zero.csv'),
    csvText(counts.map((row, r) => (r === 0 ? row : [...row.slice(0, -1), '0']))),
  );
  writeFileSync(at('counts-negative.csv'), csvText(withCount(counts, '-1')));
  writeFileSync(at('counts-fractional.csv'), csvText(withCount(counts, '2.5')));
  writeFileSync(at('counts-huge.csv'), csvText(withCount(counts, String(HUGE_COUNT))));
  writeFileSync(at('counts-huge-exponent.csv'), csvText(withCount(counts, '1e15')));
  writeFileSync(
    at('categories-all-zero.csv'),
    csvText(categories.map((row, r) => (r === 0 ? row : [...row.slice(0, 4), '0', '0', '0']))),
  );
  writeFileSync(at('categories-negative.csv'), csvText(withDetractors(categories, '-2')));
  writeFileSync(at('categories-fractional.csv'), csvText(withDetractors(categories, '0.5')));
  writeFileSync(at('categories-huge.csv'), csvText(withPromoters(categories, String(HUGE_COUNT))));
}

async function writeWithDuckDb(): Promise<void> {
  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  const copy = (query: string, file: string, options = 'FORMAT PARQUET') =>
    sql.run(`COPY (${query}) TO '${at(file)}' (${options})`);
  await sql.run("SET TimeZone = 'UTC'");
  await sql.run(`CREATE TABLE responses AS SELECT * FROM read_csv('${SOURCE}', header = true, all_varchar = true)`);
  const typed = `SELECT CAST(response_id AS BIGINT) AS response_id, CAST(submitted_at AS TIMESTAMPTZ) AS submitted_at,
    TRY_CAST(score AS INTEGER) AS score, agent, team, channel, comment FROM responses`;
  await copy(typed, 'normal.parquet', 'FORMAT PARQUET, ROW_GROUP_SIZE 100');
  // A TIMESTAMP without a zone: the wall-clock time it says, here the UTC one.
  await copy(
    `SELECT * REPLACE (CAST(replace(submitted_at, 'Z', '') AS TIMESTAMP) AS submitted_at) FROM (${typed.replace('TIMESTAMPTZ', 'VARCHAR')})`,
    'naive.parquet',
  );
  await copy('SELECT * FROM responses', 'text.parquet', 'FORMAT PARQUET, COMPRESSION ZSTD');
  await copy(`${typed} WHERE false`, 'zero-rows.parquet');
  // NULLs in every column, and the CSV DuckDB writes from the same rows.
  const nulls = `SELECT CASE WHEN response_id % 5 = 0 THEN NULL ELSE response_id END AS response_id,
      CASE WHEN response_id % 11 = 0 THEN NULL ELSE submitted_at END AS submitted_at,
      CASE WHEN response_id % 7 = 0 THEN NULL ELSE score END AS score,
      CASE WHEN response_id % 3 = 0 THEN NULL ELSE agent END AS agent,
      CASE WHEN response_id % 4 = 0 THEN NULL ELSE team END AS team,
      CASE WHEN response_id % 6 = 0 THEN NULL ELSE channel END AS channel,
      CASE WHEN response_id % 2 = 0 THEN NULL ELSE comment END AS comment
    FROM (${typed}) ORDER BY response_id NULLS LAST`;
  await copy(nulls, 'nulls.parquet');
  await copy(nulls, 'nulls.csv', "FORMAT CSV, HEADER, TIMESTAMPFORMAT '%Y-%m-%dT%H:%M:%SZ'");
  await copy(`SELECT * FROM read_csv('${at('lookup.csv')}', all_varchar = true)`, 'lookup.parquet');
  await copy(
    `SELECT * REPLACE (CAST(weight AS DOUBLE) AS weight) FROM read_csv('${at('weights-normal.csv')}', all_varchar = true)`,
    'weights-normal.parquet',
  );
  await copy(
    `SELECT * REPLACE (CAST(count AS BIGINT) AS count) FROM read_csv('${at('counts.csv')}', all_varchar = true)`,
    'counts.parquet',
  );
  sql.closeSync();
  const normal = readFileSync(at('normal.parquet'));
  writeFileSync(at('truncated.parquet'), normal.subarray(0, Math.floor(normal.length / 2)));
  const damaged = Buffer.from(normal);
  for (let i = Math.floor(damaged.length / 2); i < Math.floor(damaged.length / 2) + 64; i++) damaged[i] ^= 0xff;
  writeFileSync(at('damaged.parquet'), damaged);
}

async function writeInputs(): Promise<void> {
  writeFileSync(at('rss-hook.mjs'), RSS_HOOK);
  copyFileSync(SOURCE, at('responses.csv'));
  const table = readCsv(SOURCE);
  await writeWorkbooks(table);
  writeTables(table);
  writeFileSync(at('lookup.xlsx'), await workbookFromCsv(at('lookup.csv')));
  writeFileSync(at('weights-normal.xlsx'), await workbookFromCsv(at('weights-normal.csv')));
  writeFileSync(at('counts.xlsx'), await workbookFromCsv(at('counts.csv')));
  await writeWithDuckDb();
}

// --- The runs -------------------------------------------------------------------------------------

/** Every command on each container of the same responses. */
const CONTAINERS = ['responses.csv', 'normal.xlsx', 'normal.parquet'];
/** The same responses laid out otherwise: shared or inline strings, a plain TIMESTAMP, text columns. */
const LAYOUTS = ['shared.xlsx', 'inline.xlsx', 'naive.parquet', 'text.parquet'];

for (const input of CONTAINERS) for (const command of [...readers, 'samplesize']) on(command, input);
for (const input of LAYOUTS) for (const command of ['report', 'trend']) on(command, input);
for (const command of ['report', 'trend', 'columns']) on(command, 'bare-serials.xlsx');
for (const sheet of ['1', '2', 'Responses']) on('report', 'empty-first.xlsx', '--sheet', sheet);
on('trend', 'empty-first.xlsx', '--sheet', '2');
on('columns', 'empty-first.xlsx');

/** Damaged workbooks and Parquet files, refused as input (exit 3). */
const DAMAGED = [
  'damaged.xlsx',
  'damaged-strings.xlsx',
  'truncated.xlsx',
  'huge-sheet.xlsx',
  'small-sheet.xlsx',
  'huge-packed.xlsx',
  'huge-strings.xlsx',
  'huge-strings-max.xlsx',
  'huge-styles.xlsx',
  'huge-workbook-part.xlsx',
  'truncated.parquet',
  'damaged.parquet',
];
/** Files with no responses: a workbook of one empty sheet is as empty as an empty file (3), a header alone has no rows (4). */
const EMPTY: Readonly<Record<string, number>> = { 'only-empty.xlsx': 3, 'header-only.xlsx': 4, 'zero-rows.parquet': 4 };
for (const input of [...DAMAGED, ...Object.keys(EMPTY), 'cut-sheet.xlsx', 'cut-strings.xlsx']) on('report', input);
/** The damaged files that commands other than report read too: the reading is the same. */
const DAMAGED_ELSEWHERE = [
  'damaged.xlsx',
  'truncated.xlsx',
  'huge-strings.xlsx',
  'truncated.parquet',
  'damaged.parquet',
];
for (const input of [...DAMAGED_ELSEWHERE, ...Object.keys(EMPTY)]) on('columns', input);
for (const input of DAMAGED_ELSEWHERE) on('followup', input);
on('agents', 'cut-strings.xlsx');
for (const input of ['nulls.csv', 'nulls.parquet']) for (const command of FEW) on(command, input);
const BIG_CELL = register(['report', 'big-cell.xlsx'], true);

/** Options that say how to read CSV bytes, given with a workbook or a Parquet file. */
const CSV_OPTIONS: readonly (readonly string[])[] = [
  ['--encoding', 'windows-1250'],
  ['--delimiter', 'tab'],
];
for (const input of ['normal.xlsx', 'normal.parquet']) for (const option of CSV_OPTIONS) on('agents', input, ...option);

const JOIN = ['--join', 'lookup.csv', '--on', 'agent'];
const joined = (command: string, input: string, lookup: string, ...extra: string[]) =>
  nps(command, input, '--join', lookup, '--on', 'agent', ...extra);
for (const command of analyses) on(command, 'responses.csv', ...JOIN);
const LOOKUPS = [
  'lookup.csv',
  'lookup.xlsx',
  'lookup.parquet',
  'lookup-conflicting.csv',
  'lookup-repeated.csv',
  'lookup-unmatched.csv',
  'lookup-shadowing.csv',
];
for (const lookup of LOOKUPS) joined('report', 'responses.csv', lookup);
for (const lookup of ['lookup.csv', 'lookup.xlsx', 'lookup.parquet', 'lookup-repeated.csv', 'lookup-unmatched.csv'])
  joined('segments', 'responses.csv', lookup, '--by', 'region');
joined('segments', 'responses.csv', 'lookup-conflicting.csv', '--join-keep', 'last', '--by', 'region');
joined('segments', 'normal.parquet', 'lookup.xlsx', '--by', 'region');
joined('segments', 'normal.xlsx', 'lookup.parquet', '--by', 'region');
joined('trend', 'responses.csv', 'lookup-shadowing.csv');
joined('agents', 'responses.csv', 'lookup-shadowing.csv', '--min-n', '20');

const WEIGHT = ['--weight', 'weight'];
for (const command of ['report', 'summary', 'trend', 'agents', 'segments', 'compare', 'themes'])
  on(command, 'weights-normal.csv', ...WEIGHT);
for (const variant of Object.keys(WEIGHTS))
  for (const command of ['report', 'trend']) on(command, `weights-${variant}.csv`, ...WEIGHT);
for (const input of ['weights-normal.xlsx', 'weights-normal.parquet'])
  for (const command of ['report', 'segments']) on(command, input, ...WEIGHT);

const COUNTS = ['--counts'];
for (const input of ['counts.csv', 'categories.csv'])
  for (const command of ['report', 'summary', 'trend', 'agents', 'segments', 'compare', 'samplesize'])
    on(command, input, ...COUNTS);
for (const input of ['counts.xlsx', 'counts.parquet'])
  for (const command of ['report', 'agents', 'samplesize']) on(command, input, ...COUNTS);
const COUNT_VARIANTS = ['zeros', 'all-zero', 'negative', 'fractional', 'huge', 'huge-exponent'].map(
  (v) => `counts-${v}.csv`,
);
const CATEGORY_VARIANTS = ['all-zero', 'negative', 'fractional', 'huge'].map((v) => `categories-${v}.csv`);
for (const input of [...COUNT_VARIANTS, ...CATEGORY_VARIANTS]) on('report', input, ...COUNTS);
for (const input of ['counts-zeros.csv', 'counts-all-zero.csv', 'counts-huge.csv', 'categories-huge.csv'])
  on('trend', input, ...COUNTS);
for (const input of ['counts-zeros.csv', 'counts-huge.csv', 'counts-all-zero.csv']) on('samplesize', input, ...COUNTS);
on('segments', 'counts-zeros.csv', '--by', 'agent', ...COUNTS);

const DIALECTS = ['duckdb', 'postgres', 'bigquery', 'snowflake', 'spark'];
for (const dialect of DIALECTS) {
  nps('sql', '--dialect', dialect, '--table', 'responses');
  // Names and values that need quoting, and periods cut in a time zone.
  nps(
    'sql',
    ...[
      '--dialect',
      dialect,
      '--table',
      'odd "schema".responses',
      '--score',
      'we"ird; --',
      '--by',
      'agent,channel',
      '--where',
      "channel=it's",
    ],
    ...['--date', 'submitted_at', '--period', 'week', '--tz', 'Europe/Stockholm', '--since', '2024-01-01'],
  );
}
nps('samplesize', '--margin', '5');
nps('samplesize', '--difference', '10', '--promoters', '0.5', '--detractors', '20%');

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npm run build first');
  await writeInputs();
  const names = [...cases.keys()];
  const runs = await inPool(
    POOL,
    names.map((name) => () => runNps(cases.get(name)!.args)),
  );
  for (const [i, name] of names.entries()) results.set(name, runs[i]);
});

// --- The tests ------------------------------------------------------------------------------------

describe('every run: exit 0-4, no stack trace, peak RSS under 300 MiB, and on success rows that add up', () => {
  const kept = [...cases].filter(([, c]) => !c.defect).map(([name]) => name);
  it.each(kept)('%s', (name) => {
    const run = result(name);
    const found = violations(run, cases.get(name)!.accounts);
    expect(
      found,
      `${name}\nexit ${run.exit}, peak RSS ${run.maxRssKiB} KiB, stderr:\n${run.stderr.slice(0, 1500)}`,
    ).toEqual([]);
  });
});

describe('the same responses in another container give the same n', () => {
  it.each([...analyses, 'samplesize'])('%s from CSV, .xlsx and Parquet', (command) => {
    const csv = counted(result(on(command, 'responses.csv')));
    for (const input of CONTAINERS.slice(1))
      expect(counted(result(on(command, input))), `${command} on ${input}`).toEqual(csv);
  });

  it.each(['report', 'trend'])('%s from shared and inline strings, a plain TIMESTAMP and text columns', (command) => {
    const csv = counted(result(on(command, 'responses.csv')));
    for (const input of LAYOUTS) expect(counted(result(on(command, input))), `${command} on ${input}`).toEqual(csv);
  });

  it('report, whatever the dates are: serials with no date format are read, not counted as responses lost', () => {
    expect(counted(result(on('report', 'bare-serials.xlsx')))).toEqual(counted(result(on('report', 'responses.csv'))));
  });

  it('report and trend on the sheet --sheet names, past an empty one; the empty one is an empty file (3)', () => {
    for (const command of ['report', 'trend']) {
      const csv = counted(result(on(command, 'responses.csv')));
      expect(counted(result(on(command, 'empty-first.xlsx', '--sheet', '2')))).toEqual(csv);
    }
    expect(counted(result(on('report', 'empty-first.xlsx', '--sheet', 'Responses')))).toEqual(
      counted(result(on('report', 'responses.csv'))),
    );
    expect(result(on('report', 'empty-first.xlsx', '--sheet', '1')).exit).toBe(3);
  });

  it.each(FEW)('%s from Parquet with NULLs in every column as from the CSV of the same rows', (command) => {
    expect(counted(result(on(command, 'nulls.parquet')))).toEqual(counted(result(on(command, 'nulls.csv'))));
  });
});

describe('damaged and empty files', () => {
  it.each(DAMAGED)('%s is refused as input (exit 3)', (input) => {
    for (const command of DAMAGED_ELSEWHERE.includes(input) ? ['report', 'columns', 'followup'] : ['report']) {
      const run = result(on(command, input));
      expect(run.exit, `${command}: ${run.stderr}`).toBe(3);
    }
  });

  it.each(Object.entries(EMPTY))('%s has no responses: exit %i', (input, exit) => {
    expect(result(on('report', input)).exit).toBe(exit);
  });

  // The rows after the last </row> of a sheet cut short were once dropped without a word (362 of 604 rows, exit 0).
  it('a sheet whose XML stops inside a row is refused (3), not read in part', () => {
    const run = result(on('report', 'cut-sheet.xlsx'));
    expect(run.exit, run.stdout.slice(0, 300)).toBe(3);
  });

  // A cell naming a shared string past the end of the table once read as empty text (agents merged into "(empty)", exit 0).
  it('shared strings that stop half way are refused (3), not read as empty cells', () => {
    const run = result(on('agents', 'cut-strings.xlsx'));
    expect(run.exit, run.stdout.slice(0, 300)).toBe(3);
  });

  // A row past 16 MB was once held whole (a 600 MiB cell took 2.4 GB), and the sheet's inflater
  // handed on all a compressed read gave at once (40 MiB of one letter, 460 MiB peak).
  it(`a cell of ${BIG_CELL_BYTES / MiB} MiB is refused as the same line of a CSV is (3), within the memory bound`, () => {
    const run = result(BIG_CELL);
    expect(violations(run, true)).toEqual([]);
    expect(run.exit, run.stderr).toBe(3);
  });
});

describe('options that read CSV bytes, given with a workbook or a Parquet file', () => {
  /** What a run answers: its tables, or that it refused the command line (exit 2). */
  const answer = (run: Run): string => {
    if (run.exit === 2) return 'refused';
    expect(run.exit, run.stderr).toBe(0);
    const { meta: _meta, notes: _notes, ...tables } = json(run);
    return JSON.stringify(tables);
  };

  // They were once applied to the UTF-8 text the workbook and Parquet readers make of the cells:
  // --encoding windows-1250 turned "Åsa Lindqvist" into "Ă…sa Lindqvist" (exit 0), --delimiter tab
  // gave exit 3, "does not look like a CSV export".
  it.each(CSV_OPTIONS)('%s %s changes nothing, or is refused', (...option) => {
    for (const input of ['normal.xlsx', 'normal.parquet']) {
      expect(['refused', answer(result(on('agents', input)))], input).toContain(
        answer(result(on('agents', input, ...option))),
      );
    }
  });
});

describe('--join is a left join: it never changes n', () => {
  it.each(analyses)('%s with a lookup counts what it counts without', (command) => {
    expect(counted(result(on(command, 'responses.csv', ...JOIN)))).toEqual(
      counted(result(on(command, 'responses.csv'))),
    );
  });

  it('a lookup in CSV, .xlsx or Parquet joins alike, onto any container', () => {
    const csv = counted(result(joined('segments', 'responses.csv', 'lookup.csv', '--by', 'region')));
    for (const [input, lookup] of [
      ['responses.csv', 'lookup.xlsx'],
      ['responses.csv', 'lookup.parquet'],
      ['normal.parquet', 'lookup.xlsx'],
      ['normal.xlsx', 'lookup.parquet'],
    ]) {
      expect(counted(result(joined('segments', input, lookup, '--by', 'region'))), `${input} --join ${lookup}`).toEqual(
        csv,
      );
    }
    const [join] = json(result(joined('report', 'responses.csv', 'lookup.csv'))).meta.joins!;
    expect(join.matched + join.unmatched).toBe(SOURCE_READ);
  });

  it('no key matching, or keys listed twice alike, keep every row', () => {
    const plain = counted(result(on('report', 'responses.csv')));
    for (const lookup of ['lookup-unmatched.csv', 'lookup-repeated.csv'])
      expect(counted(result(joined('report', 'responses.csv', lookup))), lookup).toEqual(plain);
    expect(json(result(joined('report', 'responses.csv', 'lookup-unmatched.csv'))).meta.joins![0].matched).toBe(0);
  });

  it('keys listed twice with other values are refused (4), and --join-keep keeps n', () => {
    expect(result(joined('report', 'responses.csv', 'lookup-conflicting.csv')).exit).toBe(4);
    // The last rows swap the regions: the segments differ, the rows counted do not.
    const kept = counted(
      result(joined('segments', 'responses.csv', 'lookup-conflicting.csv', '--join-keep', 'last', '--by', 'region')),
    );
    expect(kept.rows).toEqual(
      counted(result(joined('segments', 'responses.csv', 'lookup.csv', '--by', 'region'))).rows,
    );
  });

  it("the export's score and dates are read, not a lookup's columns of the same names", () => {
    const {
      meta: _meta,
      notes: _notes,
      ...shadowed
    } = json(result(joined('report', 'responses.csv', 'lookup-shadowing.csv')));
    const { meta: _plainMeta, notes: _plainNotes, ...plain } = json(result(on('report', 'responses.csv')));
    expect(shadowed).toEqual(plain);
    expect(counted(result(joined('trend', 'responses.csv', 'lookup-shadowing.csv')))).toEqual(
      counted(result(on('trend', 'responses.csv'))),
    );
    expect(counted(result(joined('agents', 'responses.csv', 'lookup-shadowing.csv', '--min-n', '20')))).toEqual(
      counted(result(on('agents', 'responses.csv'))),
    );
  });
});

describe('--weight loses no row silently', () => {
  it.each(['normal', 'zero', 'negative', 'non-numeric', 'tiny'])(
    '%s weights: every row read, only bad weights excluded',
    (variant) => {
      const bad = variant === 'negative' || variant === 'non-numeric' ? BAD_WEIGHTS : 0;
      for (const command of ['report', 'trend']) {
        const run = result(on(command, `weights-${variant}.csv`, ...WEIGHT));
        const { rows } = counted(run);
        expect(
          { read: rows!.read, used: rows!.used, bad_weight: rows!.excluded.bad_weight },
          `${command}: ${run.stderr}`,
        ).toEqual({
          read: SOURCE_READ,
          used: SOURCE_USED - bad,
          bad_weight: bad,
        });
      }
    },
  );

  it('weights that sum past the largest double are refused as data (4)', () => {
    for (const variant of ['huge', 'tiny-and-huge']) {
      const run = result(on('report', `weights-${variant}.csv`, ...WEIGHT));
      expect(run.exit, variant).toBe(4);
      expect(run.stderr, variant).toMatch(/^nps: the weights sum past the largest number/);
    }
  });

  it('all-zero weights give no NPS, said as such, with every row accounted for', () => {
    const run = result(on('report', 'weights-all-zero.csv', ...WEIGHT));
    expect(summary(run)).toMatchObject({ n: SOURCE_USED, nps: null, weighted_n: 0 });
  });

  it('the same weights from .xlsx and Parquet give the same n', () => {
    for (const command of ['report', 'segments']) {
      const csv = counted(result(on(command, 'weights-normal.csv', ...WEIGHT)));
      for (const input of ['weights-normal.xlsx', 'weights-normal.parquet'])
        expect(counted(result(on(command, input, ...WEIGHT))), `${command} ${input}`).toEqual(csv);
    }
  });
});

describe('--counts: n is the sum of the counts', () => {
  it('score,count and categories tables, in CSV, .xlsx and Parquet, give the n of the responses', () => {
    for (const input of ['counts.csv', 'categories.csv', 'counts.xlsx', 'counts.parquet', 'counts-zeros.csv']) {
      expect(summary(result(on('report', input, ...COUNTS))).n, input).toBe(SOURCE_USED);
    }
    for (const command of ['agents', 'samplesize']) {
      const csv = counted(result(on(command, 'counts.csv', ...COUNTS)));
      for (const input of ['counts.xlsx', 'counts.parquet'])
        expect(counted(result(on(command, input, ...COUNTS))), `${command} ${input}`).toEqual(csv);
    }
  });

  it(`a count of ${HUGE_COUNT} is counted exactly`, () => {
    const counts = readCsv(SOURCE_COUNTS);
    expect(summary(result(on('report', 'counts-huge.csv', ...COUNTS))).n).toBe(
      SOURCE_USED - Number(counts[CHANGED_ROW][5]) + HUGE_COUNT,
    );
    const promoters = Number(categoriesOf(counts)[CHANGED_ROW][6]);
    expect(summary(result(on('report', 'categories-huge.csv', ...COUNTS))).n).toBe(
      SOURCE_USED - promoters + HUGE_COUNT,
    );
  });

  it('negative and fractional counts are refused as input (3), naming the line', () => {
    for (const input of [
      'counts-negative.csv',
      'counts-fractional.csv',
      'categories-negative.csv',
      'categories-fractional.csv',
    ]) {
      const run = result(on('report', input, ...COUNTS));
      expect(run.exit, input).toBe(3);
      expect(run.stderr, input).toContain(`line ${CHANGED_ROW + 1} `);
    }
  });

  it('counts that are all zero give no NPS, said as such', () => {
    for (const input of ['counts-all-zero.csv', 'categories-all-zero.csv'])
      expect(summary(result(on('report', input, ...COUNTS))), input).toMatchObject({ n: 0, nps: null });
  });
});

describe('nps sql', () => {
  it.each(DIALECTS)('%s writes a query', (dialect) => {
    const run = result(nps('sql', '--dialect', dialect, '--table', 'responses'));
    expect(run.exit, run.stderr).toBe(0);
    expect(JSON.stringify(json(run))).toMatch(/SELECT/);
  });
});
