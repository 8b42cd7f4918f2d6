import { classify } from './classify.js';

/**
 * How many answers gave each score 0..10. Commands fold rows into tallies, so memory grows with
 * the number of groups, never with the number of rows. Float64 so that weights can be added.
 */
export type Tally = Float64Array;

export const newTally = (): Tally => new Float64Array(11);

export function tallyOf(scores: Iterable<number>): Tally {
  const t = newTally();
  for (const s of scores) t[s] += 1;
  return t;
}

export function mergeTallies(into: Tally, from: Tally): Tally {
  for (let s = 0; s <= 10; s++) into[s] += from[s];
  return into;
}

/** Every answer in `total` that is not in `part` (a group's "rest"). */
export function restOf(total: Tally, part: Tally): Tally {
  const rest = newTally();
  for (let s = 0; s <= 10; s++) rest[s] = total[s] - part[s];
  return rest;
}

/** Answers per category; n is their sum. */
export interface Counts {
  readonly detractors: number;
  readonly passives: number;
  readonly promoters: number;
}

export function countsOf(t: Tally): Counts {
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
