import { describe, expect, it } from 'vitest';
import { sniffDialect } from '../../src/io/source/sniff.js';

describe('sniffDialect', () => {
  it.each([
    ['comma', 'id,score,comment\n1,9,ok\n2,7,"a; b"\n', ','],
    ['semicolon', 'id;score;comment\n1;9;"Stockholm, Sweden"\n2;7;ok\n', ';'],
    ['tab', 'id\tscore\tcomment\n1\t9\tfine, thanks\n', '\t'],
    ['semicolon with commas in every comment', 'a;b;c\n1;9;x, y, z, w\n2;8;p, q, r, s\n', ';'],
    ['quoted delimiters do not vote', 'a,b\n"x;y;z;w",9\n"p;q;r;s",8\n', ','],
    ['a single column', 'score\n9\n7\n', ','],
  ])('finds the %s separator', (_, head, delimiter) => {
    expect(sniffDialect(head).delimiter).toBe(delimiter);
  });

  it('honours an Excel sep= line and reports it', () => {
    expect(sniffDialect('sep=;\r\nid;score\n1;9\n')).toEqual({ delimiter: ';', sepLine: true, bom: false });
  });

  it('sees a byte-order mark', () => {
    expect(sniffDialect('\ufeffid;score\n1;9\n')).toEqual({ delimiter: ';', sepLine: false, bom: true });
  });

  it('lets --delimiter win', () => {
    expect(sniffDialect('a,b\n1,2\n', '|').delimiter).toBe('|');
  });
});
