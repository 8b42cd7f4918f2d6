import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { allCommands, COMMANDS, commandsFor } from '../../src/cli/commands/index.js';
import { CHILD_TIMEOUT_MS, spawnChild } from '../helpers/child.js';

const root = join(import.meta.dirname, '..', '..');
const temp = mkdtempSync(join(tmpdir(), 'nps-registry-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('the command registry', () => {
  it("names each command and its aliases as the command's own definition does", async () => {
    const definitions = await allCommands();
    expect(COMMANDS.map((c) => [c.name, c.aliases ?? []])).toEqual(definitions.map((d) => [d.name, d.aliases ?? []]));
  });

  it('gives a command line the command it starts with, by name or alias, and all of them otherwise', async () => {
    expect((await commandsFor(['report', 'x.csv'])).map((c) => c.name)).toEqual(['report']);
    expect((await commandsFor(['detractors', 'x.csv'])).map((c) => c.name)).toEqual(['followup']);
    for (const argv of [['--help'], ['help', 'report'], ['reprot', 'x.csv'], []])
      expect((await commandsFor(argv)).length, argv.join(' ')).toBe(COMMANDS.length);
  });

  it(
    'loads only the command a run names, of the built commands',
    async () => {
      // A hook that lists every command module the built CLI loads.
      const hook = join(temp, 'hook.mjs');
      writeFileSync(
        hook,
        `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(\`
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (resolved.url.includes('/dist/cli/commands/')) process.stderr.write('loaded ' + resolved.url.split('/').pop() + '\\\\n');
  return resolved;
}\`));`,
      );
      const loaded = async (args: string[]) => {
        const result = await spawnChild(
          process.execPath,
          ['--import', pathToFileURL(hook).href, 'bin/nps.js', ...args],
          {
            cwd: root,
            env: { ...process.env, NO_COLOR: '1' },
          },
        );
        return [...result.stderr.matchAll(/^loaded (.+)$/gm)].map((m) => m[1]).sort();
      };
      expect(await loaded(['report', 'fixtures/basic.csv'])).toEqual(['index.js', 'report.js']);
      expect((await loaded(['--help'])).length).toBe(COMMANDS.length + 1);
    },
    CHILD_TIMEOUT_MS,
  );
});
