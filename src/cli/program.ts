import { Command, InvalidArgumentError } from 'commander';
import { editDistance } from '../core/text.js';
import { usageError } from '../errors.js';
import { loadConfig } from '../io/config.js';
import type { Io } from '../io/io.js';
import { VERSION } from '../version.js';
import type { AnyCommand } from './command.js';
import { addSharedOptions } from './options.js';
import { runCommand, type Settings } from './runner.js';

const EXIT_CODES_HELP = `
Exit codes:
  0   success
  1   a --fail-* threshold was not met (the output is still written)
  2   usage: unknown option or command, bad option value, unknown column
  3   input: file missing or unreadable, not CSV
  4   data: no valid responses, not a 0-10 scale, or --strict and rows excluded
  70  internal error (please report it)`;

/**
 * The commander tree of these commands (all, or the one a command line runs). It never exits or
 * prints by itself: main() decides both.
 */
export function buildProgram(io: Io, commands: readonly AnyCommand[], argv: readonly string[] = []): Command {
  const output = {
    // Help read by `head` or `| true`: a reader that has gone wants no more of it.
    writeOut: (text: string) => void Promise.resolve(io.stdout.write(text)).catch(() => {}),
    writeErr: (text: string) => io.stderr.write(text),
    outputError: () => {}, // main() prints errors in the one format of the tool
    // A fixed width keeps help identical in every terminal, pipe and test.
    getOutHelpWidth: () => 80,
    getErrHelpWidth: () => 80,
  };
  const program = new Command('nps')
    .description('Net Promoter Score from survey exports, with honest confidence intervals.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput(output)
    .addHelpText(
      'after',
      `
Examples:
  nps report survey.csv
  nps trend survey.csv --period month --last 12m
  nps agents survey.csv --team
  nps compare survey.csv --by channel
  nps followup survey.csv --last 1w --format csv
  nps columns survey.csv
  nps report --help
${EXIT_CODES_HELP}`,
    );

  for (const definition of commands) {
    // The command's own options first, then the shared groups it honours, under their headings.
    const sub = addSharedOptions(definition.configure(new Command(definition.name)), definition.shared)
      .description(definition.summary)
      .aliases(definition.aliases ?? [])
      .helpOption('-h, --help', 'show help')
      .exitOverride()
      .configureOutput(output)
      .addHelpText('after', `\nExamples:\n${examples(definition.examples)}\n`)
      // Operands and options from commander itself, whatever arguments a command declares.
      .action(async function (this: Command) {
        const settings = applyConfig(this);
        await runCommand(definition, this, io, argv, settings);
      });
    program.addCommand(sub);
  }
  return program;
}

/**
 * Settings from the config file fill every option this command has that the command line did not
 * set, through the option's own parser, so a bad value there fails like a bad flag.
 */
function applyConfig(cmd: Command): Settings | undefined {
  const given = cmd.opts().config as string | false | undefined;
  if (given === false) return undefined; // --no-config
  const config = loadConfig(given);
  if (!config) return undefined;
  if (cmd.options.some((o) => o.attributeName() === 'config'))
    cmd.setOptionValueWithSource('config', config.file, 'config');
  const applied: string[] = [];
  for (const [name, value] of config.values) {
    const option = cmd.options.find((o) => o.attributeName() === name);
    if (!option || cmd.getOptionValueSource(name) === 'cli') continue;
    applied.push(option.long ?? name);
    try {
      let parsed: unknown = value;
      if (typeof value === 'number' || typeof value === 'string') {
        const text = String(value);
        if (option.argChoices && !option.argChoices.includes(text))
          throw new InvalidArgumentError(`Allowed choices are ${option.argChoices.join(', ')}.`);
        parsed = option.parseArg ? option.parseArg(text, undefined as never) : text;
      }
      cmd.setOptionValueWithSource(name, parsed, 'config');
    } catch (err) {
      throw usageError(`${config.file}: ${name}: ${(err as Error).message}`, 'see the README for every key');
    }
  }
  return { file: config.file, options: applied };
}

function examples(list: readonly (readonly [string, string])[]): string {
  return list.map(([line, what]) => `  # ${what}\n  ${line}`).join('\n\n');
}

/** `nps help report` is `nps report --help`; `nps help nosuch` is refused like `nps nosuch`. */
export function helpCommand(argv: readonly string[], program: Command): readonly string[] {
  if (argv[0] !== 'help' || argv.length !== 2) return argv;
  const names = program.commands.flatMap((c) => [c.name(), ...c.aliases()]);
  if (!names.includes(argv[1])) {
    const near = names
      .filter((n) => n !== 'help')
      .sort((a, b) => editDistance(a, argv[1]) - editDistance(b, argv[1]))[0];
    const suggestion = editDistance(near, argv[1]) <= 3 ? ` (did you mean ${near}?)` : '';
    throw usageError(`unknown command '${argv[1]}'${suggestion}`, "see 'nps --help'");
  }
  return [argv[1], '--help'];
}
