import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo, splitArgs } from '../helpers/fake-io.js';

/**
 * Golden CLI cases: test/cli/cases/<command>/<case>/ holds `cmd` (the arguments after `nps`),
 * optionally `stdin.from` (a file whose bytes are piped in) and `env` (KEY=value lines), and the
 * expected `stdout`, `stderr` and `exit`. `npx vitest run -u` rewrites the expectations; review
 * them with git diff.
 */
const root = join(import.meta.dirname, 'cases');

for (const command of readdirSync(root).sort()) {
  describe(command, () => {
    for (const name of readdirSync(join(root, command)).sort()) {
      const dir = join(root, command, name);
      it(name, async () => {
        const argv = splitArgs(readFileSync(join(dir, 'cmd'), 'utf8'));
        const stdinFrom = join(dir, 'stdin.from');
        const envFile = join(dir, 'env');
        const io = fakeIo({
          stdin: existsSync(stdinFrom) ? readFileSync(readFileSync(stdinFrom, 'utf8').trim()) : undefined,
          env: existsSync(envFile)
            ? Object.fromEntries(
                readFileSync(envFile, 'utf8')
                  .trim()
                  .split('\n')
                  .map((l) => l.split(/=(.*)/s).slice(0, 2)),
              )
            : {},
        });
        const code = await main(argv, io);
        await expect(io.out()).toMatchFileSnapshot(join(dir, 'stdout'));
        await expect(io.err()).toMatchFileSnapshot(join(dir, 'stderr'));
        await expect(`${code}\n`).toMatchFileSnapshot(join(dir, 'exit'));
      });
    }
  });
}
