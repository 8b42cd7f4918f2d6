import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';

/*
 * Several -o from one reading: a weekly job writes its page, its job summary and its JSON from
 * one pass over the export, each file in the format of its extension, each written atomically.
 */

const dir = () => mkdtempSync(join(tmpdir(), 'nps-outputs-'));
const monday = 'fixtures/weekly-drop-monday.csv';
const gates = [
  '--period',
  'week',
  '--last',
  '4w',
  '--tz',
  'Europe/Stockholm',
  '--as-of',
  '2024-11-25T06:00Z',
  '--fail-on-drop',
];

/** What one run with a single output writes to stdout in `format`. */
async function alone(format: string): Promise<string> {
  const io = fakeIo();
  await main(['summary', monday, ...gates, '--format', format], io);
  return io.out();
}

describe('several -o', () => {
  it('reads the export once and writes each file as one -o alone would, then fails the gate', async () => {
    const folder = dir();
    const [html, md, json] = ['weekly.html', 'summary.md', 'nps.json'].map((name) => join(folder, name));
    // The export comes on standard input, which can be read only once: a second reading would find it empty.
    let reads = 0;
    const bytes = readFileSync(monday);
    const stdin = Object.assign(
      Readable.from(
        (function* () {
          reads++;
          yield bytes;
        })(),
      ),
      { isTTY: false },
    );
    const io = { ...fakeIo(), stdin };
    const code = await main(['summary', '-', ...gates, '-o', html, '-o', md, '-o', json], io);
    expect(reads).toBe(1);
    expect(code).toBe(1);
    expect(io.out()).toBe('');
    expect(io.err()).toContain('nps: NPS fell 40.0 points in 2024-W47 against 2024-W46');
    expect(readdirSync(folder).sort()).toEqual(['nps.json', 'summary.md', 'weekly.html']);
    // The same bytes as each format alone, but for the input's name and the -o list in the page's meta.
    const named = (text: string) =>
      text.replaceAll('stdin', monday).replace(/&quot;output&quot;: (null|\[[^\]]*\])/, '&quot;output&quot;: …');
    expect(named(readFileSync(md, 'utf8'))).toBe(await alone('markdown'));
    // A page's title names the file by its name alone, so the path is compared as that name too.
    const page = (text: string) => named(text).replaceAll(monday, basename(monday));
    expect(page(readFileSync(html, 'utf8'))).toBe(page(await alone('html')));
    const written = JSON.parse(readFileSync(json, 'utf8'));
    expect(written.meta.options.format).toBe('json');
    expect(written.meta.rows).toMatchObject({ read: 1802, used: 602 });
    expect(written.gates.find((g: { rule: string }) => g.rule === 'fail-on-drop').passed).toBe(false);
  });

  it('writes -o - to stdout in the --format given, beside the files', async () => {
    const folder = dir();
    const io = fakeIo();
    expect(
      await main(['report', 'fixtures/basic.csv', '-o', '-', '--format', 'json', '-o', join(folder, 'r.csv')], io),
    ).toBe(0);
    expect(JSON.parse(io.out()).summary.nps).toBe(30);
    expect(readFileSync(join(folder, 'r.csv'), 'utf8')).toMatch(/^n,nps,/);
  });

  it('lists a long follow-up listing in full in every file that lists all rows', async () => {
    const folder = dir();
    const io = fakeIo();
    // More rows than a table holds (1000): the rest streams from the sorted listing, once per file.
    const args = [
      'followup',
      'fixtures/weekly-drop.csv',
      '--max-score',
      '10',
      '-o',
      join(folder, 'a.csv'),
      '-o',
      join(folder, 'a.json'),
      '-o',
      join(folder, 'a.md'),
    ];
    expect(await main(args, io), io.err()).toBe(0);
    const csvRows = readFileSync(join(folder, 'a.csv'), 'utf8').trim().split('\n').length - 1;
    const jsonRows = JSON.parse(readFileSync(join(folder, 'a.json'), 'utf8')).responses.length;
    expect(csvRows).toBe(1800);
    expect(jsonRows).toBe(1800);
    expect(readFileSync(join(folder, 'a.md'), 'utf8')).toContain('1800');
  });

  it('checks every file before writing any: a refused last one leaves the first unwritten', async () => {
    const folder = dir();
    const io = fakeIo();
    expect(
      await main(['report', 'fixtures/basic.csv', '-o', join(folder, 'a.md'), '-o', 'fixtures/basic.csv'], io),
    ).toBe(2);
    expect(io.err()).toContain('nps: refusing to write over the input file fixtures/basic.csv');
    expect(readdirSync(folder)).toEqual([]);
  });

  it.each([
    [
      ['-o', 'a.csv', '-o', 'b.json', '--format', 'csv'],
      "--format with several -o: each file's format comes from its extension",
    ],
    [['-o', 'a.csv', '-o', 'a.csv'], '-o a.csv is given twice'],
    [['-o', '-', '-o', '-'], '-o - (standard output) is given twice'],
    [['-o', 'a.csv', '-o', 'b.weird'], '-o b.weird: no format is known for .weird'],
    [['-o', 'a.json', '-o', 'b.md', '--excel'], '--excel writes CSV, and no -o is a .csv or .tsv file'],
  ])('refuses %j with exit 2', async (args, message) => {
    const io = fakeIo();
    expect(await main(['report', 'fixtures/basic.csv', ...args], io)).toBe(2);
    expect(io.err()).toContain(`nps: ${message}`);
  });
});
