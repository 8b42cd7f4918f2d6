import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Cell,
  calibrate,
  calibratedNps,
  DEFAULT_CALIBRATION,
  EmptyCell,
  type Margin,
} from '../../src/core/calibrate.js';
import { spawnChild } from '../helpers/child.js';

/*
 * Weighting to the contacts' totals against R's survey package: postStratify on one variable and
 * on a cross, rake on two and three margins, trimWeights for the cap, and svymean's linearized
 * standard error of y = +1/0/−1 (NPS / 100) under each, on generated contact-centre surveys where
 * who answers depends on the channel.
 */

const temp = mkdtempSync(join(tmpdir(), 'nps-calibrate-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const CHANNELS = ['phone', 'chat', 'email'];
const QUEUES = ['billing', 'tech', 'sales', 'moves'];
const REGIONS = ['north', 'south'];

interface Contact {
  readonly channel: string;
  readonly queue: string;
  readonly region: string;
  /** The answer, when the contact answered. */
  readonly score?: number;
}

/** A seeded contact list: e-mail contacts answer least and are least happy; phone answers most. */
function contacts(seed: number, count: number): Contact[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(items: readonly T[], weights: readonly number[]) => {
    let u = random() * weights.reduce((a, b) => a + b, 0);
    for (const [i, w] of weights.entries()) {
      u -= w;
      if (u < 0) return items[i];
    }
    return items[items.length - 1];
  };
  return Array.from({ length: count }, () => {
    const channel = pick(CHANNELS, [0.6, 0.3, 0.1]);
    const queue = pick(QUEUES, [0.4, 0.3, 0.2, 0.1]);
    const region = pick(REGIONS, [0.5, 0.5]);
    const answers = random() < { phone: 0.12, chat: 0.3, email: 0.4 }[channel]! + (queue === 'tech' ? 0.05 : 0);
    const mood = { phone: 0.55, chat: 0.45, email: 0.25 }[channel]! + (region === 'north' ? 0.1 : 0);
    const u = random();
    const score =
      u < mood
        ? 9 + Math.floor(random() * 2)
        : u < mood + 0.25
          ? 7 + Math.floor(random() * 2)
          : Math.floor(random() * 7);
    return answers ? { channel, queue, region, score } : { channel, queue, region };
  });
}

const levelsOf = (c: Contact, margins: readonly string[]) =>
  margins.map((m) =>
    m
      .split(':')
      .map((v) => c[v as keyof Contact])
      .join(':'),
  );

/** The respondents' cells and the contacts' totals, for margins such as `channel` or `channel:queue`. */
function cellsAndMargins(
  list: readonly Contact[],
  margins: readonly string[],
  by?: keyof Contact,
): { cells: Cell[]; margins: Margin[] } {
  const cells = new Map<string, { levels: string[]; n: number; promoters: number; detractors: number }>();
  const totals = margins.map(() => new Map<string, number>());
  for (const c of list) {
    const levels = [...levelsOf(c, margins), ...(by === undefined ? [] : [String(c[by])])];
    for (const [m, level] of levels.slice(0, margins.length).entries())
      totals[m].set(level, (totals[m].get(level) ?? 0) + 1);
    if (c.score === undefined) continue;
    const key = levels.join('|');
    const cell = cells.get(key) ?? { levels, n: 0, promoters: 0, detractors: 0 };
    cell.n++;
    if (c.score >= 9) cell.promoters++;
    if (c.score <= 6) cell.detractors++;
    cells.set(key, cell);
  }
  return { cells: [...cells.values()], margins: margins.map((name, m) => ({ name, totals: totals[m] })) };
}

/** R's NPS and standard error (×100) for the respondents, weighted to the contacts by `method`. */
function reference(list: readonly Contact[], margins: readonly string[], cap: number): [number, number] {
  const out = run(list, margins, cap, [
    'm <- svymean(~y, design)',
    'cat(sprintf("%.15f %.15f\\n", 100 * coef(m), 100 * SE(m)))',
  ]);
  const [nps, se] = out.trim().split(/\s+/).map(Number);
  return [nps, se];
}

/** R's NPS and standard error (×100) of each level of `by`: a domain of the whole calibrated design (svyby). */
function domainReference(
  list: readonly Contact[],
  margins: readonly string[],
  cap: number,
  by: keyof Contact,
): Map<string, [number, number]> {
  const out = run(list, margins, cap, [
    `m <- svyby(~y, ~${by}, design, svymean)`,
    'cat(sprintf("%s %.15f %.15f\\n", as.character(m[[1]]), 100 * coef(m), 100 * SE(m)), sep = "")',
  ]);
  return new Map(
    out
      .trim()
      .split('\n')
      .map((line) => {
        const [level, nps, se] = line.trim().split(/\s+/);
        return [level, [Number(nps), Number(se)]];
      }),
  );
}

/** Runs R's survey on the respondents weighted to the contacts, then `estimate` on `design`. */
function run(list: readonly Contact[], margins: readonly string[], cap: number, estimate: readonly string[]): string {
  if (!existsSync('/usr/bin/Rscript')) {
    throw new Error(
      'R is missing: install it with `apt-get install -y --no-install-recommends r-base-core r-cran-survey` (as root), or run npm test as root, which installs it',
    );
  }
  const file = join(temp, `contacts-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(
    file,
    `channel,queue,region,score\n${list.map((c) => `${c.channel},${c.queue},${c.region},${c.score ?? ''}`).join('\n')}\n`,
  );
  const variables = margins.map(
    (m, i) =>
      `m${i} = interaction(${m
        .split(':')
        .map((v) => `all$${v}`)
        .join(', ')}, sep = ":", drop = TRUE)`,
  );
  const script = [
    'suppressMessages(library(survey))',
    `all <- read.csv("${file}", stringsAsFactors = FALSE)`,
    `all <- data.frame(all, ${variables.join(', ')})`,
    'd <- all[!is.na(all$score), ]',
    'd$y <- ifelse(d$score >= 9, 1, ifelse(d$score <= 6, -1, 0))',
    ...margins.map((_, i) => `d$m${i} <- factor(d$m${i})`),
    'design <- svydesign(ids = ~1, data = d)',
    ...margins.map((_, i) => `p${i} <- as.data.frame(table(m${i} = all$m${i}))`),
    margins.length === 1
      ? 'design <- postStratify(design, ~m0, p0)'
      : `design <- rake(design, list(${margins.map((_, i) => `~m${i}`).join(', ')}), list(${margins.map((_, i) => `p${i}`).join(', ')}), control = list(maxit = 1000, epsilon = 1e-13))`,
    ...(Number.isFinite(cap)
      ? [`design <- trimWeights(design, upper = ${cap} * mean(weights(design)), strict = TRUE)`]
      : []),
    ...estimate,
  ];
  const result = spawnChild('Rscript', ['-e', script.join('\n')]);
  if (result.status !== 0) throw new Error(`Rscript failed: ${result.stderr}`);
  return result.stdout;
}

describe('NPS weighted to the contacts, against R survey', () => {
  const CASES: [string, number, number, string[], number][] = [
    ['post-stratified on channel', 7, 3000, ['channel'], Infinity],
    ['post-stratified on channel, another seed', 11, 1500, ['channel'], Infinity],
    ['post-stratified on the cross channel:queue', 13, 4000, ['channel:queue'], Infinity],
    ['raked on channel and queue', 17, 3000, ['channel', 'queue'], Infinity],
    ['raked on channel, queue and region', 19, 5000, ['channel', 'queue', 'region'], Infinity],
    ['raked on three margins, another seed', 23, 2500, ['channel', 'queue', 'region'], Infinity],
    ['post-stratified on channel:queue with a cap that binds', 29, 3000, ['channel:queue'], 1.5],
    ['raked on channel and queue with a cap that binds', 31, 3000, ['channel', 'queue'], 1.4],
  ];

  it.each(CASES)(
    '%s (seed %i, %i contacts)',
    (_name, seed, count, margins, cap) => {
      const list = contacts(seed, count);
      const { cells, margins: targets } = cellsAndMargins(list, margins);
      const calibration = calibrate(cells, targets, { ...DEFAULT_CALIBRATION, cap });
      expect(calibration.converged).toBe(true);
      if (Number.isFinite(cap)) expect(calibration.capped).toBeGreaterThan(0);
      else expect(calibration.capped).toBe(0);
      const ours = calibratedNps(cells, targets, calibration);
      const [nps, se] = reference(list, margins, cap);
      expect(ours.nps).toBeCloseTo(nps, 6);
      expect(ours.standardError).toBeCloseTo(se, 6);
    },
    60_000,
  );

  const DOMAINS: [string, number, number, string[], number, keyof Contact][] = [
    ['queues, post-stratified on channel', 41, 3000, ['channel'], Infinity, 'queue'],
    ['regions, raked on channel and queue', 43, 3000, ['channel', 'queue'], Infinity, 'region'],
    [
      'channels, raked on channel and region (a margin as the domain)',
      47,
      2500,
      ['channel', 'region'],
      Infinity,
      'channel',
    ],
    ['queues, post-stratified on channel:region with a cap that binds', 53, 3000, ['channel:region'], 1.5, 'queue'],
  ];

  it.each(DOMAINS)(
    'NPS of the %s (seed %i, %i contacts), each level a domain of the whole design',
    (_name, seed, count, margins, cap, by) => {
      const list = contacts(seed, count);
      const { cells, margins: targets } = cellsAndMargins(list, margins, by);
      const calibration = calibrate(cells, targets, { ...DEFAULT_CALIBRATION, cap });
      const expected = domainReference(list, margins, cap, by);
      expect(expected.size).toBeGreaterThan(1);
      for (const [level, [nps, se]] of expected) {
        const ours = calibratedNps(cells, targets, calibration, { index: targets.length, level });
        expect(ours.nps, level).toBeCloseTo(nps, 6);
        expect(ours.standardError, level).toBeCloseTo(se, 6);
      }
    },
    60_000,
  );

  it('weights the respondents up to the contacts: every margin adds up, the weights average the contacts per respondent', () => {
    const list = contacts(37, 3000);
    const { cells, margins } = cellsAndMargins(list, ['channel', 'queue', 'region']);
    const calibration = calibrate(cells, margins, { ...DEFAULT_CALIBRATION, cap: Infinity });
    for (const [m, margin] of margins.entries()) {
      for (const [level, total] of margin.totals) {
        const weighted = cells.reduce(
          (sum, c, i) => sum + (c.levels[m] === level ? c.n * calibration.weights[i] : 0),
          0,
        );
        expect(weighted).toBeCloseTo(total, 6);
      }
    }
    const n = cells.reduce((sum, c) => sum + c.n, 0);
    const { diagnostics } = calibration;
    expect(diagnostics.effectiveN).toBeLessThan(n);
    expect(diagnostics.efficiency).toBeCloseTo(1 / (1 + diagnostics.cv ** 2), 12);
    expect(diagnostics.min).toBeLessThan(list.length / n);
    expect(diagnostics.max).toBeGreaterThan(list.length / n);
  });

  it("post-stratified on one margin, NPS is the contacts' mix of each level's NPS", () => {
    // Phone NPS +30, chat 0, e-mail −20, among 700/900/400 respondents; 6,000/3,000/1,000 contacts.
    const cell = (channel: string, n: number, promoters: number, detractors: number): Cell => ({
      levels: [channel],
      n,
      promoters,
      detractors,
    });
    const cells = [cell('phone', 700, 350, 140), cell('chat', 900, 300, 300), cell('email', 400, 100, 180)];
    const margins: Margin[] = [
      {
        name: 'channel',
        totals: new Map([
          ['phone', 6000],
          ['chat', 3000],
          ['email', 1000],
        ]),
      },
    ];
    const calibration = calibrate(cells, margins);
    const unweighted = (100 * (750 - 620)) / 2000;
    expect(unweighted).toBeCloseTo(6.5, 12);
    expect(calibratedNps(cells, margins, calibration).nps).toBeCloseTo(0.6 * 30 + 0.3 * 0 + 0.1 * -20, 12);
  });

  it('refuses a level with contacts but no respondents, and one with respondents but no contacts, naming it', () => {
    const cells: Cell[] = [{ levels: ['phone'], n: 10, promoters: 5, detractors: 2 }];
    const totals = (entries: [string, number][]): Margin[] => [{ name: 'channel', totals: new Map(entries) }];
    expect(() =>
      calibrate(
        cells,
        totals([
          ['phone', 50],
          ['email', 20],
        ]),
      ),
    ).toThrow(new EmptyCell('channel', 'email', 'respondents'));
    expect(() => calibrate(cells, totals([['chat', 50]]))).toThrow('channel = phone has respondents but no contacts');
  });
});
