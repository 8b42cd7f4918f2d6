import { InvalidArgumentError } from 'commander';
import { tallyFold } from '../../core/fold.js';
import type { Statistics } from '../../core/interval.js';
import {
  isSingleCategory,
  type PlanningShares,
  plannedVariance,
  responsesForMargin,
  responsesPerGroupForDifference,
  type WorstCase,
  worstCaseForMargin,
} from '../../core/sample-size.js';
import { weightedCounts } from '../../core/tally.js';
import { dataError, usageError } from '../../errors.js';
import { confidenceLabel, formatDecimal, formatForHumans } from '../../report/format.js';
import { describeAccounting } from '../accounting.js';
import type { CommandContext, CommandDefinition, Outcome } from '../command.js';
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
    ['nps samplesize --margin 5', 'responses for a ±5-point 95% interval, worst case (1537)'],
    [
      'nps samplesize --margin 5 --promoters 0.5 --detractors 0.2',
      'the same, planning for 50% promoters and 20% detractors',
    ],
    ['nps samplesize --difference 10 --power 0.8', 'responses per group to detect a 10-point difference'],
    [
      'nps samplesize --margin 5 --shares-from counts.csv --counts',
      "planning for last year's shares, from a warehouse counts table",
    ],
  ],
  shared: { statistics: true, output: { decimals: true } },
  configure: (cmd) =>
    cmd
      .option('--margin <points>', 'the ± half-width of the interval, in NPS points', parsePoints)
      .option('--difference <points>', 'the difference between two groups to detect, in NPS points', parsePoints)
      .option('--power <p>', 'chance of detecting --difference when it is real', parsePower, 0.8)
      .option('--promoters <share>', 'expected share of promoters (0.5 or 50%) instead of the worst case', parseShare)
      .option('--detractors <share>', 'expected share of detractors (0.2 or 20%) instead of the worst case', parseShare)
      .option(
        '--shares-from <file>',
        'plan for the shares of promoters and detractors in this export (or, with --counts, counts table)',
      )
      .option(
        '--counts',
        '--shares-from is a counts table (score,count or detractors,passives,promoters rows), as nps sql writes',
      ),
  async run({ flags, statistics, decimals, scan }) {
    const confidence = statistics.confidence;
    if ((flags.margin === undefined) === (flags.difference === undefined)) {
      throw usageError('give either --margin or --difference', 'e.g. nps samplesize --margin 5');
    }
    if ((flags.promoters === undefined) !== (flags.detractors === undefined)) {
      throw usageError(
        '--promoters and --detractors go together',
        'give both expected shares, or neither for the worst case',
      );
    }
    if (flags.sharesFrom !== undefined && flags.promoters !== undefined)
      throw usageError('--shares-from and --promoters/--detractors both give the planning shares', 'give one of them');
    if (flags.counts && flags.sharesFrom === undefined)
      throw usageError('--counts says what --shares-from reads', 'give --shares-from FILE');
    const observed =
      flags.sharesFrom === undefined ? undefined : await observedShares(flags.sharesFrom, Boolean(flags.counts), scan);
    const given: PlanningShares | undefined =
      observed?.shares ??
      (flags.promoters === undefined ? undefined : { promoters: flags.promoters, detractors: flags.detractors! });
    if (given && given.promoters + given.detractors > 1)
      throw usageError('--promoters and --detractors add up to more than 1');
    const byMargin = flags.margin !== undefined;
    const target = (byMargin ? flags.margin : flags.difference)! / 100;
    const style = { decimals: decimals };
    const describe = (s: PlanningShares) =>
      `${formatForHumans(100 * s.promoters, 'pct', style)} promoters and ` +
      `${formatForHumans(100 * s.detractors, 'pct', style)} ` +
      `detractors`;
    if (given && isSingleCategory(given) && (!byMargin || statistics.method === 'wald')) {
      const problem = observed ? dataError : usageError;
      const answer = given.promoters === 1 ? 'a promoter' : given.detractors === 1 ? 'a detractor' : 'a passive';
      const why = byMargin
        ? 'the Wald interval has zero width at any n'
        : 'a variance of 0 makes the two-sample approximation ask for no responses';
      const hint = byMargin
        ? 'use the score interval (the default), or plan for shares with other answers too'
        : 'plan for shares with other answers too (e.g. 95% promoters rather than 100%)';
      throw problem(`with ${describe(given)} every answer is ${answer}, and ${why}: no sample size follows`, hint);
    }
    const { shares, responses: n } = plan(byMargin, target, statistics, flags.power, given);
    const level = confidenceLabel(confidence);
    const mirrored = shares.promoters !== shares.detractors ? ' (or the reverse)' : '';
    const planning = given ? describe(given) : `the worst case, ${describe(shares)}${mirrored}`;
    const sentence = byMargin
      ? `A ${level} interval of ±${formatDecimal(flags.margin!, decimals)} points needs ${n} ` +
        `responses, planning for ${planning}.`
      : `Detecting a difference of ${formatDecimal(flags.difference!, decimals)} points between two ` +
        `groups (two-sided, ${level}, power ${formatForHumans(100 * flags.power, 'pct', style)}) needs ` +
        `${n} responses in each group, planning for ${planning}.`;
    const report: Outcome['report'] = {
      title: 'Sample size',
      headline: { label: byMargin ? 'Responses needed' : 'Responses needed in each group', value: n, kind: 'count' },
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
              promoters_share: shares.promoters,
              detractors_share: shares.detractors,
              variance: plannedVariance(shares),
              responses: n,
            },
          ],
        },
      ],
      notes: [
        sentence,
        ...(observed ? [`Planning shares from ${flags.sharesFrom}.`] : []),
        byMargin
          ? `The smallest n whose ${METHOD_NAMES[statistics.method]} interval (the method reports use), ` +
            `at the planning shares' expected counts, is within ±${formatDecimal(flags.margin!, decimals)} ` +
            `points on both sides: a search, so skewed shares get the n they need.${
              given
                ? ''
                : ' The worst case is the mix of promoters, passives and detractors that needs the most responses, ' +
                  'searched over every mix: not always half promoters, half detractors.'
            }`
          : 'n = ceil((z₁₋α/₂ + z_power)² 2V / D²) per group, the normal approximation of the ' +
            'two-sample test (V = 1 in the worst case).',
      ],
    };
    return { report };
  },
};

