import {
  BLANK_LEVEL,
  chanceAt,
  contactTerms,
  type Encoding,
  MODEL_VERSION,
  type Outcome,
  type SavedModel,
  termOf,
  widthOf,
} from './case-mix.js';
import { classify } from './classify.js';
import { quantileOfSorted } from './drivers.js';
import { type Fold, recipe } from './fold.js';
import { type Design, fitLogistic, type LogisticFit, predict } from './logistic.js';
import { parseMeasure } from './measure.js';
import { criticalValue, twoSidedP } from './normal.js';
import { fitOrdinal, type OrdinalFit } from './ordinal.js';
import { compareText } from './text.js';
import {
  type Auc,
  aucDeLong,
  brier,
  brierSkill,
  type Calibration,
  calibration,
  type Decile,
  deciles,
} from './validation.js';

/*
 * Expected NPS: the chance that an answer is a detractor (and a promoter) given what is known of
 * the contact before it is asked (handle time, wait, channel, queue), by ridge-penalised logistic
 * models (or one proportional-odds model of the answer), and how well that chance is known on
 * answers the model did not see. Numeric
 * features enter in quartile bands, categorical ones by level with rare levels pooled.
 */

/** Distinct texts kept per feature: a column with more is neither a category nor worth one. */
export const MAX_LEVELS = 1000;
/** Past this many distinct numbers, a feature of numbers is read as a measure (in bands), not as levels. */
const NUMERIC_LEVELS = 6;

/**
 * Answers a model is fitted on at most: every answer is held (about 100 bytes with five features),
 * and each fit passes over them all.
 */
export const MAX_MODEL_ROWS = 1_000_000;

/** The rows a model is fitted on: per answer its score, fold key, time and every feature's cell. */
export interface ModelRows {
  n: number;
  /** Answers past MAX_MODEL_ROWS, counted and not held. */
  dropped: number;
  scores: number[];
  times: number[];
  /** With --group, the value's hash (customer): whose answers share a fold. Without, none: a row's key is its place's hash. */
  keys: number[];
  /** Per feature: each row's number (NaN when its cell is not one). */
  numbers: number[][];
  /** Per feature: each row's cell as a level code (−1 blank, −2 past MAX_LEVELS). */
  codes: number[][];
  /** Per feature: the level texts, by code. */
  levels: string[][];
}

const BLANK = -1;
/** The code of a level past MAX_LEVELS: its feature is no set of levels. */
export const TOO_MANY = -2;

/** Collects the rows of a model: `roles` are the features' columns, `group` the customer's. */
export function modelFold(roles: readonly string[], group: string | undefined): Fold<ModelRows> {
  return {
    empty: () => ({
      n: 0,
      dropped: 0,
      scores: [],
      times: [],
      keys: [],
      numbers: roles.map(() => []),
      codes: roles.map(() => []),
      levels: roles.map(() => []),
    }),
    add(state, { score, time, values }) {
      if (state.n >= MAX_MODEL_ROWS) {
        state.dropped++;
        return;
      }
      state.n++;
      state.scores.push(score);
      state.times.push(time);
      if (group !== undefined) state.keys.push(hash(values[group]));
      for (let f = 0; f < roles.length; f++) {
        const cell = values[roles[f]].trim();
        state.numbers[f].push(parseMeasure(cell));
        state.codes[f].push(cell === '' ? BLANK : codeOf(state.levels[f], cell));
      }
    },
    merge(into, from) {
      into.dropped += from.dropped + Math.max(0, into.n + from.n - MAX_MODEL_ROWS);
      from = truncated(from, Math.min(from.n, MAX_MODEL_ROWS - into.n));
      into.n += from.n;
      for (let i = 0; i < from.n; i++) {
        into.scores.push(from.scores[i]);
        into.times.push(from.times[i]);
      }
      for (const key of from.keys) into.keys.push(key);
      for (let f = 0; f < roles.length; f++) {
        for (const v of from.numbers[f]) into.numbers[f].push(v);
        for (const c of from.codes[f]) into.codes[f].push(c < 0 ? c : codeOf(into.levels[f], from.levels[f][c]));
      }
    },
    recipe: recipe(import.meta.url, 'modelFold', roles, group),
  };
}

