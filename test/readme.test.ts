import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitArgs } from './helpers/fake-io.js';

/*
 * Output the README quotes comes from a golden case: a paragraph that names
 * `test/cli/cases/<command>/<case>` and ends right before a ```sh block with the command, then a ``` block of what
 * it prints. The command must be the case's, and every quoted line (but `...`) a line of its stdout,
 * so the README cannot drift from what the tool does.
 */
const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const QUOTED = /`(test\/cli\/cases\/[\w-]+\/[\w-]+)`[^\n]*\n(?:[^\n]+\n)*?\n```sh\n([\s\S]*?)```\n\n```\n([\s\S]*?)```/g;

const quotes = [...readme.matchAll(QUOTED)].map((m) => ({ dir: m[1], command: m[2], output: m[3] }));

describe('output the README quotes', () => {
  it('is found', () => {
    expect(quotes.length).toBeGreaterThan(0);
  });

  it.each(quotes.map((q) => [q.dir, q] as const))('%s', (dir, { command, output }) => {
    const args = (text: string) => splitArgs(text.replace(/#[^\n]*/g, '').replace(/\\\n/g, ' '));
    expect(args(command)).toEqual(['nps', ...args(readFileSync(join(root, dir, 'cmd'), 'utf8'))]);
    const printed = readFileSync(join(root, dir, 'stdout'), 'utf8').split('\n');
    for (const line of output.split('\n').filter((l) => l !== '' && l !== '...')) expect(printed).toContain(line);
  });
});
