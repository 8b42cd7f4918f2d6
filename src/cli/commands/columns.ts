import { usageError } from '../../errors.js';
import {
  type ColumnChoice,
  detectAgent,
  detectChannel,
  detectComment,
  detectDate,
  detectId,
  detectScore,
  detectTeam,
} from '../../io/scan/mapping.js';
import { choosePreset, type PresetName, type Role } from '../../io/scan/presets.js';
import { encodingOf, readTable, type TableHead } from '../../io/source/read.js';
import { delimiterName } from '../../io/source/sniff.js';
import type { Row } from '../../report/model.js';
import type { CommandDefinition, Outcome } from '../command.js';

interface ColumnsFlags {
  save?: string;
  force?: boolean;
  preset?: PresetName;
  encoding?: string;
  delimiter?: string;
  sheet?: string;
}

const SAMPLES = 3;

export const columns: CommandDefinition<ColumnsFlags> = {
  name: 'columns',
  summary: 'What was detected in an export: encoding, delimiter, header rows, vendor, and the role of each column',
  examples: [
    ['nps columns survey.csv', 'check what nps will read before a report'],
    ['nps columns survey.csv --format json', 'the same for a script; its "config" is a ready nps.config.json'],
    ['nps columns survey.csv --save nps.config.json', 'keep what was found as the settings file the commands read'],
  ],
  shared: { input: 'dialect', output: { decimals: false } },
  configure: (cmd) =>
    cmd
      .option(
        '--save <file>',
        'write the settings found (preset, encoding, columns) to this file, e.g. nps.config.json',
      )
      .option('--force', 'with --save, replace the file if it exists'),
  async run({ args, flags, io }) {
    if (flags.force && flags.save === undefined)
      throw usageError('--force says --save may replace its file', 'add --save FILE, or drop --force');
    const file = args[0] ?? '-';
    let described: ReturnType<typeof describe> | undefined;
    await readTable(
      file,
      io,
      {
        encoding: flags.encoding,
        delimiter: flags.delimiter,
        sheet: flags.sheet,
        headOnly: true,
        extraHeaderRows: (header, first) => choosePreset(header, flags.preset).extraHeaderRows(first),
      },
      (head) => {
        described = describe(head, flags.preset);
        return () => {};
      },
    );
    const { report, settings } = described!;
    return {
      report,
      saves:
        flags.save === undefined
          ? []
          : [{ file: flags.save, text: `${JSON.stringify(settings, null, 2)}\n`, replace: Boolean(flags.force) }],
    };
  },
};

/** The roles shown: those every command reads, and the channel, comment and ID that summary and followup read. */
type Shown = Role | 'channel' | 'comment' | 'id';

/** The roles nps would give the columns, as the commands would choose them: each column one role. */
function roles(head: TableHead, presetName: PresetName | undefined): Partial<Record<Shown, ColumnChoice>> {
  const { header, sample, headerRows } = head;
  const suggested = choosePreset(header, presetName).columns(header, headerRows, sample);
  const taken = new Set<number>();
  const take = (choice: ColumnChoice | undefined) => {
    if (choice) taken.add(choice.index);
    return choice;
  };
  const score = take(suggested.score ?? detectScore(header, sample));
  const date = take(suggested.date ?? detectDate(header, sample));
  return {
    score,
    date,
    agent: take(suggested.agent ?? detectAgent(header, sample, taken, score?.index)),
    team: take(suggested.team ?? detectTeam(header, sample, taken, score?.index)),
    channel: take(detectChannel(header, sample, taken, score?.index)),
    comment: take(detectComment(header, sample, taken)),
    id: take(detectId(header, sample, taken)),
  };
}

