import { InvalidArgumentError } from 'commander';
import { tallyFold } from '../../core/fold.js';
import { type PlanningShares, plannedVariance, responsesForMargin, responsesPerGroupForDifference } from '../../core/sample-size.js';
import { weightedCounts } from '../../core/tally.js';
import { dataError, usageError } from '../../errors.js';
import type { Io } from '../../io/io.js';
import type { ScanRequest } from '../../io/plan.js';
import type { Accounting } from '../../io/rows.js';
import { scan } from '../../io/scan.js';
import { confidenceLabel, formatDecimal, formatForHumans } from '../../report/format.js';
import { describeAccounting } from '../accounting.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { METHOD_NAMES } from '../figures.js';

interface SampleSizeFlags {
  margin?: number;
  difference?: number;
  power: number;
  promoters?: number;
  detractors?: number;
  sharesFrom?: string;
  counts?: boolean;
}

export const samplesize: CommandDefinition<SampleSizeFlags> = {
  name: 'samplesize',
  summary: 'Responses needed for a given margin of error, or to detect a given difference',
  examples: [
    ['nps samplesize --margin 5', 'responses for a ±5-point 95% interval, worst case (1534)'],
    ['nps samplesize --margin 5 --promoters 0.5 --detractors 0.2', 'the same, planning for 50% promoters and 20% detractors'],
    ['nps samplesize --difference 10 --power 0.8', 'responses per group to detect a 10-point difference'],
    ['nps samplesize --margin 5 --shares-from counts.csv --counts', "planning for last year's shares, from a warehouse counts table"],
  ],
  shared: { statistics: true, output: { decimals: true } },
  configure: (cmd) =>
    cmd
      .option('--margin <points>', 'the ± half-width of the interval, in NPS points', parsePoints)
      .option('--difference <points>', 'the difference between two groups to detect, in NPS points', parsePoints)
      .option('--power <p>', 'chance of detecting --difference when it is real', parsePower, 0.8)
      .option('--promoters <share>', 'expected share of promoters (0.5 or 50%) instead of the worst case', parseShare)
      .option('--detractors <share>', 'expected share of detractors (0.2 or 20%) instead of the worst case', parseShare)
      .option('--shares-from <file>', 'plan for the shares of promoters and detractors in this export (or, with --counts, counts table)')
      .option('--counts', '--shares-from is a counts table (score,count or detractors,passives,promoters rows), as nps sql writes'),
  async run({ flags, statistics, decimals, io }) {
    const confidence = statistics.confidence;
    if ((flags.margin === undefined) === (flags.difference === undefined)) {
      throw usageError('give either --margin or --difference', 'e.g. nps samplesize --margin 5');
    }
    if ((flags.promoters === undefined) !== (flags.detractors === undefined)) {
      throw usageError('--promoters and --detractors go together', 'give both expected shares, or neither for the worst case');
    }
    if (flags.sharesFrom !== undefined && flags.promoters !== undefined)
      throw usageError('--shares-from and --promoters/--detractors both give the planning shares', 'give one of them');
    if (flags.counts && flags.sharesFrom === undefined) throw usageError('--counts says what --shares-from reads', 'give --shares-from FILE');
    const observed = flags.sharesFrom === undefined ? undefined : await observedShares(flags.sharesFrom, Boolean(flags.counts), io);
    const shares: PlanningShares | undefined = observed?.shares ?? (flags.promoters === undefined ? undefined : { promoters: flags.promoters, detractors: flags.detractors! });
    if (shares && shares.promoters + shares.detractors > 1) throw usageError('--promoters and --detractors add up to more than 1');
    const byMargin = flags.margin !== undefined;
    const target = (byMargin ? flags.margin : flags.difference)! / 100;
    const n = byMargin ? responsesForMargin(target, statistics, shares) : responsesPerGroupForDifference(target, confidence, flags.power, shares);
    const level = confidenceLabel(confidence);
    const style = { decimals: decimals };
    const planning = shares
      ? `${formatForHumans(100 * shares.promoters, 'pct', style)} promoters and ${formatForHumans(100 * shares.detractors, 'pct', style)} detractors`
      : 'the worst case';
    const sentence = byMargin
      ? `A ${level} interval of ±${formatDecimal(flags.margin!, decimals)} points needs ${n} responses, planning for ${planning}.`
      : `Detecting a difference of ${formatDecimal(flags.difference!, decimals)} points between two groups (two-sided, ${level}, power ${formatForHumans(100 * flags.power, 'pct', style)}) needs ${n} responses in each group, planning for ${planning}.`;
    const report: Outcome['report'] = {
      title: 'Sample size',
      tables: [
        {
          name: 'sample_size',
          layout: 'record',
          columns: [
            { key: 'goal', label: 'Goal', kind: 'text' },
            { key: 'points', label: byMargin ? 'Margin (points)' : 'Difference (points)', kind: 'number' },
            { key: 'confidence', label: 'Confidence', kind: 'number' },
            { key: 'ci_method', label: 'Interval method', kind: 'text' },
            { key: 'power', label: 'Power', kind: 'number' },
            { key: 'promoters_share', label: 'Promoters', kind: 'number' },
            { key: 'detractors_share', label: 'Detractors', kind: 'number' },
            { key: 'variance', label: 'Variance per response', kind: 'number' },
            { key: 'responses', label: byMargin ? 'Responses' : 'Responses per group', kind: 'count' },
          ],
          rows: [
            {
              goal: byMargin ? 'margin' : 'difference',
              points: byMargin ? flags.margin! : flags.difference!,
              confidence: confidence,
              ci_method: byMargin ? statistics.method : null,
              power: byMargin ? null : flags.power,
              promoters_share: shares?.promoters ?? null,
              detractors_share: shares?.detractors ?? null,
              variance: plannedVariance(shares),
              responses: n,
            },
          ],
        },
      ],
      notes: [
        sentence,
        ...(observed ? [`Planning shares from ${flags.sharesFrom}: ${describeAccounting(observed.accounting)}`] : []),
        byMargin
          ? `The smallest n whose ${METHOD_NAMES[statistics.method]} interval (the method reports use), at the planning shares' expected counts, is within ±${formatDecimal(flags.margin!, decimals)} points on both sides: a search, so skewed shares get the n they need (the worst case is half promoters, half detractors).`
          : 'n = ceil((z₁₋α/₂ + z_power)² 2V / D²) per group, the normal approximation of the two-sample test (V = 1 in the worst case).',
      ],
    };
    return { report };
  },
};

