import type { Command } from 'commander';
import { summarize, type NpsSummary, type Statistics } from '../../core/summary.js';
import { newTally } from '../../core/tally.js';
import { NpsError } from '../../errors.js';
import { scan, type Scan } from '../../io/scan.js';
import { writeOutput } from '../../io/write.js';
import { formatForHumans } from '../../report/format.js';
import { render } from '../../report/index.js';
import type { Column, Report, Row } from '../../report/model.js';
import { buildMeta, checkAccounting, describeAccounting } from '../accounting.js';
import type { Io } from '../io.js';
import { addFilterOptions, addInputOptions, addOutputOptions, addStatisticsOptions, sharedOptions, type SharedFlags } from '../options.js';
import type { CommandDefinition } from './index.js';

const METHOD_NAMES = { 'adjusted-wald': 'adjusted Wald', wald: 'Wald', score: 'score' } as const;

export const report: CommandDefinition = {
  name: 'report',
  summary: 'NPS with its confidence interval, category shares and the 0-10 distribution',
  examples: [
    ['nps report survey.csv', 'NPS of a survey export, with a 95% interval'],
    ['nps report q3.csv --since 2024-07-01 --where channel=chat', 'only chat responses since July'],
    ['nps report survey.csv --format markdown >> "$GITHUB_STEP_SUMMARY"', 'a CI job summary'],
    ['nps report survey.csv --format json --fail-below 30', 'JSON for a pipeline; exit 1 when NPS < 30'],
  ],
  configure: (cmd: Command) => addOutputOptions(addStatisticsOptions(addFilterOptions(addInputOptions(cmd)))),
  async run(files: string[], flags: SharedFlags, io: Io): Promise<void> {
    const options = sharedOptions(files, flags, io);
    const tally = newTally();
    const result = await scan(options.scan, io, () => (score) => {
      tally[score] += 1;
    });
    checkAccounting(result, options, io);
    const summary = summarize(tally, options.statistics);
    const output = reportOf(summary, result, options.statistics, buildMeta('report', result, options));
    await writeOutput(render(output, options.format, options.render), options.output, options.scan.files, io);
    if (options.failBelow !== undefined && summary.nps < options.failBelow) {
      const style = { decimals: options.render.decimals };
      throw new NpsError('threshold', `NPS ${formatForHumans(summary.nps, 'nps', style)} is below --fail-below ${options.failBelow}`);
    }
  },
};

/** The report as data: a summary record, category shares, the 0-10 distribution, notes. */
export function reportOf(s: NpsSummary, result: Scan, stats: Statistics, meta: Record<string, unknown>): Report {
  const level = `${+(stats.confidence * 100).toFixed(4)}%`;
  const summaryColumns: Column[] = [
    { key: 'n', label: 'Responses', kind: 'count' },
    { key: 'nps', label: 'NPS', kind: 'nps' },
    { key: 'interval', label: `${level} interval`, kind: 'range', audience: 'human' },
    { key: 'nps_lower', label: 'Lower bound', kind: 'nps', audience: 'machine' },
    { key: 'nps_upper', label: 'Upper bound', kind: 'nps', audience: 'machine' },
    { key: 'margin', label: 'Margin', kind: 'margin' },
    { key: 'confidence', label: 'Confidence', kind: 'number', audience: 'machine' },
    { key: 'method', label: 'Method', kind: 'text', audience: 'human' },
    { key: 'ci_method', label: 'Method', kind: 'text', audience: 'machine' },
    { key: 'promoters', label: 'Promoters', kind: 'count', audience: 'machine' },
    { key: 'passives', label: 'Passives', kind: 'count', audience: 'machine' },
    { key: 'detractors', label: 'Detractors', kind: 'count', audience: 'machine' },
    { key: 'promoters_pct', label: 'Promoters %', kind: 'pct', audience: 'machine' },
    { key: 'passives_pct', label: 'Passives %', kind: 'pct', audience: 'machine' },
    { key: 'detractors_pct', label: 'Detractors %', kind: 'pct', audience: 'machine' },
    ...s.distribution.map((_, score): Column => ({ key: `score_${score}`, label: `Score ${score}`, kind: 'count', audience: 'machine' })),
  ];
  const summaryRow: Row = {
    n: s.n,
    nps: s.nps,
    interval: [s.lower, s.upper],
    nps_lower: s.lower,
    nps_upper: s.upper,
    margin: s.margin,
    confidence: stats.confidence,
    method: METHOD_NAMES[stats.method],
    ci_method: stats.method,
    promoters: s.promoters,
    passives: s.passives,
    detractors: s.detractors,
    promoters_pct: s.promotersPct,
    passives_pct: s.passivesPct,
    detractors_pct: s.detractorsPct,
    ...Object.fromEntries(s.distribution.map((count, score) => [`score_${score}`, count])),
  };
  const most = Math.max(...s.distribution);
  const notes = [describeAccounting(result.accounting)];
  if (s.margin === 0) {
    notes.push(`Every answer is in one category, so the ${METHOD_NAMES[stats.method]} interval has zero width: it understates the uncertainty (the default --ci-method adjusted-wald does not).`);
  }
  return {
    command: 'report',
    title: `NPS report: ${result.inputs.map((i) => i.name).join(', ')}`,
    tables: [
      { name: 'summary', layout: 'record', columns: summaryColumns, rows: [summaryRow] },
      {
        name: 'categories',
        audience: 'human',
        columns: [
          { key: 'category', label: 'Category', kind: 'text' },
          { key: 'count', label: 'Count', kind: 'count' },
          { key: 'share', label: 'Share', kind: 'pct' },
        ],
        rows: [
          { category: 'Promoters (9-10)', count: s.promoters, share: s.promotersPct },
          { category: 'Passives (7-8)', count: s.passives, share: s.passivesPct },
          { category: 'Detractors (0-6)', count: s.detractors, share: s.detractorsPct },
        ],
      },
      {
        name: 'distribution',
        audience: 'human',
        columns: [
          { key: 'score', label: 'Score', kind: 'count' },
          { key: 'count', label: 'Count', kind: 'count' },
          { key: 'share', label: 'Share', kind: 'pct' },
          { key: 'bar', label: '', kind: 'bar' },
        ],
        rows: s.distribution
          .map((count, score) => ({ score, count, share: s.n === 0 ? NaN : (100 * count) / s.n, bar: most === 0 ? 0 : count / most }))
          .reverse(),
      },
    ],
    notes,
    meta,
  };
}
