/**
 * What each command needs besides its input to run on an export with the usual columns
 * (score, date, agent, team, channel, comment): the tests that walk the registry use it, and fail
 * when a command is added without a line here.
 */
export const RUN_ARGS: Readonly<Record<string, readonly string[]>> = {
  report: [],
  summary: [],
  trend: [],
  agents: ['--min-n', '20'],
  segments: ['--by', 'channel'],
  compare: ['--by', 'channel'],
  drivers: ['--categorical', 'channel'],
  followup: [],
  comments: ['--min-count', '2'],
  themes: [],
  samplesize: ['--margin', '5'],
  sql: ['--table', 'responses'],
  columns: [],
};

/** Commands that read no export (they plan from numbers alone). */
export const READS_NO_INPUT: ReadonlySet<string> = new Set(['samplesize', 'sql']);

/** Commands whose JSON describes the file rather than accounting for its rows. */
export const DESCRIBES_ONLY: ReadonlySet<string> = new Set(['columns']);
