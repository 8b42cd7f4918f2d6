import { type Counts, sizeOf } from './tally.js';

/**
 * NPS on the -1..1 scale: the mean of the per-respondent score (+1 promoter, 0 passive,
 * -1 detractor). NaN when there are no answers.
 */
export function netScore(c: Counts): number {
  const n = sizeOf(c);
  return n === 0 ? NaN : (c.promoters - c.detractors) / n;
}

/** Per-respondent variance of the -1/0/+1 score: p_pro + p_det - (p_pro - p_det)^2. */
export function variance(c: Counts): number {
  const n = sizeOf(c);
  if (n === 0) return NaN;
  const pro = c.promoters / n;
  const det = c.detractors / n;
  // Clamp the rounding residue of a degenerate sample (all in one category) to an exact zero.
  return Math.max(0, pro + det - (pro - det) ** 2);
}

export function standardError(c: Counts): number {
  return Math.sqrt(variance(c) / sizeOf(c));
}
