import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allCommands } from '../src/cli/commands/index.js';
import { main } from '../src/cli/main.js';
import { binomialPmf, cusumArl, cusumIncrement, ewmaArl, ewmaSd } from '../src/core/control.js';
import { adjust, interval } from '../src/core/interval.js';
import { baselineOf, calibrate } from '../src/core/monitor.js';
import { criticalValue, normalCdf } from '../src/core/normal.js';
import { rankBy } from '../src/core/rank.js';
import { compareGroups } from '../src/core/significance.js';
import { countsOf, netScore, standardError, tallyOf, variance } from '../src/index.js';
import { formatDecimal, formatPlain, pDigits } from '../src/report/format.js';
import { fakeIo, splitArgs } from './helpers/fake-io.js';

/*
 * Figures the README states in its prose (and in the comments of its command lines) are the
 * tool's. Each claim rebuilds a README passage from what the tool computes, rounded as the README
 * prints it, and the README must hold that passage word for word: a figure that drifts, in the
 * README or in the tool, fails the claim that names it. Fenced outputs are test/readme.test.ts's,
 * the coverage table test/core/score-interval.test.ts's; measured timings and sizes are left out.
 */

const root = join(import.meta.dirname, '..');
const readmeText = readFileSync(join(root, 'README.md'), 'utf8');
/** The README with its line breaks and runs of spaces as single spaces, so passages may wrap. */
const readme = readmeText.replace(/\s+/g, ' ');
const fixture = (name: string) => join(root, 'fixtures', name);
const CONTACT_CENTRE = fixture('contact-centre.csv');

// ---- Running the tool ----

interface Run {
  readonly exit: number;
  readonly out: string;
  readonly err: string;
}

const runs = new Map<string, Promise<Run>>();

/** `nps ARGS` in process, with `stdin` as standard input; claims that share a run share its result. */
function run(args: readonly string[], stdin?: string): Promise<Run> {
  const key = JSON.stringify([args, stdin]);
  let result = runs.get(key);
  if (result === undefined) {
    const io = fakeIo(stdin === undefined ? {} : { stdin: Buffer.from(stdin) });
    result = main(args, io).then((exit) => ({ exit, out: io.out(), err: io.err() }));
    runs.set(key, result);
  }
  return result;
}

/** `nps ARGS --format json`, which must succeed: its document, unrounded. */
async function json(args: readonly string[], stdin?: string): Promise<ReturnType<typeof JSON.parse>> {
  const { exit, out, err } = await run([...args, '--format', 'json'], stdin);
  expect(exit, err).toBe(0);
  return JSON.parse(out);
}

/** A CSV of `date,score` rows, one per date, for claims about periods. */
const answersOn = (dates: readonly string[]) => `date,score\n${dates.map((d) => `${d},9\n`).join('')}`;

// ---- Figures as the README's prose prints them ----

/** Rounded half away from zero, as the tool rounds, with the Unicode minus of the prose. */
const fixed = (x: number, places: number) => formatDecimal(x, places).replace('-', '−');
/** With a + on a positive figure, as NPS and differences are written. */
const signed = (x: number, places: number) =>
  (x > 0 && Number(formatDecimal(x, places)) !== 0 ? '+' : '') + fixed(x, places);
const percent = (share: number, places: number) => `${fixed(100 * share, places)}%`;
const SUPERSCRIPTS: Readonly<Record<string, string>> = {
  '-': '⁻',
  0: '⁰',
  1: '¹',
  2: '²',
  3: '³',
  4: '⁴',
  5: '⁵',
  6: '⁶',
  7: '⁷',
  8: '⁸',
  9: '⁹',
};
/** 7.78e-10 as "7.8·10⁻¹⁰". */
function powerOfTen(x: number, places: number): string {
  const [mantissa, exponent] = x.toExponential(places).split('e');
  return `${mantissa}·10${[...String(Number(exponent))].map((c) => SUPERSCRIPTS[c]).join('')}`;
}
const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
function inWords(n: number): string {
  expect(WORDS[n], `a word for ${n}`).toBeDefined();
  return WORDS[n];
}
/** x as k/denominator, when it is exactly that. */
function fraction(x: number, denominator: number): string {
  const k = Math.round(x * denominator);
  expect(x).toBeCloseTo(k / denominator, 12);
  return `${k}/${denominator}`;
}

// ---- What the claims read ----

/** A row of one of the agents standings or drivers levels, by name. */
const named = (rows: readonly { name?: string; level?: string }[], name: string) => {
  const row = rows.find((r) => r.name === name || r.level === name);
  expect(row, name).toBeDefined();
  return row as ReturnType<typeof JSON.parse>;
};

const drivers = (...extra: string[]) =>
  json(['drivers', CONTACT_CENTRE, '--categorical', 'channel,team,agent', ...extra]);
