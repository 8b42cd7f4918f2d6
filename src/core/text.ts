/**
 * The one order for names (agents, teams, channels): the Unicode root collation with numbers read
 * as numbers, fixed rather than taken from the machine's locale, so output is the same everywhere.
 */
const collator = new Intl.Collator('und', { numeric: true });

export const compareText = (a: string, b: string): number => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
