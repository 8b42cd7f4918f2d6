import { describe, expect, it } from 'vitest';
import {
  type DistinctiveTerm,
  distinctiveTerms,
  MAX_TERMS,
  TermCounts,
  terms,
  tokenize,
} from '../../src/core/words.js';

describe('tokenize', () => {
  it.each([
    // Stopwords of each language go; letters with diacritics stay whole.
    {
      name: 'Swedish',
      text: 'Väntetiden var för lång, men Åsa löste det!',
      expected: ['väntetiden', 'lång', 'åsa', 'löste'],
    },
    {
      name: 'Norwegian',
      text: 'Ventetiden var altfor lang, men Øystein hjalp meg raskt.',
      expected: ['ventetiden', 'altfor', 'lang', 'øystein', 'hjalp', 'raskt'],
    },
    {
      name: 'Danish',
      text: 'Jeg ventede længe i køen, men medarbejderen var sød og hjælpsom',
      expected: ['ventede', 'længe', 'køen', 'medarbejderen', 'sød', 'hjælpsom'],
    },
    { name: 'Polish', text: 'Długo czekałem na połączenie', expected: ['długo', 'czekałem', 'połączenie'] },
    { name: 'Polish letters', text: 'Zażółć gęślą jaźń', expected: ['zażółć', 'gęślą', 'jaźń'] },
    { name: 'German', text: 'Die Wartezeit war zu lang', expected: ['wartezeit', 'lang'] },
    { name: 'German letters', text: 'Über Straße Größe', expected: ['straße', 'größe'] },
    {
      name: 'English',
      text: "The wait time was too long; the agent didn't call back",
      expected: ['wait', 'time', 'long', 'agent', 'didn', 'call', 'back'],
    },
    // "bra", "tack", "gut", "Dank" are in the stopword lists but are what a comment is about.
    {
      name: 'opinion words survive the stopword lists',
      text: 'Mycket bra service, tack!',
      expected: ['bra', 'service', 'tack'],
    },
    { name: 'German opinion words', text: 'Sehr gut, vielen Dank', expected: ['gut', 'dank'] },
    { name: 'decomposed letters are composed', text: 'Cafe\u0301 A\u030Asa', expected: ['café', 'åsa'] },
    {
      name: 'HTML tags and named entities split',
      text: '<p>Bra service<br>Snabb hjälp &amp; trevlig&nbsp;personal</p>',
      expected: ['bra', 'service', 'snabb', 'hjälp', 'trevlig', 'personal'],
    },
    { name: 'inline tags', text: 'Kundtjänst <b>svarade</b> aldrig', expected: ['kundtjänst', 'svarade', 'aldrig'] },
    { name: 'numeric entities are decoded', text: 'V&#228;ntetid &#x6B;&#xF6;', expected: ['väntetid', 'kö'] },
    {
      name: 'emoji split and vanish, keycaps included',
      text: 'Toppen 😀👍 service🙂bra 1️⃣',
      expected: ['toppen', 'service', 'bra'],
    },
    {
      name: 'pure numbers go, digits inside words stay',
      text: 'Ventade 45 min, 4G funkar inte, 2024-01-05 ringde jag igen',
      expected: ['ventade', '4g', 'funkar', 'inte', 'ringde'],
    },
    {
      name: 'single letters, fractions and decimal commas go',
      text: 'a b c é ok x2 covid19 10st ½ 3,5 minuter',
      expected: ['ok', 'x2', 'covid19', '10st', 'minuter'],
    },
    { name: 'stopword entries with punctuation', text: 'und? z.b. d.h.', expected: [] },
    { name: 'punctuation only', text: '  ...!!! ', expected: [] },
    { name: 'empty', text: '', expected: [] },
  ])('$name', ({ text, expected }) => {
    expect(tokenize(text)).toEqual(expected);
  });
});