/** The first `n` rows of a part. */
const truncated = (rows: ModelRows, n: number): ModelRows =>
  n >= rows.n
    ? rows
    : {
        ...rows,
        n,
        scores: rows.scores.slice(0, n),
        times: rows.times.slice(0, n),
        keys: rows.keys.slice(0, n),
        numbers: rows.numbers.map((v) => v.slice(0, n)),
        codes: rows.codes.map((v) => v.slice(0, n)),
      };

/** Each list of level texts by text: a row's level is found in a Map, not by a scan of up to MAX_LEVELS texts. */
const levelCodes = new WeakMap<string[], Map<string, number>>();

/** A level's code, interned; TOO_MANY once a feature has MAX_LEVELS distinct texts. */
function codeOf(levels: string[], text: string): number {
  let codes = levelCodes.get(levels);
  if (codes === undefined) {
    codes = new Map(levels.map((level, code) => [level, code]));
    levelCodes.set(levels, codes);
  }
  const found = codes.get(text);
  if (found !== undefined) return found;
  if (levels.length >= MAX_LEVELS) return TOO_MANY;
  codes.set(text, levels.length);
  levels.push(text);
  return levels.length - 1;
}

/** FNV-1a of a text: which fold a customer's answers fall in, the same on every run. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Whether each feature is a measure or a set of levels, by its values: numbers with more than six distinct values are measures. */
export function featureKinds(rows: ModelRows): ('numeric' | 'categorical')[] {
  return rows.numbers.map((numbers, f) => {
    const distinct = new Set<number>();
    let filled = 0;
    let readable = 0;
    for (let i = 0; i < rows.n; i++) {
      if (rows.codes[f][i] === BLANK) continue;
      filled++;
      if (Number.isNaN(numbers[i])) continue;
      readable++;
      if (distinct.size <= NUMERIC_LEVELS) distinct.add(numbers[i]);
    }
    return filled > 0 && readable === filled && distinct.size > NUMERIC_LEVELS ? 'numeric' : 'categorical';
  });
}

