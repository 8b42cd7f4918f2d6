import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';
import { figures } from '../helpers/figures.js';
import { dayRead, EXPORT_FORMAT, TEXT_DATE_CELLS, textDatesCsv } from './sql-text-dates.js';

/*
 * --counts against a real engine: DuckDB (embedded) tallies fixtures/contact-centre.csv into
 * score,count rows per quarter, agent and channel, as a warehouse would; npskit's figures from
 * those counts must equal its figures from the responses themselves.
 */

const temp = mkdtempSync(join(tmpdir(), 'nps-counts-'));
const counts = join(temp, 'counts.csv');
const categories = join(temp, 'categories.csv');
afterAll(() => rmSync(temp, { recursive: true, force: true }));

beforeAll(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  await sql.run(
    `CREATE TABLE responses AS SELECT * FROM read_csv('fixtures/contact-centre.csv', header = true, all_varchar = true)`,
  );
  // Only whole answers 0-10 are answers; the four rows without a score are left out, as nps leaves them out.
  await sql.run(`
    COPY (
      SELECT CAST(date_trunc('quarter', CAST(submitted_at AS TIMESTAMP)) AS DATE) AS period, agent, team, channel,
             CAST(score AS INTEGER) AS score, COUNT(*) AS count
      FROM responses
      WHERE TRY_CAST(score AS INTEGER) BETWEEN 0 AND 10
      GROUP BY ALL
      ORDER BY ALL
    ) TO '${counts}' (HEADER, DELIMITER ',')`);
  // The other form: detractors, passives and promoters per quarter, agent, team and channel.
  await sql.run(`
    COPY (
      SELECT CAST(date_trunc('quarter', CAST(submitted_at AS TIMESTAMP)) AS DATE) AS period, agent, team, channel,
             SUM(CASE WHEN CAST(score AS INTEGER) <= 6 THEN 1 ELSE 0 END) AS detractors,
             SUM(CASE WHEN CAST(score AS INTEGER) IN (7, 8) THEN 1 ELSE 0 END) AS passives,
             SUM(CASE WHEN CAST(score AS INTEGER) >= 9 THEN 1 ELSE 0 END) AS promoters
      FROM responses
      WHERE TRY_CAST(score AS INTEGER) BETWEEN 0 AND 10
      GROUP BY ALL
      ORDER BY ALL
    ) TO '${categories}' (HEADER, DELIMITER ',')`);
  sql.closeSync();
});

describe('--counts from DuckDB equals the responses', () => {
  it.each([
    ['report'],
    ['trend'],
    ['trend', '--period', 'year', '--by', 'channel'],
    ['agents', '--min-n', '20'],
    ['agents', '--team', '--min-n', '20'],
    ['segments', '--by', 'channel,team'],
    ['compare', '--by', 'channel'],
    ['summary'],
  ])('%s', async (command, ...rest) => {
    const direct = await figures(command, 'fixtures/contact-centre.csv', ...rest);
    const fromCounts = await figures(command, counts, '--counts', ...rest);
    // A counts table has no comments: the summary's themes and commented detractors are of the responses only.
    if (command === 'summary') {
      const { themes: _themes, summary, ...rest } = direct.tables;
      const { detractors_with_comment: _commented, ...record } = summary;
      expect(fromCounts.tables).toEqual({ ...rest, summary: record });
    } else {
      expect(fromCounts.tables).toEqual(direct.tables);
    }
    expect(fromCounts.meta.rows.used).toBeLessThan(direct.meta.rows.used);
  });

  it.each([
    ['trend'],
    ['agents', '--team', '--min-n', '20'],
    ['segments', '--by', 'channel,team'],
    ['compare', '--by', 'channel'],
  ])('the detractors, passives, promoters form gives the same for %s', async (command, ...rest) => {
    const direct = await figures(command, 'fixtures/contact-centre.csv', ...rest);
    const fromCategories = await figures(command, categories, '--counts', ...rest);
    expect(fromCategories.tables).toEqual(direct.tables);
  });

  it('the detractors, passives, promoters form gives report its figures, without a 0-10 distribution', async () => {
    const direct = await figures('report', 'fixtures/contact-centre.csv');
    const fromCategories = await figures('report', categories, '--counts');
    const withoutScores = Object.fromEntries(
      Object.entries(direct.tables.summary as Record<string, unknown>).filter(([key]) => !key.startsWith('score_')),
    );
    expect(fromCategories.tables).toEqual({ command: 'report', summary: withoutScores });
  });

  it('refuses counts that are not whole numbers of 0 or more, naming the line', async () => {
    const io = fakeIo({ stdin: Buffer.from('score,count\n10,3\n9,-1\n') });
    expect(await main(['report', '-', '--counts'], io)).toBe(3);
    expect(io.err()).toBe(
      'nps: --counts: line 3 has the count "-1", not a whole number of 0 or more\nhint: a counts table holds how many responses gave each score in each group\n',
    );
  });

  it('says what a counts table needs, and which commands need responses', async () => {
    const noCount = fakeIo({ stdin: Buffer.from('score,total\n10,3\n') });
    expect(await main(['report', '-', '--counts'], noCount)).toBe(2);
    expect(noCount.err()).toMatch(/^nps: --counts: stdin has no count column\n/);
    const followup = fakeIo();
    expect(await main(['followup', counts, '--counts'], followup)).toBe(2);
    expect(followup.err()).toMatch(/^nps: unknown option '--counts'/);
  });
});

