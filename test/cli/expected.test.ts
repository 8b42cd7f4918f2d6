import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { cellOf, chanceOf } from '../../src/core/case-mix.js';
import { readModel } from '../../src/io/model.js';
import { spawnChild } from '../helpers/child.js';
import { fakeIo } from '../helpers/fake-io.js';
import { ownTmpdir } from '../helpers/own-tmpdir.js';

/*
 * nps expected on generated contacts (fixtures/expected/generate.mjs): the unpenalised model is R's
 * glm on the same bands and levels; the generating effects lie in the intervals; a model of noise
 * is refused, and a model is saved only when it passes or is forced.
 */

const CASE_MIX = 'fixtures/expected/case-mix.csv';
const NO_SIGNAL = 'fixtures/expected/no-signal.csv';
const dir = ownTmpdir('nps-expected-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The contacts in R as nps expected reads them: wait in bands at its type-7 quartiles (a value at
 * an edge in the lower band: right-closed), queue and channel against their commonest level.
 */
const R_PRELUDE = [
  `d <- read.csv("${CASE_MIX}")`,
  'q <- unique(quantile(d$wait_seconds, c(0.25, 0.5, 0.75), type = 7))',
  'd$band <- cut(d$wait_seconds, c(-Inf, q, Inf), right = TRUE)',
  'd$queue <- relevel(factor(d$queue), ref = names(which.max(table(d$queue))))',
  'd$channel <- relevel(factor(d$channel), ref = names(which.max(table(d$channel))))',
];

/** R's output: one tab-separated line per term. */
function runR(lines: readonly string[]): string[][] {
  if (!existsSync('/usr/bin/Rscript'))
    throw new Error(
      'R is missing: install it with `apt-get install -y --no-install-recommends r-base-core r-cran-mass`',
    );
  const r = spawnChild('Rscript', ['-e', lines.join('\n')]);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((line) => line.split('\t'));
}

