import type { NumberStyle } from './format.js';

/** Everything a renderer needs to know besides the report. */
export interface RenderOptions extends NumberStyle {
  /** Excel in Nordic and Polish locales: `;`, decimal comma, BOM, CRLF (CSV only). */
  readonly excel: boolean;
  /** Colour depth 0-3; 0 is none. */
  readonly colorLevel: 0 | 1 | 2 | 3;
  /** Rows of a listing that people's displays show (table, Markdown); machines always get all. */
  readonly limit?: number;
  /** The terminal's width in characters, when the table goes to one: wide tables wrap to fit it. */
  readonly width?: number;
}

/**
 * Colour only for a terminal, never with NO_COLOR or TERM=dumb; FORCE_COLOR (0-3, or empty for 1) asks for
 * it anyway, e.g. in CI logs that render ANSI.
 */
export function colorLevel(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '' || force === 'true') return 1;
    const level = Number(force);
    return level >= 0 && level <= 3 ? (Math.floor(level) as 0 | 1 | 2 | 3) : 0;
  }
  // A terminal that says it cannot show escape sequences.
  if (env.TERM === 'dumb') return 0;
  return isTTY ? 1 : 0;
}

/** The styles a terminal table is written in. */
export interface Paint {
  readonly green: (text: string) => string;
  readonly red: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly boldRed: (text: string) => string;
}

const unstyled = (text: string) => text;
export const PLAIN: Paint = { green: unstyled, red: unstyled, bold: unstyled, boldRed: unstyled };

/** The styles at a colour depth: chalk loads only when there is colour to write. */
export async function paint(level: RenderOptions['colorLevel']): Promise<Paint> {
  if (level === 0) return PLAIN;
  const chalk = new (await import('chalk')).Chalk({ level });
  return { green: chalk.green, red: chalk.red, bold: chalk.bold, boldRed: chalk.bold.red };
}
