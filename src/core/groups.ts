import { designOf, type GroupDesign } from './cluster.js';
import { type Difference, holm } from './significance.js';
import { type NpsSummary, type Statistics, summarize } from './summary.js';
import type { Tally } from './tally.js';
import { compareText } from './text.js';

/** One group against every other group pooled. */
export interface GroupResult {
  readonly key: string;
  readonly summary: NpsSummary;
  /** This group minus the rest (-1..1 scale). */
  readonly vsRest: Difference;
  /** Holm-adjusted across all groups compared. */
  readonly pAdjusted: number;
}

/**
 * Every group against the rest (all other groups pooled), with Holm-adjusted p-values: "is this
 * agent/channel really different?" asked of every group at once. Sorted by key for stable output.
 */
export function eachAgainstRest(groups: ReadonlyMap<string, Tally> | GroupDesign, stats: Statistics): GroupResult[] {
  const design = designOf(groups);
  const keys = [...design.keys].sort(compareText);
  const differences = keys.map((key) => design.vsRest(key, stats));
  const adjusted = holm(differences.map((d) => d.p));
  return keys.map((key, i) => ({
    key,
    summary: summarize(design.tally(key), stats, design.counted(key)),
    vsRest: differences[i],
    pAdjusted: adjusted[i],
  }));
}