const agentLevels = (levels: readonly { driver: string }[]) =>
  levels.filter((l) => l.driver === 'agent') as ReturnType<typeof JSON.parse>[];

/** `nps samplesize OPTIONS [FILE]`: its one row. */
const samplesize = async (options: string, ...files: string[]) =>
  (await json(['samplesize', ...options.split(' '), ...files])).sample_size;

/** The coverage table of the Statistics section, as printed (checked against the computation by test/core/score-interval.test.ts). */
function coverage(): Map<
  number,
  Record<'score' | 'adjustedWald' | 'wald', { inside: string; whole: string; mean: string }>
> {
  const rows = [
    ...readmeText.matchAll(
      /^\| (\d+) \| ([\d.]+) \/ ([\d.]+) \/ ([\d.]+) \| ([\d.]+) \/ ([\d.]+) \/ ([\d.]+) \| ([\d.]+) \/ ([\d.]+) \/ ([\d.]+) \|$/gm,
    ),
  ];
  expect(rows.length).toBeGreaterThan(0);
  const method = (m: RegExpMatchArray, i: number) => ({ inside: m[i], whole: m[i + 1], mean: m[i + 2] });
  return new Map(
    rows.map((m) => [Number(m[1]), { score: method(m, 2), adjustedWald: method(m, 5), wald: method(m, 8) }]),
  );
}

/** The Monday-morning run of "Periods in progress", as the README writes it. */
const MONDAY = [
  'summary',
  fixture('weekly-drop-monday.csv'),
  ...'--period week --last 12w --periods 12 --tz Europe/Stockholm --format markdown --fail-on-drop --fail-below 0 --as-of 2024-11-25T06:00:00Z'.split(
    ' ',
  ),
];

interface Claim {
  /** How the passage starts: the test's name, and where in the README it is found. */
  readonly at: string;
  /** The passage as the README should print it, with the tool's figures (and any checks of what its words say). */
  readonly passage: () => string | Promise<string>;
}

