import { describe, expect, it } from 'vitest';
import { formatForHumans, formatPlain, pDigits, round } from '../../src/report/format.js';
import { forSpreadsheet, forTerminal } from '../../src/report/sanitize.js';
import { colorLevel } from '../../src/report/style.js';

describe('round', () => {
  it.each([
    [1.005, 2, 1.01],
    [2.5, 0, 3],
    [-2.5, 0, -3],
    [0.05, 1, 0.1],
    [-0.05, 1, -0.1],
    [12.345, 2, 12.35],
    [-0.04, 1, 0],
    [1e-7, 1, 0],
    [5e-7, 6, 0.000001],
    [123456.78, 1, 123456.8],
  ])('round(%d, %i) = %d (half away from zero)', (value, decimals, expected) => {
    expect(round(value, decimals)).toBe(expected);
  });
});

describe('formatForHumans', () => {
  const style = { decimals: 1 };
  it.each([
    [32.45, 'nps', '+32.5'],
    [-5, 'nps', '-5.0'],
    [0, 'nps', '0.0'],
    [-0.04, 'nps', '0.0'],
    [0.04, 'nps', '0.0'],
    [51, 'pct', '51.0%'],
    [6.559, 'margin', '±6.6'],
    [412, 'count', '412'],
    [NaN, 'nps', 'n/a'],
  ] as const)('%d as %s is %j', (value, kind, expected) => {
    expect(formatForHumans(value, kind, style)).toBe(expected);
  });

  it('shows a range with signs', () => {
    expect(formatForHumans([-5.66, 57.94], 'range', style)).toBe('-5.7 to +57.9');
  });
});

describe('formatPlain', () => {
  it('writes plain numbers, with a decimal comma for Excel', () => {
    expect(formatPlain(32.45, 'nps', { decimals: 1 })).toBe('32.5');
    expect(formatPlain(32.45, 'nps', { decimals: 2, decimalComma: true })).toBe('32,45');
    expect(formatPlain(0.95, 'number', { decimals: 1, decimalComma: true })).toBe('0,95');
    expect(formatPlain(NaN, 'nps', { decimals: 1 })).toBe('');
  });
});

describe('sanitizing untrusted text', () => {
  it.each([
    ['\x1b[31mred\x1b[0m', 'red'],
    ['title\x1b]0;pwned\x07 here', 'title here'],
    ['bell\x07 and null\x00', 'bell and null'],
    ['two\nlines\r\nand\ttab', 'two lines and tab'],
    ['c1\x9b31m', 'c131m'],
    ['åäö ł ż', 'åäö ł ż'],
  ])('forTerminal(%j) = %j', (raw, clean) => {
    expect(forTerminal(raw)).toBe(clean);
  });

  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+1', "'+1"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['fine', 'fine'],
    ['a=b', 'a=b'],
    ['\x1b[31m=1+2\x1b[0m', "'=1+2"],
    ['Anna\x07Bell', 'AnnaBell'],
    ['two\nlines', 'two\nlines'],
  ])('forSpreadsheet(%j) = %j', (raw, safe) => {
    expect(forSpreadsheet(raw)).toBe(safe);
  });
});

describe('colorLevel', () => {
  it.each([
    [{}, true, 1],
    [{}, false, 0],
    [{ NO_COLOR: '1' }, true, 0],
    [{ FORCE_COLOR: '1' }, false, 1],
    [{ FORCE_COLOR: '3' }, false, 3],
    [{ FORCE_COLOR: '0' }, true, 0],
    [{ NO_COLOR: '1', FORCE_COLOR: '1' }, true, 0],
  ])('env %j, TTY %s: level %i', (env, tty, level) => {
    expect(colorLevel(env, tty)).toBe(level);
  });
});

describe('p-values for people', () => {
  it.each([
    [0.0832158675, '0.0832'],
    [0.5, '0.500'],
    [1, '1.00'],
    [0.00012, '0.000120'],
    [0.00009, '<0.0001'],
    [0.05, '0.0500'],
    // Round-looking at three digits (where thresholds are): more digits, so the verdicts differ visibly.
    [0.04996, '0.04996'],
    [0.05004, '0.05004'],
    [0.0100004, '0.0100004'],
  ])('%f reads %s', (p, text) => {
    expect(pDigits(p)).toBe(text);
  });

  it('never prints the same p for two values on opposite sides of 0.05, 0.01 or 0.1', () => {
    for (const alpha of [0.05, 0.01, 0.1, 0.001, 0.025]) {
      for (const step of [1e-3, 1e-4, 1e-5, 1e-6, 1e-7]) {
        expect(pDigits(alpha - step)).not.toBe(pDigits(alpha + step));
        expect(pDigits(alpha - step)).not.toBe(pDigits(alpha));
      }
    }
  });
});
