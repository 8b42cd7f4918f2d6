import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { clusteredGroups, clusteredNps } from '../../src/core/cluster.js';
import { entry } from '../../src/core/entry.js';
import { summarize } from '../../src/core/summary.js';
import { addAnswer, effectiveSize, newTally, type Tally } from '../../src/core/tally.js';
import { spawnChild } from '../helpers/child.js';
import { fakeIo } from '../helpers/fake-io.js';

/*
 * NPS over clustered responses against R's survey package, the reference for design-based
 * variances: svymean(~y, svydesign(ids = ~account, weights = ~w)) on generated B2B surveys (accounts
 * whose contacts lean the same way), several seeds, with and without weights.
 */

const temp = mkdtempSync(join(tmpdir(), 'nps-cluster-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

interface Response {
  readonly account: string;
  readonly score: number;
  readonly weight: number;
}

/** A seeded survey: `accounts` accounts of 1-8 contacts, each account with its own mood. */
function survey(seed: number, accounts: number, weighted: boolean): Response[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const rows: Response[] = [];
  for (let a = 0; a < accounts; a++) {
    const mood = random();
    const contacts = 1 + Math.floor(random() * 8);
    for (let c = 0; c < contacts; c++) {
      const u = random();
      const score = u < mood * 0.8 ? 9 + Math.floor(random() * 2) : u < mood * 0.8 + 0.2 ? 7 + Math.floor(random() * 2) : Math.floor(random() * 7);
      rows.push({ account: `A${a}`, score, weight: weighted ? 0.5 + 2 * random() : 1 });
    }
  }
  return rows;
}

function byAccount(rows: readonly Response[]): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  for (const r of rows) addAnswer(entry(tallies, r.account, newTally), r.score, r.weight);
  return tallies;
}

/** R's estimate and standard error of the mean of y = -1, 0, +1 under the clustered design. */
function reference(file: string, weighted: boolean): { mean: number; se: number } {
  const script = [
    'suppressMessages(library(survey))',
    `d <- read.csv("${file}")`,
    'd$y <- ifelse(d$score >= 9, 1, ifelse(d$score <= 6, -1, 0))',
    `design <- svydesign(ids = ~account, ${weighted ? 'weights = ~w, ' : ''}data = d)`,
    'm <- svymean(~y, design)',
    'cat(sprintf("%.17g %.17g\\n", coef(m)[[1]], SE(m)[[1]]))',
  ].join('\n');
  if (!existsSync('/usr/bin/Rscript')) {
    throw new Error('R is missing: install it with `apt-get install -y --no-install-recommends r-base-core r-cran-survey` (as root), or run npm test as root, which installs it');
  }
  const result = spawnChild('Rscript', ['-e', script]);
  if (result.status !== 0) throw new Error(`Rscript failed: ${result.stderr}`);
  const [mean, se] = result.stdout.trim().split(' ').map(Number);
  return { mean, se };
}

describe('clustered NPS', () => {
  it('by hand: two accounts of two, the variance of the clusters totals', () => {
    // Account A: 10 and 9 (y +1, +1); account B: 0 and 8 (y -1, 0). NPS = 1/4. Residuals of the
    // accounts' totals: 2 - 2/4 = 1.5 and -1 - 2/4 = -1.5; variance 2/1 * 4.5 / 16 = 0.5625.
    const design = clusteredNps(byAccount(['A:10', 'A:9', 'B:0', 'B:8'].map((s) => ({ account: s[0], score: Number(s.slice(2)), weight: 1 }))));
    expect(design.clusters).toBe(2);
    expect(design.variance).toBeCloseTo(0.5625, 15);
    // The spread of y is 3/4 - 1/16 = 11/16: as precise as 11/16 / 0.5625 = 1.2222 answers.
    expect(effectiveSize(design.tally)).toBeCloseTo(11 / 16 / 0.5625, 12);
    // At 50% confidence (z 0.6745) the Wald interval stays inside -100..+100: NPS +/- z * 0.75.
    const s = summarize(design.tally, { method: 'wald', confidence: 0.5 });
    expect(s.n).toBe(4);
    expect(s.nps).toBeCloseTo(25, 12);
    expect((s.upper - s.nps) / 100).toBeCloseTo(0.6744897501960817 * 0.75, 9);
  });

  it('one answer per cluster is nearly the plain variance: n / (n - 1) of it', () => {
    const rows = [10, 9, 9, 8, 7, 6, 3, 0, 10, 5].map((score, i) => ({ account: `A${i}`, score, weight: 1 }));
    const design = clusteredNps(byAccount(rows));
    expect(effectiveSize(design.tally)).toBeCloseTo(9, 12);
  });

  it.each([
    [1, 40, false],
    [2, 80, false],
    [3, 120, true],
    [4, 25, true],
    [5, 200, true],
  ])('seed %i, %i accounts, weighted %s: estimate and standard error as R survey gives them (1e-6)', (seed, accounts, weighted) => {
    const rows = survey(seed, accounts, weighted);
    const file = join(temp, `survey-${seed}.csv`);
    writeFileSync(file, `account,score,w\n${rows.map((r) => `${r.account},${r.score},${r.weight}`).join('\n')}\n`);
    const r = reference(file, weighted);
    const design = clusteredNps(byAccount(rows));
    const s = summarize(design.tally, { method: 'wald', confidence: 0.95 });
    expect(s.nps / 100).toBeCloseTo(r.mean, 9);
    expect(Math.sqrt(design.variance)).toBeCloseTo(r.se, 9);
    expect(Math.abs((s.upper - s.nps) / 100 - 1.959963984540054 * r.se)).toBeLessThan(1e-6);
  });

  it.each([
    [11, 60, false],
    [12, 150, true],
    [13, 40, true],
  ])('seed %i, %i accounts, weighted %s: each channel and its difference from the rest as R survey gives them (svyby, svycontrast)', (seed, accounts, weighted) => {
    // Contacts of one account reach several channels, so a channel and the rest share accounts.
    const channels = ['chat', 'email', 'phone'];
    const rows = survey(seed, accounts, weighted).map((r, i) => ({ ...r, channel: channels[(i * 7 + r.score) % 3] }));
    const file = join(temp, `groups-${seed}.csv`);
    writeFileSync(file, `account,channel,score,w\n${rows.map((r) => `${r.account},${r.channel},${r.score},${r.weight}`).join('\n')}\n`);
    const script = [
      'suppressMessages(library(survey))',
      `d <- read.csv("${file}")`,
      'd$y <- ifelse(d$score >= 9, 1, ifelse(d$score <= 6, -1, 0))',
      `design <- svydesign(ids = ~account, ${weighted ? 'weights = ~w, ' : ''}data = d)`,
      `for (g in c(${channels.map((c) => `"${c}"`).join(', ')})) {`,
      '  design <- update(design, own = factor(channel == g, levels = c(FALSE, TRUE)))',
      '  by <- svyby(~y, ~own, design, svymean, covmat = TRUE)',
      '  d1 <- svycontrast(by, c(-1, 1))',
      '  cat(sprintf("%s %.17g %.17g %.17g %.17g\\n", g, coef(by)[[2]], SE(by)[[2]], coef(d1)[[1]], SE(d1)[[1]]))',
      '}',
    ].join('\n');
    const result = spawnChild('Rscript', ['-e', script]);
    if (result.status !== 0) throw new Error(`Rscript failed: ${result.stderr}`);
    const design = clusteredGroups(new Map(channels.map((c) => [c, byAccount(rows.filter((r) => r.channel === c))])));
    const z = 1.959963984540054;
    for (const line of result.stdout.trim().split('\n')) {
      const [channel, mean, se, difference, differenceSe] = line.split(' ');
      const s = summarize(design.tally(channel), { method: 'wald', confidence: 0.95 });
      expect(s.nps / 100).toBeCloseTo(Number(mean), 9);
      expect(Math.abs((s.upper - s.nps) / 100 - z * Number(se))).toBeLessThan(1e-6);
      const vsRest = design.vsRest(channel, { method: 'wald', confidence: 0.95 });
      expect(vsRest.difference).toBeCloseTo(Number(difference), 9);
      expect(Math.abs(vsRest.upper - vsRest.difference - z * Number(differenceSe))).toBeLessThan(1e-6);
      expect(Math.abs(vsRest.difference - vsRest.lower - z * Number(differenceSe))).toBeLessThan(1e-6);
    }
  });

  it('nps report --cluster gives R survey interval (Wald), and a wider one than without clusters', async () => {
    const rows = survey(7, 90, true);
    const file = join(temp, 'report.csv');
    writeFileSync(file, `account,score,w\n${rows.map((r) => `${r.account},${r.score},${r.weight}`).join('\n')}\n`);
    const r = reference(file, true);
    const run = async (...args: string[]) => {
      const io = fakeIo();
      const code = await main(['report', file, '--score', 'score', '--weight', 'w', '--ci-method', 'wald', '--format', 'json', ...args], io);
      expect(code).toBe(0);
      return JSON.parse(io.out()).summary;
    };
    const clustered = await run('--cluster', 'account');
    expect(clustered.clusters).toBe(90);
    expect(Math.abs(clustered.nps_lower / 100 - (r.mean - 1.959963984540054 * r.se))).toBeLessThan(1e-6);
    expect(Math.abs(clustered.nps_upper / 100 - (r.mean + 1.959963984540054 * r.se))).toBeLessThan(1e-6);
    const plain = await run();
    expect(clustered.nps_upper - clustered.nps_lower).toBeGreaterThan(plain.nps_upper - plain.nps_lower);
  });
});
