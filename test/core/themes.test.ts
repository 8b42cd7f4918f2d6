import { describe, expect, it } from 'vitest';
import { compileThemes, STARTER_THEMES, themesFromJson } from '../../src/core/themes.js';

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

describe('themesFromJson', () => {
  it('reads an object of keyword lists', () => {
    expect(themesFromJson({ Speed: ['quick', 'snabbt'] })).toEqual([{ name: 'Speed', keywords: ['quick', 'snabbt'] }]);
  });

  it.each([[[]], [null], [{ Speed: 'quick' }], [{ Speed: [1] }], [{}]])('refuses %j with a reason', (json) => {
    expect(typeof themesFromJson(json)).toBe('string');
  });
});
