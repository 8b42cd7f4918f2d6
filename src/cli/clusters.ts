import { Option } from 'commander';
import {
  byGroupThenCluster,
  clusteredGroups,
  clusteredNps,
  type GroupDesign,
  independentGroups,
} from '../core/cluster.js';
import { entry } from '../core/entry.js';
import { type Fold, groupPeriodFold, KEY_SEPARATOR, periodFold } from '../core/fold.js';
import type { Calendar } from '../core/period.js';
import { mergeTallies, newTally, type Tally } from '../core/tally.js';
import { dataError } from '../errors.js';
import type { GroupColumn } from '../io/scan/plan.js';
import { formatDecimal, plural } from '../report/format.js';

/** --cluster: the column whose values group responses that are not independent. */
export interface ClusterFlags {
  cluster?: string;
}

export const clusterOption = (): Option =>
  new Option(
    '--cluster <column>',
    'responses come in clusters (an account, a customer): intervals and tests by linearization over them',
  );

/** The cluster column, read after the command's own group columns (its value ends each group key). */
export const clusterColumns = (flags: ClusterFlags): GroupColumn[] =>
  flags.cluster === undefined ? [] : [{ role: 'cluster', flag: '--cluster', spec: flags.cluster }];

/** The cluster's role when there is one: the last part of a keyed fold's key. */
export const clusterRoles = (flags: ClusterFlags): string[] => clusterColumns(flags).map((c) => c.role);

/** Refuses a design of one cluster: an interval over clusters needs two or more. */
export function checkClusters(count: number, column: string): void {
  if (count < 2)
    throw dataError(
      `--cluster ${column}: the responses are all in one cluster`,
      'an interval over clusters needs two or more; drop --cluster',
    );
}

/** A key whose last part is the cluster: the group's part and the cluster's. */
function splitCluster(key: string): [group: string, cluster: string] {
  const cut = key.lastIndexOf(KEY_SEPARATOR);
  return [key.slice(0, cut), key.slice(cut + 1)];
}

/**
 * All answers of tallies kept per group (and, with --cluster, per cluster: keys ending in it) as
 * one tally, with the precision the clusters leave.
 */
export function overallOf(flags: ClusterFlags, tallies: ReadonlyMap<string, Tally>, overall: Tally): Tally {
  if (flags.cluster === undefined) return overall;
  const perCluster = new Map<string, Tally>();
  for (const [key, tally] of tallies) mergeTallies(entry(perCluster, splitCluster(key)[1], newTally), tally);
  return clusteredNps(perCluster).tally;
}

/**
 * Periods kept per group (and, with --cluster, per cluster: keys ending in it) as one series of
 * every answer, the design of its periods.
 */
export function overallPeriods(
  flags: ClusterFlags,
  tallies: ReadonlyMap<string, ReadonlyMap<number, Tally>>,
  scanned: Parameters<typeof clusterName>[0],
): GroupDesign<number> {
  const byCluster = new Map<string, Map<number, Tally>>();
  for (const [key, periods] of tallies) {
    const into = entry(byCluster, flags.cluster === undefined ? '' : splitCluster(key)[1], () => new Map());
    for (const [period, tally] of periods) mergeTallies(entry(into, period, newTally), tally);
  }
  return periodDesign(
    flags,
    flags.cluster === undefined ? (byCluster.get('') ?? new Map<number, Tally>()) : byCluster,
    scanned,
  );
}

/** Tallies kept per group and cluster (keys ending in the cluster) as the design of the groups. */
export function groupsInClusters(
  tallies: ReadonlyMap<string, Tally>,
  column: string,
): GroupDesign & { readonly clusters: number } {
  const byGroup = new Map<string, Map<string, Tally>>();
  for (const [key, tally] of tallies) {
    const [group, cluster] = splitCluster(key);
    entry(byGroup, group, () => new Map<string, Tally>()).set(cluster, tally);
  }
  const design = clusteredGroups(byGroup);
  checkClusters(design.clusters, column);
  return design;
}

