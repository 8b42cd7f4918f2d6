import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { workbookTable } from '../../src/io/source/workbook.js';
import { fakeIo } from '../helpers/fake-io.js';

/*
 * The workbook reader on hand-made .xlsx files: the parts Excel and other tools write that a
 * library-made workbook does not (inline and rich-text strings, escapes, booleans, errors,
 * skipped rows and cells, custom date formats, the 1904 date system, sheets named by relationship).
 */

const temp = mkdtempSync(join(tmpdir(), 'nps-workbook-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function workbook(
  name: string,
  sheetXml: string,
  options: { date1904?: boolean; strings?: string[]; stored?: boolean; sst?: string } = {},
): string {
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8('<Types/>'),
    'xl/workbook.xml': strToU8(
      `<workbook xmlns:r="r"><workbookPr${options.date1904 ? ' date1904="1"' : ''}/><sheets><sheet name="Notes" sheetId="1" r:id="rId7"/><sheet name="Svar &amp; betyg" sheetId="2" r:id="rId9"/></sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      '<Relationships><Relationship Id="rId7" Target="worksheets/notes.xml"/><Relationship Id="rId9" Target="/xl/worksheets/data.xml"/></Relationships>',
    ),
    'xl/worksheets/notes.xml': strToU8(
      '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>read me</t></is></c></row></sheetData></worksheet>',
    ),
    'xl/worksheets/data.xml': strToU8(`<worksheet><sheetData>${sheetXml}</sheetData></worksheet>`),
    'xl/styles.xml': strToU8(
      '<styleSheet><numFmts count="1"><numFmt numFmtId="165" formatCode="&quot;Day &quot;dd/mm/yyyy"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="165"/><xf numFmtId="4"/></cellXfs></styleSheet>',
    ),
    ...(options.strings
      ? { 'xl/sharedStrings.xml': strToU8(`<sst>${options.strings.map((s) => `<si>${s}</si>`).join('')}</sst>`) }
      : {}),
    ...(options.sst ? { 'xl/sharedStrings.xml': strToU8(options.sst) } : {}),
  };
  const path = join(temp, name);
  writeFileSync(path, zipSync(files, { level: options.stored ? 0 : 6 }));
  return path;
}

/** The sheet's rows as the CSV lines they stand for: the header on its line, each row on its own, blank lines between. */
async function csvOf(path: string, sheet?: string): Promise<{ text: string; sheet: string; sheets: string[] }> {
  const read = await workbookTable(path, path, sheet);
  const lines: string[] = [];
  const put = (cells: readonly string[], line: number) => {
    while (lines.length < line - 1) lines.push('');
    lines.push(cells.map(quoted).join(','));
  };
  // The header is on row 1 in these sheets.
  put(read.table.header, 1);
  await read.table.rows((cells, line) => put(cells, line), 0);
  return { text: `${lines.join('\n')}\n`, sheet: read.sheet, sheets: read.sheets };
}

const quoted = (text: string): string => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

describe('workbookTable', () => {
  const rows =
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>' +
    // Row 2 is left out (empty); row 3 skips column B.
    '<row r="3"><c r="A3" s="1"><v>45357</v></c><c r="C3"><v>9</v></c><c r="D3" t="s"><v>4</v></c></row>' +
    '<row r="4"><c r="A4" s="2"><v>45357.5</v></c><c r="B4" t="b"><v>1</v></c><c r="C4" t="e"><v>#N/A</v></c><c r="D4" t="inlineStr"><is><r><t>Bra, </t></r><r><t xml:space="preserve">"tack"</t></r></is></c></row>' +
    '<row r="5"><c r="A5" s="3"><v>45358</v></c><c r="C5" t="str"><v>10</v></c><c r="D5" t="s"><v>5</v></c></row>';
  const strings = [
    'Datum',
    'Ok',
    'Betyg',
    'Kommentar',
    'rad ett_x000D_\nrad två',
    'a &amp; b<rPh sb="0" eb="1"><t>ふりがな</t></rPh>',
  ].map((s) => (s.includes('<rPh') ? s.replace(/^([^<]*)/, '<t>$1</t>') : `<t>${s}</t>`));

  it('reads the sheet a relationship names, with shared and inline strings, dates by their style, and sheet rows as lines', async () => {
    const path = workbook('rich.xlsx', rows, { strings });
    const { text, sheet, sheets } = await csvOf(path, '2');
    expect(sheets).toEqual(['Notes', 'Svar & betyg']);
    expect(sheet).toBe('Svar & betyg');
    expect(text).toBe(
      [
        'Datum,Ok,Betyg,Kommentar',
        '',
        '2024-03-06,,9,"rad ett\r\nrad två"',
        '2024-03-06 12:00:00,TRUE,#N/A,"Bra, ""tack"""',
        // A number format that is not a date (#,##0.00) leaves the serial a number.
        '45358,,10,a & b',
        '',
      ].join('\n'),
    );
  });

  it('counts days from 1904 when the workbook says so, and reads stored (uncompressed) entries', async () => {
    const path = workbook('mac.xlsx', '<row r="1"><c r="A1" s="1"><v>0</v></c></row>', {
      date1904: true,
      stored: true,
    });
    expect((await csvOf(path, 'Svar & betyg')).text).toBe('1904-01-01\n');
  });

  it('reads the first sheet unless told, and says which sheets there are when the name is wrong', async () => {
    const path = workbook('first.xlsx', rows, { strings });
    expect((await csvOf(path)).text).toBe('read me\n');
    await expect(workbookTable(path, 'first.xlsx', 'Data')).rejects.toThrow(
      '--sheet Data: first.xlsx has no such sheet',
    );
  });

  it.each([
    ['a row numbered Infinity', '<row r="Infinity"><c r="A1"><v>9</v></c></row>', 'row "Infinity" after row 0'],
    ["a row past Excel's last", '<row r="1e9"><c r="A1"><v>9</v></c></row>', 'row "1e9" after row 0'],
    [
      'rows out of order',
      '<row r="5"><c r="A5"><v>9</v></c></row><row r="2"><c r="A2"><v>9</v></c></row>',
      'row "2" after row 5',
    ],
    ['a column past XFD', '<row r="1"><c r="ZZZZZZ1"><v>9</v></c></row>', 'cell "ZZZZZZ1" out of place'],
    ['cells out of order', '<row r="1"><c r="C1"><v>9</v></c><c r="A1"><v>9</v></c></row>', 'cell "A1" out of place'],
  ])('refuses %s as a damaged workbook, at once and in bounded memory', async (_name, xml, why) => {
    const path = workbook('refs.xlsx', xml);
    await expect(csvOf(path, '2')).rejects.toMatchObject({
      exitCode: 3,
      message: `cannot read ${path} as an Excel workbook: ${why}`,
    });
  });

  /** A small workbook whose zip directory gives `part` another number at `field` (20: compressed size, 24: size). */
  const patched = (name: string, part: string, field: 20 | 24, value: number): string => {
    const path = workbook(name, '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', { strings: ['<t>Betyg</t>'] });
    const bytes = readFileSync(path);
    const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
    // The central directory record of `part`: its signature, and its name 46 bytes on.
    for (let i = bytes.indexOf(signature); i >= 0; i = bytes.indexOf(signature, i + 1)) {
      if (bytes.toString('utf8', i + 46, i + 46 + bytes.readUInt16LE(i + 28)) === part) {
        bytes.writeUInt32LE(value, i + field);
        writeFileSync(path, bytes);
        return path;
      }
    }
    throw new Error(`no ${part} in the zip directory`);
  };

  it.each([
    ['the sheet', 'xl/worksheets/data.xml'],
    ['the workbook part', 'xl/workbook.xml'],
  ])(
    'refuses %s when its directory entry claims a 4 GB compressed size (exit 3, no allocation)',
    async (_name, part) => {
      const path = patched('huge-entry.xlsx', part, 20, 0xfffffff0);
      await expect(csvOf(path, '2')).rejects.toMatchObject({
        exitCode: 3,
        message: expect.stringMatching(/holds more bytes than the file has$/),
      });
    },
  );

  it.each([
    [
      'shared strings larger than the directory says',
      'xl/sharedStrings.xml',
      10,
      'a part unpacks to more bytes than its zip directory says (10)',
    ],
    [
      'styles that say they unpack to 400 MB',
      'xl/styles.xml',
      400 * 1024 * 1024,
      'xl/styles.xml says it unpacks to 400 MB',
    ],
    [
      'a sheet larger than the directory says',
      'xl/worksheets/data.xml',
      20,
      'the sheet unpacks to more bytes than its zip directory says (20)',
    ],
    [
      'a sheet smaller than the directory says',
      'xl/worksheets/data.xml',
      100_000,
      'the sheet unpacks to fewer bytes than its zip directory says (100000)',
    ],
  ])('refuses %s, never reading it short or whole', async (_name, part, size, why) => {
    const path = patched(`${size}.xlsx`, part, 24, size);
    await expect(csvOf(path, '2')).rejects.toMatchObject({
      exitCode: 3,
      message: `cannot read ${path} as an Excel workbook: ${why}`,
    });
  });

  it('reads element names with a namespace prefix, as the Open XML SDK writes them', async () => {
    const plain = await csvOf(workbook('plain.xlsx', rows, { strings }), '2');
    const prefixed = workbook('prefixed.xlsx', rows.replace(/<(\/?)(row|c|v|is|r|t)\b/g, '<$1x:$2'), {
      strings: strings.map((s) => s.replace(/<(\/?)(t|r|rPh)\b/g, '<$1x:$2')),
    });
    expect((await csvOf(prefixed, '2')).text).toBe(plain.text);
  });

  // Built to make a regex that searches again from each open tag take time that grows with the
  // square of the text: about ten minutes for these few megabytes (seconds for a tenth of them),
  // where one pass takes well under a second. The test's own limit is the bound for that hang.
  it.each([
    [
      '1,300,000 <si> never closed',
      { sst: `<sst><si><t>Betyg</t></si>${'<si>'.repeat(1_300_000)}</sst>` },
      'its shared strings are damaged (an <si> is never closed)',
    ],
    [
      '1,300,000 <c> never closed',
      { sheet: `<row r="1">${'<c>'.repeat(1_300_000)}</row>` },
      'a row of the sheet is damaged (a <c> is never closed)',
    ],
  ])(
    'refuses %s in one pass',
    async (_name, parts: { sst?: string; sheet?: string }, why) => {
      const path = workbook(
        'unclosed.xlsx',
        parts.sheet ?? '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        parts.sst ? { sst: parts.sst } : { strings: ['<t>Betyg</t>'] },
      );
      await expect(csvOf(path, '2')).rejects.toMatchObject({
        exitCode: 3,
        message: `cannot read ${path} as an Excel workbook: ${why}`,
      });
    },
    120_000,
  );

  it("reports a sheet whose last value is in Excel's last row, 1,048,576 (no stray quote)", async () => {
    const path = workbook(
      'last-value.xlsx',
      '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>9</v></c></row><row r="1048576"><c r="A1048576"><v>7</v></c></row>',
      {
        strings: ['<t>score</t>'],
      },
    );
    const io = fakeIo();
    expect(await main(['report', path, '--sheet', '2', '--format', 'json'], io), io.err()).toBe(0);
    expect(JSON.parse(io.out()).meta.rows).toMatchObject({ read: 2, used: 2 });
  });

  it("reads a row at Excel's last, 1,048,576", async () => {
    const { text } = await csvOf(
      workbook(
        'last-row.xlsx',
        '<row r="1"><c r="A1"><v>9</v></c></row><row r="1048576"><c r="XFD1048576"><v>7</v></c></row>',
      ),
      '2',
    );
    const lines = text.split('\n');
    expect(lines).toHaveLength(1_048_577);
    expect(lines[1_048_575].split(',')).toHaveLength(16_384);
    expect(lines[1_048_575].endsWith(',7')).toBe(true);
  });

  it('refuses a truncated workbook as an input error', async () => {
    const path = join(temp, 'truncated.xlsx');
    writeFileSync(path, zipSync({ 'a.txt': strToU8('x'.repeat(1000)) }).subarray(0, 60));
    await expect(workbookTable(path, 'truncated.xlsx', undefined)).rejects.toThrow(
      'cannot read truncated.xlsx as an Excel workbook: it is not a complete zip archive',
    );
  });

  it('takes the first row holding a value as the header, on its own line, and says a sheet without one is empty', async () => {
    // Rows 1 and 2 hold nothing (a formatted cell, no value); the header is on row 3.
    const path = workbook(
      'late-header.xlsx',
      '<row r="1"><c r="A1" s="1"/></row><row r="2"/>' +
        '<row r="3"><c r="A3" t="inlineStr"><is><t>score</t></is></c></row><row r="5"><c r="A5"><v>9</v></c></row>',
    );
    const read = await workbookTable(path, 'late-header.xlsx', '2');
    expect(read.table.header).toEqual(['score']);
    const rows: [string[], number][] = [];
    await read.table.rows((cells, line) => rows.push([[...cells], line]), 0);
    expect(rows).toEqual([[['9'], 5]]);
    const empty = workbook('empty.xlsx', '<row r="1"><c r="A1" s="1"/></row>');
    await expect(workbookTable(empty, 'empty.xlsx', '2')).rejects.toMatchObject({
      exitCode: 3,
      message: 'empty.xlsx is empty: its sheet "Svar & betyg" holds no values',
    });
  });

  it('excludes a row with more filled cells than the header, as its CSV line; a cell of lines and commas is one comment', async () => {
    const comment = Array.from({ length: 5 }, (_, i) => `line ${i}, more, words, here`).join('\n');
    const path = workbook(
      'cells.xlsx',
      '<row r="1"><c r="A1" t="inlineStr"><is><t>score</t></is></c><c r="B1" t="inlineStr"><is><t>comment</t></is></c></row>' +
        `<row r="2"><c r="A2"><v>9</v></c><c r="B2" t="inlineStr"><is><t>${comment}</t></is></c></row>` +
        '<row r="3"><c r="A3"><v>3</v></c><c r="B3" t="inlineStr"><is><t>ok</t></is></c><c r="C3"><v>7</v></c></row>' +
        '<row r="4"><c r="A4"><v>10</v></c><c r="B4" t="inlineStr"><is><t>fine</t></is></c></row>',
    );
    const io = fakeIo();
    expect(await main(['report', path, '--sheet', '2', '--format', 'json'], io), io.err()).toBe(0);
    expect(io.err()).toContain(`nps: warning: ${path}: line 3 has 3 fields where the header has 2: it is excluded`);
    expect(JSON.parse(io.out()).meta.rows).toMatchObject({ read: 3, used: 2, excluded: { broken_record: 1 } });
  });
});
