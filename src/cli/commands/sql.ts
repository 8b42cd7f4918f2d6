import { Option } from 'commander';
import { PERIOD_UNITS, type PeriodUnit } from '../../core/period.js';
import { countsSql, DIALECTS, type Dialect } from '../../core/sql.js';
import { UntranslatableDateFormat } from '../../core/sql-date-format.js';
import { UTC } from '../../core/zone.js';
import { usageError } from '../../errors.js';
import { patternReader } from '../../io/scan/date-pattern.js';
import type { WhereClause } from '../../io/scan/plan.js';
import type { CommandDefinition } from '../command.js';
import { collectWhere, day, parseMonth, timeZone } from '../options.js';

interface SqlFlags {
  dialect: Dialect;
  table: string;
  score: string;
  date?: string;
  dateFormat?: string;
  by?: string;
  period?: PeriodUnit;
  fiscalYearStart: number;
  tz?: string;
  where?: WhereClause[];
  since?: string;
  until?: string;
}

export const sql: CommandDefinition<SqlFlags> = {
  name: 'sql',
  summary:
    'The warehouse query that tallies responses into the counts table --counts reads (DuckDB, ' +
    'Postgres, BigQuery, Snowflake, Spark)',
  examples: [
    [
      'nps sql --table responses --date submitted_at --by agent,channel --period quarter',
      'counts per quarter, agent and channel, for DuckDB',
    ],
    [
      'nps sql --dialect bigquery --table proj.cx.responses --date created --period week --tz Europe/Stockholm',
      'weekly counts on BigQuery, weeks cut in Stockholm time',
    ],
    [
      'nps sql --dialect postgres --table responses --where channel=chat --since 2024-01-01 > counts.sql',
      'a query to run, then: nps trend --counts result.csv',
    ],
    [
      'nps sql --table survey --date submitted --date-format "M/d/yy H:mm" --period month',
      'monthly counts from text dates such as 8/31/18 18:37',
    ],
  ],
  shared: { output: { decimals: false, verbatim: true } },
  configure: (cmd) =>
    cmd
      .addOption(new Option('--dialect <dialect>', 'the SQL dialect').choices(DIALECTS).default('duckdb'))
      .requiredOption('--table <name>', 'the responses table (schema.table allowed)')
      .option('--score <column>', 'the 0-10 answer column', 'score')
      .option('--date <column>', 'the response timestamp column (needed by --period, --since, --until)')
      .option(
        '--date-format <pattern>',
        'read the --date column as text in this date-fns pattern, e.g. M/d/yy H:mm, as nps ' +
          'report --date-format reads it (text that does not fit has no date)',
      )
      .option('--by <columns>', 'group columns, comma-separated (agent,team,channel ...)')
      .addOption(
        new Option('--period <unit>', 'one row per period: its start date, as a period column').choices(PERIOD_UNITS),
      )
      .option('--fiscal-year-start <month>', 'first month of the fiscal year, for quarters and years', parseMonth, 1)
      .option('--tz <zone>', 'IANA time zone periods and days are cut in (timestamps read as UTC)')
      .option(
        '--where <column=value>',
        'keep rows whose column equals (=) or differs from (!=) a value; repeatable',
        collectWhere,
      )
      .option('--since <YYYY-MM-DD>', 'keep responses on or after this day')
      .option('--until <YYYY-MM-DD>', 'keep responses on or before this day'),
  async run({ flags }) {
    // The days and zone are checked as every command checks them; the SQL takes them as written.
    for (const [value, flag] of [
      [flags.since, '--since'],
      [flags.until, '--until'],
    ] as const)
      if (value !== undefined) day(value, flag);
    const { since, until } = flags;
    if ((flags.period || since || until) && flags.date === undefined)
      throw usageError('--period, --since and --until need the timestamp column', 'name it with --date <column>');
    if (flags.tz !== undefined) timeZone(flags.tz);
    if (flags.dateFormat !== undefined) {
      if (flags.date === undefined)
        throw usageError('--date-format needs the column it reads', 'name it with --date <column>');
      // The pattern is checked as every command checks it, so one pattern serves nps report and nps sql.
      try {
        patternReader(flags.dateFormat, UTC);
      } catch (err) {
        throw usageError(
          `--date-format ${JSON.stringify(flags.dateFormat)}: ${(err as Error).message}`,
          'use date-fns tokens, e.g. dd/MM/yyyy HH:mm or M/d/yy h:mm a',
        );
      }
    }
    const by = (flags.by ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean);
    let text: string;
    try {
      text = countsSql({
        dialect: flags.dialect,
        table: flags.table,
        score: flags.score,
        date: flags.date,
        dateFormat: flags.dateFormat,
        by,
        period: flags.period,
        fiscalYearStart: flags.fiscalYearStart,
        tz: flags.tz,
        where: flags.where ?? [],
        since,
        until,
      });
    } catch (err) {
      if (err instanceof UntranslatableDateFormat)
        throw usageError(`--date-format ${JSON.stringify(flags.dateFormat)}: ${err.message}`, err.hint);
      throw err;
    }
    return {
      report: {
        title: `Counts query for ${flags.dialect}`,
        tables: [
          {
            name: 'query',
            layout: 'record',
            verbatim: 'sql',
            columns: [
              { key: 'dialect', label: 'Dialect', kind: 'text' },
              { key: 'sql', label: 'SQL', kind: 'text' },
            ],
            rows: [{ dialect: flags.dialect, sql: text }],
          },
        ],
        notes: [
          'Run it in the warehouse, save the result as CSV, then read it with --counts: nps trend --counts result.csv',
        ],
      },
    };
  },
};
