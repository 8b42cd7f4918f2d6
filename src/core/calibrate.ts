/*
 * Weighting respondents to known totals of the people they were drawn from (the contacts a
 * survey was sent to), and the variance of NPS under those weights, as survey software computes
 * them (R's survey package: postStratify, rake, trimWeights, svymean).
 *
 * Respondents who share a cell (one level of every margin) share a weight, so everything here
 * works on cells: their respondent counts and answers, never a row each. NPS is the weighted mean
 * of y (+1 promoter, 0 passive, −1 detractor) times 100, a ratio estimator; its variance is by
 * linearization, each respondent's influence z = w (y − ȳ) / Σw, taken as residuals of the
 * calibration (its known totals carry no sampling error), then n/(n − 1) Σ (z − z̄)².
 */

import { entry } from './entry.js';
import { type Fold, mergeKeyed, recipe } from './fold.js';
import { criticalValue } from './normal.js';
import { addAnswer, mergeTallies, newTally, type Tally } from './tally.js';

/** Respondents alike in every margin: their level of each, how many, and their answers. */
export interface Cell {
  readonly levels: readonly string[];
  readonly n: number;
  readonly promoters: number;
  readonly detractors: number;
}

/** A variable whose total count is known for each level (the contacts by channel, say). */
export interface Margin {
  readonly name: string;
  readonly totals: ReadonlyMap<string, number>;
}

export interface CalibrationOptions {
  /** No weight above this multiple of the mean: the excess is shared among the others (Infinity: no cap). */
  readonly cap: number;
  /** Raking stops when every margin's weighted counts are within this share of the total of their targets. */
  readonly tolerance: number;
  /** Raking stops after this many sweeps, converged or not. */
  readonly maxIterations: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = { cap: 5, tolerance: 1e-10, maxIterations: 100 };

export type CalibrationMethod = 'post-stratification' | 'raking';

/** What the weights are like: Kish's effective n and efficiency (n_eff / n), and their spread. */
export interface WeightDiagnostics {
  readonly min: number;
  readonly max: number;
  /** Their coefficient of variation (standard deviation over mean, dividing by n). */
  readonly cv: number;
  readonly effectiveN: number;
  readonly efficiency: number;
}

export interface Calibration {
  readonly method: CalibrationMethod;
  /** Each cell's weight, per respondent, after the cap. */
  readonly weights: Float64Array;
  /** Each cell's weight as calibrated, before the cap: the calibration the variance credits. */
  readonly calibrated: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** Respondents whose weight the cap lowered. */
  readonly capped: number;
  readonly diagnostics: WeightDiagnostics;
}

/** A cell with contacts but no respondents, or respondents but no contacts: nothing can be weighted there. */
export class EmptyCell extends Error {
  constructor(
    readonly margin: string,
    readonly level: string,
    readonly side: 'respondents' | 'contacts',
  ) {
    super(
      `${margin} = ${level} has ` +
        `${side === 'respondents' ? 'contacts but no respondents' : 'respondents but no contacts'}`,
    );
  }
}

/**
 * Weights for the cells so that, for every margin, the weighted respondents of each level add up
 * to its total: one margin is post-stratification (exact, one step), several are raking (iterative
 * proportional fitting, from weight 1). Then the cap: weights above `cap` times the mean are set to
 * it and the excess shared equally among the rest, again until none is above (trimWeights, strict).
 */
export function calibrate(
  cells: readonly Cell[],
  margins: readonly Margin[],
  options = DEFAULT_CALIBRATION,
): Calibration {
  for (const [m, margin] of margins.entries()) {
    const answered = new Set(cells.filter((c) => c.n > 0).map((c) => c.levels[m]));
    for (const level of answered)
      if (!(margin.totals.get(level)! > 0)) throw new EmptyCell(margin.name, level, 'contacts');
    for (const [level, total] of margin.totals)
      if (total > 0 && !answered.has(level)) throw new EmptyCell(margin.name, level, 'respondents');
  }
  const weights = new Float64Array(cells.length).fill(1);
  let iterations = 0;
  let converged = false;
  const grand = margins.length > 0 ? [...margins[0].totals.values()].reduce((a, b) => a + b, 0) : 0;
  while (iterations < (margins.length === 1 ? 1 : options.maxIterations)) {
    iterations++;
    for (const [m, margin] of margins.entries()) {
      const sums = levelSums(cells, weights, m);
      for (let c = 0; c < cells.length; c++)
        weights[c] *= margin.totals.get(cells[c].levels[m])! / sums.get(cells[c].levels[m])!;
    }
    // How far the farthest level of any margin is from its total.
    let off = 0;
    for (const [m, margin] of margins.entries()) {
      const sums = levelSums(cells, weights, m);
      for (const [level, total] of margin.totals) off = Math.max(off, Math.abs((sums.get(level) ?? 0) - total));
    }
    if (off <= options.tolerance * grand) {
      converged = true;
      break;
    }
  }
  const calibrated = Float64Array.from(weights);
  capWeights(cells, weights, options.cap);
  const capped = cells.reduce((sum, cell, c) => sum + (weights[c] < calibrated[c] ? cell.n : 0), 0);
  return {
    method: margins.length === 1 ? 'post-stratification' : 'raking',
    weights,
    calibrated,
    iterations,
    converged,
    capped,
    diagnostics: diagnostics(cells, weights),
  };
}

/** Each level's weighted respondents, for margin m. */
function levelSums(cells: readonly Cell[], weights: Float64Array, m: number): Map<string, number> {
  const sums = new Map<string, number>();
  for (let c = 0; c < cells.length; c++) {
    const level = cells[c].levels[m];
    sums.set(level, (sums.get(level) ?? 0) + weights[c] * cells[c].n);
  }
  return sums;
}

/**
 * Caps the weights at `cap` times their mean, as R's trimWeights(strict = TRUE) does: the excess
 * is shared equally among the respondents not above the cap (those at it too), until none is.
 */
function capWeights(cells: readonly Cell[], weights: Float64Array, cap: number): void {
  if (!Number.isFinite(cap)) return;
  const n = cells.reduce((sum, c) => sum + c.n, 0);
  const upper = (cap * cells.reduce((sum, c, i) => sum + c.n * weights[i], 0)) / n;
  for (;;) {
    let excess = 0;
    let under = 0;
    for (let c = 0; c < cells.length; c++) {
      if (weights[c] > upper) excess += (weights[c] - upper) * cells[c].n;
      else under += cells[c].n;
    }
    if (excess === 0 || under === 0) break;
    for (let c = 0; c < cells.length; c++) {
      weights[c] = weights[c] > upper ? upper : weights[c] + excess / under;
    }
  }
}

function diagnostics(cells: readonly Cell[], weights: Float64Array): WeightDiagnostics {
  let n = 0;
  let sum = 0;
  let squares = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let c = 0; c < cells.length; c++) {
    if (cells[c].n === 0) continue;
    n += cells[c].n;
    sum += cells[c].n * weights[c];
    squares += cells[c].n * weights[c] * weights[c];
    min = Math.min(min, weights[c]);
    max = Math.max(max, weights[c]);
  }
  const mean = sum / n;
  const effectiveN = (sum * sum) / squares;
  return {
    min,
    max,
    cv: Math.sqrt(Math.max(0, squares / n - mean * mean)) / mean,
    effectiveN,
    efficiency: effectiveN / n,
  };
}

