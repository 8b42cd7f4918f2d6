import { classify } from './classify.js';

/**
 * How many answers gave each score 0..10 (slots 0-10), and the sum of their squared weights
 * (slot 11; of the promoters' alone in slot 14, the detractors' in 15), all stored multiplied by
 * the factor in slot 12; slot 13 counts the answers, whatever their weights. Commands fold rows
 * into tallies, so memory grows with the number of groups, never with the number of rows.
 * Unweighted, every answer weighs 1: the counts are counts, and slot 11 equals their sum (or stays
 * 0 where a tally is made by counting alone).
 */
export type Tally = Float64Array;

/** Slot of the sum of squared weights: with the sum of weights, it gives Kish's effective n. */
const SQUARES = 11;
/**
 * Slot of the power of two every other slot is stored multiplied by. Weighted figures do not depend
 * on the weights' scale (weights all 1 aside, which are no weights: see designSize), but weights near 1e-200 square to nothing and near 1e200 past the largest
 * number: stored near 1 instead, they compute. Powers of two multiply exactly, so the figures are
 * the same bits whatever the factor.
 */
const FACTOR = 12;
/** Slot of the number of answers: weighted, what `n` says (their weight is another figure). */
const COUNT = 13;
/** Slots of the squared weights of the promoters and of the detractors: with weights, the linearized variance. */
const PROMOTER_SQUARES = 14;
const DETRACTOR_SQUARES = 15;
/** The slots that hold squared weights, scaled by the factor's square. */
const isSquares = (s: number) => s === SQUARES || s === PROMOTER_SQUARES || s === DETRACTOR_SQUARES;
/** Every slot a tally adds up, in order. */
const SUMMED = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, SQUARES, PROMOTER_SQUARES, DETRACTOR_SQUARES];
const LARGE = 2 ** 400;
const SMALL = 2 ** -400;

export const newTally = (): Tally => {
  const t = new Float64Array(16);
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
  const squares = units === 1 ? w * w : (w * w) / units;
  t[SQUARES] += squares;
  const category = classify(score);
  if (category === 'promoter') t[PROMOTER_SQUARES] += squares;
  else if (category === 'detractor') t[DETRACTOR_SQUARES] += squares;
  t[COUNT] += units;
}

function isEmpty(t: Tally): boolean {
  for (let s = 0; s <= SQUARES; s++) if (t[s] !== 0) return false;
  return true;
}

/** Stores the tally multiplied by `factor` instead. */
function rebase(t: Tally, factor: number): void {
  const by = factor / t[FACTOR];
  for (const s of SUMMED) t[s] = isSquares(s) ? t[s] * by * by : t[s] * by;
  t[FACTOR] = factor;
}

/** `t`'s slot `s` at `factor`. */
function at(t: Tally, s: number, factor: number): number {
  const by = factor / t[FACTOR];
  return isSquares(s) ? t[s] * by * by : t[s] * by;
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
  for (const s of SUMMED) into[s] += at(from, s, factor);
  return into;
}

/** Every answer in `total` that is not in `part` (a group's "rest"). */
export function restOf(total: Tally, part: Tally): Tally {
  const rest = newTally();
  const factor = total[FACTOR];
  rest[FACTOR] = factor;
  for (const s of SUMMED) rest[s] = total[s] - at(part, s, factor);
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
 * The n the intervals and tests count on. Unweighted, the answers. Weighted, the n whose simple
 * random sample would give NPS the variance that linearization gives it, as survey software
 * computes it for a ratio estimator (R's svymean on svydesign(ids = ~1, weights = ~w)):
 * V = m/(m − 1) Σ w²(y − ȳ)² / (Σ w)², with y = +1, 0, −1 and m answers, against the spread of y
 * (the weighted mean of y², less ȳ²). Kish's effective n is used where that cannot be computed
 * (every answer in one category, one answer).
 */
export function designSize(t: Tally): number {
  return weighted(t) ? (linearizedSize(t) ?? effectiveSize(t)) : storedWeight(t);
}

/** Whether the tally's answers carry weights other than 1 each. */
const weighted = (t: Tally): boolean => t[SQUARES] > 0 && t[SQUARES] !== storedWeight(t);

/** The linearized n of `designSize`, undefined where it cannot be computed. */
function linearizedSize(t: Tally): number | undefined {
  const { promoters, detractors } = categories(t, 1);
  const n = storedWeight(t);
  const m = t[COUNT] > 0 ? t[COUNT] : n;
  const mean = (promoters - detractors) / n;
  const spread = (promoters + detractors) / n - mean * mean;
  const pro = t[PROMOTER_SQUARES];
  const det = t[DETRACTOR_SQUARES];
  const deviations = pro * (1 - mean) ** 2 + det * (1 + mean) ** 2 + (t[SQUARES] - pro - det) * mean * mean;
  const variance = ((m / (m - 1)) * deviations) / (n * n);
  const size = spread / variance;
  return m > 1 && spread > 0 && Number.isFinite(size) && size > 0 ? size : undefined;
}

/**
 * A copy of `t` whose design n (designSize) is `n`: how a design (clusters) states the precision it
 * leaves, for intervals and tests that read it. Its squared weights are scaled by one factor, so
 * Kish's n keeps its ratio to the design n.
 */
export function withDesignSize(t: Tally, n: number): Tally {
  const copy = Float64Array.from(t);
  const stored = storedWeight(t);
  if (!(copy[SQUARES] > 0)) {
    // Counted alone: every answer weighs 1.
    const { promoters, detractors } = categories(t, 1);
    copy[SQUARES] = stored;
    copy[PROMOTER_SQUARES] = promoters;
    copy[DETRACTOR_SQUARES] = detractors;
  }
  const kish = (stored * stored) / copy[SQUARES];
  // The linearized n is Kish's times a ratio the scaling keeps: scale to make the one used n.
  const current = linearizedSize(copy) ?? kish;
  const by = current / n;
  for (const s of [SQUARES, PROMOTER_SQUARES, DETRACTOR_SQUARES]) copy[s] *= by;
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
 * The answers per category as the statistics count them: with weights, the weighted shares of the
 * design n (so intervals and tests have the precision the weights leave, by linearization);
 * without, the counts themselves.
 */
export function countsOf(t: Tally): Counts {
  const stored = categories(t, 1);
  if (!weighted(t)) return stored;
  const scale = designSize(t) / sizeOf(stored);
  return {
    detractors: stored.detractors * scale,
    passives: stored.passives * scale,
    promoters: stored.promoters * scale,
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
