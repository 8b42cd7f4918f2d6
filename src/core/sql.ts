import type { PeriodUnit } from './period.js';
import { sqlDateFormat } from './sql-date-format.js';

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
  /**
   * The date column is text in this date-fns pattern (as --date-format reads it), taken as wall
   * time: `tz` does not move it.
   */
  readonly dateFormat?: string;
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
  /** A cell as text, without the spaces around it. */
  trimmed(expression: string): string;
  /** The score as a number, or NULL when it is none. */
  number(expression: string): string;
  /** The integer type a whole number is cast to. */
  readonly integer: string;
  /** A timestamp column as wall-clock time in `tz` (UTC when none). */
  wall(expression: string, tz: string | undefined): string;
  /** The start (a DATE) of the period holding wall time `ts`, with the fiscal year shifted by `shift` months. */
  periodStart(ts: string, unit: PeriodUnit, shift: number): string;
  /** Whether `text` matches the anchored regular expression `regex`, ignoring case when `caseless`. */
  matches(text: string, regex: string, caseless: boolean): string;
  /** The wall time in `text` (text of the format's shape), or NULL when that day does not exist. */
  parsed(text: string, format: string): string;
  /** Whether `parsed` fails the query on a day its month does not have, rather than giving NULL. */
  readonly failsOnDays: boolean;
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
/**
 * A PostgreSQL literal in plain quotes when it holds no quote or backslash (which then read the
 * same under any setting), else dollar-quoted.
 */
