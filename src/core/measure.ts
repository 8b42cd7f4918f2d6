/**
 * Optional sign, digits with optional space-grouped thousands, optional decimal part after a
 * single dot or comma. Thousands groups may be separated by a space, a no-break space, a thin space or a
 * narrow no-break space (what Swedish, Norwegian, Polish and French spreadsheets write).
 */
const MEASURE = /^([+-]?)(\d{1,3}(?:[ \u00A0\u202F\u2009]\d{3})+|\d*)(?:[.,](\d+))?$/;

/**
 * A number as spreadsheets in our locales write it: "3,5" and "3.5" are both 3.5, " 1 234,5 "
 * (space or no-break-space thousands) is 1234.5, "−2,5" (Unicode minus) is -2.5.
 *
 * A single comma is the decimal separator, because in every locale we serve except English the
 * comma is the decimal mark, so "1,234" is 1.234, never 1234. A string with both a dot and a comma
 * ("1,234.5", "1.234,5") could be either convention and is NaN rather than a guess, as are dot or
 * comma thousands ("1.234.567"), exponents, percent signs, words and empty cells.
 */
export function parseMeasure(raw: string): number {
  const text = raw.trim().replace(/^\u2212/, '-');
  const match = MEASURE.exec(text);
  if (match === null) return NaN;
  const [, sign, whole, fraction] = match;
  if (whole === '' && fraction === undefined) return NaN;
  const digits = whole.replace(/\D/g, '') || '0';
  return Number(`${sign}${digits}.${fraction ?? '0'}`);
}

/** The band of `value` among ascending `cuts`: 0 up to the first cut (a value at a cut is in the lower band), cuts.length past the last. */
export function bandOf(value: number, cuts: readonly number[]): number {
  let band = 0;
  while (band < cuts.length && value > cuts[band]) band++;
  return band;
}