/** The shares of promoters and detractors in an export or counts table, with where its rows went. */
async function observedShares(file: string, counts: boolean, io: Io): Promise<{ shares: PlanningShares; accounting: Accounting }> {
  const request: ScanRequest = { files: [file], scores: [], where: [], fiscalYearStart: 1, groups: [], needsDates: false, counts };
  const result = await scan(request, io, tallyFold);
  const c = weightedCounts(result.overall);
  const n = c.promoters + c.passives + c.detractors;
  if (n === 0) throw dataError(`--shares-from ${file}: no answers to plan from (${describeAccounting(result.accounting)})`, 'give an export or counts table with answers');
  return { shares: { promoters: c.promoters / n, detractors: c.detractors / n }, accounting: result.accounting };
}

/** Below a tenth of a point no survey could be planned (±0.1 already needs 3.8 million responses). */
const MIN_POINTS = 0.1;

function parsePoints(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < MIN_POINTS || n > 200) throw new InvalidArgumentError(`Give NPS points from ${MIN_POINTS} to 200 (e.g. 5)`);
  return n;
}

function parsePower(value: string): number {
  const share = parseShare(value);
  if (share <= 0) throw new InvalidArgumentError('Give a power between 0 and 1, e.g. 0.8 or 80%');
  return share;
}

function parseShare(value: string): number {
  const percent = value.trim().endsWith('%');
  const n = Number(value.trim().replace(/%$/, ''));
  const share = percent || n > 1 ? n / 100 : n;
  if (!Number.isFinite(share) || share < 0 || share >= 1) throw new InvalidArgumentError('Give a share between 0 and 1, e.g. 0.5 or 50%');
  return share;
}
