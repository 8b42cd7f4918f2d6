import { InvalidArgumentError, Option } from 'commander';
import { CATEGORIES, type Category, classify } from '../../core/classify.js';
import { type Fold, recipe } from '../../core/fold.js';
import { usageError } from '../../errors.js';
import { detectAgent, detectChannel, detectComment, detectId, detectTeam } from '../../io/scan/mapping.js';
import type { GroupColumn } from '../../io/scan/plan.js';
import { type LineCodec, type Listing, SortedListing, SpillFolder } from '../../io/scan/spill.js';
import { type Column, MAX_SHOWN_ROWS, type Row, type RowStream } from '../../report/model.js';
import type { CommandDefinition, Outcome } from '../command.js';

interface FollowupFlags {
  category: Category;
  maxScore?: number;
  withComment?: boolean;
  include?: string[];
  id?: string;
  agent?: string;
  team?: string;
  channel?: string;
  comment?: string;
}

/** One response to call back: its answer, its time, its place in the reading, and the values of the listed columns. */
interface Callback {
  readonly score: number;
  readonly time: number;
  readonly order: number;
  /** The listed columns' values, by role. */
  readonly values: Readonly<Record<string, string>>;
}

const ROLES = ['id', 'agent', 'team', 'channel', 'comment'] as const;

export const followup: CommandDefinition<FollowupFlags> = {
  name: 'followup',
  aliases: ['detractors'],
  summary: 'The responses to call back (detractors by default), newest first, ready for a CRM import',
  examples: [
    ['nps followup survey.csv', 'every detractor, newest first'],
    [
      'nps detractors survey.csv --last 1w --with-comment --format csv -o callbacks.csv',
      "this week's detractors who wrote something, as CSV",
    ],
    [
      'nps followup survey.csv --category passive --include email --format json',
      'passives, with their e-mail address, as JSON',
    ],
    ['nps followup survey.csv --max-score 3 --where team=Nord', 'the angriest answers of one team'],
  ],
  shared: {
    input: { questions: 1 },
    filters: true,
    output: { decimals: false, listing: true },
    accounting: true,
  },
  configure: (cmd) =>
    cmd
      .addOption(
        new Option('--category <category>', 'which answers to list')
          .choices([...CATEGORIES].reverse())
          .default('detractor'),
      )
      .option('--max-score <n>', 'list answers of at most this score instead of a category', parseScore)
      .option('--with-comment', 'only those who wrote a comment')
      .option('--include <column>', 'also list this column (repeatable)', (value: string, previous: string[] = []) => [
        ...previous,
        value,
      ])
      .option('--id <column>', 'the response ID column (default: detected)')
      .option('--agent <column>', 'the agent column (default: detected)')
      .option('--team <column>', 'the team column (default: detected)')
      .option('--channel <column>', 'the channel column (default: detected)')
      .option('--comment <column>', 'the comment column (default: detected)'),
  async run({ flags, scan }) {
    const detect = {
      id: detectId,
      agent: detectAgent,
      team: detectTeam,
      channel: detectChannel,
      comment: detectComment,
    };
    const included = (flags.include ?? []).map(
      (spec): GroupColumn => ({ role: `include:${spec}`, flag: '--include', spec, value: true }),
    );
    const groups: GroupColumn[] = [
      ...ROLES.map(
        (role): GroupColumn => ({
          role,
          flag: `--${role}`,
          spec: flags[role],
          detect: detect[role],
          optional: true,
          value: true,
        }),
      ),
      ...included,
    ];
    // However many there are: past a batch in memory they wait, sorted, in temporary files.
    const folder = new SpillFolder();
    const choice: CallbackChoice = {
      category: flags.category,
      maxScore: flags.maxScore,
      withComment: Boolean(flags.withComment),
    };
    const fold = callbackFold(choice, folder.path);
    try {
      const result = await scan({ needsDates: true, datesIfAny: true, groups }, fold);
      if (flags.withComment && result.inputs.some((input) => !input.columns.comment)) {
        throw usageError('--with-comment: no comment column found', 'name it with --comment <column>');
      }
      const columnNames = result.inputs[0].columns;
      const includes = included.map((column) => ({ role: column.role, name: columnNames[column.role].name }));
      const undated = result.inputs.filter((input) => !input.columns.date).map((input) => input.name);
      const what = flags.maxScore !== undefined ? `answers of ${flags.maxScore} or less` : `${flags.category}s`;
      const count = result.state.count;
      const listed = await followupReport(result.state, folder, includes, {
        title:
          `To follow up: ${count} ${what}${flags.withComment ? ' with a comment' : ''}, newest ` +
          `first: ${result.inputs.map((i) => i.name).join(', ')}`,
        notes: [
          ...(undated.length > 0
            ? [
                `No date column in ${undated.join(', ')}: those responses are listed in file order, ` +
                  `after the dated ones (name the column with --date).`,
              ]
            : []),
        ],
      });
      const report = { ...listed, headline: { label: 'To follow up', value: count, kind: 'count' as const } };
      return { report };
    } catch (err) {
      folder.remove();
      throw err;
    }
  },
};

