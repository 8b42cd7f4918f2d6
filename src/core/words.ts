import { dan, deu, eng, fra, nob, pol, swe } from 'stopword';
import { append } from './extent.js';
import { compareText } from './text.js';

/**
 * Words of the stopword lists kept anyway: in survey comments "bra", "gut", "lang" or "dobrze" are
 * what the customer is saying, not filler, and dropping them would hide the very contrast between
 * detractors and promoters that the analysis looks for.
 */
const OPINION_WORDS: readonly string[] = [
  // Swedish: good, better, best, worse, easy, slow, long (time), soon, at once, thanks
  'bra',
  'bättre',
  'bäst',
  'god',
  'goda',
  'godare',
  'godast',
  'gott',
  'sämre',
  'sämst',
  'värre',
  'lätt',
  'lättare',
  'lättast',
  'enkel',
  'enkelt',
  'enkla',
  'långsam',
  'långsamt',
  'långsammare',
  'långsammast',
  'länge',
  'längre',
  'långt',
  'snart',
  'genast',
  'tack',
  // Danish: good
  'godt',
  // German: good, better, best, bad, long, short, easy, thanks
  'gut',
  'gute',
  'guter',
  'gutes',
  'besser',
  'besten',
  'schlecht',
  'lang',
  'lange',
  'kurz',
  'leicht',
  'dank',
  // Polish: well, immediately
  'dobrze',
  'natychmiast',
  // Negations, in every language: without them "inte bra" and "nie polecam" would read as praise
  'not',
  'no',
  'never',
  'nothing',
  'nobody',
  'inte',
  'ej',
  'aldrig',
  'ingen',
  'inget',
  'inga',
  'ingenting',
  'ikke',
  'aldri',
  'intet',
  'nie',
  'nigdy',
  'nic',
  'nikt',
  'nicht',
  'kein',
  'keine',
  'keinen',
  'nie',
  'niemals',
  'nichts',
  'pas',
  'jamais',
  'rien',
  'personne',
  'aucun',
  'aucune',
];

/** A word: letters (each with any combining marks) and digits, so "väntetid", "ćwierć" and "4g" stay whole. */
// One character class, repeated: an alternation group here recursed per letter and overflowed the
// stack on a word of a few million letters.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
/** Longer "words" are not words (pasted hashes, keyboard mashing, a megabyte of one letter). */
export const MAX_WORD_LENGTH = 40;
const NUMBER = /^\p{N}+$/u;
const ONE_LETTER = /^\p{L}\p{M}*$/u;
/** Where a phrase must not continue: ends of sentences, semicolons and line breaks. */
const SENTENCE_BREAK = /[.!?;…\n\r\u2028\u2029]/u;