async function run(args: readonly string[]) {
  const io = fakeIo();
  const code = await main([...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** The odds-ratio table of `nps expected` with these arguments, as JSON: the command must succeed. */
async function oddsRatios(args: readonly string[]): Promise<OddsRow[]> {
  const { code, out, err } = await run(['expected', CASE_MIX, ...args, '--format', 'json']);
  expect(code, err).toBe(0);
  return JSON.parse(out).odds_ratios;
}

interface OddsRow {
  outcome: string;
  feature: string;
  term: string;
  odds_ratio: number;
  lower: number;
  upper: number;
  p_value: number;
}

describe('nps expected', () => {
  it("unpenalised, its odds ratios, intervals and p are R's glm on the same bands and levels", async () => {
    const rows = await oddsRatios(['--features', 'queue,wait_seconds,channel', '--penalty', '0']);
    const reference = runR([
      ...R_PRELUDE,
      'tight <- glm.control(epsilon = 1e-15, maxit = 100)',
      'for (y in list(d$score <= 6, d$score >= 9)) {',
      '  m <- glm(y ~ queue + band + channel, family = binomial, data = d, control = tight)',
      '  s <- summary(m)$coefficients[-1, ]',
      '  z <- qnorm(0.975)',
      '  cat(sprintf("%s\\t%.17g\\t%.17g\\t%.17g\\t%.17g\\n", rownames(s), exp(s[, 1]), exp(s[, 1] - z * s[, 2]), exp(s[, 1] + z * s[, 2]), s[, 4]), sep = "")',
      '}',
    ]);
    expect(reference.length).toBe(rows.length);
    // R names a term by its factor and level (queuebilling_dispute, band(26,62]); ours by feature
    // and level or band, in the same order within each feature.
    reference.forEach(([name, ...figures], k) => {
      const row = rows[k];
      expect(name.startsWith(row.feature === 'wait_seconds' ? 'band' : row.feature)).toBe(true);
      if (row.feature !== 'wait_seconds') expect(name).toBe(`${row.feature}${row.term}`);
      const [odds, lower, upper, p] = figures.map(Number);
      for (const [ours, theirs] of [
        [row.odds_ratio, odds],
        [row.lower, lower],
        [row.upper, upper],
        [row.p_value, p],
      ])
        expect(Math.abs(ours - theirs) / Math.max(1, Math.abs(theirs))).toBeLessThan(1e-6);
    });
  });

  it('--model ordinal, unpenalised, is MASS::polr on the same bands and levels', async () => {
    const rows = await oddsRatios(['--features', 'queue,wait_seconds', '--model', 'ordinal', '--penalty', '0']);
    const reference = runR([
      'suppressMessages(library(MASS))',
      ...R_PRELUDE,
      'm <- polr(factor(score) ~ queue + band, data = d, Hess = TRUE, control = list(reltol = 1e-15, maxit = 10000))',
      'se <- sqrt(diag(vcov(m)))[names(coef(m))]',
      'cat(sprintf("%.17g\\t%.17g\\n", coef(m), se), sep = "")',
    ]).map((line) => line.map(Number));
    const z = 1.959963984540054;
    // A promoter's log-odds ratios are polr's slopes; a detractor's are minus them.
    for (const outcome of ['promoter', 'detractor']) {
      const ours = rows.filter((row) => row.outcome === outcome);
      expect(ours.length).toBe(reference.length);
      for (const [k, [beta, se]] of reference.entries()) {
        const b = outcome === 'promoter' ? beta : -beta;
        expect(Math.abs(Math.log(ours[k].odds_ratio) - b)).toBeLessThan(1e-6);
        // polr's standard errors come from optim's finite-difference Hessian: agreement to its precision.
        expect(Math.abs(Math.log(ours[k].lower) - (b - z * se))).toBeLessThan(1e-4);
        expect(Math.abs(Math.log(ours[k].upper) - (b + z * se))).toBeLessThan(1e-4);
      }
    }
  });

  it('finds the effects the contacts were generated with, and none for handle time', async () => {
    const rows = (
      await oddsRatios(['--features', 'queue,channel,wait_seconds,handle_time', '--group', 'customer_id'])
    ).filter((r) => r.outcome === 'detractor');
    const odds = (feature: string, term: string) => rows.find((r) => r.feature === feature && r.term === term)!;
    // Log-odds of a detractor against password_reset: billing_dispute 1.4 + 0.9, delivery 0.4 + 0.9, general 0.9; chat 0.3.
    for (const [term, truth] of [
      ['billing_dispute', 2.3],
      ['delivery', 1.3],
      ['general', 0.9],
    ] as const) {
      const row = odds('queue', term);
      expect(row.lower).toBeLessThan(Math.exp(truth));
      expect(row.upper).toBeGreaterThan(Math.exp(truth));
    }
    for (const row of rows.filter((r) => r.feature === 'handle_time')) {
      expect(row.lower).toBeLessThan(1);
      expect(row.upper).toBeGreaterThan(1);
    }
  });

  it('saves a model that passes; refuses one of noise, unless forced', async () => {
    const file = join(dir, 'model.json');
    const features = ['--features', 'queue,channel,wait_seconds', '--group', 'customer_id'];
    const kept = await run(['expected', CASE_MIX, ...features, '--save-model', file, '--format', 'json']);
    expect(kept.code, kept.err).toBe(0);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ format: 'npskit-model', version: 1, features: ['queue', 'channel', 'wait_seconds'] });
    expect(saved.models.map((m: { outcome: string }) => m.outcome)).toEqual(['detractor', 'promoter']);
    // The coefficients saved are those whose odds ratios the report shows.
    const shown: OddsRow[] = JSON.parse(kept.out).odds_ratios.filter((r: OddsRow) => r.outcome === 'detractor');
    const beta: number[] = saved.models[0].coefficients;
    expect(beta.slice(1).map(Math.exp)).toEqual(shown.map((r) => r.odds_ratio));
    // Each feature's training shares, reference first, add up to one: drift is measured from them.
    expect(saved.training.n).toBe(3000);
    for (const shares of saved.training.shares)
      expect(Math.abs(shares.reduce((a: number, b: number) => a + b, 0) - 1)).toBeLessThan(1e-12);

    const noise = join(dir, 'noise.json');
    const refused = await run(['expected', NO_SIGNAL, ...features, '--save-model', noise]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/not saved \(--force does\)/);
    expect(existsSync(noise)).toBe(false);
    const forced = await run(['expected', NO_SIGNAL, ...features, '--save-model', noise, '--force']);
    expect(forced.code, forced.err).toBe(0);
    expect(existsSync(noise)).toBe(true);
    expect(forced.out).toMatch(/The detractor model is not fit to score contacts/);
  });

  it('agents --case-mix: the queue made the ranking; against the case mix no agent differs', async () => {
    const model = join(dir, 'case-mix.json');
    const fitted = await run([
      'expected',
      CASE_MIX,
      '--features',
      'queue,channel,wait_seconds',
      '--group',
      'customer_id',
      '--penalty',
      '0',
      '--save-model',
      model,
    ]);
    expect(fitted.code, fitted.err).toBe(0);
    const { code, out, err } = await run(['agents', CASE_MIX, '--case-mix', model, '--format', 'json']);
    expect(code, err).toBe(0);
    const { standings, case_mix: mix } = JSON.parse(out);
    // Agents were given queues, not skills: raw, two are above the rest and two below.
    const raw = standings.map((s: { significant: string }) => s.significant).sort();
    expect(raw).toEqual(['', '', 'above', 'above', 'below', 'below']);
    // Against what their contacts' queues and waits predict, none is.
    expect(mix).toHaveLength(6);
    for (const row of mix) {
      expect(row.significant).toBe('');
      expect(row.lower).toBeLessThan(0);
      expect(row.upper).toBeGreaterThan(0);
    }
    // Unpenalised and fitted on these very answers, the model expects as many detractors and
    // promoters as there are (the intercept's score equation), whoever handled them.
    const total = (key: string) =>
      mix.reduce((sum: number, r: Record<string, number>) => sum + (r[key] * r.n) / 100, 0);
    expect(Math.abs(total('expected_detractors_pct') - total('detractors_pct'))).toBeLessThan(1e-6);
    expect(Math.abs(total('expected_promoters_pct') - total('promoters_pct'))).toBeLessThan(1e-6);
  });

  it('fixtures/expected/model.json is the model nps expected saves today', async () => {
    const file = join(dir, 'today.json');
    const args = ['--features', 'queue,channel,wait_seconds', '--group', 'customer_id'];
    const saved = await run(['expected', CASE_MIX, ...args, '--save-model', file]);
    expect(saved.code, saved.err).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync('fixtures/expected/model.json', 'utf8'));
  });

  it('--model FILE judges a saved model on new answers: in sample and unpenalised, calibration is exact', async () => {
    const file = join(dir, 'exact.json');
    const args = ['--features', 'queue,channel,wait_seconds', '--penalty', '0'];
    expect((await run(['expected', CASE_MIX, ...args, '--save-model', file])).code).toBe(0);
    const judged = await run(['expected', CASE_MIX, '--model', file, '--format', 'json']);
    expect(judged.code, judged.err).toBe(0);
    const { validation, notes } = JSON.parse(judged.out);
    // (1, η̂) lies in the span of the model's columns, so the maximum-likelihood fit's own scores
    // have calibration intercept 0 and slope 1 exactly.
    for (const v of validation) {
      expect(Math.abs(v.calibration_intercept)).toBeLessThan(1e-6);
      expect(Math.abs(v.calibration_slope - 1)).toBeLessThan(1e-6);
    }
    expect(notes.join(' ')).toMatch(/queue 0\.000, channel 0\.000, wait_seconds 0\.000; none above 0\.25/);
  });

  it('--sent lists the contacts no answer came from, riskiest first, at the chances the model gives', async () => {
    const model = readModel('fixtures/expected/model.json');
    const { code, out, err } = await run([
      'expected',
      CASE_MIX,
      '--model',
      'fixtures/expected/model.json',
      '--sent',
      'fixtures/expected/contacts.csv',
      '--sent-on',
      'contact_id',
      '--top',
      '400',
      '--format',
      'json',
    ]);
    expect(code, err).toBe(0);
    const { risk } = JSON.parse(out);
    // The 400 contacts past the 3,000 that answered, each scored as the model scores its cells.
    expect(risk).toHaveLength(400);
    expect(new Set(risk.map((r: { contact: string }) => r.contact)).size).toBe(400);
    for (const row of risk) {
      expect(Number(row.contact.slice(1))).toBeGreaterThanOrEqual(200000);
      const cells = [row.feature_0, row.feature_1, row.feature_2].map(cellOf);
      expect(row.detractor_risk).toBe(100 * chanceOf(model, 0, cells));
      expect(row.promoter_chance).toBe(100 * chanceOf(model, 1, cells));
    }
    const risks = risk.map((r: { detractor_risk: number }) => r.detractor_risk);
    expect(risks).toEqual([...risks].sort((a, b) => b - a));
  });
});
