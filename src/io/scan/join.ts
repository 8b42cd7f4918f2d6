import { basename } from 'node:path';
import { dataError, usageError } from '../../errors.js';
import type { Io } from '../io.js';
import { type RecordSink, readTable, type TableHead } from '../source/read.js';
import { resolveColumn } from './mapping.js';

/*
 * --join FILE --on KEY: a lookup table (a segment list keyed by customer ID, in CSV or .xlsx) held
 * in memory and joined onto each response as it is read, so its columns are columns of the
 * export for --by, --where, --agent, --team and detection alike. Responses still stream.
 */

/** A join as asked: the lookup file, and the key column on each side (`--on id` or `--on left=right`). */
export interface JoinSpec {
  readonly file: string;
  readonly left: string;
  readonly right: string;
  /**
   * The contacts a survey was sent to (--sent): each key once (a response matches one contact),
   * the key kept as a column, and every column named `sent:` and its name, apart from the export's.
   */
  readonly sent?: boolean;
  /** Columns the lookup must have, and the option that names each (a contacts file's --adjust margins). */
  readonly needs?: readonly { readonly flag: string; readonly column: string }[];
}

/** How a contacts file's columns are named once joined: `sent:channel`. */
export const SENT_PREFIX = 'sent:';
/**
 * A column a contacts lookup adds, the contact's key as a JSON string (so that no key reads as a
 * missing value, not even "NA"): joined, it says which contact a response matched, if any.
 */
export const MATCHED_COLUMN = '#matched';

/** The option that named a lookup's key. */
const onFlag = (spec: JoinSpec) => (spec.sent ? '--sent-on' : '--on');

/** Which row wins when a key is listed twice with different values; undefined: that is an error. */
export type JoinKeep = 'first' | 'last';

export interface Lookup {
  readonly spec: JoinSpec;
  /** Its keys hold numbers a spreadsheet cannot keep whole (more than 15 digits, or written as 1.2E+18). */
  readonly longNumbers: boolean;
  /**
   * Its columns as the lookup file names them: all but the key, or for --sent all of them and then
   * #matched. joinHead may rename them in the joined header.
   */
  readonly columns: readonly string[];
  readonly rows: ReadonlyMap<string, readonly string[]>;
  /** Where each column of `spec.needs` is among `columns`, as its option named it (a name or a number). */
  readonly needed: ReadonlyMap<string, number>;
}

/** How a join went for the responses: rows whose key the lookup has, and rows it has not. */
export interface JoinCount {
  readonly file: string;
  readonly on: string;
  matched: number;
  unmatched: number;
  /**
   * Which side's keys hold numbers of more than 15 digits or in scientific notation, when rows went
   * unmatched: a spreadsheet keeps 15 digits, so such IDs may have been rounded on their way.
   */
  longNumbers?: 'export' | 'lookup' | 'both';
}

/** A key a spreadsheet may have rounded: a whole number of more than 15 digits, or one in scientific notation. */
const LONG_NUMBER = /^[+-]?(\d{16,}|\d(\.\d+)?e\+?\d+)$/i;
const looksRounded = (key: string): boolean => LONG_NUMBER.test(key);

export const parseOn = (on: string): { left: string; right: string } => {
  const at = on.indexOf('=');
  return at < 0
    ? { left: on.trim(), right: on.trim() }
    : { left: on.slice(0, at).trim(), right: on.slice(at + 1).trim() };
};

/**
 * What a lookup may take in memory, estimated from its text (held as strings, two bytes a
 * character, plus each row's entry): past it the join is refused rather than filling the heap.
 * NPS_MAX_LOOKUP_BYTES lowers it for tests.
 */
const MAX_LOOKUP_BYTES = 512 * 1024 * 1024;
const ROW_OVERHEAD_BYTES = 120;

