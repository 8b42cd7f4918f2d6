import type { Readable } from 'node:stream';

/** Somewhere text goes: the terminal, a pipe, or a buffer in tests. */
export interface Sink {
  write(text: string): void;
  readonly isTTY: boolean;
}

/** Everything the command line touches of the outside world, injected so tests run in-process. */
export interface Io {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly env: Readonly<Record<string, string | undefined>>;
  now(): Date;
}

export function nodeIo(): Io {
  // `nps report x.csv | head` closes the pipe early: that is success, not an error to print.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  return {
    stdin: process.stdin,
    stdout: { write: (text) => void process.stdout.write(text), isTTY: Boolean(process.stdout.isTTY) },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) },
    env: process.env,
    now: () => new Date(),
  };
}