describe('terms', () => {
  it.each([
    {
      name: 'a phrase of adjacent words',
      text: 'Lång väntetid i telefonkön',
      expected: ['lång', 'väntetid', 'telefonkön', 'lång väntetid'],
    },
    {
      name: 'no phrase across a full stop',
      text: 'Snabb hjälp. Trevlig personal',
      expected: ['snabb', 'hjälp', 'trevlig', 'personal', 'snabb hjälp', 'trevlig personal'],
    },
    {
      name: 'no phrase across ! ? ; or a newline',
      text: 'slow!rude?queue;hold\nhelp',
      expected: ['slow', 'rude', 'queue', 'hold', 'help'],
    },
    {
      name: 'no phrase across a line-break tag',
      text: 'Bra service<br>snabb hjälp',
      expected: ['bra', 'service', 'snabb', 'hjälp', 'bra service', 'snabb hjälp'],
    },
    { name: 'no phrase across a stopword', text: 'Sehr gut, vielen Dank', expected: ['gut', 'dank'] },
    { name: 'no phrase across a number', text: 'waited 40 minutes', expected: ['waited', 'minutes'] },
    {
      name: 'a comma does not break a phrase',
      text: 'slow, rude agent',
      expected: ['slow', 'rude', 'agent', 'slow rude', 'rude agent'],
    },
    {
      name: 'Polish',
      text: 'Długo czekałem na połączenie',
      expected: ['długo', 'czekałem', 'połączenie', 'długo czekałem'],
    },
    { name: 'a repeated word', text: 'wait wait', expected: ['wait', 'wait', 'wait wait'] },
    { name: 'empty', text: '', expected: [] },
  ])('$name', ({ text, expected }) => {
    expect(terms(text)).toEqual(expected);
  });
});

describe('TermCounts', () => {
  it('counts terms, their total and comments (empty ones too) per category', () => {
    const counts = new TermCounts();
    counts.add('detractor', 'Lång väntetid. Lång väntetid!');
    counts.add('detractor', '');
    counts.add('promoter', 'Tack');
    expect(counts.categories()).toEqual(['detractor', 'promoter']);
    const detractor = counts.get('detractor');
    expect(detractor?.comments).toBe(2);
    expect(detractor?.total).toBe(6);
    expect(Object.fromEntries(detractor?.terms ?? [])).toEqual({ lång: 2, väntetid: 2, 'lång väntetid': 2 });
    expect(counts.get('promoter')?.comments).toBe(1);
    expect(counts.get('passive')).toBeUndefined();
  });
});

type Expected = Omit<DistinctiveTerm, 'logOdds' | 'z'> & { logOdds: number; z: number };

const expectRows = (actual: DistinctiveTerm[], expected: Expected[]) => {
  expect(actual.map(({ term, category, count, otherCount }) => ({ term, category, count, otherCount }))).toEqual(
    expected.map(({ term, category, count, otherCount }) => ({ term, category, count, otherCount })),
  );
  actual.forEach((row, i) => {
    expect(Math.abs(row.logOdds - expected[i].logOdds), `${row.category} ${row.term} logOdds`).toBeLessThan(1e-9);
    expect(Math.abs(row.z - expected[i].z), `${row.category} ${row.term} z`).toBeLessThan(1e-9);
  });
};

const countsOf = (comments: [category: string, text: string][]): TermCounts => {
  const counts = new TermCounts();
  for (const [category, text] of comments) counts.add(category, text);
  return counts;
};

// detractor: slow 3, rude 2, hold 1 (n = 6); promoter: quick 3, help 2, slow 1 (n = 6).
// Full stops keep phrases out, so the vocabulary is these five words; pooled total 12.
const twoCategories = () =>
  countsOf([
    ['detractor', 'Slow. Slow! Slow?'],
    ['detractor', 'Rude; rude.\nHold'],
    ['promoter', 'Quick. Quick. Quick.'],
    ['promoter', 'Help!\nHelp! Slow.'],
  ]);

