import type { DriverAnalysis, DriverLevel, DriverTest } from '../../core/drivers.js';
import { type Statistics, summarize } from '../../core/summary.js';
import { dataError, usageError } from '../../errors.js';
import type { GroupColumn } from '../../io/scan/plan.js';
import { confidenceLabel, formatDecimal, groupLabel, plural } from '../../report/format.js';
import type { Column, Row } from '../../report/model.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { lowN, npsCells, npsColumns, npsHeadline } from '../figures.js';
import { parseCount } from '../options.js';

interface DriverFlags {
  numeric?: string;
  categorical?: string;
  minN: number;
}

export const drivers: CommandDefinition<DriverFlags> = {
  name: 'drivers',
  summary:
    'Which operational factors move NPS: bands of numeric drivers and levels of categorical ones, with their tests',
  examples: [
    [
      'nps drivers survey.csv --numeric aht,wait_seconds',
      'NPS by quartile of handling and wait time, with rank correlations',
    ],
    [
      'nps drivers survey.csv --categorical channel,fcr',
      'NPS per channel and first-contact resolution, with chi-square tests',
    ],
    [
      'nps drivers survey.csv --numeric wait_seconds --categorical channel --format csv',
      'both, one row per band or level',
    ],
  ],
  shared: {
    input: { questions: 1 },
    filters: true,
    statistics: true,
    output: { decimals: true },
    accounting: true,
    grouping: true,
  },
  configure: (cmd) =>
    cmd
      .option('--numeric <columns>', 'numeric drivers, comma-separated (decimal commas read as numbers)')
      .option('--categorical <columns>', 'categorical drivers, comma-separated')
      .option(
        '--min-n <n>',
        'pool levels with fewer answers into one; no band or level under it is compared',
        parseCount,
        30,
      ),
  async run({ flags, statistics, scan, warn }) {
    // Loaded here: its statistics library would otherwise slow every command's start.
    const drivers = await import('../../core/drivers.js');
    const numeric = split(flags.numeric);
    const categorical = split(flags.categorical);
    if (numeric.length + categorical.length === 0)
      throw usageError('name at least one driver', 'e.g. --numeric wait_seconds --categorical channel');
    // Each driver column in a role named after it; the fold reads them through these lists, in order.
    const numericColumns = numeric.map(
      (spec): GroupColumn => ({ role: `numeric:${spec}`, flag: '--numeric', spec, value: true }),
    );
    const categoricalColumns = categorical.map(
      (spec): GroupColumn => ({ role: `categorical:${spec}`, flag: '--categorical', spec }),
    );
    const groups = [...numericColumns, ...categoricalColumns];
    const numericRoles = numericColumns.map((c) => c.role);
    const categoricalRoles = categoricalColumns.map((c) => c.role);
    const fold = drivers.driverFold(numericRoles, categoricalRoles);
    const result = await scan({ groups }, fold);
    const names = result.inputs[0].columns;
    numericColumns.forEach((column, i) => {
      const name = names[column.role].name;
      const unreadable = result.state.unreadable[i];
      if (result.state.numeric[i].n === 0) {
        throw dataError(
          `the numeric driver ${name} holds no numbers${unreadable ? ` (${unreadable} cells are not numbers)` : ''}`,
          'give --numeric a column of numbers (decimal comma or point), or use --categorical',
        );
      }
      if (unreadable > 0)
        warn(
          `warning: ${unreadable} ${name} ${unreadable === 1 ? 'cell is' : 'cells are'} not a number and ` +
            `${unreadable === 1 ? 'was' : 'were'} left out of that driver`,
        );
    });
    const analyses = [
      ...numericColumns.map((column, i) => ({
        name: names[column.role].name,
        ...drivers.analyseNumeric(result.state.numeric[i], flags.minN, statistics),
      })),
      ...categoricalColumns.map((column, i) => ({
        name: names[column.role].name,
        ...drivers.analyseCategorical(result.state.categorical[i], flags.minN, statistics),
      })),
    ];
    const alpha = 1 - statistics.confidence;
    const ranked = drivers.rankDrivers(analyses);
    const level = confidenceLabel(statistics.confidence);
    const sparse = ranked
      .filter(({ driver }) => driver.test.sparse > 0.2)
      .map(({ driver }) => `${driver.name} (${formatDecimal(100 * driver.test.sparse, 0)}% of cells)`);
    const pooled = ranked.flatMap(({ driver }) =>
      driver.levels
        .filter((l) => l.key === undefined)
        .map((l) => `${driver.name}: ${l.levels} ${plural(l.levels, 'level')}`),
    );
    const significant = ranked.filter(({ pAdjusted }) => pAdjusted < alpha).length;
    const report: Outcome['report'] = {
      headline: npsHeadline(summarize(result.overall, statistics), statistics, 'NPS', {
        details: [`${significant} of ${ranked.length} ${plural(ranked.length, 'driver')} significant at ${level}`],
      }),
      title: `What moves NPS: ${result.inputs.map((i) => i.name).join(', ')}`,
      tables: [
        {
          name: 'drivers',
          columns: SUMMARY_COLUMNS,
          rows: ranked.map(({ driver, pAdjusted }) => summaryRow(driver, pAdjusted, alpha)),
          chart: {
            kind: 'intervals',
            label: 'driver',
            value: 'spread',
            low: 'spread_lower',
            high: 'spread_upper',
            reference: 0,
            tone: { field: 'effect', up: 'significant' },
          },
        },
        {
          name: 'levels',
          primary: true,
          columns: LEVEL_COLUMNS,
          rows: ranked.flatMap(({ driver }) => driver.levels.map((l) => levelRow(driver, l, flags.minN, statistics))),
          chart: {
            kind: 'line',
            x: 'level',
            value: 'nps',
            low: 'nps_lower',
            high: 'nps_upper',
            n: 'n',
            facet: 'driver',
          },
        },
      ],
      notes: [
        `Sorted by each driver's test, its p-value Holm-adjusted across the ${analyses.length} ` +
          `${analyses.length === 1 ? 'driver' : 'drivers'} ` +
          `(ties by effect size): for a categorical driver a chi-square test of independence between its ` +
          `compared levels and the three NPS categories, with Cramér's V; for a numeric one Spearman's ` +
          `rho with the 0-10 answer (rows without a number are left out of that driver). Effect: significant ` +
          `at ${level} after the adjustment. Associations in this data, not proof of cause.`,
        `Levels with fewer than ${flags.minN} answers are pooled into "${poolLabel(flags.minN)}"` +
          `${pooled.length > 0 ? ` (${pooled.join('; ')})` : ' (none here)'}; ` +
          `a band or pool still under ${flags.minN} is listed but neither tested nor compared (--min-n). ` +
          `Shrunk: each band or level pulled towards its driver's overall NPS, more so when it has few ` +
          `answers or the levels differ little beyond chance (empirical Bayes, as in agents).`,
        `Spread: the NPS of the best compared band or level minus the worst's, in points; a description, ` +
          `which grows with the number of levels even when nothing differs, so drivers are not sorted ` +
          `by it. Its ${level} interval is simultaneous over the k(k-1)/2 pairs of compared levels (Bonferroni: ` +
          `each pair's MOVER interval at 1 - ${confidenceLabel(alpha)}/(k(k-1)/2), ` +
          `${formatDecimal(100 * (1 - alpha / 6), 2)}% ` +
          `for 4 levels), so it allows for the best and worst being picked from the data.`,
        ...(sparse.length > 0
          ? [
              `Expected counts below 5 in more than 20% of the chi-square's cells: ${sparse.join(', ')}. Its ` +
                `p-value is rough there; a permutation or exact test would be safer, or a larger --min-n.`,
            ]
          : []),
      ],
    };
    return { report };
  },
};

