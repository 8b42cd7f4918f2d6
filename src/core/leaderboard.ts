import { designOf, type GroupDesign } from './cluster.js';
import { entry } from './entry.js';
import { append } from './extent.js';
import { rankBy } from './rank.js';
import { estimateShrinkage, type Shrinkage } from './shrink.js';
import { type Difference, holm } from './significance.js';
import { type NpsSummary, type Statistics, summarize } from './summary.js';
import { countsOf, mergeTallies, newTally, type Tally } from './tally.js';
import { compareText } from './text.js';

/** What a ranking orders by: the score, its lower interval bound, or the shrunk score. */
export type RankBy = 'nps' | 'lower' | 'shrunk';
export const RANK_BY: readonly RankBy[] = ['nps', 'lower', 'shrunk'];

export interface Standing {
  readonly key: string;
  readonly summary: NpsSummary;
  /** Empirical-Bayes score in points (see shrink.ts). */
  readonly shrunk: number;
  /** This group minus all other responses (-1..1); only for ranked groups. */
  readonly vsRest?: Difference;
  /** Holm-adjusted across every ranked group; NaN when untested. */
  readonly pAdjusted: number;
  /** Groups with fewer than minN responses are listed, never ranked. */
  readonly ranked: boolean;
  readonly rank: number;
}

/**
 * A fair leaderboard: groups with at least `minN` responses ranked by `rankBy` (ties share a rank),
 * each tested against all other responses with Holm-adjusted p-values; smaller groups kept apart.
 * Sorted: ranked groups by rank, then the small ones by n.
 */
export function leaderboard(
  groups: ReadonlyMap<string, Tally> | GroupDesign,
  minN: number,
  rankByWhat: RankBy,
  stats: Statistics,
): { standings: Standing[]; shrinkage: Shrinkage } {
  const design = designOf(groups);
  // In one order whatever the order of the rows, so that sums (the shrinkage estimate) are the same to the last bit.
  const keys = [...design.keys].sort(compareText);
  const total = newTally();
  for (const key of keys) mergeTallies(total, design.tally(key));
  const shrinkage = estimateShrinkage(
    keys.map((k) => countsOf(design.tally(k))),
    countsOf(total),
  );
  const rankedKeys = keys.filter((k) => design.counted(k) >= minN);
  const tests = rankedKeys.map((key) => design.vsRest(key, stats));
  const adjusted = holm(tests.map((t) => t.p));
  const position = new Map(rankedKeys.map((key, i) => [key, i]));
  const entries = keys.map((key) => {
    const i = position.get(key) ?? -1;
    const t = design.tally(key);
    return {
      key,
      summary: summarize(t, stats, design.counted(key)),
      shrunk: 100 * shrinkage.shrink(countsOf(t)),
      vsRest: i >= 0 ? tests[i] : undefined,
      pAdjusted: i >= 0 ? adjusted[i] : NaN,
      ranked: i >= 0,
      rank: NaN,
    };
  });
  return { standings: rankWithin(entries, () => '', rankByWhat), shrinkage };
}

const byCountThenName = (a: Standing, b: Standing) => b.summary.n - a.summary.n || compareText(a.key, b.key);
const rankValue = (s: Standing, rankByWhat: RankBy) =>
  rankByWhat === 'nps' ? s.summary.nps : rankByWhat === 'lower' ? s.summary.lower : s.shrunk;

/** Ranks again within subsets (agents within their team), keeping each standing's tests. */
export function rankWithin(
  standings: readonly Standing[],
  subsetOf: (s: Standing) => string,
  rankByWhat: RankBy,
): Standing[] {
  const subsets = new Map<string, Standing[]>();
  for (const s of standings) entry(subsets, subsetOf(s), () => [] as Standing[]).push(s);
  const out: Standing[] = [];
  for (const key of [...subsets.keys()].sort(compareText)) {
    const members = subsets.get(key)!;
    const ranked = rankBy(
      members.filter((s) => s.ranked),
      (s) => rankValue(s, rankByWhat),
      byCountThenName,
    );
    append(
      out,
      ranked.map(({ item, rank }) => ({ ...item, rank })),
    );
    append(out, members.filter((s) => !s.ranked).sort(byCountThenName));
  }
  return out;
}
