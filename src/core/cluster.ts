import { mergeTallies, newTally, type Tally, weightedCounts, weightOf, withEffectiveSize } from './tally.js';

/** NPS over responses in clusters, with the precision the clusters leave. */
export interface ClusteredNps {
  /** All answers, whose effective n is the design's: intervals and tests read it as any tally's. */
  readonly tally: Tally;
  readonly clusters: number;
  /** The variance of NPS on the -1..+1 scale. */
  readonly variance: number;
}

/**
 * Responses within a cluster (an account's contacts, a customer's calls) are alike, so they tell
 * less than as many independent ones. NPS is the weighted mean of y = -1, 0, +1, a ratio; its
 * variance by linearization is that of the clusters' totals of w (y - NPS), clusters independent:
 * C / (C - 1) * sum over clusters of (A_c - NPS W_c)^2 / W^2, where A_c is the cluster's weighted
 * promoters minus detractors and W_c its weight. This is R survey's svymean with ids = ~cluster.
 * The effective n is the n that would give that variance without clusters: the spread of y over it.
 */
export function clusteredNps(perCluster: Iterable<Tally>): ClusteredNps {
  const clusters = [...perCluster];
  const tally = newTally();
  for (const t of clusters) mergeTallies(tally, t);
  const total = weightOf(tally);
  const all = weightedCounts(tally);
  const nps = (all.promoters - all.detractors) / total;
  let squares = 0;
  for (const t of clusters) {
    const c = weightedCounts(t);
    const residual = c.promoters - c.detractors - nps * weightOf(t);
    squares += residual * residual;
  }
  const count = clusters.length;
  const variance = ((count / (count - 1)) * squares) / (total * total);
  const spread = (all.promoters + all.detractors) / total - nps * nps;
  // Every answer alike leaves nothing to spread: the interval methods know that case without a design.
  const effective = spread > 0 && variance > 0 ? spread / variance : undefined;
  return { tally: effective === undefined ? tally : withEffectiveSize(tally, effective), clusters: count, variance };
}