const split = (list: string | undefined) =>
  (list ?? '')
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);

type Analysis = DriverAnalysis & { readonly name: string };

const poolLabel = (minN: number) => `other levels (n < ${minN})`;

/** The driver's verdict in the words the other commands use. */
const effect = (p: number, alpha: number) =>
  Number.isNaN(p) ? 'not tested' : p < alpha ? 'significant' : 'not significant';

/**
 * The test's figures; none but its name when there was nothing to test (a chi-square of one level
 * has statistic 0 and df 0).
 */
function testCells(test: DriverTest): Record<string, Row[string]> {
  const tested = !Number.isNaN(test.p);
  return {
    test: test.name,
    statistic: tested ? test.statistic : null,
    df: tested && !Number.isNaN(test.df) ? test.df : null,
    effect_size: Number.isNaN(test.effectSize) ? null : test.effectSize,
    p_value: tested ? test.p : null,
  };
}

function summaryRow(a: Analysis, pAdjusted: number, alpha: number): Row {
  const s = a.spread;
  return {
    driver: a.name,
    type: a.type,
    n: a.test.n,
    compared_levels: a.levels.filter((l) => l.compared).length,
    ...testCells(a.test),
    p_adjusted: Number.isNaN(pAdjusted) ? null : pAdjusted,
    effect: effect(pAdjusted, alpha),
    spread: s ? s.difference : null,
    spread_interval: s ? [s.lower, s.upper] : null,
    spread_lower: s ? s.lower : null,
    spread_upper: s ? s.upper : null,
  };
}

