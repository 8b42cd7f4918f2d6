import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { clusteredGroups, clusteredNps } from '../../src/core/cluster.js';
import { entry } from '../../src/core/entry.js';
import { summarize } from '../../src/core/summary.js';
import { addAnswer, designSize, newTally, type Tally } from '../../src/core/tally.js';
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
      const score =
        u < mood * 0.8
          ? 9 + Math.floor(random() * 2)
          : u < mood * 0.8 + 0.2
            ? 7 + Math.floor(random() * 2)
            : Math.floor(random() * 7);
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

/**
 * Runs R on `file` with y = -1, 0, +1 from its score, after `prepare` (more columns of d), with
 * `design` the clustered design (ids = ~account, weights = ~w when weighted), then `script`: what
 * it prints.
 */
function runR(file: string, weighted: boolean, prepare: readonly string[], script: readonly string[]): string {
  if (!existsSync('/usr/bin/Rscript')) {
    throw new Error(
      'R is missing: install it with `apt-get install -y --no-install-recommends r-base-core r-cran-survey` (as root), or run npm test as root, which installs it',
    );
  }
  const lines = [
    'suppressMessages(library(survey))',
    `d <- read.csv("${file}")`,
    'd$y <- ifelse(d$score >= 9, 1, ifelse(d$score <= 6, -1, 0))',
    ...prepare,
    `design <- svydesign(ids = ~account, ${weighted ? 'weights = ~w, ' : ''}data = d)`,
    ...script,
  ];
  const result = spawnChild('Rscript', ['-e', lines.join('\n')]);
  if (result.status !== 0) throw new Error(`Rscript failed: ${result.stderr}`);
  return result.stdout;
}

/** R's estimate and standard error of the mean of y = -1, 0, +1 under the clustered design. */
function reference(file: string, weighted: boolean): { mean: number; se: number } {
  const printed = runR(
    file,
    weighted,
    [],
    ['m <- svymean(~y, design)', 'cat(sprintf("%.17g %.17g\\n", coef(m)[[1]], SE(m)[[1]]))'],
  );
  const [mean, se] = printed.trim().split(' ').map(Number);
  return { mean, se };
}

