import { isAscii, isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import type Iconv from 'iconv-lite';
import { MAX_LINE_BYTES } from './lines.js';

// Loaded for the first file that is not UTF-8: most exports are, and every run would pay for it.
const require = createRequire(import.meta.url);
let loaded: typeof Iconv | undefined;
const iconv = (): typeof Iconv => {
  loaded ??= require('iconv-lite') as typeof Iconv;
  return loaded;
};

/**
 * Turns an export's bytes into UTF-8 for csv-parse, whatever Excel or the survey tool wrote:
 * UTF-8 (passed through untouched, the fast path), UTF-16 LE/BE (by byte-order mark, or by the
 * zero bytes of a BOM-less file), a named `--encoding`, and UTF-8 that turns out not to be: from
 * the first invalid byte on, the rest is read as windows-1252 (what Excel in Western Europe writes)
 * and `onFallback` is told how many line breaks precede the bad byte in what it has not yet
 * been given (the caller knows the lines before: it parsed them).
 */
export interface Decoding {
  /** The encoding the input was read as: utf-8, utf-16le, utf-16be, or the one named. */
  encoding: string;
  /** The legacy encoding the rest of the input was read as, from its first byte that was not UTF-8. */
  fellBack?: string;
  /**
   * After a fallback, the lines with bytes beyond ASCII by the encoding each was read as: a file
   * pieced together from two tools may mix windows-1252 lines with DOS (cp850) ones.
   */
  lines?: Record<string, number>;
  /** The first line read in the other encoding, counted from the fallback's first line. */
  firstOther?: number;
}

/** What a file that is not UTF-8 is read as when its bytes say nothing clearer: Excel's in Western Europe. */
export const FALLBACK_ENCODING = 'windows-1252';

/**
 * The single-byte encodings Excel and survey tools write in Europe, as a detector names them, and
 * what to read each as (windows-1252 is a superset of ISO-8859-1).
 */
const LEGACY: Readonly<Record<string, string>> = {
  'windows-1252': 'windows-1252',
  'ISO-8859-1': 'windows-1252',
  'windows-1250': 'windows-1250',
  'ISO-8859-2': 'iso-8859-2',
  'windows-1257': 'windows-1257',
};
/**
 * The DOS code page that the same tools' other half writes for the same languages: an export
 * assembled from two systems can hold lines of both, and each line is read in the one that makes
 * it text.
 */
const OTHER_HALF: Readonly<Record<string, string>> = {
  'windows-1252': 'cp850',
  'windows-1250': 'cp852',
  'iso-8859-2': 'cp852',
  'windows-1257': 'cp775',
};

/**
 * How unlike text a decoded line is: characters beyond ASCII that are no letters inside a word
 * (am‚liorer: windows-1252 read of cp850's é; dashes and quotation marks excepted), or capitals
 * inside a lower-case word (amÚliorer: cp850's read of windows-1252's é), or controls and box
 * drawing. Each counts one.
 */
export function oddities(line: string): number {
  let odd = 0;
  const chars = [...line];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c < '\u0080') continue;
    const before = chars[i - 1] ?? ' ';
    const after = chars[i + 1] ?? ' ';
    const letterAround = /\p{L}/u.test(before) && /\p{L}/u.test(after);
    if (/[\u0080-\u009f\u2500-\u25ff\ufffd]/.test(c)) odd++;
    // Dashes and quotation marks join words in real text (Mon–Fri, don’t): only other symbols are odd there.
    else if (!/[\p{L}\p{Pd}\p{Pi}\p{Pf}]/u.test(c)) odd += letterAround ? 1 : 0;
    else if (/\p{Lu}/u.test(c) && /\p{Ll}/u.test(before) && /\p{Ll}/u.test(after)) odd++;
  }
  return odd;
}

/**
 * A decoder of a legacy encoding that reads each line in `primary` unless it is UTF-8 after all,
 * or `other` makes it more like text, and counts which lines went which way. Single-byte encodings keep \n as it is, so
 * lines can be cut on the bytes.
 */
