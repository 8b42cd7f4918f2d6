/**
 * The one order for names (agents, teams, channels): the Unicode root collation with numbers read
 * as numbers, fixed rather than taken from the machine's locale, so output is the same everywhere.
 * ('und' is not the root: it resolves to the process's locale, sv-SE under LANG=sv_SE.UTF-8.
 * English collation is the CLDR root order.) Made on first use: loading it costs every run's start.
 */
let collator: Intl.Collator | undefined;

export const compareText = (a: string, b: string): number => {
  collator ??= new Intl.Collator('en', { numeric: true });
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
};

/** Levenshtein distance: how many one-letter edits turn one name into another (for "did you mean"). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
