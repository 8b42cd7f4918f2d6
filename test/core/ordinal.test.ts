import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fitOrdinal } from '../../src/core/ordinal.js';
import { spawnChild } from '../helpers/child.js';
import { ownTmpdir } from '../helpers/own-tmpdir.js';
import { generator } from '../helpers/random.js';

/*
 * The proportional-odds model against R's MASS::polr on generated 0-10 answers: slopes and
 * cut-points to 1e-6 (polr's optimiser told to converge fully), standard errors to polr's own
 * numerical Hessian.
 */

const dir = ownTmpdir('nps-ordinal-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Answers from a latent logistic: 0-10 cut at fixed points, shifted by x and a three-level factor. */
function generated(n: number, seed: number) {
  const g = generator(seed);
  const cuts = [-3, -2.4, -2, -1.6, -1.2, -0.8, 0, 0.6, 1.4, 2.2];
  const rows = Array.from({ length: n }, () => {
    const x = g.normal();
    const level = 'abc'[Math.floor(3 * g.uniform())];
    const eta = 0.7 * x + (level === 'b' ? 0.4 : level === 'c' ? -0.5 : 0);
    const u = g.uniform();
    const latent = eta + Math.log(u / (1 - u));
    return { x, level, score: cuts.filter((c) => latent > c).length };
  });
  const design = new Float64Array(n * 3);
  for (const [i, r] of rows.entries()) design.set([r.x, r.level === 'b' ? 1 : 0, r.level === 'c' ? 1 : 0], 3 * i);
  const file = join(dir, `rows-${seed}.csv`);
  writeFileSync(file, `x,g,score\n${rows.map((r) => `${r.x},${r.level},${r.score}`).join('\n')}\n`);
  return { rows, design, file };
}

describe('the proportional-odds model', () => {
  it('is MASS::polr: slopes, cut-points and standard errors', () => {
    const data = generated(1500, 5);
    const y = data.rows.map((r) => r.score);
    expect(new Set(y).size).toBe(11);
    const fit = fitOrdinal({ x: data.design, n: 1500, p: 3 }, y, 11);
    expect(fit.converged).toBe(true);
    if (!existsSync('/usr/lib/R/library/MASS') && !existsSync('/usr/lib/R/site-library/MASS'))
      throw new Error("R's MASS is missing: install it with `apt-get install -y --no-install-recommends r-cran-mass`");
    const r = spawnChild('Rscript', [
      '-e',
      [
        'suppressMessages(library(MASS))',
        `d <- read.csv("${data.file}")`,
        'm <- polr(factor(score) ~ x + factor(g), data = d, Hess = TRUE, control = list(reltol = 1e-15, maxit = 10000))',
        'cat(sprintf("%.17g", c(coef(m), m$zeta, sqrt(diag(vcov(m))), deviance(m))))',
      ].join('\n'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const reference = r.stdout.trim().split(/\s+/).map(Number);
    const ours = [...fit.coefficients, ...fit.cuts];
    for (const [k, v] of ours.entries()) expect(Math.abs(v - reference[k])).toBeLessThan(1e-6);
    const q = 13;
    for (let k = 0; k < q; k++) {
      const se = Math.sqrt(fit.covariance[k * q + k]);
      // polr's Hessian is optim's finite differences: agreement to its precision.
      expect(Math.abs(se - reference[q + k]) / reference[q + k]).toBeLessThan(1e-4);
    }
    expect(Math.abs(fit.deviance - reference[2 * q])).toBeLessThan(1e-6);
  });

  it('with a ridge penalty shrinks the slopes and leaves the cut-points free', () => {
    const data = generated(800, 9);
    const y = data.rows.map((r) => r.score);
    const plain = fitOrdinal({ x: data.design, n: 800, p: 3 }, y, 11);
    const ridge = fitOrdinal({ x: data.design, n: 800, p: 3 }, y, 11, { penalty: 50 });
    for (let j = 0; j < 3; j++) expect(Math.abs(ridge.coefficients[j])).toBeLessThan(Math.abs(plain.coefficients[j]));
    for (let k = 1; k < 10; k++) expect(ridge.cuts[k]).toBeGreaterThan(ridge.cuts[k - 1]);
  });
});
