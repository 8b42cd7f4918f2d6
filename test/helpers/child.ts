import { type SpawnSyncOptions, type SpawnSyncReturns, spawnSync } from 'node:child_process';

/**
 * How long a child process a test starts may run before it is killed: a bound for a hang, not a
 * speed check. The children take seconds on an idle machine; a shared CI machine under load must
 * never reach this by accident. It is needed at all because a synchronous spawn blocks vitest's
 * own timer, so a hung child would otherwise hang the whole run.
 */
export const CHILD_TIMEOUT_MS = 5 * 60_000;

/** spawnSync with text output and CHILD_TIMEOUT_MS; a child killed for running past it fails the test, saying so. */
export function spawnChild(
  command: string,
  args: readonly string[],
  options: SpawnSyncOptions = {},
): SpawnSyncReturns<string> {
  const timeout = options.timeout ?? CHILD_TIMEOUT_MS;
  const result = spawnSync(command, args, { ...options, timeout, encoding: 'utf8' });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT') {
    throw new Error(
      `${command} ${args.join(' ').slice(0, 200)}: still running after ${timeout / 1000} s, killed (a hang?)`,
    );
  }
  return result;
}
