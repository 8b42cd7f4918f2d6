/**
 * Themes in comments: a theme is a name and keywords; a keyword matches a whole word, case-
 * insensitively, a trailing * matches any ending ("wait*": wait, waiting, waited), and a keyword of
 * several words matches them as a phrase.
 */
export interface Theme {
  readonly name: string;
  readonly keywords: readonly string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function keywordPattern(keyword: string): string {
  const prefix = keyword.endsWith('*');
  const words = (prefix ? keyword.slice(0, -1) : keyword).trim().split(/\s+/).map(escapeRegExp).join('\\s+');
  return prefix ? `${words}[\\p{L}\\p{N}]*` : words;
}

/** Letters and digits of any language: what bounds a keyword's match on both sides. */
const WORD = /^[\p{L}\p{N}]+$/u;
/** Distinct words remembered: past this the memory starts again (comments of IDs and typos). */
const REMEMBERED_WORDS = 65_536;
/** Themes per 32-bit mask of a word's verdicts. */
const PER_MASK = 30;

/** How one theme is matched: its one-word keywords word by word, the rest by a pattern over the comment. */
interface Matcher {
  /** The whole word is one of the theme's one-word keywords (`wait`, `wait*`). */
  readonly keyword?: RegExp;
  /** The whole word starts one of its phrases (`on` of `on hold`): only then is `phrases` tried. */
  readonly start?: RegExp;
  /** Its other keywords (phrases, words with other characters), found in the comment by a pattern. */
  readonly phrases?: RegExp;
  /** Some other keyword does not start with a word (`10/10`): the pattern is tried on every comment. */
  readonly always: boolean;
}

const anyOf = (patterns: readonly string[], wrap: (alternatives: string) => string): RegExp | undefined =>
  patterns.length === 0 ? undefined : new RegExp(wrap(patterns.join('|')), 'iu');

function matcherOf(theme: Theme): Matcher {
  const keywords = theme.keywords.filter((k) => k.trim() !== '' && k.trim() !== '*').map((k) => k.normalize('NFC'));
  const body = (k: string) => (k.endsWith('*') ? k.slice(0, -1) : k).trim();
  const single = keywords.filter((k) => WORD.test(body(k)));
  const other = keywords.filter((k) => !WORD.test(body(k)));
  const firstWords = other.map((k) => body(k).split(/\s+/)[0]);
  return {
    keyword: anyOf(single.map(keywordPattern), (a) => `^(?:${a})$`),
    start: anyOf(firstWords.filter((w) => WORD.test(w)).map(escapeRegExp), (a) => `^(?:${a})$`),
    // Letters and digits of any language bound a word, so "kö" does not match inside "köpa".
    phrases: anyOf(other.map(keywordPattern), (a) => `(?<![\\p{L}\\p{N}])(?:${a})(?![\\p{L}\\p{N}])`),
    always: firstWords.some((w) => !WORD.test(w)),
  };
}

/**
 * Which themes a comment mentions, in the themes' order. A keyword's match is bounded by what is
 * not a letter or digit, so a one-word keyword matches a whole word of the comment: each distinct
 * word is judged once, by the same case-insensitive patterns, and remembered. A phrase is looked
 * for only in a comment holding a word it starts with.
 */
export function compileThemes(themes: readonly Theme[]): (text: string) => boolean[] {
  const matchers = themes.map(matcherOf);
  // A word's verdicts as bit masks: masks [0, n) say which themes it is a keyword of, [n, 2n) which phrases it starts.
  const n = Math.ceil(matchers.length / PER_MASK);
  const verdicts = new Map<string, Int32Array>();
  const verdictOf = (word: string): Int32Array => {
    let verdict = verdicts.get(word);
    if (verdict === undefined) {
      const masks = new Int32Array(2 * n);
      matchers.forEach((m, i) => {
        const bit = 1 << (i % PER_MASK);
        if (m.keyword?.test(word)) masks[Math.floor(i / PER_MASK)] |= bit;
        if (m.start?.test(word)) masks[n + Math.floor(i / PER_MASK)] |= bit;
      });
      if (verdicts.size >= REMEMBERED_WORDS) verdicts.clear();
      verdicts.set(word, masks);
      verdict = masks;
    }
    return verdict;
  };
  // Per UTF-16 unit of the basic plane, once seen: 1 a letter or digit, 2 not.
  const kinds = new Uint8Array(0x10000);
  const isWordAt = (text: string, i: number): boolean => {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) return WORD.test(String.fromCodePoint(text.codePointAt(i)!));
    if (kinds[unit] === 0) kinds[unit] = WORD.test(String.fromCharCode(unit)) ? 1 : 2;
    return kinds[unit] === 1;
  };
  const seen = new Int32Array(2 * n);
  return (text) => {
    // Both sides composed (NFC): a decomposed "kö" pasted from macOS still matches "kö".
    const composed = text.normalize('NFC');
    seen.fill(0);
    let start = -1;
    for (let i = 0; i <= composed.length; i++) {
      const word = i < composed.length && isWordAt(composed, i);
      if (word && start < 0) start = i;
      else if (!word && start >= 0) {
        const verdict = verdictOf(composed.slice(start, i));
        for (let k = 0; k < seen.length; k++) seen[k] |= verdict[k];
        start = -1;
      }
      // The second unit of a letter beyond the basic plane belongs to it.
      if (word && composed.charCodeAt(i) >= 0xd800 && composed.charCodeAt(i) <= 0xdbff) i++;
    }
    return matchers.map((m, i) => {
      const bit = 1 << (i % PER_MASK);
      const mask = Math.floor(i / PER_MASK);
      if ((seen[mask] & bit) !== 0) return true;
      return (m.always || (seen[n + mask] & bit) !== 0) && m.phrases !== undefined && m.phrases.test(composed);
    });
  };
}

