import { MISSING, parseAnswer } from '../../core/answer.js';
import { classify } from '../../core/classify.js';
import { parseDate } from '../../core/date.js';
import { editDistance } from '../../core/text.js';
import { UTC } from '../../core/zone.js';
import { usageError } from '../../errors.js';

/** Which column plays a role, and why it was chosen: shown to the user and kept in JSON meta. */
export interface ColumnChoice {
  readonly index: number;
  /** More columns whose values join this one's, with a space (first and last name). */
  readonly also?: readonly number[];
  readonly name: string;
  readonly reason: string;
}

/** Letters without their marks, as people type headers on a keyboard without them: ä a, ł l, ø o. */
const UNMARKED: Readonly<Record<string, string>> = { ł: 'l', ø: 'o', đ: 'd', ß: 'ss', æ: 'ae', œ: 'oe' };
const withoutMarks = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[łøđßæœ]/g, (letter) => UNMARKED[letter]);

/**
 * Lower case, without diacritics (Handlaggare is Handläggare), HTML tags removed (Typeform titles
 * keep them), _ - . ' as spaces. Every header word below is compared in this form.
 */
export const normalize = (header: string) =>
  withoutMarks(header.toLowerCase())
    .replace(/<[^>]*>/g, '')
    .replace(/[_\-.'’]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
/** Header words as they are compared: normalized like the headers. */
const words = (list: readonly string[]): string[] => list.map(normalize);
const pattern = (re: RegExp): RegExp => new RegExp(withoutMarks(re.source), re.flags);

// Header words, lower-cased, in English, French and the Nordic and Polish exports met in the wild.
// The recommend question itself, in any wording, ranks first...
export const RECOMMEND = pattern(
  /recommend|recommand|rekommendera|anbefal|polec|likely|likelihood|sannolik|sandsynlig|sannsynlig|\bnps\b/,
);
// ...then generic names of a score column, exact...
const SCORE_NAMES = words(['score', 'rating', 'betyg', 'poäng', 'karakter', 'vurdering', 'ocena', 'wynik', 'note']);
// ...then headers that merely contain one.
const SCORE_WORDS = pattern(/score|rating|betyg|poäng|karakter|vurdering|ocena|wynik/);
// Vendor-computed groupings of the answer (Qualtrics' NPS_GROUP): never the answer itself.
const GROUPING = pattern(/group|grupp|gruppe|grupa|category|kategori|catégorie|segment/);
// Other survey metrics (CSAT, CES): not the answer, unless the header also asks the recommend question.
const OTHER_METRIC = pattern(/csat|\bces\b|satisf|nöjd|tilfreds|zadowol|effort|ansträng/);
const DATE_NAMES = words([
  'submitted at',
  'submitted',
  'submit date',
  'submit date (utc)',
  'enddate',
  'end date',
  'recorded date',
  'recordeddate',
  'completion time',
  'completed',
  'completed at',
  'created at',
  'created',
  'date',
  'datum',
  'dato',
  'data',
  'timestamp',
  'tidpunkt',
  'time',
  'startdate',
  'start date',
  'start time',
  'horodateur',
  'horodatage',
]);
const DATE_WORDS = words(['date', 'datum', 'dato', 'data', 'time', 'tid', 'czas', 'submitted', 'created', 'heure']);

/** Share of the sample's non-missing cells in a column that `accept`; -1 when all are missing. */
function fit(
  sample: readonly string[][],
  index: number,
  accept: (value: string) => boolean,
): { share: number; seen: number } {
  let seen = 0;
  let good = 0;
  for (const record of sample) {
    const value = (record[index] ?? '').trim();
    if (parseAnswer(value) === MISSING) continue;
    seen++;
    if (accept(value)) good++;
  }
  return { share: seen === 0 ? -1 : good / seen, seen };
}

const isAnswer = (value: string) => parseAnswer(value) >= 0;

function maxAnswer(sample: readonly string[][], index: number): number {
  let max = -1;
  for (const record of sample) max = Math.max(max, parseAnswer(record[index] ?? ''));
  return max;
}

// Either day order will do for detection; the reader decides the order from the whole column.
const isDate = (value: string) =>
  !Number.isNaN(parseDate(value, UTC, 'dmy')) || !Number.isNaN(parseDate(value, UTC, 'mdy'));
// Bare numbers (Unix seconds, Excel serials) are dates only in a column whose header says so:
// an ID or an amount would pass as one too.
export const isWrittenDate = (value: string) => /[-/.:]/.test(value) && isDate(value);

export function detectScore(header: readonly string[], sample: readonly string[][]): ColumnChoice | undefined {
  let best: { choice: ColumnChoice; rank: number } | undefined;
  header.forEach((raw, index) => {
    const name = normalize(raw);
    const recommend = RECOMMEND.test(name);
    if (GROUPING.test(name) || (OTHER_METRIC.test(name) && !recommend)) return;
    const exact = SCORE_NAMES.includes(name) || name === 'nps' || name === 'nps score';
    const named = recommend ? 3 : exact ? 2 : SCORE_WORDS.test(name) ? 1 : 0;
    if (named === 0) return;
    const { share, seen } = fit(sample, index, isAnswer);
    // Values decide: a 0-10 column beats a Yes/No column whose header also says "recommend".
    // A column plainly named "score" may hold more junk before it stops being the answer.
    if (seen > 0 && share < (exact ? 0.5 : 0.8)) return;
    // A column whose answers never pass 5 is more likely a 1-5 rating than the 0-10 question.
    const narrow = seen >= 10 && maxAnswer(sample, index) <= 5;
    const rank = named * 10 + (seen > 0 ? share * 5 : 0) - (narrow ? 25 : 0);
    const reason =
      seen > 0
        ? `header names a score; ${Math.round(share * 100)}% of ${seen} sampled values are 0-10`
        : 'header names a score (no values to check)';
    if (!best || rank > best.rank) best = { choice: { index, name: raw, reason }, rank };
  });
  return best?.choice;
}

export function detectDate(header: readonly string[], sample: readonly string[][]): ColumnChoice | undefined {
  let best: { choice: ColumnChoice; rank: number } | undefined;
  header.forEach((raw, index) => {
    const name = normalize(raw);
    const exact = DATE_NAMES.indexOf(name);
    const named = exact >= 0 ? 2 : DATE_WORDS.some((w) => name.includes(w)) ? 1 : 0;
    const { share, seen } = fit(sample, index, named > 0 ? isDate : isWrittenDate);
    if (seen === 0 || share < 0.8) return;
    // Earlier names in DATE_NAMES (submission, completion) beat later ones (start).
    const rank = named * 100 + (exact >= 0 ? DATE_NAMES.length - exact : 0) + share;
    if (named === 0 && share < 1) return;
    const reason =
      `${named > 0 ? 'header names a date' : 'every sampled value is a date'}; ${Math.round(share * 100)}% ` +
      `of ${seen} sampled values parse`;
    if (!best || rank > best.rank) best = { choice: { index, name: raw, reason }, rank };
  });
  return best?.choice;
}

/**
 * A column named on the command line: a header (case-insensitive, surrounding spaces ignored) or a
 * 1-based position. Unknown names are a usage error that lists the headers and the closest one.
 */
export function resolveColumn(header: readonly string[], spec: string, flag: string, file: string): ColumnChoice {
  const wanted = normalize(spec);
  const index = header.findIndex((h) => normalize(h) === wanted);
  if (index >= 0) return { index, name: header[index], reason: `given by ${flag}` };
  if (/^\d+$/.test(spec.trim())) {
    const position = Number(spec.trim());
    if (position >= 1 && position <= header.length) {
      return { index: position - 1, name: header[position - 1], reason: `given by ${flag} as column ${position}` };
    }
  }
  const closest = closestName(header, spec);
  throw usageError(
    `${file} has no column ${JSON.stringify(spec)} (${flag})`,
    `${closest ? `did you mean ${JSON.stringify(closest)}? ` : ''}columns: ${listColumns(header)}`,
  );
}

function closestName(header: readonly string[], spec: string): string | undefined {
  const wanted = normalize(spec);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const h of header) {
    const name = normalize(h);
    const d = name.includes(wanted) || wanted.includes(name) ? 1 : editDistance(name, wanted);
    if (d < bestDistance) {
      best = h;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(wanted.length / 3)) ? best : undefined;
}

/** A file's columns for a hint: quoted, and at most 30 of them (a file may have thousands). */
export function listColumns(header: readonly string[]): string {
  const shown = header
    .slice(0, 30)
    .map((h) => JSON.stringify(h))
    .join(', ');
  return header.length > 30 ? `${shown} and ${header.length - 30} more` : shown;
}

// Header words for the people and units a response is attributed to.
const AGENT_WORDS = words([
  'agent',
  'agent name',
  'handläggare',
  'saksbehandler',
  'sagsbehandler',
  'konsultant',
  'employee',
  'employee name',
  'assignee',
  'advisor',
  'rådgivare',
  'rådgiver',
  'doradca',
  'operator',
  'representative',
  'rep',
  'medarbetare',
  'medarbeider',
  'medarbejder',
  'pracownik',
  'conseiller',
  'conseillère',
]);
const TEAM_WORDS = words([
  'team',
  'group',
  'department',
  'avdelning',
  'avdeling',
  'afdeling',
  'zespół',
  'dział',
  'grupp',
  'gruppe',
  'grupa',
  'enhet',
  'enhed',
  'unit',
  'équipe',
]);

/** A column named like one of `words` (exact header first, then a header containing a word) that has values. */
/** Columns another role already has (the score, the date): never offered for a second one. */
export type Taken = ReadonlySet<number>;

/**
 * A column named like one of `words` that has values and is not taken: an exact header first;
 * then a header containing one of the words, trying the words in the order given (their priority).
 */
function detectNamed(
  header: readonly string[],
  sample: readonly string[][],
  words: readonly string[],
  role: string,
  taken: Taken = new Set(),
  fits: (index: number) => boolean = () => true,
): ColumnChoice | undefined {
  const usable = (index: number) =>
    !taken.has(index) && sample.some((r) => (r[index] ?? '').trim() !== '') && fits(index);
  const names = header.map(normalize);
  const exact = names.findIndex((name, i) => words.includes(name) && usable(i));
  if (exact >= 0) return { index: exact, name: header[exact], reason: `header names the ${role}` };
  for (const word of words) {
    if (word.length <= 3 && word !== 'id') continue;
    const partial = names.findIndex((name, i) => name.split(' ').includes(word) && usable(i));
    if (partial >= 0) return { index: partial, name: header[partial], reason: `header mentions the ${role}` };
  }
  return undefined;
}

/** The filled, trimmed values of a column in the sampled rows. */
const filled = (sample: readonly string[][], index: number): string[] =>
  sample.map((r) => (r[index] ?? '').trim()).filter((v) => v !== '');

/**
 * Whether a column is the score's own category written again (Qualtrics' Q1_NPS_GROUP of 1/2/3, a
 * Promoter/Passive/Detractor column): two or three values, each standing for one category of the
 * 0-10 answer on the same row. Grouping by it would split the answers by themselves.
 */
export function derivedFromScore(sample: readonly string[][], index: number, score: number | undefined): boolean {
  if (score === index) return true;
  if (score === undefined) return false;
  const valueOfCategory = new Map<string, string>();
  let rows = 0;
  let agree = 0;
  for (const record of sample) {
    const value = (record[index] ?? '').trim().toLowerCase();
    const answer = parseAnswer(record[score] ?? '');
    if (value === '' || answer < 0) continue;
    const category = classify(answer);
    rows++;
    const seen = valueOfCategory.get(category) ?? value;
    valueOfCategory.set(category, seen);
    if (seen === value) agree++;
  }
  const values = new Set(valueOfCategory.values());
  return rows >= 10 && values.size >= 2 && values.size === valueOfCategory.size && agree >= 0.95 * rows;
}

/**
 * A column to group answers by: never the score's category again. (The respondent's ID is named
 * by other words than an agent's or a team's, and an agent's own ID, such as Zendesk's
 * assignee_id, is a fine key: many distinct values are no reason to refuse one.)
 */
const groupable = (sample: readonly string[][], score: number | undefined) => (index: number) =>
  !derivedFromScore(sample, index, score);

export const detectAgent = (header: readonly string[], sample: readonly string[][], taken?: Taken, score?: number) =>
  detectNamed(header, sample, AGENT_WORDS, 'agent', taken, groupable(sample, score));
export const detectTeam = (header: readonly string[], sample: readonly string[][], taken?: Taken, score?: number) =>
  detectNamed(header, sample, TEAM_WORDS, 'team', taken, groupable(sample, score));

// Answers that are not 0-10 but are found where the NPS answer should be.
const CATEGORY_WORDS = new Set([
  'detractor',
  'passive',
  'promoter',
  'detractors',
  'passives',
  'promoters',
  'kritiker',
  'passiv',
  'passiva',
  'ambassadör',
  'ambassadörer',
  'krytyk',
  'pasywny',
  'promotor',
  'neutral',
  'neutrale',
]);
const YES_NO_WORDS = new Set([
  'yes',
  'no',
  'ja',
  'nej',
  'nei',
  'tak',
  'nie',
  'good',
  'bad',
  'bra',
  'dålig',
  'dårlig',
  'dobry',
  'zły',
  'true',
  'false',
]);

/**
 * Why a column that looks like the NPS question holds no 0-10 answers, when its sampled values say
 * so: vendor categories (Detractor/Passive/Promoter) or yes/no, good/bad answers.
 */
export function notAnswers(sample: readonly string[][], index: number): string | undefined {
  const values = sample.map((r) => (r[index] ?? '').trim().toLowerCase()).filter((v) => v !== '');
  if (values.length === 0) return undefined;
  const share = (words: Set<string>) => values.filter((v) => words.has(v)).length / values.length;
  if (share(CATEGORY_WORDS) >= 0.8)
    return 'it holds NPS categories (Detractor/Passive/Promoter), not the 0-10 answers they were made from';
  if (share(YES_NO_WORDS) >= 0.8) return 'it holds yes/no or good/bad answers, not a 0-10 scale';
  return undefined;
}

/** The first column whose header names the NPS question or a score and whose values are not answers. */
export function categoryColumn(
  header: readonly string[],
  sample: readonly string[][],
): { name: string; why: string } | undefined {
  for (const [index, raw] of header.entries()) {
    const name = normalize(raw);
    if (!RECOMMEND.test(name) && !SCORE_WORDS.test(name) && !/\bnps\b|category|kategori|categorie/.test(name)) continue;
    const why = notAnswers(sample, index);
    if (why) return { name: raw, why };
  }
  return undefined;
}

const ID_WORDS = words([
  'id',
  'response id',
  'responseid',
  'respondent id',
  'ticket id',
  'ticket',
  'case id',
  'case',
  'request id',
  'interaction id',
  'svars id',
  'svarsid',
  'ärende',
  'ärendenummer',
  'saksnummer',
  'sagsnummer',
  'numer zgłoszenia',
  '#',
  'customer id',
  'respondent',
  'user id',
  'userid',
]);
const COMMENT_WORDS = words([
  'comment',
  'comments',
  'kommentar',
  'kommentarer',
  'komentarz',
  'feedback',
  'verbatim',
  'fritext',
  'fritekst',
  'open ended',
  'reason',
  'anledning',
  'begrunnelse',
  'begrundelse',
  'powód',
  'why',
  'varför',
  'hvorfor',
  'dlaczego',
  'text',
  'commentaire',
  'commentaires',
  'explication',
  'explications',
  'remarque',
  'remarques',
  'raison',
  'pourquoi',
]);
const CHANNEL_WORDS = words(['channel', 'kanal', 'kanał', 'canal', 'source', 'medium']);

/** A respondent ID is in most rows and mostly distinct: a sparse column never is one. */
const identifies = (sample: readonly string[][]) => (index: number) => {
  const values = filled(sample, index);
  // Repeats are what --dedupe is for, so only half need differ.
  return values.length >= 0.7 * sample.length && new Set(values).size >= 0.5 * values.length;
};

export const detectId = (header: readonly string[], sample: readonly string[][], taken?: Taken) => {
  const choice = detectNamed(header, sample, ID_WORDS, 'response ID', taken, identifies(sample));
  return choice && { ...choice, reason: `${choice.reason}; ${filledAndDistinct(sample, choice.index)}` };
};
export const detectChannel = (header: readonly string[], sample: readonly string[][], taken?: Taken, score?: number) =>
  detectNamed(header, sample, CHANNEL_WORDS, 'channel', taken, groupable(sample, score));

/** "filled in 40 of 40 sampled rows, 40 distinct": the evidence for an ID. */
function filledAndDistinct(sample: readonly string[][], index: number): string {
  const values = filled(sample, index);
  return `filled in ${values.length} of ${sample.length} sampled rows, ${new Set(values).size} distinct`;
}

/**
 * Whether a column holds free text: most filled cells are not numbers, most are distinct, and they
 * run longer than labels do. A "Contact reason" column of Billing/Delivery, or a Likert column of
 * Agree/Strongly agree, is a category however it is named: few values, repeated.
 */
function freeText(sample: readonly string[][], index: number): boolean {
  const values = filled(sample, index);
  if (values.length === 0) return false;
  const numeric = values.filter((v) => /^[-+]?[\d.,\s]+$/.test(v)).length;
  const distinct = new Set(values).size;
  const meanLength = values.reduce((sum, v) => sum + v.length, 0) / values.length;
  // Labels are few whatever the sample; comments keep coming (some repeat: "Great service, thanks!").
  // A few values cannot show a category: there, each must differ, and length and words tell.
  const varied =
    values.length < 5
      ? distinct === values.length
      : distinct / values.length > 0.5 || (distinct > 10 && distinct / values.length >= 0.2);
  // Words, length, or nearly every answer its own: a label column has none of these.
  return (
    numeric / values.length < 0.5 &&
    varied &&
    (meanLength >= 12 || values.some((v) => /\s/.test(v)) || distinct >= 0.8 * values.length)
  );
}

/** "38 of 40 sampled values distinct, 46 characters on average": the evidence for a comment. */
function textEvidence(sample: readonly string[][], index: number): string {
  const values = filled(sample, index);
  const meanLength = values.reduce((sum, v) => sum + v.length, 0) / values.length;
  return (
    `${new Set(values).size} of ${values.length} sampled values distinct, ${Math.round(meanLength)} ` +
    `characters on average`
  );
}

/** Headers that ask for the reason of the score, or what to improve. */
const REASON = pattern(
  new RegExp(
    'reason|why|anledning|varför|hvorfor|dlaczego|powód|' +
      'improve|förbättra|forbedre|poprawić|raison|pourquoi|améliorer',
  ),
);

/** The free-text answer: a header naming a comment or the reason for the score, with free text in it. */
export function detectComment(
  header: readonly string[],
  sample: readonly string[][],
  taken?: Taken,
): ColumnChoice | undefined {
  const named = detectNamed(header, sample, COMMENT_WORDS, 'comment', taken, (i) => freeText(sample, i));
  if (named) return { ...named, reason: `${named.reason}; ${textEvidence(sample, named.index)}` };
  // Survey tools title it as a question: "What is the main reason for your score?"
  const index = header.findIndex((h, i) => !taken?.has(i) && REASON.test(normalize(h)) && freeText(sample, i));
  return index >= 0
    ? { index, name: header[index], reason: `header asks for the reason; ${textEvidence(sample, index)}` }
    : undefined;
}
