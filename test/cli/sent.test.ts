import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { main } from '../../src/cli/main.js';
import { spawnChild } from '../helpers/child.js';
import { READS_NO_INPUT, RUN_ARGS } from '../helpers/commands.js';
import { fakeIo } from '../helpers/fake-io.js';
import { workbookFromCsv } from '../helpers/workbook.js';

/*
 * --sent and --adjust at the command line, on the fixture pair (2,000 contacts of a contact centre,
 * 420 responses, 3 of them from no listed contact), against R: the survey package for the
 * adjusted NPS and its standard error, prop.test for the response rates' score intervals.
 */

const BASE = ['report', 'fixtures/contact-responses.csv', '--sent', 'fixtures/contacts.csv', '--sent-on', 'contact_id'];

async function json(...args: string[]) {
  const io = fakeIo();
  const exit = await main([...BASE, ...args, '--format', 'json'], io);
  expect(exit, io.err()).toBe(0);
  return JSON.parse(io.out());
}

/** What R prints for the fixture pair: `d` the matched respondents (with y), `all` the contacts. */
function r(script: readonly string[]): number[] {
  if (!existsSync('/usr/bin/Rscript')) {
    throw new Error(
      'R is missing: install it with `apt-get install -y --no-install-recommends r-base-core r-cran-survey` (as root), or run npm test as root, which installs it',
    );
  }
  const lines = [
    'suppressMessages(library(survey))',
    'all <- read.csv("fixtures/contacts.csv", stringsAsFactors = FALSE)',
    'responses <- read.csv("fixtures/contact-responses.csv", stringsAsFactors = FALSE)',
    'd <- merge(responses, all, by = "contact_id")',
    'd$y <- ifelse(d$score >= 9, 1, ifelse(d$score <= 6, -1, 0))',
    'd$cross <- paste(d$channel, d$queue, sep = ":")',
    'all$cross <- paste(all$channel, all$queue, sep = ":")',
    'design <- svydesign(ids = ~1, data = d)',
    ...script,
  ];
  const result = spawnChild('Rscript', ['-e', lines.join('\n')]);
  if (result.status !== 0) throw new Error(`Rscript failed: ${result.stderr}`);
  return result.stdout.trim().split(/\s+/).map(Number);
}

const SHOW = 'cat(sprintf("%.15f", c(100 * coef(m), 100 * SE(m))))';

describe('nps report --sent --adjust against R survey', () => {
  it.each([
    [
      'post-stratified on channel',
      ['--adjust', 'channel'],
      ['m <- svymean(~y, postStratify(design, ~channel, as.data.frame(table(channel = all$channel))))', SHOW],
    ],
    [
      'raked on channel and queue',
      ['--adjust', 'channel,queue'],
      [
        'p1 <- as.data.frame(table(channel = all$channel)); p2 <- as.data.frame(table(queue = all$queue))',
        'm <- svymean(~y, rake(design, list(~channel, ~queue), list(p1, p2), control = list(maxit = 1000, epsilon = 1e-13)))',
        SHOW,
      ],
    ],
    [
      'post-stratified on channel:queue, capped at 1.5 times the mean weight',
      ['--adjust', 'channel:queue', '--cap', '1.5'],
      [
        'ps <- postStratify(design, ~cross, as.data.frame(table(cross = all$cross)))',
        'm <- svymean(~y, trimWeights(ps, upper = 1.5 * mean(weights(ps)), strict = TRUE))',
        SHOW,
      ],
    ],
  ])(
    '%s: NPS and standard error to 1e-6',
    async (_name, args, script) => {
      const { adjusted } = await json(...args);
      const [nps, se] = r(script);
      expect(adjusted.adjusted_nps).toBeCloseTo(nps, 6);
      expect(adjusted.standard_error).toBeCloseTo(se, 6);
      expect(adjusted.adjusted_nps - adjusted.unadjusted_nps).toBeGreaterThan(5);
    },
    60_000,
  );

  it("the response rates are Wilson's score intervals, overall and per channel (R's prop.test)", async () => {
    const out = await json('--adjust', 'channel');
    const expected = r([
      'k <- c(nrow(d), sapply(c("phone", "chat", "email"), function(ch) sum(d$channel == ch)))',
      'n <- c(nrow(all), sapply(c("phone", "chat", "email"), function(ch) sum(all$channel == ch)))',
      'cat(sprintf("%.15f", unlist(lapply(1:4, function(i) 100 * c(k[i] / n[i], prop.test(k[i], n[i], correct = FALSE)$conf.int)))))',
    ]);
    const rows = [
      out.response_rate,
      ...['phone', 'chat', 'email'].map((l) => out.response_rates.find((x: { level: string }) => x.level === l)),
    ];
    rows.forEach((row, i) => {
      expect(row.response_rate).toBeCloseTo(expected[3 * i], 9);
      expect(row.rate_lower).toBeCloseTo(expected[3 * i + 1], 9);
      expect(row.rate_upper).toBeCloseTo(expected[3 * i + 2], 9);
    });
    expect(out.response_rate).toMatchObject({ contacts: 2000, answered: 417, unmatched: 3 });
    // Every silent contact a detractor, or a promoter: the matched respondents' promoters and detractors over all contacts.
    const [p, d, silent] = r(['cat(sum(d$y == 1), sum(d$y == -1), nrow(all) - nrow(d))']);
    expect(out.response_rate.nps_if_silent_detract).toBeCloseTo((100 * (p - d - silent)) / 2000, 9);
    expect(out.response_rate.nps_if_silent_promote).toBeCloseTo((100 * (p + silent - d)) / 2000, 9);
  }, 60_000);
});