/**
 * A starter set for contact centres, in English, Swedish, Norwegian, Danish, Polish, German and French:
 * what customers most often say moved their score. Meant to be replaced by a team's own file.
 */
export const STARTER_THEMES: readonly Theme[] = [
  {
    name: 'Wait time',
    keywords: [
      'wait*',
      'queue*',
      'on hold',
      'hold time',
      'took ages',
      'long time',
      'slow*',
      'vänta*',
      'väntetid*',
      'väntade',
      'kö',
      'kön',
      'köade',
      'lång tid',
      'långsam*',
      'vente*',
      'ventetid*',
      'kø',
      'køen',
      'lang tid',
      'treg*',
      'ventede',
      'langsom*',
      'czeka*',
      'kolejk*',
      'długo',
      'wolno',
      'warte*',
      'wartezeit*',
      'warteschleife*',
      'lange gedauert',
      'langsam*',
      'attente*',
      'attendu*',
      'attendre',
      'trop long*',
      'lent*',
    ],
  },
  {
    name: 'Callback',
    keywords: [
      'call back',
      'callback*',
      'called back',
      'call me back',
      'follow up',
      'followed up',
      'never heard back',
      'ringa tillbaka',
      'ringde tillbaka',
      'återkoppl*',
      'ringe tilbake',
      'ringte tilbake',
      'tilbakemelding*',
      'ringe tilbage',
      'ringede tilbage',
      'oddzwoni*',
      'oddzwon*',
      'kontakt zwrotny',
      'rückruf*',
      'zurückgerufen',
      'zurückrufen',
      'rappel*',
      'rappelé*',
      'recontact*',
      'pas de retour',
    ],
  },
  {
    name: 'Transfer',
    keywords: [
      'transfer*',
      'passed around',
      'put through',
      'redirected',
      'kopplad*',
      'kopplades',
      'vidarekoppl*',
      'skickad runt',
      'overført*',
      'satt over',
      'viderestil*',
      'stillet om',
      'przełącz*',
      'przekierow*',
      'weitergeleitet',
      'weiterverbunden',
      'verbunden',
      'transféré*',
      'transfert*',
      'redirigé*',
      'renvoyé*',
    ],
  },
  {
    name: 'Friendliness',
    keywords: [
      'friendly',
      'unfriendly',
      'very kind',
      'so kind',
      'polite',
      'impolite',
      'rude*',
      'nice',
      'helpful',
      'trevlig*',
      'otrevlig*',
      'vänlig*',
      'ovänlig*',
      'oförskämd*',
      'hjälpsam*',
      'hyggelig*',
      'vennlig*',
      'uvennlig*',
      'uhøflig*',
      'høflig*',
      'venlig*',
      'uvenlig*',
      'flink*',
      'uprzejm*',
      'nieuprzejm*',
      'miły',
      'miła',
      'miło',
      'niegrzeczn*',
      'freundlich*',
      'unfreundlich*',
      'höflich*',
      'unhöflich*',
      'nett',
      'aimable*',
      'sympathique*',
      'sympa',
      'poli',
      'polie',
      'impoli*',
      'désagréable*',
      'agréable*',
      'serviable*',
    ],
  },
  {
    name: 'Competence',
    keywords: [
      'knowledge*',
      'competent*',
      'incompetent*',
      'expert*',
      'clueless',
      'knew what',
      'kunnig*',
      'okunnig*',
      'kompetent*',
      'inkompetent*',
      'kunskap*',
      'kunnskap*',
      'kyndig*',
      'viden',
      'kompetentn*',
      'niekompetentn*',
      'wiedz*',
      'fachkundig*',
      'kompetenz*',
      'ahnungslos*',
      'compétent*',
      'incompétent*',
      'connaissance*',
      'professionnel*',
    ],
  },
  {
    name: 'Resolution',
    keywords: [
      'solved',
      'resolved',
      'fixed',
      'solution',
      'unresolved',
      'not fixed',
      'löst*',
      'lösning*',
      'fixade',
      'fixat',
      'olöst*',
      'løst*',
      'løsning*',
      'uløst',
      'rozwiąza*',
      'rozwiązan*',
      'nierozwiązan*',
      'gelöst',
      'lösung*',
      'ungelöst',
      'résolu*',
      'non résolu*',
      'solution*',
      'réglé*',
    ],
  },
  {
    name: 'Price',
    keywords: [
      'price*',
      'pricing',
      'expensive',
      'cheap*',
      'cost',
      'costs',
      'costly',
      'fee',
      'fees',
      'invoice*',
      'bill',
      'bills',
      'billing',
      'billed',
      'pris*',
      'dyr*',
      'billig*',
      'kostnad*',
      'avgift*',
      'faktura*',
      'kostnad',
      'gebyr*',
      'cena',
      'ceny',
      'cen',
      'drogo',
      'drogi*',
      'tani*',
      'opłat*',
      'rachun*',
      'preis*',
      'teuer*',
      'günstig*',
      'gebühr*',
      'rechnung*',
      'prix',
      'cher',
      'chère',
      'trop cher',
      'tarif*',
      'facture*',
      'frais',
    ],
  },
];

/** A themes file: a JSON object from theme name to a list of keywords. Returns an error text or the themes. */
export function themesFromJson(json: unknown): Theme[] | string {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return 'it must be a JSON object: { "Theme": ["keyword", "prefix*"] }';
  const themes: Theme[] = [];
  for (const [name, keywords] of Object.entries(json)) {
    if (!Array.isArray(keywords) || !keywords.every((k) => typeof k === 'string'))
      return `${JSON.stringify(name)} must map to a list of keywords`;
    themes.push({ name, keywords });
  }
  return themes.length > 0 ? themes : 'it names no themes';
}