// In the README's order.
const CLAIMS: readonly Claim[] = [
  {
    // The two forms as the Quick start's export prints them, by the Wald and by the score interval.
    at: 'The interval is shown as it is: "',
    passage: async () => {
      const margin = async (method: string) =>
        /^ {2}Margin +(.+)$/m.exec((await run(['report', CONTACT_CENTRE, '--ci-method', method])).out)?.[1];
      return `The interval is shown as it is: "${await margin('wald')}" when symmetric about the estimate, "${await margin('score')}" when not`;
    },
  },
  {
    at: 'numbered in the ISO week-year: 2024-12-30 is',
    passage: async () => {
      const { periods } = await json(['trend', '--period', 'week'], answersOn(['2024-12-30']));
      return `numbered in the ISO week-year: 2024-12-30 is \`${periods[0].period}\``;
    },
  },
  {
    at: 'with `--fiscal-year-start 7`, July 2024 - June 2025 is',
    passage: async () => {
      // Each range's first and last day, between days of the ranges beside it: the one period with two answers is the range.
      const label = async (period: string, dates: string[]) => {
        const { periods } = await json(['trend', '--period', period, '--fiscal-year-start', '7'], answersOn(dates));
        expect(periods.length).toBe(3);
        return periods.find((p: { n: number }) => p.n === 2).period;
      };
      const year = await label('year', ['2024-06-30', '2024-07-01', '2025-06-30', '2025-07-01']);
      const quarter = await label('quarter', ['2024-06-30', '2024-07-01', '2024-09-30', '2024-10-01']);
      return `with \`--fiscal-year-start 7\`, July 2024 - June 2025 is \`${year}\`, and July-September 2024 is \`${quarter}\``;
    },
  },
  {
    at: 'So an agent with',
    passage: async () => {
      const zofia = named((await json(['agents', CONTACT_CENTRE])).standings, 'Zofia Ślusarczyk');
      expect(zofia.ranked).toBe(false);
      return `So an agent with ${(zofia.n * zofia.promoters_pct) / 100} promoters out of ${zofia.n} (${signed(zofia.nps, 0)}) does not top the board.`;
    },
  },
  {
    at: 'Equal values share a rank (',
    passage: () => {
      const ranks = rankBy(
        [3, 2, 2, 1],
        (v) => v,
        () => 0,
      ).map((r) => r.rank);
      return `Equal values share a rank (${ranks.join(', ')})`;
    },
  },
  {
    at: 'On `fixtures/contact-centre.csv`, m =',
    passage: async () => {
      const { standings, notes } = await json(['agents', CONTACT_CENTRE, '--rank-by', 'shrunk']);
      const m = /as if it had ([\d.]+) more responses/.exec(notes.join('\n'))?.[1];
      const zofia = named(standings, 'Zofia Ślusarczyk');
      const asa = named(standings, 'Åsa Lindqvist');
      expect(zofia.promoters_pct).toBe(100);
      return `On \`fixtures/contact-centre.csv\`, m = ${m}: the agent with ${zofia.n} promoters of ${zofia.n} goes from ${signed(zofia.nps, 0)} to ${signed(zofia.shrunk_nps, 1)}, the one with ${signed(asa.nps, 1)} from ${asa.n} responses to ${signed(asa.shrunk_nps, 1)}.`;
    },
  },
  {
    at: '(Bonferroni: each pair',
    passage: async () => {
      const level = /, ([\d.]+)% for 4 levels\)/.exec((await drivers()).notes.join('\n'))?.[1];
      return `(Bonferroni: each pair's MOVER interval at 1 − 5%/(k(k−1)/2), ${level}% for 4 levels)`;
    },
  },
  {
    at: '`fixtures/contact-centre.csv` has',
    passage: async () => {
      // Unpooled, every agent is a level of its own.
      const agents = agentLevels((await drivers('--min-n', '1')).levels);
      const asa = named(agents, 'Åsa Lindqvist');
      const pawel = named(agents, 'Paweł Kołodziej');
      expect(pawel.n).toBe(asa.n);
      const others = agents.filter((a) => a.n >= 30 && a !== asa && a !== pawel).map((a) => a.n);
      const fewer = agents.filter((a) => a.n < 30);
      const zofia = named(fewer, 'Zofia Ślusarczyk');
      return (
        `\`fixtures/contact-centre.csv\` has ${agents.length} agents: Åsa Lindqvist (${signed(asa.nps, 1)}) and Paweł Kołodziej (${signed(pawel.nps, 1)}) with ` +
        `${asa.n} answers each, ${inWords(others.length)} more with ${others.sort((a, b) => a - b).join(' and ')}, and ${fewer.length} with fewer than 30, ` +
        `Zofia Ślusarczyk's ${(zofia.n * zofia.promoters_pct) / 100} promoters among them.`
      );
    },
  },
  {
    at: 'among them. Those',
    passage: async () => {
      const { drivers: tests, levels } = await drivers();
      const agents = agentLevels(levels);
      const [agent, channel] = tests;
      expect([agent.driver, channel.driver]).toEqual(['agent', 'channel']);
      expect(agent.spread).toBe(named(agents, 'Åsa Lindqvist').nps - named(agents, 'Paweł Kołodziej').nps);
      const pooled = /^(\d+) levels$/.exec(named(agents, 'other levels (n < 30)').note)?.[1];
      return (
        `among them. Those ${pooled} are pooled; the spread ${signed(agent.spread, 1)} is Åsa's NPS minus Paweł's, and agent comes first because its test says so ` +
        `(χ² ${fixed(agent.statistic, 2)} on ${agent.df} df, Holm p ${powerOfTen(agent.p_adjusted, 1)}, against channel's ${powerOfTen(channel.p_adjusted, 1)})`
      );
    },
  },
  {
    at: 'With `--min-n 1` nothing is pooled:',
    passage: async () => {
      const { drivers: tests, levels } = await drivers('--min-n', '1');
      const agents = agentLevels(levels);
      const agent = tests.find((d: { driver: string }) => d.driver === 'agent');
      expect(agents.some((a) => a.level.startsWith('other levels'))).toBe(false);
      expect(agent.spread).toBe(named(agents, 'Zofia Ślusarczyk').nps - named(agents, 'Paweł Kołodziej').nps);
      expect(agent.spread_lower < 0 && agent.spread_upper > 0).toBe(true);
      return (
        `With \`--min-n 1\` nothing is pooled: agent's spread is Zofia's ${signed(agent.spread, 1)} again, but its simultaneous interval, ` +
        `${signed(agent.spread_lower, 1)} to ${signed(agent.spread_upper, 1)}, holds 0, and ${tests[0].driver} comes first.`
      );
    },
  },
  {
    at: 'nps samplesize --margin 5 # ±5 points at 95%',
    passage: async () =>
      `nps samplesize --margin 5 # ±5 points at 95%, worst case: ${(await samplesize('--margin 5')).responses}`,
  },
  {
    at: 'nps samplesize --margin 10 # worst case',
    passage: async () => {
      const plan = await samplesize('--margin 10');
      return `nps samplesize --margin 10 # worst case ${percent(plan.promoters_share, 0)} promoters, ${percent(plan.detractors_share, 0)} detractors: ${plan.responses}`;
    },
  },
  {
    at: 'nps samplesize --margin 5 --promoters 0.5 --detractors 0.2 # planning shares:',
    passage: async () =>
      `nps samplesize --margin 5 --promoters 0.5 --detractors 0.2 # planning shares: ${(await samplesize('--margin 5 --promoters 0.5 --detractors 0.2')).responses}`,
  },
  {
    at: 'nps samplesize --margin 10 --promoters 0.9 --detractors 0 # skewed shares:',
    passage: async () =>
      `nps samplesize --margin 10 --promoters 0.9 --detractors 0 # skewed shares: ${(await samplesize('--margin 10 --promoters 0.9 --detractors 0')).responses}`,
  },
  {
    at: 'nps samplesize --difference 10 --power 0.8 # per group',
    passage: async () =>
      `nps samplesize --difference 10 --power 0.8 # per group, to detect 10 points: ${(await samplesize('--difference 10 --power 0.8')).responses}`,
  },
  {
    at: 'so `--promoters 1 --detractors 0` plans for',
    passage: async () =>
      `so \`--promoters 1 --detractors 0\` plans for a survey where everyone is a promoter (±10 points by the score interval: ${(await samplesize('--margin 10 --promoters 1 --detractors 0')).responses} responses)`,
  },
  {
    // "+10%": how many more the worst case needs than 50/50 at ±30.
    at: 'at ±10 points 50/50 needs',
    passage: async () => {
      const half10 = (await samplesize('--margin 10 --promoters 0.5 --detractors 0.5')).responses;
      const worst10 = await samplesize('--margin 10');
      const half30 = (await samplesize('--margin 30 --promoters 0.5 --detractors 0.5')).responses;
      const worst30 = (await samplesize('--margin 30')).responses;
      return (
        `at ±10 points 50/50 needs ${half10} responses but ${percent(worst10.promoters_share, 0)} promoters and ${percent(worst10.detractors_share, 0)} detractors ` +
        `need ${worst10.responses} (+${fixed(100 * (worst30 / half30 - 1), 0)}% at ±30: ${half30} against ${worst30})`
      );
    },
  },
  {
    at: 'For `--difference` the worst case is the formula',
    passage: async () => {
      const plan = await samplesize('--difference 10 --power 0.8');
      expect([plan.promoters_share, plan.detractors_share]).toEqual([0.5, 0.5]);
      return `For \`--difference\` the worst case is the formula's: V = ${plan.variance}, at half promoters and half detractors`;
    },
  },
  {
    at: '`nps samplesize --margin 5 --shares-from fixtures/contact-centre.csv` and',
    passage: async () => {
      const plan = await samplesize('--margin 5 --shares-from', CONTACT_CENTRE);
      expect(await samplesize('--margin 5 --counts --shares-from', fixture('contact-centre-counts.csv'))).toEqual(plan);
      return (
        '`nps samplesize --margin 5 --shares-from fixtures/contact-centre.csv` and `--shares-from fixtures/contact-centre-counts.csv --counts` both plan for ' +
        `${percent(plan.promoters_share, 1)} promoters and ${percent(plan.detractors_share, 1)} detractors: ${plan.responses} responses.`
      );
    },
  },
  {
    at: '`--last 4q --as-of 2018-09-10` keeps',
    passage: async () => {
      // One answer in the middle of each quarter from 2017-Q1 to the as-of time.
      const dates = ['2017-02-15', '2017-05-15', '2017-08-15', '2017-11-15', '2018-02-15', '2018-05-15', '2018-08-15'];
      const { periods, meta } = await json(['trend', '--last', '4q', '--as-of', '2018-09-10'], answersOn(dates));
      expect(meta.rows.filtered).toBeGreaterThan(0);
      const complete = periods
        .filter((p: { complete: boolean }) => p.complete)
        .map((p: { period: string }) => p.period);
      const inProgress = periods
        .filter((p: { complete: boolean }) => !p.complete)
        .map((p: { period: string }) => p.period);
      return `\`--last 4q --as-of 2018-09-10\` keeps ${complete[0]} to ${complete.at(-1)}, and ${inProgress.join(', ')} in progress.`;
    },
  },
  {
    at: '`fixtures/weekly-drop-monday.csv` is the weekly export with a drop of',
    passage: async () => {
      const { periods } = await json([
        'trend',
        fixture('weekly-drop-monday.csv'),
        ...'--period week --last 12w --tz Europe/Stockholm --as-of 2024-11-25T06:00:00Z'.split(' '),
      ]);
      const [drop, monday] = periods.slice(-2);
      expect(drop.significant).toBe('below');
      expect(monday.promoters).toBe(monday.n);
      return `\`fixtures/weekly-drop-monday.csv\` is the weekly export with a drop of ${fixed(-drop.difference, 0)} points in ${drop.period} and ${inWords(monday.n)} promoters already in on Monday ${monday.period_start}`;
    },
  },
  {
    at: '--fail-below 0 --as-of 2024-11-25T06:00:00Z #',
    passage: async () => `--fail-below 0 --as-of 2024-11-25T06:00:00Z # exit ${(await run(MONDAY)).exit}`,
  },
  {
    at: 'With `--include-in-progress` the same run compares',
    passage: async () => {
      const { exit, out, err } = await run([
        ...MONDAY.map((arg) => (arg === 'markdown' ? 'json' : arg)),
        '--include-in-progress',
      ]);
      const { trend, gates } = JSON.parse(out);
      const drop = gates.find((g: { rule: string }) => g.rule === 'fail-on-drop');
      const [before, latest] = trend.slice(-2);
      expect(drop.subject, err).toBe(`${latest.period} against ${before.period}`);
      return `With \`--include-in-progress\` the same run compares ${latest.period}'s ${inWords(latest.n)} answers with ${before.period} and exits ${exit}`;
    },
  },
  {
    at: 'never in exponent notation (a p-value of',
    passage: () =>
      `never in exponent notation (a p-value of 6.039e-14 is written \`${formatPlain(6.039e-14, 'p', { decimals: 1 })}\`)`,
  },
  {
    at: 'more when those would look round, so',
    passage: () =>
      `more when those would look round, so 0.04996 reads ${pDigits(0.04996)}, never ${(0.04996).toPrecision(3)}`,
  },
  {
    at: 'Intervals use the exact normal quantile (z =',
    passage: () => `Intervals use the exact normal quantile (z = ${criticalValue(0.95).toPrecision(16)} at 95%`,
  },
  {
    at: 'it can leave a tiny or extreme sample',
    passage: () => {
      const one = { detractors: 0, passives: 0, promoters: 1 };
      // The adjusted-Wald formula: Wald on the adjusted counts; then widened to the estimate.
      const centred = interval(adjust(one), 'wald', 0.95);
      expect(interval(one, 'adjusted-wald', 0.95)).toMatchObject({ lower: centred.lower, upper: netScore(one) });
      return `it can leave a tiny or extreme sample's own estimate outside (one promoter: ${signed(100 * netScore(one), 0)} with ${signed(100 * centred.lower, 1)} to ${signed(100 * centred.upper, 1)})`;
    },
  },
  {
    at: 'there adjusted Wald dips to',
    passage: () => {
      const lows = [...coverage().values()].map((row) => Number(row.adjustedWald.whole));
      return `there adjusted Wald dips to ${Math.min(...lows).toFixed(2)}-${Math.max(...lows).toFixed(2)} and Wald far lower`;
    },
  },
  {
    at: "Inside the simplex from n = 30 on, adjusted Wald's minimum is a little higher (",
    passage: () => {
      const at30 = coverage().get(30)!;
      return `Inside the simplex from n = 30 on, adjusted Wald's minimum is a little higher (${at30.adjustedWald.inside} against ${at30.score.inside} at n = 30)`;
    },
  },
  {
    at: '(100, 200, 200) against (120, 200, 180):',
    passage: () => {
      const d = compareGroups(
        { detractors: 100, passives: 200, promoters: 200 },
        { detractors: 120, passives: 200, promoters: 180 },
        { method: 'score', confidence: 0.95 },
      );
      return `(100, 200, 200) against (120, 200, 180): ${signed(100 * d.difference, 1)}, 95% interval ${signed(100 * d.lower, 4)} to ${signed(100 * d.upper, 4)}, p = ${d.p.toFixed(6)}.`;
    },
  },
  {
    at: 'p underflows to 0 past |z| ≈',
    passage: () => {
      // The last z, on a grid 0.1 apart, whose two-sided p is still above 0.
      let tenths = 300;
      while (2 * normalCdf(-(tenths + 1) / 10) > 0) tenths++;
      return `p underflows to 0 past |z| ≈ ${(tenths / 10).toFixed(1)}`;
    },
  },
  {
    at: 'and more when those look round (',
    passage: () =>
      `and more when those look round (${pDigits(0.04996)} is shown as such, not as ${(0.04996).toPrecision(3)})`,
  },
  {
    at: 'as many places as it takes to differ from the threshold (',
    passage: async () => {
      // 749 promoters and 1751 passives: NPS 29.96, which one decimal would show as the threshold.
      const answers = `score\n${'9\n'.repeat(749)}${'7\n'.repeat(1751)}`;
      const { exit, out } = await run(['report', '--fail-below', '30', '--format', 'json'], answers);
      expect(exit).toBe(1);
      return `as many places as it takes to differ from the threshold ("${JSON.parse(out).gates[0].reason}")`;
    },
  },
  {
    at: 'skewed shares get what they need (',
    passage: async () => {
      const needed = (await samplesize('--margin 10 --promoters 0.9 --detractors 0')).responses;
      const z = criticalValue(0.95);
      const formula = Math.ceil((z * z * 0.09) / 0.1 ** 2 - 3);
      // That many answers at the planning shares, and the adjusted-Wald interval they give.
      const margin = interval(
        { detractors: 0, passives: 0.1 * formula, promoters: 0.9 * formula },
        'adjusted-wald',
        0.95,
      ).margin;
      return `skewed shares get what they need (90% promoters and no detractors need ${needed} answers for ±10; the adjusted-Wald formula ⌈z² V / m² − 3⌉ said ${formula}, which gives ±${fixed(100 * margin, 0)})`;
    },
  },
  {
    at: 'For the score interval that is not 50/50:',
    passage: async () => {
      const worst5 = await samplesize('--margin 5');
      const worst10 = await samplesize('--margin 10');
      const z = criticalValue(0.95);
      for (const [worst, margin] of [
        [worst5, 5],
        [worst10, 10],
        [await samplesize('--margin 30'), 30],
      ]) {
        expect(worst.responses, `±${margin}`).toBe(Math.ceil((z / (margin / 100)) ** 2));
      }
      const half = async (margin: number) =>
        (await samplesize(`--margin ${margin} --promoters 0.5 --detractors 0.5`)).responses;
      const mix = (plan: { promoters_share: number; detractors_share: number }) =>
        `${fixed(100 * plan.promoters_share, 0)}/${fixed(100 * plan.detractors_share, 0)}`;
      return (
        `For the score interval that is not 50/50: ±5 points at 95% needs ${worst5.responses} (at ${percent(worst5.promoters_share, 0)} promoters, ` +
        `${percent(worst5.detractors_share, 0)} detractors) where 50/50 needs ${await half(5)}, ±10 needs ${worst10.responses} (${mix(worst10)}) against ${await half(10)}`
      );
    },
  },
  {
    at: 'Worked example (`fixtures/weighted.csv`):',
    passage: async () => {
      const { summary, meta } = await json(['report', fixture('weighted.csv'), '--weight', 'weight']);
      const scores = Array.from({ length: 11 }, (_, s) => 10 - s).filter((s) => summary[`score_${s}`] > 0);
      const sum = summary.weighted_n;
      // One answer per score in this file: its weight is the score's count.
      const squares = scores.reduce((total, s) => total + summary[`score_${s}`] ** 2, 0);
      const shares = {
        detractors: summary.detractors_pct / 100,
        passives: summary.passives_pct / 100,
        promoters: summary.promoters_pct / 100,
      };
      const scaled = (n: number) =>
        interval(
          { detractors: shares.detractors * n, passives: shares.passives * n, promoters: shares.promoters * n },
          'score',
          0.95,
        );
      // The interval is that of the design n answers in the weighted shares, and narrower at the sum of weights.
      expect(scaled(summary.n_eff).lower).toBeCloseTo(summary.nps_lower / 100, 9);
      expect(scaled(summary.n_eff).upper).toBeCloseTo(summary.nps_upper / 100, 9);
      expect(scaled(sum).margin).toBeLessThan(scaled(summary.n_eff).margin);
      const number = (x: number) => String(Number(x.toFixed(4)));
      return (
        `Worked example (\`fixtures/weighted.csv\`): the used answers ${scores.join(', ')} with weights ${scores.map((s) => number(summary[`score_${s}`])).join(', ')} ` +
        `give Σ w = ${number(sum)}, Σ w² = ${number(squares)}, Kish's n_eff = ${number(sum ** 2)} / ${number(squares)} = ${fixed(sum ** 2 / squares, 2)}; ` +
        `promoters ${number(summary.promoters)}/${number(sum)} = ${fixed(summary.promoters_pct, 1)}%, passives ${fixed(summary.passives_pct, 1)}%, ` +
        `detractors ${number(summary.detractors)}/${number(sum)} = ${fixed(summary.detractors_pct, 1)}%, NPS ${signed(summary.nps, 1)}, a design n of ${fixed(summary.n_eff, 2)}, and the 95% interval ` +
        `${signed(summary.nps_lower, 1)} to ${signed(summary.nps_upper, 1)} is that of ${fixed(summary.n_eff, 2)} answers in those shares ` +
        `(${number(sum)} unweighted answers would give a narrower one); ${inWords(meta.rows.excluded.bad_weight)} rows with an empty, negative or non-numeric weight are excluded`
      );
    },
  },
  {
    at: 'Example (`fixtures/accounts.csv`,',
    passage: async () => {
      const plain = (await json(['report', fixture('accounts.csv')])).summary;
      const clustered = (await json(['report', fixture('accounts.csv'), '--cluster', 'account'])).summary;
      return `Example (\`fixtures/accounts.csv\`, ${plain.n} answers from ${clustered.clusters} accounts: the interval is ${signed(plain.nps_lower, 1)} to ${signed(plain.nps_upper, 1)} without clusters`;
    },
  },
  {
    at: 'At 40 answers a day and 20% detractors, an ARL of 365 days gives',
    passage: () => {
      const days = Array.from({ length: 90 }, () => ({ n: 40, detractors: 8, promoters: 20 }));
      const baseline = baselineOf(days, 0.01);
      const charts = calibrate(baseline, Array(90).fill(40), { lambda: 0.1, arl: 365, shift: 0.08 });
      expect(baseline.detractors).toBe(0.2);
      // Run lengths from the start when the share is 28%: each chart's in-control inputs, drawn at 28%.
      const pmf = binomialPmf(40, 0.28);
      const at = (value: (x: number) => number) => ({
        values: pmf.probs.map((_, i) => value(pmf.from + i)),
        probs: pmf.probs,
      });
      const ewma = ewmaArl(
        0.1,
        charts.ewmaL.detractors * ewmaSd(0.1),
        at((x) => (x / 40 - 0.2) / Math.sqrt((0.2 * 0.8) / 40)),
      );
      const cusum = cusumArl(
        charts.h,
        at((x) => cusumIncrement(x, 40, 0.2, charts.p1)),
      );
      return (
        `At 40 answers a day and 20% detractors, an ARL of 365 days gives L = ${fixed(charts.ewmaL.detractors, 2)} ` +
        `and h = ${fixed(charts.h, 2)} nats (p1 = ${percent(charts.p1, 0)}), and a rise to 28% is signalled in ` +
        `${fixed(ewma, 1)} days by the EWMA and ${fixed(cusum, 1)} by the CUSUM`
      );
    },
  },
  {
    at: "the paper's R package (e.g. counts (1,2,3):",
    passage: () => {
      const counts = { detractors: 1, passives: 2, promoters: 3 };
      return `the paper's R package (e.g. counts (1,2,3): NPS ${fraction(netScore(counts), 3)}, V ${fraction(variance(counts), 9)}, SE ${standardError(counts).toFixed(3)})`;
    },
  },
  {
    at: 'the Market Strategies worked example (',
    passage: () => {
      const counts = { detractors: 100, passives: 200, promoters: 200 };
      return `the Market Strategies worked example (40% promoters, 20% detractors, n = 500: NPS ${signed(100 * netScore(counts), 0)}, Wald margin ±${(100 * interval(counts, 'wald', 0.95).margin).toFixed(3)} at 95%)`;
    },
  },
  {
    at: 'const counts = countsOf(tallyOf([0, 7, 7, 9, 9, 9]));',
    passage: () => {
      const score = netScore(countsOf(tallyOf([0, 7, 7, 9, 9, 9])));
      expect(score).toBeCloseTo(1 / 3, 15);
      return `const counts = countsOf(tallyOf([0, 7, 7, 9, 9, 9])); netScore(counts); // ${score.toFixed(3)}... (on the -1..1 scale)`;
    },
  },
  {
    at: 'On the fixture pair, 2,000 contacts',
    passage: async () => {
      const sent = (margins: string) =>
        json([
          'report',
          fixture('contact-responses.csv'),
          ...`--sent ${fixture('contacts.csv')} --sent-on contact_id --adjust ${margins}`.split(' '),
        ]);
      const byChannel = await sent('channel');
      const raked = await sent('channel,queue');
      const rate = byChannel.response_rate;
      const level = (name: string) => named(byChannel.response_rates, name).response_rate / 100;
      const a = byChannel.adjusted;
      return (
        `On the fixture pair, ${rate.contacts.toLocaleString('en')} contacts and ${rate.responses + rate.unmatched} responses ` +
        "(`test/cli/sent.test.ts` checks every figure against R's survey package to 10⁻⁶): " +
        `${rate.answered} responses match a contact, a response rate of ${percent(rate.response_rate / 100, 1)} ` +
        `(95% interval ${percent(rate.rate_lower / 100, 1)} to ${percent(rate.rate_upper / 100, 1)}): ` +
        `${percent(level('phone'), 1)} by phone, ${percent(level('chat'), 1)} by chat, ${percent(level('email'), 1)} by e-mail. ` +
        `The respondents' NPS is ${signed(a.unadjusted_nps, 1)}; weighted to the contacts by channel it is ` +
        `${signed(a.adjusted_nps, 1)} (95% interval ${signed(a.lower, 1)} to ${signed(a.upper, 1)}): the happier phone ` +
        `customers answer least. Raked on channel and queue it is ${signed(raked.adjusted.adjusted_nps, 1)}.`
      );
    },
  },
  {
    at: 'On the fixture pair, by agent',
    passage: async () => {
      const out = await json([
        'agents',
        fixture('contact-responses.csv'),
        ...`--agent sent:agent --sent ${fixture('contacts.csv')} --sent-on contact_id --adjust channel,queue`.split(
          ' ',
        ),
      ]);
      const rate = (name: string) => percent(named(out.response_rates, name).response_rate / 100, 1);
      const hana = named(out.adjusted_by, 'Hana Sato');
      expect(hana.verdict).toBe('below');
      return (
        `On the fixture pair, by agent (raked on channel and queue): Ana Lima's contacts answer ${rate('Ana Lima')} of ` +
        `the time and Hana Sato's ${rate('Hana Sato')}; Hana Sato's adjusted NPS is ${signed(hana.adjusted_nps, 1)} ` +
        `(unadjusted ${signed(hana.unadjusted_nps, 1)}), ${Math.abs(hana.difference).toFixed(1)} points below the rest ` +
        `of the respondents (Holm-adjusted p ${hana.p_adjusted.toFixed(3)}).`
      );
    },
  },
];