function lineDecoder(primary: string, decoding: Decoding) {
  const other = OTHER_HALF[primary];
  const counts: Record<string, number> = {};
  decoding.lines = counts;
  let held: Buffer[] = [];
  let heldBytes = 0;
  let line = 0;
  /** How often each character beyond ASCII appears in the lines whose reading was clear. */
  const seen = new Map<string, number>();
  const beyondAscii = (text: string) => [...text].filter((c) => c >= '\u0080');
  const learn = (text: string) => {
    for (const c of beyondAscii(text)) seen.set(c, (seen.get(c) ?? 0) + 1);
  };
  const familiarity = (text: string) => beyondAscii(text).reduce((sum, c) => sum + (seen.get(c) ?? 0), 0);
  const decodeLine = (bytes: Buffer): string => {
    line++;
    if (isAscii(bytes)) return bytes.toString('latin1');
    // A line that is valid UTF-8 beyond ASCII is UTF-8: legacy text almost never forms its sequences.
    if (isUtf8(bytes)) {
      counts['utf-8'] = (counts['utf-8'] ?? 0) + 1;
      return bytes.toString('utf8');
    }
    const text = iconv().decode(bytes, primary);
    const alternative = iconv().decode(bytes, other);
    const [odd, oddOther] = [oddities(text), oddities(alternative)];
    // Where neither reading looks wrong ("à revoir" against "… revoir"), the one whose characters
    // the file's clear lines use more, its language, wins.
    const chosen =
      odd < oddOther
        ? primary
        : oddOther < odd
          ? other
          : familiarity(alternative) > familiarity(text)
            ? other
            : primary;
    if (odd !== oddOther) learn(chosen === other ? alternative : text);
    counts[chosen] = (counts[chosen] ?? 0) + 1;
    if (chosen !== primary) decoding.firstOther ??= line;
    return chosen === other ? alternative : text;
  };
  return {
    write(chunk: Buffer): string {
      // Lines end at LF or at a lone CR (old Mac files). Only the new bytes are searched, and the
      // held ones joined once a line ends: a file of one endless "line" would otherwise be copied
      // again with every chunk.
      const lastBreak = Math.max(chunk.lastIndexOf(10), chunk.lastIndexOf(13));
      if (lastBreak < 0) {
        held.push(chunk);
        heldBytes += chunk.length;
        if (heldBytes <= MAX_LINE_BYTES) return '';
        // Longer than any line the reader takes: given on as it is, for the reader to refuse
        // (weighing its characters takes minutes at this length, and would only delay that).
        const unended = iconv().decode(Buffer.concat(held), primary);
        held = [];
        heldBytes = 0;
        return unended;
      }
      const cut = lastBreak + 1;
      const bytes = held.length > 0 ? Buffer.concat([...held, chunk.subarray(0, cut)]) : chunk.subarray(0, cut);
      held = cut < chunk.length ? [chunk.subarray(cut)] : [];
      heldBytes = chunk.length - cut;
      const end = bytes.length;
      let text = '';
      // The next LF and CR, each searched for again only once passed.
      let lf = bytes.indexOf(10);
      let cr = bytes.indexOf(13);
      for (let start = 0; start < end; ) {
        if (lf >= 0 && lf < start) lf = bytes.indexOf(10, start);
        if (cr >= 0 && cr < start) cr = bytes.indexOf(13, start);
        // A CR ends a line alone (old Mac files), or with the LF right after it.
        const stop = (lf < 0 || (cr >= 0 && cr < lf - 1) ? cr : lf) + 1;
        text += decodeLine(bytes.subarray(start, stop));
        start = stop;
      }
      return text;
    },
    end(): string {
      const rest = held.length > 0 ? decodeLine(Buffer.concat(held)) : '';
      held = [];
      heldBytes = 0;
      return rest;
    },
  };
}

/** Bytes a guess is made from: enough text for the letter statistics, read from the first bad byte. */
const SAMPLE_BYTES = 64 * 1024;

/** Central European letters, in windows-1250 and ISO-8859-2 at different bytes. */
const CENTRAL = [
  'áčďéěíňóřšťúůýž', // Czech
  'áäčďéíĺľňóôŕšťúýž', // Slovak
  'ąćęłńóśźż', // Polish
  'áéíóöőúüű', // Hungarian
  'čćđšž', // Croatian, Slovenian
];
/**
 * The letters beyond ASCII of the languages written in each legacy encoding. The encodings share
 * ASCII and some accented letters (á é ö ü) but not the rest: the byte of Czech ř is Danish ø in
 * windows-1252 and Lithuanian ų in windows-1257, that of Polish ł the pound sign. Between two
 * that read equally well, and neither is chardet's guess, the first listed wins.
 */
