import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileThemes, STARTER_THEMES, type Theme, themesFromJson } from '../../src/core/themes.js';

/** The definition, as one pattern per theme over the whole comment: what the matcher must agree with. */
function reference(themes: readonly Theme[]): (text: string) => boolean[] {
  const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = (k: string) => {
    const prefix = k.endsWith('*');
    const words = (prefix ? k.slice(0, -1) : k).trim().split(/\s+/).map(escapeRegExp).join('\\s+');
    return prefix ? `${words}[\\p{L}\\p{N}]*` : words;
  };
  const patterns = themes.map((t) => {
    const alternatives = t.keywords
      .filter((k) => k.trim() !== '' && k.trim() !== '*')
      .map((k) => pattern(k.normalize('NFC')));
    return alternatives.length === 0
      ? undefined
      : new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
  });
  return (text) => patterns.map((p) => p?.test(text.normalize('NFC')) ?? false);
}

describe('compileThemes', () => {
  const mentions = compileThemes([
    { name: 'Wait time', keywords: ['wait', 'queue', 'hold', 'kö'] },
    { name: 'Speed', keywords: ['quick*', 'snabbt', 'on hold'] },
  ]);
  const wait = (text: string) => mentions(text)[0];
  const speed = (text: string) => mentions(text)[1];

  it.each([
    ['I had to wait for ages', true],
    ['WAIT. Then nothing', true],
    ['the waiting was fine', false], // whole words only
    ['Lång kö i telefon', true],
    ['Vill köpa mer', false], // kö does not match inside köpa
    ['queue-jumping', true],
  ])('wait time in %j: %s', (text, expected) => {
    expect(wait(text)).toBe(expected);
  });

  it.each([
    ['Quickly solved', true],
    ['quick', true],
    ['Det gick snabbt', true],
    ['I was on   hold', true],
    ['holding', false],
    ['unquick', false],
  ])('speed in %j: %s', (text, expected) => {
    expect(speed(text)).toBe(expected);
  });

  it('never matches a theme without keywords, and escapes regular-expression characters', () => {
    const mentions = compileThemes([
      { name: 'None', keywords: ['', '*'] },
      { name: 'Dot', keywords: ['a.b'] },
    ]);
    expect(mentions('anything')).toEqual([false, false]);
    expect(mentions('axb')).toEqual([false, false]);
    expect(mentions('see a.b here')).toEqual([false, true]);
  });

  it('matches a decomposed comment against composed keywords, and the other way round', () => {
    const mentions = compileThemes([{ name: 'Queue', keywords: ['kö'] }]);
    expect(mentions('lång ko\u0308')).toEqual([true]);
    expect(compileThemes([{ name: 'Queue', keywords: ['ko\u0308'] }])('lång kö')).toEqual([true]);
  });
});

describe('the starter themes', () => {
  const names = STARTER_THEMES.map((t) => t.name);
  const mentions = compileThemes(STARTER_THEMES);
  const found = (text: string) => names.filter((_, i) => mentions(text)[i]);

  it.each([
    ['Väntetiden var alldeles för lång', ['Wait time']],
    ['Długo czekałem na połączenie', ['Wait time']],
    ['Ingen ringde tillbaka', ['Callback']],
    ['Jag blev kopplad tre gånger', ['Transfer']],
    ['Bardzo miła i kompetentna konsultantka', ['Friendliness', 'Competence']],
    ['Problemet löstes direkt', ['Resolution']],
    ['Zu teuer, die Rechnung war falsch', ['Price']],
    ['Hyggelig og løste saken', ['Friendliness', 'Resolution']],
  ])('%j is about %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });
});

describe('the matcher, word by word', () => {
  // Keywords of every kind: words, prefixes, phrases, other characters, letters whose case folds
  // oddly (long s, Kelvin sign, dotted I, sharp s, final sigma), decomposed letters.
  const tricky: Theme[] = [
    ...STARTER_THEMES,
    {
      name: 'Odd',
      keywords: ['a.b', '10/10', 'e-mail*', 'stop', 'groß', 'ΣΟΦΟΣ', 'ko\u0308', 'İstanbul', '  on   hold* '],
    },
    { name: 'Stars', keywords: ['**', 'x*', 'call  back', '𠀀*', '𝐀B'] },
  ];
  const fragment = fc.constantFrom(
    'wait',
    'WAITING',
    'on',
    'hold',
    'Hold',
    'call',
    'back',
    'ages',
    'took',
    'kö',
    'köpa',
    'ko\u0308',
    'Łódź',
    'price',
    'ſtop',
    'STOP',
    '\u212Aind',
    'kind',
    'istanbul',
    'İSTANBUL',
    'ıstanbul',
    'GROSS',
    'groẞ',
    'σοφος',
    'σοφοσ',
    'a.b',
    'a',
    '.',
    'b',
    '10',
    '/',
    'e-mail',
    'e',
    'mails',
    'x',
    'xyz',
    '*',
    ' ',
    '  ',
    '\t',
    '\n',
    '\u00a0',
    '-',
    ',',
    '\u0307',
    '😀',
    '3',
    '_',
    '𠀀',
    '𝐀b',
  );
  const comment = fc.array(fragment, { maxLength: 14 }).map((parts) => parts.join(''));

  it('finds exactly the themes the definition finds, in any comment', () => {
    const mentions = compileThemes(tricky);
    const expected = reference(tricky);
    fc.assert(
      fc.property(comment, (text) => {
        expect(mentions(text)).toEqual(expected(text));
      }),
      { seed: 20261203, numRuns: 5000 },
    );
  });
});

describe('themesFromJson', () => {
  it('reads an object of keyword lists', () => {
    expect(themesFromJson({ Speed: ['quick', 'snabbt'] })).toEqual([{ name: 'Speed', keywords: ['quick', 'snabbt'] }]);
  });

  it.each([[[]], [null], [{ Speed: 'quick' }], [{ Speed: [1] }], [{}]])('refuses %j with a reason', (json) => {
    expect(typeof themesFromJson(json)).toBe('string');
  });
});
