import { chiSquareIndependence, NumericDriver, parseMeasure, quartileBands, spearman } from '../../core/drivers.js';
import { entry } from '../../core/entry.js';
import type { Fold } from '../../core/fold.js';
import { type Statistics, summarize } from '../../core/summary.js';
import { mergeTallies, newTally, type Tally } from '../../core/tally.js';
import { compareText } from '../../core/text.js';
import { dataError, usageError } from '../../errors.js';
import type { GroupColumn } from '../../io/plan.js';
import { groupLabel } from '../../report/format.js';
import type { Column, Row } from '../../report/model.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { npsCells, npsColumns } from '../figures.js';

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
      ...numeric.map((_, i) => numericAnalysis(names[`numeric_${i + 1}`].name, result.state.numeric[i], statistics)),
      ...categorical.map((_, i) => categoricalAnalysis(names[`categorical_${i + 1}`].name, result.state.categorical[i], statistics)),
    ].sort((a, b) => (Number.isNaN(b.effect) ? -1 : b.effect) - (Number.isNaN(a.effect) ? -1 : a.effect));
    const report: Outcome['report'] = {
      title: `What moves NPS: ${result.inputs.map((i) => i.name).join(', ')}`,
      tables: [
        { name: 'drivers', columns: SUMMARY_COLUMNS, rows: analyses.map((a) => a.summary) },
        { name: 'levels', primary: true, columns: LEVEL_COLUMNS, rows: analyses.flatMap((a) => a.levels) },
      ],
      notes: [
        "Sorted by effect size: |Spearman rho| between a numeric driver and the 0-10 answer (rows without a number are left out of that driver), Cramér's V of a chi-square test of independence between a categorical driver and the three NPS categories. Both are associations in this data, not proof of cause.",
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
  readonly effect: number;
  readonly summary: Row;
  readonly levels: Row[];
}

function levelRow(driver: string, type: string, level: string, t: Tally, stats: Statistics, test: Row): Row {
  return { driver, type, level, ...npsCells(summarize(t, stats)), statistic: test.statistic, p_value: test.p_value, effect_size: test.effect_size };
}

function numericAnalysis(name: string, driver: NumericDriver, stats: Statistics): Analysis {
  const { rho, n, p } = spearman(driver);
  const summary: Row = { driver: name, type: 'numeric', n, test: 'Spearman rho', statistic: rho, df: null, p_value: Number.isNaN(p) ? null : p, effect_size: Math.abs(rho) };
  return { effect: Math.abs(rho), summary, levels: quartileBands(driver).map((band) => levelRow(name, 'numeric', band.label, band.tally, stats, summary)) };
}

function categoricalAnalysis(name: string, levels: Map<string, Tally>, stats: Statistics): Analysis {
  const test = chiSquareIndependence(levels);
  const summary: Row = {
    driver: name,
    type: 'categorical',
    n: test.n,
    test: 'chi-square',
    statistic: test.statistic,
    df: test.df,
    p_value: Number.isNaN(test.p) ? null : test.p,
    effect_size: test.cramersV,
  };
  return {
    effect: test.cramersV,
    summary,
    levels: [...levels.keys()].sort(compareText).map((level) => levelRow(name, 'categorical', groupLabel(level), levels.get(level)!, stats, summary)),
  };
}

const SUMMARY_COLUMNS: Column[] = [
  { key: 'driver', label: 'Driver', kind: 'text' },
  { key: 'type', label: 'Type', kind: 'text' },
  { key: 'n', label: 'n', kind: 'count' },
  { key: 'test', label: 'Test', kind: 'text' },
  { key: 'statistic', label: 'Statistic', kind: 'stat' },
  { key: 'df', label: 'df', kind: 'count' },
  { key: 'p_value', label: 'p', kind: 'p' },
  { key: 'effect_size', label: 'Effect', kind: 'stat' },
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
