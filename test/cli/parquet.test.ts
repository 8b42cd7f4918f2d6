import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  await sql.run(
    `COPY (SELECT * FROM read_csv('fixtures/contact-centre.csv', all_varchar = true)) TO '${text}' (FORMAT PARQUET, COMPRESSION ZSTD)`,
  );
  sql.closeSync();
});

describe('Parquet in', () => {
  it.each([
    ['report'],
    ['trend', '--period', 'month'],
    ['agents', '--min-n', '20'],
    ['segments', '--by', 'channel,team'],
    ['followup'],
  ])('%s gives the figures of the CSV the file was written from', async (command, ...rest) => {
    const csv = await figures(command, 'fixtures/contact-centre.csv', ...rest);
    for (const file of [typed, text]) {
      const parquet = await figures(command, file, ...rest);
      expect(parquet.tables).toEqual(csv.tables);
      expect(parquet.meta.rows).toEqual(csv.meta.rows);
      expect(parquet.meta.inputs[0].encoding).toBe('parquet');
    }
  });

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
    await sql.run(
      `COPY (SELECT TIMESTAMP '2024-03-01 23:30:00' AS submitted_at, 9 AS score) TO '${naive}' (FORMAT PARQUET)`,
    );
    sql.closeSync();
    const rows = (await figures('trend', naive, '--period', 'day', '--tz', 'Pacific/Auckland')).tables
      .periods as unknown as { period: string }[];
    expect(rows.map((r) => r.period)).toEqual(['2024-03-01']);
  });

  it('reads timestamps in milliseconds, microseconds and nanoseconds as the same times, sampled or not', async () => {
    const units = join(temp, 'units.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(`COPY (SELECT t::TIMESTAMP_MS AS ms, t::TIMESTAMP AS us, t::TIMESTAMP_NS AS ns, i % 11 AS score
      FROM (SELECT TIMESTAMP '2024-03-01 23:30:00' + INTERVAL (i * 7) HOUR AS t, i FROM range(1300) r(i))) TO '${units}' (FORMAT PARQUET)`);
    sql.closeSync();
    const periods = async (date: string) =>
      (await figures('trend', units, '--date', date, '--period', 'day')).tables.periods;
    const us = await periods('us');
    expect((us as unknown as unknown[]).length).toBeGreaterThan(300);
    expect(await periods('ms')).toEqual(us);
    expect(await periods('ns')).toEqual(us);
  });

  it("reads a row group of 1,048,576 rows (pyarrow's default), which is no record of a million lines", async () => {
    const big = join(temp, 'one-row-group.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(
      `COPY (SELECT i AS id, i % 11 AS score FROM range(1048576) t(i)) TO '${big}' (FORMAT PARQUET, ROW_GROUP_SIZE 1048576)`,
    );
    sql.closeSync();
    const { meta } = await figures('report', big);
    expect(meta.rows).toMatchObject({ read: 1_048_576, used: 1_048_576 });
  });

  it('reads only the columns a command needs, past the rows it samples', async () => {
    // The comment column of the last row group overwritten with bytes that decode as nothing:
    // report never reads that column there, followup lists comments and meets them.
    const written = join(temp, 'row-groups.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    await sql.run(
      `COPY (SELECT i AS id, i % 11 AS score, 'said ' || i AS comment FROM range(30000) t(i)) TO '${written}' (FORMAT PARQUET, ROW_GROUP_SIZE 10000)`,
    );
    sql.closeSync();
    const { asyncBufferFromFile, parquetMetadataAsync } = await import('hyparquet');
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(written));
    expect(metadata.row_groups.length).toBeGreaterThan(1);
    const chunk = metadata.row_groups.at(-1)!.columns.find((c) => c.meta_data?.path_in_schema[0] === 'comment')!
      .meta_data!;
    const start = Number(chunk.dictionary_page_offset || chunk.data_page_offset);
    const bytes = readFileSync(written);
    bytes.fill(0xff, start, start + Number(chunk.total_compressed_size));
    const damaged = join(temp, 'damaged-comments.parquet');
    writeFileSync(damaged, bytes);
    const report = fakeIo();
    expect(await main(['report', damaged, '--format', 'json'], report)).toBe(0);
    expect(JSON.parse(report.out()).meta.rows).toMatchObject({ read: 30000, used: 30000 });
    const followup = fakeIo();
    expect(await main(['followup', damaged, '--comment', 'comment'], followup)).toBe(3);
    expect(followup.err()).toMatch(/^nps: cannot read .*damaged-comments\.parquet as Parquet/);
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

/*
 * Where each value of a Parquet footer (Thrift compact protocol) lies, by its path of field ids
 * and list indexes: '2.0.5' is the num_children of schema element 0, '4.0.1.0.3.9' the
 * data_page_offset of row group 0's column 0. A list's own path holds its header too.
 */
function footerSpans(file: Buffer): Map<string, [start: number, end: number]> {
  const spans = new Map<string, [number, number]>();
  let at = file.length - 8 - file.readUInt32LE(file.length - 8);
  const varint = () => {
    let n = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const b = file[at++];
      n |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return n;
    }
  };
  const value = (type: number, path: string, inList: boolean) => {
    const from = at;
    if (type === 3 || ((type === 1 || type === 2) && inList)) at++;
    else if (type >= 4 && type <= 6) varint();
    else if (type === 7) at += 8;
    else if (type === 8) {
      const length = Number(varint()); // first: varint() moves `at`
      at += length;
    } else if (type === 9) {
      const head = file[at++];
      const size = head >> 4 === 15 ? Number(varint()) : head >> 4;
      for (let i = 0; i < size; i++) value(head & 0x0f, `${path}.${i}`, true);
    } else if (type === 12) struct(path);
    spans.set(path, [from, at]);
  };
  const struct = (path: string) => {
    for (let id = 0, head = file[at++]; head !== 0; head = file[at++]) {
      const delta = head >> 4;
      if (delta) id += delta;
      else {
        const zigzag = varint();
        id = Number((zigzag >> 1n) ^ -(zigzag & 1n));
      }
      value(head & 0x0f, path ? `${path}.${id}` : String(id), false);
    }
  };
  struct('');
  return spans;
}

/** The file with the integer at `path` of its footer set to `to`, and the footer's length told again. */
function withFooterInteger(file: Buffer, path: string, to: bigint): Buffer {
  const span = footerSpans(file).get(path);
  if (!span) throw new Error(`no ${path} in the footer`);
  const bytes: number[] = [];
  for (let zigzag = to >= 0n ? to << 1n : (-to << 1n) - 1n; ; zigzag >>= 7n) {
    if (zigzag < 0x80n) {
      bytes.push(Number(zigzag));
      break;
    }
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
  }
  const damaged = Buffer.concat([file.subarray(0, span[0]), Buffer.from(bytes), file.subarray(span[1])]);
  damaged.writeUInt32LE(file.readUInt32LE(file.length - 8) + bytes.length - (span[1] - span[0]), damaged.length - 8);
  return damaged;
}

describe('a damaged Parquet file', () => {
  let sound: Buffer;
  beforeAll(async () => {
    const path = join(temp, 'sound.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const sql = await db.connect();
    // Schema: root, id, score, agent, then the group `extra` with its two children a and b.
    await sql.run(`COPY (SELECT * FROM (VALUES (1, 9, 'Anna', {'a': 1, 'b': 2}), (2, 3, 'Erik', {'a': 3, 'b': 4}), (3, 10, 'Sara', {'a': 5, 'b': 6}))
      t(id, score, agent, extra)) TO '${path}' (FORMAT PARQUET)`);
    sql.closeSync();
    sound = readFileSync(path);
  });

  const refusal = async (name: string, damage: (file: Buffer) => Buffer) => {
    const path = join(temp, `${name}.parquet`);
    writeFileSync(path, damage(sound));
    const io = fakeIo();
    const code = await main(['report', path], io);
    return { code, lines: io.err().trimEnd().split('\n') };
  };

  it('reads as it was written before it is damaged', async () => {
    expect(footerSpans(sound).get('2.4.5')).toBeDefined(); // the group's num_children, damaged below
    const { meta } = await figures('report', join(temp, 'sound.parquet'));
    expect(meta.rows).toMatchObject({ read: 3, used: 3 });
  });

  it.each([
    [
      'more-columns',
      'the root claims more columns than the schema lists',
      (f: Buffer) => withFooterInteger(f, '2.0.5', 9n),
    ],
    [
      'fewer-columns',
      'the root claims fewer columns than the schema lists',
      (f: Buffer) => withFooterInteger(f, '2.0.5', 2n),
    ],
    ['no-columns', 'the root claims no columns', (f: Buffer) => withFooterInteger(f, '2.0.5', 0n)],
    [
      'group-past-end',
      "a group's child count runs past the end of the schema list",
      (f: Buffer) => withFooterInteger(f, '2.4.5', 3n),
    ],
    // hyparquet's GeoParquet marking steps back and forth on this one for ever.
    [
      'group-negative',
      'a group claims a negative number of children',
      (f: Buffer) => withFooterInteger(f, '2.4.5', -1n),
    ],
  ])('%s: %s: exit 3, the schema is damaged', async (name, _what, damage) => {
    const { code, lines } = await refusal(name, damage);
    expect(code).toBe(3);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^nps: cannot read .*${name}\\.parquet as Parquet: its schema is damaged`));
    expect(lines[1]).toMatch(/^hint: /);
  });

  it('the schema list claims more elements than the footer holds: exit 3, the footer is damaged', async () => {
    const { code, lines } = await refusal('schema-list-past-end', (f) => {
      const damaged = Buffer.from(f);
      const [listStart] = footerSpans(f).get('2')!;
      damaged[listStart] += 0x20; // the list header's size, in its high nibble: two more elements
      return damaged;
    });
    expect(code).toBe(3);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^nps: cannot read .*schema-list-past-end\.parquet as Parquet: its footer is damaged/);
    expect(lines[1]).toMatch(/^hint: /);
  });

  it('a footer length reaching past the start of the file: exit 3, the footer is damaged', async () => {
    const { code, lines } = await refusal('footer-past-start', (f) => {
      const damaged = Buffer.from(f);
      damaged.writeUInt32LE(f.length, f.length - 8);
      return damaged;
    });
    expect(code).toBe(3);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(
        `^nps: cannot read .*footer-past-start\\.parquet as Parquet: its footer is damaged: it claims ${sound.length} bytes`,
      ),
    );
    expect(lines[1]).toMatch(/^hint: /);
  });

  it('a column chunk past the end of the file: exit 3, naming the column and the row group', async () => {
    const { code, lines } = await refusal('chunk-past-end', (f) => {
      let damaged = withFooterInteger(f, '4.0.1.1.3.9', 5_000_000n); // score's data_page_offset
      if (footerSpans(damaged).has('4.0.1.1.3.11')) damaged = withFooterInteger(damaged, '4.0.1.1.3.11', 5_000_000n);
      return damaged;
    });
    expect(code).toBe(3);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^nps: cannot read .*chunk-past-end\.parquet as Parquet: column "score" of row group 1 lies outside the file \(bytes 5000000 to \d+, of \d+\)$/,
    );
    expect(lines[1]).toMatch(/^hint: /);
  });
});
