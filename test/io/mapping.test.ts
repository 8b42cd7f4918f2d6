import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/core/text.js';
import { NpsError } from '../../src/errors.js';
import {
  derivedFromScore,
  detectAgent,
  detectComment,
  detectDate,
  detectId,
  detectScore,
  detectTeam,
  resolveColumn,
} from '../../src/io/scan/mapping.js';

const rows = (...records: string[][]) => records;

describe('detectScore', () => {
  it.each([
    [['id', 'score'], 'score'],
    [['Svars-ID', 'Datum', 'Betyg'], 'Betyg'],
    [['id', 'Ocena'], 'Ocena'],
    [['id', 'How likely are you to recommend us to a friend?'], 'How likely are you to recommend us to a friend?'],
    [
      ['id', 'Hur sannolikt är det att du skulle rekommendera oss?'],
      'Hur sannolikt är det att du skulle rekommendera oss?',
    ],
  ])('finds the score column in %j', (header, expected) => {
    const sample = rows(
      header.map((_, i) => (i === header.length - 1 ? '9' : 'x')),
      header.map((_, i) => (i === header.length - 1 ? '3' : 'y')),
    );
    expect(detectScore(header, sample)?.name).toBe(expected);
  });

  it('prefers a column of 0-10 answers to a Yes/No column that also says "recommend"', () => {
    const header = ['id', 'Would you recommend us?', 'Rating'];
    const sample = rows(['1', 'Yes', '9'], ['2', 'No', '4'], ['3', 'Yes', '10']);
    const choice = detectScore(header, sample)!;
    expect(choice.name).toBe('Rating');
    expect(choice.reason).toContain('100% of 3');
  });

  it("never takes a vendor's NPS group column for the answer", () => {
    const header = ['Q1_NPS_GROUP', 'Q1'];
    expect(detectScore(header, rows(['3', '9'], ['1', '4']))).toBeUndefined();
  });

  it.each([
    [['id', 'csat_score', 'likelihood_to_recommend'], 'likelihood_to_recommend'],
    [['id', 'CSAT rating', 'NPS score'], 'NPS score'],
    [['id', 'CES score', 'Score'], 'Score'],
    [
      ['id', 'Overall rating', 'How likely is it that you would recommend us?'],
      'How likely is it that you would recommend us?',
    ],
  ])('ranks the recommend question above other scores in %j', (header, expected) => {
    const sample = Array.from({ length: 12 }, (_, i) => ['1', String((i % 5) + 1), String(i % 11)]);
    expect(detectScore(header, sample)?.name).toBe(expected);
  });

  it('ranks a 0-10 rating above a rating whose answers never pass 5', () => {
    const header = ['rating', 'score'];
    const sample = Array.from({ length: 12 }, (_, i) => [String((i % 5) + 1), String(i % 11)]);
    expect(detectScore(header, sample)?.name).toBe('score');
  });

  it('finds nothing when no header names a score', () => {
    expect(detectScore(['id', 'comment'], rows(['1', 'fine']))).toBeUndefined();
  });
});

describe('detectDate', () => {
  it('prefers the submission time to the start time', () => {
    const header = ['StartDate', 'EndDate', 'score'];
    const sample = rows(['2024-01-01 10:00', '2024-01-01 10:05', '9']);
    expect(detectDate(header, sample)?.name).toBe('EndDate');
  });

  it('finds Swedish and Norwegian date headers', () => {
    expect(detectDate(['Datum', 'Betyg'], rows(['2024-03-14 09:30', '9']))?.name).toBe('Datum');
    expect(detectDate(['Dato', 'Karakter'], rows(['14.03.2024', '9']))?.name).toBe('Dato');
  });

  it('ignores a column named date whose values are not dates', () => {
    expect(detectDate(['date', 'score'], rows(['soon', '9'], ['later', '8']))).toBeUndefined();
  });
});

