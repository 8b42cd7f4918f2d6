import type { Command } from 'commander';
import type { Io } from '../../io/io.js';
import type { SharedFlags } from '../options.js';
import { agents } from './agents.js';
import { columns } from './columns.js';
import { comments } from './comments.js';
import { compare } from './compare.js';
import { drivers } from './drivers.js';
import { followup } from './followup.js';
import { report } from './report.js';
import { samplesize } from './samplesize.js';
import { segments } from './segments.js';
import { themes } from './themes.js';
import { trend } from './trend.js';

/** A subcommand: its definition for commander, its help examples and what it does. */
export interface CommandDefinition {
  readonly name: string;
  /** Other names the command answers to (`detractors` for `followup`). */
  readonly aliases?: readonly string[];
  readonly summary: string;
  /** [command line, what it does]: shown under "Examples" in --help. */
  readonly examples: readonly (readonly [string, string])[];
  configure(cmd: Command): Command;
  /** Does the work and writes the output; throws NpsError for anything the user must hear about. */
  run(args: string[], flags: SharedFlags, io: Io): Promise<void>;
}

/** Adding a command is one file and one line here. */
export const COMMANDS: readonly CommandDefinition[] = [report, trend, agents, segments, compare, drivers, followup, comments, themes, samplesize, columns];
