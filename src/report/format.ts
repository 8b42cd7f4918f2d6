import type { Cell, Kind } from './model.js';

/** Display options shared by every renderer. */
export interface NumberStyle {
  /** Decimal places of scores, percentages and margins. */
  readonly decimals: number;
  readonly decimalComma?: boolean;
}

/**
 * Rounds half away from zero at `decimals` places, on the decimal value people see
 * (so 1.005 rounds to 1.01, which plain binary arithmetic gets wrong).
 */
export function round(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** decimals;
  // 15 significant digits drop the binary noise (1.005 * 100 = 100.49999999999999) before rounding.
  const shifted = Number((Math.abs(value) * scale).toPrecision(15));
  const rounded = Math.round(shifted) / scale;
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

/** A number with exactly `decimals` places, rounded half away from zero: for sentences. */
export const formatDecimal = (value: number, decimals: number): string => fixed(value, decimals, { decimals });

function fixed(value: number, decimals: number, style: NumberStyle): string {
  const text = round(value, decimals).toFixed(decimals);
  const clean = text === `-${(0).toFixed(decimals)}` ? text.slice(1) : text;
  return style.decimalComma ? clean.replace('.', ',') : clean;
}

const signed = (value: number, style: NumberStyle) => {
  const text = fixed(value, style.decimals, style);
  return value > 0 && Number(text.replace(',', '.')) !== 0 ? `+${text}` : text;
};

const NOT_AVAILABLE = 'n/a';

/** Below this a p-value reads "<0.0001" (the same in tables and sentences). */
const P_FLOOR = 0.0001;

/**
 * A p-value for people: three significant digits, and more when those look round (0.0500 from
 * 0.04996 or 0.05004), because thresholds are round: two outputs printing the same p never reach
 * opposite verdicts.
 */
export function pDigits(p: number, style: NumberStyle = { decimals: 3 }): string {
  if (p < P_FLOOR) return `<${P_FLOOR}`;
  let digits = 3;
  let text = p.toPrecision(digits);
  while (digits < 8 && Number(text) !== p && Number(text) === Number(p.toPrecision(digits - 1)))
    text = p.toPrecision(++digits);
  // toPrecision writes no exponent at p >= 0.0001.
  return style.decimalComma ? text.replace('.', ',') : text;
}

/** "p = 0.0832", "p < 0.0001": a p-value in a sentence. */
export const pText = (p: number): string => (p < P_FLOOR ? `p < ${P_FLOOR}` : `p = ${pDigits(p)}`);

/** For people (table, Markdown): signs, % and ± marks, `n/a` for what cannot be computed. */
export function formatForHumans(cell: Cell, kind: Kind, style: NumberStyle): string {
  if (cell === null) return '';
  if (typeof cell === 'boolean') return cell ? 'yes' : '';
  if (Array.isArray(cell) && kind === 'nps_n') {
    const [nps, n, low] = cell as readonly number[];
    return n === 0 ? '' : `${signed(nps, style)} (${n})${low ? '*' : ''}`;
  }
  if (Array.isArray(cell) && kind === 'margin') {
    // An interval is shown as it is: "±m" only when it is symmetric about the estimate.
    const [below, above] = (cell as readonly number[]).map((v) => fixed(v, style.decimals, style));
    if (below === undefined || above === undefined || below === 'NaN' || above === 'NaN') return NOT_AVAILABLE;
    return below === above ? `±${below}` : `−${below} / +${above}`;
  }
  if (Array.isArray(cell)) {
    const [lower, upper] = cell as readonly number[];
    if (Number.isNaN(lower) || Number.isNaN(upper)) return NOT_AVAILABLE;
    return `${signed(lower, style)} to ${signed(upper, style)}`;
  }
  if (typeof cell === 'string') return cell;
  const value = cell as number;
  if (Number.isNaN(value)) return NOT_AVAILABLE;
  switch (kind) {
    case 'count':
      // A weighted count is a sum of weights: shown as any figure, not with float noise.
      return Number.isInteger(value) ? String(value) : formatForHumans(value, 'number', style);
    case 'nps':
      return signed(value, style);
    case 'pct':
      return `${fixed(value, style.decimals, style)}%`;
    case 'margin':
      return `±${fixed(value, style.decimals, style)}`;
    case 'p':
      return pDigits(value, style);
    case 'stat':
      return fixed(value, 2, style);
    case 'number': {
      // Levels, shares and statistics: as many places as they need, up to four (0.95, 0.61, 1.7323);
      // what four places would show as 0 (weights near 1e-200), in three significant digits.
      const tiny = value !== 0 && Math.abs(value) < 1e-4;
      const text = String(tiny ? Number(value.toPrecision(3)) : round(value, Math.max(style.decimals, 4)));
      return style.decimalComma ? text.replace('.', ',') : text;
    }
    default:
      return fixed(value, style.decimals, style);
  }
}

/** For machines (CSV): plain numbers rounded to the chosen decimals, empty for what cannot be computed. */
export function formatPlain(cell: Cell, kind: Kind, style: NumberStyle): string {
  if (cell === null) return '';
  if (typeof cell === 'boolean') return String(cell);
  if (typeof cell === 'string') return cell;
  if (Array.isArray(cell)) return cell.map((v) => formatPlain(v, kind, style)).join(' ');
  const value = cell as number;
  if (!Number.isFinite(value)) return '';
  if (kind === 'count' || kind === 'number' || kind === 'p' || kind === 'stat') {
    // p-values keep four significant digits: enough to compare with any threshold.
    const text = decimalText(kind === 'p' ? Number(value.toPrecision(4)) : value);
    return style.decimalComma ? text.replace('.', ',') : text;
  }
  return fixed(value, style.decimals, style);
}

/** Right-aligned columns: everything numeric. */
export const isNumeric = (kind: Kind): boolean => kind !== 'text' && kind !== 'bar' && kind !== 'date';

/** A confidence level as people read it: 0.95 -> "95%", 0.975 -> "97.5%". */
export const confidenceLabel = (confidence: number): string => `${+(confidence * 100).toFixed(4)}%`;

/**
 * A number in plain positional notation, never with an exponent (6.039e-14 is
 * 0.00000000000006039): spreadsheets in some locales read "6,039e-14" as text.
 */
export function decimalText(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = '', exponent] = match;
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** A group's name as shown: rows with an empty cell form a group too, and it needs a name. */
/** `word`, or its plural for a count other than one. */
export const plural = (n: number, word: string): string => (n === 1 ? word : `${word}s`);

export const groupLabel = (key: string): string => (key === '' ? '(empty)' : key);
