import type { Command } from 'commander';
import type { Fold } from '../core/fold.js';
import type { Statistics } from '../core/summary.js';
import type { Io } from '../io/io.js';
import type { ScanRequest } from '../io/scan/plan.js';
import type { Scan } from '../io/scan/scan.js';
import type { Gate, Report } from '../report/model.js';

/**
 * The shared option groups a command honours. The runner adds exactly these to the command, so
 * --help offers only what works there, and commander refuses the rest (exit 2).
 */
export interface SharedGroups {
  /**
   * Survey exports to read: files, columns, dates, encodings, presets. `questions` is how many
   * --score columns the command analyses side by side; `threads: false` for a command whose fold
   * cannot be split (it has no recipe) and so does not offer --threads. `dialect` is only what
   * describes a file.
   */
  readonly input?: { readonly questions: 1 | 2; readonly threads?: false } | 'dialect';
  /** --since, --until, --last, --fiscal-year-start, --where. */
  readonly filters?: true;
  /** --ci-method and --confidence, or only --confidence. */
  readonly statistics?: true | 'confidence';
  /**
   * --format, -o, --excel; --decimals when it shows figures; --limit when it lists responses;
   * `verbatim`: text (a query), no --excel.
   */
  readonly output: { readonly decimals: boolean; readonly listing?: boolean; readonly verbatim?: true };
  /** --fail-below: the command judges it and returns a fail-below gate. */
  readonly gates?: true;
  /** --strict: exit 4 when any row is excluded. */
  readonly accounting?: true;
  /** --max-groups: the command holds a tally per value of a column it groups by. */
  readonly grouping?: true;
  /** --weight: every figure the command shows comes from tallies, which carry the weights. */
  readonly weights?: true;
  /** --counts: the command needs tallies only (no comment, ID or value of a single response). */
  readonly counts?: true;
}

/** What a command adds to the shared scan request: its groups, and whether it needs dates. */
export type ScanSpec = Partial<
  Pick<ScanRequest, 'groups' | 'needsDates' | 'datesIfAny' | 'keep' | 'last' | 'files' | 'counts' | 'sent'>
>;

/** Everything a command may use. It computes; it never writes output or chooses an exit code. */
export interface CommandContext<F> {
  /** Operands (input files), as given. */
  readonly args: readonly string[];
  /** Every option's value, the command's own and the shared ones. */
  readonly flags: F;
  readonly statistics: Statistics;
  /** Decimal places people read figures with (sentences in notes). */
  readonly decimals: number;
  /** The shared part of every scan: inputs, columns and filters, as resolved from the options. */
  readonly request: ScanRequest;
  /** --fail-below, when the command honours gates and it was given. */
  readonly failBelow: number | undefined;
  /**
   * Reads the inputs once with the shared input and filter options plus the command's own spec,
   * checks the row accounting (warnings, --strict, nothing left) and records it for the output.
   */
  scan<S>(spec: ScanSpec, fold: Fold<S>): Promise<Scan<S>>;
  /**
   * Holds `file` for this run alone (a state file it reads and saves), until every output and
   * save is written.
   */
  lock(file: string): void;
  /** A warning or note on stderr, never in the output. */
  warn(message: string): void;
  /** Only for reading standard input (`nps columns -`). */
  readonly io: Io;
}

/** A command's result: the report in neutral form, and the outcome of any gate it was asked to judge. */
export interface Outcome {
  readonly report: Omit<Report, 'command' | 'meta' | 'gates'>;
  readonly gates?: readonly Gate[];
  /** Files the command asks for besides the report (nps columns --save): the runner writes them, atomically. */
  readonly saves?: readonly { readonly file: string; readonly text: string; readonly replace: boolean }[];
}

/** A subcommand: its help, the shared groups it honours, its own options, and what it computes. */
export interface CommandDefinition<F = Record<string, unknown>> {
  readonly name: string;
  /** Other names the command answers to (`detractors` for `followup`). */
  readonly aliases?: readonly string[];
  readonly summary: string;
  /** [command line, what it does]: shown under "Examples" in --help. */
  readonly examples: readonly (readonly [string, string])[];
  readonly shared: SharedGroups;
  /** The command's own options (shown first in its help). */
  configure(cmd: Command): Command;
  run(context: CommandContext<F>): Promise<Outcome>;
}

/** A definition with its flag type forgotten, for the registry. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds commands of different flag types
export type AnyCommand = CommandDefinition<any>;
