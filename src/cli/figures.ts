import type { Difference } from '../core/significance.js';
import type { NpsSummary, Statistics } from '../core/summary.js';
import { plural } from '../report/format.js';
import type { Audience, Cell, Chart, Column, Headline, ToneField } from '../report/model.js';

/*
 * The one vocabulary of every command's output: the same figure has the same column name (and
 * JSON key) wherever it appears. An NPS: n (answers; with weights also weighted_n, n_eff and n_kish),
 * promoters_pct, passives_pct, detractors_pct, nps, nps_lower, nps_upper. A difference and its
 * test: difference, difference_lower, difference_upper, z, p_value, p_adjusted, significant (above,
 * below or empty).
 */

/** The interval methods as people name them. */
export const METHOD_NAMES = { 'adjusted-wald': 'adjusted Wald', wald: 'Wald', score: 'score' } as const;

/** What a command calls the NPS columns for people, and which shares people see. */
export interface NpsLabels {
  /** Appended to the keys of a second question: `_2`. */
  readonly suffix?: string;
  /** Appended to the labels people read: " 1", " 2" when two questions sit side by side. */
  readonly label?: string;
  /** Who sees the promoter and detractor shares (passives are for machines only). */
  readonly shares?: Audience;
}

export function npsColumns({ suffix = '', label = '', shares = 'machine' }: NpsLabels = {}): Column[] {
  return [
    { key: `n${suffix}`, label: `n${label}`, kind: 'count' },
    { key: `weighted_n${suffix}`, label: `Weighted n${label}`, kind: 'number', weighted: true },
    { key: `n_eff${suffix}`, label: `Effective n${label}`, kind: 'number', weighted: true },
    {
      key: `n_kish${suffix}`,
      label: `Kish's effective n${label}`,
      kind: 'number',
      weighted: true,
      audience: 'machine',
    },
    { key: `promoters_pct${suffix}`, label: `Promoters${label}`, kind: 'pct', audience: shares },
    { key: `passives_pct${suffix}`, label: `Passives${label}`, kind: 'pct', audience: 'machine' },
    { key: `detractors_pct${suffix}`, label: `Detractors${label}`, kind: 'pct', audience: shares },
    { key: `nps${suffix}`, label: `NPS${label}`, kind: 'nps' },
    { key: `interval${suffix}`, label: `Interval${label}`, kind: 'range', audience: 'human' },
    { key: `nps_lower${suffix}`, label: 'Lower', kind: 'nps', audience: 'machine' },
    { key: `nps_upper${suffix}`, label: 'Upper', kind: 'nps', audience: 'machine' },
  ];
}

/**
 * The record's figure after the effective n: without clusters, Kish's (Σw)²/Σw² (what --min-n
 * counts, and what the weights alone cost); with them, how many clusters.
 */
export const kishOrClusters = (clusters: number | undefined): Column =>
  clusters === undefined
    ? { key: 'n_kish', label: "Kish's effective n", kind: 'number', weighted: true }
    : { key: 'clusters', label: 'Clusters', kind: 'count' };

/** The note on a figure under --min-n, saying which n it counts (the effective one, with weights); '' above it. */
export const lowN = (s: NpsSummary, minN: number): string =>
  s.counted >= minN ? '' : s.counted === s.n ? `n < ${minN}` : `effective n < ${minN}`;

/** A page's headline: an NPS with its interval and n, and whatever else answers the command's question. */
export const npsHeadline = (
  s: NpsSummary,
  stats: Statistics,
  label = 'NPS',
  more: Pick<Headline, 'change' | 'details'> = {},
): Headline => ({
  label,
  value: s.nps,
  interval: [s.lower, s.upper],
  confidence: stats.confidence,
  n: s.n,
  ...more,
});

/** A headline's change: a difference in points against a label, with its verdict (above, below or ''). */
export const headlineChange = (
  d: Difference,
  pAdjusted: number,
  alpha: number,
  against: string,
): Headline['change'] => ({
  points: 100 * d.difference,
  against,
  significant: Number.isNaN(d.p) ? '' : direction(d, pAdjusted, alpha),
});

/** A headline's account of groups each tested against the rest: "12 agents against the rest: 1 above, 2 below". */
export function againstRest(noun: string, { tested, above, below }: Standing): string {
  const what = `${tested} ${plural(tested, noun)} against the rest`;
  return above + below === 0 ? `${what}: none differs` : `${what}: ${above} above, ${below} below`;
}

/** How many groups were tested against the rest, and how many of them stand above or below it. */
export interface Standing {
  readonly tested: number;
  readonly above: number;
  readonly below: number;
}

/** The standing of groups from each one's direction against the rest ('above', 'below' or ''). */
export const standingOf = (directions: readonly string[]): Standing => ({
  tested: directions.length,
  above: directions.filter((d) => d === 'above').length,
  below: directions.filter((d) => d === 'below').length,
});

