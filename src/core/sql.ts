import type { PeriodUnit } from './period.js';

/*
 * The aggregation a warehouse runs so that npskit reads its result with --counts: one row per
 * period, group and score with its count. Identifiers are quoted and values written as escaped
 * literals in each dialect's own rules, so no column name or value can change the query.
 */

export const DIALECTS = ['duckdb', 'postgres', 'bigquery', 'snowflake', 'spark'] as const;
export type Dialect = (typeof DIALECTS)[number];

export interface CountsQuery {
  readonly dialect: Dialect;
  /** The table, optionally qualified: schema.table or project.dataset.table. */
  readonly table: string;
  readonly score: string;
  readonly date?: string;
  readonly by: readonly string[];
  readonly period?: PeriodUnit;
  /** First month of the fiscal year (1-12), for quarters and years. */
  readonly fiscalYearStart: number;
  /** IANA zone the dates are cut in; timestamps are taken as UTC. */
  readonly tz?: string;
  readonly where: readonly { readonly column: string; readonly value: string; readonly equal: boolean }[];
  /** Days, YYYY-MM-DD, inclusive. */
  readonly since?: string;
  readonly until?: string;
}

interface DialectRules {
  ident(name: string): string;
  text(value: string): string;
  /** The score as a number, or NULL when it is none. */
  number(expression: string): string;
  /** The integer type a whole number is cast to. */
  readonly integer: string;
  /** A timestamp column as wall-clock time in `tz` (UTC when none). */
  wall(expression: string, tz: string | undefined): string;
  /** The start (a DATE) of the period holding wall time `ts`, with the fiscal year shifted by `shift` months. */
  periodStart(ts: string, unit: PeriodUnit, shift: number): string;
}

const doubled = (quote: string) => (text: string) => `${quote}${text.replaceAll(quote, quote + quote)}${quote}`;
/**
 * PostgreSQL's dollar quoting, with a tag the text does not hold: nothing inside is an escape,
 * whatever standard_conforming_strings says (with it off, a backslash in '...' escapes the quote).
 */
const dollarQuoted = (text: string) => {
  let tag = 'v';
  while (`${text}$`.includes(`$${tag}$`)) tag += 'v';
  return `$${tag}$${text}$${tag}$`;
};
/** Literals where a backslash escapes: the backslash and the quote are escaped. */
const backslashed = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

const SQL_UNITS: Readonly<Record<PeriodUnit, string>> = { year: 'year', quarter: 'quarter', month: 'month', week: 'week', day: 'day' };
const shifts = (unit: PeriodUnit, shift: number) => (unit === 'year' || unit === 'quarter') && shift > 0;

