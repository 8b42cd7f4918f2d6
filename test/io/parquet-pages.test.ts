import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { parquetWriteFile } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { instantText, wallText } from '../../src/io/source/format.js';
import { parquetTable } from '../../src/io/source/parquet.js';

/*
 * The Parquet reader walks flat column chunks page by page and stops at the rows asked for. Its
 * cells are checked against the writers' own values: DuckDB (one page per chunk, every column
 * nullable, version 1 and 2 pages, three codecs) and hyparquet-writer (many small pages per
 * chunk, required columns, dictionaries spanning pages), whole and in windows that start and end
 * inside pages and row groups.
 */

const dir = mkdtempSync(join(tmpdir(), 'npskit-parquet-pages-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The rows `rows(from, wanted, until)` hands over, each a copy of the reused cells. */
async function read(path: string, from = 0, wanted?: number[], until?: number): Promise<string[][]> {
  const table = await parquetTable(path, path);
  const out: string[][] = [];
  await table.rows((cells) => out.push([...cells]), from, wanted, until);
  return out;
}

/** The windows read: the sample's, ones starting and ending inside pages and row groups, and the rest. */
const WINDOWS: [from: number, until: number | undefined][] = [
  [0, 500],
  [333, 1555],
  [999, 1001],
  [2400, undefined],
];

describe('DuckDB-written files: typed columns with nulls', () => {
  const ROWS = 3500;
  // Each column beside the text a CSV export of it would hold, as DuckDB writes that text.
  const COLUMNS = [
    ['score', `CASE WHEN i % 3 = 0 THEN NULL ELSE i % 11 END`, `coalesce(CAST(score AS VARCHAR), '')`],
    ['big', `CAST(i AS BIGINT) * 7919 % 100003`, `CAST(big AS VARCHAR)`],
    ['rid', `CASE WHEN i % 5 = 0 THEN NULL ELSE 'R_' || i || '_é' END`, `coalesce(rid, '')`],
    ['region', `['north', 'south', 'east'][i % 3 + 1]`, `region`],
    [
      'flag',
      `CASE WHEN i % 7 = 0 THEN NULL ELSE i % 2 = 0 END`,
      `CASE WHEN flag THEN 'TRUE' WHEN NOT flag THEN 'FALSE' ELSE '' END`,
    ],
    [
      'share',
      `CAST(i % 400 AS DECIMAL(9, 2)) / 8`,
      `regexp_replace(CAST(CAST(share AS DOUBLE) AS VARCHAR), '\\.0$', '')`,
    ],
    [
      'wall',
      `CASE WHEN i % 4 = 0 THEN NULL ELSE TIMESTAMP '2026-01-01' + INTERVAL (i * 37) MINUTE END`,
      `CASE WHEN wall IS NULL THEN '' WHEN CAST(wall AS TIME) = TIME '00:00:00' THEN strftime(wall, '%Y-%m-%d') ELSE strftime(wall, '%Y-%m-%d %H:%M:%S') END`,
    ],
    [
      'instant',
      `TIMESTAMPTZ '2026-03-01 00:00:00+00' + INTERVAL (i * 7001) MILLISECOND`,
      `strftime(instant AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`,
    ],
  ] as const;
  const VARIANTS = ['PARQUET_VERSION V1', 'PARQUET_VERSION V2', 'COMPRESSION ZSTD', 'COMPRESSION UNCOMPRESSED'];

  const written = (async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run("SET TimeZone = 'UTC'");
    await connection.run(
      `CREATE TABLE t AS SELECT ${COLUMNS.map(([name, value]) => `${value} AS ${name}`).join(', ')} FROM range(${ROWS}) r(i) ORDER BY i`,
    );
    const expected = (await connection.runAndReadAll(`SELECT ${COLUMNS.map(([, , text]) => text).join(', ')} FROM t`))
      .getRowsJS()
      .map((row) => row.map(String));
    const files: string[] = [];
    for (const [k, options] of VARIANTS.entries()) {
      const path = join(dir, `duckdb-${k}.parquet`);
      await connection.run(`COPY t TO '${path}' (FORMAT PARQUET, ROW_GROUP_SIZE 1000, ${options})`);
      files.push(path);
    }
    connection.closeSync();
    return { expected, files };
  })();

  it.each(VARIANTS.map((options, k) => [options, k]))(
    '%s: every cell as written, whole and in windows',
    async (_, k) => {
      const { expected, files } = await written;
      expect(await read(files[k as number])).toEqual(expected);
      for (const [from, until] of WINDOWS)
        expect(await read(files[k as number], from, undefined, until)).toEqual(expected.slice(from, until));
    },
    60_000,
  );

  it('reads only the columns asked for, the others left empty', async () => {
    const { expected, files } = await written;
    const wanted = [0, 6];
    const only = expected.map((row) => row.map((cell, i) => (wanted.includes(i) ? cell : '')));
    for (const file of files) {
      expect(await read(file, 0, wanted)).toEqual(only);
      expect(await read(file, 333, wanted, 1555)).toEqual(only.slice(333, 1555));
    }
  }, 60_000);
});

describe('hyparquet-writer files: many pages per chunk, required columns', () => {
  const ROWS = 2000;
  const score = Int32Array.from({ length: ROWS }, (_, i) => (i * 7) % 11);
  const comment = Array.from({ length: ROWS }, (_, i) => (i % 3 === 0 ? null : `comment ${i} ${'x'.repeat(i % 17)}`));
  const region = Array.from({ length: ROWS }, (_, i) =>
    i % 10 === 0 ? null : ['north', 'south', 'east', 'west'][i % 4],
  );
  const at = Array.from({ length: ROWS }, (_, i) => new Date(Date.UTC(2026, 0, 1) + i * 3_600_000));
  const path = join(dir, 'pages.parquet');
  parquetWriteFile({
    filename: path,
    rowGroupSize: 700,
    pageSize: 512,
    columnData: [
      { name: 'score', data: score, type: 'INT32', nullable: false },
      { name: 'comment', data: comment, type: 'STRING' },
      { name: 'region', data: region, type: 'STRING' },
      { name: 'at', data: at, type: 'TIMESTAMP', nullable: false },
    ],
  });
  const expected = Array.from({ length: ROWS }, (_, i) => [
    String(score[i]),
    comment[i] ?? '',
    region[i] ?? '',
    at[i].toISOString(),
  ]);

  it('the file has what the test means: several pages per chunk, required columns', async () => {
    const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
    const { parquetHeader } = await import('hyparquet/src/column.js');
    const file = await asyncBufferFromFile(path);
    const metadata = await parquetMetadataAsync(file);
    expect(metadata.schema.slice(1).map((e) => e.repetition_type)).toEqual([
      'REQUIRED',
      'OPTIONAL',
      'OPTIONAL',
      'REQUIRED',
    ]);
    expect(metadata.row_groups.length).toBe(3);
    const chunk = metadata.row_groups[0].columns[1].meta_data!;
    const start = Number(chunk.dictionary_page_offset || chunk.data_page_offset);
    const bytes = await file.slice(start, start + Number(chunk.total_compressed_size));
    const reader = { view: new DataView(bytes), offset: 0 };
    let pages = 0;
    for (; reader.offset < bytes.byteLength - 1; pages++) {
      const size = parquetHeader(reader).compressed_page_size; // moves the offset past the header
      reader.offset += size;
    }
    expect(pages).toBeGreaterThan(5);
  });

  it('every cell as written, whole and in windows that start and end inside pages', async () => {
    expect(await read(path)).toEqual(expected);
    for (const [from, until] of WINDOWS)
      expect(await read(path, from, undefined, until)).toEqual(expected.slice(from, until));
    expect(await read(path, 1401, [1, 3], 1402)).toEqual([['', expected[1401][1], '', expected[1401][3]]]);
  });
});

describe('times written without a Date per row', () => {
  const anyMs = fc.integer({ min: -8.64e15, max: 8.64e15 });
  it('instantText writes what toISOString writes, in every year Date holds', () => {
    fc.assert(
      fc.property(anyMs, (ms) => instantText(ms) === new Date(ms).toISOString()),
      { numRuns: 20_000 },
    );
    for (const ms of [0, -1, 253_402_300_799_999, 253_402_300_800_000, -62_167_219_200_000, -62_167_219_200_001, 1.5])
      expect(instantText(ms)).toBe(new Date(ms).toISOString());
  });
  it('wallText writes the day, and its time when it has one', () => {
    expect(wallText(Date.UTC(2026, 9, 1))).toBe('2026-10-01');
    expect(wallText(Date.UTC(2026, 9, 1, 7, 5, 9))).toBe('2026-10-01 07:05:09');
    expect(wallText(Date.UTC(1969, 11, 31, 23, 59, 59, 999))).toBe('1969-12-31 23:59:59');
    const fourDigitYears = fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 });
    fc.assert(
      fc.property(
        fourDigitYears,
        (ms) =>
          wallText(ms) ===
          new Date(ms)
            .toISOString()
            .replace(/^(\d{4}-\d\d-\d\d)T00:00:00\.\d+Z$|^(.*)T(.{8})\.\d+Z$/, (_, day, d, t) => day ?? `${d} ${t}`),
      ),
      { numRuns: 20_000 },
    );
  });
});
