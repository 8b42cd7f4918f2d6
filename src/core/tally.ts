import { classify } from './classify.js';

/**
 * How many answers gave each score 0..10 (slots 0-10), and the sum of their squared weights
 * (slot 11), all stored multiplied by the factor in slot 12; slot 13 counts the answers, whatever
 * their weights. Commands fold rows into tallies, so memory grows with the number of groups, never
 * with the number of rows. Unweighted, every answer weighs 1: the counts are counts, and slot 11
 * equals their sum (or stays 0 where a tally is made by counting alone).
 */
export type Tally = Float64Array;

/** Slot of the sum of squared weights: with the sum of weights, it gives Kish's effective n. */
const SQUARES = 11;
/**
 * Slot of the power of two every other slot is stored multiplied by. Weighted figures do not depend
 * on the weights' scale, but weights near 1e-200 square to nothing and near 1e200 past the largest
 * number: stored near 1 instead, they compute. Powers of two multiply exactly, so the figures are
 * the same bits whatever the factor.
 */
const FACTOR = 12;
/** Slot of the number of answers: weighted, what `n` says (their weight is another figure). */
const COUNT = 13;
const LARGE = 2 ** 400;
const SMALL = 2 ** -400;

export const newTally = (): Tally => {
  const t = new Float64Array(14);
  t[FACTOR] = 1;
  return t;
};

/**
 * Adds `units` answers (1, or a --counts row's count) of total weight `weight` (1 each unless
 * --weight): each weighs weight / units, so their squares sum to weight^2 / units.
 */
export function addAnswer(t: Tally, score: number, weight = 1, units = 1): void {
  let w = weight * t[FACTOR];
  // A weight far below the ones already added adds nothing they would notice; one far above, or
  // the first, sets the factor.
  if ((w > LARGE || (w < SMALL && w > 0 && isEmpty(t))) && Number.isFinite(weight)) {
    rebase(t, 2 ** -Math.round(Math.log2(weight)));
    w = weight * t[FACTOR];
  }
  t[score] += w;
  t[SQUARES] += units === 1 ? w * w : (w * w) / units;
  t[COUNT] += units;
}

function isEmpty(t: Tally): boolean {
  for (let s = 0; s <= SQUARES; s++) if (t[s] !== 0) return false;
  return true;
}

/** Stores the tally multiplied by `factor` instead. */
function rebase(t: Tally, factor: number): void {
  const by = factor / t[FACTOR];
  for (let s = 0; s < SQUARES; s++) t[s] *= by;
  t[SQUARES] = t[SQUARES] * by * by;
  t[FACTOR] = factor;
}

/** `t`'s slot `s` at `factor`. */
function at(t: Tally, s: number, factor: number): number {
  const by = factor / t[FACTOR];
  return s === SQUARES ? t[s] * by * by : t[s] * by;
}

export function tallyOf(scores: Iterable<number>): Tally {
  const t = newTally();
  for (const s of scores) addAnswer(t, s);
  return t;
}

export function mergeTallies(into: Tally, from: Tally): Tally {
  into[COUNT] += from[COUNT];
  if (isEmpty(from)) return into;
  // The smaller factor keeps both in range: the larger one's weights dwarf the other's.
  if (isEmpty(into)) into[FACTOR] = from[FACTOR];
  else if (from[FACTOR] < into[FACTOR]) rebase(into, from[FACTOR]);
  const factor = into[FACTOR];
  for (let s = 0; s <= SQUARES; s++) into[s] += at(from, s, factor);
  return into;
}

/** Every answer in `total` that is not in `part` (a group's "rest"). */
export function restOf(total: Tally, part: Tally): Tally {
  const rest = newTally();
  const factor = total[FACTOR];
  rest[FACTOR] = factor;
  for (let s = 0; s <= SQUARES; s++) rest[s] = total[s] - at(part, s, factor);
  rest[COUNT] = total[COUNT] - part[COUNT];
  return rest;
}

/** The answers' total weight (their number, unweighted): Infinity when past the largest number. */
export function weightOf(t: Tally): number {
  let n = 0;
  for (let s = 0; s <= 10; s++) n += t[s];
  return n / t[FACTOR];
}

/**
 * How many answers the tally holds, whatever their weights (a --counts row's count stands for that
 * many). A tally made by counting alone holds counts in its score slots.
 */
export const answersOf = (t: Tally): number => (t[COUNT] > 0 ? t[COUNT] : storedWeight(t) / t[FACTOR]);

/** The stored sum of weights, at the tally's factor: what ratios with slot 11 are taken of. */
function storedWeight(t: Tally): number {
  let n = 0;
  for (let s = 0; s <= 10; s++) n += t[s];
  return n;
}

/**
 * Kish's effective sample size, (sum of w)^2 / sum of w^2: the number of unweighted answers that
 * would be as precise. Equal to n without weights.
 */
export function effectiveSize(t: Tally): number {
  const n = storedWeight(t);
  return t[SQUARES] > 0 ? (n * n) / t[SQUARES] : n;
}

/**
 * A copy of `t` whose effective n is `n`: how a design (clusters) states the precision it leaves,
 * for intervals and tests that read the precision as Kish's effective n.
 */
export function withEffectiveSize(t: Tally, n: number): Tally {
  const copy = Float64Array.from(t);
  const stored = storedWeight(t);
  copy[SQUARES] = (stored * stored) / n;
  return copy;
}

/**
 * Whether weighted figures can be shown: the tally's factor keeps the ratios in range, but the
 * weights' sum itself can lie past the largest number (many weights near 1e308).
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
  const weighted = categories(t, 1);
  const n = sizeOf(weighted);
  const scale = t[SQUARES] > 0 && t[SQUARES] !== n ? n / t[SQUARES] : 1;
  if (scale === 1) return weighted;
  return {
    detractors: weighted.detractors * scale,
    passives: weighted.passives * scale,
    promoters: weighted.promoters * scale,
  };
}

/** The answers' weight per category (their counts, unweighted). */
export const weightedCounts = (t: Tally): Counts => categories(t, t[FACTOR]);

/** The answers' weight per score 0..10 (their counts, unweighted). */
export const distributionOf = (t: Tally): number[] => Array.from(t.subarray(0, 11), (w) => w / t[FACTOR]);

/** The stored weights per category, divided by `factor`. */
function categories(t: Tally, factor: number): Counts {
  let detractors = 0;
  let passives = 0;
  let promoters = 0;
  for (let s = 0; s <= 10; s++) {
    const c = classify(s);
    if (c === 'promoter') promoters += t[s];
    else if (c === 'passive') passives += t[s];
    else detractors += t[s];
  }
  if (factor !== 1)
    return { detractors: detractors / factor, passives: passives / factor, promoters: promoters / factor };
  return { detractors, passives, promoters };
}

export const sizeOf = (c: Counts): number => c.detractors + c.passives + c.promoters;
