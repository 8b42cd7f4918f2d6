import { entry } from './entry.js';
import { netScore } from './nps.js';
import { compareGroups, type Difference } from './significance.js';
import type { Statistics } from './summary.js';
import {
  countsOf,
  effectiveSize,
  mergeTallies,
  newTally,
  restOf,
  sizeOf,
  type Tally,
  weightedCounts,
  weightOf,
  withDesignSize,
} from './tally.js';

/** NPS over responses in clusters, with the precision the clusters leave. */
export interface ClusteredNps {
  /** All answers, whose effective n is the design's: intervals and tests read it as any tally's. */
  readonly tally: Tally;
  readonly clusters: number;
  /** The variance of NPS on the -1..+1 scale. */
  readonly variance: number;
}

/*
 * Responses within a cluster (an account's contacts, a customer's calls) are alike, so they tell
 * less than as many independent ones. NPS is the weighted mean of y = -1, 0, +1, a ratio; by
 * linearization its variance is that of the clusters' totals of w (y - NPS) / W, clusters
 * independent: C / (C - 1) * sum over clusters of z_c^2, z_c = (A_c - NPS W_c) / W, where A_c is the
 * cluster's weighted promoters minus detractors, W_c its weight and W the total. A group (a
 * domain) is the same sum over every cluster of the design, with A_c and W_c of the group's answers
 * alone: R survey's svymean with ids = ~cluster, and svyby for groups. Two groups that share
 * clusters covary: C / (C - 1) * sum of z_c z'_c.
 */

/** A domain's linearized residual per cluster, z_c, by cluster. */
interface Influence {
  readonly tally: Tally;
  readonly z: Map<string, number>;
}

function influence(byCluster: ReadonlyMap<string, Tally>): Influence {
  const tally = newTally();
  for (const t of byCluster.values()) mergeTallies(tally, t);
  const total = weightOf(tally);
  const nps = netScore(weightedCounts(tally));
  const z = new Map<string, number>();
  for (const [cluster, t] of byCluster) {
    const c = weightedCounts(t);
    z.set(cluster, (c.promoters - c.detractors - nps * weightOf(t)) / total);
  }
  return { tally, z };
}

/** C / (C - 1) * sum of z_c z'_c over the clusters both hold (the others contribute 0). */
function covariance(a: Influence, b: Influence, clusters: number): number {
  const [small, large] = a.z.size <= b.z.size ? [a.z, b.z] : [b.z, a.z];
  let sum = 0;
  for (const [cluster, z] of small) sum += z * (large.get(cluster) ?? 0);
  return (clusters / (clusters - 1)) * sum || 0;
}

/**
 * The tally with the effective n that gives `variance`: the spread of y over it. Every answer alike
 * leaves nothing to spread, and the interval methods know that case without a design.
 */
function withVariance(t: Tally, variance: number): Tally {
  const c = weightedCounts(t);
  const nps = netScore(c);
  const spread = (c.promoters + c.detractors) / sizeOf(c) - nps * nps;
  return spread > 0 && variance > 0 ? withDesignSize(t, spread / variance) : t;
}

/** All answers of a clustered design: one tally per cluster. */
export function clusteredNps(perCluster: ReadonlyMap<string, Tally>): ClusteredNps {
  const all = influence(perCluster);
  const variance = covariance(all, all, perCluster.size);
  return { tally: withVariance(all.tally, variance), clusters: perCluster.size, variance };
}

/**
 * Groups (segments, agents, periods) compared with the rest or with each other: independent
 * answers, or clustered ones.
 */
export interface GroupDesign<K = string> {
  readonly keys: readonly K[];
  /** The group's tally, with the precision the design leaves (empty for a key without answers). */
  tally(key: K): Tally;
  /** The group's answers as tallied, over all clusters: what counts and margins add up. */
  answers(key: K): Tally;
  /** What --min-n counts: the answers (Kish's effective n with weights), whatever the clusters. */
  counted(key: K): number;
  /** The group minus all the others. */
  vsRest(key: K, stats: Statistics): Difference;
  /** One group minus another (a period minus the one before). */
  between(a: K, b: K, stats: Statistics): Difference;
}