const plainOrDollarQuoted = (text: string) => (/['\\]/.test(text) ? dollarQuoted(text) : `'${text}'`);
/** Literals where a backslash escapes: the backslash and the quote are escaped. */
const backslashed = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

const SQL_UNITS: Readonly<Record<PeriodUnit, string>> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  week: 'week',
  day: 'day',
};
const shifts = (unit: PeriodUnit, shift: number) => (unit === 'year' || unit === 'quarter') && shift > 0;

const RULES: Readonly<Record<Dialect, DialectRules>> = {
  duckdb: {
    ident: doubled('"'),
    text: doubled("'"),
    trimmed: (e) => `TRIM(CAST(${e} AS VARCHAR))`,
    number: (e) => `TRY_CAST(TRIM(CAST(${e} AS VARCHAR)) AS DOUBLE)`,
    integer: 'INTEGER',
    wall: (e, tz) => (tz ? `timezone(${doubled("'")(tz)}, CAST(${e} AS TIMESTAMPTZ))` : `CAST(${e} AS TIMESTAMP)`),
    periodStart: (ts, unit, shift) =>
      shifts(unit, shift)
        ? `CAST(date_trunc('${SQL_UNITS[unit]}', ${ts} - INTERVAL ${shift} MONTH) + INTERVAL ${shift} MONTH AS DATE)`
        : `CAST(date_trunc('${SQL_UNITS[unit]}', ${ts}) AS DATE)`,
    matches: (t, regex, caseless) => `regexp_full_match(${t}, ${doubled("'")(regex)}${caseless ? ", 'i'" : ''})`,
    parsed: (t, format) => `try_strptime(${t}, ${doubled("'")(format)})`,
    failsOnDays: false,
  },
  postgres: {
    ident: doubled('"'),
    text: dollarQuoted,
    trimmed: (e) => `TRIM(CAST(${e} AS TEXT))`,
    // [.] rather than \. : no backslash, so the pattern means the same whatever the string settings.
    number: (e) =>
      `CASE WHEN TRIM(CAST(${e} AS TEXT)) ~ '^[0-9]+([.][0-9]*)?$' THEN CAST(TRIM(CAST(${e} AS TEXT)) AS NUMERIC) END`,
    integer: 'INTEGER',
    wall: (e, tz) => (tz ? `(CAST(${e} AS TIMESTAMPTZ) AT TIME ZONE ${dollarQuoted(tz)})` : `CAST(${e} AS TIMESTAMP)`),
    periodStart: (ts, unit, shift) =>
      shifts(unit, shift)
        ? `CAST(date_trunc('${SQL_UNITS[unit]}', ${ts} - INTERVAL '${shift} months') + INTERVAL ` +
          `'${shift} months' AS DATE)`
        : `CAST(date_trunc('${SQL_UNITS[unit]}', ${ts}) AS DATE)`,
    matches: (t, regex, caseless) => `${t} ${caseless ? '~*' : '~'} ${plainOrDollarQuoted(regex)}`,
    // to_timestamp reads the fields in the session's zone; the cast gives them back as they were written.
    parsed: (t, format) => `CAST(to_timestamp(${t}, ${plainOrDollarQuoted(format)}) AS TIMESTAMP)`,
    failsOnDays: true,
  },
  bigquery: {
    ident: (name) => `\`${name.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\``,
    text: backslashed,
    trimmed: (e) => `TRIM(CAST(${e} AS STRING))`,
    number: (e) => `SAFE_CAST(TRIM(CAST(${e} AS STRING)) AS FLOAT64)`,
    integer: 'INT64',
    wall: (e, tz) => `DATETIME(CAST(${e} AS TIMESTAMP)${tz ? `, ${backslashed(tz)}` : ''})`,
    periodStart: (ts, unit, shift) => {
      const part = unit === 'week' ? 'ISOWEEK' : SQL_UNITS[unit].toUpperCase();
      return shifts(unit, shift)
        ? `DATE_ADD(DATE_TRUNC(DATE_SUB(DATE(${ts}), INTERVAL ${shift} MONTH), ${part}), INTERVAL ${shift} MONTH)`
        : `DATE_TRUNC(DATE(${ts}), ${part})`;
    },
    matches: (t, regex, caseless) => `REGEXP_CONTAINS(${t}, ${backslashed(`${caseless ? '(?i)' : ''}${regex}`)})`,
    // A DATETIME: the wall time as written, in no zone.
    parsed: (t, format) => `SAFE.PARSE_DATETIME(${backslashed(format)}, ${t})`,
    failsOnDays: false,
  },
  snowflake: {
    ident: doubled('"'),
    // Snowflake reads backslash escapes in single-quoted literals.
    text: backslashed,
    trimmed: (e) => `TRIM(TO_VARCHAR(${e}))`,
    number: (e) => `TRY_TO_DOUBLE(TRIM(TO_VARCHAR(${e})))`,
    integer: 'INTEGER',
    wall: (e, tz) =>
      tz ? `CONVERT_TIMEZONE('UTC', ${backslashed(tz)}, CAST(${e} AS TIMESTAMP_NTZ))` : `CAST(${e} AS TIMESTAMP_NTZ)`,
    periodStart: (ts, unit, shift) =>
      shifts(unit, shift)
        ? `CAST(DATEADD(month, ${shift}, DATE_TRUNC('${SQL_UNITS[unit].toUpperCase()}', DATEADD(month, ` +
          `-${shift}, ${ts}))) AS DATE)`
        : `CAST(DATE_TRUNC('${SQL_UNITS[unit].toUpperCase()}', ${ts}) AS DATE)`,
    matches: (t, regex, caseless) => `REGEXP_LIKE(${t}, ${backslashed(regex)}${caseless ? ", 'i'" : ''})`,
    parsed: (t, format) => `TRY_TO_TIMESTAMP_NTZ(${t}, ${backslashed(format)})`,
    failsOnDays: false,
  },
  spark: {
    ident: doubled('`'),
    text: backslashed,
    trimmed: (e) => `trim(CAST(${e} AS STRING))`,
    number: (e) => `try_cast(trim(CAST(${e} AS STRING)) AS DOUBLE)`,
    integer: 'INT',
    wall: (e, tz) =>
      tz ? `from_utc_timestamp(CAST(${e} AS TIMESTAMP), ${backslashed(tz)})` : `CAST(${e} AS TIMESTAMP)`,
    periodStart: (ts, unit, shift) =>
      shifts(unit, shift)
        ? `add_months(CAST(date_trunc('${SQL_UNITS[unit].toUpperCase()}', add_months(${ts}, ` +
          `-${shift})) AS DATE), ${shift})`
        : `CAST(date_trunc('${SQL_UNITS[unit].toUpperCase()}', ${ts}) AS DATE)`,
    matches: (t, regex, caseless) => `${t} RLIKE ${backslashed(`${caseless ? '(?i)' : ''}${regex}`)}`,
    parsed: (t, format) => `try_to_timestamp(${t}, ${backslashed(format)})`,
    failsOnDays: false,
  },
};

/** `name`, or name_2, name_3 ... when `taken` holds it (compared ignoring case, as most warehouses compare names). */
function fresh(name: string, taken: readonly string[]): string {
  const lower = new Set(taken.map((t) => t.toLowerCase()));
  let candidate = name;
  for (let i = 2; lower.has(candidate.toLowerCase()); i++) candidate = `${name}_${i}`;
  return candidate;
}

/** The response's wall time from column `date`, or NULL when it has none. */
function answeredAt(q: CountsQuery, date: string, r: DialectRules): string {
  if (q.dateFormat === undefined) return r.wall(r.ident(date), q.tz);
  const { format, regex, caseless } = sqlDateFormat(q.dateFormat, q.dialect, r.failsOnDays);
  const text = r.trimmed(r.ident(date));
  return `CASE WHEN ${r.matches(text, regex, caseless)} THEN ${r.parsed(text, format)} END`;
}

/**
 * The query, formatted one clause a line: a first CTE reads each row's score cell as a number and
 * its date once, a second keeps whole scores 0-10, and the counts are taken from it.
 */
export function countsSql(q: CountsQuery): string {
  const r = RULES[q.dialect];
  const tableParts = q.table.split('.');
  const table = tableParts.map((part) => r.ident(part)).join('.');
  // The CTEs' own names, clear of the columns they pass on and of the table they read. Their names
  // are plain identifiers, the same in every dialect, unquoted.
  const cells = fresh('cells', tableParts.slice(-1));
  const answers = fresh('answers', [...tableParts.slice(-1), cells]);
  const valueName = fresh('score_value', q.by);
  const scoreName = fresh('score', q.by);
  const dateName = fresh('answered_at', q.by);
  const value = r.ident(valueName);
  // Whole numbers only: a cast to an integer would round 7.5 to 8. The range first: CAST of 1e20,
  // inf or NaN to an integer fails the whole query; here they give NULL.
  const score =
    `CASE WHEN ${value} BETWEEN 0 AND 10 AND ${value} = FLOOR(${value}) THEN CAST(${value} ` + `AS ${r.integer}) END`;
  // The date is read only where it is used, as the command line reads it only then.
  const date = q.period !== undefined || q.since !== undefined || q.until !== undefined ? q.date : undefined;
  const wall = r.ident(dateName);
  const shift = (q.fiscalYearStart - 1 + 12) % 12;
  const by = q.by.map((column) => r.ident(column));
  const carried = [...(date !== undefined ? [wall] : []), ...by];
  const read = [
    `${r.number(r.ident(q.score))} AS ${value}`,
    ...(date !== undefined ? [`${answeredAt(q, date, r)} AS ${wall}`] : []),
    ...by,
  ];
  const filters = q.where.map((w) => `${r.ident(w.column)} ${w.equal ? '=' : '<>'} ${r.text(w.value)}`);
  const columns = [
    ...(date !== undefined && q.period ? [`${r.periodStart(wall, q.period, shift)} AS ${r.ident('period')}`] : []),
    ...by,
    scoreName === 'score' ? r.ident('score') : `${r.ident(scoreName)} AS ${r.ident('score')}`,
  ];
  const conditions = [
    `${r.ident(scoreName)} IS NOT NULL`,
    ...(date !== undefined && q.since ? [`CAST(${wall} AS DATE) >= DATE ${r.text(q.since)}`] : []),
    ...(date !== undefined && q.until ? [`CAST(${wall} AS DATE) <= DATE ${r.text(q.until)}`] : []),
  ];
  const positions = columns.map((_, i) => i + 1).join(', ');
  return [
    `WITH ${cells} AS (`,
    `  SELECT ${read.join(',\n         ')}`,
    `  FROM ${table}`,
    ...(filters.length > 0 ? [`  WHERE ${filters.join('\n    AND ')}`] : []),
    `), ${answers} AS (`,
    `  SELECT ${[`${score} AS ${r.ident(scoreName)}`, ...carried].join(', ')}`,
    `  FROM ${cells}`,
    ')',
    `SELECT ${columns.join(', ')}, COUNT(*) AS ${r.ident('count')}`,
    `FROM ${answers}`,
    `WHERE ${conditions.join('\n  AND ')}`,
    `GROUP BY ${positions}`,
    `ORDER BY ${positions};`,
    '',
  ].join('\n');
}