/** What `nps sql ARGS` prints: the query alone, ready to pipe on. */
async function emitted(...args: string[]): Promise<string> {
  const io = fakeIo();
  expect(await main(['sql', ...args], io), io.err()).toBe(0);
  return io.out();
}

describe('nps sql, run on DuckDB, gives the counts --counts reads', () => {
  it.each([
    [
      ['--by', 'agent,team,channel', '--period', 'quarter'],
      ['trend'],
      ['agents', '--team', '--min-n', '20'],
      ['segments', '--by', 'channel,team'],
    ],
    [
      ['--by', 'channel', '--period', 'month', '--tz', 'Europe/Stockholm'],
      ['trend', '--period', 'month', '--tz', 'Europe/Stockholm', '--by', 'channel'],
    ],
    [
      ['--by', 'agent', '--where', 'channel=chat', '--since', '2023-07-01', '--until', '2024-06-30'],
      ['agents', '--min-n', '5', '--where', 'channel=chat', '--since', '2023-07-01', '--until', '2024-06-30'],
    ],
    [
      ['--period', 'year', '--fiscal-year-start', '7'],
      ['trend', '--period', 'year', '--fiscal-year-start', '7'],
    ],
  ])('%j', async (sqlArgs, ...commands) => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(
      `CREATE TABLE responses AS SELECT * FROM read_csv('fixtures/contact-centre.csv', header = true, all_varchar = true)`,
    );
    const query = await emitted('--table', 'responses', '--date', 'submitted_at', ...sqlArgs);
    const out = join(temp, `emitted-${sqlArgs.join('-').replace(/[^\w-]/g, '')}.csv`);
    await connection.run(`COPY (${query.trim().replace(/;$/, '')}) TO '${out}' (HEADER, DELIMITER ',')`);
    connection.closeSync();
    for (const [command, ...rest] of commands) {
      // Filters were applied by the warehouse: the counts are read as they come.
      const own = rest.filter(
        (_, i) =>
          !['--where', '--since', '--until'].includes(rest[i]) &&
          !['--where', '--since', '--until'].includes(rest[i - 1]),
      );
      const direct = await figures(command, 'fixtures/contact-centre.csv', ...rest);
      const fromCounts = await figures(command, out, '--counts', ...own);
      expect(fromCounts.tables).toEqual(direct.tables);
    }
  });

  it('counts whole answers 0-10 only: 7.5, 1e20, inf and NaN are no answers and fail nothing, 7.0 and " 9 " are', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(
      `CREATE TABLE t AS SELECT * FROM (VALUES ('7.5'), ('7.0'), ('10'), (' 9 '), ('abc'), ('11'), ('-1'), (NULL), ('1e20'), ('inf'), ('-inf'), ('NaN'), ('9a'), ('9,5')) v(score)`,
    );
    const rows = (await connection.runAndReadAll(await emitted('--table', 't'))).getRows();
    expect(rows.map(([score, count]) => [Number(score), Number(count)])).toEqual([
      [7, 1],
      [9, 1],
      [10, 1],
    ]);
    connection.closeSync();
  });

  it('quotes identifiers and escapes values so that no input changes the query', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const column = 'we"ird; DROP TABLE t; --ąź';
    const value = "it's'; DROP TABLE t; -- \\ \u00e5";
    await connection.run(
      `CREATE TABLE "odd ""table""" ("${column.replaceAll('"', '""')}" VARCHAR, "note" VARCHAR, score INTEGER)`,
    );
    await connection.run(
      `INSERT INTO "odd ""table""" VALUES ('${value.replaceAll("'", "''")}', 'x', 10), ('${value.replaceAll("'", "''")}', 'x', 9), ('other', 'x', 0), ('${value.replaceAll("'", "''")}', 'y', 12)`,
    );
    const query = await emitted('--table', 'odd "table"', '--by', column, '--where', `${column}=${value}`);
    const rows = (await connection.runAndReadAll(query)).getRowObjects();
    expect(rows.map((r) => [r[column], Number(r.score), Number(r.count)])).toEqual([
      [value, 9, 1],
      [value, 10, 1],
    ]);
    expect((await connection.runAndReadAll(`SELECT COUNT(*) AS n FROM "odd ""table"""`)).getRowObjects()[0].n).toBe(4n);
    connection.closeSync();
  });
});

