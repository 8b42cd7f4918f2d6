import { describe, expect, it } from 'vitest';
import { type Decoding, oddities, sniffEncoding, toUtf8 } from '../../src/io/source/decode.js';

async function decode(chunks: Buffer[], forced?: string) {
  const decoding: Decoding = { encoding: '' };
  const fallbacks: number[] = [];
  const out: Buffer[] = [];
  async function* source() {
    yield* chunks;
  }
  for await (const chunk of toUtf8(source(), forced, decoding, (n) => fallbacks.push(n))) out.push(chunk);
  return { text: Buffer.concat(out).toString('utf8'), decoding, fallbacks };
}

const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16();

/** The windows-1250 bytes of the Polish, Czech, Slovak and Hungarian letters used below (from its code chart). */
const WINDOWS_1250: Record<string, number> = {
  ...{ ł: 0xb3, Ł: 0xa3, ś: 0x9c, Ś: 0x8c, ż: 0xbf, Ż: 0xaf, ó: 0xf3, ą: 0xb9, ę: 0xea, ź: 0x9f, ń: 0xf1, ć: 0xe6 },
  ...{
    á: 0xe1,
    č: 0xe8,
    ď: 0xef,
    é: 0xe9,
    ě: 0xec,
    í: 0xed,
    ň: 0xf2,
    ř: 0xf8,
    š: 0x9a,
    ť: 0x9d,
    ú: 0xfa,
    ů: 0xf9,
    ý: 0xfd,
    ž: 0x9e,
  },
  ...{ Á: 0xc1, Č: 0xc8, Ď: 0xcf, Š: 0x8a, Ť: 0x8d, Ž: 0x8e, ľ: 0xbe, Ľ: 0xbc, ô: 0xf4, ä: 0xe4 },
  ...{ ő: 0xf5, ű: 0xfb, ö: 0xf6, ü: 0xfc },
};
/** The windows-1257 bytes of the Lithuanian letters used below (from its code chart). */
const WINDOWS_1257: Record<string, number> = {
  ą: 0xe0,
  ė: 0xeb,
  ę: 0xe6,
  š: 0xf0,
  ū: 0xfb,
  ž: 0xfe,
  Ą: 0xc0,
  Š: 0xd0,
  Ž: 0xde,
};
/** Text as the bytes of a single-byte code page, by its chart of the letters beyond ASCII. */
const encoded = (chart: Record<string, number>, text: string): Buffer =>
  Buffer.from(
    [...text].map((c) => {
      if (c < '\u0080') return c.charCodeAt(0);
      if (chart[c] === undefined) throw new Error(`no byte listed for ${c}`);
      return chart[c];
    }),
  );
const cp1250 = (text: string): Buffer => encoded(WINDOWS_1250, text);

describe('sniffEncoding', () => {
  it.each([
    [Buffer.from('\ufeffid,score', 'utf8'), 'utf-8'],
    [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id\tscore', 'utf16le')]), 'utf-16le'],
    [Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be('id,score')]), 'utf-16be'],
    [Buffer.from('id,score\n1,9\n', 'utf16le'), 'utf-16le'],
    [utf16be('id,score\n1,9\n'), 'utf-16be'],
    [Buffer.from('id,score\n1,9\n', 'latin1'), 'utf-8'],
    [Buffer.from([0x00]), 'utf-8'],
  ])('%j is %s', (head, encoding) => {
    expect(sniffEncoding(head)).toBe(encoding);
  });
});

