import type { AnyCommand } from '../command.js';
import { agents } from './agents.js';
import { columns } from './columns.js';
import { comments } from './comments.js';
import { compare } from './compare.js';
import { drivers } from './drivers.js';
import { expected } from './expected.js';
import { followup } from './followup.js';
import { monitor } from './monitor.js';
import { report } from './report.js';
import { samplesize } from './samplesize.js';
import { segments } from './segments.js';
import { sql } from './sql.js';
import { summary } from './summary.js';
import { themes } from './themes.js';
import { trend } from './trend.js';

/** Adding a command is one file and one line here. */
export const COMMANDS: readonly AnyCommand[] = [
  report,
  summary,
  trend,
  monitor,
  agents,
  segments,
  compare,
  drivers,
  expected,
  followup,
  comments,
  themes,
  samplesize,
  sql,
  columns,
];
