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

/** Which themes a comment mentions, in the themes' order. */
export function compileThemes(themes: readonly Theme[]): (text: string) => boolean[] {
  const patterns = themes.map((theme) => {
    const alternatives = theme.keywords
      .filter((k) => k.trim() !== '' && k.trim() !== '*')
      .map((k) => keywordPattern(k.normalize('NFC')));
    // Letters and digits of any language bound a word, so "kö" does not match inside "köpa".
    return alternatives.length === 0
      ? undefined
      : new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
  });
  return (text) => {
    // Both sides composed (NFC): a decomposed "kö" pasted from macOS still matches "kö". Once per comment.
    const composed = text.normalize('NFC');
    return patterns.map((pattern) => pattern?.test(composed) ?? false);
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
