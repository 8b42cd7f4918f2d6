import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, expect, it } from 'vitest';
import { figures } from '../helpers/figures.js';

/* --join gives what a join done outside gives: the responses with the lookup's columns pasted on. */

const temp = mkdtempSync(join(tmpdir(), 'nps-join-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

it('segments by a joined column equal segments of the responses joined outside', async () => {
  const responses = parse(readFileSync('fixtures/join-responses.csv'), { columns: true }) as Record<string, string>[];
  const lookup = new Map(
    (parse(readFileSync('fixtures/join-segments.csv'), { columns: true }) as Record<string, string>[]).map((row) => [
      row.user_id,
      row,
    ]),
  );
  const joined = responses.map((row) => ({
    ...row,
    segment: lookup.get(row.user_id)?.segment ?? '',
    team: lookup.get(row.user_id)?.team ?? '',
  }));
  const path = join(temp, 'joined.csv');
  writeFileSync(path, stringify(joined, { header: true }));
  for (const by of ['segment', 'team', 'segment,agent']) {
    const outside = await figures('segments', path, '--by', by);
    const inside = await figures(
      'segments',
      'fixtures/join-responses.csv',
      '--join',
      'fixtures/join-segments.csv',
      '--on',
      'user_id',
      '--by',
      by,
    );
    expect(inside.tables).toEqual(outside.tables);
    expect(inside.meta.rows).toEqual(outside.meta.rows);
    expect(inside.meta.joins).toEqual([
      { file: 'fixtures/join-segments.csv', on: 'user_id', matched: 8, unmatched: 2 },
    ]);
  }
});
