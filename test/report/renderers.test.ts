import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderCsv, renderTsv } from '../../src/report/csv.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/model.js';
import type { RenderOptions } from '../../src/report/style.js';
import { renderTable } from '../../src/report/table.js';

/** The text formats' renderers, by name. */
const RENDER: Record<string, (report: Report, options: RenderOptions) => string> = {
  csv: renderCsv,
  tsv: renderTsv,
  table: renderTable,
  markdown: renderMarkdown,
  json: (r) => renderJson(r),
};
const render = (r: Report, format: string, options: RenderOptions) => RENDER[format](r, options);

// A report carrying hostile text from the data: escape sequences, a formula, a pipe.
const report: Report = {
  command: 'test',
  title: 'Agents \x1b[2J',
  tables: [
    {
      name: 'rows',
      columns: [
        { key: 'agent', label: 'Agent', kind: 'text' },
        { key: 'n', label: 'n', kind: 'count' },
        { key: 'nps', label: 'NPS', kind: 'nps' },
        { key: 'secret', label: 'Secret', kind: 'text', audience: 'machine' },
      ],
      rows: [
        { agent: '=cmd|" /C calc"!A0', n: 12, nps: 41.666, secret: 'x' },
        { agent: 'Ann \x1b[31mRed\x1b[0m | Co', n: 3, nps: -100, secret: 'y' },
      ],
    },
  ],
  notes: ['Rows: 15 read.'],
  meta: { tool: 'npskit' },
};
const options = { decimals: 1, excel: false, colorLevel: 0 } as const;

describe('renderers', () => {
  it('csv neutralizes formulas, drops escape sequences and keeps numbers numeric', () => {
    expect(render(report, 'csv', options)).toBe(
      `agent,n,nps,secret\n"'=cmd|"" /C calc""!A0",12,41.7,x\nAnn Red | Co,3,-100.0,y\n`,
    );
  });

  it('csv for Excel: BOM, semicolons, decimal commas, CRLF', () => {
    const lines = render(report, 'csv', { ...options, excel: true }).split('\r\n');
    expect(lines[0]).toBe('\ufeffagent;n;nps;secret');
    expect(lines[1]).toBe(`"'=cmd|"" /C calc""!A0";12;41,7;x`);
    expect(lines[3]).toBe('');
  });

  it('table output has no escape sequences from the data', () => {
    const text = render(report, 'table', options);
    expect(text).not.toContain('\x1b');
    expect(text).toContain('Ann Red | Co');
    expect(text).not.toContain('Secret');
  });

  it('markdown escapes pipes and aligns numbers right', () => {
    const text = render(report, 'markdown', options);
    expect(text).toContain('| Agent | n | NPS |\n| :-- | --: | --: |');
    expect(text).toContain('| Ann Red \\| Co | 3 | -100.0 |');
    expect(text).not.toContain('\x1b');
  });

  it('json keeps unrounded numbers, the data as it is, and meta last', () => {
    const doc = JSON.parse(render(report, 'json', options));
    expect(Object.keys(doc)).toEqual(['command', 'rows', 'notes', 'meta']);
    expect(doc.rows[0]).toEqual({ agent: '=cmd|" /C calc"!A0', n: 12, nps: 41.666, secret: 'x' });
  });
});

describe('delimited output keeps every record on its row', () => {
  const breaks = fc.string({
    unit: fc.constantFrom('a', ' ', '\n', '\r', '\r\n', '@', '=', ';', ',', '\t', '"'),
    maxLength: 12,
  });
  const variants = [
    ['csv', false, ','],
    ['csv', true, ';'],
    ['tsv', false, '\t'],
    ['tsv', true, '\t'],
  ] as const;

  it.each(variants)(
    '%s (excel: %s): a cell holding CR or LF is quoted, so a spreadsheet reads one row per record',
    (format, excel, delimiter) => {
      fc.assert(
        fc.property(fc.array(breaks, { minLength: 1, maxLength: 5 }), (comments) => {
          const table: Report = {
            command: 'test',
            title: 't',
            tables: [
              {
                name: 'rows',
                columns: [
                  { key: 'comment', label: 'Comment', kind: 'text' },
                  { key: 'n', label: 'n', kind: 'count' },
                ],
                rows: comments.map((comment, n) => ({ comment, n })),
              },
            ],
            notes: [],
            meta: {},
          };
          const text = render(table, format, { ...options, excel }).replace(/^\ufeff/, '');
          // As a spreadsheet would: any line ending outside quotes ends a record.
          const records = parse(text, { delimiter, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true });
          expect(records.length).toBe(comments.length + 1);
          expect(records.slice(1).map((record: string[]) => record[1])).toEqual(comments.map((_, n) => String(n)));
        }),
        { seed: 20261129, numRuns: 300 },
      );
    },
  );
});