describe("distinctive terms (Fightin' Words)", () => {
  it('matches a hand computation with alpha0 = 6', () => {
    // alpha_w = 6 * pooled_w / 12: slow 2, rude 1, hold 0.5, quick 1.5, help 1.
    // detractor slow: delta = ln(5/7) - ln(3/9) = ln(15/7), var = 1/5 + 1/3 = 8/15.
    // detractor rude: delta = ln(3/9) - ln(1/11) = ln(11/3), var = 1/3 + 1/1 = 4/3.
    // detractor hold: delta = ln(1.5/10.5) - ln(0.5/11.5) = ln(23/7), var = 1/1.5 + 1/0.5.
    // promoter quick: delta = ln(4.5/7.5) - ln(1.5/10.5) = ln(4.2), var = 1/4.5 + 1/1.5.
    // promoter help equals detractor rude; promoter slow is negative and left out.
    expectRows(distinctiveTerms(twoCategories(), { top: 10, minCount: 1, priorStrength: 6 }), [
      {
        term: 'rude',
        category: 'detractor',
        count: 2,
        otherCount: 0,
        logOdds: Math.log(11 / 3),
        z: 1.1252120709616595,
      },
      {
        term: 'slow',
        category: 'detractor',
        count: 3,
        otherCount: 1,
        logOdds: Math.log(15 / 7),
        z: Math.log(15 / 7) / Math.sqrt(8 / 15),
      },
      {
        term: 'hold',
        category: 'detractor',
        count: 1,
        otherCount: 0,
        logOdds: Math.log(23 / 7),
        z: Math.log(23 / 7) / Math.sqrt(8 / 3),
      },
      {
        term: 'quick',
        category: 'promoter',
        count: 3,
        otherCount: 0,
        logOdds: Math.log(4.2),
        z: Math.log(4.2) / Math.sqrt(1 / 4.5 + 1 / 1.5),
      },
      { term: 'help', category: 'promoter', count: 2, otherCount: 0, logOdds: Math.log(11 / 3), z: 1.1252120709616595 },
    ]);
  });

  it('uses the pooled total as alpha0 by default (12 here)', () => {
    // detractor rude: alpha_w = 2, delta = ln(4/14) - ln(2/16) = ln(16/7), var = 1/4 + 1/2.
    expectRows(distinctiveTerms(twoCategories(), { top: 2, minCount: 1 }), [
      {
        term: 'rude',
        category: 'detractor',
        count: 2,
        otherCount: 0,
        logOdds: Math.log(16 / 7),
        z: Math.log(16 / 7) / Math.sqrt(0.75),
      },
      {
        term: 'slow',
        category: 'detractor',
        count: 3,
        otherCount: 1,
        logOdds: 0.503526321284379,
        z: 0.8599349039276311,
      },
      {
        term: 'quick',
        category: 'promoter',
        count: 3,
        otherCount: 0,
        logOdds: 0.916290731874155,
        z: 1.2958307800931992,
      },
      {
        term: 'help',
        category: 'promoter',
        count: 2,
        otherCount: 0,
        logOdds: 0.8266785731844677,
        z: 0.9545661935226963,
      },
    ]);
  });

  it('caps the default alpha0 at 10,000', () => {
    // Pooled total 14,000, so alpha0 = 10,000: detractor slow has alpha_w = 5,000,
    // delta = ln(11000/6000) - ln(6000/11000) = 2 ln(11/6), var = 1/11000 + 1/6000.
    const counts = countsOf([
      ['detractor', 'slow. '.repeat(6000) + 'rude. '.repeat(1000)],
      ['promoter', 'slow. '.repeat(1000) + 'quick. '.repeat(6000)],
    ]);
    expectRows(distinctiveTerms(counts, { top: 1, minCount: 1 }), [
      {
        term: 'slow',
        category: 'detractor',
        count: 6000,
        otherCount: 1000,
        logOdds: 2 * Math.log(11 / 6),
        z: (2 * Math.log(11 / 6)) / Math.sqrt(1 / 11000 + 1 / 6000),
      },
      {
        term: 'quick',
        category: 'promoter',
        count: 6000,
        otherCount: 0,
        logOdds: 1.513957505375981,
        z: 83.27055418456452,
      },
    ]);
  });

  it('leaves out terms said fewer than minCount times', () => {
    const rows = distinctiveTerms(twoCategories(), { top: 10, minCount: 2, priorStrength: 6 });
    expect(rows.map((row) => `${row.category}:${row.term}`)).toEqual([
      'detractor:rude',
      'detractor:slow',
      'promoter:quick',
      'promoter:help',
    ]);
  });

  it('orders equal z by term', () => {
    // queue and transfer have the same counts, so the same z (0.7481482497110113 with alpha0 = 4).
    const counts = countsOf([
      ['detractor', 'Transfer. Queue.'],
      ['promoter', 'Quick. Quick.'],
    ]);
    expectRows(distinctiveTerms(counts, { top: 10, minCount: 1, priorStrength: 4 }), [
      { term: 'queue', category: 'detractor', count: 1, otherCount: 0, logOdds: Math.log(2.5), z: 0.7481482497110113 },
      {
        term: 'transfer',
        category: 'detractor',
        count: 1,
        otherCount: 0,
        logOdds: Math.log(2.5),
        z: 0.7481482497110113,
      },
      { term: 'quick', category: 'promoter', count: 2, otherCount: 0, logOdds: Math.log(4), z: 1.6007548451372582 },
    ]);
  });

  it('compares each of three categories with the other two pooled', () => {
    // detractor: slow 2, rude 1, hold 1; passive: slow 1, fine 1, hold 2; promoter: quick 2,
    // friendly 1, fine 1. Pooled total 12, alpha0 = 4. Passive hold: alpha_w = 1,
    // delta = ln(3/5) - ln(2/10) = ln(3), var = 1/3 + 1/2. Detractor hold has z = 0 exactly and
    // passive slow too, so neither is listed.
    const counts = countsOf([
      ['promoter', 'Quick. Quick. Friendly. Fine.'],
      ['detractor', 'Slow. Slow. Rude. Hold.'],
      ['passive', 'Slow. Fine. Hold. Hold.'],
    ]);
    expectRows(distinctiveTerms(counts, { top: 10, minCount: 1, priorStrength: 4 }), [
      { term: 'slow', category: 'detractor', count: 2, otherCount: 1, logOdds: Math.log(3), z: 1.2034694649118016 },
      {
        term: 'rude',
        category: 'detractor',
        count: 1,
        otherCount: 0,
        logOdds: 1.945910149055313,
        z: 1.0048636800676292,
      },
      {
        term: 'hold',
        category: 'passive',
        count: 2,
        otherCount: 1,
        logOdds: Math.log(3),
        z: Math.log(3) / Math.sqrt(1 / 3 + 1 / 2),
      },
      {
        term: 'fine',
        category: 'passive',
        count: 1,
        otherCount: 1,
        logOdds: 0.4895482253187058,
        z: 0.4468943433227947,
      },
      {
        term: 'quick',
        category: 'promoter',
        count: 2,
        otherCount: 0,
        logOdds: 2.1400661634962708,
        z: 1.5628833497339285,
      },
      {
        term: 'friendly',
        category: 'promoter',
        count: 1,
        otherCount: 0,
        logOdds: 1.945910149055313,
        z: 1.0048636800676292,
      },
      {
        term: 'fine',
        category: 'promoter',
        count: 1,
        otherCount: 1,
        logOdds: 0.4895482253187058,
        z: 0.4468943433227947,
      },
    ]);
  });

  it('keeps the top terms per category', () => {
    const rows = distinctiveTerms(twoCategories(), { top: 1, minCount: 1, priorStrength: 6 });
    expect(rows.map((row) => `${row.category}:${row.term}`)).toEqual(['detractor:rude', 'promoter:quick']);
  });

  it.each([
    { name: 'no comments', counts: () => new TermCounts() },
    {
      name: 'only comments without terms',
      counts: () =>
        countsOf([
          ['detractor', ''],
          ['promoter', 'och det är 42 😀'],
        ]),
    },
    {
      name: 'a single category, with nothing to compare against',
      counts: () => countsOf([['detractor', 'Slow. Rude.']]),
    },
  ])('returns nothing for $name', ({ counts }) => {
    expect(distinctiveTerms(counts(), { top: 10, minCount: 1 })).toEqual([]);
  });

  it.each([
    { name: 'a negative top', options: { top: -1, minCount: 1 } },
    { name: 'a fractional top', options: { top: 1.5, minCount: 1 } },
    { name: 'a minCount that is not a number', options: { top: 1, minCount: NaN } },
    { name: 'a zero prior', options: { top: 1, minCount: 1, priorStrength: 0 } },
  ])('rejects $name', ({ options }) => {
    expect(() => distinctiveTerms(twoCategories(), options)).toThrow(RangeError);
  });
});