describe('resolveColumn', () => {
  const header = ['response_id', 'submitted_at', 'Score', 'channel'];

  it('matches a header case-insensitively', () => {
    expect(resolveColumn(header, ' score ', '--score', 'x.csv').index).toBe(2);
  });

  it('takes a 1-based position', () => {
    expect(resolveColumn(header, '4', '--score', 'x.csv')).toMatchObject({ index: 3, name: 'channel' });
  });

  it('names the closest header and lists them all when the column is unknown', () => {
    try {
      resolveColumn(header, 'chanel', '--where', 'x.csv');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(NpsError);
      expect((err as NpsError).kind).toBe('usage');
      expect((err as NpsError).hint).toBe(
        'did you mean "channel"? columns: "response_id", "submitted_at", "Score", "channel"',
      );
    }
  });

  it('computes edit distances', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('detectAgent and detectTeam', () => {
  const sample = [['1', 'Anna', 'Nord', '9', '']];
  it.each([
    [['id', 'agent', 'team', 'score', 'x'], 'agent', 'team'],
    [['id', 'Handläggare', 'Avdelning', 'Betyg', 'x'], 'Handläggare', 'Avdelning'],
    [['id', 'Saksbehandler', 'Avdeling', 'Karakter', 'x'], 'Saksbehandler', 'Avdeling'],
    [['id', 'Konsultant', 'Zespół', 'Ocena', 'x'], 'Konsultant', 'Zespół'],
    [['id', 'assignee', 'group', 'score', 'x'], 'assignee', 'group'],
    [['id', 'Agent Name', 'Support Team', 'score', 'x'], 'Agent Name', 'Support Team'],
  ])('finds them in %j', (header, agent, team) => {
    expect(detectAgent(header, sample)?.name).toBe(agent);
    expect(detectTeam(header, sample)?.name).toBe(team);
  });

  it('skips a matching column with no values, and finds nothing in unrelated headers', () => {
    expect(detectAgent(['id', 'x', 'y', 'score', 'agent'], sample)).toBeUndefined();
    expect(detectTeam(['id', 'comment'], [['1', 'fine']])).toBeUndefined();
  });
});

describe('roles need evidence from the values', () => {
  const scores = ['10', '9', '8', '7', '6', '3', '9', '10', '5', '8', '0', '9'];
  const category = (s: string) => (Number(s) >= 9 ? 3 : Number(s) >= 7 ? 2 : 1);

  it.each([
    ['1/2/3 codes of the score', (s: string) => String(category(s)), true],
    ['Promoter/Passive/Detractor words', (s: string) => ['', 'Detractor', 'Passive', 'Promoter'][category(s)], true],
    ['the score itself, in another column', (s: string) => s, false],
    ['teams', (_: string, i: number) => ['Nord', 'Syd', 'Väst'][i % 3], false],
    ['one value', () => 'Nord', false],
  ])('derivedFromScore: %s -> %s', (_name, value, derived) => {
    const sample = scores.map((s, i) => [s, value(s, i)]);
    expect(derivedFromScore(sample, 1, 0)).toBe(derived);
  });

  it('never takes the score category for the team, even when it is the only column named like a group', () => {
    const header = ['Q1_NPS_GROUP', 'Q1'];
    const sample = scores.map((s) => [String(category(s)), s]);
    expect(detectTeam(header, sample, new Set([1]), 1)).toBeUndefined();
    expect(
      detectTeam(
        ['Team', 'Q1'],
        scores.map((s, i) => [['Nord', 'Syd'][i % 2], s]),
        new Set([1]),
        1,
      )?.name,
    ).toBe('Team');
  });

  it('takes a column named like a comment only when it holds free text', () => {
    const likert = ['Agree', 'Strongly agree', 'Disagree', 'Neutral'];
    const texts = Array.from(
      { length: 12 },
      (_, i) => `The ${['pace', 'room', 'coffee', 'slides'][i % 4]} could be better, day ${i + 1}`,
    );
    const header = ['Comments on pace', 'What could we improve?'];
    const sample = texts.map((t, i) => [likert[i % 4], t]);
    const choice = detectComment(header, sample)!;
    expect(choice.name).toBe('What could we improve?');
    expect(choice.reason).toBe(
      'header asks for the reason; 12 of 12 sampled values distinct, 32 characters on average',
    );
    expect(
      detectComment(
        ['comment'],
        sample.map((r) => [r[0]]),
      ),
    ).toBeUndefined();
  });

  it('takes an ID column only when it is mostly filled and mostly distinct', () => {
    const sparse = Array.from({ length: 30 }, (_, i) => [i === 4 || i === 11 ? 'W-1' : '', '9']);
    expect(detectId(['Workshop ID', 'score'], sparse)).toBeUndefined();
    const filled = Array.from({ length: 30 }, (_, i) => [`R_${i}`, '9']);
    expect(detectId(['Response ID', 'score'], filled)?.reason).toBe(
      'header names the response ID; filled in 30 of 30 sampled rows, 30 distinct',
    );
  });
});