/**
 * The respondents whose cell has `level` at `index` of its levels (levels past the margins'
 * name a breakdown, such as the agent): NPS among them under the whole sample's weights, and its
 * standard error with everyone else's influence zero (as svyby does on a calibrated design).
 */
export interface Domain {
  readonly index: number;
  readonly level: string;
  /** The respondents whose level is not `level`: the rest. */
  readonly complement?: boolean;
}

/** A weighted NPS and its linearized standard error (both on the −100..100 scale). */
export interface WeightedNps {
  readonly nps: number;
  readonly standardError: number;
}

/**
 * NPS under a calibration, and its standard error by linearization with the calibration's
 * residuals: for post-stratification each respondent's influence less its cell's mean, for raking
 * the same projection on each margin in turn, ten sweeps (as svyrecvar does). Every respondent of
 * a cell has the same influence up to its answer, z = (w/W) y + a: only a per cell is tracked.
 */
export function calibratedNps(
  cells: readonly Cell[],
  margins: readonly Margin[],
  calibration: Calibration,
  domain?: Domain,
): WeightedNps {
  const { mean, scale, shift } = influence(cells, calibration.weights, domain);
  return { nps: 100 * mean, standardError: 100 * projectedSe(cells, margins, calibration, scale, shift) };
}

/**
 * The difference of two domains' NPS under one calibration (a period less the one before, a group
 * less the rest), its standard error from the difference of their influences, projected the same way.
 */
export function calibratedDifference(
  cells: readonly Cell[],
  margins: readonly Margin[],
  calibration: Calibration,
  a: Domain,
  b: Domain,
): WeightedNps {
  const x = influence(cells, calibration.weights, a);
  const y = influence(cells, calibration.weights, b);
  const scale = x.scale.map((s, c) => s - y.scale[c]);
  const shift = x.shift.map((s, c) => s - y.shift[c]);
  return {
    nps: 100 * (x.mean - y.mean),
    standardError: 100 * projectedSe(cells, margins, calibration, scale, shift),
  };
}

