import { describe, expect, it } from 'vitest';
import { type Decoding, sniffEncoding, toUtf8 } from '../../src/io/decode.js';

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
    const le = await decode([Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Datum\tBetyg\r\nå\t9\r\n', 'utf16le')])]);
    expect(le.text).toBe('Datum\tBetyg\r\nå\t9\r\n');
    expect(le.decoding.encoding).toBe('utf-16le');
    const be = await decode([utf16be('id,score\n1,ż\n')]);
    expect(be.text).toBe('id,score\n1,ż\n');
  });

  it('falls back to windows-1252 from the first invalid byte, and says after how many line breaks', async () => {
    const bytes = Buffer.concat([Buffer.from('id,c\n1,ok\n2,bra\n', 'utf8'), Buffer.from('3,d\xe5ligt\n4,b\xe4st\n', 'latin1')]);
    const { text, decoding, fallbacks } = await decode([bytes]);
    expect(text).toBe('id,c\n1,ok\n2,bra\n3,dåligt\n4,bäst\n');
    expect(fallbacks).toEqual([3]);
    expect(decoding.fellBack).toBe(true);
  });

  it('reads a named encoding', async () => {
    const { text } = await decode([Buffer.from([0x4f, 0x63, 0x65, 0x6e, 0x61, 0x3b, 0xb3, 0xb9, 0x9c])], 'windows-1250');
    expect(text).toBe('Ocena;łąś');
  });

  it('treats a file that ends inside a character as not UTF-8', async () => {
    const { text, fallbacks } = await decode([Buffer.from([0x61, 0x0a, 0xc3])]);
    expect(text).toBe('a\nÃ');
    expect(fallbacks).toEqual([0]);
  });
});