/** The encodings of the features, learnt from the rows `used` (training rows only). */
export function learnEncodings(
  rows: ModelRows,
  names: readonly string[],
  kinds: readonly ('numeric' | 'categorical')[],
  used: readonly number[],
  minLevel: number,
): Encoding[] {
  return names.map((name, f): Encoding => {
    if (kinds[f] === 'numeric') {
      const values = Float64Array.from(used.map((i) => rows.numbers[f][i]).filter((v) => !Number.isNaN(v))).sort();
      const edges: number[] = [];
      for (const q of [0.25, 0.5, 0.75]) {
        const edge = quantileOfSorted(values, q);
        // Ties at a quartile (or few values) leave fewer bands: never an empty band.
        if (edge < values[values.length - 1] && (edges.length === 0 || edge > edges[edges.length - 1]))
          edges.push(edge);
      }
      return { kind: 'numeric', name, edges, missing: values.length < used.length };
    }
    const counts = new Map<string, number>();
    for (const i of used) {
      const text = levelText(rows, f, i);
      counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    const byCount = [...counts].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
    const reference = byCount[0]?.[0] ?? BLANK_LEVEL;
    const kept = byCount
      .slice(1)
      .filter(([, count]) => count >= minLevel)
      .map(([text]) => text)
      .sort(compareText);
    const pooled = byCount.slice(1).filter(([, count]) => count < minLevel);
    return { kind: 'categorical', name, reference, kept, other: pooled.length > 0 };
  });
}

const levelText = (rows: ModelRows, f: number, i: number): string => {
  const code = rows.codes[f][i];
  return code === BLANK ? BLANK_LEVEL : code === TOO_MANY ? '(many)' : rows.levels[f][code];
};

/** The terms (columns after the intercept) of the encodings, as people read them. */
export function termsOf(encodings: readonly Encoding[]): { feature: string; term: string }[] {
  const terms: { feature: string; term: string }[] = [];
  for (const e of encodings) {
    if (e.kind === 'numeric') {
      for (let b = 1; b <= e.edges.length; b++) terms.push({ feature: e.name, term: bandLabel(e.edges, b) });
      if (e.missing) terms.push({ feature: e.name, term: BLANK_LEVEL });
    } else {
      for (const level of e.kept) terms.push({ feature: e.name, term: level });
      if (e.other) terms.push({ feature: e.name, term: '(other)' });
    }
  }
  return terms;
}

/** The reference each feature's terms are against: its first band, its commonest level. */
const referenceOf = (e: Encoding): string => (e.kind === 'numeric' ? bandLabel(e.edges, 0) : e.reference);

function bandLabel(edges: readonly number[], band: number): string {
  if (edges.length === 0) return 'all';
  if (band === 0) return `≤ ${edges[0]}`;
  if (band === edges.length) return `> ${edges[band - 1]}`;
  return `${edges[band - 1]} < x ≤ ${edges[band]}`;
}

/** The model's rows `which` as a design: 1, then each feature's indicator columns. */
export function designOf(rows: ModelRows, encodings: readonly Encoding[], which: readonly number[]): Design {
  const p = encodings.reduce((columns, e) => columns + widthOf(e), 1);
  const x = new Float64Array(which.length * p);
  which.forEach((i, r) => {
    const row = r * p;
    x[row] = 1;
    let column = 1;
    encodings.forEach((e, f) => {
      const term = termOf(e, rows.numbers[f][i], levelText(rows, f, i));
      if (term >= 0) x[row + column + term] = 1;
      column += widthOf(e);
    });
  });
  return { x, n: which.length, p };
}

/** The models of `expectedModels` as saved, with the shares of their training rows. */
export function savedModel(rows: ModelRows, names: readonly string[], models: readonly FittedModel[]): SavedModel {
  const { encodings, train } = models[0];
  const shares = binCounts(rows, encodings, train).map((counts) => counts.map((c) => c / train.length));
  return {
    format: 'npskit-model',
    version: MODEL_VERSION,
    features: names,
    encodings,
    models: models.map((m) => ({ outcome: m.outcome, coefficients: Array.from(m.fit.coefficients) })),
    training: {
      n: train.length,
      rates: models.map((m) => train.filter((i) => isOutcome(rows.scores[i], m.outcome)).length / train.length),
      shares,
    },
  };
}

/**
 * A saved model judged on answers of another file: every row scored, against the base rates of
 * its training answers (a forecast made without the model).
 */
export function validateSaved(rows: ModelRows, model: SavedModel, confidence: number): Validation[] {
  // Each row's bands and levels found once, for every outcome's chance.
  const chances: number[][] = model.models.map(() => []);
  for (let i = 0; i < rows.n; i++) {
    const terms = contactTerms(
      model,
      model.features.map((_, f) => ({ value: rows.numbers[f][i], text: levelText(rows, f, i) })),
    );
    chances.forEach((p, k) => {
      p.push(chanceAt(model, k, terms));
    });
  }
  return model.models.map(({ outcome }, k) => {
    const y = rows.scores.map((score) => (isOutcome(score, outcome) ? 1 : 0));
    const base = new Array<number>(rows.n).fill(model.training.rates[k]);
    return validate(outcome, chances[k], y, base, undefined, confidence);
  });
}

/** Each feature's answers in each band or level of a saved model (its reference first): what drift is measured on. */
export const binsOf = (rows: ModelRows, model: SavedModel): number[][] => binCounts(rows, model.encodings);

/** Per feature, the rows (those of `which`, else all) in each band or level, the reference first. */
function binCounts(rows: ModelRows, encodings: readonly Encoding[], which?: readonly number[]): number[][] {
  return encodings.map((e, f) => {
    const counts = new Array<number>(widthOf(e) + 1).fill(0);
    const add = (i: number) => {
      counts[1 + termOf(e, rows.numbers[f][i], levelText(rows, f, i))]++;
    };
    if (which) which.forEach(add);
    else for (let i = 0; i < rows.n; i++) add(i);
    return counts;
  });
}

const OUTCOMES: readonly Outcome[] = ['detractor', 'promoter'];
const isOutcome = (score: number, outcome: Outcome) => classify(score) === outcome;

export interface Validation {
  readonly outcome: Outcome;
  /** Answers scored on a model that did not see them. */
  readonly n: number;
  readonly baseRate: number;
  readonly auc: Auc;
  readonly brier: number;
  /** Against each training part's own base rate. */
  readonly skillVsBase: number;
  /** Against a model of the reference feature alone (channel), when there is one. */
  readonly skillVsReference?: number;
  readonly calibration: Calibration;
  readonly deciles: Decile[];
  /** Usable: the AUC's interval is above 0.5 and the calibration is not poor. */
  readonly usable: boolean;
  readonly reasons: readonly string[];
}

export interface ModelSettings {
  readonly names: readonly string[];
  readonly kinds: readonly ('numeric' | 'categorical')[];
  readonly minLevel: number;
  readonly penalty: number;
  /**
   * One logistic model per outcome, or one proportional-odds model of the 0-10 answer whose
   * cut-points between 6 and 7 and between 8 and 9 give both outcomes.
   */
  readonly model: 'logistic' | 'ordinal';
  readonly confidence: number;
  /** Feature index of the reference model (channel), if any. */
  readonly reference?: number;
  /** k folds by key, or an out-of-time split: training rows before `trainUntil` (a wall time). */
  readonly split: { readonly folds: number } | { readonly trainUntil: number };
}

interface FittedModel {
  readonly outcome: Outcome;
  readonly encodings: Encoding[];
  readonly fit: LogisticFit;
  /** The rows the model was fitted on. */
  readonly train: readonly number[];
}

/** The parts of a validation: each a set of training rows and the rows scored by their model. */
function parts(rows: ModelRows, split: ModelSettings['split']): { train: number[]; test: number[] }[] {
  const all = Array.from({ length: rows.n }, (_, i) => i);
  if ('trainUntil' in split) {
    return [
      {
        train: all.filter((i) => rows.times[i] < split.trainUntil),
        test: all.filter((i) => rows.times[i] >= split.trainUntil),
      },
    ];
  }
  // Without --group, each row is its own customer, keyed by its place.
  const keys = rows.keys.length === rows.n ? rows.keys : all.map((i) => hash(String(i)));
  return Array.from({ length: split.folds }, (_, k) => ({
    train: all.filter((i) => keys[i] % split.folds !== k),
    test: all.filter((i) => keys[i] % split.folds === k),
  }));
}

/**
 * Both outcomes' models on rows `train` with the features `features` (indexes): their bands and
 * levels learnt once, one design, and with --model ordinal one fit giving both.
 */
function fitOn(
  rows: ModelRows,
  settings: ModelSettings,
  train: readonly number[],
  features: readonly number[],
): FittedModel[] {
  const used = subset(rows, features);
  const encodings = learnEncodings(
    used,
    features.map((f) => settings.names[f]),
    features.map((f) => settings.kinds[f]),
    train,
    settings.minLevel,
  );
  const design = designOf(used, encodings, train);
  const ordinal = settings.model === 'ordinal' ? ordinalOn(design, rows, train, settings.penalty) : undefined;
  return OUTCOMES.map((outcome) => ({
    outcome,
    encodings,
    train,
    fit: ordinal
      ? asOutcome(ordinal, outcome)
      : fitLogistic(
          design,
          Float64Array.from(train, (i) => (isOutcome(rows.scores[i], outcome) ? 1 : 0)),
          { penalty: settings.penalty },
        ),
  }));
}

/** The proportional-odds model on a design's rows (its intercept column dropped), and the categories present. */
function ordinalOn(
  design: Design,
  rows: ModelRows,
  train: readonly number[],
  penalty: number,
): { fit: OrdinalFit; present: number[] } {
  const p = design.p - 1;
  const x = new Float64Array(design.n * p);
  for (let i = 0; i < design.n; i++) x.set(design.x.subarray(i * design.p + 1, (i + 1) * design.p), i * p);
  // The categories present, in order: each answer's index among them.
  const present = [...new Set(train.map((i) => rows.scores[i]))].sort((a, b) => a - b);
  const y = train.map((i) => present.indexOf(rows.scores[i]));
  return { fit: fitOrdinal({ x, n: design.n, p }, y, present.length, { penalty }), present };
}

/**
 * An outcome of the proportional-odds model as a logistic one. logit P(Y ≤ 6) = ζ₆ − xβ: a
 * detractor's intercept is the cut-point above 6 and its slopes −β; logit P(Y ≥ 9) = xβ − ζ₈: a
 * promoter's intercept is minus the cut-point above 8, its slopes β. So both outcomes score, save
 * and validate as the logistic models do.
 */
function asOutcome({ fit, present }: { fit: OrdinalFit; present: number[] }, outcome: Outcome): LogisticFit {
  const p = fit.coefficients.length;
  // The cut-point above the last category at or below 6 (detractor), or at or below 8 (promoter).
  const cut = present.filter((score) => score <= (outcome === 'detractor' ? 6 : 8)).length - 1;
  const sign = outcome === 'detractor' ? -1 : 1;
  const q = p + present.length - 1;
  // (intercept, slopes) = (−sign ζ_cut, sign β), and their covariance from (β, ζ)'s.
  const index = [p + cut, ...Array.from({ length: p }, (_, j) => j)];
  const scale = [-sign, ...Array<number>(p).fill(sign)];
  const coefficients = Float64Array.from(index, (k, r) => scale[r] * (k < p ? fit.coefficients[k] : fit.cuts[k - p]));
  const covariance = new Float64Array((p + 1) * (p + 1));
  for (let r = 0; r <= p; r++)
    for (let c = 0; c <= p; c++)
      covariance[r * (p + 1) + c] = scale[r] * scale[c] * fit.covariance[index[r] * q + index[c]];
  return { coefficients, covariance, iterations: fit.iterations, converged: fit.converged, deviance: fit.deviance };
}

/** The rows with only the features `features`, in that order. */
const subset = (rows: ModelRows, features: readonly number[]): ModelRows => ({
  ...rows,
  numbers: features.map((f) => rows.numbers[f]),
  codes: features.map((f) => rows.codes[f]),
  levels: features.map((f) => rows.levels[f]),
});

/** Each outcome's chance for the rows `which`, under models of one fitOn (one design for both). */
function score(
  rows: ModelRows,
  models: readonly FittedModel[],
  which: readonly number[],
  features: readonly number[],
): Float64Array[] {
  const design = designOf(subset(rows, features), models[0].encodings, which);
  return models.map((m) => predict(design, m.fit.coefficients));
}

/** Validates and fits the model of each outcome. */
export function expectedModels(
  rows: ModelRows,
  settings: ModelSettings,
): { models: FittedModel[]; validations: Validation[] } {
  const all = settings.names.map((_, f) => f);
  const reference = settings.reference;
  // Per outcome, over every part: the chances on the rows held out, the outcomes, the part's base rate.
  const p = OUTCOMES.map((): number[] => []);
  const y = OUTCOMES.map((): number[] => []);
  const base = OUTCOMES.map((): number[] => []);
  const simpler = OUTCOMES.map((): number[] => []);
  const split = parts(rows, settings.split);
  for (const { train, test } of split) {
    if (train.length === 0 || test.length === 0) continue;
    const chances = score(rows, fitOn(rows, settings, train, all), test, all);
    const only =
      reference === undefined ? undefined : score(rows, fitOn(rows, settings, train, [reference]), test, [reference]);
    OUTCOMES.forEach((outcome, k) => {
      for (const v of chances[k]) p[k].push(v);
      let events = 0;
      for (const i of train) events += isOutcome(rows.scores[i], outcome) ? 1 : 0;
      for (const i of test) {
        y[k].push(isOutcome(rows.scores[i], outcome) ? 1 : 0);
        base[k].push(events / train.length);
      }
      if (only) for (const v of only[k]) simpler[k].push(v);
    });
  }
  const validations = OUTCOMES.map((outcome, k) =>
    validate(outcome, p[k], y[k], base[k], reference === undefined ? undefined : simpler[k], settings.confidence),
  );
  // The models kept: on every row, or on the training rows of an out-of-time split (the one validated).
  const kept = 'trainUntil' in settings.split ? split[0].train : Array.from({ length: rows.n }, (_, i) => i);
  return { models: fitOn(rows, settings, kept, all), validations };
}

/** Calibration is poor when its slope or intercept is off by a material amount, beyond chance. */
const SLOPE_RANGE: readonly [number, number] = [0.8, 1.25];
const INTERCEPT_LIMIT = 0.25;

function validate(
  outcome: Outcome,
  p: number[],
  y: number[],
  base: number[],
  reference: number[] | undefined,
  confidence: number,
): Validation {
  const n = y.length;
  const events = y.reduce((s, v) => s + v, 0);
  const auc = aucDeLong(p, y, confidence);
  const b = brier(p, y);
  const cal = calibration(p, y, confidence);
  const reasons: string[] = [];
  if (!(auc.lower > 0.5))
    reasons.push(
      `its AUC interval (${auc.lower.toFixed(3)} to ${auc.upper.toFixed(3)}) does not lie above 0.5, chance`,
    );
  const [s0, s1] = cal.slopeInterval;
  if ((s1 < 1 || s0 > 1) && (cal.slope < SLOPE_RANGE[0] || cal.slope > SLOPE_RANGE[1]))
    reasons.push(`its calibration slope is ${cal.slope.toFixed(2)}, outside ${SLOPE_RANGE[0]} to ${SLOPE_RANGE[1]}`);
  const [a0, a1] = cal.interceptInterval;
  if ((a1 < 0 || a0 > 0) && Math.abs(cal.intercept) > INTERCEPT_LIMIT)
    reasons.push(`its calibration intercept is ${cal.intercept.toFixed(2)}, beyond ±${INTERCEPT_LIMIT}`);
  return {
    outcome,
    n,
    baseRate: n === 0 ? Number.NaN : events / n,
    auc,
    brier: b,
    skillVsBase: brierSkill(b, brier(base, y)),
    skillVsReference: reference ? brierSkill(b, brier(reference, y)) : undefined,
    calibration: cal,
    deciles: deciles(p, y),
    usable: reasons.length === 0,
    reasons,
  };
}

/** A coefficient as an odds ratio with its Wald interval and p (the penalised fit's, approximate when λ > 0). */
export function oddsRatios(model: FittedModel, confidence: number) {
  const terms = termsOf(model.encodings);
  const z = criticalValue(confidence);
  const p = model.fit.coefficients.length;
  return terms.map(({ feature, term }, k) => {
    const j = k + 1;
    const beta = model.fit.coefficients[j];
    const se = Math.sqrt(model.fit.covariance[j * p + j]);
    return {
      feature,
      term,
      reference: referenceOf(model.encodings.find((e) => e.name === feature)!),
      oddsRatio: Math.exp(beta),
      lower: Math.exp(beta - z * se),
      upper: Math.exp(beta + z * se),
      p: twoSidedP(beta / se),
    };
  });
}