describe('nps agents and segments --sent: rates and the adjusted NPS by group', () => {
  const grouped = async (...args: string[]) => {
    const io = fakeIo();
    const exit = await main(
      [...args, '--sent', 'fixtures/contacts.csv', '--sent-on', 'contact_id', '--format', 'json'],
      io,
    );
    expect(exit, io.err()).toBe(0);
    return JSON.parse(io.out());
  };

  it("agents: each agent's rate (prop.test) and NPS raked on channel and queue, a domain of the whole design (svyby)", async () => {
    const out = await grouped(
      'agents',
      'fixtures/contact-responses.csv',
      '--agent',
      'sent:agent',
      '--adjust',
      'channel,queue',
    );
    const agents = ['Ana Lima', 'Eli Brandt', 'Hana Sato'];
    const expected = r([
      'p1 <- as.data.frame(table(channel = all$channel)); p2 <- as.data.frame(table(queue = all$queue))',
      'raked <- rake(design, list(~channel, ~queue), list(p1, p2), control = list(maxit = 1000, epsilon = 1e-13))',
      'm <- svyby(~y, ~agent, raked, svymean)',
      `for (a in c(${agents.map((a) => `"${a}"`).join(', ')})) {`,
      // The agent against the rest: a contrast of two ratios, y·in/in and y·out/out, on the same raked design.
      '  d$da <- as.numeric(d$agent == a); d$db <- 1 - d$da; d$ya <- d$y * d$da; d$yb <- d$y * d$db',
      '  again <- rake(svydesign(ids = ~1, data = d), list(~channel, ~queue), list(p1, p2), control = list(maxit = 1000, epsilon = 1e-13))',
      '  vs <- svycontrast(svyratio(~ya + yb, ~da + db, again, covmat = TRUE), c("ya/da" = 1, "yb/db" = -1))',
      '  cat(sprintf("%.15f ", c(100 * coef(vs), 100 * SE(vs))))',
      '  k <- sum(d$agent == a); n <- sum(all$agent == a)',
      '  cat(sprintf("%.15f ", c(100 * m[a, "y"], 100 * m[a, "se"], 100 * k / n, 100 * prop.test(k, n, correct = FALSE)$conf.int)))',
      '}',
    ]);
    agents.forEach((agent, i) => {
      const adjusted = out.adjusted_by.find(
        (x: { by: string; level: string }) => x.by === 'agent' && x.level === agent,
      );
      const rate = out.response_rates.find((x: { by: string; level: string }) => x.by === 'agent' && x.level === agent);
      const [difference, differenceSe, nps, se, responseRate, lower, upper] = expected.slice(7 * i, 7 * i + 7);
      expect(adjusted.adjusted_nps).toBeCloseTo(nps, 6);
      expect(adjusted.standard_error).toBeCloseTo(se, 6);
      expect(adjusted.compared_with).toBe('the rest');
      expect(adjusted.difference).toBeCloseTo(difference, 6);
      expect(adjusted.difference_se).toBeCloseTo(differenceSe, 6);
      expect(rate.response_rate).toBeCloseTo(responseRate, 9);
      expect(rate.rate_lower).toBeCloseTo(lower, 9);
      expect(rate.rate_upper).toBeCloseTo(upper, 9);
    });
    // Raked on queue, the agents' weights differ from one: adjusted and unadjusted part.
    expect(
      out.adjusted_by.some(
        (x: { unadjusted_nps: number; adjusted_nps: number }) => Math.abs(x.adjusted_nps - x.unadjusted_nps) > 1,
      ),
    ).toBe(true);
  }, 60_000);

  it.each([
    [
      'post-stratified on channel',
      ['--adjust', 'channel'],
      'postStratify(design, ~cw, as.data.frame(table(cw = all$cw)))',
    ],
    [
      'raked on channel and queue',
      ['--adjust', 'channel,queue'],
      'rake(design, list(~cw, ~qw), list(as.data.frame(table(cw = all$cw)), as.data.frame(table(qw = all$qw))), control = list(maxit = 1000, epsilon = 1e-13))',
    ],
  ])(
    "trend: each week's rate, and its NPS %s within the week (svyby on the crossed calibration)",
    async (_name, adjust, calibrated) => {
      const out = await grouped('trend', 'fixtures/contact-responses.csv', '--period', 'week', ...adjust);
      const weeks = out.adjusted_by.map((x: { level: string }) => x.level);
      expect(weeks).toEqual(['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44']);
      const expected = r([
        'week <- function(t) format(as.Date(substr(t, 1, 10)), "%G-W%V")',
        'all$week <- week(all$contacted_at); d$week <- week(d$contacted_at)',
        'all$cw <- paste(all$channel, all$week); d$cw <- paste(d$channel, d$week)',
        'all$qw <- paste(all$queue, all$week); d$qw <- paste(d$queue, d$week)',
        // Each week as a ratio y·in/in, so that svyratio gives their covariance for the changes.
        'weeks <- sort(unique(d$week))',
        'for (i in 1:5) { d[[paste0("d", i)]] <- as.numeric(d$week == weeks[i]); d[[paste0("y", i)]] <- d$y * d[[paste0("d", i)]] }',
        'design <- svydesign(ids = ~1, data = d)',
        `cal <- ${calibrated}`,
        'm <- svyby(~y, ~week, cal, svymean)',
        'r <- svyratio(~y1 + y2 + y3 + y4 + y5, ~d1 + d2 + d3 + d4 + d5, cal, covmat = TRUE)',
        'changes <- svycontrast(r, lapply(1:4, function(i) setNames(c(-1, 1), sprintf("y%d/d%d", c(i, i + 1), c(i, i + 1)))))',
        'k <- table(d$week); n <- table(all$week)',
        'cat(sprintf("%.15f", c(100 * m$y, 100 * m$se, 100 * k / n, 100 * coef(changes), 100 * SE(changes))))',
      ]);
      out.adjusted_by.slice(1).forEach((row: { difference: number; difference_se: number }, i: number) => {
        expect(row.difference).toBeCloseTo(expected[15 + i], 6);
        expect(row.difference_se).toBeCloseTo(expected[19 + i], 6);
      });
      expect(out.adjusted_by[0].difference).toBeNull();
      out.adjusted_by.forEach((row: { adjusted_nps: number; standard_error: number }, i: number) => {
        expect(row.adjusted_nps).toBeCloseTo(expected[i], 6);
        expect(row.standard_error).toBeCloseTo(expected[5 + i], 6);
      });
      const rates = out.response_rates.filter((x: { by: string }) => x.by === 'week');
      rates.forEach((row: { response_rate: number }, i: number) => {
        expect(row.response_rate).toBeCloseTo(expected[10 + i], 9);
      });
      expect(out.notes).toContain(
        "Response rates and adjusted NPS by week: each contact counts in the week of its contacted_at, each response in its contact's.",
      );
    },
    60_000,
  );

  it("segments: a cross's rates, each cell against the other contacts (prop.test, Holm)", async () => {
    const out = await grouped('segments', 'fixtures/contact-responses.csv', '--by', 'sent:channel,sent:queue');
    const rows = out.response_rates.filter((x: { by: string }) => x.by === 'channel:queue');
    expect(rows).toHaveLength(9);
    const expected = r([
      'k <- table(d$cross); n <- table(all$cross)',
      'p <- sapply(names(n), function(c) prop.test(c(k[c], sum(k) - k[c]), c(n[c], sum(n) - n[c]), correct = FALSE)$p.value)',
      'cat(sprintf("%.15f", p.adjust(p, "holm")[sort(names(n))]))',
    ]);
    expect(
      rows
        .map((x: { p_adjusted: number }) => x.p_adjusted)
        .map((p: number, i: number) => p - expected[i])
        .every((d: number) => Math.abs(d) < 1e-9),
    ).toBe(true);
    expect(out.adjusted_by).toBeUndefined();
  }, 60_000);

  it('a group column the contacts do not have is refused, naming it', async () => {
    const io = fakeIo();
    const exit = await main(
      [
        'segments',
        'fixtures/contact-centre.csv',
        '--by',
        'team',
        '--sent',
        'fixtures/contacts.csv',
        '--sent-on',
        'response_id=contact_id',
      ],
      io,
    );
    expect(exit).toBe(2);
    expect(io.err()).toMatch(
      /^nps: --by team: fixtures\/contacts.csv has no column "team"\nhint: name it alike in both files/m,
    );
  }, 60_000);
});

