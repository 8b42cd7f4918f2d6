#!/usr/bin/env node
// Benchmark of the built CLI: wall time and peak memory of whole `node bin/nps.js ...` processes
// on generated survey exports. Run with `npm run bench` (builds first) or directly:
//
//   node bench/run.mjs [--rows 1000000,10000000] [--runs 3] [--seed N]
//
// Environment: BENCH_ROWS   sizes when --rows is not given
//              NPS_BENCH_DIR  where generated data is cached (default: <tmpdir>/npskit-bench)
//              NPS_BENCH_CLI  CLI script to time (default: bin/nps.js of this repo)

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const GEN = path.join(ROOT, 'bench', 'gen.mjs');
const CLI = path.resolve(ROOT, process.env.NPS_BENCH_CLI || 'bin/nps.js');
// Data can reach a gigabyte, so it lives outside the repo and is reused between runs.
const DATA_DIR = process.env.NPS_BENCH_DIR || path.join(os.tmpdir(), 'npskit-bench');
// GNU time reports the peak RSS of the child; Node's spawnSync has no way to get it.
const TIME_BIN = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function fail(msg) {
  console.error(`bench: ${msg}`);
  process.exit(1);
}

// ---- options --------------------------------------------------------------------------
function option(name) {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
}
function positiveInt(text, what) {
  const n = Number(String(text).trim().replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0) fail(`${what} must be a positive integer, got "${text}"`);
  return n;
}
const sizes = (option('rows') ?? process.env.BENCH_ROWS ?? '1000000,10000000')
  .split(',')
  .filter((s) => s.trim() !== '')
  .map((s) => positiveInt(s, '--rows'));
const runs = positiveInt(option('runs') ?? 3, '--runs');
const seed = positiveInt(option('seed') ?? 20240601, '--seed');

if (!fs.existsSync(CLI)) fail(`${CLI} not found; build first (npm run build) or set NPS_BENCH_CLI`);

// ---- data --------------------------------------------------------------------------------
// Generation is deterministic, so a cached file with the same rows and seed is the same file.
// It is written under a temporary name and renamed, so an interrupted run leaves no half file.
function dataFile(rows) {
  const file = path.join(DATA_DIR, `gen_${rows}_seed${seed}.csv`);
  if (fs.existsSync(file)) return file;
  const partial = `${file}.${process.pid}.tmp`;
  process.stderr.write(`generating ${rows} rows into ${file} ...\n`);
  const r = spawnSync(process.execPath, [GEN, String(rows), partial, '--seed', String(seed)], { stdio: 'inherit' });
  if (r.status !== 0) {
    fs.rmSync(partial, { force: true });
    fail(`data generation failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
  fs.renameSync(partial, file);
  return file;
}

// ---- measuring -------------------------------------------------------------------------------
fs.mkdirSync(DATA_DIR, { recursive: true });
const rssFile = path.join(DATA_DIR, `rss.${process.pid}.txt`);
process.on('exit', () => fs.rmSync(rssFile, { force: true })); // also after process.exit()

// One run of `node CLI ...args`: wall seconds and peak RSS in KiB (null when unknown).
// Wall time is taken here with hrtime because GNU time's %e only has 10 ms resolution,
// too coarse for start-up; the few hundred microseconds time itself adds are negligible.
function runOnce(args, script = CLI) {
  const nodeArgs = script === null ? args : [script, ...args];
  const [cmd, cmdArgs] = TIME_BIN
    ? [TIME_BIN, ['-f', '%M', '-o', rssFile, process.execPath, ...nodeArgs]]
    : [process.execPath, nodeArgs];
  const t0 = process.hrtime.bigint();
  // stdout goes to /dev/null: the benchmark is about the CLI, not about draining a pipe
  const r = spawnSync(cmd, cmdArgs, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error || r.status !== 0) {
    console.error(`bench: command failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`}):`);
    console.error(`  ${[process.execPath, ...(script === null ? [] : [script]), ...args].join(' ')}`);
    console.error(String(r.stderr ?? '').trimEnd());
    process.exit(1);
  }
  let rssKiB = null;
  if (TIME_BIN) {
    // the last line is the %M figure; earlier lines could be warnings from time itself
    const last = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop();
    rssKiB = /^\d+$/.test(last) ? Number(last) : null;
  }
  return { seconds, rssKiB };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

// 1 warm-up (page cache, V8 code cache) then `runs` counted runs: median time, highest RSS.
function measure(args, script = CLI) {
  runOnce(args, script);
  const results = Array.from({ length: runs }, () => runOnce(args, script));
  const rss = results.map((r) => r.rssKiB);
  return {
    seconds: median(results.map((r) => r.seconds)),
    rssMiB: rss.includes(null) ? null : Math.max(...rss) / 1024,
  };
}

// ---- report --------------------------------------------------------------------------------------
const COLUMNS = [
  ['command', 30, 'left'],
  ['rows', 10],
  ['MB', 8],
  ['median s', 9],
  ['rows/s', 11],
  ['MB/s', 8],
  ['peak RSS MiB', 13],
  ['vs DuckDB', 10],
];
const line = (cells) =>
  cells
    .map((c, i) => (COLUMNS[i][2] === 'left' ? c.padEnd(COLUMNS[i][1]) : c.padStart(COLUMNS[i][1])))
    .join('  ')
    .trimEnd();
const fmt = (x, digits) => (x == null ? '-' : x.toFixed(digits));
const fmtInt = (x) => (x == null ? '-' : Math.round(x).toLocaleString('en-US'));

function printRow(label, rows, bytes, { seconds, rssMiB }, against) {
  const mb = bytes == null ? null : bytes / 1e6;
  console.log(
    line([
      label,
      fmtInt(rows),
      fmt(mb, 1),
      fmt(seconds, 3),
      rows == null ? '-' : fmtInt(rows / seconds),
      mb == null ? '-' : fmt(mb / seconds, 1),
      rssMiB == null ? 'n/a' : fmt(rssMiB, 0),
      against ? `${(against.seconds / seconds).toFixed(2)}x` : '',
    ]),
  );
}

const cpus = os.cpus();
console.log(
  `machine: ${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown cpu'}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.arch()}, node ${process.version}`,
);
const cliShown = CLI.startsWith(ROOT + path.sep) ? path.relative(ROOT, CLI) : CLI;
console.log(
  `cli: ${cliShown}; data: ${DATA_DIR}; ${runs} run${runs === 1 ? '' : 's'} after 1 warm-up, ` +
    `whole process, file in page cache${TIME_BIN ? '' : '; no /usr/bin/time, so no RSS'}`,
);
console.log();
console.log(line(COLUMNS.map((c) => c[0])));
console.log(line(COLUMNS.map((c) => '-'.repeat(c[1]))));

// DuckDB doing the same work in one SQL query (bench/duckdb.mjs), with the repository's own
// @duckdb/node-api (a development dependency, so `npm ci` installs it).
const DUCKDB = path.join(ROOT, 'bench', 'duckdb.mjs');
const duckdbThere = fs.existsSync(path.join(ROOT, 'node_modules', '@duckdb', 'node-api'));
const duckdb = (task, file) => (duckdbThere ? measure([task, file], DUCKDB) : null);

// Each command against DuckDB's query of the same tables: report, trend and agents against NPS
// overall, by quarter and by agent; summary against that and by channel.
const COMMANDS = [
  ['report', ['report'], 'nps'],
  ['trend --period quarter', ['trend', '--period', 'quarter'], 'nps'],
  ['agents', ['agents'], 'nps'],
  ['summary', ['summary'], 'summary'],
];

// The same rows gzipped (level 6, as gzip and most exporters write) and as Parquet written by DuckDB.
function gzipFile(csv) {
  const file = `${csv}.gz`;
  if (!fs.existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, zlib.gzipSync(fs.readFileSync(csv), { level: 6 }));
    fs.renameSync(partial, file);
  }
  return file;
}
function parquetFile(csv) {
  const file = csv.replace(/\.csv$/, '.parquet');
  if (!fs.existsSync(file)) {
    const partial = `${file}.${process.pid}.tmp.parquet`;
    const r = spawnSync(process.execPath, [DUCKDB, 'parquet', csv, partial], { stdio: 'inherit' });
    if (r.status !== 0) fail('writing Parquet with DuckDB failed');
    fs.renameSync(partial, file);
  }
  return file;
}