describe('clustered NPS', () => {
  it('by hand: two accounts of two, the variance of the clusters totals', () => {
    // Account A: 10 and 9 (y +1, +1); account B: 0 and 8 (y -1, 0). NPS = 1/4. Residuals of the
    // accounts' totals: 2 - 2/4 = 1.5 and -1 - 2/4 = -1.5; variance 2/1 * 4.5 / 16 = 0.5625.
    const design = clusteredNps(
      byAccount(['A:10', 'A:9', 'B:0', 'B:8'].map((s) => ({ account: s[0], score: Number(s.slice(2)), weight: 1 }))),
    );
    expect(design.clusters).toBe(2);
    expect(design.variance).toBeCloseTo(0.5625, 15);
    // The spread of y is 3/4 - 1/16 = 11/16: as precise as 11/16 / 0.5625 = 1.2222 answers.
    expect(designSize(design.tally)).toBeCloseTo(11 / 16 / 0.5625, 12);
    // At 50% confidence (z 0.6745) the Wald interval stays inside -100..+100: NPS +/- z * 0.75.
    const s = summarize(design.tally, { method: 'wald', confidence: 0.5 });
    expect(s.n).toBe(4);
    expect(s.nps).toBeCloseTo(25, 12);
    expect((s.upper - s.nps) / 100).toBeCloseTo(0.6744897501960817 * 0.75, 9);
  });

  it('one answer per cluster is nearly the plain variance: n / (n - 1) of it', () => {
    const rows = [10, 9, 9, 8, 7, 6, 3, 0, 10, 5].map((score, i) => ({ account: `A${i}`, score, weight: 1 }));
    const design = clusteredNps(byAccount(rows));
    expect(designSize(design.tally)).toBeCloseTo(9, 12);
  });

  it.each([
    [1, 40, false],
    [2, 80, false],
    [3, 120, true],
    [4, 25, true],
    [5, 200, true],
  ])(
    'seed %i, %i accounts, weighted %s: estimate and standard error as R survey gives them (1e-6)',
    (seed, accounts, weighted) => {
      const rows = survey(seed, accounts, weighted);
      const file = join(temp, `survey-${seed}.csv`);
      writeFileSync(file, `account,score,w\n${rows.map((r) => `${r.account},${r.score},${r.weight}`).join('\n')}\n`);
      const r = reference(file, weighted);
      const design = clusteredNps(byAccount(rows));
      const s = summarize(design.tally, { method: 'wald', confidence: 0.95 });
      expect(s.nps / 100).toBeCloseTo(r.mean, 9);
      expect(Math.sqrt(design.variance)).toBeCloseTo(r.se, 9);
      expect(Math.abs((s.upper - s.nps) / 100 - 1.959963984540054 * r.se)).toBeLessThan(1e-6);
    },
  );

  it.each([
    [11, 60, false],
    [12, 150, true],
    [13, 40, true],
  ])(
    'seed %i, %i accounts, weighted %s: each channel and its difference from the rest as R survey gives them (svyby, svycontrast)',
    (seed, accounts, weighted) => {
      // Contacts of one account reach several channels, so a channel and the rest share accounts.
      const channels = ['chat', 'email', 'phone'];
      const rows = survey(seed, accounts, weighted).map((r, i) => ({ ...r, channel: channels[(i * 7 + r.score) % 3] }));
      const file = join(temp, `groups-${seed}.csv`);
      writeFileSync(
        file,
        `account,channel,score,w\n${rows.map((r) => `${r.account},${r.channel},${r.score},${r.weight}`).join('\n')}\n`,
      );
      const printed = runR(
        file,
        weighted,
        [],
        [
          `for (g in c(${channels.map((c) => `"${c}"`).join(', ')})) {`,
          '  design <- update(design, own = factor(channel == g, levels = c(FALSE, TRUE)))',
          '  by <- svyby(~y, ~own, design, svymean, covmat = TRUE)',
          '  d1 <- svycontrast(by, c(-1, 1))',
          '  cat(sprintf("%s %.17g %.17g %.17g %.17g\\n", g, coef(by)[[2]], SE(by)[[2]], coef(d1)[[1]], SE(d1)[[1]]))',
          '}',
        ],
      );
      const design = clusteredGroups(new Map(channels.map((c) => [c, byAccount(rows.filter((r) => r.channel === c))])));
      const z = 1.959963984540054;
      for (const line of printed.trim().split('\n')) {
        const [channel, mean, se, difference, differenceSe] = line.split(' ');
        const s = summarize(design.tally(channel), { method: 'wald', confidence: 0.95 });
        expect(s.nps / 100).toBeCloseTo(Number(mean), 9);
        expect(Math.abs((s.upper - s.nps) / 100 - z * Number(se))).toBeLessThan(1e-6);
        const vsRest = design.vsRest(channel, { method: 'wald', confidence: 0.95 });
        expect(vsRest.difference).toBeCloseTo(Number(difference), 9);
        expect(Math.abs(vsRest.upper - vsRest.difference - z * Number(differenceSe))).toBeLessThan(1e-6);
        expect(Math.abs(vsRest.difference - vsRest.lower - z * Number(differenceSe))).toBeLessThan(1e-6);
      }
    },
  );

  it('nps report --cluster gives R survey interval (Wald), and a wider one than without clusters', async () => {
    const rows = survey(7, 90, true);
    const file = join(temp, 'report.csv');
    writeFileSync(file, `account,score,w\n${rows.map((r) => `${r.account},${r.score},${r.weight}`).join('\n')}\n`);
    const r = reference(file, true);
    const run = async (...args: string[]) => {
      const io = fakeIo();
      const code = await main(
        ['report', file, '--score', 'score', '--weight', 'w', '--ci-method', 'wald', '--format', 'json', ...args],
        io,
      );
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

  it.each([
    [21, 70, false],
    [22, 120, true],
  ])(
    'seed %i, %i accounts, weighted %s: nps trend --cluster gives each month and each change as R survey does (svyby, svycontrast)',
    async (seed, accounts, weighted) => {
      // An account's contacts answer in different months, so consecutive months share accounts.
      const rows = survey(seed, accounts, weighted).map((r, i) => ({ ...r, month: 1 + ((i * 5 + r.score) % 3) }));
      const file = join(temp, `trend-${seed}.csv`);
      writeFileSync(
        file,
        `account,date,score,w\n${rows.map((r) => `${r.account},2025-0${r.month}-10,${r.score},${r.weight}`).join('\n')}\n`,
      );
      const printed = runR(
        file,
        weighted,
        ['d$month <- factor(substr(d$date, 1, 7))'],
        [
          'by <- svyby(~y, ~month, design, svymean, covmat = TRUE)',
          'c1 <- svycontrast(by, c(-1, 1, 0))',
          'c2 <- svycontrast(by, c(0, -1, 1))',
          'cat(sprintf("%.17g", c(coef(by), SE(by), coef(c1), SE(c1), coef(c2), SE(c2))), "\n")',
        ],
      );
      const [m1, m2, m3, se1, se2, se3, d2, dse2, d3, dse3] = printed.trim().split(/\s+/).map(Number);
      const io = fakeIo();
      const args = [
        'trend',
        file,
        '--score',
        'score',
        '--date',
        'date',
        '--period',
        'month',
        '--cluster',
        'account',
        '--ci-method',
        'wald',
        '--format',
        'json',
      ];
      expect(await main([...args, ...(weighted ? ['--weight', 'w'] : [])], io)).toBe(0);
      const periods = JSON.parse(io.out()).periods;
      const z = 1.959963984540054;
      expect(periods.map((p: { period: string }) => p.period)).toEqual(['2025-01', '2025-02', '2025-03']);
      [
        [m1, se1],
        [m2, se2],
        [m3, se3],
      ].forEach(([mean, se], i) => {
        expect(periods[i].nps / 100).toBeCloseTo(mean, 9);
        expect(Math.abs(periods[i].nps_upper / 100 - (mean + z * se))).toBeLessThan(1e-6);
      });
      [
        [d2, dse2],
        [d3, dse3],
      ].forEach(([difference, se], i) => {
        const p = periods[i + 1];
        expect(p.difference / 100).toBeCloseTo(difference, 9);
        expect(Math.abs(p.difference_upper / 100 - (difference + z * se))).toBeLessThan(1e-6);
        expect(Math.abs(p.difference_lower / 100 - (difference - z * se))).toBeLessThan(1e-6);
      });
    },
  );

  it('nps compare of two waves that share accounts gives the difference as R survey does (svyby, svycontrast)', async () => {
    // The same accounts asked twice: the two files covary through them.
    const rows = survey(31, 80, false).map((r, i) => ({ ...r, wave: 1 + ((i * 3 + r.score) % 2) }));
    const write = (wave: number) => {
      const file = join(temp, `wave-${wave}.csv`);
      writeFileSync(
        file,
        `account,score\n${rows
          .filter((r) => r.wave === wave)
          .map((r) => `${r.account},${r.score}`)
          .join('\n')}\n`,
      );
      return file;
    };
    const [first, second] = [write(1), write(2)];
    const all = join(temp, 'waves.csv');
    writeFileSync(all, `account,wave,score\n${rows.map((r) => `${r.account},${r.wave},${r.score}`).join('\n')}\n`);
    const printed = runR(
      all,
      false,
      [],
      [
        'by <- svyby(~y, ~wave, design, svymean, covmat = TRUE)',
        'd1 <- svycontrast(by, c(1, -1))',
        'cat(sprintf("%.17g", c(coef(d1), SE(d1))), "\n")',
      ],
    );
    const [difference, se] = printed.trim().split(/\s+/).map(Number);
    const io = fakeIo();
    expect(
      await main(
        [
          'compare',
          first,
          second,
          '--score',
          'score',
          '--cluster',
          'account',
          '--ci-method',
          'wald',
          '--format',
          'json',
        ],
        io,
      ),
    ).toBe(0);
    const row = JSON.parse(io.out()).groups[0];
    expect(row.difference / 100).toBeCloseTo(difference, 9);
    expect(Math.abs(row.difference_upper / 100 - (difference + 1.959963984540054 * se))).toBeLessThan(1e-6);
    expect(Math.abs(row.difference_lower / 100 - (difference - 1.959963984540054 * se))).toBeLessThan(1e-6);
  });

  it('nps trend --by --cluster gives each series period as a domain of the whole design, as R survey does', async () => {
    const rows = survey(41, 90, true).map((r, i) => ({
      ...r,
      month: 1 + ((i * 5 + r.score) % 2),
      region: ['east', 'west'][(i * 7) % 2],
    }));
    const file = join(temp, 'trend-by.csv');
    writeFileSync(
      file,
      `account,region,date,score,w\n${rows.map((r) => `${r.account},${r.region},2025-0${r.month}-10,${r.score},${r.weight}`).join('\n')}\n`,
    );
    const printed = runR(
      file,
      true,
      ['d$cell <- factor(paste(d$region, substr(d$date, 1, 7)))'],
      [
        'by <- svyby(~y, ~cell, design, svymean, covmat = TRUE)',
        'd1 <- svycontrast(by, c(-1, 1, 0, 0))',
        'cat(sprintf("%.17g", c(coef(by), SE(by), coef(d1), SE(d1))), "\n")',
      ],
    );
    const figures = printed.trim().split(/\s+/).map(Number);
    const io = fakeIo();
    const args = `trend ${file} --score score --date date --weight w --period month --by region --cluster account --ci-method wald --format json`;
    expect(await main(args.split(' '), io)).toBe(0);
    // R orders the cells east 2025-01, east 2025-02, west 2025-01, west 2025-02, as the trend does.
    const periods = JSON.parse(io.out()).periods;
    const z = 1.959963984540054;
    periods.forEach((p: { nps: number; nps_upper: number }, i: number) => {
      expect(p.nps / 100).toBeCloseTo(figures[i], 9);
      expect(Math.abs(p.nps_upper / 100 - (figures[i] + z * figures[4 + i]))).toBeLessThan(1e-6);
    });
    const [difference, se] = figures.slice(8);
    expect(periods[1].difference / 100).toBeCloseTo(difference, 9);
    expect(Math.abs(periods[1].difference_upper / 100 - (difference + z * se))).toBeLessThan(1e-6);
  });
});