const ALPHABETS: Readonly<Record<string, readonly string[]>> = {
  'windows-1252': [
    'äöüß', // German
    'àâæçéèêëîïôœùûüÿ', // French
    'áéíñóúü', // Spanish
    'àáâãçéêíóôõú', // Portuguese
    'àèéìíîòóùú', // Italian
    'àçèéíïòóúü', // Catalan
    'éèëïóöü', // Dutch
    'åäöé', // Swedish, Finnish
    'æøåé', // Danish, Norwegian
    'áðéíóúýþæö', // Icelandic
  ],
  'windows-1250': CENTRAL,
  'iso-8859-2': CENTRAL,
  'windows-1257': [
    'ąčęėįšųūž', // Lithuanian
    'āčēģīķļņšūž', // Latvian
    'äõöüšž', // Estonian
  ],
};

/**
 * A word: letters, and any other characters beyond ASCII that are neither spaces nor punctuation
 * (the ¹ of W¹sowicz).
 */
const WORD = /(?:\p{L}|[^\s\p{P}\p{ASCII}])+/gu;

/**
 * How well a decoded text reads as one of the languages whose alphabets are given: the most words
 * whose characters beyond ASCII all belong to one alphabet. Czech read as windows-1252 (Dvoøák,
 * kùò, ¾ivot) fits none; Swedish read as windows-1250 (Ĺsa Öberg) puts Slovak and Hungarian
 * letters in one name.
 */
function fluency(text: string, alphabets: readonly string[]): number {
  const fitting = alphabets.map(() => 0);
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    const beyond = [...word].filter((c) => c >= '\u0080');
    if (beyond.length === 0) continue;
    alphabets.forEach((letters, i) => {
      if (beyond.every((c) => letters.includes(c))) fitting[i]++;
    });
  }
  return fitting.reduce((most, n) => Math.max(most, n), 0);
}

/** The lines of a sample that are not UTF-8: those a legacy encoding is chosen for (a file may mix in UTF-8 ones). */
function legacyLines(sample: Buffer): Buffer {
  const lines: Buffer[] = [];
  for (let start = 0; start < sample.length; ) {
    const newline = sample.indexOf(10, start);
    const stop = newline < 0 ? sample.length : newline + 1;
    const line = sample.subarray(start, stop);
    if (!isUtf8(line)) lines.push(line);
    start = stop;
  }
  return Buffer.concat(lines);
}

/**
 * The legacy encoding of bytes that are not UTF-8, by the letter statistics of chardet (ICU's
 * detector), then among those by which reads as words of their languages: chardet takes a few
 * Czech names for windows-1252 or windows-1257. Unless another reading fits more than 1.5 times as
 * many words, chardet's guess stands.
 */
export function legacyEncoding(sample: Buffer): string {
  const chardet = require('chardet') as typeof import('chardet');
  const head = sample.subarray(0, SAMPLE_BYTES);
  const guess = chardet.analyse(head).find((g) => LEGACY[g.name]);
  const guessed = guess ? LEGACY[guess.name] : FALLBACK_ENCODING;
  const legacy = legacyLines(head);
  const fluencyAs = (encoding: string) => fluency(iconv().decode(legacy, encoding), ALPHABETS[encoding]);
  let best = guessed;
  let bestFluency = fluencyAs(guessed);
  // Between the languages of two code pages, only a reading that fits half as many words again
  // overrules chardet: a few words fit another alphabet by chance (French très read as
  // windows-1250 is Czech-looking trčs). Two code pages of the same languages differ in a few
  // letters, and the reading with more words wins.
  const guessedFluency = bestFluency;
  for (const encoding of Object.keys(ALPHABETS)) {
    const score = fluencyAs(encoding);
    const margin = ALPHABETS[encoding] === ALPHABETS[guessed] ? 1 : 1.5;
    if (score > bestFluency && score > margin * guessedFluency) [best, bestFluency] = [encoding, score];
  }
  return best;
}

export const knownEncoding = (name: string): boolean => iconv().encodingExists(name);