describe('dispositions: --sent-status', () => {
  it('leaves the contacts the survey never reached out of the rate, and counts one that answered anyway', async () => {
    const out = await json('--sent-status', 'status', '--adjust', 'channel');
    const expected = r([
      'gone <- c("bounced", "undeliverable", "failed", "invalid", "ineligible", "duplicate", "throttled")',
      'reached <- all[!(all$status %in% gone) | all$contact_id %in% d$contact_id, ]',
      'm <- svymean(~y, postStratify(design, ~channel, as.data.frame(table(channel = reached$channel))))',
      'cat(sprintf("%.15f", c(nrow(reached), 100 * prop.test(nrow(d), nrow(reached), correct = FALSE)$conf.int, 100 * coef(m), 100 * SE(m))))',
    ]);
    expect(out.response_rate).toMatchObject({
      contacts: 2000,
      delivered: expected[0],
      not_delivered: 2000 - expected[0],
    });
    expect(out.response_rate.rate_lower).toBeCloseTo(expected[1], 9);
    expect(out.response_rate.rate_upper).toBeCloseTo(expected[2], 9);
    expect(out.adjusted.adjusted_nps).toBeCloseTo(expected[3], 6);
    expect(out.adjusted.standard_error).toBeCloseTo(expected[4], 6);
    expect(out.dispositions.find((x: { status: string }) => x.status === 'duplicate')).toMatchObject({
      contacts: 1,
      answered: 1,
      not_delivered: true,
    });
    expect(out.notes.join(' ')).toContain('1 contact marked not delivered answered: counted as delivered.');
  }, 60_000);
});

