import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitLogistic, predict } from '../../src/core/logistic.js';
import { aucDeLong, brier, calibration, deciles } from '../../src/core/validation.js';
import { spawnChild } from '../helpers/child.js';
import { ownTmpdir } from '../helpers/own-tmpdir.js';
import { generator } from '../helpers/random.js';

/*
 * The model and its validation against R on generated data: glm(family = binomial) for the
 * coefficients and standard errors, pROC's ci.auc(method = "delong") for the AUC and its interval,
 * glm with an offset for the calibration intercept and slope. To 1e-6.
 */

const dir = ownTmpdir('nps-logistic-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runR(lines: readonly string[]): number[] {
  if (!existsSync('/usr/bin/Rscript')) {
    throw new Error(
      'R is missing: install it with `apt-get install -y --no-install-recommends r-base-core r-cran-proc` (as root), or run npm test as root, which installs it',
    );
  }
  const result = spawnChild('Rscript', ['-e', lines.join('\n')]);
  if (result.status !== 0) throw new Error(`Rscript failed: ${result.stderr}`);
  return result.stdout.trim().split(/\s+/).map(Number);
}

/** n rows with a numeric x, a three-level factor g (a, b, c) and weights; y drawn from a known model. */
function generated(n: number, seed: number, effect: number) {
  const g = generator(seed);
  const rows = Array.from({ length: n }, () => {
    const x = g.normal();
    const level = 'abc'[Math.floor(3 * g.uniform())];
    const eta = -1 + effect * (0.8 * x + (level === 'b' ? 0.5 : level === 'c' ? -0.7 : 0));
    return { x, level, w: 0.5 + g.uniform(), y: g.uniform() < 1 / (1 + Math.exp(-eta)) ? 1 : 0 };
  });
  const design = new Float64Array(n * 4);
  for (const [i, r] of rows.entries()) design.set([1, r.x, r.level === 'b' ? 1 : 0, r.level === 'c' ? 1 : 0], 4 * i);
  const file = join(dir, `rows-${seed}.csv`);
  writeFileSync(file, `x,g,w,y\n${rows.map((r) => `${r.x},${r.level},${r.w},${r.y}`).join('\n')}\n`);
  return { rows, design: { x: design, n, p: 4 }, y: Float64Array.from(rows, (r) => r.y), file };
}

const close = (actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-6) => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(tolerance);
};

describe('the logistic model', () => {
  const data = generated(2000, 7, 1);

  it("is R's glm: coefficients and standard errors, unweighted and weighted", () => {
    for (const weighted of [false, true]) {
      const fit = fitLogistic(data.design, data.y, {
        weights: weighted ? Float64Array.from(data.rows, (r) => r.w) : undefined,
      });
      expect(fit.converged).toBe(true);
      const reference = runR([
        `d <- read.csv("${data.file}")`,
        // Non-integer weights are case weights here (glm warns, and fits the same); glm's own
        // convergence is tightened, as its default stops about 1e-6 short.
        `m <- suppressWarnings(glm(y ~ x + factor(g), family = binomial, data = d${weighted ? ', weights = w' : ''}, control = glm.control(epsilon = 1e-15, maxit = 100)))`,
        'cat(sprintf("%.17g", c(coef(m), sqrt(diag(vcov(m))), deviance(m))))',
      ]);
      close(fit.coefficients, reference.slice(0, 4));
      close(
        [0, 1, 2, 3].map((j) => Math.sqrt(fit.covariance[5 * j])),
        reference.slice(4, 8),
      );
      expect(Math.abs(fit.deviance - reference[8])).toBeLessThan(1e-6);
    }
  });

  it('with a ridge penalty: the penalised score is zero, and a larger λ shrinks every slope', () => {
    const light = fitLogistic(data.design, data.y, { penalty: 5 });
    const heavy = fitLogistic(data.design, data.y, { penalty: 500 });
    const mu = predict(data.design, light.coefficients);
    for (let j = 0; j < 4; j++) {
      let score = 0;
      for (let i = 0; i < data.design.n; i++) score += data.design.x[4 * i + j] * (data.y[i] - mu[i]);
      expect(Math.abs(score - (j === 0 ? 0 : 5 * light.coefficients[j]))).toBeLessThan(1e-8);
    }
    const plain = fitLogistic(data.design, data.y);
    for (let j = 1; j < 4; j++) {
      expect(Math.abs(light.coefficients[j])).toBeLessThan(Math.abs(plain.coefficients[j]));
      expect(Math.abs(heavy.coefficients[j])).toBeLessThan(Math.abs(light.coefficients[j]));
    }
  });

  it('does not converge on separated data, and says so', () => {
    const x = Float64Array.from([1, -2, 1, -1, 1, 1, 1, 2]);
    const fit = fitLogistic({ x, n: 4, p: 2 }, [0, 0, 1, 1], { maxIterations: 25 });
    expect(fit.converged).toBe(false);
  });
});

