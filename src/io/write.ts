import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Io } from '../cli/io.js';
import { inputError, usageError } from '../errors.js';

/**
 * Writes the rendered output to stdout, or to a file atomically (a temporary file in the same folder,
 * then a rename), so a reader never sees half a report. Refuses to overwrite any input.
 */
export async function writeOutput(text: string, file: string | undefined, inputs: readonly string[], io: Io): Promise<void> {
  if (file === undefined || file === '-') {
    io.stdout.write(text);
    return;
  }
  const target = canonical(file);
  if (inputs.some((input) => input !== '-' && canonical(input) === target)) {
    throw usageError(`refusing to write over the input file ${file}`, 'choose another -o path');
  }
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text);
    await rename(temporary, target);
  } catch (err) {
    await rm(temporary, { force: true });
    throw inputError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'check that the folder exists and is writable');
  }
}

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
