#!/usr/bin/env node
// DuckDB doing the work of an nps command on the same file, in one SQL query: what an analyst
// might run instead. The benchmark times it beside the command, in the same run.
//
//   node bench/duckdb.mjs nps FILE        NPS overall, by quarter and by agent (report, trend, agents)
//   node bench/duckdb.mjs summary FILE    the same, and by channel (the weekly summary's tables)
//   node bench/duckdb.mjs parquet CSV OUT.parquet   the rows of CSV written as Parquet
//
// FILE may be .csv, .csv.gz (DuckDB inflates it itself) or .parquet.
import { DuckDBInstance } from '@duckdb/node-api';

const [task, file, out] = process.argv.slice(2);
if (!['nps', 'summary', 'parquet'].includes(task) || !file || (task === 'parquet' && !out)) {
  console.error('usage: node bench/duckdb.mjs nps|summary FILE | parquet CSV OUT.parquet');
  process.exit(2);
}
const quoted = (text) => `'${text.replace(/'/g, "''")}'`;
const from = file.endsWith('.parquet') ? `read_parquet(${quoted(file)})` : `read_csv_auto(${quoted(file)})`;
const instance = await DuckDBInstance.create(':memory:');
const con = await instance.connect();
await con.run("SET TimeZone = 'UTC'"); // submitted_at ends in Z: quarters in UTC, as nps cuts them

if (task === 'parquet') {
  await con.run(`COPY (SELECT * FROM ${from}) TO ${quoted(out)} (FORMAT PARQUET)`);
  process.exit(0);
}
// The shared baseline's grouping sets (overall, quarter, agent); the summary adds the channel.
const groups = task === 'summary' ? ['q', 'agent', 'channel'] : ['q', 'agent'];
const sql = `
WITH r AS (
  SELECT agent, channel, year(submitted_at)::VARCHAR || '-Q' || quarter(submitted_at)::VARCHAR AS q, score
  FROM ${from}
)
SELECT CASE ${groups.map((g) => `WHEN grouping(${g}) = 0 THEN '${g}'`).join(' ')} ELSE 'overall' END AS kind,
       coalesce(${groups.join(', ')}, 'all') AS key,
       count(*) AS n,
       count(*) FILTER (WHERE score >= 9) AS promoters,
       count(*) FILTER (WHERE score BETWEEN 7 AND 8) AS passives,
       count(*) FILTER (WHERE score <= 6) AS detractors,
       round(100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*), 2) AS nps
FROM r
GROUP BY GROUPING SETS ((), ${groups.map((g) => `(${g})`).join(', ')})
ORDER BY kind DESC, key`;
const rows = (await con.runAndReadAll(sql)).getRowsJS();
process.stdout.write(`${rows.map((r) => r.map(String).join('\t')).join('\n')}\n`);