/** A domain's weighted mean of y, and its influence before projection: z = scale·y + shift within a cell. */
function influence(
  cells: readonly Cell[],
  weights: Float64Array,
  domain: Domain | undefined,
): { mean: number; scale: Float64Array; shift: Float64Array } {
  const inDomain = (c: number) =>
    domain === undefined || (cells[c].levels[domain.index] === domain.level) !== Boolean(domain.complement);
  let total = 0;
  let net = 0;
  for (let c = 0; c < cells.length; c++) {
    if (!inDomain(c)) continue;
    total += weights[c] * cells[c].n;
    net += weights[c] * (cells[c].promoters - cells[c].detractors);
  }
  const mean = net / total;
  // scale = w/W in the domain (0 outside), and the shift starts at −ȳ w/W.
  const scale = weights.map((w, c) => (inDomain(c) ? w / total : 0));
  return { mean, scale, shift: scale.map((s) => -mean * s) };
}

/**
 * The standard error of an influence z = scale·y + shift, once projected off the calibration's
 * margins (the shifts are changed in place): n/(n − 1) Σ (z − z̄)² over every respondent.
 */
function projectedSe(
  cells: readonly Cell[],
  margins: readonly Margin[],
  calibration: Calibration,
  scale: Float64Array,
  shift: Float64Array,
): number {
  const { calibrated } = calibration;
  const sweeps = calibration.method === 'raking' ? 10 : 1;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    for (let m = 0; m < margins.length; m++) {
      // Each level's mean of z / (calibrated weight), over its respondents.
      const sums = new Map<string, { z: number; n: number }>();
      for (let c = 0; c < cells.length; c++) {
        const cell = cells[c];
        const at = sums.get(cell.levels[m]) ?? { z: 0, n: 0 };
        at.z += (scale[c] * (cell.promoters - cell.detractors) + cell.n * shift[c]) / calibrated[c];
        at.n += cell.n;
        sums.set(cell.levels[m], at);
      }
      for (let c = 0; c < cells.length; c++) {
        const at = sums.get(cells[c].levels[m])!;
        shift[c] -= (calibrated[c] * at.z) / at.n;
      }
    }
  }
  // Σz and Σz² from each cell's answers (y sums to p − d, y² to p + d).
  let n = 0;
  let sumZ = 0;
  let sumZ2 = 0;
  for (let c = 0; c < cells.length; c++) {
    const { n: count, promoters, detractors } = cells[c];
    n += count;
    sumZ += scale[c] * (promoters - detractors) + count * shift[c];
    sumZ2 +=
      scale[c] * scale[c] * (promoters + detractors) +
      2 * scale[c] * shift[c] * (promoters - detractors) +
      count * shift[c] * shift[c];
  }
  return Math.sqrt(Math.max(0, (n / (n - 1)) * (sumZ2 - (sumZ * sumZ) / n)));
}

/**
 * The answers of each contact that answered, by its key (one contact may answer twice), and the
 * responses that matched no contact. A contact's columns are looked up by its key afterwards, so
 * any of them can make a cell or a breakdown; the contacts are held in memory anyway.
 */
export interface ContactAnswers {
  readonly answers: Map<string, Tally>;
  readonly unmatched: Tally;
}

/** Folds responses by their contact: `contactRole` is its key as a JSON string, or empty when none matched. */
export function contactAnswersFold(contactRole: string): Fold<ContactAnswers> {
  return {
    empty: () => ({ answers: new Map(), unmatched: newTally() }),
    add(state, row) {
      const contact = row.values[contactRole];
      const tally = contact === '' ? state.unmatched : entry(state.answers, JSON.parse(contact) as string, newTally);
      addAnswer(tally, row.score, row.weight, row.units);
    },
    merge(into, from) {
      mergeKeyed(into.answers, from.answers);
      mergeTallies(into.unmatched, from.unmatched);
    },
    recipe: recipe(import.meta.url, 'contactAnswersFold', contactRole),
  };
}

/** Wilson's score interval for a proportion k of n (R's prop.test without continuity correction). */
export function wilsonInterval(k: number, n: number, confidence: number): { lower: number; upper: number } {
  if (n === 0) return { lower: NaN, upper: NaN };
  const z = criticalValue(confidence);
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return { lower: Math.max(0, centre - half), upper: Math.min(1, centre + half) };
}
