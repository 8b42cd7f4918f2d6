import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { inputError } from '../errors.js';
import { randomSuffix } from './paths.js';

/*
 * A state file one run leaves for the next (nps monitor --state): read whole and checked for what
 * it claims to be, and held by a lock while a run works on it, so two runs at once cannot both
 * read the same state and each write their own. The file itself is written like any output:
 * to a temporary file, then renamed over the old one.
 */

/**
 * The state in `file` when it is one of `format`'s, undefined when there is no such file. Anything
 * else there (not JSON, another tool's, a newer version) is an error naming the file: a state is
 * never silently started afresh over one that may be worth keeping.
 */
export function readState(file: string, format: string, version: number): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw inputError(`cannot read the state file ${file}: ${(err as Error).message}`, 'check its permissions');
  }
  const fresh = `move it away to start afresh, or name another state file`;
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    throw inputError(`${file} is not a state file: it is not JSON (damaged, or another file)`, fresh);
  }
  const record = state as Record<string, unknown>;
  if (typeof state !== 'object' || state === null || record.format !== format) {
    throw inputError(`${file} is not a state file of ${format}: it is some other JSON`, fresh);
  }
  if (record.version !== version) {
    throw inputError(
      `${file} is a state of version ${JSON.stringify(record.version)}; this nps reads version ${version}`,
      `run the nps that wrote it, or ${fresh}`,
    );
  }
  return record;
}

/** A lock held on a file: release it once the run has written what it writes. */
export type Release = () => void;

/**
 * Takes `file`.lock, made exclusively, holding this process's ID and host. A lock left by a process
 * of this host that is gone (killed; or whose ID is this process's own, reused in a new container)
 * is taken over; one held by a live process, or by another host, is an error saying whose it is.
 */
export function takeLock(file: string, now: Date, onInterrupt?: (cleanup: () => void) => () => void): Release {
  const lock = `${file}.lock`;
  const holder = { pid: process.pid, host: hostname(), since: now.toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lock, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') {
        throw inputError(`cannot lock ${file}: ${(err as Error).message}`, 'check that its folder is writable');
      }
      const other = readHolder(lock);
      const stale = other && other.host === holder.host && (other.pid === process.pid || !alive(other.pid));
      if (attempt < 5 && stale && takeOver(lock, other)) continue;
      throw inputError(
        `${file} is in use by another run` +
          (other ? ` (process ${other.pid} on ${other.host}, since ${other.since})` : ''),
        `wait for it to end; if none is running, remove ${lock}`,
      );
    }
  }
  const remove = () => rmSync(lock, { force: true });
  const unhook = onInterrupt?.(remove);
  return () => {
    unhook?.();
    remove();
  };
}

type Holder = { pid: number; host: string; since: string };

/**
 * Removes the lock of a process that is gone. Two runs may find the same dead holder: the lock is
 * moved aside first, and when what was moved is no longer that holder's (another run took it over
 * meanwhile) it is put back, so that one run only goes on. False when the lock is another's now.
 */
function takeOver(lock: string, dead: Holder): boolean {
  const aside = `${lock}.${randomSuffix()}.stale`;
  try {
    renameSync(lock, aside);
  } catch {
    // Gone already: another run removed it; try to take it again.
    return true;
  }
  const moved = readHolder(aside);
  if (moved && moved.pid === dead.pid && moved.since === dead.since && moved.host === dead.host) {
    rmSync(aside, { force: true });
    return true;
  }
  try {
    linkSync(aside, lock);
  } catch {
    // A third run holds it now: it is that run's.
  }
  rmSync(aside, { force: true });
  return false;
}

function readHolder(lock: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(lock, 'utf8'));
    return typeof holder?.pid === 'number' ? holder : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, but is another user's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