/** Which answers are listed: a category, or those of at most a score; with a comment only, or all. */
interface CallbackChoice {
  readonly category: Category;
  readonly maxScore?: number;
  readonly withComment: boolean;
}

/** The listing of the answers chosen, its runs spilled to `folder` (a fold, read on threads too). */
export function callbackFold(choice: CallbackChoice, folder: string): Fold<Listing<Callback>> {
  const listing = callbackListing(folder);
  const wanted = (score: number) =>
    choice.maxScore !== undefined ? score <= choice.maxScore : classify(score) === choice.category;
  return {
    empty: () => listing.empty(),
    add(list, { score, time, values }) {
      if (!wanted(score) || (choice.withComment && values.comment.trim() === '')) return;
      listing.add(list, { score, time, order: list.count, values: { ...values } });
    },
    merge: (into, from) => listing.absorb(into, from),
    recipe: recipe(import.meta.url, 'callbackFold', choice, folder),
  };
}

const callbackListing = (folder: string) => new SortedListing(folder, newestFirst, CALLBACK_LINES);

/** Newest first; undated rows after the dated ones, in file order. */
function newestFirst(a: Callback, b: Callback): number {
  const undatedA = Number.isNaN(a.time);
  const undatedB = Number.isNaN(b.time);
  if (undatedA !== undatedB) return undatedA ? 1 : -1;
  return (undatedA ? 0 : b.time - a.time) || a.order - b.order;
}

/** A callback as one line of a temporary file (JSON has no NaN: an undated row's time is null). */
const CALLBACK_LINES: LineCodec<Callback> = {
  write: (c) => JSON.stringify([c.score, Number.isNaN(c.time) ? null : c.time, c.order, c.values]),
  read: (line) => {
    const [score, time, order, values] = JSON.parse(line) as [number, number | null, number, Record<string, string>];
    return { score, time: time ?? NaN, order, values };
  },
};

function parseScore(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError('Give a score from 0 to 10');
  return n;
}

/** A wall time as people write it: YYYY-MM-DD HH:mm. */
const wallText = (wall: number) =>
  Number.isNaN(wall) ? '' : new Date(wall).toISOString().slice(0, 16).replace('T', ' ');

/** A column name as a stable snake_case key, made unique among those already taken. */
function keyFor(name: string, taken: readonly string[]): string {
  const base =
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'column';
  let key = taken.includes(base) ? `extra_${base}` : base;
  for (let n = 2; taken.includes(key); n++) key = `extra_${base}_${n}`;
  return key;
}

/**
 * The listing: the newest rows held (as many as a table can show), the rest streamed from the
 * sorted listing as CSV or JSON writes them; the temporary files go when they have been read.
 */
async function followupReport(
  list: Listing<Callback>,
  folder: SpillFolder,
  includes: readonly { readonly role: string; readonly name: string }[],
  frame: { title: string; notes: string[] },
): Promise<Outcome['report']> {
  const listing = callbackListing(folder.path);
  const own = ['id', 'date', 'score', 'category', 'agent', 'team', 'channel', 'comment'];
  const extraKeys: string[] = [];
  for (const { name } of includes) extraKeys.push(keyFor(name, [...own, ...extraKeys]));
  const columns: Column[] = [
    { key: 'id', label: 'ID', kind: 'text' },
    { key: 'date', label: 'Date', kind: 'text' },
    { key: 'score', label: 'Score', kind: 'count' },
    { key: 'category', label: 'Category', kind: 'text', audience: 'machine' },
    { key: 'agent', label: 'Agent', kind: 'text' },
    { key: 'team', label: 'Team', kind: 'text' },
    { key: 'channel', label: 'Channel', kind: 'text' },
    { key: 'comment', label: 'Comment', kind: 'text', maxWidth: 60 },
    ...includes.map(({ name }, i): Column => ({ key: extraKeys[i], label: name, kind: 'text' })),
  ];
  const rowOf = (c: Callback): Row => ({
    id: c.values.id,
    date: wallText(c.time),
    score: c.score,
    category: classify(c.score),
    agent: c.values.agent,
    team: c.values.team,
    channel: c.values.channel,
    comment: c.values.comment,
    ...Object.fromEntries(extraKeys.map((key, i) => [key, c.values[includes[i].role]])),
  });
  const sorted = listing.sorted(list);
  const rows: Row[] = [];
  while (rows.length < MAX_SHOWN_ROWS) {
    const next = await sorted.next();
    if (next.done) break;
    rows.push(rowOf(next.value));
  }
  await sorted.return(undefined);
  if (rows.length === list.count) {
    folder.remove();
    return { title: frame.title, tables: [{ name: 'responses', listing: true, columns, rows }], notes: frame.notes };
  }
  // Each output that lists every row (CSV, JSON, xlsx: several -o) merges the sorted runs again.
  const held = rows.length;
  const rest: RowStream = {
    async *[Symbol.asyncIterator]() {
      let at = 0;
      for await (const callback of listing.sorted(list)) if (at++ >= held) yield rowOf(callback);
    },
    close: () => folder.remove(),
  };
  return {
    title: frame.title,
    tables: [{ name: 'responses', listing: true, columns, rows, rest, total: list.count }],
    notes: frame.notes,
  };
}
