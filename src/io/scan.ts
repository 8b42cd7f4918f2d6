import type { Io } from '../cli/io.js';
import { newTally, type Tally } from '../core/tally.js';
import { usageError } from '../errors.js';
import { detectDate, detectScore, resolveColumn, type ColumnChoice } from './mapping.js';
import { readTable, type TableHead } from './read.js';
import { newAccounting, rowReader, type Accounting, type Condition } from './rows.js';
import { delimiterName } from './sniff.js';

/** `--where column=value` or `column!=value`, before it is resolved against a file's header. */
export interface WhereClause {
  readonly column: string;
  readonly value: string;
  readonly equal: boolean;
}

/** What to read and which rows to keep: the shared input, mapping and filter options. */
export interface ScanRequest {
  readonly files: readonly string[];
  readonly score?: string;
  readonly date?: string;
  /** Epoch ms bounds, inclusive. */
  readonly since?: number;
  readonly until?: number;
  readonly where: readonly WhereClause[];
  readonly delimiter?: string;
}

/** What was detected in one input, for `meta` and for the user. */
export interface InputInfo {
  readonly name: string;
  readonly delimiter: string;
  readonly bom: boolean;
  readonly columns: { readonly score: ColumnChoice; readonly date?: ColumnChoice };
}

export interface Scan {
  readonly accounting: Accounting;
  /** Every used answer, whatever the command groups them by: for checks on the whole input. */
  readonly overall: Tally;
  readonly inputs: readonly InputInfo[];
}

/** Receives each used answer (0-10) with its record. */
export type AnswerSink = (score: number, record: string[]) => void;

/**
 * Reads every input once, in order, pooling their rows: each file's columns are resolved from its
 * own header, each row is filtered, validated and counted, and each used answer goes to the sink
 * that `prepare` made for that file.
 */
export async function scan(request: ScanRequest, io: Io, prepare: (head: TableHead) => AnswerSink): Promise<Scan> {
  const accounting = newAccounting();
  const overall = newTally();
  const inputs: InputInfo[] = [];
  for (const file of request.files) {
    await readTable(file, io, { delimiter: request.delimiter }, (head) => {
      const { header, sample, source } = head;
      const score = request.score
        ? resolveColumn(header, request.score, '--score', source.name)
        : detectScore(header, sample);
      if (!score) {
        throw usageError(
          `${source.name}: no column looks like 0-10 answers`,
          `name it with --score <column>; columns: ${header.map((h) => JSON.stringify(h)).join(', ')}`,
        );
      }
      const needsDate = request.since !== undefined || request.until !== undefined;
      const date = request.date
        ? resolveColumn(header, request.date, '--date', source.name)
        : needsDate ? detectDate(header, sample) : undefined;
      if (needsDate && !date) {
        throw usageError(`${source.name}: no date column found for --since/--until`, 'name it with --date <column>');
      }
      const conditions: Condition[] = request.where.map((w) => ({
        index: resolveColumn(header, w.column, '--where', source.name).index,
        value: w.value,
        equal: w.equal,
      }));
      inputs.push({
        name: source.name,
        delimiter: delimiterName(head.dialect.delimiter),
        bom: head.dialect.bom,
        columns: date ? { score, date } : { score },
      });
      const answerOf = rowReader(
        { score: score.index, date: date?.index, since: request.since, until: request.until, conditions },
        accounting,
      );
      const sink = prepare(head);
      return (record, line) => {
        const answer = answerOf(record, line);
        if (answer >= 0) {
          overall[answer] += 1;
          sink(answer, record);
        }
      };
    });
  }
  return { accounting, overall, inputs };
}
