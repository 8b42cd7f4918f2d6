import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { MONITOR_SECOND_RUN } from '../helpers/commands.js';
import { fakeIo } from '../helpers/fake-io.js';

/*
 * Every page opens with the figure that answers its command's question. Each headline is checked
 * against the same figure as another run computes it in JSON: the headline is read, not made up.
 */

const FIXTURE = 'fixtures/contact-centre.csv';

async function run(args: readonly string[]): Promise<string> {
  const io = fakeIo();
  const code = await main([...args], io);
  expect(code, io.err()).toBe(0);
  return io.out();
}

const json = async (args: readonly string[]) => JSON.parse(await run([...args, '--format', 'json']));

/** The page's headline: its label, its figure and the facts below it. */
async function headline(args: readonly string[]) {
  const html = await run([...args, '--format', 'html']);
  const top =
    /<h1>[^<]*<\/h1>\n<p class="headline"><span class="label">([^<]*)<\/span> <span class="figure">([^<]*)<\/span><\/p>(?:<p class="headline-detail">([^<]*)<\/p>)?/.exec(
      html,
    );
  expect(top, 'a headline right after the title').not.toBeNull();
  const [, label, figure, detail = ''] = top!;
  return { label, figure, details: detail.split(' · ').filter(Boolean) };
}

const signed = (value: number) => (value > 0 ? '+' : '') + value.toFixed(1);
/** The headline's reading of an NPS with its interval and n, from a JSON row. */
const npsFacts = (row: { nps_lower: number; nps_upper: number; n: number }) => [
  `95% interval ${signed(row.nps_lower)} to ${signed(row.nps_upper)}`,
  `n = ${row.n}`,
];