describe('toUtf8', () => {
  it('passes UTF-8 through untouched, even with a character split across chunks', async () => {
    const bytes = Buffer.from('id,namn\n1,Åsa Öberg\n', 'utf8');
    const split = bytes.indexOf(0xc3) + 1; // inside the two bytes of Å
    const { text, decoding, fallbacks } = await decode([bytes.subarray(0, split), bytes.subarray(split)]);
    expect(text).toBe('id,namn\n1,Åsa Öberg\n');
    expect(decoding.encoding).toBe('utf-8');
    expect(fallbacks).toEqual([]);
  });

  it('decodes UTF-16 with and without a byte-order mark', async () => {
    const le = await decode([
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Datum\tBetyg\r\nå\t9\r\n', 'utf16le')]),
    ]);
    expect(le.text).toBe('Datum\tBetyg\r\nå\t9\r\n');
    expect(le.decoding.encoding).toBe('utf-16le');
    const be = await decode([utf16be('id,score\n1,ż\n')]);
    expect(be.text).toBe('id,score\n1,ż\n');
  });

  it('falls back to windows-1252 from the first invalid byte, and says after how many line breaks', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,c\n1,ok\n2,bra\n', 'utf8'),
      Buffer.from('3,d\xe5ligt\n4,b\xe4st\n', 'latin1'),
    ]);
    const { text, decoding, fallbacks } = await decode([bytes]);
    expect(text).toBe('id,c\n1,ok\n2,bra\n3,dåligt\n4,bäst\n');
    expect(fallbacks).toEqual([3]);
    expect(decoding.fellBack).toBe('windows-1252');
  });

  it('detects windows-1250 in a Polish export that is not UTF-8, and reads it so', async () => {
    const polish =
      'Data;Ocena;Konsultant;Komentarz\n04.03.2024;9;Łukasz Wiśniewski;Szybka i rzeczowa pomoc, dziękuję\n05.03.2024;4;Małgorzata Żółkiewska;Długo czekałem na połączenie, źle\n07.03.2024;10;Stanisław Dąbrowski;Świetna obsługa, polecam każdemu\n';
    const { text, decoding } = await decode([cp1250(polish)]);
    expect(decoding.fellBack).toBe('windows-1250');
    expect(decoding.encoding).toBe('utf-8, then windows-1250');
    expect(text).toBe(polish);
  });

  it.each([
    ['Czech', 'id;hodnoceni;komentar\n1;9;Příliš žluťoučký kůň úpěl ďábelské ódy\n'],
    ['Czech names', 'id,score,agent\n1,9,Dvořák\n2,3,Šťastný\n3,10,Čermák\n4,8,Růžička\n'],
    ['a Czech name alone', 'id,score,agent\n1,9,Dvořák\n'],
    [
      'Czech names that chardet takes for windows-1257',
      // Twelve rows: with four, chardet's two guesses tie.
      `id,score,agent\n${[1, 2, 3]
        .flatMap(() => ['Karel Dvořák', 'Jana Šťastná', 'Petr Čermák', 'Eva Růžičková'])
        .map((name, i) => `${i + 1},${9 - i},${name}\n`)
        .join('')}`,
    ],
    ['Polish', 'id,score,agent,city\n1,9,Wąsowicz,Łódź\n'],
    ['a Polish region', 'id,score,region\n1,9,Świętokrzyskie\n'],
    ['Slovak', 'id,score,agent\n1,9,Ľubomír Ďurčo\n2,3,Mária Kováčová\n'],
    // Hungarian with ő and ű: a few such words read as Portuguese (Erdõs) or French (Gyûrû) in
    // windows-1252, so they need company; `Erdős Pál, Köszönöm` alone stays chardet's guess.
    ['Hungarian', 'id,score,agent,city,comment\n1,9,Erdős Pál,Győr,Tűzoltó gyűrű\n2,3,Szőke Anna,Kőszeg,Fűzfa alatt\n'],
  ])('%s, written in windows-1250, reads as windows-1250: its letters make words', async (_language, original) => {
    const { text, decoding } = await decode([cp1250(original)]);
    expect(text).toBe(original);
    // ISO-8859-2 holds these letters at the same bytes: the text is the same either way.
    expect(['windows-1250', 'iso-8859-2']).toContain(decoding.fellBack);
  });

  it.each([
    ['Müller'],
    ['Français'],
    ['Ñandú'],
    ['Åsa Öberg'],
    ['Ærø'],
    ['Crème brûlée, 50 £'],
    ['Très bon accueil, à revoir, conseillère très aimable, goût'],
  ])('keeps %s in windows-1252 as windows-1252', async (name) => {
    const original = `id,score,agent\n1,9,${name}\n`;
    const { text, decoding } = await decode([Buffer.from(original, 'latin1')]);
    expect(text).toBe(original);
    expect(decoding.fellBack).toBe('windows-1252');
  });

  it('keeps Lithuanian in windows-1257 as windows-1257', async () => {
    const original =
      'id,score,agent\n1,9,Jonas Žemaitis\n2,4,Ona Šimkutė\n3,10,Rūta Grybauskaitė\n4,8,Ąžuolas Kęstutis\n';
    const { text, decoding } = await decode([encoded(WINDOWS_1257, original)]);
    expect(text).toBe(original);
    expect(decoding.fellBack).toBe('windows-1257');
  });

  it('reads a file mixing UTF-8 lines and windows-1250 lines each in its own', async () => {
    const lines = ['id,score,agent\n', '1,9,Dvořák\n', '2,3,Šťastný\n', '3,10,Růžička\n', '4,8,Čermák\n', '5,7,Łódź\n'];
    const utf8 = [true, true, false, true, false, false];
    const bytes = Buffer.concat(lines.map((line, i) => (utf8[i] ? Buffer.from(line, 'utf8') : cp1250(line))));
    const { text, decoding, fallbacks } = await decode([bytes]);
    expect(text).toBe(lines.join(''));
    expect(fallbacks).toEqual([2]);
    expect(decoding.fellBack).toBe('windows-1250');
    expect(decoding.lines).toEqual({ 'windows-1250': 3, 'utf-8': 1 });
  });

  it('reads a named encoding', async () => {
    const { text } = await decode(
      [Buffer.from([0x4f, 0x63, 0x65, 0x6e, 0x61, 0x3b, 0xb3, 0xb9, 0x9c])],
      'windows-1250',
    );
    expect(text).toBe('Ocena;łąś');
  });

  it('treats a file that ends inside a character as not UTF-8', async () => {
    const { text, fallbacks } = await decode([Buffer.from([0x61, 0x0a, 0xc3])]);
    expect(text).toBe('a\nÃ');
    expect(fallbacks).toEqual([0]);
  });
});

