import { entry } from './entry.js';
import { netScore } from './nps.js';
import { compareGroups, type Difference } from './significance.js';
import type { Statistics } from './summary.js';
import { countsOf, effectiveSize, mergeTallies, newTally, restOf, sizeOf, type Tally, weightedCounts, weightOf, withEffectiveSize } from './tally.js';

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
  return spread > 0 && variance > 0 ? withEffectiveSize(t, spread / variance) : t;
}

/** All answers of a clustered design: one tally per cluster. */
export function clusteredNps(perCluster: ReadonlyMap<string, Tally>): ClusteredNps {
  const all = influence(perCluster);
  const variance = covariance(all, all, perCluster.size);
  return { tally: withVariance(all.tally, variance), clusters: perCluster.size, variance };
}

/** Groups compared with the rest: independent answers, or clustered ones. */
export interface GroupDesign {
  readonly keys: readonly string[];
  /** The group's tally, with the precision the design leaves. */
  tally(key: string): Tally;
  /** What --min-n counts: the answers (Kish's effective n with weights), whatever the clusters. */
  counted(key: string): number;
  /** The group minus all the others. */
  vsRest(key: string, stats: Statistics): Difference;
}

/** Groups as given: a design, or tallies of independent answers. */
export const designOf = (groups: ReadonlyMap<string, Tally> | GroupDesign): GroupDesign => (groups instanceof Map ? independentGroups(groups) : (groups as GroupDesign));

/** Groups of independent answers. */
export function independentGroups(groups: ReadonlyMap<string, Tally>): GroupDesign {
  const total = newTally();
  for (const t of groups.values()) mergeTallies(total, t);
  return {
    keys: [...groups.keys()],
    tally: (key) => groups.get(key)!,
    counted: (key) => effectiveSize(groups.get(key)!),
    vsRest: (key, stats) => compareGroups(countsOf(groups.get(key)!), countsOf(restOf(total, groups.get(key)!)), stats),
  };
}

/**
 * Groups whose answers come in clusters, one tally per group and cluster. A group and the rest
 * share the clusters that span them, so their difference has the variance of z_group - z_rest.
 */
export function clusteredGroups(byGroup: ReadonlyMap<string, ReadonlyMap<string, Tally>>): GroupDesign & { readonly clusters: number } {
  const totals = new Map<string, Tally>();
  for (const clusters of byGroup.values()) for (const [cluster, t] of clusters) mergeTallies(entry(totals, cluster, newTally), t);
  const count = totals.size;
  const own = new Map([...byGroup].map(([key, clusters]) => [key, influence(clusters)]));
  const variance = (i: Influence) => covariance(i, i, count);
  const tallies = new Map<string, Tally>();
  const rest = (key: string): Influence => {
    const mine = byGroup.get(key)!;
    return influence(new Map([...totals].map(([cluster, t]) => [cluster, mine.has(cluster) ? restOf(t, mine.get(cluster)!) : t])));
  };
  return {
    keys: [...byGroup.keys()],
    clusters: count,
    tally: (key) => entry(tallies, key, () => withVariance(own.get(key)!.tally, variance(own.get(key)!))),
    counted: (key) => effectiveSize(own.get(key)!.tally),
    vsRest(key, stats) {
      const g = own.get(key)!;
      const r = rest(key);
      const vg = variance(g);
      const vr = variance(r);
      const correlation = vg > 0 && vr > 0 ? covariance(g, r, count) / Math.sqrt(vg * vr) : 0;
      return compareGroups(countsOf(withVariance(g.tally, vg)), countsOf(withVariance(r.tally, vr)), stats, correlation);
    },
  };
}
