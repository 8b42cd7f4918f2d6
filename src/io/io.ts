import { fstatSync } from 'node:fs';
import type { Readable } from 'node:stream';

/** Somewhere output goes: the terminal, a pipe, or a buffer in tests. A promise settles when it is written. */
export interface Sink {
  write(data: string | Uint8Array): void | Promise<void>;
  readonly isTTY: boolean;
  /** A terminal's width in characters. */
  readonly columns?: number;
}

/** A file's identity, so that the same file is recognised under any name (or as stdin). */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** Everything the command line touches of the outside world, injected so tests run in-process. */
export interface Io {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly env: Readonly<Record<string, string | undefined>>;
  now(): Date;
  /** The file standard input reads, when it is redirected from a regular file. */
  stdinFile?(): FileIdentity | undefined;
  /**
   * Runs `cleanup` if the process is interrupted (SIGINT, SIGTERM, SIGHUP) before the returned
   * function is called, then lets the signal end the process as it would have.
   */
  onInterrupt?(cleanup: () => void): () => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function nodeIo(): Io {
  // Failed writes reach the write callbacks below; without a listener they would also crash the process.
  process.stdout.on('error', () => {});
  process.stderr.on('error', () => {});
  const writer =
    (stream: NodeJS.WriteStream) =>
    (data: string | Uint8Array): Promise<void> =>
      new Promise((resolve, reject) => {
        try {
          stream.write(data, (err) => (err ? reject(err) : resolve()));
        } catch (err) {
          reject(err);
        }
      });
  return {
    stdin: process.stdin,
    stdout: { write: writer(process.stdout), isTTY: Boolean(process.stdout.isTTY), columns: process.stdout.columns },
    stderr: { write: (text) => void process.stderr.write(text), isTTY: Boolean(process.stderr.isTTY) },
    env: process.env,
    now: () => new Date(),
    stdinFile() {
      try {
        const info = fstatSync(0);
        return info.isFile() ? { dev: info.dev, ino: info.ino } : undefined;
      } catch {
        return undefined;
      }
    },
    onInterrupt(cleanup) {
      const handler = (signal: NodeJS.Signals) => {
        cleanup();
        release();
        process.kill(process.pid, signal);
      };
      const release = () => {
        for (const signal of SIGNALS) process.removeListener(signal, handler);
      };
      for (const signal of SIGNALS) process.on(signal, handler);
      return release;
    },
  };
}
