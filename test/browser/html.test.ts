import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD_TIMEOUT_MS, spawnChild } from '../helpers/child.js';
import { MONITOR_SECOND_RUN } from '../helpers/commands.js';

/*
 * The HTML pages in a real browser (Debian's Chromium, driven by playwright-core): they load
 * nothing from anywhere, log no error, and their charts draw what the tables say. A screenshot of
 * each page is left in test/output/browser for a reviewer.
 */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test/output/browser');
const FIXTURE = 'fixtures/contact-centre.csv';
const PAGES = {
  report: ['report', FIXTURE],
  trend: ['trend', FIXTURE],
  agents: ['agents', FIXTURE],
  summary: ['summary', FIXTURE],
  monitor: MONITOR_SECOND_RUN,
} as const;
type PageName = keyof typeof PAGES;

/** Runs the built CLI as a user would; returns stdout. */
function nps(args: readonly string[]): string {
  const result = spawnChild(process.execPath, [join(ROOT, 'bin/nps.js'), ...args], { cwd: ROOT });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

interface Visit {
  readonly page: Page;
  /** Every request the page made beyond its own file. */
  readonly requests: string[];
  readonly errors: string[];
}

let browser: Browser;
const visits = new Map<PageName, Visit>();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (as root), or run npm test as root, which installs it`,
    );
  }
  mkdirSync(OUT, { recursive: true });
  // Playwright's own limits (3 min to launch, 30 s to load or screenshot a page) become the bound
  // for a hung child: a loaded machine may be slow at either, and that is no failure.
  browser = await chromium.launch({
    timeout: CHILD_TIMEOUT_MS,
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  for (const [name, args] of Object.entries(PAGES) as [PageName, readonly string[]][]) {
    const file = join(OUT, `${name}.html`);
    nps([...args, '-o', file]);
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    page.setDefaultTimeout(CHILD_TIMEOUT_MS);
    const own = pathToFileURL(file).href;
    const requests: string[] = [];
    const errors: string[] = [];
    // Anything but the page itself is recorded and refused, so a fetch would fail the test, not hang it.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === own) return route.continue();
      requests.push(url);
      return route.abort();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(own, { waitUntil: 'load' });
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    // The README's picture: the first screen of the summary (test/browser/summary.png is a copy).
    if (name === 'summary')
      await page.screenshot({
        path: join(OUT, 'summary-first-screen.png'),
        fullPage: true,
        clip: { x: 0, y: 0, width: 800, height: 1400 },
      });
    visits.set(name, { page, requests, errors });
  }
});

afterAll(async () => {
  await browser?.close();
});

describe.each(Object.keys(PAGES) as PageName[])('the %s page in Chromium', (name) => {
  it('requests nothing beyond itself and logs no error', () => {
    const visit = visits.get(name)!;
    expect(visit.requests).toEqual([]);
    expect(visit.errors).toEqual([]);
  });

  it('has a chart in every figure, each with a title and a description', async () => {
    const charts = await visits.get(name)!.page.$$eval('figure svg', (svgs) =>
      svgs.map((svg) => ({
        title: svg.querySelector(':scope > title')?.textContent ?? '',
        desc: svg.querySelector(':scope > desc')?.textContent ?? '',
        width: svg.getBoundingClientRect().width,
        marks: svg.querySelectorAll('circle, rect, path').length,
      })),
    );
    expect(charts.length).toBeGreaterThan(0);
    for (const chart of charts) {
      expect(chart.title).not.toBe('');
      expect(chart.desc).not.toBe('');
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.marks).toBeGreaterThan(0);
    }
  });
});

describe('the charts say what the tables say', () => {
  it('report: one bar per score, and the NPS point at +27.0 on an axis with 0 in view', async () => {
    const page = visits.get('report')!.page;
    const titles = await page.$$eval('figure svg > title', (nodes) => nodes.map((n) => n.textContent));
    expect(titles).toEqual([
      'NPS with its interval; the dashed line is 0.0; axis fitted to the intervals and 0.',
      'Count by Score.',
    ]);
    expect(await page.locator('figure').nth(1).locator('g[aria-label="bar"] rect').count()).toBe(11);
    const [point] = await dotPositions(page, 0);
    expect(point.value).toBeCloseTo(27, 0);
  });

  it('trend: a point per quarter with the band around them', async () => {
    const page = visits.get('trend')!.page;
    const periods = JSON.parse(nps(['trend', FIXTURE, '--format', 'json'])).periods as { nps: number }[];
    const chart = page.locator('figure svg').first();
    expect(await chart.locator('g[aria-label="dot"] circle').count()).toBe(periods.length);
    expect(await chart.locator('g[aria-label="area"] path').count()).toBe(1);
  });

  it('agents: the forest plot has one point per ranked agent, in rank order, at its NPS', async () => {
    const page = visits.get('agents')!.page;
    const standings = JSON.parse(nps(['agents', FIXTURE, '--format', 'json'])).standings as {
      name: string;
      nps: number;
      ranked: boolean;
    }[];
    const ranked = standings.filter((s) => s.ranked);
    expect(ranked.length).toBeGreaterThan(1);
    const points = await dotPositions(page, 0);
    expect(points.map((p) => p.label)).toEqual(ranked.map((s) => s.name));
    // The axis is fitted to the intervals, 0 kept in view, not the whole -100..+100.
    const ticks = await page
      .locator('figure svg')
      .first()
      .locator('g[aria-label="x-axis tick label"] text')
      .allTextContents();
    const values = ticks.map((t) => Number(t.replace('−', '-')));
    expect(Math.min(...values)).toBeLessThanOrEqual(0);
    expect(Math.max(...values) - Math.min(...values)).toBeLessThan(200);
    points.forEach((p, i) => {
      expect(Math.abs(p.value - ranked[i].nps), `${p.label}`).toBeLessThan(0.5);
    });
    // The agents under --min-n are drawn apart, in a faded chart of their own.
    const faded = await dotPositions(page, 1);
    expect(faded.length).toBe(standings.length - ranked.length);
  });

  it('summary: every section has its chart, and the page is small enough to mail', async () => {
    const page = visits.get('summary')!.page;
    const titles = await page.$$eval('figure svg > title', (nodes) => nodes.map((n) => n.textContent ?? ''));
    expect(titles.map((t) => t.split(':')[0])).toEqual([
      'NPS with its interval; the dashed line is 0.0; axis fitted to the intervals and 0.',
      'NPS by quarter',
      'NPS by agent',
      'NPS by channel',
      'NPS by team',
      'Top themes in comments',
    ]);
    expect(statSync(join(OUT, 'summary.html')).size).toBeLessThanOrEqual(300 * 1024);
  });

  it('summary: prints on at most two A4 pages', async () => {
    const page = visits.get('summary')!.page;
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ format: 'A4', path: join(OUT, 'summary.pdf') });
    await page.emulateMedia({ media: 'screen' });
    // Each page of the PDF is one object of type /Page (the page tree is /Pages).
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBeGreaterThan(0);
    expect(pages.length).toBeLessThanOrEqual(2);
  });
});

describe('the monitor page', () => {
  it('has a control chart per chart and scope, and rings the days out of their limit as JSON lists them', async () => {
    const page = visits.get('monitor')!.page;
    const titles = await page.$$eval('figure svg > title', (nodes) => nodes.map((n) => n.textContent ?? ''));
    const scopes = ['overall', 'channel: chat', 'channel: email', 'channel: phone'];
    const charts = ['Detractor share, EWMA (%)', 'NPS, EWMA', 'Detractors, CUSUM (nats)'];
    expect(titles).toEqual(
      charts.flatMap((chart) =>
        scopes.map(
          (scope) =>
            `${chart}: ${chart} by Day; the dashed line is its limit, and points beyond it are ringed, ` +
            `one chart per Scope on a shared scale. ${scope}`,
        ),
      ),
    );
    const ringed = await page.$$eval('figure svg', (svgs) =>
      svgs.map((svg) => svg.querySelectorAll('g[aria-label="dot"] circle').length),
    );
    const run = JSON.parse(nps([...PAGES.monitor, '--format', 'json']));
    type Day = { scope: string; out: boolean };
    const out = ['detractors_chart', 'nps_chart', 'cusum_chart'].flatMap((table) =>
      scopes.map((scope) => (run[table] as Day[]).filter((d) => d.scope === scope && d.out).length),
    );
    expect(ringed).toEqual(out);
    // The alert of that run: chat's NPS fell below its limit on 5 October.
    expect(out[scopes.length + 1]).toBeGreaterThan(0);
    const desc = await page
      .locator('figure svg')
      .nth(scopes.length + 1)
      .locator(':scope > desc')
      .textContent();
    expect(desc).toMatch(/2026-10-05 [\d.]+ \(limit [\d.]+, out\)/);
  });
});

/**
 * The points of the n-th chart on the page as values, read back through its x axis: the tick
 * labels and their positions give the scale, each circle's centre its value, and the y axis its label.
 */
async function dotPositions(page: Page, chartIndex: number): Promise<{ label: string; value: number }[]> {
  return page
    .locator('figure svg')
    .nth(chartIndex)
    .evaluate((svg) => {
      const position = (node: { getAttribute(name: string): string | null }) => {
        const match = /translate\(([-\d.]+),([-\d.]+)\)/.exec(node.getAttribute('transform') ?? '');
        return match ? { x: Number(match[1]), y: Number(match[2]) } : { x: NaN, y: NaN };
      };
      const ticks = [...svg.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => ({
        value: Number((t.textContent ?? '').replace('−', '-')),
        x: position(t).x,
      }));
      const [a, b] = [ticks[0], ticks.at(-1)!];
      const toValue = (x: number) => a.value + ((x - a.x) * (b.value - a.value)) / (b.x - a.x);
      const labels = [...svg.querySelectorAll('g[aria-label="y-axis tick label"] text')].map((t) => ({
        label: t.textContent ?? '',
        y: position(t).y,
      }));
      // The point marks are the filled dots; rings (shrunk values) are unfilled.
      const dots = [...svg.querySelectorAll('g[aria-label="dot"] circle')].filter(
        (c) => c.getAttribute('fill') !== 'none' && c.closest('g')?.getAttribute('fill') !== 'none',
      );
      return dots.map((dot) => {
        const x = Number(dot.getAttribute('cx'));
        const y = Number(dot.getAttribute('cy'));
        const nearest = labels.reduce(
          (best, l) => (Math.abs(l.y - y) < Math.abs(best.y - y) ? l : best),
          labels[0] ?? { label: '', y },
        );
        return { label: nearest.label, value: toValue(x) };
      });
    });
}

describe('the trend page marks', () => {
  it('each significant change at its point: ▼ just below the week that fell', async () => {
    const file = join(OUT, 'trend-weekly-drop.html');
    nps(['trend', 'fixtures/weekly-drop.csv', '--period', 'week', '--as-of', '2024-11-25', '-o', file]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(CHILD_TIMEOUT_MS);
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const marks = await page.$eval('figure svg', (svg) => {
      const centre = (e: typeof svg) => {
        const box = e.getBoundingClientRect();
        return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
      };
      const dots = [...svg.querySelectorAll('g[aria-label="dot"] circle')].map(centre);
      return [...svg.querySelectorAll('g[aria-label="text"] text')]
        .filter((t) => t.textContent === '▲' || t.textContent === '▼')
        .map((t) => {
          const at = centre(t);
          const dot = dots.reduce((best, d) => (Math.abs(d.x - at.x) < Math.abs(best.x - at.x) ? d : best));
          return { mark: t.textContent, dx: at.x - dot.x, dy: at.y - dot.y };
        });
    });
    await page.close();
    expect(marks.length).toBe(1);
    expect(marks[0].mark).toBe('▼');
    expect(Math.abs(marks[0].dx)).toBeLessThan(2);
    expect(marks[0].dy).toBeGreaterThan(0);
    expect(marks[0].dy).toBeLessThan(18);
  });
});

describe('small multiples', () => {
  it("share one scale: every channel's chart has the same NPS ticks at the same heights", async () => {
    const file = join(OUT, 'trend-by-channel-scales.html');
    nps(['trend', FIXTURE, '--by', 'channel', '-o', file]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(CHILD_TIMEOUT_MS);
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const scales = await page.$eval('html', (root) =>
      [...root.ownerDocument.querySelectorAll('.facet svg')].map((svg) => {
        const top = svg.getBoundingClientRect().top;
        return [...svg.querySelectorAll('g[aria-label="y-axis tick label"] text')].map(
          (t) => `${t.textContent} at ${Math.round(t.getBoundingClientRect().top - top)}`,
        );
      }),
    );
    await page.close();
    expect(scales.length).toBe(4);
    expect(scales[0].length).toBeGreaterThan(2);
    for (const scale of scales) expect(scale).toEqual(scales[0]);
  });
});

/** Pages as a manager opens them, on a phone and a laptop. */
const LAYOUTS = {
  report: ['report', FIXTURE],
  'trend by month': ['trend', FIXTURE, '--period', 'month'],
  'trend by channel': ['trend', FIXTURE, '--by', 'channel', '--period', 'month'],
  agents: ['agents', FIXTURE],
  'agents within teams': ['agents', FIXTURE, '--team', '--cluster', 'channel'],
  segments: ['segments', FIXTURE, '--by', 'channel,team'],
  compare: ['compare', FIXTURE, '--by', 'channel'],
  themes: ['themes', FIXTURE],
  summary: ['summary', FIXTURE],
} as const;

describe.each([390, 1280])('at %i px wide', (width) => {
  it.each(Object.entries(LAYOUTS))(
    '%s: nothing wider than the screen outside a table box, no label on another, the headline first',
    async (name, args) => {
      const file = join(OUT, `layout-${name.replaceAll(' ', '-')}-${width}.html`);
      nps([...args, '-o', file]);
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      page.setDefaultTimeout(CHILD_TIMEOUT_MS);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.screenshot({ path: file.replace(/\.html$/, '.png'), fullPage: true });
      const layout = await page.$eval('html', (root) => {
        const document = root.ownerDocument;
        const innerWidth = document.defaultView?.innerWidth ?? 0;
        const overflowing = [...document.querySelectorAll('body *')]
          .filter((element) => !element.closest('.scroll'))
          .filter((element) => element.getBoundingClientRect().right > innerWidth + 1)
          .map((element) => `${element.tagName.toLowerCase()}.${element.className}`);
        const overlaps: string[] = [];
        const texts = (svg: typeof root, selector: string) =>
          [...svg.querySelectorAll(`${selector} text`)].map((t) => ({
            text: t.textContent ?? '',
            box: t.getBoundingClientRect(),
          }));
        type Box = { left: number; right: number; top: number; bottom: number };
        const apart = (a: Box, b: Box) =>
          a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        for (const svg of document.querySelectorAll('figure svg')) {
          // Neighbouring tick labels of one axis, and an axis label against every tick label.
          for (const axis of svg.querySelectorAll('g[aria-label$="tick label"]')) {
            const boxes = texts(axis, ':scope >');
            for (let i = 1; i < boxes.length; i++)
              if (!apart(boxes[i - 1].box, boxes[i].box)) overlaps.push(`${boxes[i - 1].text} / ${boxes[i].text}`);
          }
          const ticks = texts(svg, 'g[aria-label$="tick label"]');
          for (const label of texts(svg, 'g[aria-label$="axis label"]'))
            for (const tick of ticks) if (!apart(label.box, tick.box)) overlaps.push(`${label.text} / ${tick.text}`);
        }
        // Tables wider than their box, whose last columns are out of sight until scrolled.
        const clipped = [...document.querySelectorAll('.scroll')]
          .filter((box) => box.scrollWidth > box.clientWidth + 1)
          .map((box) => box.closest('section')?.querySelector('h2')?.textContent ?? '(untitled)');
        const figure = document.querySelector('.headline .figure')?.getBoundingClientRect();
        const headline = figure && { top: figure.top, bottom: figure.bottom };
        return { overflowing, overlaps, clipped, scrollWidth: root.scrollWidth, headline };
      });
      await page.close();
      expect(layout.overflowing).toEqual([]);
      expect(layout.scrollWidth).toBeLessThanOrEqual(width);
      expect(layout.overlaps).toEqual([]);
      // On a laptop every column is in sight; a phone scrolls wide tables inside their box.
      if (width >= 1280) expect(layout.clipped).toEqual([]);
      // The figure that answers the page's question is on the first screen.
      expect(layout.headline).toBeDefined();
      expect(layout.headline!.top).toBeGreaterThanOrEqual(0);
      expect(layout.headline!.bottom).toBeLessThanOrEqual(900);
    },
  );
});