/** Period tallies kept per cluster as the design of the periods. */
export function periodsInClusters(
  byCluster: ReadonlyMap<string, ReadonlyMap<number, Tally>>,
  column: string,
): GroupDesign<number> & { readonly clusters: number } {
  const design = clusteredGroups(byGroupThenCluster(byCluster));
  checkClusters(design.clusters, column);
  return design;
}

/**
 * Period tallies kept per group and cluster (keys ending in the cluster) as one design of the
 * periods per group: each series a domain of the whole design, counting all its clusters.
 */
export function seriesInClusters(
  tallies: ReadonlyMap<string, ReadonlyMap<number, Tally>>,
  column: string,
): { readonly series: Map<string, GroupDesign<number>>; readonly clusters: number } {
  const byGroup = new Map<string, Map<string, ReadonlyMap<number, Tally>>>();
  const clusters = new Set<string>();
  for (const [key, periods] of tallies) {
    const [group, cluster] = splitCluster(key);
    entry(byGroup, group, () => new Map<string, ReadonlyMap<number, Tally>>()).set(cluster, periods);
    clusters.add(cluster);
  }
  checkClusters(clusters.size, column);
  const series = new Map(
    [...byGroup].map(([group, byCluster]) => [
      group,
      clusteredGroups(byGroupThenCluster(byCluster), clusters.size) as GroupDesign<number>,
    ]),
  );
  return { series, clusters: clusters.size };
}

/** The cluster column's name in the export read. */
export const clusterName = (scanned: {
  readonly inputs: readonly { readonly columns: Record<string, { name: string }> }[];
}): string => scanned.inputs[0].columns.cluster.name;

/** One tally per period, kept per cluster too with --cluster. */
export const periodsFold = (flags: ClusterFlags, calendar: Calendar): Fold<unknown> =>
  flags.cluster === undefined ? periodFold(calendar) : groupPeriodFold(calendar, clusterRoles(flags));

/** What a periodsFold tallied, as the design of the periods: over the clusters, or of independent answers. */
export function periodDesign(
  flags: ClusterFlags,
  state: unknown,
  scanned: Parameters<typeof clusterName>[0],
): GroupDesign<number> & { readonly clusters?: number } {
  return flags.cluster === undefined
    ? independentGroups(state as Map<number, Tally>)
    : periodsInClusters(state as Map<string, Map<number, Tally>>, clusterName(scanned));
}

/** What a keyed fold ending in the cluster role tallied, as the design of the groups. */
export function groupDesign(
  flags: ClusterFlags,
  state: ReadonlyMap<string, Tally>,
  scanned: Parameters<typeof clusterName>[0],
): GroupDesign & { readonly clusters?: number } {
  return flags.cluster === undefined ? independentGroups(state) : groupsInClusters(state, clusterName(scanned));
}

/** A design's tallies by key: each with the precision the design leaves, or (`answers`) as tallied. */
export const talliesOf = <K>(design: GroupDesign<K>, which: 'tally' | 'answers' = 'tally'): Map<K, Tally> =>
  new Map(design.keys.map((key) => [key, which === 'tally' ? design.tally(key) : design.answers(key)]));

/** The note that says what the clusters did, with the effective n of all answers when there is one figure. */
export const clusterNote = (clusters: number, column: string, all?: { effective: number; n: number }): string =>
  `${clusters} ${plural(clusters, 'cluster')} (${column}): intervals and tests are by linearization ` +
  `over clusters, as answers within one are alike` +
  `${all ? ` (effective n ${formatDecimal(all.effective, 1)} of ${all.n})` : ''}.`;

/** Each cluster's answers over all its periods. */
export function totalsOf(byCluster: ReadonlyMap<string, ReadonlyMap<number, Tally>>): Map<string, Tally> {
  const totals = new Map<string, Tally>();
  for (const [cluster, periods] of byCluster) {
    const total = newTally();
    for (const t of periods.values()) mergeTallies(total, t);
    totals.set(cluster, total);
  }
  return totals;
}
