import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitArgs } from './helpers/fake-io.js';

/*
 * Output the README quotes comes from a golden case: a paragraph that names
 * `test/cli/cases/<command>/<case>` and ends right before a ```sh block with the command, then a ``` (or
 * ```text) block of what it prints. The command must be the case's, and every quoted line (but `...`) a
 * line of its stdout or stderr, so the README cannot drift from what the tool does. Every output
 * block with a figure in it must be quoted so: ```plaintext marks prose diagrams, and other languages
 * (json, yaml, ts, sql) inputs and code.
 */
const root = join(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const QUOTED =
  /`(test\/cli\/cases\/[\w-]+\/[\w-]+)`[^\n]*\n(?:[^\n]+\n)*?\n```sh\n([\s\S]*?)```\n\n```(?:text)?\n([\s\S]*?)```/g;

const matches = [...readme.matchAll(QUOTED)];
const quotes = matches.map((m) => ({ dir: m[1], command: m[2], output: m[3] }));
/** Where each quoted output block ends. */
const quotedEnds = new Set(matches.map((m) => (m.index ?? 0) + m[0].length));

describe('output the README quotes', () => {
  it('is found', () => {
    expect(quotes.length).toBeGreaterThan(0);
  });

  it('quotes every output with a figure from a case', () => {
    // Fenced blocks in order: an opening fence with its language, its text, and where it ends.
    const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)];
    const unquoted = blocks
      .filter(
        (m) => (m[1] === '' || m[1] === 'text') && /\d/.test(m[2]) && !quotedEnds.has((m.index ?? 0) + m[0].length),
      )
      .map((m) => m[2].split('\n')[0]);
    expect(unquoted).toEqual([]);
  });

  it.each(quotes.map((q) => [q.dir, q] as const))('%s', (dir, { command, output }) => {
    const args = (text: string) =>
      splitArgs(
        text
          .replace(/#[^\n]*/g, '')
          .replace(/\\\n/g, ' ')
          .replace(/^npm ci && npx /, ''),
      );
    expect(args(command)).toEqual(['nps', ...args(readFileSync(join(root, dir, 'cmd'), 'utf8'))]);
    const printed = ['stdout', 'stderr'].flatMap((stream) => readFileSync(join(root, dir, stream), 'utf8').split('\n'));
    for (const line of output.split('\n').filter((l) => l !== '' && l !== '...')) expect(printed).toContain(line);
  });
});

describe('the contents', () => {
  it('lists every section, in order, with links that match the headings', () => {
    const outside = readme.replace(/^```[\s\S]*?^```$/gm, '');
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\w\- ]/g, '')
        .replace(/ /g, '-');
    const sections = [...outside.matchAll(/^## (.+)$/gm)].map((m) => m[1]).filter((h) => h !== 'Contents');
    const listed = [...outside.matchAll(/^- \[(.+)\]\(#(.+)\)$/gm)].map((m) => [m[1], m[2]]);
    expect(listed).toEqual(sections.map((h) => [h, slug(h)]));
  });
});