describe("the README's figures are the tool's", () => {
  it.each(CLAIMS.map((c) => [c.at, c] as const))('%s', async (at, { passage }) => {
    const expected = await passage();
    expect(expected.startsWith(at), 'a passage starts where it is found').toBe(true);
    const start = readme.indexOf(at);
    expect(start, `the README has "${at}"`).toBeGreaterThanOrEqual(0);
    expect(readme.indexOf(at, start + 1), `the README has "${at}" once`).toBe(-1);
    expect(readme.slice(start, start + expected.length)).toBe(expected);
  });
});

// ---- The figures in --help examples ----

/** A description stating a result: its figure in parentheses, "(1537)". */
const RESULT = /\((\d[\d.,]*)\)/;

/** Example descriptions whose figures are inputs, defaults or settings, not results. */
const INPUT_FIGURES: ReadonlySet<string> = new Set([
  'odds ratios adjusted for each other, and AUC, Brier skill and calibration over 5 folds by customer',
  'NPS of a survey export, with a 95% interval',
  'the last four quarters, tested against a target of 30',
  'JSON for a pipeline; exit 1 when NPS < 30 or it fell',
  'exit 1 when NPS < 20, or the latest complete week fell (the week in progress is shown, not judged)',
  "one series per channel; exit 1 when a channel's latest period is below 0",
  'agents with at least 30 responses, ranked, each against the rest',
  'exit 1 when any channel (n >= 30) is below 0',
  'two exports against each other; exit 1 when either is below 20',
  'the same, planning for 50% promoters and 20% detractors',
  'responses per group to detect a 10-point difference',
  'monthly counts from text dates such as 8/31/18 18:37',
  'the first run builds a 90-day baseline; later runs chart new days',
  'a rolling NPS: the 90 days to the end of each week, with its interval',
  'one false alarm in two years; alert too when smoothed NPS falls below 0; control charts',
]);