function levelRow(a: Analysis, l: DriverLevel, minN: number, stats: Statistics): Row {
  const pool = l.key === undefined;
  const summary = summarize(l.tally, stats);
  const note = [
    pool ? `${l.levels} ${plural(l.levels, 'level')}` : '',
    l.compared ? '' : `${lowN(summary, minN)}, not compared`,
  ]
    .filter(Boolean)
    .join('; ');
  const test = testCells(a.test);
  return {
    driver: a.name,
    type: a.type,
    level: pool ? poolLabel(minN) : a.type === 'categorical' ? groupLabel(l.key!) : l.key!,
    ...npsCells(summary),
    shrunk_nps: Number.isNaN(l.shrunk) ? null : l.shrunk,
    compared: l.compared,
    note,
    statistic: test.statistic,
    p_value: test.p_value,
    effect_size: test.effect_size,
  };
}

const SUMMARY_COLUMNS: Column[] = [
  { key: 'driver', label: 'Driver', kind: 'text' },
  { key: 'type', label: 'Type', kind: 'text' },
  { key: 'n', label: 'n', kind: 'count' },
  { key: 'compared_levels', label: 'Levels', kind: 'count' },
  { key: 'test', label: 'Test', kind: 'text' },
  { key: 'statistic', label: 'rho / chi²', kind: 'stat' },
  { key: 'df', label: 'df', kind: 'count' },
  { key: 'effect_size', label: '|rho| / V', kind: 'stat' },
  { key: 'p_value', label: 'p', kind: 'p', audience: 'machine' },
  { key: 'p_adjusted', label: 'p (Holm)', kind: 'p' },
  { key: 'effect', label: 'Effect', kind: 'text' },
  { key: 'spread', label: 'Spread', kind: 'nps' },
  { key: 'spread_interval', label: 'Spread interval', kind: 'range', audience: 'human' },
  { key: 'spread_lower', label: 'Spread lower', kind: 'nps', audience: 'machine' },
  { key: 'spread_upper', label: 'Spread upper', kind: 'nps', audience: 'machine' },
];

const LEVEL_COLUMNS: Column[] = [
  { key: 'driver', label: 'Driver', kind: 'text' },
  { key: 'type', label: 'Type', kind: 'text', audience: 'machine' },
  { key: 'level', label: 'Band or level', kind: 'text' },
  ...npsColumns(),
  { key: 'shrunk_nps', label: 'Shrunk', kind: 'nps' },
  { key: 'compared', label: 'Compared', kind: 'boolean', audience: 'machine' },
  { key: 'note', label: 'Note', kind: 'text' },
  // The driver's own test on every row, so a CSV of levels stands alone.
  { key: 'statistic', label: 'Statistic', kind: 'stat', audience: 'machine' },
  { key: 'p_value', label: 'p', kind: 'p', audience: 'machine' },
  { key: 'effect_size', label: 'Effect size', kind: 'stat', audience: 'machine' },
];