describe('nps sql names its CTE and columns clear of the table and the groups', () => {
  it('reads a table named answers, grouped by columns named score and answered_at', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run('CREATE TABLE answers (ltr VARCHAR, d VARCHAR, score VARCHAR, answered_at VARCHAR)');
    await connection.run(
      `INSERT INTO answers VALUES ('9', '2024-01-05', 'x', 'a'), ('10', '2024-01-06', 'x', 'a'), ('3', '2024-02-01', 'y', 'a'), ('n/a', '2024-02-02', 'y', 'b')`,
    );
    const query = await emitted(
      '--table',
      'answers',
      '--score',
      'ltr',
      '--date',
      'd',
      '--period',
      'month',
      '--by',
      'score,answered_at',
    );
    const rows = (await connection.runAndReadAll(query)).getRows();
    connection.closeSync();
    expect(rows.map((r) => r.map(String))).toEqual([
      ['2024-01-01', 'x', 'a', '9', '1'],
      ['2024-01-01', 'x', 'a', '10', '1'],
      ['2024-02-01', 'y', 'a', '3', '1'],
    ]);
  });
});

describe('nps sql --date-format, run on DuckDB, reads text dates as the command line does', () => {
  it.each(TEXT_DATE_CELLS)('%s: each cell gives the day nps reads in it, or no date', async (pattern, cells) => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run('CREATE TABLE cells (id INTEGER, submitted VARCHAR, score VARCHAR)');
    const literal = (cell: string | null) => (cell === null ? 'NULL' : `'${cell.replaceAll("'", "''")}'`);
    const all = [...cells, null];
    await connection.run(
      `INSERT INTO cells VALUES ${all.map((cell, id) => `(${id}, ${literal(cell)}, '9')`).join(', ')}`,
    );
    const query = await emitted(
      '--table',
      'cells',
      '--date',
      'submitted',
      '--date-format',
      pattern,
      '--period',
      'day',
      '--by',
      'id',
    );
    const rows = (await connection.runAndReadAll(query)).getRowObjects();
    connection.closeSync();
    const read = Object.fromEntries(rows.map((r) => [Number(r.id), r.period === null ? null : String(r.period)]));
    expect(all.map((cell) => [cell, read[all.indexOf(cell)]])).toEqual(
      all.map((cell) => [cell, cell === null ? null : dayRead(pattern, cell)]),
    );
    // Every cell is one row: none is lost or counted twice.
    expect(rows.reduce((sum, r) => sum + Number(r.count), 0)).toBe(all.length);
  });

  // The export's six unreadable dates are left out both ways (four of them once phone is filtered out).
  it.each([
    [['--by', 'channel', '--period', 'month'], ['trend', '--period', 'month', '--by', 'channel'], 6],
    [
      ['--period', 'quarter', '--where', 'channel!=phone', '--since', '2018-10-01', '--until', '2019-03-31'],
      ['trend', '--where', 'channel!=phone', '--since', '2018-10-01', '--until', '2019-03-31'],
      4,
    ],
  ] as const)(
    '%j: the counts give the figures of the export read with the same --date-format',
    async (sqlArgs, [command, ...rest], unreadable) => {
      const csv = join(temp, 'text-dates.csv');
      writeFileSync(csv, textDatesCsv());
      const db = await DuckDBInstance.create(':memory:');
      const connection = await db.connect();
      await connection.run(
        `CREATE TABLE responses AS SELECT * FROM read_csv('${csv}', header = true, all_varchar = true)`,
      );
      const query = await emitted(
        '--table',
        'responses',
        '--date',
        'submitted',
        '--date-format',
        EXPORT_FORMAT,
        ...sqlArgs,
      );
      const out = join(temp, `text-dates-${sqlArgs.join('-').replace(/[^\w-]/g, '')}.csv`);
      await connection.run(`COPY (${query.trim().replace(/;$/, '')}) TO '${out}' (HEADER, DELIMITER ',')`);
      connection.closeSync();
      const own = rest.filter(
        (_, i) =>
          !['--where', '--since', '--until'].includes(rest[i]) &&
          !['--where', '--since', '--until'].includes(rest[i - 1]),
      );
      const direct = await figures(command, csv, '--date', 'submitted', '--date-format', EXPORT_FORMAT, ...rest);
      const fromCounts = await figures(command, out, '--counts', ...own);
      expect(fromCounts.tables).toEqual(direct.tables);
      expect(direct.meta.rows.excluded).toMatchObject({ bad_date: unreadable });
    },
  );
});
