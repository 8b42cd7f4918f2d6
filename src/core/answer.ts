/**
 * Reading one raw 0-10 answer as survey tools export it: `9`, ` 7 `, `7.0`, `10 - Extremely likely`,
 * `9 (Mycket sannolikt)`. Returns the score, or a negative code saying why the cell is not one.
 */
export const MISSING = -1;
export const NOT_A_NUMBER = -2;
export const OUT_OF_RANGE = -3;

export type AnswerProblem = typeof MISSING | typeof NOT_A_NUMBER | typeof OUT_OF_RANGE;

const MISSING_TOKENS = new Set(['', 'na', 'n/a', '-', 'null', 'none', '#n/a']);
// A number, optionally with a zero fraction (`7.0`, `7,0`), then nothing or a label after a separator.
const LABELLED = /^([+-]?\d+)(?:[.,](\d+))?(?:\s*[-–—(=:].*|\s+\D.*)?$/s;
// Spaces, tabs and the no-break spaces spreadsheets leave around values.
const EDGE_SPACE = /^[\s\u00a0\u202f\ufeff]+|[\s\u00a0\u202f\ufeff]+$/g;

export function parseAnswer(raw: string): number {
  // Fast path: the overwhelmingly common bare `0`..`10`.
  const len = raw.length;
  if (len === 1) {
    const d = raw.charCodeAt(0) - 48;
    if (d >= 0 && d <= 9) return d;
  } else if (len === 2 && raw.charCodeAt(0) === 49 && raw.charCodeAt(1) === 48) {
    return 10;
  }
  return parseSlow(raw);
}

function parseSlow(raw: string): number {
  const text = raw.replace(EDGE_SPACE, '');
  if (MISSING_TOKENS.has(text.toLowerCase())) return MISSING;
  const m = LABELLED.exec(text);
  if (!m) return NOT_A_NUMBER;
  if (m[2] !== undefined && /[^0]/.test(m[2])) return NOT_A_NUMBER; // 7.5 is not a 0-10 answer
  const value = Number(m[1]);
  if (value < 0 || value > 10) return OUT_OF_RANGE;
  return value;
}