/**
 * The shares planned for and the responses they need: the given shares, or the worst case. For a
 * margin the worst case is searched (it depends on the margin and method); for a difference it is
 * the formula's V = 1, at half promoters and half detractors.
 */
function plan(
  byMargin: boolean,
  target: number,
  statistics: Statistics,
  power: number,
  given: PlanningShares | undefined,
): WorstCase {
  if (byMargin)
    return given
      ? { shares: given, responses: responsesForMargin(target, statistics, given) }
      : worstCaseForMargin(target, statistics);
  const shares = given ?? { promoters: 0.5, detractors: 0.5 };
  return { shares, responses: responsesPerGroupForDifference(target, statistics.confidence, power, shares) };
}

/**
 * The shares of promoters and detractors in an export or counts table, with where its rows went:
 * read by the runner's scan, so with the checks and warnings of every other reading.
 */
async function observedShares(
  file: string,
  counts: boolean,
  scan: CommandContext<unknown>['scan'],
): Promise<{ shares: PlanningShares }> {
  const result = await scan({ files: [file], counts, groups: [] }, tallyFold);
  const c = weightedCounts(result.overall);
  const n = c.promoters + c.passives + c.detractors;
  if (n === 0)
    throw dataError(
      `--shares-from ${file}: no answers to plan from (${describeAccounting(result.accounting)})`,
      'give an export or counts table with answers',
    );
  return { shares: { promoters: c.promoters / n, detractors: c.detractors / n } };
}

/** Below a tenth of a point no survey could be planned (±0.1 already needs 3.8 million responses). */
const MIN_POINTS = 0.1;

function parsePoints(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < MIN_POINTS || n > 200)
    throw new InvalidArgumentError(`Give NPS points from ${MIN_POINTS} to 200 (e.g. 5)`);
  return n;
}

function parsePower(value: string): number {
  const power = shareOf(value);
  if (!(power > 0 && power < 1))
    throw new InvalidArgumentError('Give a power between 0 and 1 (not 0 or 1 themselves), e.g. 0.8 or 80%');
  return power;
}

function parseShare(value: string): number {
  const share = shareOf(value);
  if (!(share >= 0 && share <= 1))
    throw new InvalidArgumentError('Give a share from 0 to 1 inclusive, e.g. 0.5 or 50%');
  return share;
}

/** 0.5 or 50% or 50 (above 1, a percentage): the share as a number, NaN when not a number. */
function shareOf(value: string): number {
  const text = value.trim();
  const percent = text.endsWith('%');
  const n = text === '' || text === '%' ? NaN : Number(text.replace(/%$/, ''));
  return percent || n > 1 ? n / 100 : n;
}
