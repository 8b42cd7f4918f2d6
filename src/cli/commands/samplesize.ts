import { InvalidArgumentError } from 'commander';
import { type PlanningShares, plannedVariance, responsesForMargin, responsesPerGroupForDifference } from '../../core/sample-size.js';
import { usageError } from '../../errors.js';
import { confidenceLabel, formatDecimal, formatForHumans } from '../../report/format.js';
import type { CommandDefinition, Outcome } from '../command.js';
import { METHOD_NAMES } from '../figures.js';

interface SampleSizeFlags {
  margin?: number;
  difference?: number;
  power: number;
  promoters?: number;
  detractors?: number;
}

export const samplesize: CommandDefinition<SampleSizeFlags> = {
  name: 'samplesize',
  summary: 'Responses needed for a given margin of error, or to detect a given difference',
  examples: [
    ['nps samplesize --margin 5', 'responses for a ±5-point 95% interval, worst case (1534)'],
    ['nps samplesize --margin 5 --promoters 0.5 --detractors 0.2', 'the same, planning for 50% promoters and 20% detractors'],
    ['nps samplesize --difference 10 --power 0.8', 'responses per group to detect a 10-point difference'],
  ],
  shared: { statistics: true, output: { decimals: true } },
  configure: (cmd) =>
    cmd
      .option('--margin <points>', 'the ± half-width of the interval, in NPS points', parsePoints)
      .option('--difference <points>', 'the difference between two groups to detect, in NPS points', parsePoints)
      .option('--power <p>', 'chance of detecting --difference when it is real', parsePower, 0.8)
      .option('--promoters <share>', 'expected share of promoters (0.5 or 50%) instead of the worst case', parseShare)
      .option('--detractors <share>', 'expected share of detractors (0.2 or 20%) instead of the worst case', parseShare),
  async run({ flags, statistics, decimals }) {
    const confidence = statistics.confidence;
    if ((flags.margin === undefined) === (flags.difference === undefined)) {
      throw usageError('give either --margin or --difference', 'e.g. nps samplesize --margin 5');
    }
    if ((flags.promoters === undefined) !== (flags.detractors === undefined)) {
      throw usageError('--promoters and --detractors go together', 'give both expected shares, or neither for the worst case');
    }
    const shares: PlanningShares | undefined = flags.promoters === undefined ? undefined : { promoters: flags.promoters, detractors: flags.detractors! };
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
        byMargin
          ? `The smallest n whose ${METHOD_NAMES[statistics.method]} interval (the method reports use), at the planning shares' expected counts, is within ±${formatDecimal(flags.margin!, decimals)} points on both sides: a search, so skewed shares get the n they need (the worst case is half promoters, half detractors).`
          : 'n = ceil((z₁₋α/₂ + z_power)² 2V / D²) per group, the normal approximation of the two-sample test (V = 1 in the worst case).',
      ],
    };
    return { report };
  },
};

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
