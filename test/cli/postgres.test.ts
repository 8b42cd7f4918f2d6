import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CHILD_TIMEOUT_MS, spawnChild } from '../helpers/child.js';
import { fakeIo } from '../helpers/fake-io.js';
import { dayRead, EXPORT_FORMAT, TEXT_DATE_CELLS, textDatesCsv } from './sql-text-dates.js';

/*
 * The SQL round trip on a real PostgreSQL: a throwaway cluster in a temporary folder, on a Unix
 * socket only, started for these tests and removed after. The fixture is loaded, `nps sql
 * --dialect postgres` is run with psql, and --counts on its result must give the responses' figures.
 */

const temp = mkdtempSync(join(tmpdir(), 'nps-postgres-'));
const data = join(temp, 'data');
const PORT = '54329';
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let bin = '';
/** How long pg_ctl waits for the server to start or stop (its own default is 60 s): it gives up, saying why, a minute before it would be killed. */
const PG_CTL_WAIT_S = String(CHILD_TIMEOUT_MS / 1000 - 60);

/** Runs a PostgreSQL program, as the postgres user when the tests run as root (the server refuses root). */
function pg(program: string, args: readonly string[]) {
  const command = join(bin, program);
  const result = asRoot ? spawnChild('runuser', ['-u', 'postgres', '--', command, ...args]) : spawnChild(command, args);
  if (result.status !== 0) throw new Error(`${program} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

const psql = (...args: string[]) =>
  pg('psql', ['-h', temp, '-p', PORT, '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-X', ...args]);

beforeAll(() => {
  const version = existsSync('/usr/lib/postgresql')
    ? readdirSync('/usr/lib/postgresql')
        .filter((v) => existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (!version)
    throw new Error(
      'PostgreSQL is missing: install it with `apt-get install -y postgresql` (as root), or run npm test as root, which installs it',
    );
  bin = `/usr/lib/postgresql/${version}/bin`;
  if (asRoot) {
    const uid = Number(spawnChild('id', ['-u', 'postgres']).stdout);
    const gid = Number(spawnChild('id', ['-g', 'postgres']).stdout);
    chownSync(temp, uid, gid);
  }
  chmodSync(temp, 0o755);
  pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
  pg('pg_ctl', [
    '-D',
    data,
    '-l',
    join(temp, 'log'),
    '-w',
    '-t',
    PG_CTL_WAIT_S,
    '-o',
    `-k ${temp} -p ${PORT} -c listen_addresses='' -c timezone=UTC -c fsync=off`,
    'start',
  ]);
  psql(
    '-c',
    'CREATE TABLE responses (response_id text, submitted_at text, score text, agent text, team text, channel text, comment text)',
  );
  psql('-c', `\\copy responses FROM '${resolve('fixtures/contact-centre.csv')}' CSV HEADER`);
});

afterAll(() => {
  if (existsSync(join(data, 'postmaster.pid')))
    pg('pg_ctl', ['-D', data, '-m', 'immediate', '-t', PG_CTL_WAIT_S, 'stop']);
  rmSync(temp, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const io = fakeIo();
  const exit = await main(args, io);
  expect(exit, io.err()).toBe(0);
  return io.out();
}

const tablesOf = (json: string) => {
  const { meta: _meta, notes: _notes, ...tables } = JSON.parse(json);
  return tables;
};

describe('nps sql --dialect postgres, run on PostgreSQL, gives the counts --counts reads', () => {
  it.each([
    [
      ['--by', 'agent,team,channel', '--period', 'quarter'],
      ['trend'],
      ['agents', '--team', '--min-n', '20'],
      ['segments', '--by', 'channel,team'],
    ],
    [
      ['--by', 'channel', '--period', 'week', '--tz', 'Europe/Warsaw'],
      ['trend', '--period', 'week', '--tz', 'Europe/Warsaw', '--by', 'channel'],
    ],
    [
      ['--period', 'quarter', '--fiscal-year-start', '7', '--where', 'channel!=social', '--since', '2023-04-01'],
      ['trend', '--fiscal-year-start', '7', '--where', 'channel!=social', '--since', '2023-04-01'],
    ],
  ])('%j', async (sqlArgs, ...commands) => {
    const query = await run(
      'sql',
      '--dialect',
      'postgres',
      '--table',
      'responses',
      '--date',
      'submitted_at',
      ...sqlArgs,
    );
    const counts = join(temp, `counts-${sqlArgs.join('-').replace(/[^\w-]/g, '')}.csv`);
    writeFileSync(counts, psql('--csv', '-c', query));
    for (const [command, ...rest] of commands) {
      const own = rest.filter(
        (_, i) =>
          !['--where', '--since', '--until'].includes(rest[i]) &&
          !['--where', '--since', '--until'].includes(rest[i - 1]),
      );
      const direct = tablesOf(await run(command, 'fixtures/contact-centre.csv', ...rest, '--format', 'json'));
      const fromCounts = tablesOf(await run(command, counts, '--counts', ...own, '--format', 'json'));
      expect(fromCounts).toEqual(direct);
    }
  });
});

describe('hostile cells and values on PostgreSQL', () => {
  it('excludes score cells that are not numbers, and quotes a value the same with standard_conforming_strings off', async () => {
    psql('-c', 'CREATE TABLE odd (submitted_at text, score text, channel text)');
    const cells = ['9', '9a', '7x', '1x0', '9,5', '10', ' 8 ', '1e3'];
    psql(
      '-c',
      `INSERT INTO odd VALUES ${cells.map((score, i) => `('2024-01-0${i + 1}', '${score}', 'chat')`).join(', ')}`,
    );
    // With the setting off, a backslash in '...' escapes the quote after it: '\'' would end nothing.
    const hostile = "x\\'; DROP TABLE odd; --";
    const query = await run(
      'sql',
      '--dialect',
      'postgres',
      '--table',
      'odd',
      '--date',
      'submitted_at',
      '--period',
      'month',
      '--where',
      `channel!=${hostile}`,
    );
    const csv = psql('--csv', '-c', `SET standard_conforming_strings = off; ${query}`);
    // psql prints the SET's command tag before the rows.
    const [header, ...rows] = csv
      .trim()
      .split('\n')
      .filter((line) => line !== 'SET')
      .map((line) => line.split(','));
    const count = header.indexOf('count');
    const score = header.indexOf('score');
    // 9, 10 and " 8 " are answers; 1e3 is a number outside 0-10; the rest are not numbers.
    expect(rows.map((r) => [r[score], r[count]]).sort()).toEqual([
      ['10', '1'],
      ['8', '1'],
      ['9', '1'],
    ]);
    expect(psql('--csv', '-t', '-c', 'SELECT count(*) FROM odd').trim()).toBe(String(cells.length));
  });
});

describe('nps sql --dialect postgres --date-format, run on PostgreSQL, reads text dates as the command line does', () => {
  it.each(TEXT_DATE_CELLS)(
    '%s: each cell gives the day nps reads in it, or no date, and none fails the query',
    async (pattern, cells) => {
      const table = `cells_${TEXT_DATE_CELLS.findIndex(([p]) => p === pattern)}`;
      psql('-c', `CREATE TABLE ${table} (id integer, submitted text, score text)`);
      const all = [...cells, null];
      const literal = (cell: string | null) => (cell === null ? 'NULL' : `'${cell.replaceAll("'", "''")}'`);
      psql('-c', `INSERT INTO ${table} VALUES ${all.map((cell, id) => `(${id}, ${literal(cell)}, '9')`).join(', ')}`);
      const query = await run(
        'sql',
        '--dialect',
        'postgres',
        '--table',
        table,
        '--date',
        'submitted',
        '--date-format',
        pattern,
        '--period',
        'day',
        '--by',
        'id',
      );
      const [header, ...rows] = psql('--csv', '-c', query)
        .trim()
        .split('\n')
        .map((line) => line.split(','));
      const column = (name: string) => header.indexOf(name);
      const read = Object.fromEntries(rows.map((r) => [Number(r[column('id')]), r[column('period')] || null]));
      expect(all.map((cell, id) => [cell, read[id]])).toEqual(
        all.map((cell) => [cell, cell === null ? null : dayRead(pattern, cell)]),
      );
      expect(rows.reduce((sum, r) => sum + Number(r[column('count')]), 0)).toBe(all.length);
    },
  );

  it('per month and channel, the counts give the figures of the export read with the same --date-format', async () => {
    const csv = join(temp, 'text-dates.csv');
    writeFileSync(csv, textDatesCsv());
    psql('-c', 'CREATE TABLE text_dates (id text, submitted text, score text, channel text)');
    psql('-c', `\\copy text_dates FROM '${csv}' CSV HEADER`);
    const query = await run(
      'sql',
      '--dialect',
      'postgres',
      '--table',
      'text_dates',
      '--date',
      'submitted',
      '--date-format',
      EXPORT_FORMAT,
      '--period',
      'month',
      '--by',
      'channel',
    );
    const counts = join(temp, 'text-dates-counts.csv');
    writeFileSync(counts, psql('--csv', '-c', query));
    const direct = tablesOf(
      await run(
        'trend',
        csv,
        '--date',
        'submitted',
        '--date-format',
        EXPORT_FORMAT,
        '--period',
        'month',
        '--by',
        'channel',
        '--format',
        'json',
      ),
    );
    const fromCounts = tablesOf(
      await run('trend', counts, '--counts', '--period', 'month', '--by', 'channel', '--format', 'json'),
    );
    expect(fromCounts).toEqual(direct);
  });
});
