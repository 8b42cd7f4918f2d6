import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inputError, usageError } from '../errors.js';
import type { Io } from './io.js';
import { canonical, sameFile } from './paths.js';

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