describe('which levels answer less than the rest', () => {
  it("each channel against the other contacts: R's prop.test p-values, Holm-adjusted by p.adjust", async () => {
    const out = await json('--adjust', 'channel');
    const channels = ['phone', 'chat', 'email'];
    const expected = r([
      `levels <- c(${channels.map((c) => `"${c}"`).join(', ')})`,
      'k <- sapply(levels, function(ch) sum(d$channel == ch)); n <- sapply(levels, function(ch) sum(all$channel == ch))',
      'p <- sapply(1:3, function(i) prop.test(c(k[i], sum(k) - k[i]), c(n[i], sum(n) - n[i]), correct = FALSE)$p.value)',
      'cat(sprintf("%.17g", c(p, p.adjust(p, "holm"))))',
    ]);
    channels.forEach((channel, i) => {
      const row = out.response_rates.find((x: { level: string }) => x.level === channel);
      expect(row.p_value / expected[i]).toBeCloseTo(1, 6);
      expect(row.p_adjusted / expected[3 + i]).toBeCloseTo(1, 6);
    });
    expect(
      out.response_rates
        .filter((x: { verdict: string }) => x.verdict === 'less')
        .map((x: { level: string }) => x.level),
    ).toEqual(['phone']);
    expect(out.notes.join(' ')).toContain('Answering less than the rest');
  }, 60_000);
});