export function npsCells(s: NpsSummary, suffix = ''): Record<string, Cell> {
  // Literal keys make a fast object (computed ones do not), and rows are made by the hundred thousand.
  const cells = {
    n: s.n,
    weighted_n: s.weightedN,
    n_eff: s.nEffective,
    n_kish: s.counted,
    promoters_pct: s.promotersPct,
    passives_pct: s.passivesPct,
    detractors_pct: s.detractorsPct,
    nps: s.nps,
    interval: [s.lower, s.upper],
    nps_lower: s.lower,
    nps_upper: s.upper,
  };
  return suffix === '' ? cells : suffixed(cells, suffix);
}

/** The same cells under keys ending in `suffix` (a second question's `_2`). */
const suffixed = (cells: Record<string, Cell>, suffix: string): Record<string, Cell> =>
  Object.fromEntries(Object.entries(cells).map(([key, value]) => [`${key}${suffix}`, value]));

/** How a command shows a difference to people: its label, the p it shows, and whether the interval too. */
export interface DifferenceLabels {
  readonly suffix?: string;
  /** "Difference", "Change", "vs rest". */
  readonly label: string;
  /** "p" or "p (Holm)". */
  readonly pLabel: string;
  /** People also see the difference's interval. */
  readonly interval: boolean;
}

export function differenceColumns({ suffix = '', label, pLabel, interval }: DifferenceLabels): Column[] {
  return [
    { key: `difference${suffix}`, label, kind: 'nps' },
    ...(interval
      ? [{ key: `difference_interval${suffix}`, label: `${label} interval`, kind: 'range', audience: 'human' } as const]
      : []),
    { key: `difference_lower${suffix}`, label: `${label} lower`, kind: 'nps', audience: 'machine' },
    { key: `difference_upper${suffix}`, label: `${label} upper`, kind: 'nps', audience: 'machine' },
    { key: `z${suffix}`, label: 'z', kind: 'stat', audience: 'machine' },
    { key: `p_value${suffix}`, label: 'p', kind: 'p', audience: 'machine' },
    { key: `p_adjusted${suffix}`, label: pLabel, kind: 'p' },
    { key: `marker${suffix}`, label: '', kind: 'text', audience: 'human' },
    { key: `significant${suffix}`, label: 'Significant', kind: 'text', audience: 'machine' },
  ];
}

/** Above or below at `alpha` after adjustment, or empty: the one significance verdict. */
export const direction = (d: Difference | undefined, pAdjusted: number, alpha: number): '' | 'above' | 'below' =>
  d && pAdjusted < alpha && d.difference !== 0 ? (d.difference > 0 ? 'above' : 'below') : '';

/** A difference in points (d from the core is on the -1..1 scale); empty cells when there is none to test. */
export function differenceCells(
  d: Difference | undefined,
  pAdjusted: number,
  alpha: number,
  suffix = '',
): Record<string, Cell> {
  const tested = d !== undefined && !Number.isNaN(d.p);
  const significant = tested ? direction(d, pAdjusted, alpha) : '';
  const cells = {
    difference: tested ? 100 * d.difference : null,
    difference_interval: tested ? [100 * d.lower, 100 * d.upper] : null,
    difference_lower: tested ? 100 * d.lower : null,
    difference_upper: tested ? 100 * d.upper : null,
    z: tested ? d.z : null,
    p_value: tested ? d.p : null,
    p_adjusted: tested && !Number.isNaN(pAdjusted) ? pAdjusted : null,
    marker: significant === 'above' ? '▲' : significant === 'below' ? '▼' : '',
    significant,
  };
  return suffix === '' ? cells : suffixed(cells, suffix);
}

/** Rows coloured by the one significance verdict. */
export const SIGNIFICANT: ToneField = { field: 'significant', up: 'above', down: 'below' };

/**
 * The NPS columns as a forest plot: one point and interval per row named by `label` (a single
 * record has none), significant rows coloured unless `extra` says otherwise. The axis fits the
 * intervals, 0 and the reference kept in view: differences of a few points show as such.
 */
export const npsForest = (
  label: string | undefined,
  extra: Partial<Extract<Chart, { kind: 'intervals' }>> = {},
): Chart => ({
  kind: 'intervals',
  label,
  value: 'nps',
  low: 'nps_lower',
  high: 'nps_upper',
  tone: SIGNIFICANT,
  ...extra,
});

/** The columns one audience sees, for commands that build a table per audience. */
export const forAudience = (columns: readonly Column[], audience: 'human' | 'machine'): Column[] =>
  columns
    .filter((c) => (c.audience ?? 'both') === 'both' || c.audience === audience)
    .map((c) => ({ ...c, audience: undefined }));