describe('TermCounts.merge', () => {
  it('gives the counts of having added every comment to one', () => {
    const all = new TermCounts();
    const first = new TermCounts();
    const second = new TermCounts();
    const comments: [string, string][] = [
      ['detractor', 'long wait time'],
      ['promoter', 'quick help'],
      ['detractor', 'wait again'],
    ];
    comments.forEach(([c, t], i) => {
      all.add(c, t);
      (i < 2 ? first : second).add(c, t);
    });
    first.merge(second);
    for (const category of all.categories()) {
      expect(first.get(category)).toEqual(all.get(category));
    }
    expect(first.categories()).toEqual(all.categories());
  });
});

describe('negations', () => {
  it.each([
    ['inte bra alls', 'inte bra'],
    ['Nie polecam', 'nie polecam'],
    ['not helpful at all', 'not helpful'],
    ['Das war nicht gut', 'nicht gut'],
  ])('%j keeps the negated phrase %j', (text, phrase) => {
    expect(terms(text)).toContain(phrase);
  });
});

describe('bounded in memory and time', () => {
  it('reads a word of millions of letters without overflowing the stack, and drops it', () => {
    expect(terms(`bra ${'a'.repeat(8 * 1024 * 1024)} service`)).toEqual(['bra', 'service']);
  });

  it(`keeps at most ${MAX_TERMS} distinct terms per category, dropping the rarest`, () => {
    const counts = new TermCounts();
    for (let i = 0; i < 30; i++) counts.add('detractor', 'slow callback');
    for (let i = 0; i < MAX_TERMS + 10; i++) counts.add('detractor', `word${i.toString(36)}x`);
    const detractors = counts.get('detractor')!;
    expect(detractors.terms.size).toBeLessThanOrEqual(MAX_TERMS);
    expect(counts.pruned).toBeGreaterThan(0);
    expect(detractors.terms.get('slow')).toBe(30);
    expect(detractors.terms.get('slow callback')).toBe(30);
  });
});