const results = [];
function row(label, rows, file, timed, against) {
  const bytes = file == null ? null : fs.statSync(file).size;
  printRow(label, rows, bytes, timed, against);
  results.push({ label, rows, seconds: timed.seconds, against });
}

// Start-up: the 600-row fixture, against a Node process that does nothing.
const nodeAlone = measure(['-e', '0'], null);
const small = measure(['report', path.join(ROOT, 'fixtures', 'contact-centre.csv')]);
printRow('node -e 0', null, null, nodeAlone);
printRow('--version', null, null, measure(['--version']));
printRow('report (600-row fixture)', 600, null, small);

for (const [index, rows] of sizes.entries()) {
  const file = dataFile(rows);
  const base = { nps: duckdb('nps', file), summary: duckdb('summary', file) };
  if (base.nps) row('(duckdb: nps query)', rows, file, base.nps);
  if (base.summary) row('(duckdb: summary query)', rows, file, base.summary);
  let csvReport = null;
  for (const [label, args, query] of COMMANDS) {
    const timed = measure([...args, file, '--format', 'json']);
    if (label === 'report') csvReport = timed;
    row(label, rows, file, timed, base[query]);
  }
  if (index > 0) continue; // other formats at the first size only
  const gz = gzipFile(file);
  const gzBase = duckdb('nps', gz);
  if (gzBase) row('(duckdb: nps query, .gz)', rows, gz, gzBase);
  row('report .csv.gz', rows, gz, measure(['report', gz, '--format', 'json']), gzBase);
  if (!duckdbThere) continue;
  const pq = parquetFile(file);
  const pqBase = duckdb('nps', pq);
  row('(duckdb: nps query, .parquet)', rows, pq, pqBase);
  const pqReport = measure(['report', pq, '--format', 'json']);
  row('report .parquet', rows, pq, pqReport, pqBase);
  results.push({ label: 'report .parquet vs .csv', rows, ratio: csvReport.seconds / pqReport.seconds });
}

console.log();
console.log(
  `start-up: report on the 600-row fixture takes ${((small.seconds - nodeAlone.seconds) * 1000).toFixed(0)} ms ` +
    'more than node -e 0',
);
for (const r of results) {
  if (r.ratio !== undefined)
    console.log(`${r.label} at ${fmtInt(r.rows)} rows: ${r.ratio.toFixed(2)}x the CSV's speed`);
  else if (r.against)
    console.log(`${r.label} at ${fmtInt(r.rows)} rows: ${(r.against.seconds / r.seconds).toFixed(2)}x DuckDB's speed`);
}
if (!duckdbThere) console.log('No @duckdb/node-api in node_modules (npm ci installs it): no ratios, no Parquet.');
