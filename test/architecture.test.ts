import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', 'src');
const filesIn = (dir: string) =>
  readdirSync(join(src, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
const importsOf = (file: string) =>
  [...readFileSync(join(src, file), 'utf8').matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'/g)].map(
    (m) => m[1] ?? m[2],
  );

describe('architecture', () => {
  const core = filesIn('core');

  it('has a core to check', () => {
    expect(core.length).toBeGreaterThan(5);
  });

  it.each(core)('%s imports only other core modules and pure libraries (no I/O, terminal or CSV libraries)', (file) => {
    for (const spec of importsOf(file))
      expect(spec, `${file} imports ${spec}`).toMatch(
        /^(\.\/[\w-]+\.js|date-fns(\/[\w-]+)?|stopword|simple-statistics)$/,
      );
  });

  it.each(core)('%s does not read the clock or the environment', (file) => {
    const text = readFileSync(join(src, file), 'utf8');
    expect(text).not.toMatch(/Date\.now\(|new Date\(\)|process\.|console\./);
  });

  const io = ['io', 'io/source', 'io/scan', 'io/write'].flatMap(filesIn);

  it.each(io)('%s (input and output) never imports the command line', (file) => {
    for (const spec of importsOf(file)) expect(spec, `${file} imports ${spec}`).not.toMatch(/\/cli\//);
  });

  /*
   * io/ is laid out as the pipeline: source/ turns a file into records (bytes, encodings, dialect,
   * readers), scan/ plans the columns and folds the records, write/ writes what a command renders;
   * io/ itself holds what all of them share. Each imports only what comes before it.
   */
  const before: Readonly<Record<string, readonly string[]>> = {
    io: [],
    'io/source': ['io'],
    'io/write': ['io'],
    'io/scan': ['io', 'io/source'],
  };

  it.each(io)('%s imports only the io folders before its own', (file) => {
    const folder = file.slice(0, file.lastIndexOf('/'));
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = join(folder, spec);
      const targetFolder = target.slice(0, target.lastIndexOf('/'));
      if (!targetFolder.startsWith('io')) continue;
      expect([folder, ...before[folder]], `${file} imports ${spec}`).toContain(targetFolder);
    }
  });

  const commands = filesIn('cli/commands').filter((f) => !f.endsWith('index.ts'));

  it('has commands to check', () => {
    expect(commands.length).toBeGreaterThan(5);
  });

  it.each(commands)('%s imports no other command', (file) => {
    for (const spec of importsOf(file)) expect(spec, `${file} imports ${spec}`).not.toMatch(/^\.\/[\w-]+\.js$/);
  });

  it.each(commands)('%s computes and returns its report: it never writes, renders or exits', (file) => {
    for (const spec of importsOf(file))
      expect(spec, `${file} imports ${spec}`).not.toMatch(
        /\/io\/write\.js$|\/report\/(index|table|csv|json|markdown)\.js$/,
      );
    expect(readFileSync(join(src, file), 'utf8')).not.toMatch(/\bstdout\b|\bstderr\b|process\.|console\./);
  });

  it.each(filesIn('report'))('%s (a renderer) knows nothing about NPS statistics or files', (file) => {
    for (const spec of importsOf(file)) expect(spec, `${file} imports ${spec}`).not.toMatch(/\/core\/|\/io\/|^node:/);
  });

  // Spreading an unbounded array into a call's arguments overflows the stack past ~125,000 items
  // (groups, periods, rows): Math.max(...values), list.push(...items). core/extent.ts has the loops.
  const allFiles = (dir: string): string[] =>
    readdirSync(join(src, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? allFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
    );

  it.each(allFiles('.'))('%s spreads no array into Math.min, Math.max, push or unshift', (file) => {
    const text = readFileSync(join(src, file), 'utf8');
    expect(text).not.toMatch(/\b(?:Math\.(?:min|max)|\.push|\.unshift)\(\s*(?:[\w.]+\s*,\s*)*\.\.\./);
  });
});