const RULES: Readonly<Record<Dialect, DialectRules>> = {
  duckdb: {
    ident: doubled('"'),
    text: doubled("'"),
    number: (e) => `TRY_CAST(TRIM(CAST(${e} AS VARCHAR)) AS DOUBLE)`,
    integer: 'INTEGER',
    wall: (e, tz) => (tz ? `timezone(${doubled("'")(tz)}, CAST(${e} AS TIMESTAMPTZ))` : `CAST(${e} AS TIMESTAMP)`),
    periodStart: (ts, unit, shift) =>
      shifts(unit, shift)
        ? `CAST(date_trunc('${SQL_UNITS[unit]}', ${ts} - INTERVAL ${shift} MONTH) + INTERVAL ${shift} MONTH AS DATE)`
        : `CAST(date_trunc('${SQL_UNITS[unit]}', ${ts}) AS DATE)`,
  },
  postgres: {
    ident: doubled('"'),
    text: dollarQuoted,
    // [.] rather than \. : no backslash, so the pattern means the same whatever the string settings.
    number: (e) => `CASE WHEN TRIM(CAST(${e} AS TEXT)) ~ '^[0-9]+([.][0-9]*)?$' THEN CAST(TRIM(CAST(${e} AS TEXT)) AS NUMERIC) END`,
    integer: 'INTEGER',
    wall: (e, tz) => (tz ? `(CAST(${e} AS TIMESTAMPTZ) AT TIME ZONE ${dollarQuoted(tz)})` : `CAST(${e} AS TIMESTAMP)`),
    periodStart: (ts, unit, shift) =>
      shifts(unit, shift)
        ? `CAST(date_trunc('${SQL_UNITS[unit]}', ${ts} - INTERVAL '${shift} months') + INTERVAL '${shift} months' AS DATE)`
        : `CAST(date_trunc('${SQL_UNITS[unit]}', ${ts}) AS DATE)`,
  },
  bigquery: {
    ident: (name) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``,
    text: backslashed,
    number: (e) => `SAFE_CAST(TRIM(CAST(${e} AS STRING)) AS FLOAT64)`,
    integer: 'INT64',
    wall: (e, tz) => `DATETIME(CAST(${e} AS TIMESTAMP)${tz ? `, ${backslashed(tz)}` : ''})`,
    periodStart: (ts, unit, shift) => {
      const part = unit === 'week' ? 'ISOWEEK' : SQL_UNITS[unit].toUpperCase();
      return shifts(unit, shift) ? `DATE_ADD(DATE_TRUNC(DATE_SUB(DATE(${ts}), INTERVAL ${shift} MONTH), ${part}), INTERVAL ${shift} MONTH)` : `DATE_TRUNC(DATE(${ts}), ${part})`;
    },
  },
  snowflake: {
    ident: doubled('"'),
    // Snowflake reads backslash escapes in single-quoted literals.
    text: backslashed,
    number: (e) => `TRY_TO_DOUBLE(TRIM(TO_VARCHAR(${e})))`,
    integer: 'INTEGER',
    wall: (e, tz) => (tz ? `CONVERT_TIMEZONE('UTC', ${backslashed(tz)}, CAST(${e} AS TIMESTAMP_NTZ))` : `CAST(${e} AS TIMESTAMP_NTZ)`),
    periodStart: (ts, unit, shift) =>
      shifts(unit, shift)
        ? `CAST(DATEADD(month, ${shift}, DATE_TRUNC('${SQL_UNITS[unit].toUpperCase()}', DATEADD(month, -${shift}, ${ts}))) AS DATE)`
        : `CAST(DATE_TRUNC('${SQL_UNITS[unit].toUpperCase()}', ${ts}) AS DATE)`,
  },
  spark: {
    ident: doubled('`'),
    text: backslashed,
    number: (e) => `try_cast(trim(CAST(${e} AS STRING)) AS DOUBLE)`,
    integer: 'INT',
    wall: (e, tz) => (tz ? `from_utc_timestamp(CAST(${e} AS TIMESTAMP), ${backslashed(tz)})` : `CAST(${e} AS TIMESTAMP)`),
    periodStart: (ts, unit, shift) =>
      shifts(unit, shift)
        ? `add_months(CAST(date_trunc('${SQL_UNITS[unit].toUpperCase()}', add_months(${ts}, -${shift})) AS DATE), ${shift})`
        : `CAST(date_trunc('${SQL_UNITS[unit].toUpperCase()}', ${ts}) AS DATE)`,
  },
};

/** The query, formatted one clause a line. */
export function countsSql(q: CountsQuery): string {
  const r = RULES[q.dialect];
  const table = q.table
    .split('.')
    .map((part) => r.ident(part))
    .join('.');
  // Whole numbers only: a cast to an integer would round 7.5 to 8.
  const number = r.number(r.ident(q.score));
  // The range first: CAST of 1e20, inf or NaN to an integer fails the whole query; here they give NULL.
  const score = `CASE WHEN ${number} BETWEEN 0 AND 10 AND ${number} = FLOOR(${number}) THEN CAST(${number} AS ${r.integer}) END`;
  const wall = q.date === undefined ? undefined : r.wall(r.ident(q.date), q.tz);
  const shift = (q.fiscalYearStart - 1 + 12) % 12;
  const columns = [
    ...(q.period && wall ? [`${r.periodStart(wall, q.period, shift)} AS ${r.ident('period')}`] : []),
    ...q.by.map((column) => r.ident(column)),
    `${score} AS ${r.ident('score')}`,
  ];
  const conditions = [
    `${score} BETWEEN 0 AND 10`,
    ...q.where.map((w) => `${r.ident(w.column)} ${w.equal ? '=' : '<>'} ${r.text(w.value)}`),
    ...(wall && q.since ? [`CAST(${wall} AS DATE) >= DATE ${r.text(q.since)}`] : []),
    ...(wall && q.until ? [`CAST(${wall} AS DATE) <= DATE ${r.text(q.until)}`] : []),
  ];
  const positions = columns.map((_, i) => i + 1).join(', ');
  return [
    `SELECT ${columns.join(', ')}, COUNT(*) AS ${r.ident('count')}`,
    `FROM ${table}`,
    `WHERE ${conditions.join('\n  AND ')}`,
    `GROUP BY ${positions}`,
    `ORDER BY ${positions};`,
    '',
  ].join('\n');
}
