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
