import type { AnyCommand } from '../command.js';

/** A command by its names, its definition loaded only when it runs (or when help lists them all). */
export interface CommandEntry {
  readonly name: string;
  readonly aliases?: readonly string[];
  load(): Promise<AnyCommand>;
}

/**
 * Adding a command is one file and one line here. A run loads the one command it names: loading
 * them all (and the analyses they import) would take longer than reading a small export.
 */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'report', load: async () => (await import('./report.js')).report },
  { name: 'summary', load: async () => (await import('./summary.js')).summary },
  { name: 'trend', load: async () => (await import('./trend.js')).trend },
  { name: 'monitor', load: async () => (await import('./monitor.js')).monitor },
  { name: 'agents', load: async () => (await import('./agents.js')).agents },
  { name: 'segments', load: async () => (await import('./segments.js')).segments },
  { name: 'compare', load: async () => (await import('./compare.js')).compare },
  { name: 'drivers', load: async () => (await import('./drivers.js')).drivers },
  { name: 'expected', load: async () => (await import('./expected.js')).expected },
  { name: 'followup', aliases: ['detractors'], load: async () => (await import('./followup.js')).followup },
  { name: 'comments', load: async () => (await import('./comments.js')).comments },
  { name: 'themes', load: async () => (await import('./themes.js')).themes },
  { name: 'samplesize', load: async () => (await import('./samplesize.js')).samplesize },
  { name: 'sql', load: async () => (await import('./sql.js')).sql },
  { name: 'columns', load: async () => (await import('./columns.js')).columns },
];

/** Every command's definition, in the order help lists them. */
export const allCommands = (): Promise<AnyCommand[]> => Promise.all(COMMANDS.map((c) => c.load()));

/**
 * The definitions a command line needs: the command it starts with, or all of them when it starts
 * with none (help, an option, a name that is no command, which commander then refuses with a suggestion).
 */
export async function commandsFor(argv: readonly string[]): Promise<AnyCommand[]> {
  const named = COMMANDS.find((c) => c.name === argv[0] || c.aliases?.includes(argv[0]));
  return named ? [await named.load()] : allCommands();
}
