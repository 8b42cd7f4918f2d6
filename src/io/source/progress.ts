import { forTerminal } from '../../report/sanitize.js';
import type { Io } from '../io.js';

const THRESHOLD_BYTES = 50 * 1024 * 1024;
const EVERY_MS = 250;

/** Progress of reading a large file, on stderr, only for a person at a terminal (never in pipes or CI). */
export interface Progress {
  advance(bytes: number): void;
  done(): void;
}

const silent: Progress = { advance() {}, done() {} };

export function progressFor(name: string, size: number | undefined, io: Io): Progress {
  if (!size || size < THRESHOLD_BYTES || !io.stderr.isTTY || io.env.CI) return silent;
  let read = 0;
  let last = 0;
  let shown = false;
  const mb = (b: number) => (b / 1e6).toFixed(0);
  return {
    advance(bytes) {
      read += bytes;
      const now = Date.now();
      if (now - last < EVERY_MS) return;
      last = now;
      shown = true;
      io.stderr.write(
        `\rreading ${forTerminal(name)}: ${Math.min(100, Math.floor((100 * read) / size))}% ` +
          `(${mb(read)} of ${mb(size)} MB)`,
      );
    },
    done() {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}
