import { classify } from './classify.js';

/**
 * How many answers gave each score 0..10 (slots 0-10), and the sum of their squared weights
 * (slot 11). Commands fold rows into tallies, so memory grows with the number of groups, never
 * with the number of rows. Unweighted, every answer weighs 1: the counts are counts, and slot 11
 * equals their sum (or stays 0 where a tally is made by counting alone).
 */
export type Tally = Float64Array;

/** Slot of the sum of squared weights: with the sum of weights, it gives Kish's effective n. */
const SQUARES = 11;

export const newTally = (): Tally => new Float64Array(12);

/**
 * Adds `units` answers (1, or a --counts row's count) of total weight `weight` (1 each unless
 * --weight): each weighs weight / units, so their squares sum to weight^2 / units.
 */
export function addAnswer(t: Tally, score: number, weight = 1, units = 1): void {
  t[score] += weight;
  t[SQUARES] += units === 1 ? weight * weight : (weight * weight) / units;
}

export function tallyOf(scores: Iterable<number>): Tally {
  const t = newTally();
  for (const s of scores) addAnswer(t, s);
  return t;
}

export function mergeTallies(into: Tally, from: Tally): Tally {
  for (let s = 0; s <= SQUARES; s++) into[s] += from[s];
  return into;
}

/** Every answer in `total` that is not in `part` (a group's "rest"). */
export function restOf(total: Tally, part: Tally): Tally {
  const rest = newTally();
  for (let s = 0; s <= SQUARES; s++) rest[s] = total[s] - part[s];
  return rest;
}

/** The answers' total weight (their number, unweighted). */
export function weightOf(t: Tally): number {
  let n = 0;
  for (let s = 0; s <= 10; s++) n += t[s];
  return n;
}

/**
 * Kish's effective sample size, (sum of w)^2 / sum of w^2: the number of unweighted answers that
 * would be as precise. Equal to n without weights.
 */
export function effectiveSize(t: Tally): number {
  const n = weightOf(t);
  return t[SQUARES] > 0 ? (n * n) / t[SQUARES] : n;
}

/**
 * Whether weighted figures can be computed from a tally in floating point: weights near 1e-200
 * square to nothing, and near 1e308 sum past the largest number. The figures do not depend on the
 * weights' scale, so such weights only need rescaling.
 */
export function computable(t: Tally): boolean {
  const n = weightOf(t);
  if (!Number.isFinite(n) || !Number.isFinite(t[SQUARES])) return false;
  const effective = effectiveSize(t);
  return n === 0 || (t[SQUARES] > 0 && Number.isFinite(effective) && effective > 0);
}

/** Answers per category; n is their sum. */
export interface Counts {
  readonly detractors: number;
  readonly passives: number;
  readonly promoters: number;
}

/**
 * The answers per category as the statistics count them: with weights, the weighted shares of
 * Kish's effective n (so intervals and tests have the precision the weights leave); without, the
 * counts themselves.
 */
export function countsOf(t: Tally): Counts {
  const weighted = weightedCounts(t);
  const n = sizeOf(weighted);
  const scale = t[SQUARES] > 0 && t[SQUARES] !== n ? n / t[SQUARES] : 1;
  if (scale === 1) return weighted;
  return { detractors: weighted.detractors * scale, passives: weighted.passives * scale, promoters: weighted.promoters * scale };
}

/** The answers' weight per category (their counts, unweighted). */
export function weightedCounts(t: Tally): Counts {
  let detractors = 0;
  let passives = 0;
  let promoters = 0;
  for (let s = 0; s <= 10; s++) {
    const c = classify(s);
    if (c === 'promoter') promoters += t[s];
    else if (c === 'passive') passives += t[s];
    else detractors += t[s];
  }
  return { detractors, passives, promoters };
}

export const sizeOf = (c: Counts): number => c.detractors + c.passives + c.promoters;
