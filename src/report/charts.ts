import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { Chart, ReportTable, Row, Tone, ToneField } from './model.js';
import { visibleText } from './sanitize.js';

/*
 * Charts for the HTML page, drawn by Observable Plot on a small server-side DOM (linkedom): SVG
 * written into the page, no script. Colours are the Okabe-Ito pair blue/vermillion with grey,
 * which colour-blind readers tell apart and which differ in greyscale too.
 */

const TONES: Readonly<Record<Tone, string>> = { up: '#0072B2', down: '#D55E00', flat: '#8C8C8C' };
const INK = '#1b1b1f';
const MUTED = '#5c5f66';
/** Rows a forest plot or bar chart draws at most (per small multiple): the table beside it has them all. */
export const MAX_CHART_ROWS = 60;

/** One drawing: a small multiple has the heading of its facet. */
export interface ChartPart {
  readonly heading?: string;
  readonly svg: string;
}

type Extent = readonly [number, number];

/**
 * The chart of a table as SVG markup with its text alternative, one part per facet; none when it
 * has nothing to draw.
 */
export function chartSvg(table: ReportTable, given: readonly Row[], chart: Chart, givenTitle: string): ChartPart[] {
  // Labels are SVG text: a bidi override in an agent's name would reorder it there as anywhere.
  const rows = given.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [key, typeof value === 'string' ? visibleText(value) : value]),
    ),
  );
  const title = visibleText(givenTitle);
  const facets = chart.facet ? facetsOf(rows, chart.facet) : [{ name: undefined, rows }];
  const extent = extentOf(rows, chart);
  if (!extent) return [];
  // Small multiples are drawn narrow, so that their text keeps its size side by side.
  const width = chart.facet ? 320 : 640;
  const parts: ChartPart[] = [];
  for (const { name, rows: part } of facets) {
    const svg = draw(table, part, chart, name === undefined ? title : `${title} ${name}`, extent, width);
    if (svg) parts.push({ heading: name, svg });
  }
  return parts;
}