describe('oddities: how unlike text a decoded line is', () => {
  it.each([
    ['Il faut améliorer le délai', 0],
    ['Il faut am‚liorer le d‚lai', 2], // cp850 bytes read as windows-1252
    ['Il faut amÚliorer le dÚlai', 2], // windows-1252 bytes read as cp850
    ['Fel på fakturan – igen', 0],
    ['box ─ drawing \u0085 control', 2],
    ['Attente interminable, … revoir', 0], // a tie: the file's other lines decide
  ])('%j: %i', (line, expected) => {
    expect(oddities(line)).toBe(expected);
  });
});

describe('a legacy file read line by line', () => {
  const decoded = async (bytes: Buffer) => {
    const decoding: Decoding = { encoding: 'utf-8' };
    const chunks: Buffer[] = [];
    for await (const chunk of toUtf8(
      (async function* () {
        yield bytes;
      })(),
      undefined,
      decoding,
      () => {},
    ))
      chunks.push(chunk);
    return { text: Buffer.concat(chunks).toString('utf8'), decoding };
  };

  it('keeps the dashes and curly quotes of windows-1252 text (Mon–Fri, don’t), never reading them as cp850 letters', async () => {
    const cp1252 = Buffer.concat([
      Buffer.from('id,comment\n1,Open Mon'),
      Buffer.from([0x96]),
      Buffer.from('Fri only'),
      Buffer.from([0x97]),
      Buffer.from('not enough\n2,We don'),
      Buffer.from([0x92]),
      Buffer.from('t know\n'),
    ]);
    const read = await decoded(cp1252);
    expect(read.text).toBe('id,comment\n1,Open Mon–Fri only—not enough\n2,We don’t know\n');
    expect(read.decoding.lines).toEqual({ 'windows-1252': 2 });
  });

  it('cuts lines at a lone CR too (old Mac files), each line in its own encoding', async () => {
    const cp850 = Buffer.from([0x61, 0x6d, 0x82, 0x6c, 0x69, 0x6f, 0x72, 0x65, 0x72]); // améliorer in cp850
    const cp1252 = Buffer.from([0x74, 0x72, 0xe8, 0x73]); // très in windows-1252
    const read = await decoded(
      Buffer.concat([Buffer.from('c\r'), cp1252, Buffer.from('\r'), cp850, Buffer.from('\r')]),
    );
    expect(read.text).toBe('c\rtrès\raméliorer\r');
    expect(read.decoding.lines).toEqual({ 'windows-1252': 1, cp850: 1 });
  });

  it.each([['\n'], ['\r\n'], ['\r']])(
    'names the first line in the other encoding alike whatever ends the lines (%j)',
    async (end) => {
      const cp850 = Buffer.from([0x61, 0x6d, 0x82, 0x6c, 0x69, 0x6f, 0x72, 0x65, 0x72]); // améliorer in cp850
      const cp1252 = Buffer.from([0x74, 0x72, 0xe8, 0x73]); // très in windows-1252
      const read = await decoded(
        Buffer.concat([
          Buffer.from(`c${end}`),
          cp1252,
          Buffer.from(end),
          cp1252,
          Buffer.from(end),
          cp850,
          Buffer.from(end),
        ]),
      );
      // Counted from the fallback's first line: très, très, then améliorer on the third.
      expect(read.decoding.firstOther).toBe(3);
    },
  );
});
