import { describe, expect, it } from 'vitest';
import { answerOn, MISSING, NOT_A_NUMBER, OUT_OF_RANGE, parseAnswer } from '../../src/core/answer.js';

describe('parseAnswer', () => {
  it.each([
    ['0', 0],
    ['7', 7],
    ['10', 10],
    [' 7 ', 7],
    ['7.0', 7],
    ['7,0', 7],
    ['\u00a09\u00a0', 9],
    ['10 - Extremely likely', 10],
    ['0 - Not at all likely', 0],
    ['9 (Mycket sannolikt)', 9],
    ['10 = Extremely likely', 10],
    ['8: Likely', 8],
    ['5 Neutral', 5],
  ])('reads %j as %i', (raw, expected) => {
    expect(parseAnswer(raw)).toBe(expected);
  });

  it.each(['', '   ', 'NA', 'n/a', 'N/A', '-', '#N/A', 'null'])('treats %j as missing', (raw) => {
    expect(parseAnswer(raw)).toBe(MISSING);
  });

  it.each(['11', '-1', '100', '+11'])('treats %j as out of range', (raw) => {
    expect(parseAnswer(raw)).toBe(OUT_OF_RANGE);
  });

  it.each(['abc', '7.5', 'Yes', '1e1', '7/10', 'ten', '9x', '9-10', '5-6', '0 - 6', '9–10'])(
    'treats %j as not a number',
    (raw) => {
      expect(parseAnswer(raw)).toBe(NOT_A_NUMBER);
    },
  );
});

describe('answerOn', () => {
  it.each([
    ['0-10', '0', 0],
    ['0-10', '11', OUT_OF_RANGE],
    ['1-10', '1', 1],
    ['1-10', '10', 10],
    ['1-10', '0', OUT_OF_RANGE],
    ['1-10', '', MISSING],
    ['1-11', '1', 0],
    ['1-11', '11', 10],
    ['1-11', '11 - Extremely likely', 10],
    ['1-11', '7', 6],
    ['1-11', '0', OUT_OF_RANGE],
    ['1-11', '12', OUT_OF_RANGE],
    ['1-11', 'x', NOT_A_NUMBER],
    ['1-11', 'NA', MISSING],
  ] as const)('on %s reads %j as %i', (scale, raw, expected) => {
    expect(answerOn(raw, scale)).toBe(expected);
  });
});
