import { existsSync, rmSync, statSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { inputError, usageError } from '../../errors.js';
import type { FileIdentity, Io } from '../io.js';
import { canonical, randomSuffix } from '../paths.js';

/** Why a write failed, in words, from its error code. */
const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such folder',
  EISDIR: 'it is a folder',
  EIO: 'an input/output error',
};

const reason = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${WRITE_ERRORS[code] ?? 'failed'} (${code})` : (err as Error).message;
};

/**
 * Writes the rendered output (whole, or in chunks as it is rendered) to stdout, or to a file
 * atomically (a temporary file in the same folder, then a rename), so a reader never sees half a
 * report. A failed write is an error, never success; a reader that has gone (`| head`) is not: the
 * rest of the output is simply not wanted.
 * `inputs` are every file the run reads (- for stdin): the output never replaces one of them.
 */
export async function writeOutput(
  output: string | AsyncIterable<string | Uint8Array>,
  file: string | undefined,
  inputs: readonly string[],
  io: Io,
): Promise<void> {
  const chunks = typeof output === 'string' ? [output] : output;
  if (file === undefined || file === '-') {
    try {
      for await (const chunk of chunks) {
        if (typeof chunk !== 'string' && io.stdout.isTTY) {
          throw usageError(
            'a workbook is bytes, not text: it is not written to a terminal',
            'write it to a file with -o FILE.xlsx, or redirect stdout to one',
          );
        }
        await io.stdout.write(chunk);
      }
    } catch (err) {
      if (err instanceof Error && 'kind' in err) throw err;
      if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
      throw inputError(`cannot write the output: ${reason(err)}`, 'check the free space where the output goes');
    }
    return;
  }
  const target = canonical(file);
  checkTarget(file, target, inputs, io);
  const temporary = join(dirname(target), `.${basename(target)}.${randomSuffix()}.tmp`);
  const removeTemporary = () => rmSync(temporary, { force: true });
  const release = io.onInterrupt?.(removeTemporary);
  try {
    const handle = await open(temporary, 'w');
    try {
      for await (const chunk of chunks) {
        // A write may take only part of the bytes (a nearly full disk): the rest is written until
        // all are, or the disk says why not. Taking a short write for a whole one loses the tail.
        let bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        while (bytes.length > 0) {
          const { bytesWritten } = await handle.write(bytes);
          bytes = bytes.subarray(bytesWritten);
        }
      }
      // The data must reach the disk before the file replaces the old one.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (err) {
    removeTemporary();
    const full = ['ENOSPC', 'EDQUOT'].includes((err as NodeJS.ErrnoException).code ?? '');
    throw inputError(
      `cannot write ${file}: ${reason(err)}`,
      full
        ? `free some space there, or write elsewhere; ${file} is as it was`
        : 'check that the folder exists and is writable',
    );
  } finally {
    release?.();
  }
}

const identity = (path: string): FileIdentity | undefined => {
  try {
    const info = statSync(path);
    return { dev: info.dev, ino: info.ino };
  } catch {
    return undefined;
  }
};

const same = (a: FileIdentity | undefined, b: FileIdentity | undefined) =>
  a !== undefined && b !== undefined && a.dev === b.dev && a.ino === b.ino;

/** Checks every output file before any is written: a refusal of the last must not leave the first replaced. */
export function checkTargets(files: readonly (string | undefined)[], inputs: readonly string[], io: Io): void {
  for (const file of files) if (file !== undefined && file !== '-') checkTarget(file, canonical(file), inputs, io);
}

/**
 * -o writes only to a regular file or a new path: never over a device, FIFO, socket or folder (a
 * rename would replace /dev/null itself), and never over an input, by any name or as stdin.
 */
function checkTarget(file: string, target: string, inputs: readonly string[], io: Io): void {
  if (!existsSync(target)) return;
  const info = statSync(target);
  if (!info.isFile()) {
    throw usageError(
      `refusing to write to ${file}: it is not a regular file (a device, pipe, socket or folder)`,
      'give -o the path of a file; without -o the output goes to stdout',
    );
  }
  const mine = { dev: info.dev, ino: info.ino };
  for (const input of inputs) {
    const other = input === '-' ? io.stdinFile?.() : identity(input);
    if (same(mine, other))
      throw usageError(
        `refusing to write over ${input === '-' ? 'standard input' : 'the input file'} ${file}`,
        'choose another -o path',
      );
  }
}