/** Markup some survey tools leave in comments; line-breaking tags end a sentence like a newline does. */
const LINE_BREAK_TAG = /<\/?(?:br|p|div|li|tr)\b[^<>]*>/giu;
const TAG = /<\/?[a-z][a-z\d-]*(?:\s[^<>]*)?\/?>/giu;
const ENTITY = /&(?:#(\d{1,7})|#x([\da-f]{1,6})|[a-z][a-z\d]{1,31});/giu;

const decodeEntity = (_entity: string, decimal: string | undefined, hex: string | undefined): string => {
  const code = decimal !== undefined ? Number(decimal) : hex !== undefined ? parseInt(hex, 16) : NaN;
  // Named entities are almost always spaces or punctuation (&nbsp; &amp; &quot;), so a space stands in.
  return code >= 0x20 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
};

/** Comment text as plain, lower-cased, composed (NFC) text, so "Å" typed either way is one letter. */
const plainText = (text: string): string =>
  text.replace(LINE_BREAK_TAG, '\n').replace(TAG, ' ').replace(ENTITY, decodeEntity).toLowerCase().normalize('NFC');

/** Marks after a digit belong to no word: a keycap emoji (1️⃣) is a digit, then marks. */
const DIGIT_MARKS = /(\p{N})\p{M}+/gu;

const wordsOf = (plain: string): string[] => (plain.match(WORD) ?? []).map((word) => word.replace(DIGIT_MARKS, '$1'));

/** The package's lists hold a few entries with punctuation ("und?", "z.b"); they are read as words too. */
const STOPWORDS: ReadonlySet<string> = (() => {
  const keep = new Set(OPINION_WORDS);
  const words = [swe, nob, dan, pol, deu, fra, eng].flatMap((list: readonly string[]) =>
    list.flatMap((entry) => wordsOf(plainText(entry))),
  );
  return new Set(words.filter((word) => !keep.has(word)));
})();

const isKept = (word: string): boolean =>
  word.length <= MAX_WORD_LENGTH && !STOPWORDS.has(word) && !ONE_LETTER.test(word) && !NUMBER.test(word);

/**
 * Lower-cased word tokens of a comment: letters of any language and digits inside words are kept,
 * everything else (punctuation, spaces, emoji, markup) splits; stopwords of Swedish, Norwegian
 * Bokmål, Danish, Polish, German, French and English (the `stopword` package, less OPINION_WORDS), single
 * letters and pure numbers are dropped.
 */
export function tokenize(text: string): string[] {
  return wordsOf(plainText(text)).filter(isKept);
}

/**
 * The terms of a comment: its tokens (in order), then its two-word phrases ("wait time", in order).
 * A phrase joins only words that were next to each other, so it never bridges a dropped word or a
 * sentence break: "väntade i kö" gives no "väntade kö".
 */
export function terms(text: string): string[] {
  const words: string[] = [];
  const phrases: string[] = [];
  for (const sentence of plainText(text).split(SENTENCE_BREAK)) {
    let previous: string | undefined;
    for (const word of wordsOf(sentence)) {
      if (!isKept(word)) {
        previous = undefined;
        continue;
      }
      words.push(word);
      if (previous !== undefined) phrases.push(`${previous} ${word}`);
      previous = word;
    }
  }
  return words.concat(phrases);
}

/** One category's terms: occurrences of each term, their sum (n in the log-odds model) and comments read. */
export interface CategoryTerms {
  readonly terms: ReadonlyMap<string, number>;
  readonly total: number;
  /** Every comment added, including those that leave no terms (empty, or only stopwords). */
  readonly comments: number;
}

interface MutableCategoryTerms {
  terms: Map<string, number>;
  total: number;
  comments: number;
}

/**
 * Distinct terms a category keeps at most. Past it the rarest are dropped (those used once, then
 * twice ...), so a million distinct words cannot exhaust memory; a distinctive term is used at
 * least --min-count times, so what is dropped is what would not be listed.
 */
export const MAX_TERMS = 200_000;

/** Drops the rarest terms until a quarter of the room is free; returns how many were dropped. */
function prune(terms: Map<string, number>): number {
  let dropped = 0;
  for (let rare = 1; terms.size > MAX_TERMS * 0.75; rare++) {
    for (const [term, count] of terms) {
      if (count > rare) continue;
      terms.delete(term);
      dropped++;
    }
  }
  return dropped;
}

/** Term counts per category, built one comment at a time so that a file is read in one pass. */
export class TermCounts {
  private readonly byCategory = new Map<string, MutableCategoryTerms>();

  add(category: string, text: string): void {
    let counts = this.byCategory.get(category);
    if (counts === undefined) {
      counts = { terms: new Map(), total: 0, comments: 0 };
      this.byCategory.set(category, counts);
    }
    counts.comments += 1;
    for (const term of terms(text)) {
      counts.terms.set(term, (counts.terms.get(term) ?? 0) + 1);
      counts.total += 1;
    }
    if (counts.terms.size > MAX_TERMS) this.pruned += prune(counts.terms);
  }

  /** Distinct rare terms dropped to keep memory bounded (0 unless a category passed MAX_TERMS). */
  pruned = 0;

  /** The categories seen, in text order, so results do not depend on the order of the rows. */
  categories(): string[] {
    return [...this.byCategory.keys()].sort(compareText);
  }

  get(category: string): CategoryTerms | undefined {
    return this.byCategory.get(category);
  }

  /** Adds another set of counts into this one (partial counts of one pass, per period). */
  merge(from: TermCounts): void {
    for (const [category, theirs] of from.byCategory) {
      let mine = this.byCategory.get(category);
      if (mine === undefined) {
        mine = { terms: new Map(), total: 0, comments: 0 };
        this.byCategory.set(category, mine);
      }
      mine.total += theirs.total;
      mine.comments += theirs.comments;
      for (const [term, count] of theirs.terms) mine.terms.set(term, (mine.terms.get(term) ?? 0) + count);
      if (mine.terms.size > MAX_TERMS) this.pruned += prune(mine.terms);
    }
    this.pruned += from.pruned;
  }
}

export interface DistinctiveTerm {
  term: string;
  category: string;
  /** Occurrences in this category. */
  count: number;
  /** Occurrences in all the other categories together. */
  otherCount: number;
  /** The prior-smoothed log-odds ratio (delta); positive means more typical of this category. */
  logOdds: number;
  z: number;
}

export interface DistinctiveTermsOptions {
  /** Terms kept per category. */
  top: number;
  /** Fewest occurrences in the category for a term to be listed. */
  minCount: number;
  /** alpha0, the prior's weight in words; see DEFAULT_PRIOR_CAP. */
  priorStrength?: number;
}

/**
 * The default prior weighs as much as the data (alpha0 = the pooled word count), as Monroe et al.
 * did with the whole corpus as prior: in a small export that stops a word said twice by one group
 * from topping the list. Beyond 10,000 words it stops growing, so that in a large export the
 * prior shrinks real differences no more than a moderate sample would.
 */
export const DEFAULT_PRIOR_CAP = 10_000;

interface Pooled {
  terms: Map<string, number>;
  total: number;
}

const pooledCounts = (counts: TermCounts): Pooled => {
  const pooled: Pooled = { terms: new Map(), total: 0 };
  for (const category of counts.categories()) {
    const own = counts.get(category)!;
    for (const [term, count] of own.terms) pooled.terms.set(term, (pooled.terms.get(term) ?? 0) + count);
    pooled.total += own.total;
  }
  return pooled;
};

/**
 * Monroe, Colaresi & Quinn (2008), eq. 22-24: the log-odds ratio of a word between group i and
 * group j, each smoothed by the prior (alphaWord of alpha0), and its z-score.
 */
const weightedLogOdds = (
  yi: number,
  ni: number,
  yj: number,
  nj: number,
  alphaWord: number,
  alpha0: number,
): { logOdds: number; z: number } => {
  const logOdds =
    Math.log((yi + alphaWord) / (ni + alpha0 - yi - alphaWord)) -
    Math.log((yj + alphaWord) / (nj + alpha0 - yj - alphaWord));
  const variance = 1 / (yi + alphaWord) + 1 / (yj + alphaWord);
  return { logOdds, z: logOdds / Math.sqrt(variance) };
};

const byZThenTerm = (a: DistinctiveTerm, b: DistinctiveTerm): number => b.z - a.z || compareText(a.term, b.term);

const checkOptions = ({ top, minCount, priorStrength }: DistinctiveTermsOptions): void => {
  if (!Number.isSafeInteger(top) || top < 0) throw new RangeError(`top must be a whole number >= 0, got ${top}`);
  if (!Number.isFinite(minCount)) throw new RangeError(`minCount must be a number, got ${minCount}`);
  if (priorStrength !== undefined && !(Number.isFinite(priorStrength) && priorStrength > 0)) {
    throw new RangeError(`priorStrength must be a number > 0, got ${priorStrength}`);
  }
};

/**
 * The terms most typical of each category against all the other categories pooled, by the
 * weighted log-odds ratio with an informative Dirichlet prior ("Fightin' Words"): the prior for a
 * term is alpha0 times its share of all terms. Per category (in text order) come its `top` terms
 * with z > 0 and count >= minCount, by z descending, then term. A category with nothing to be
 * compared against (no terms elsewhere) gets no rows.
 */
export function distinctiveTerms(counts: TermCounts, options: DistinctiveTermsOptions): DistinctiveTerm[] {
  checkOptions(options);
  const pooled = pooledCounts(counts);
  if (pooled.total === 0) return [];
  const alpha0 = options.priorStrength ?? Math.min(pooled.total, DEFAULT_PRIOR_CAP);
  const rows: DistinctiveTerm[] = [];
  for (const category of counts.categories()) {
    const own = counts.get(category)!;
    const otherTotal = pooled.total - own.total;
    if (otherTotal === 0) continue;
    const candidates: DistinctiveTerm[] = [];
    // Only terms the category uses can reach minCount (>= 1), so the pass is over its own terms.
    for (const [term, count] of own.terms) {
      if (count < options.minCount) continue;
      const pooledCount = pooled.terms.get(term)!;
      const otherCount = pooledCount - count;
      const alphaWord = (alpha0 * pooledCount) / pooled.total;
      const { logOdds, z } = weightedLogOdds(count, own.total, otherCount, otherTotal, alphaWord, alpha0);
      if (z > 0 && Number.isFinite(z)) candidates.push({ term, category, count, otherCount, logOdds, z });
    }
    append(rows, candidates.sort(byZThenTerm).slice(0, options.top));
  }
  return rows;
}
