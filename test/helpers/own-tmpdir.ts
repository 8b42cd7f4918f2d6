import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/**
 * Points os.tmpdir() (TMPDIR) at a new folder of this test file's own while its tests run, and
 * removes the folder after. A test that counts what the code leaves in the temporary folder then
 * sees only its own: test files run side by side, and theirs (and the binary's children) come and
 * go in the system's at any moment, the more so on a loaded machine.
 */
export function ownTmpdir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const before = process.env.TMPDIR;
  beforeAll(() => {
    process.env.TMPDIR = dir;
  });
  afterAll(() => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}
