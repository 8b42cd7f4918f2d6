import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Below this size a file stays on one thread. A worker takes 0.1-0.2 s to start and load its
 * modules, in which the main thread reads 20-30 MB on its own; measured on 2 cores, two threads
 * were slower than one up to about 50 MB of CSV and gained little at 100 MB. Parquet the same:
 * 1M rows (28 MB) took 0.52 s on one thread and 0.59 s on two; 10M rows (280 MB) 1.60 s and 1.23 s.
 */
const MIN_PARALLEL_BYTES = 64 * 1024 * 1024;
/** More threads than this gain nothing on any machine a survey is read on. */
const MAX_THREADS = 64;

/** Threads to read a file of `size` bytes with (1: the main thread alone); `requested` is --threads. */
export function threadsFor(
  size: number,
  requested: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number {
  if (size < Number(env.NPS_PARALLEL_MIN_BYTES ?? MIN_PARALLEL_BYTES)) return 1;
  return Math.max(1, Math.min(requested ?? availableParallelism(), MAX_THREADS));
}

/**
 * The threads a command line's largest file would be read with, judged before the command loads:
 * 1 when --threads is given (the command then starts what it asks for) or no operand is a large file.
 */
export function threadsForLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): number {
  if (argv.some((arg) => arg === '--threads' || arg.startsWith('--threads='))) return 1;
  let largest = 0;
  for (const arg of argv) {
    if (arg.startsWith('-')) continue;
    try {
      const info = statSync(arg, { throwIfNoEntry: false });
      if (info?.isFile()) largest = Math.max(largest, info.size);
    } catch {
      // Not a path this process can look at: the command says so if it is one it reads.
    }
  }
  return largest === 0 ? 1 : threadsFor(largest, undefined, env);
}