describe('the headline', () => {
  it('of report, segments, drivers: the NPS of every answer, as report computes it', async () => {
    const { summary } = await json(['report', FIXTURE]);
    for (const args of [
      ['report', FIXTURE],
      ['segments', FIXTURE, '--by', 'channel'],
      ['drivers', FIXTURE, '--categorical', 'channel,team'],
    ]) {
      const h = await headline(args);
      expect(h.label).toBe('NPS');
      expect(h.figure).toBe(signed(summary.nps));
      expect(h.details.slice(0, 2)).toEqual(npsFacts(summary));
    }
  });

  it('of agents and compare --by: the NPS of every answer, and how many stand out from the rest', async () => {
    const { summary } = await json(['report', FIXTURE]);
    const { groups } = await json(['compare', FIXTURE, '--by', 'channel']);
    const above = groups.filter((g: { significant: string }) => g.significant === 'above').length;
    const below = groups.filter((g: { significant: string }) => g.significant === 'below').length;
    const h = await headline(['compare', FIXTURE, '--by', 'channel']);
    expect(h.figure).toBe(signed(summary.nps));
    expect(h.details).toEqual([
      ...npsFacts(summary),
      `${groups.length} channels against the rest: ${above} above, ${below} below`,
    ]);
    const { standings } = await json(['agents', FIXTURE]);
    const ranked = standings.filter((s: { ranked: boolean }) => s.ranked);
    const agents = await headline(['agents', FIXTURE]);
    expect(agents.details.at(-1)).toBe(
      `${ranked.length} agents against the rest: ` +
        `${ranked.filter((s: { significant: string }) => s.significant === 'above').length} above, ` +
        `${ranked.filter((s: { significant: string }) => s.significant === 'below').length} below`,
    );
  });

  it('with --cluster: the interval over the clusters, as report --cluster gives it', async () => {
    const clustered = (await json(['report', FIXTURE, '--cluster', 'team'])).summary;
    const plain = (await json(['report', FIXTURE])).summary;
    expect(clustered.nps_upper - clustered.nps_lower).toBeGreaterThan(plain.nps_upper - plain.nps_lower + 10);
    for (const command of ['agents', 'segments', 'compare']) {
      const extra = command === 'agents' ? [] : ['--by', 'channel'];
      const h = await headline([command, FIXTURE, ...extra, '--cluster', 'team']);
      expect(h.details.slice(0, 2)).toEqual(npsFacts(clustered));
    }
  });

  it('of compare: the first group, and its difference from the second', async () => {
    const args = ['compare', FIXTURE, '--period', '2024-Q4', '--vs', '2024-Q3'];
    const [q4] = (await json(args)).groups;
    const h = await headline(args);
    expect(h.label).toBe('NPS, 2024-Q4');
    expect(h.figure).toBe(signed(q4.nps));
    expect(h.details).toEqual([...npsFacts(q4), `${signed(q4.difference)} against 2024-Q3 (within chance)`]);
  });

  it('of trend: the latest complete period, with or without --by, and the latest complete window', async () => {
    const month = ['trend', FIXTURE, '--period', 'month'];
    const latest = (await json(month)).periods.filter((p: { complete: boolean }) => p.complete).at(-1);
    const change = `${signed(latest.difference)} against 2024-11 (within chance)`;
    expect(await headline(month)).toEqual({
      label: `NPS, ${latest.period}`,
      figure: signed(latest.nps),
      details: [...npsFacts(latest), change],
    });
    // The series of every channel together is the trend without --by.
    expect(await headline([...month, '--by', 'channel'])).toEqual({
      label: `NPS, ${latest.period}, every channel`,
      figure: signed(latest.nps),
      details: [...npsFacts(latest), change],
    });
    const window = ['trend', FIXTURE, '--window', '90d'];
    const last = (await json(window)).windows.filter((w: { complete: boolean }) => w.complete).at(-1);
    expect(await headline(window)).toEqual({
      label: `NPS, the 90 days to ${last.window_end}`,
      figure: signed(last.nps),
      details: npsFacts(last),
    });
  });

  it('of summary: the NPS of every answer, and the latest complete period against the one before', async () => {
    const [q4] = (await json(['compare', FIXTURE, '--period', '2024-Q4', '--vs', '2024-Q3'])).groups;
    const { summary } = await json(['report', FIXTURE]);
    const h = await headline(['summary', FIXTURE]);
    expect(h.figure).toBe(signed(summary.nps));
    expect(h.details).toEqual([
      ...npsFacts(summary),
      `2024-Q4 against 2024-Q3: ${signed(q4.difference)} (within chance)`,
    ]);
  });

  it('of themes: the NPS of those with a comment, as report --where comment!= computes it', async () => {
    const commenters = (await json(['report', FIXTURE, '--where', 'comment!='])).summary;
    const h = await headline(['themes', FIXTURE]);
    expect(h.label).toBe('NPS of those with a comment');
    expect(h.figure).toBe(signed(commenters.nps));
    expect(h.details).toEqual([...npsFacts(commenters), `${commenters.n} of 600 responses have a comment`]);
  });

  it('of followup, comments, monitor and samplesize: the count each lists or asks for', async () => {
    const { responses } = await json(['followup', FIXTURE]);
    expect((await headline(['followup', FIXTURE])).figure).toBe(String(responses.length));
    const commenters = (await json(['report', FIXTURE, '--where', 'comment!='])).summary;
    expect(await headline(['comments', FIXTURE])).toEqual({
      label: 'Comments read',
      figure: String(commenters.n),
      details: [],
    });
    const monitor = MONITOR_SECOND_RUN;
    const { alerts } = await json(monitor);
    expect(alerts.length).toBeGreaterThan(0);
    expect(await headline(monitor)).toEqual({ label: 'New alerts', figure: String(alerts.length), details: [] });
    const needed = (await json(['samplesize', '--margin', '5'])).sample_size;
    const h = await headline(['samplesize', '--margin', '5']);
    expect(h.label).toBe('Responses needed');
    expect(h.figure).toBe(String(needed.responses));
  });
});
