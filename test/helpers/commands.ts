/**
 * What each command needs besides its input to run on an export with the usual columns
 * (score, date, agent, team, channel, comment): the tests that walk the registry use it, and fail
 * when a command is added without a line here.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A monitor state no run writes (--dry-run), one per test file, so that no two files share its lock. */
const NO_STATE = join(tmpdir(), `npskit-no-state-${randomUUID()}.json`);

export const RUN_ARGS: Readonly<Record<string, readonly string[]>> = {
  report: [],
  summary: [],
  trend: [],
  // A baseline long and lenient enough for the generated exports of a few dozen rows over 2023-2024,
  // at a level given (a few rows may hold no detractor).
  monitor: [
    '--state',
    NO_STATE,
    '--dry-run',
    '--as-of',
    '2024-12-31',
    '--baseline',
    '600d',
    '--min-n',
    '1',
    '--expected-detractors',
    '20',
    '--expected-nps',
    '10',
  ],
  agents: ['--min-n', '20'],
  segments: ['--by', 'channel'],
  compare: ['--by', 'channel'],
  drivers: ['--categorical', 'channel'],
  expected: ['--features', 'channel,team'],
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

/**
 * The second of test/cli/monitor.test.ts's three daily runs, on its baseline state (left as it
 * was): a page with one alert, for the tests that look at pages.
 */
export const MONITOR_SECOND_RUN: readonly string[] = [
  'monitor',
  'fixtures/monitor/export-2026-10-08.csv',
  '--by',
  'channel',
  '--state',
  'test/cli/sequences/monitor/1-baseline/state.json',
  '--dry-run',
  '--no-fail-on-alert',
  '--as-of',
  '2026-10-08T06:00Z',
];