function draw(
  table: ReportTable,
  rows: readonly Row[],
  chart: Chart,
  title: string,
  extent: Extent,
  width: number,
): string {
  const { document } = parseHTML('<!DOCTYPE html><html><body></body></html>');
  const common = {
    document,
    width,
    ariaLabel: title,
    style: { fontSize: `${FONT_PX}px`, color: INK, background: 'white' },
  };
  const label = (key: string) => columnLabel(table, key);
  if (chart.kind === 'bars') {
    const data = rows
      .slice(0, chart.horizontal ? MAX_CHART_ROWS : undefined)
      .map((row, order) => ({
        x: String(row[chart.x] ?? '') || '(blank)',
        key: `${row[chart.x] ?? ''}\u2063${order}`,
        y: num(row, chart.y),
        fill: TONES[toneOf(row, chart.tone)],
      }))
      .filter((d) => Number.isFinite(d.y));
    if (data.length === 0) return '';
    const description =
      `${label(chart.y)} by ${label(chart.x)}: ` + `${data.map((d) => `${d.x}: ${round(d.y)}`).join(', ')}.`;
    if (chart.horizontal) {
      return titled(
        Plot.plot({
          ...common,
          ariaDescription: description,
          height: 46 + 18 * data.length,
          marginLeft: width < 640 ? 130 : 150,
          marginBottom: 40,
          x: { domain: [...extent], label: label(chart.y), labelAnchor: 'center', grid: true },
          y: { domain: data.map((d) => d.key), label: null, tickFormat: beforeKey },
          marks: [Plot.barX(data, { x: 'y', y: 'key', fill: 'fill' }), Plot.ruleX([0], { stroke: INK })],
        }),
      );
    }
    return titled(
      Plot.plot({
        ...common,
        ariaDescription: description,
        height: 220,
        marginLeft: 48,
        // Room below the ticks for the centred axis label, which would otherwise sit on the middle one.
        marginBottom: 40,
        x: { label: label(chart.x), labelAnchor: 'center', domain: data.map((d) => d.x) },
        y: { label: label(chart.y), grid: true, domain: [...extent] },
        marks: [Plot.barY(data, { x: 'x', y: 'y', fill: 'fill' }), Plot.ruleY([0])],
      }),
    );
  }
  if (chart.kind === 'intervals') {
    const data = rows
      .slice(0, MAX_CHART_ROWS)
      .map((row, order) => ({
        label: chart.label ? String(row[chart.label] ?? '') || '(blank)' : '',
        key: `${chart.label ? (row[chart.label] ?? '') : ''}\u2063${order}`,
        value: num(row, chart.value),
        low: num(row, chart.low),
        high: num(row, chart.high),
        marker: chart.marker ? num(row, chart.marker) : NaN,
        fill: chart.faded ? TONES.flat : TONES[toneOf(row, chart.tone)],
      }))
      .filter((d) => Number.isFinite(d.value));
    if (data.length === 0) return '';
    const opacity = chart.faded ? 0.5 : 1;
    const rings = data.filter((d) => Number.isFinite(d.marker));
    return titled(
      Plot.plot({
        ...common,
        ariaDescription:
          `Each row's ${label(chart.value)} as a point, with its interval as a line` +
          `${chart.reference !== undefined ? `; the dashed line is ${chart.reference.toFixed(1)}` : ''}` +
          `${rings.length > 0 ? `; the ring is ${label(chart.marker!)}` : ''}: ` +
          `${data
            .map(
              (d) =>
                `${d.label ? `${d.label} ` : ''}${round(d.value)} (${round(d.low)} to ${round(d.high)})` +
                `${Number.isFinite(d.marker) ? `, ${round(d.marker)}` : ''}`,
            )
            .join('; ')}.`,
        height: 50 + 22 * data.length,
        marginLeft: chart.label ? 150 : 20,
        marginBottom: 40,
        x: { domain: [...extent], label: label(chart.value), labelAnchor: 'center', grid: true },
        y: { domain: data.map((d) => d.key), label: null, tickFormat: beforeKey, axis: chart.label ? 'left' : null },
        marks: [
          ...(chart.reference !== undefined
            ? [Plot.ruleX([chart.reference], { stroke: INK, strokeDasharray: '4,3' })]
            : []),
          Plot.link(data, {
            x1: 'low',
            x2: 'high',
            y1: 'key',
            y2: 'key',
            stroke: 'fill',
            strokeWidth: 2,
            strokeOpacity: opacity,
          }),
          Plot.dot(data, { x: 'value', y: 'key', fill: 'fill', r: 4, fillOpacity: opacity }),
          ...(rings.length > 0
            ? [Plot.dot(rings, { x: 'marker', y: 'key', stroke: INK, r: 6, strokeWidth: 1.5 })]
            : []),
        ],
      }),
    );
  }
  if (chart.kind === 'control') {
    const data = rows
      .map((row) => ({
        x: String(row[chart.x] ?? ''),
        value: num(row, chart.value),
        limit: num(row, chart.limit),
        out: row[chart.out] === true,
      }))
      .filter((d) => Number.isFinite(d.value));
    if (data.length === 0) return '';
    const out = data.filter((d) => d.out);
    const ticks = thinnedTicks(
      data.map((d) => d.x),
      width - 56 - 20,
    );
    return titled(
      Plot.plot({
        ...common,
        ariaDescription:
          `${label(chart.value)} by ${label(chart.x)}, with its limit as a dashed line: ` +
          `${data.map((d) => `${d.x} ${round(d.value)} (limit ${round(d.limit)}${d.out ? ', out' : ''})`).join('; ')}.`,
        height: 220,
        marginBottom: 40,
        marginLeft: 56,
        x: { type: 'point', domain: data.map((d) => d.x), label: label(chart.x), labelAnchor: 'center', ticks },
        y: { label: label(chart.value), grid: true, domain: [...extent] },
        marks: [
          Plot.lineY(data, { x: 'x', y: 'limit', stroke: TONES.down, strokeDasharray: '4,3' }),
          Plot.lineY(data, { x: 'x', y: 'value', stroke: TONES.up, strokeWidth: 2 }),
          Plot.dot(out, { x: 'x', y: 'value', stroke: TONES.down, r: 5, strokeWidth: 2 }),
        ],
      }),
    );
  }
  const data = rows
    .map((row) => ({
      x: String(row[chart.x] ?? ''),
      value: num(row, chart.value),
      low: num(row, chart.low),
      high: num(row, chart.high),
      n: chart.n ? num(row, chart.n) : NaN,
      tone: toneOf(row, chart.tone),
    }))
    .filter((d) => Number.isFinite(d.value));
  if (data.length === 0) return '';
  const domain = data.map((d) => d.x);
  const ticks = thinnedTicks(domain, width - 48 - 20 - 2 * 24);
  const crowded = ticks.length < domain.length;
  const changes = data.filter((d) => d.tone !== 'flat');
  const counted = data.filter((d) => Number.isFinite(d.n) && Number.isFinite(d.low));
  return titled(
    Plot.plot({
      ...common,
      ariaDescription:
        `${label(chart.value)} by ${label(chart.x)}, with its interval as a band: ` +
        `${data
          .map(
            (d) =>
              `${d.x} ${round(d.value)} (${round(d.low)} to ${round(d.high)}` +
              `${Number.isFinite(d.n) ? `, n = ${d.n}` : ''})`,
          )
          .join('; ')}.`,
      height: 260,
      marginBottom: 40,
      x: { type: 'point', domain, ticks, label: label(chart.x), labelAnchor: 'center', inset: 24 },
      y: { label: label(chart.value), grid: true, domain: [...extent] },
      marks: [
        Plot.areaY(data, { x: 'x', y1: 'low', y2: 'high', fill: TONES.up, fillOpacity: 0.15 }),
        Plot.lineY(data, { x: 'x', y: 'value', stroke: TONES.up, strokeWidth: 2 }),
        Plot.dot(data, { x: 'x', y: 'value', fill: TONES.up, r: 3 }),
        // At the point each change describes: ▲ just above it, ▼ just below.
        ...(['up', 'down'] as const).map((tone) =>
          Plot.text(
            changes.filter((d) => d.tone === tone),
            {
              x: 'x',
              y: 'value',
              text: () => (tone === 'up' ? '▲' : '▼'),
              fill: TONES[tone],
              dy: tone === 'up' ? -11 : 11,
              fontSize: 13,
            },
          ),
        ),
        Plot.text(counted, {
          x: 'x',
          y: 'low',
          text: (d: { n: number }) => `n=${d.n}`,
          dy: 11,
          fill: MUTED,
          fontSize: crowded ? 9 : 11,
        }),
      ],
    }),
  );
}

