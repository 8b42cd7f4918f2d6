import { Option } from 'commander';
import { clusteredGroups, type GroupDesign } from '../core/cluster.js';
import { entry } from '../core/entry.js';
import { KEY_SEPARATOR } from '../core/fold.js';
import type { Tally } from '../core/tally.js';
import { dataError } from '../errors.js';
import type { GroupColumn } from '../io/plan.js';
import { formatDecimal, plural } from '../report/format.js';

/** --cluster: the column whose values group responses that are not independent. */
export interface ClusterFlags {
  cluster?: string;
}

export const clusterOption = (): Option => new Option('--cluster <column>', 'responses come in clusters (an account, a customer): intervals and tests by linearization over them');

/** The cluster column, read after the command's own group columns (its value ends each group key). */
export const clusterColumns = (flags: ClusterFlags): GroupColumn[] => (flags.cluster === undefined ? [] : [{ role: 'cluster', flag: '--cluster', spec: flags.cluster }]);

/** Refuses a design of one cluster: an interval over clusters needs two or more. */
export function checkClusters(count: number, column: string): void {
  if (count < 2) throw dataError(`--cluster ${column}: the responses are all in one cluster`, 'an interval over clusters needs two or more; drop --cluster');
}

/** Tallies kept per group and cluster (keys ending in the cluster) as the design of the groups. */
export function groupsInClusters(tallies: ReadonlyMap<string, Tally>, column: string): GroupDesign & { readonly clusters: number } {
  const byGroup = new Map<string, Map<string, Tally>>();
  for (const [key, tally] of tallies) {
    const cut = key.lastIndexOf(KEY_SEPARATOR);
    entry(byGroup, key.slice(0, cut), () => new Map<string, Tally>()).set(key.slice(cut + 1), tally);
  }
  const design = clusteredGroups(byGroup);
  checkClusters(design.clusters, column);
  return design;
}

/** The note that says what the clusters did, with the effective n of all answers when there is one figure. */
export const clusterNote = (clusters: number, column: string, all?: { effective: number; n: number }): string =>
  `${clusters} ${plural(clusters, 'cluster')} (${column}): intervals and tests are by linearization over clusters, as answers within one are alike${all ? ` (effective n ${formatDecimal(all.effective, 1)} of ${all.n})` : ''}.`;