/** The exports the examples name, and the fixtures run in their place. */
const STAND_INS: Readonly<Record<string, string>> = {
  'survey.csv': CONTACT_CENTRE,
  'counts.csv': fixture('contact-centre-counts.csv'),
};

const examples = (await allCommands()).flatMap((command) =>
  command.examples.map(([line, description]) => ({ line, description })),
);
const withResults = examples.filter((e) => RESULT.test(e.description));

describe('the figures in --help examples', () => {
  it('are found', () => {
    expect(withResults.length).toBeGreaterThan(0);
  });

  it.each(withResults.map((e) => [`${e.line}: ${e.description}`, e] as const))(
    '%s',
    async (_, { line, description }) => {
      const [nps, ...args] = splitArgs(line);
      expect(nps).toBe('nps');
      const files = args.filter((arg) => /\.(csv|tsv|xlsx|parquet|gz|json|html|md)$/.test(arg));
      expect(
        files.filter((file) => STAND_INS[file] === undefined),
        'files with no fixture to stand in',
      ).toEqual([]);
      const { exit, out, err } = await run(args.map((arg) => STAND_INS[arg] ?? arg));
      expect(exit, err).toBe(0);
      const figure = RESULT.exec(description)![1];
      expect(out).toMatch(new RegExp(`(?<![\\d.])${figure.replaceAll('.', '\\.')}(?![\\d.])`));
    },
  );

  it('are results checked above, or inputs listed as such', () => {
    const unchecked = examples
      .filter((e) => /\d/.test(e.description) && !RESULT.test(e.description) && !INPUT_FIGURES.has(e.description))
      .map((e) => e.description);
    expect(unchecked).toEqual([]);
    // A listed description that changed or went must leave the list too.
    expect([...INPUT_FIGURES].filter((d) => !examples.some((e) => e.description === d))).toEqual([]);
  });
});
