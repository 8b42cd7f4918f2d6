import { NpsError } from '../errors.js';
import type { Io } from '../io/io.js';
import { threadsForLine } from '../io/scan/threads.js';
import { forMessage } from '../report/sanitize.js';
import { VERSION } from '../version.js';

/**
 * Runs the command line and returns the exit code. The only place that catches errors and the
 * only place that chooses an exit code: everything below throws NpsError or returns normally.
 */
export async function main(argv: readonly string[], raw: Io): Promise<number> {
  const io = withSafeMessages(raw);
  // `nps --version` answers before the commands (and their CSV, date and table libraries) load.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    // A reader that has gone (`nps --version | true`) is no error.
    await Promise.resolve(io.stdout.write(`${VERSION}\n`)).catch(() => {});
    return 0;
  }
  // A large file's parts are read by worker threads: started now, they load while the command does.
  const threads = threadsForLine(argv, io.env);
  const parallel =
    threads > 1
      ? import('../io/scan/parallel.js').then((p) => {
          p.startEarly(threads - 1);
          return p;
        })
      : undefined;
  try {
    return await run(argv, io);
  } finally {
    (await parallel)?.stopEarly();
  }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
  const [{ buildProgram, helpCommand }, { commandsFor }] = await Promise.all([
    import('./program.js'),
    import('./commands/index.js'),
  ]);
  const program = buildProgram(io, await commandsFor(argv), argv);
  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return 2;
    }
    await program.parseAsync([...helpCommand(argv, program)], { from: 'user' });
    return 0;
  } catch (err) {
    return report(err, io, argv);
  }
}

function report(err: unknown, io: Io, argv: readonly string[]): number {
  if (isCommanderError(err)) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version')
      return 0;
    // Commander puts its "(Did you mean ...?)" on a line of its own: keep the message to one line.
    const message = err.message.replace(/^error: /, '').replace(/\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)');
    const command = argv.find((a) => !a.startsWith('-'));
    // A counts table has no single responses: the commands that read them say so, not only that the flag is unknown.
    const hint =
      err.code === 'commander.unknownOption' && /'--counts'/.test(message)
        ? `${command} needs the responses themselves (their comments, IDs or values), not counts: give the export`
        : `see 'nps ${command && err.code !== 'commander.unknownCommand' ? `${command} ` : ''}--help'`;
    io.stderr.write(`nps: ${message}\nhint: ${hint}\n`);
    return 2;
  }
  if (err instanceof NpsError) {
    // Messages quote the data (file and column names): no control characters reach the terminal.
    io.stderr.write(`nps: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
    if (io.env.NPS_DEBUG && err.stack) io.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  io.stderr.write(
    `nps: internal error: ${e.message}\nhint: this is a bug; please report it with the command you ` +
      `ran${io.env.NPS_DEBUG ? '' : ' (NPS_DEBUG=1 shows details)'}\n`,
  );
  if (io.env.NPS_DEBUG && e.stack) io.stderr.write(`${e.stack}\n`);
  return 70;
}

/**
 * The one door to stderr: every line written there (errors, hints, warnings, notes, option
 * errors that echo a value) loses terminal controls and is cut to a readable length. Progress
 * lines, which redraw themselves with a carriage return, are made safe where they are written.
 */
function withSafeMessages(io: Io): Io {
  const write = (text: string) =>
    io.stderr.write(text.startsWith('\r') ? text : text.split('\n').map(forMessage).join('\n'));
  return { ...io, stderr: { write, isTTY: io.stderr.isTTY } };
}

/** Commander's own errors, known by their code: importing commander here would slow every start-up. */
const isCommanderError = (err: unknown): err is Error & { code: string } => {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('commander.');
};
