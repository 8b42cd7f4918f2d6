import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import readXlsxFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';
import { figures } from '../helpers/figures.js';
import { workbookFromCsv } from '../helpers/workbook.js';

/*
 * Excel workbooks in and out. In: a workbook saved from a fixture gives the same figures as the
 * fixture. Out: every table as a typed sheet, the accounting and the meta, text never a formula.
 */

const temp = mkdtempSync(join(tmpdir(), 'nps-xlsx-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const path = (name: string) => join(temp, name);

async function nps(...args: string[]) {
  const io = fakeIo();
  const exit = await main(args, io);
  return { exit, stdout: io.out(), stderr: io.err() };
}

/** The figures of a JSON report: its tables, without the meta that names the input. */
beforeAll(async () => {
  writeFileSync(path('contact-centre.xlsx'), await workbookFromCsv('fixtures/contact-centre.csv'));
  writeFileSync(
    path('second-sheet.xlsx'),
    await workbookFromCsv('fixtures/contact-centre.csv', { sheet: 'Svar', before: ['Read me'] }),
  );
  writeFileSync(path('qualtrics.xlsx'), await workbookFromCsv('fixtures/vendors/qualtrics.csv'));
});

describe('an .xlsx export in', () => {
  it.each([['report'], ['trend'], ['agents', '--min-n', '20'], ['segments', '--by', 'channel'], ['summary']])(
    '%s gives the figures of the CSV it was saved from',
    async (command, ...rest) => {
      const fromCsv = await figures(command, 'fixtures/contact-centre.csv', ...rest);
      const fromXlsx = await figures(command, path('contact-centre.xlsx'), ...rest);
      expect(fromXlsx.tables).toEqual(fromCsv.tables);
      expect(fromXlsx.meta.rows).toEqual(fromCsv.meta.rows);
    },
  );

  it('reads the sheet --sheet names, by name or number; the first by default', async () => {
    const fromCsv = await figures('report', 'fixtures/contact-centre.csv');
    expect((await figures('report', path('second-sheet.xlsx'), '--sheet', 'Svar')).tables).toEqual(fromCsv.tables);
    expect((await figures('report', path('second-sheet.xlsx'), '--sheet', '2')).tables).toEqual(fromCsv.tables);
    const first = await nps('report', path('second-sheet.xlsx'));
    expect(first.exit).toBe(4);
    expect(first.stderr).toMatch(
      /^nps: note: .*second-sheet\.xlsx has 2 sheets: reading the first, "Read me" \(choose another with --sheet\)\nnps: no responses in /,
    );
  });

  it('names the sheets when --sheet names none, and refuses --sheet on a CSV', async () => {
    const missing = await nps('report', path('second-sheet.xlsx'), '--sheet', 'Answers');
    expect(missing.exit).toBe(2);
    expect(missing.stderr).toBe(
      `nps: --sheet Answers: ${path('second-sheet.xlsx')} has no such sheet\nhint: its sheets: "Read me", "Svar" (or give a number from 1 to 2)\n`,
    );
    const csv = await nps('report', 'fixtures/basic.csv', '--sheet', '1');
    expect(csv.exit).toBe(2);
    expect(csv.stderr).toMatch(/^nps: --sheet reads Excel workbooks: fixtures\/basic.csv is not one/);
  });

  it('reads a Qualtrics-layout workbook like its CSV twin (three header rows, unfinished responses, its time zone)', async () => {
    const fromCsv = await figures('report', 'fixtures/vendors/qualtrics.csv');
    const fromXlsx = await figures('report', path('qualtrics.xlsx'));
    expect(fromXlsx.tables).toEqual(fromCsv.tables);
    expect(fromXlsx.meta.rows).toEqual(fromCsv.meta.rows);
  });

  it('says which sheet it read, in nps columns and in the meta', async () => {
    const columns = await nps('columns', path('second-sheet.xlsx'), '--sheet', 'Svar');
    expect(columns.stdout).toContain('Encoding       xlsx, sheet "Svar"');
    const run = await nps('report', path('contact-centre.xlsx'), '--format', 'json');
    expect(JSON.parse(run.stdout).meta.inputs[0].encoding).toBe('xlsx, sheet "Responses"');
  });

  it('refuses a file that is a zip but no workbook, and a workbook on standard input, with a way out', async () => {
    writeFileSync(path('not-a-workbook.xlsx'), Buffer.from('PK\u0003\u0004 this is not a zip archive at all'));
    const broken = await nps('report', path('not-a-workbook.xlsx'));
    expect(broken.exit).toBe(3);
    expect(broken.stderr).toMatch(
      /^nps: cannot read .*not-a-workbook\.xlsx as an Excel workbook: .*\nhint: check that it is an \.xlsx file/,
    );
    const io = fakeIo({ stdin: readFileSync(path('contact-centre.xlsx')) });
    expect(await main(['report', '-'], io)).toBe(3);
    expect(io.err()).toMatch(/^nps: stdin is a zip file \(an Excel workbook\?\) on standard input/);
  });
});

describe('--format xlsx and -o FILE.xlsx', () => {
  it('writes each table as a sheet of typed numbers, with the accounting and the meta', async () => {
    const run = await nps('report', 'fixtures/contact-centre.csv', '-o', path('report.xlsx'));
    expect(run.exit, run.stderr).toBe(0);
    const sheets = await readXlsxFile(path('report.xlsx'));
    expect(sheets.map((s) => s.sheet)).toEqual(['summary', 'Rows', 'About']);
    const [header, values] = sheets[0].data;
    const summary = Object.fromEntries(header.map((key, i) => [key, values[i]]));
    expect(summary.n).toBe(600);
    expect(summary.nps).toBe(27);
    expect(summary.nps_lower).toBeCloseTo(20.5066, 3);
    // Percentages are fractions with a percent format, so Excel computes with them.
    expect(summary.promoters_pct).toBeCloseTo(0.48833, 4);
    expect(sheets[1].data).toContainEqual(['read', 604]);
    expect(sheets[1].data).toContainEqual(['excluded: missing score', 4]);
    expect(sheets[2].data).toContainEqual(['command', 'report']);
  });

  it('gives the same bytes for the same report', async () => {
    await nps('agents', 'fixtures/contact-centre.csv', '-o', path('a.xlsx'));
    const first = readFileSync(path('a.xlsx'));
    // Past the zip format's 2-second time resolution, so that an entry dated by the clock would differ.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await nps('agents', 'fixtures/contact-centre.csv', '-o', path('a.xlsx'));
    expect(readFileSync(path('a.xlsx')).equals(first)).toBe(true);
  });

  it('writes formula-like text as text, never as a formula', async () => {
    const run = await nps(
      'followup',
      'fixtures/hostile.csv',
      '--category',
      'promoter',
      '--format',
      'xlsx',
      '-o',
      path('hostile.xlsx'),
    );
    expect(run.exit, run.stderr).toBe(0);
    const [list] = await readXlsxFile(path('hostile.xlsx'));
    const cells = list.data.flat();
    expect(cells).toContain('=HYPERLINK("http://evil.example","click")');
    // Terminal escapes and control characters are dropped: XML cannot hold them, Excel would call the file corrupt.
    expect(cells.filter((c) => typeof c === 'string' && /[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(c))).toEqual([]);
    // No cell of any sheet holds a formula element.
    const { unzipSync, strFromU8 } = await import('fflate');
    const files = unzipSync(readFileSync(path('hostile.xlsx')));
    for (const [name, bytes] of Object.entries(files))
      if (name.startsWith('xl/worksheets/')) expect(strFromU8(bytes)).not.toMatch(/<f[ >]/);
  });

  it('prints each table one page wide with its header on every page, and keeps days as dates', async () => {
    const run = await nps('trend', 'fixtures/contact-centre.csv', '--period', 'month', '-o', path('trend.xlsx'));
    expect(run.exit, run.stderr).toBe(0);
    const { unzipSync, strFromU8 } = await import('fflate');
    const files = unzipSync(readFileSync(path('trend.xlsx')));
    const sheet = strFromU8(files['xl/worksheets/sheet1.xml']);
    expect(sheet).toMatch(
      /^<\?xml[^>]*\?><worksheet [^>]*><sheetPr><pageSetUpPr fitToPage="1"\/><\/sheetPr><sheetViews>/,
    );
    expect(sheet).toMatch(/<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"\/><\/worksheet>$/);
    // The Rows and About sheets are lists, not tables to print.
    expect(strFromU8(files['xl/worksheets/sheet2.xml'])).not.toContain('pageSetup');
    expect(strFromU8(files['xl/workbook.xml'])).toContain(
      `<definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'periods'!$1:$1</definedName></definedNames>`,
    );
    const [periods] = await readXlsxFile(path('trend.xlsx'));
    const [header, first] = periods.data;
    expect(header.slice(0, 3)).toEqual(['period', 'period_start', 'period_end']);
    expect(first.slice(0, 3)).toEqual(['2023-01', new Date('2023-01-01T00:00:00Z'), new Date('2023-01-31T00:00:00Z')]);
    // p-values below 0.001 in scientific notation, not as 0.0000.
    expect(strFromU8(files['xl/styles.xml'])).toContain('formatCode="[&lt;0.001]0.0E+00;0.0000"');
  });

  it('is not written to a terminal', async () => {
    const io = fakeIo({ stdoutIsTTY: true });
    expect(await main(['report', 'fixtures/basic.csv', '--format', 'xlsx'], io)).toBe(2);
    expect(io.err()).toBe(
      'nps: a workbook is bytes, not text: it is not written to a terminal\nhint: write it to a file with -o FILE.xlsx, or redirect stdout to one\n',
    );
    expect(io.out()).toBe('');
  });
});