/** Groups as given: a design, or tallies of independent answers. */
export const designOf = <K>(groups: ReadonlyMap<K, Tally> | GroupDesign<K>): GroupDesign<K> =>
  groups instanceof Map ? independentGroups(groups) : (groups as GroupDesign<K>);

/** Groups of independent answers. */
export function independentGroups<K>(groups: ReadonlyMap<K, Tally>): GroupDesign<K> {
  let total: Tally | undefined;
  const totalOf = () => {
    if (total === undefined) {
      total = newTally();
      for (const t of groups.values()) mergeTallies(total, t);
    }
    return total;
  };
  const tally = (key: K) => groups.get(key) ?? newTally();
  return {
    keys: [...groups.keys()],
    tally,
    answers: tally,
    counted: (key) => effectiveSize(tally(key)),
    vsRest: (key, stats) => compareGroups(countsOf(tally(key)), countsOf(restOf(totalOf(), tally(key))), stats),
    between: (a, b, stats) => compareGroups(countsOf(tally(a)), countsOf(tally(b)), stats),
  };
}

/** Tallies per cluster and group turned into tallies per group and cluster. */
export function byGroupThenCluster<K>(
  byCluster: ReadonlyMap<string, ReadonlyMap<K, Tally>>,
): Map<K, Map<string, Tally>> {
  const byGroup = new Map<K, Map<string, Tally>>();
  for (const [cluster, groups] of byCluster)
    for (const [key, t] of groups) entry(byGroup, key, () => new Map<string, Tally>()).set(cluster, t);
  return byGroup;
}

/**
 * Groups whose answers come in clusters, one tally per group and cluster. Two groups (a group and
 * the rest, or two periods) share the clusters that span them, so their difference has the
 * variance of z_a - z_b, and the MOVER interval is told their correlation.
 */
export function clusteredGroups<K>(
  byGroup: ReadonlyMap<K, ReadonlyMap<string, Tally>>,
  designClusters?: number,
): GroupDesign<K> & { readonly clusters: number } {
  const totals = new Map<string, Tally>();
  for (const clusters of byGroup.values())
    for (const [cluster, t] of clusters) mergeTallies(entry(totals, cluster, newTally), t);
  // Groups that are domains of a larger design (one series of a trend by team) count all its clusters.
  const count = designClusters ?? totals.size;
  const none: Influence = { tally: newTally(), z: new Map() };
  const own = new Map([...byGroup].map(([key, clusters]) => [key, influence(clusters)]));
  const ownOf = (key: K) => own.get(key) ?? none;
  const variance = (i: Influence) => covariance(i, i, count);
  const tallies = new Map<K, Tally>();
  const tally = (key: K) => entry(tallies, key, () => withVariance(ownOf(key).tally, variance(ownOf(key))));
  const rest = (key: K): Influence => {
    const mine = byGroup.get(key) ?? new Map<string, Tally>();
    return influence(
      new Map([...totals].map(([cluster, t]) => [cluster, mine.has(cluster) ? restOf(t, mine.get(cluster)!) : t])),
    );
  };
  const difference = (a: Influence, b: Influence, stats: Statistics) => {
    const va = variance(a);
    const vb = variance(b);
    const correlation = va > 0 && vb > 0 ? covariance(a, b, count) / Math.sqrt(va * vb) : 0;
    return compareGroups(countsOf(withVariance(a.tally, va)), countsOf(withVariance(b.tally, vb)), stats, correlation);
  };
  return {
    keys: [...byGroup.keys()],
    clusters: count,
    tally,
    answers: (key) => ownOf(key).tally,
    counted: (key) => effectiveSize(ownOf(key).tally),
    vsRest: (key, stats) => difference(ownOf(key), rest(key), stats),
    between: (a, b, stats) => difference(ownOf(a), ownOf(b), stats),
  };
}