describe('validation', () => {
  // Probabilities from a model fitted on other rows, rounded so that some tie.
  const train = generated(1500, 11, 1);
  const test = generated(1200, 12, 1);
  const fit = fitLogistic(train.design, train.y);
  const p = Float64Array.from(predict(test.design, fit.coefficients), (v) => Math.round(v * 100) / 100);
  const file = join(dir, 'scored.csv');
  writeFileSync(file, `p,y\n${Array.from(p, (v, i) => `${v},${test.y[i]}`).join('\n')}\n`);

  it("AUC and DeLong's interval are pROC's, ties included", () => {
    for (const confidence of [0.95, 0.9]) {
      const [lower, auc, upper, variance] = runR([
        'suppressMessages(library(pROC))',
        `d <- read.csv("${file}")`,
        'r <- roc(d$y, d$p, levels = c(0, 1), direction = "<", quiet = TRUE)',
        `ci <- ci.auc(r, conf.level = ${confidence}, method = "delong")`,
        'cat(sprintf("%.17g", c(ci, var(r, method = "delong"))))',
      ]);
      const ours = aucDeLong(p, test.y, confidence);
      close([ours.lower, ours.auc, ours.upper, ours.variance], [lower, auc, upper, variance], 1e-9);
    }
  });

  it("calibration intercept and slope are glm's, with Wald intervals", () => {
    const [a, aSe, b, bSe] = runR([
      `d <- read.csv("${file}")`,
      'tight <- glm.control(epsilon = 1e-15, maxit = 100)',
      'large <- glm(y ~ 1 + offset(qlogis(p)), family = binomial, data = d, control = tight)',
      'spread <- glm(y ~ qlogis(p), family = binomial, data = d, control = tight)',
      'cat(sprintf("%.17g", c(coef(large)[1], sqrt(vcov(large)[1, 1]), coef(spread)[2], sqrt(vcov(spread)[2, 2]))))',
    ]);
    const c = calibration(p, test.y, 0.95);
    close([c.intercept, c.slope], [a, b]);
    close(
      [...c.interceptInterval, ...c.slopeInterval],
      [
        a - 1.959963984540054 * aSe,
        a + 1.959963984540054 * aSe,
        b - 1.959963984540054 * bSe,
        b + 1.959963984540054 * bSe,
      ],
    );
  });

  it('Brier score and deciles by hand', () => {
    expect(brier([0.1, 0.8, 0.5], [0, 1, 1])).toBeCloseTo((0.01 + 0.04 + 0.25) / 3, 15);
    const d = deciles(
      Array.from({ length: 20 }, (_, i) => i / 20),
      Array.from({ length: 20 }, (_, i) => (i >= 18 ? 1 : 0)),
    );
    expect(d.map((x) => x.n)).toEqual(Array(10).fill(2));
    expect(d[0].predicted).toBeCloseTo(0.025, 15);
    expect(d.map((x) => x.observed)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  it('a model with no signal has an AUC interval that holds 0.5', () => {
    const noise = generated(1500, 21, 0);
    const other = generated(1500, 22, 0);
    const model = fitLogistic(noise.design, noise.y);
    const auc = aucDeLong(predict(other.design, model.coefficients), other.y, 0.95);
    expect(auc.lower).toBeLessThan(0.5);
    expect(auc.upper).toBeGreaterThan(0.5);
  });
});
