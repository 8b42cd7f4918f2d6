import { classify } from './classify.js';
import { entry } from './entry.js';
import { type Fold, keyOfRoles, recipe } from './fold.js';
import { sigmoid } from './logistic.js';
import { bandOf, parseMeasure } from './measure.js';

/*
 * A saved model of expected detractors and promoters applied to contacts: each contact's cells
 * read as the model's bands and levels, its chances, and per agent the answers against them
 * (agents --case-mix). Fitting is in expected.ts; this is what scoring needs, and no more.
 */

export type Outcome = 'detractor' | 'promoter';

/** How a feature enters the model, learnt from the rows it is fitted on. */
export type Encoding =
  | {
      readonly kind: 'numeric';
      readonly name: string;
      /** Upper edges of every band but the last (a value at an edge is in the lower band). */
      readonly edges: readonly number[];
      /** Whether blank or unreadable cells have a term of their own. */
      readonly missing: boolean;
    }
  | {
      readonly kind: 'categorical';
      readonly name: string;
      /** The most common level: the others are against it. */
      readonly reference: string;
      /** Levels with a term of their own. */
      readonly kept: readonly string[];
      /** Whether rarer levels are pooled into "(other)", which has a term. */
      readonly other: boolean;
    };

/** How many terms a feature has (its reference has none). */
export const widthOf = (e: Encoding): number =>
  e.kind === 'numeric' ? e.edges.length + (e.missing ? 1 : 0) : e.kept.length + (e.other ? 1 : 0);

/**
 * Which of a feature's terms a cell falls in, −1 for its reference. A blank number with no term of
 * its own counts in the first band; a level unseen in training, or pooled, counts as "(other)"
 * when there is one, else as the reference.
 */
export function termOf(e: Encoding, value: number, text: string): number {
  if (e.kind === 'numeric') {
    if (Number.isNaN(value)) return e.missing ? e.edges.length : -1;
    return bandOf(value, e.edges) - 1;
  }
  const at = e.kept.indexOf(text);
  if (at >= 0) return at;
  return text !== e.reference && e.other ? e.kept.length : -1;
}

/** The level of an empty cell, as a model is fitted on it and scores it. */
export const BLANK_LEVEL = '(blank)';

/** A cell as the model reads it: its number, and its text ("(blank)" when empty). */
export const cellOf = (raw: string): { value: number; text: string } => {
  const text = raw.trim();
  return { value: parseMeasure(text), text: text === '' ? BLANK_LEVEL : text };
};

/** A model as saved: its features' encodings, each outcome's coefficients, and the training rows' shares of each band or level. */
export interface SavedModel {
  readonly format: 'npskit-model';
  readonly version: number;
  readonly features: readonly string[];
  readonly encodings: readonly Encoding[];
  readonly models: readonly { readonly outcome: Outcome; readonly coefficients: readonly number[] }[];
  readonly training: {
    readonly n: number;
    /** Each outcome's share of the training answers: the base rate a new file's forecasts are judged against. */
    readonly rates: readonly number[];
    /** Per feature, the share of training answers at its reference and at each term: what drift is measured from. */
    readonly shares: readonly (readonly number[])[];
  };
}

export const MODEL_VERSION = 1;

/** Each feature's term for one contact's cells (one per feature, in order): -1 at the reference. */
export const contactTerms = (model: SavedModel, cells: readonly { value: number; text: string }[]): number[] =>
  model.encodings.map((e, f) => termOf(e, cells[f].value, cells[f].text));

/** A saved model's chance of `outcome` for a contact whose features fall in these terms. */
export function chanceAt(model: SavedModel, outcome: number, terms: readonly number[]): number {
  const beta = model.models[outcome].coefficients;
  let eta = beta[0];
  let column = 1;
  model.encodings.forEach((e, f) => {
    if (terms[f] >= 0) eta += beta[column + terms[f]];
    column += widthOf(e);
  });
  return sigmoid(eta);
}

/** A saved model's chance of `outcome` for one contact's cells (one per feature, in order). */
export const chanceOf = (model: SavedModel, outcome: number, cells: readonly { value: number; text: string }[]) =>
  chanceAt(model, outcome, contactTerms(model, cells));

/**
 * The population stability index of shares `now` against the training shares `then`:
 * Σ (now − then) ln(now / then), empty bins given half an answer so that it stays finite.
 */
export function stability(then: readonly number[], now: readonly number[], n: number, trained: number): number {
  let psi = 0;
  for (let k = 0; k < then.length; k++) {
    const a = Math.max(now[k], 0.5 / n);
    const e = Math.max(then[k], 0.5 / trained);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}

/** One group's answers against what a saved model expects of the contacts it handled. */
interface CaseMixGroup {
  n: number;
  detractors: number;
  promoters: number;
  expectedDetractors: number;
  expectedPromoters: number;
  /** Σ Var(promoter − detractor) under the model: p_pro + p_det − (p_pro − p_det)². */
  variance: number;
}

export interface CaseMixState {
  readonly groups: Map<string, CaseMixGroup>;
  /** Per feature, the answers in each band or level (reference first): the shares drift is measured on. */
  readonly bins: number[][];
}

/**
 * Each group's (the values of `keyRoles`) observed detractors and promoters beside the model's
 * expected ones for the same contacts; nothing without a model.
 */
export function caseMixFold(
  model: SavedModel | null,
  featureRoles: readonly string[],
  keyRoles: readonly string[],
): Fold<CaseMixState> {
  const keyOf = keyOfRoles(keyRoles);
  const empty = (): CaseMixGroup => ({
    n: 0,
    detractors: 0,
    promoters: 0,
    expectedDetractors: 0,
    expectedPromoters: 0,
    variance: 0,
  });
  return {
    empty: () => ({
      groups: new Map(),
      bins: model ? model.training.shares.map((s) => new Array<number>(s.length).fill(0)) : [],
    }),
    add(state, { score, units, values }) {
      if (!model) return;
      // Each feature's band or level, found once for both outcomes and the drift's shares.
      const terms = contactTerms(
        model,
        featureRoles.map((role) => cellOf(values[role])),
      );
      const pDet = chanceAt(model, 0, terms);
      const pPro = chanceAt(model, 1, terms);
      const g = entry(state.groups, keyOf(values), empty);
      g.n += units;
      const category = classify(score);
      if (category === 'detractor') g.detractors += units;
      else if (category === 'promoter') g.promoters += units;
      g.expectedDetractors += units * pDet;
      g.expectedPromoters += units * pPro;
      g.variance += units * (pPro + pDet - (pPro - pDet) ** 2);
      terms.forEach((term, f) => {
        // Bin 0 is the reference (term -1).
        state.bins[f][1 + term] += units;
      });
    },
    merge(into, from) {
      for (const [key, g] of from.groups) {
        const mine = entry(into.groups, key, empty);
        mine.n += g.n;
        mine.detractors += g.detractors;
        mine.promoters += g.promoters;
        mine.expectedDetractors += g.expectedDetractors;
        mine.expectedPromoters += g.expectedPromoters;
        mine.variance += g.variance;
      }
      from.bins.forEach((counts, f) => {
        counts.forEach((c, k) => {
          into.bins[f][k] += c;
        });
      });
    },
    recipe: recipe(import.meta.url, 'caseMixFold', model, featureRoles, keyRoles),
  };
}