export async function* toUtf8(
  chunks: AsyncIterable<Buffer>,
  forced: string | undefined,
  decoding: Decoding,
  onFallback: (newlinesBefore: number) => void,
): AsyncGenerator<Buffer> {
  const iterator = chunks[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  const encoding = forced ? normalizeName(forced) : sniffEncoding(head);
  decoding.encoding = encoding;
  if (encoding === 'utf-8') {
    yield* utf8WithFallback(all(), decoding, onFallback);
    return;
  }
  const decoder = iconv().getDecoder(encoding);
  for await (const chunk of all()) {
    const text = decoder.write(chunk);
    if (text) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.end();
  if (rest) yield Buffer.from(rest, 'utf8');
}

const normalizeName = (name: string): string => {
  const lower = name.toLowerCase();
  return lower === 'utf8' ? 'utf-8' : lower === 'utf16le' ? 'utf-16le' : lower === 'utf16be' ? 'utf-16be' : lower;
};

/** By byte-order mark, else by where the zero bytes of ASCII text in UTF-16 fall, else UTF-8. */
export function sniffEncoding(head: Buffer): string {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  const sample = Math.min(head.length, 4096) & ~1;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < sample; i += 2) {
    if (head[i] === 0) evenZeros++;
    if (head[i + 1] === 0) oddZeros++;
  }
  const pairs = sample / 2;
  if (pairs >= 2 && oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (pairs >= 2 && evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return 'utf-8';
}

async function* utf8WithFallback(
  chunks: AsyncIterable<Buffer>,
  decoding: Decoding,
  onFallback: (newlinesBefore: number) => void,
): AsyncGenerator<Buffer> {
  let carry: Buffer | undefined;
  let fallback: ReturnType<typeof lineDecoder> | undefined;
  for await (let raw of chunks) {
    if (fallback) {
      yield Buffer.from(fallback.write(raw), 'utf8');
      continue;
    }
    if (carry) {
      // Finish the straddling character with the few bytes it needs, rather than copying the
      // whole chunk behind it.
      const need = sequenceLength(carry[0]) - carry.length;
      if (need > 0 && raw.length > need) {
        const bridge = Buffer.concat([carry, raw.subarray(0, need)]);
        raw = raw.subarray(need);
        carry = undefined;
        if (isUtf8(bridge)) yield bridge;
        else raw = Buffer.concat([bridge, raw]);
      }
    }
    const chunk = carry ? Buffer.concat([carry, raw]) : raw;
    // A multi-byte character may straddle two chunks: keep its start for the next one.
    const cut = completeLength(chunk);
    carry = cut < chunk.length ? chunk.subarray(cut) : undefined;
    const whole = chunk.subarray(0, cut);
    if (isUtf8(whole)) {
      yield whole;
      continue;
    }
    const bad = firstInvalid(whole);
    const legacy = legacyEncoding(carry ? Buffer.concat([whole.subarray(bad), carry]) : whole.subarray(bad));
    decoding.fellBack = legacy;
    decoding.encoding = `utf-8, then ${legacy}`;
    onFallback(countNewlines(whole.subarray(0, bad)));
    fallback = lineDecoder(legacy, decoding);
    if (bad > 0) yield whole.subarray(0, bad);
    yield Buffer.from(fallback.write(whole.subarray(bad)), 'utf8');
    if (carry) {
      yield Buffer.from(fallback.write(carry), 'utf8');
      carry = undefined;
    }
  }
  if (carry) {
    // The input ended inside a character: those bytes were never UTF-8.
    if (!fallback) {
      decoding.fellBack = FALLBACK_ENCODING;
      decoding.encoding = `utf-8, then ${FALLBACK_ENCODING}`;
      onFallback(countNewlines(carry));
    }
    yield Buffer.from(fallback ? fallback.write(carry) : iconv().decode(carry, FALLBACK_ENCODING), 'utf8');
  }
  const rest = fallback?.end();
  if (rest) yield Buffer.from(rest, 'utf8');
}

/** Bytes of the UTF-8 sequence a lead byte starts (1 for anything else). */
const sequenceLength = (lead: number): number => (lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1);

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) n++;
  return n;
}

/** Length of the prefix that does not end inside an unfinished multi-byte sequence. */
function completeLength(bytes: Buffer): number {
  const end = bytes.length;
  for (let back = 1; back <= 3 && back <= end; back++) {
    const b = bytes[end - back];
    if ((b & 0xc0) !== 0x80) {
      // A lead byte: how long is its sequence?
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return need > back ? end - back : end;
    }
  }
  return end;
}

/** Offset of the first byte that breaks UTF-8 (the chunk is known not to be valid). */
function firstInvalid(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const need = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (need === 0) return i;
    for (let k = 1; k < need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    if (need > 1 && !isUtf8(bytes.subarray(i, i + need))) return i; // overlong or surrogate forms
    i += need;
  }
  return bytes.length;
}
