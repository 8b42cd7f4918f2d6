/**
 * Reading one raw 0-10 answer as survey tools export it: `9`, ` 7 `, `7.0`, `10 - Extremely likely`,
 * `9 (Mycket sannolikt)`. Returns the score, or a negative code saying why the cell is not one.
 */
export const MISSING = -1;
export const NOT_A_NUMBER = -2;
export const OUT_OF_RANGE = -3;

export type AnswerProblem = typeof MISSING | typeof NOT_A_NUMBER | typeof OUT_OF_RANGE;

/** What survey tools and spreadsheets write for "no answer", in any column. */
const MISSING_CELLS = ['', 'na', 'n/a', '-', 'null', '#n/a'];
const MISSING_TOKENS = new Set([...MISSING_CELLS, 'none']);
const MISSING_CELL = new Set(MISSING_CELLS);

/** Whether a (trimmed) cell says "no answer": NA, N/A, -, null, #N/A or nothing. */
export const isMissingCell = (text: string): boolean => text.length <= 4 && MISSING_CELL.has(text.toLowerCase());
// A number, optionally with a zero fraction (`7.0`, `7,0`), then nothing or a label after a
// separator; a dash followed by a number is a range (`9-10`, `0 - 6`), not a label.
const LABELLED = /^([+-]?\d+)(?:[.,](\d+))?(?:\s*[-–—](?!\s*\d).*|\s*[(=:].*|\s+[^\d\-–—].*)?$/s;
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

function parseSlow(raw: string, top = 10): number {
  const text = raw.replace(EDGE_SPACE, '');
  if (MISSING_TOKENS.has(text.toLowerCase())) return MISSING;
  const m = LABELLED.exec(text);
  if (!m) return NOT_A_NUMBER;
  if (m[2] !== undefined && /[^0]/.test(m[2])) return NOT_A_NUMBER; // 7.5 is not a 0-10 answer
  const value = Number(m[1]);
  if (value < 0 || value > top) return OUT_OF_RANGE;
  return value;
}

/**
 * The scales a 0-10 question is exported on. `1-10` is accepted deliberately (no 0 to give; 0 is
 * out of range; the same cut-offs); `1-11` is a recode (Qualtrics numbers the 11 choices 1-11) and
 * is mapped back to 0-10.
 */
export type Scale = '0-10' | '1-10' | '1-11';
export const SCALES: readonly Scale[] = ['0-10', '1-10', '1-11'];

export function answerOn(raw: string, scale: Scale): number {
  if (scale === '0-10') return parseAnswer(raw);
  const value = scale === '1-11' ? parseSlow(raw, 11) : parseAnswer(raw);
  if (value === 0) return OUT_OF_RANGE;
  return value > 0 && scale === '1-11' ? value - 1 : value;
}
