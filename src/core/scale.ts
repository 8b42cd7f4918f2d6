import type { Tally } from './tally.js';

/**
 * Whether answers look like some other scale than 0-10 (a 1-5 satisfaction score, a 1-7 effort
 * score, a 1-11 recode of the NPS question): classifying those as NPS would give confident nonsense.
 * Returns a description of the problem, or undefined when the answers can be 0-10.
 * `aboveTen` counts the answers that were excluded for being out of range.
 */
export function scaleProblem(t: Tally, aboveTen: number): string | undefined {
  let n = 0;
  let max = -1;
  for (let s = 0; s <= 10; s++) {
    n += t[s];
    if (t[s] > 0) max = s;
  }
  if (t[0] > 0 || n === 0) return undefined;
  if (aboveTen > 0 && aboveTen >= 0.02 * (n + aboveTen)) {
    return `no answer is 0 and ${aboveTen} are outside 0-10: this looks like a 1-11 scale`;
  }
  if (n >= 10 && max <= 5) return `all ${n} answers are between 1 and ${max}: this looks like a 1-5 scale, not 0-10`;
  if (n >= 30 && max <= 7) return `all ${n} answers are between 1 and ${max}: this looks like a 1-7 scale, not 0-10`;
  return undefined;
}
