import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';
import { figures } from '../helpers/figures.js';

/*
 * Parquet in: files written by DuckDB (as a warehouse export would be), with typed columns and
 * several row groups, give the figures and the row accounting of the CSV they came from.
 */

const temp = mkdtempSync(join(tmpdir(), 'nps-parquet-'));
const typed = join(temp, 'typed.parquet');
const text = join(temp, 'text.parquet');
afterAll(() => rmSync(temp, { recursive: true, force: true }));

beforeAll(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  // Typed: a BIGINT id, a TIMESTAMPTZ, an INTEGER score (NULL where the CSV has none); row groups of 100.
  await sql.run(`COPY (SELECT response_id, submitted_at, TRY_CAST(score AS INTEGER) AS score, agent, team, channel, comment
    FROM read_csv('fixtures/contact-centre.csv')) TO '${typed}' (FORMAT PARQUET, ROW_GROUP_SIZE 100)`);
  await sql.run(`COPY (SELECT * FROM read_csv('fixtures/contact-centre.csv', all_varchar = true)) TO '${text}' (FORMAT PARQUET, COMPRESSION ZSTD)`);
  sql.closeSync();
});

describe('Parquet in', () => {
  it.each([['report'], ['trend', '--period', 'month'], ['agents', '--min-n', '20'], ['segments', '--by', 'channel,team'], ['followup']])(
    '%s gives the figures of the CSV the file was written from',
    async (command, ...rest) => {
      const csv = await figures(command, 'fixtures/contact-centre.csv', ...rest);
      for (const file of [typed, text]) {
        const parquet = await figures(command, file, ...rest);
        expect(parquet.tables).toEqual(csv.tables);
        expect(parquet.meta.rows).toEqual(csv.meta.rows);
        expect(parquet.meta.inputs[0].encoding).toBe('parquet');
      }
    },
  );

  it('reads a TIMESTAMP WITH TIME ZONE as the instant it is: days in --tz as from the CSV', async () => {
    for (const tz of ['Pacific/Auckland', 'America/Los_Angeles', 'Europe/Stockholm']) {
      const args = ['--period', 'day', '--tz', tz];
      const csv = await figures('trend', 'fixtures/contact-centre.csv', ...args);
      expect((await figures('trend', typed, ...args)).tables).toEqual(csv.tables);
    }
  });

  it('reads a plain TIMESTAMP as the wall-clock time it says, whatever --tz', async () => {
    const naive = join(temp, 'naive.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(`COPY (SELECT TIMESTAMP '2024-03-01 23:30:00' AS submitted_at, 9 AS score) TO '${naive}' (FORMAT PARQUET)`);
    sql.closeSync();
    const rows = (await figures('trend', naive, '--period', 'day', '--tz', 'Pacific/Auckland')).tables.periods as unknown as { period: string }[];
    expect(rows.map((r) => r.period)).toEqual(['2024-03-01']);
  });

  it("reads a row group of 1,048,576 rows (pyarrow's default), which is no record of a million lines", async () => {
    const big = join(temp, 'one-row-group.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(`COPY (SELECT i AS id, i % 11 AS score FROM range(1048576) t(i)) TO '${big}' (FORMAT PARQUET, ROW_GROUP_SIZE 1048576)`);
    sql.closeSync();
    const { meta } = await figures('report', big);
    expect(meta.rows).toMatchObject({ read: 1_048_576, used: 1_048_576 });
  });

  it('refuses a file that says Parquet but is not, and --sheet on it', async () => {
    const fake = join(temp, 'fake.parquet');
    writeFileSync(fake, 'PAR1 and then nothing a Parquet reader can read');
    const broken = fakeIo();
    expect(await main(['report', fake], broken)).toBe(3);
    expect(broken.err()).toMatch(/^nps: cannot read .*fake\.parquet as Parquet: /);
    const sheet = fakeIo();
    expect(await main(['report', typed, '--sheet', '1'], sheet)).toBe(2);
    expect(sheet.err()).toMatch(/^nps: --sheet reads Excel workbooks/);
  });
});
