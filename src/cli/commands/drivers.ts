import type { NumericDriver } from '../../core/drivers.js';
import { entry } from '../../core/entry.js';
import type { Fold } from '../../core/fold.js';
import { compareGroups, holm } from '../../core/significance.js';
import { type Statistics, summarize } from '../../core/summary.js';
import { countsOf, mergeTallies, newTally, type Tally } from '../../core/tally.js';
import { compareText } from '../../core/text.js';
import { dataError, usageError } from '../../errors.js';
import type { GroupColumn } from '../../io/plan.js';
import { confidenceLabel, formatDecimal, groupLabel } from '../../report/format.js';
import type { Column, Row } from '../../report/model.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { npsCells, npsColumns } from '../figures.js';

/** The drivers' statistics, loaded when the command runs. */
type Drivers = typeof import('../../core/drivers.js');

interface DriverFlags {
  numeric?: string;
  categorical?: string;
}

/** Per numeric driver its (value, score) pairs; per categorical driver a tally per level. */
interface DriverState {
  readonly numeric: NumericDriver[];
  /** Per numeric driver: filled cells that are not numbers (times like 00:03:25, "12%"). */
  readonly unreadable: number[];
  readonly categorical: Map<string, Tally>[];
}

export const drivers: CommandDefinition<DriverFlags> = {
  name: 'drivers',
  summary: 'Which operational factors move NPS: bands of numeric drivers and levels of categorical ones, with their tests',
  examples: [
    ['nps drivers survey.csv --numeric aht,wait_seconds', 'NPS by quartile of handling and wait time, with rank correlations'],
    ['nps drivers survey.csv --categorical channel,fcr', 'NPS per channel and first-contact resolution, with chi-square tests'],
    ['nps drivers survey.csv --numeric wait_seconds --categorical channel --format csv', 'both, one row per band or level'],
  ],
  shared: { input: { questions: 1 }, filters: true, statistics: true, output: { decimals: true }, accounting: true, grouping: true },
  configure: (cmd) =>
    cmd
      .option('--numeric <columns>', 'numeric drivers, comma-separated (decimal commas read as numbers)')
      .option('--categorical <columns>', 'categorical drivers, comma-separated'),
  async run({ flags, statistics, scan, warn }) {
    // Loaded here: its statistics library would otherwise slow every command's start.
    const drivers = await import('../../core/drivers.js');
    const { NumericDriver, parseMeasure } = drivers;
    const numeric = split(flags.numeric);
    const categorical = split(flags.categorical);
    if (numeric.length + categorical.length === 0) throw usageError('name at least one driver', 'e.g. --numeric wait_seconds --categorical channel');
    const groups: GroupColumn[] = [
      ...numeric.map((spec, i): GroupColumn => ({ role: `numeric_${i + 1}`, flag: '--numeric', spec, value: true })),
      ...categorical.map((spec, i): GroupColumn => ({ role: `categorical_${i + 1}`, flag: '--categorical', spec })),
    ];
    const fold: Fold<DriverState> = {
      empty: () => ({ numeric: numeric.map(() => new NumericDriver()), unreadable: numeric.map(() => 0), categorical: categorical.map(() => new Map()) }),
      add(state, score, _time, keys) {
        for (let i = 0; i < numeric.length; i++) {
          const value = parseMeasure(keys[i]);
          if (!Number.isNaN(value)) state.numeric[i].add(value, score);
          else if (keys[i] !== '' && !/^(na|n\/a|-)$/i.test(keys[i])) state.unreadable[i]++;
        }
        for (let i = 0; i < categorical.length; i++) {
          const levels = state.categorical[i];
          const level = keys[numeric.length + i];
          entry(levels, level, newTally)[score] += 1;
        }
      },
      merge(into, from) {
        from.unreadable.forEach((n, i) => {
          into.unreadable[i] += n;
        });
        from.numeric.forEach((driver, i) => {
          const values = driver.values();
          const scores = driver.scores();
          for (let k = 0; k < driver.n; k++) into.numeric[i].add(values[k], scores[k]);
        });
        from.categorical.forEach((levels, i) => {
          for (const [level, t] of levels) {
            mergeTallies(entry(into.categorical[i], level, newTally), t);
          }
        });
      },
    };
    const result = await scan({ groups }, fold);
    const names = result.inputs[0].columns;
    numeric.forEach((_, i) => {
      const name = names[`numeric_${i + 1}`].name;
      const unreadable = result.state.unreadable[i];
      if (result.state.numeric[i].n === 0) {
        throw dataError(
          `the numeric driver ${name} holds no numbers${unreadable ? ` (${unreadable} cells are not numbers)` : ''}`,
          'give --numeric a column of numbers (decimal comma or point), or use --categorical',
        );
      }
      if (unreadable > 0)
        warn(`warning: ${unreadable} ${name} ${unreadable === 1 ? 'cell is' : 'cells are'} not a number and ${unreadable === 1 ? 'was' : 'were'} left out of that driver`);
    });
    const analyses = [
      ...numeric.map((_, i) => numericAnalysis(drivers, names[`numeric_${i + 1}`].name, result.state.numeric[i], statistics)),
      ...categorical.map((_, i) => categoricalAnalysis(drivers, names[`categorical_${i + 1}`].name, result.state.categorical[i], statistics)),
    ];
    // Every driver is a test of its own: Holm across them. Then one scale people read for all:
    // the spread of NPS between the driver's best and worst band or level.
    const adjusted = holm(analyses.map((a) => a.p));
    const alpha = 1 - statistics.confidence;
    const rows = analyses
      .map((a, i) => ({ ...a, summary: { ...a.summary, p_adjusted: Number.isNaN(adjusted[i]) ? null : adjusted[i], significant: adjusted[i] < alpha ? 'yes' : '' } }))
      .sort((a, b) => (Number.isNaN(b.spread) ? -Infinity : b.spread) - (Number.isNaN(a.spread) ? -Infinity : a.spread));
    const sparse = analyses.filter((a) => a.sparse > 0.2).map((a) => `${a.summary.driver} (${formatDecimal(100 * a.sparse, 0)}% of cells)`);
    const report: Outcome['report'] = {
      title: `What moves NPS: ${result.inputs.map((i) => i.name).join(', ')}`,
      tables: [
        {
          name: 'drivers',
          columns: SUMMARY_COLUMNS,
          rows: rows.map((a) => a.summary),
          chart: {
            kind: 'intervals',
            label: 'driver',
            value: 'spread',
            low: 'spread_lower',
            high: 'spread_upper',
            reference: 0,
            tone: { field: 'significant', up: 'yes' },
          },
        },
        {
          name: 'levels',
          primary: true,
          columns: LEVEL_COLUMNS,
          rows: rows.flatMap((a) => a.levels),
          chart: { kind: 'line', x: 'level', value: 'nps', low: 'nps_lower', high: 'nps_upper', n: 'n', facet: 'driver' },
        },
      ],
      notes: [
        `Sorted by spread: the NPS of a driver's best band or level minus its worst, in points, with its ${confidenceLabel(statistics.confidence)} interval. Beside it, the driver's own test: Spearman's rho between a numeric driver and the 0-10 answer (rows without a number are left out of that driver), or a chi-square test of independence between a categorical driver and the three NPS categories with Cramér's V; p-values are Holm-adjusted across the ${analyses.length} ${analyses.length === 1 ? 'driver' : 'drivers'}. Associations in this data, not proof of cause.`,
        ...(sparse.length > 0
          ? [
              `Expected counts below 5 in more than 20% of the chi-square's cells: ${sparse.join(', ')}. Its p-value is rough there; a permutation or exact test would be safer, or merge small levels.`,
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

interface Analysis {
  /** Best minus worst band or level, in points (NaN with fewer than two). */
  readonly spread: number;
  /** The driver's own test's p-value. */
  readonly p: number;
  /** Share of chi-square cells with expected counts below 5 (0 for numeric drivers). */
  readonly sparse: number;
  readonly summary: Record<string, Row[string]>;
  readonly levels: Row[];
}

function levelRow(driver: string, type: string, level: string, t: Tally, stats: Statistics, test: Row): Row {
  return { driver, type, level, ...npsCells(summarize(t, stats)), statistic: test.statistic, p_value: test.p_value, effect_size: test.effect_size };
}

/** The spread between the best and the worst of the levels that have answers, with its MOVER interval. */
function spreadOf(tallies: readonly Tally[], stats: Statistics): Record<string, Row[string]> & { spread: number } {
  const scored = tallies.map((t) => ({ t, s: summarize(t, stats) })).filter((x) => x.s.n > 0);
  if (scored.length < 2) return { spread: NaN, spread_interval: null, spread_lower: null, spread_upper: null };
  const best = scored.reduce((a, b) => (b.s.nps > a.s.nps ? b : a));
  const worst = scored.reduce((a, b) => (b.s.nps < a.s.nps ? b : a));
  const d = compareGroups(countsOf(best.t), countsOf(worst.t), stats);
  return { spread: 100 * d.difference, spread_interval: [100 * d.lower, 100 * d.upper], spread_lower: 100 * d.lower, spread_upper: 100 * d.upper };
}

function numericAnalysis({ spearman, quartileBands }: Drivers, name: string, driver: NumericDriver, stats: Statistics): Analysis {
  const { rho, n, p } = spearman(driver);
  const bands = quartileBands(driver);
  const spread = spreadOf(
    bands.map((b) => b.tally),
    stats,
  );
  const summary = { driver: name, type: 'numeric', n, ...spread, test: 'Spearman rho', statistic: rho, df: null, p_value: Number.isNaN(p) ? null : p, effect_size: Math.abs(rho) };
  return { spread: spread.spread, p, sparse: 0, summary, levels: bands.map((band) => levelRow(name, 'numeric', band.label, band.tally, stats, summary)) };
}

function categoricalAnalysis({ chiSquareIndependence }: Drivers, name: string, levels: Map<string, Tally>, stats: Statistics): Analysis {
  const test = chiSquareIndependence(levels);
  const spread = spreadOf([...levels.values()], stats);
  const summary = {
    driver: name,
    type: 'categorical',
    n: test.n,
    ...spread,
    test: 'chi-square',
    statistic: test.statistic,
    df: test.df,
    p_value: Number.isNaN(test.p) ? null : test.p,
    effect_size: test.cramersV,
  };
  return {
    spread: spread.spread,
    p: test.p,
    sparse: test.sparse,
    summary,
    levels: [...levels.keys()].sort(compareText).map((level) => levelRow(name, 'categorical', groupLabel(level), levels.get(level)!, stats, summary)),
  };
}

const SUMMARY_COLUMNS: Column[] = [
  { key: 'driver', label: 'Driver', kind: 'text' },
  { key: 'type', label: 'Type', kind: 'text' },
  { key: 'n', label: 'n', kind: 'count' },
  { key: 'spread', label: 'Spread', kind: 'nps' },
  { key: 'spread_interval', label: 'Spread interval', kind: 'range', audience: 'human' },
  { key: 'spread_lower', label: 'Spread lower', kind: 'nps', audience: 'machine' },
  { key: 'spread_upper', label: 'Spread upper', kind: 'nps', audience: 'machine' },
  { key: 'test', label: 'Test', kind: 'text' },
  { key: 'statistic', label: 'rho / chi²', kind: 'stat' },
  { key: 'df', label: 'df', kind: 'count' },
  { key: 'effect_size', label: '|rho| / V', kind: 'stat' },
  { key: 'p_value', label: 'p', kind: 'p', audience: 'machine' },
  { key: 'p_adjusted', label: 'p (Holm)', kind: 'p' },
  { key: 'significant', label: 'Significant', kind: 'text', audience: 'machine' },
];

const LEVEL_COLUMNS: Column[] = [
  { key: 'driver', label: 'Driver', kind: 'text' },
  { key: 'type', label: 'Type', kind: 'text', audience: 'machine' },
  { key: 'level', label: 'Band or level', kind: 'text' },
  ...npsColumns(),
  // The driver's own test on every row, so a CSV of levels stands alone.
  { key: 'statistic', label: 'Statistic', kind: 'stat', audience: 'machine' },
  { key: 'p_value', label: 'p', kind: 'p', audience: 'machine' },
  { key: 'effect_size', label: 'Effect', kind: 'stat', audience: 'machine' },
];
