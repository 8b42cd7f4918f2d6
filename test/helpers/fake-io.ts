import { Readable } from 'node:stream';
import type { Io } from '../../src/io/io.js';

export interface FakeIo extends Io {
  readonly out: () => string;
  readonly err: () => string;
}

/** An Io that records what the CLI writes; stdin is the given bytes (or an interactive terminal). */
export function fakeIo(
  options: {
    stdin?: Buffer;
    env?: Record<string, string>;
    stdoutIsTTY?: boolean;
    stderrIsTTY?: boolean;
    stdoutColumns?: number;
  } = {},
): FakeIo {
  const out: string[] = [];
  const err: string[] = [];
  const stdin = Object.assign(Readable.from(options.stdin ? [options.stdin] : []), {
    isTTY: options.stdin === undefined,
  });
  return {
    stdin,
    stdout: {
      write: (data) => void out.push(typeof data === 'string' ? data : Buffer.from(data).toString('latin1')),
      isTTY: options.stdoutIsTTY ?? false,
      columns: options.stdoutColumns,
    },
    stderr: { write: (data) => void err.push(String(data)), isTTY: options.stderrIsTTY ?? false },
    env: options.env ?? {},
    now: () => new Date('2026-01-15T12:00:00Z'),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

/** Splits a command line the way a shell would for simple quoting: 'single', "double", spaces. */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  const pattern = /'([^']*)'|"((?:\\.|[^"\\])*)"|(\S+)/g;
  let current: string | undefined;
  let lastEnd = -1;
  for (const m of line.trim().matchAll(pattern)) {
    const piece = m[1] ?? m[2]?.replace(/\\(.)/g, '$1') ?? m[3];
    if (m.index === lastEnd && current !== undefined) current += piece;
    else {
      if (current !== undefined) args.push(current);
      current = piece;
    }
    lastEnd = m.index + m[0].length;
  }
  if (current !== undefined) args.push(current);
  return args;
}
