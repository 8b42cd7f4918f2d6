import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { inputError, usageError } from '../errors.js';
import type { Io } from './io.js';

/**
 * Writes the rendered output to stdout, or to a file atomically (a temporary file in the same folder,
 * then a rename), so a reader never sees half a report. Refuses to overwrite any input.
 */
export async function writeOutput(text: string, file: string | undefined, inputs: readonly string[], io: Io): Promise<void> {
  if (file === undefined || file === '-') {
    io.stdout.write(text);
    return;
  }
  if (inputs.some((input) => input !== '-' && sameFile(input, file))) {
    throw usageError(`refusing to write over the input file ${file}`, 'choose another -o path');
  }
  const target = canonical(file);
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text);
    await rename(temporary, target);
  } catch (err) {
    await rm(temporary, { force: true });
    throw inputError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check that the folder exists and is writable');
  }
}

/** Whether two paths name the same file (through links and relative parts); stdin is no file. */
export const sameFile = (a: string, b: string): boolean => a !== '-' && b !== '-' && a !== 'stdin' && b !== 'stdin' && canonical(a) === canonical(b);

/** The real path of a file, or of its folder plus its name when it does not exist yet. */
function canonical(path: string): string {
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