describe('counting contacts, not responses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nps-sent-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const run = async (...args: string[]) => {
    const io = fakeIo();
    const exit = await main([...args, '--format', 'json'], io);
    expect(exit, io.err()).toBe(0);
    return JSON.parse(io.out());
  };

  it('a contact that answered three times is one contact answered: the rate cannot pass 100%', async () => {
    const contacts = file('two.csv', 'id,channel,status\nA,chat,delivered\nB,phone,bounced\nC,phone,delivered\n');
    const responses = file('answers.csv', 'id,score\nA,10\nA,9\nA,0\nB,3\nB,8\n');
    const out = await run(
      'report',
      responses,
      '--sent',
      contacts,
      '--sent-on',
      'id',
      '--sent-status',
      'status',
      '--adjust',
      'channel',
    );
    // B bounced but answered: delivered. A, B and C were reached; A and B answered.
    expect(out.response_rate).toMatchObject({ contacts: 3, delivered: 3, not_delivered: 0, answered: 2, responses: 5 });
    expect(out.response_rate.response_rate).toBeCloseTo(200 / 3, 12);
    expect(out.dispositions).toEqual([
      { status: 'delivered', contacts: 2, answered: 1, not_delivered: false },
      { status: 'bounced', contacts: 1, answered: 1, not_delivered: true },
    ]);
    expect(
      out.response_rates.map((r: { level: string; answered: number; delivered: number }) => [
        r.level,
        r.answered,
        r.delivered,
      ]),
    ).toEqual([
      ['chat', 1, 1],
      ['phone', 1, 2],
    ]);
    // Five answers (2 promoters, 2 detractors) and one silent contact.
    expect(out.response_rate.nps_if_silent_detract).toBeCloseTo((100 * (2 - 3)) / 6, 12);
    expect(out.response_rate.nps_if_silent_promote).toBeCloseTo((100 * (3 - 2)) / 6, 12);
    expect(out.notes.join(' ')).toContain('3 responses came from a contact that had answered already');
    expect(out.notes.join(' ')).toContain('1 contact marked not delivered answered: counted as delivered.');
  });

  it('raking that cannot reach the margins is refused (exit 3), not printed', async () => {
    // Respondents only in (north, chat) and (south, phone): no weights give 50/50 regions and 30/70 channels.
    const rows = Array.from({ length: 100 }, (_, i) => {
      const region = i < 50 ? 'north' : 'south';
      const channel = i < 30 ? 'chat' : 'phone';
      return `K${i},${region},${channel}`;
    });
    const contacts = file('margins.csv', `id,region,channel\n${rows.join('\n')}\n`);
    const responses = file('margins-answers.csv', 'id,score\nK0,9\nK1,3\nK60,10\nK61,6\n');
    const io = fakeIo();
    const exit = await main(
      ['report', responses, '--sent', contacts, '--sent-on', 'id', '--adjust', 'region,channel', '--cap', 'none'],
      io,
    );
    expect(exit).toBe(3);
    expect(io.err()).toContain('nps: --adjust region,channel: raking did not converge in 100 sweeps');
  });

  it("trend finds the contacts' one column of dates, or asks for --sent-date", async () => {
    const answers = file('dated-answers.csv', 'id,submitted_at,score\nA1,2026-03-02,9\nA2,2026-04-01,3\n');
    const dated = (header: string, rows: string[]) =>
      file(`dated-${header.length}.csv`, `${header}\n${rows.join('\n')}\n`);
    const trendOf = async (contacts: string, ...more: string[]) => {
      const io = fakeIo();
      const args = ['trend', answers, '--period', 'month', '--sent', contacts, '--sent-on', 'id', ...more];
      const exit = await main([...args, '--format', 'json'], io);
      return { exit, err: io.err(), out: exit === 0 ? JSON.parse(io.out()) : undefined };
    };
    const one = await trendOf(dated('id,opened,queue', ['A1,02/03/2026,7', 'A2,15/03/2026,8', 'A3,01/04/2026,7']));
    expect(one.exit, one.err).toBe(0);
    // 15/03 reads only day first: every contact's date is read so.
    expect(one.out.response_rates.map((r: { level: string; delivered: number }) => [r.level, r.delivered])).toEqual([
      ['2026-03', 2],
      ['2026-04', 1],
    ]);
    const two = dated('id,opened,closed', ['A1,2026-03-02,2026-04-02', 'A2,2026-03-30,2026-04-01']);
    const refused = await trendOf(two);
    expect(refused.exit).toBe(2);
    expect(refused.err).toContain('nps: --sent: ');
    expect(refused.err).toContain(
      'has 2 columns of dates (opened, closed)\nhint: name the one the contacts were made on with --sent-date',
    );
    const named = await trendOf(two, '--sent-date', 'closed');
    expect(named.out.response_rates.map((r: { level: string }) => r.level)).toEqual(['2026-04']);
    const none = await trendOf(dated('id,queue', ['A1,7', 'A2,8']));
    expect(none.exit).toBe(2);
    expect(none.err).toMatch(/has no column of dates to cut into periods\nhint: name it with --sent-date COLUMN/);
  });

  it('a contact whose key reads as missing (NA) is matched all the same', async () => {
    const contacts = file('na.csv', 'id,channel\nNA,chat\nX1,phone\nX2,phone\n');
    const responses = file('na-answers.csv', 'id,score\nNA,10\nX1,9\n');
    const out = await run('report', responses, '--sent', contacts, '--sent-on', 'id', '--adjust', 'channel');
    expect(out.response_rate).toMatchObject({ contacts: 3, answered: 2, unmatched: 0 });
    expect(out.adjusted.respondents).toBe(2);
  });
});