function describe(
  head: TableHead,
  presetName: PresetName | undefined,
): { report: Outcome['report']; settings: Record<string, unknown> } {
  const { header, sample, source } = head;
  const preset = choosePreset(header, presetName);
  const found = roles(head, presetName);
  const roleOf = (index: number) =>
    (Object.entries(found) as [Shown, ColumnChoice | undefined][]).find(
      ([, choice]) => choice && (choice.index === index || choice.also?.includes(index)),
    );
  const rows: Row[] = header.map((name, index) => {
    const role = roleOf(index);
    const values = [...new Set(sample.map((r) => (r[index] ?? '').trim()).filter((v) => v !== ''))].slice(0, SAMPLES);
    return {
      number: index + 1,
      column: name,
      role: role?.[0] ?? '',
      why: role?.[1]?.reason ?? '',
      samples: values.map((v) => (v.length > 30 ? `${v.slice(0, 29)}…` : v)).join(' | '),
    };
  });
  const config = Object.fromEntries(
    Object.entries(found)
      .filter(([, c]) => c && !c.also)
      .map(([role, c]) => [role, c!.name]),
  );
  // A file read as a legacy encoding is named so, and the next run needs no detection or warning.
  const encoding = head.decoding.fellBack;
  const settings = {
    ...(preset.name !== 'generic' ? { preset: preset.name } : {}),
    ...(encoding ? { encoding } : {}),
    columns: config,
  };
  const snippet = JSON.stringify(settings);
  const report: Outcome['report'] = {
    title: `Columns of ${source.name}`,
    tables: [
      {
        name: 'file',
        layout: 'record',
        columns: [
          { key: 'file', label: 'File', kind: 'text' },
          { key: 'encoding', label: 'Encoding', kind: 'text' },
          { key: 'delimiter', label: 'Delimiter', kind: 'text' },
          { key: 'header_rows', label: 'Header rows', kind: 'count' },
          { key: 'vendor', label: 'Vendor', kind: 'text' },
          { key: 'signature', label: 'Recognised by', kind: 'text' },
          { key: 'rows_sampled', label: 'Rows sampled', kind: 'count' },
        ],
        rows: [
          {
            file: source.name,
            encoding: encodingOf(head),
            delimiter: delimiterName(head.dialect.delimiter) + (head.dialect.sepLine ? ' (from a sep= line)' : ''),
            header_rows: 1 + head.headerRows.length,
            vendor: preset.name,
            signature: presetName ? '--preset' : preset.signature,
            rows_sampled: sample.length,
          },
        ],
      },
      {
        name: 'columns',
        primary: true,
        columns: [
          { key: 'number', label: '#', kind: 'count' },
          { key: 'column', label: 'Column', kind: 'text' },
          { key: 'role', label: 'Role', kind: 'text' },
          { key: 'why', label: 'Why', kind: 'text' },
          { key: 'samples', label: 'Sample values', kind: 'text' },
        ],
        rows,
      },
      {
        name: 'config',
        layout: 'record',
        audience: 'machine',
        columns: Object.keys(config).map((key) => ({ key, label: key, kind: 'text' as const })),
        rows: [config],
      },
    ],
    notes: [`As nps.config.json: ${snippet}`, ...repeatedIds(found.id, sample)],
  };
  return { report, settings };
}

/** A note when the sampled rows repeat a response ID: the same respondent may count twice, which --dedupe prevents. */
function repeatedIds(id: ColumnChoice | undefined, sample: readonly string[][]): string[] {
  if (!id) return [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const row of sample) {
    const value = (row[id.index] ?? '').trim();
    if (value === '') continue;
    if (seen.has(value)) repeated.add(value);
    seen.add(value);
  }
  if (repeated.size === 0) return [];
  const example = [...repeated][0];
  return [
    `${id.name} repeats ${repeated.size === 1 ? 'a value' : `${repeated.size} values`} in the ${sample.length} ` +
      `rows sampled (${JSON.stringify(example.length > 30 ? `${example.slice(0, 29)}…` : example)}): ` +
      `the same respondent may have answered more than once; --dedupe ${JSON.stringify(id.name)} keeps ` +
      `each one's latest response.`,
  ];
}