/** Reads a lookup whole: identical duplicate rows are harmless, conflicting ones need `keep`. */
export async function loadLookup(spec: JoinSpec, io: Io, keep: JoinKeep | undefined): Promise<Lookup> {
  const rows = new Map<string, string[]>();
  let columns: string[] = [];
  let conflicts = 0;
  const conflicting = new Set<string>();
  let longNumbers = false;
  let example: string | undefined;
  const limit = Number(io.env.NPS_MAX_LOOKUP_BYTES ?? MAX_LOOKUP_BYTES);
  let held = 0;
  const needed = new Map<string, number>();
  await readTable(spec.file, io, {}, (head) => {
    const key = resolveColumn(head.header, spec.right, onFlag(spec), head.source.name).index;
    // A contacts file keeps its key (a response's joined key says it was matched): its columns are the header's.
    for (const { flag, column } of spec.needs ?? [])
      needed.set(column, resolveColumn(head.header, column, flag, head.source.name).index);
    const kept = head.header.flatMap((_, i) => (spec.sent || i !== key ? [i] : []));
    columns = kept.map((i) => head.header[i]);
    if (spec.sent) {
      if (columns.some((c) => c.toLowerCase() === MATCHED_COLUMN))
        throw usageError(`${spec.file} has a column named ${MATCHED_COLUMN}, which --sent uses itself`, 'rename it');
      columns.push(MATCHED_COLUMN);
    }
    const sink = (record: string[], _line: number, broken?: unknown) => {
      if (broken) return;
      const id = (record[key] ?? '').trim();
      if (id === '') return;
      if (!longNumbers && looksRounded(id)) longNumbers = true;
      const values = kept.map((i) => (record[i] ?? '').trim());
      if (spec.sent) values.push(JSON.stringify(id));
      const before = rows.get(id);
      if (before === undefined) {
        rows.set(id, values);
        held += ROW_OVERHEAD_BYTES + 2 * values.reduce((sum, v) => sum + v.length, id.length);
        if (held > limit) {
          throw dataError(
            `${spec.file} is too large to hold as a lookup: past ${rows.size} rows it takes over ` +
              `${limit >= 1024 * 1024 ? `${Math.round(limit / 1024 / 1024)} MB` : `${limit} bytes`} ` +
              `of memory`,
            'keep only the key and the columns you need (and the keys the export has), or join ' +
              'it where the data lives (nps sql)',
          );
        }
      } else if (spec.sent) {
        throw dataError(
          `${spec.file} lists ${spec.right} ${JSON.stringify(id)} twice: a response would match two contacts`,
          'give --sent-on a column that names each contact once (the interaction or invitation ID)',
        );
      } else if (before.some((v, i) => v !== values[i])) {
        conflicts++;
        conflicting.add(id);
        example ??= id;
        if (keep === 'last') rows.set(id, values);
      }
    };
    return sink as RecordSink;
  });
  if (conflicts > 0 && keep === undefined) {
    throw dataError(
      `${spec.file} lists ${conflicting.size} ${conflicting.size === 1 ? 'key' : 'keys'} of ${spec.right} ` +
        (`again with other values, in ${conflicts} more ${conflicts === 1 ? 'row' : 'rows'} ` +
          `(e.g. ${JSON.stringify(example)}): `) +
        `which one counts?`,
      longNumbers
        ? 'its keys are numbers of more than 15 digits (or written like 1.2E+18), which a spreadsheet ' +
            'rounds, so different IDs may have become one: export them as text'
        : 'say which row wins with --join-keep first|last, or fix the lookup',
    );
  }
  return { spec, columns, rows, longNumbers, needed };
}

/**
 * The export's head with each lookup's columns after its own (a name the export already has gets
 * the lookup's file name after it), and a sink that extends every record the same way.
 */
export function joinHead(
  head: TableHead,
  lookups: readonly Lookup[],
  counts: JoinCount[],
): { head: TableHead; wrap: (sink: RecordSink) => RecordSink } {
  const header = [...head.header];
  const steps = lookups.map((lookup) => {
    const key = resolveColumn(header, lookup.spec.left, onFlag(lookup.spec), head.source.name).index;
    const at = header.length;
    const taken = new Set(header.map((h) => h.toLowerCase()));
    for (const column of lookup.columns)
      header.push(
        lookup.spec.sent
          ? `${SENT_PREFIX}${column}`
          : taken.has(column.toLowerCase())
            ? `${column} (${basename(lookup.spec.file)})`
            : column,
      );
    const on = lookup.spec.left === lookup.spec.right ? lookup.spec.left : `${lookup.spec.left}=${lookup.spec.right}`;
    let count = counts.find((c) => c.file === lookup.spec.file && c.on === on);
    if (!count) {
      count = { file: lookup.spec.file, on, matched: 0, unmatched: 0 };
      counts.push(count);
    }
    return { lookup, key, at, count };
  });
  const empty = (n: number) => Array.from({ length: n }, () => '');
  const extend = (record: string[], tally: boolean) => {
    for (const { lookup, key, at, count } of steps) {
      const id = (record[key] ?? '').trim();
      const values = lookup.rows.get(id);
      if (tally) {
        if (values) count.matched++;
        else {
          count.unmatched++;
          const exportSide = looksRounded(id) || count.longNumbers === 'export' || count.longNumbers === 'both';
          count.longNumbers = exportSide
            ? lookup.longNumbers
              ? 'both'
              : 'export'
            : lookup.longNumbers
              ? 'lookup'
              : undefined;
        }
      }
      const row = values ?? empty(lookup.columns.length);
      for (let i = 0; i < row.length; i++) record[at + i] = row[i];
    }
    return record;
  };
  const fileColumns = head.header.length;
  const wrap = (sink: RecordSink): RecordSink => {
    const wrapped = (record: string[], line: number, broken?: Parameters<RecordSink>[2], time?: number) => {
      if (!broken) extend(record, true);
      sink(record, line, broken, time);
    };
    // The reader fills only the export's own columns: it reads the keys, and joined ones come from here.
    const wanted = sink.wanted && [
      ...sink.wanted.filter((i) => i < fileColumns),
      ...steps.map((s) => s.key).filter((i) => i < fileColumns),
    ];
    const dates = sink.dates && sink.dates.index < fileColumns ? sink.dates : undefined;
    return Object.assign(wrapped, { wanted, dates, stopAt: sink.stopAt });
  };
  return {
    head: { ...head, header, ownColumns: fileColumns, sample: head.sample.map((record) => extend([...record], false)) },
    wrap,
  };
}
