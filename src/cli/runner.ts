import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { NpsError, usageError } from '../errors.js';
import type { Io } from '../io/io.js';
import { type Scan, scan } from '../io/scan/scan.js';
import { type Release, takeLock } from '../io/state.js';
import { checkTargets, writeOutput } from '../io/write/write.js';
import { isDelimited, renderStream } from '../report/index.js';
import type { Report } from '../report/model.js';
import { accountingNotes, buildMeta, checkAccounting } from './accounting.js';
import type { AnyCommand, CommandContext } from './command.js';
import { optionsUsed, sharedOptions } from './options.js';

/** Which variance the intervals of a weighted run use, said once for every command. */
const WEIGHTS_NOTE =
  'Weighted: intervals and tests by linearization (the weighted mean of +1/0/−1, as survey software ' +
  "computes it; Effective n is the n that gives); Kish's effective n, (Σw)²/Σw², is what --min-n counts.";

/** The settings file a run applied, and the options it set (those the command line did not). */
export interface Settings {
  readonly file: string;
  readonly options: readonly string[];
}

/**
 * Runs one command the same way for every command: resolves the shared options it declared, lets
 * it compute, then renders, writes (stdout or -o, atomically) and turns a failed gate into exit 1.
 * Shared promises live here, so a command cannot forget one: every scan is checked and accounted
 * for, every output carries its meta, and a --fail-below the command did not judge is a bug.
 */
export async function runCommand(
  definition: AnyCommand,
  cmd: Command,
  io: Io,
  argv: readonly string[],
  settings?: Settings,
): Promise<void> {
  refuseGlobbedOutput(argv);
  const shared = sharedOptions(cmd, definition.shared, io);
  // A settings file changes results without a word on the command line: say so, every time.
  const settingsNote =
    settings && settings.options.length > 0
      ? `Settings from ${settings.file}: ${settings.options.join(', ')}.`
      : undefined;
  if (settingsNote) io.stderr.write(`nps: note: ${settingsNote}\n`);
  const scans: Scan<unknown>[] = [];
  const warn = (message: string) => io.stderr.write(`nps: ${message}\n`);
  // Locks a command takes (a state file) are held until every output and save is written.
  const locks: Release[] = [];
  try {
    const context: CommandContext<unknown> = {
      args: cmd.args,
      flags: cmd.opts(),
      statistics: shared.statistics,
      decimals: shared.decimals,
      request: shared.scan,
      failBelow: shared.failBelow,
      warn,
      io,
      lock(file) {
        locks.push(takeLock(file, io.now(), io.onInterrupt));
      },
      async scan(spec, fold) {
        const result = await scan({ ...shared.scan, ...spec }, io, fold);
        checkAccounting(result, {
          strict: shared.strict,
          explicitScale: shared.explicitScale,
          weighted: shared.scan.weight !== undefined,
          columnOptions: typeof definition.shared.input === 'object',
          delimited: shared.outputs.some((o) => isDelimited(o.format)),
          warn,
        });
        scans.push(result);
        return result;
      },
    };
    const outcome = await definition.run(context);
    const gates = outcome.gates ?? [];
    if (shared.failBelow !== undefined && !gates.some((g) => g.rule === 'fail-below')) {
      throw new Error(`${definition.name} offers --fail-below but did not judge it`);
    }
    const scanned = scans.at(-1);
    // Columns of an effective n say nothing new without weights: n itself.
    const tables =
      shared.scan.weight === undefined
        ? outcome.report.tables.map((t) => ({ ...t, columns: t.columns.filter((c) => !c.weighted) }))
        : outcome.report.tables;
    const report: Report = {
      command: definition.name,
      ...outcome.report,
      tables,
      notes: [
        ...outcome.report.notes,
        ...(shared.scan.weight === undefined || !scanned ? [] : [WEIGHTS_NOTE]),
        ...(scanned ? accountingNotes(scanned) : []),
        ...(settingsNote ? [settingsNote] : []),
      ],
      ...(gates.length > 0 ? { gates } : {}),
      meta: { ...buildMeta(definition.name, scanned, optionsUsed(cmd)), settings: settings ?? null },
    };
    // A file the command saves is named by an option too, and is no input.
    const saved = new Set((outcome.saves ?? []).map((save) => save.file));
    const inputs = [...shared.files, ...lookupFiles(cmd).filter((file) => !saved.has(file))];
    for (const save of outcome.saves ?? []) {
      if (!save.replace && existsSync(save.file))
        throw usageError(`${save.file} exists: it is not replaced`, 'add --force to replace it, or name another file');
    }
    checkTargets([...shared.outputs.map((o) => o.file), ...saved], inputs, io);
    try {
      // One reading, every output: each file is written whole (atomically) before the next.
      for (const { file, format, render } of shared.outputs) {
        // Each output's meta names its own format, as chosen (from -o's extension or --excel too), not only as typed.
        const meta = { ...report.meta, options: { ...(report.meta.options as object), format } };
        await writeOutput(renderStream({ ...report, meta }, format, render), file, inputs, io);
      }
      for (const save of outcome.saves ?? []) await writeOutput(save.text, save.file, inputs, io);
    } finally {
      for (const table of report.tables) table.rest?.close();
    }
    const failed = gates.filter((g) => !g.passed);
    if (failed.length > 0) throw new NpsError('threshold', failed.map((g) => g.reason).join('; '));
  } finally {
    for (const release of locks) release();
  }
}

/**
 * Files the run reads besides its inputs (--config, --themes, any lookup an option names): -o must
 * never replace one of them either. Every option value that names an existing file counts.
 */
function lookupFiles(cmd: Command): string[] {
  return cmd.options
    .filter((o) => o.attributeName() !== 'output')
    .flatMap((o) => cmd.getOptionValue(o.attributeName()) as unknown)
    .filter((value): value is string => typeof value === 'string' && isFile(value));
}

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * `nps report *` in a folder holding a file named `-o` turns that file into the option, and the
 * next file into the output: refuse when the option came from a word that is also a file's name.
 */
function refuseGlobbedOutput(argv: readonly string[]): void {
  for (const word of ['-o', '--output']) {
    if (argv.includes(word) && isFile(word)) {
      throw usageError(
        `a file named ${word} is in this folder, so ${word} may come from a * that matched it`,
        `rename that file, or write the option as --output=FILE`,
      );
    }
  }
}