describe('contacts as a workbook or Parquet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nps-sent-formats-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('give the figures of the same contacts as CSV', async () => {
    const parquetPath = join(dir, 'contacts.parquet');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(`COPY (SELECT * FROM read_csv('fixtures/contacts.csv')) TO '${parquetPath}' (FORMAT PARQUET)`);
    connection.closeSync();
    const workbookPath = join(dir, 'contacts.xlsx');
    writeFileSync(workbookPath, await workbookFromCsv('fixtures/contacts.csv'));
    const args = ['--sent-on', 'contact_id', '--sent-status', 'status', '--adjust', 'channel,queue'];
    const tablesOf = async (contacts: string) => {
      const io = fakeIo();
      expect(
        await main(['report', 'fixtures/contact-responses.csv', '--sent', contacts, ...args, '--format', 'json'], io),
        io.err(),
      ).toBe(0);
      const { meta: _meta, notes: _notes, ...tables } = JSON.parse(io.out().replaceAll(contacts, 'CONTACTS'));
      return tables;
    };
    const csv = await tablesOf('fixtures/contacts.csv');
    expect(csv.response_rate.answered).toBe(417);
    expect(await tablesOf(parquetPath)).toEqual(csv);
    expect(await tablesOf(workbookPath)).toEqual(csv);
  }, 60_000);
});

describe('every command takes --sent and --adjust, or refuses them', () => {
  /** The commands that give response rates and the adjusted NPS; the others refuse the options. */
  const OFFERING = new Set(['report', 'summary', 'agents', 'segments', 'trend']);
  /** Those that score the contacts no answer came from (a risk list), and give no rates. */
  const SCORING = new Set(['expected']);
  /** Those that split the rates and the adjusted NPS by their own groups or periods. */
  const SPLITTING = new Set(['agents', 'segments', 'trend']);
  /** The responses hold no agent nor channel of their own: the contacts' joined columns name them. */
  const GROUPED: Record<string, string[]> = {
    agents: ['--agent', 'sent:agent'],
    segments: ['--by', 'sent:channel'],
  };
  const input = (name: string) => (READS_NO_INPUT.has(name) ? [] : ['fixtures/contact-responses.csv']);
  const flags = ['--sent', 'fixtures/contacts.csv', '--sent-on', 'contact_id', '--adjust', 'channel'];

  it.each(COMMANDS.map((c) => c.name))('%s', async (name) => {
    const io = fakeIo();
    const args = [name, ...input(name), ...(GROUPED[name] ?? RUN_ARGS[name]), ...flags];
    const exit = await main([...args, '--format', 'json'], io);
    if (OFFERING.has(name)) {
      expect(exit, io.err()).toBe(0);
      expect(Object.keys(JSON.parse(io.out()))).toEqual(
        expect.arrayContaining([
          'response_rate',
          'response_rates',
          'adjusted',
          ...(SPLITTING.has(name) ? ['adjusted_by'] : []),
        ]),
      );
    } else if (SCORING.has(name)) {
      // The contacts are scored, not weighted to: --sent is taken, --adjust is no option of it.
      expect(exit).toBe(2);
      expect(io.err()).toMatch(/^nps: unknown option '--adjust'/);
    } else {
      expect(exit).toBe(2);
      expect(io.err()).toMatch(/^nps: unknown option '--sent'/);
    }
  });
});
