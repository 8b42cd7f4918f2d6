import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Whether two paths name the same file (through links and relative parts); stdin is no file. */
export const sameFile = (a: string, b: string): boolean =>
  a !== '-' && b !== '-' && a !== 'stdin' && b !== 'stdin' && canonical(a) === canonical(b);

/** The real path of a file, or of its folder plus its name when it does not exist yet. */
export function canonical(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/** Twelve random hex digits: a temporary file's name kept apart from another run's. */
export const randomSuffix = (): string => Buffer.from(crypto.getRandomValues(new Uint8Array(6))).toString('hex');
