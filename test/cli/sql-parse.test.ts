import { Parser } from 'node-sql-parser';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';

/*
 * The dialects no engine runs here are parsed by a maintained SQL parser (node-sql-parser) in
 * their own grammar: BigQuery and Snowflake. DuckDB and PostgreSQL run the queries themselves;
 * Spark's SQL is pinned by its golden text only (the parser's Hive grammar is not Spark's).
 */

async function query(...args: string[]): Promise<string> {
  const io = fakeIo();
  expect(await main(['sql', ...args], io), io.err()).toBe(0);
  return io.out();
}

const FLAGS: readonly (readonly string[])[] = [
  [],
  ['--by', 'agent,team,channel'],
  ['--date', 'created_at', '--period', 'week', '--tz', 'Europe/Stockholm'],
  ['--date', 'created_at', '--period', 'quarter', '--fiscal-year-start', '7', '--by', 'team name'],
  [
    '--date',
    'created_at',
    '--period',
    'year',
    '--where',
    "channel=it's chat",
    '--where',
    'agent!=test\\bot',
    '--since',
    '2024-01-01',
    '--until',
    '2024-12-31',
  ],
  ['--date', 'created_at', '--date-format', 'M/d/yy H:mm', '--period', 'month'],
  [
    '--date',
    'created_at',
    '--date-format',
    "d MMM yyyy 'at' h:mm:ss.SSS a",
    '--by',
    'channel',
    '--since',
    '2024-01-01',
  ],
];

describe.each([
  ['bigquery', 'BigQuery'],
  ['snowflake', 'Snowflake'],
])('%s SQL parses in its grammar', (dialect, grammar) => {
  it.each(FLAGS.map((flags) => [flags.join(' ') || '(no flags)', flags] as const))('%s', async (_name, flags) => {
    const sql = await query('--dialect', dialect, '--table', 'cx.responses', '--score', 'ltr', ...flags);
    const ast = new Parser().astify(sql, { database: grammar });
    const select = Array.isArray(ast) ? ast[0] : ast;
    expect(select.type).toBe('select');
  });
});
