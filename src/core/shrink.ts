import { netScore, variance } from './nps.js';
import { type Counts, sizeOf } from './tally.js';

/**
 * Empirical-Bayes shrinkage of group scores towards the overall score, so that an agent with 3
 * promoters out of 3 is not believed to be +100.
 *
 * Each group's shares are pulled towards the overall shares by m pseudo-answers:
 *   shrunk NPS_i = (pro_i - det_i + m (p_pro - p_det)) / (n_i + m) = w_i NPS_i + (1 - w_i) NPS_all,
 *   w_i = n_i / (n_i + m),  m = sigma^2 / tau^2,
 * where sigma^2 is the per-respondent variance of all answers (V of the pooled counts) and tau^2
 * the variance of the groups' true scores, estimated by DerSimonian and Laird's method of moments:
 *   y_i = NPS_i, v_i = sigma^2 / n_i, u_i = 1 / v_i, y_w = sum(u_i y_i) / sum(u_i),
 *   Q = sum(u_i (y_i - y_w)^2), tau^2 = max(0, (Q - (k - 1)) / (sum(u_i) - sum(u_i^2) / sum(u_i))).
 * All on the -1..1 scale. When the groups differ no more than chance allows (tau^2 = 0), m is
 * infinite and every group is shrunk to the overall score.
 */
export interface Shrinkage {
  /** Pseudo-answers added to every group; Infinity when the groups are indistinguishable. */
  readonly strength: number;
  readonly overall: number;
  readonly betweenVariance: number;
  readonly withinVariance: number;
  /** The shrunk score of a group's counts (-1..1), NaN for an empty group. */
  shrink(c: Counts): number;
}

export function estimateShrinkage(groups: readonly Counts[], overall: Counts): Shrinkage {
  const within = variance(overall);
  const all = netScore(overall);
  const used = groups.filter((c) => sizeOf(c) > 0);
  let tau2 = 0;
  if (used.length > 1 && within > 0) {
    const u = used.map((c) => sizeOf(c) / within);
    const y = used.map((c) => netScore(c));
    const sumU = u.reduce((s, x) => s + x, 0);
    const mean = u.reduce((s, ui, i) => s + ui * y[i], 0) / sumU;
    const q = u.reduce((s, ui, i) => s + ui * (y[i] - mean) ** 2, 0);
    const scale = sumU - u.reduce((s, ui) => s + ui * ui, 0) / sumU;
    tau2 = Math.max(0, (q - (used.length - 1)) / scale);
  }
  const strength = tau2 > 0 ? within / tau2 : Infinity;
  return {
    strength,
    overall: all,
    betweenVariance: tau2,
    withinVariance: within,
    shrink(c) {
      const n = sizeOf(c);
      if (n === 0) return NaN;
      if (!Number.isFinite(strength)) return all;
      const w = n / (n + strength);
      return w * netScore(c) + (1 - w) * all;
    },
  };
}