/** The charts' text size in pixels. */
const FONT_PX = 12;

/**
 * The labels of a point axis that fit side by side, counted back from the last (the latest period
 * is always labelled): every k-th, k the fewest that keeps a label's width apart.
 */
function thinnedTicks(domain: readonly string[], plotWidth: number): string[] {
  if (domain.length < 2) return [...domain];
  const longest = domain.reduce((most, d) => Math.max(most, d.length), 0);
  // Digits and capitals of the system font are about 0.65 em wide; 8 px keep labels apart.
  const labelWidth = 0.65 * FONT_PX * longest + 8;
  const spacing = plotWidth / (domain.length - 1);
  const every = Math.max(1, Math.ceil(labelWidth / spacing));
  return domain.filter((_, i) => (domain.length - 1 - i) % every === 0);
}

/**
 * The SVG's markup with its title and description as its first children: what screen readers and
 * a hover show, beside the aria attributes Plot writes.
 */
function titled(svg: ReturnType<typeof Plot.plot>): string {
  const document = svg.ownerDocument;
  const description = svg.getAttribute('aria-description');
  svg.removeAttribute('aria-description');
  for (const [tag, text] of [
    ['desc', description],
    ['title', svg.getAttribute('aria-label')],
  ] as const) {
    if (!text) continue;
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    node.textContent = text;
    svg.insertBefore(node, svg.firstChild);
  }
  return svg.outerHTML;
}

/** One value scale for every small multiple: the chart's domain, else the data's with the reference, padded. */
function extentOf(rows: readonly Row[], chart: Chart): Extent | undefined {
  if (chart.kind === 'intervals' && chart.domain) return chart.domain;
  const values = rows
    .flatMap((row) =>
      chart.kind === 'bars'
        ? [num(row, chart.y), 0]
        : chart.kind === 'control'
          ? [num(row, chart.value), num(row, chart.limit)]
          : [
              num(row, chart.value),
              num(row, chart.low),
              num(row, chart.high),
              ...(chart.kind === 'intervals' && chart.marker ? [num(row, chart.marker)] : []),
            ],
    )
    .filter(Number.isFinite);
  if (chart.kind === 'intervals' && chart.reference !== undefined) values.push(chart.reference);
  // A forest plot fitted to its intervals keeps 0 in view: which side of it a group lies on is the news.
  if (chart.kind === 'intervals') values.push(0);
  if (values.length === 0) return undefined;
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  if (chart.kind === 'bars' && !chart.horizontal) return [low, high === low ? low + 1 : high];
  const pad = Math.max((high - low) * 0.05, 1);
  // A line chart writes n under its lowest band: room for it below.
  return [low - (chart.kind === 'line' && chart.n ? 3 * pad : pad), high + pad];
}

function facetsOf(rows: readonly Row[], field: string): { name: string; rows: Row[] }[] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const name = String(row[field] ?? '') || '(blank)';
    const list = groups.get(name);
    if (list) list.push(row);
    else groups.set(name, [row]);
  }
  return [...groups].map(([name, list]) => ({ name, rows: list }));
}

const toneOf = (row: Row, tone: ToneField | undefined): Tone => {
  const value = tone ? row[tone.field] : null;
  if (value === null || value === undefined || value === '') return 'flat';
  return value === tone?.up ? 'up' : value === tone?.down ? 'down' : 'flat';
};
const num = (row: Row, field: string): number => {
  const value = row[field];
  return typeof value === 'number' && Number.isFinite(value) ? value : NaN;
};
const round = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));
/** Row keys are the label, an invisible separator and the row's place, so equal labels stay apart. */
const beforeKey = (key: string): string => key.slice(0, key.indexOf('\u2063'));
const columnLabel = (table: ReportTable, key: string): string => table.columns.find((c) => c.key === key)?.label || key;
