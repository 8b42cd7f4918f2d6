import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from '../helpers/fake-io.js';

/** Exit codes a hostile input may produce: success, usage, input, data. Never 1 (no gate set) nor 70. */
export const ALLOWED_EXITS = [0, 2, 3, 4] as const;

/**
 * A run that takes longer than this is treated as a hang: main never answering, not main being
 * slow. Runs take milliseconds to a few seconds on an idle machine, so a loaded one cannot reach it
 * by accident. Kept well under vitest's testTimeout (vitest.config.ts): a test that makes a few runs
 * fails on the outcome of the input that hung, not on its own timeout.
 */
export const RUN_TIMEOUT_MS = 2 * 60_000;

/** More stderr than this is not "one clear line", whatever the input. */
export const MAX_STDERR_CHARS = 64 * 1024;

/** A message, its hint, and room for a few warnings or notes before them. */
export const MAX_STDERR_LINES = 6;

export interface Outcome {
  /** How the input was given: `file` or `stdin`, for assertion messages. */
  readonly via: string;
  readonly exit: number | undefined;
  /** Set when main threw (or rejected) instead of returning an exit code. */
  readonly thrown: unknown;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** One temporary directory for a test file; removed by `cleanup`. */
export function tempDir(prefix: string): { path: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { path: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms (hang?)`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `nps <args>` in-process, never letting an exception escape: a throw is recorded in the
 * outcome so the contract check can report it (and fast-check can shrink the input that caused it).
 */
async function run(via: string, args: readonly string[], io: ReturnType<typeof fakeIo>): Promise<Outcome> {
  const started = performance.now();
  let exit: number | undefined;
  let thrown: unknown;
  try {
    exit = await withTimeout(main(args, io), RUN_TIMEOUT_MS);
  } catch (err) {
    thrown = err;
  }
  return { via, exit, thrown, stdout: io.out(), stderr: io.err(), ms: performance.now() - started };
}

/** Any command line, with these bytes on standard input. */
export function runArgs(args: readonly string[], bytes: Uint8Array): Promise<Outcome> {
  return run('stdin', args, fakeIo({ stdin: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }));
}

/** The bytes given as a file path. */
export function runFile(file: string, bytes: Uint8Array, extra: readonly string[] = []): Promise<Outcome> {
  writeFileSync(file, bytes);
  return run('file', ['report', file, ...extra], fakeIo());
}

/** The bytes given on standard input (`report -`), as one chunk or in the given chunk sizes. */
export function runStdin(
  bytes: Uint8Array,
  extra: readonly string[] = [],
  chunkSizes?: readonly number[],
): Promise<Outcome> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const io = fakeIo({ stdin: buffer });
  if (!chunkSizes) return run('stdin', ['report', '-', ...extra], io);
  const chunks: Buffer[] = [];
  let at = 0;
  for (let i = 0; at < buffer.length; i++) {
    const size = Math.max(1, chunkSizes[i % chunkSizes.length] ?? 1);
    chunks.push(buffer.subarray(at, at + size));
    at += size;
  }
  const stdin = Object.assign(Readable.from(chunks), { isTTY: false });
  return run('stdin (chunked)', ['report', '-', ...extra], { ...io, stdin });
}

/** The same bytes as a file and on stdin, with the same extra arguments. */
export async function runBoth(file: string, bytes: Uint8Array, extra: readonly string[] = []): Promise<Outcome[]> {
  return [await runFile(file, bytes, extra), await runStdin(bytes, extra)];
}

export interface JsonRows {
  read: number;
  used: number;
  excluded: Record<string, number>;
  excluded_total: number;
  filtered: number;
}

/**
 * The contract every input must keep, whatever its bytes:
 * - main returns (no throw, no hang) an exit code in 0, 2, 3, 4;
 * - stderr is a few lines, each `nps: ...` or `hint: ...`, with no stack trace, `Error:` or `undefined`;
 * - a failed run writes nothing to stdout;
 * - with --format json, success prints JSON whose rows add up: read = used + excluded_total + filtered.
 * Returns the parsed `meta.rows` of a successful JSON run.
 */
export function expectContract(o: Outcome, json = true): JsonRows | undefined {
  const where = `${o.via}: exit ${o.exit}, stderr ${JSON.stringify(o.stderr.slice(0, 600))}`;
  expect(o.thrown, `${o.via}: main threw instead of returning an exit code`).toBeUndefined();
  expect(ALLOWED_EXITS as readonly number[], where).toContain(o.exit);
  expect(o.ms, `${o.via}: took ${Math.round(o.ms)} ms`).toBeLessThan(RUN_TIMEOUT_MS);
  expectCleanStderr(o.stderr, where);
  if (o.exit !== 0) {
    expect(o.stderr, `${where}: a failure must say why`).toMatch(/^nps: /);
    expect(o.stdout, `${where}: a failed run must not write a partial report`).toBe('');
    return undefined;
  }
  expect(o.stdout.length, `${where}: success with an empty report`).toBeGreaterThan(0);
  if (!json) return undefined;
  let parsed: { meta?: { rows?: JsonRows } };
  try {
    parsed = JSON.parse(o.stdout);
  } catch (err) {
    throw new Error(`${o.via}: stdout is not JSON (${(err as Error).message}): ${o.stdout.slice(0, 300)}`);
  }
  const rows = parsed.meta?.rows;
  expect(rows, `${o.via}: JSON without meta.rows`).toBeDefined();
  const r = rows!;
  const sumOfReasons = Object.values(r.excluded).reduce((a, b) => a + b, 0);
  expect(sumOfReasons, `${o.via}: excluded reasons do not add up to excluded_total`).toBe(r.excluded_total);
  expect(r.read, `${o.via}: read != used + excluded + filtered in ${JSON.stringify(r)}`).toBe(
    r.used + r.excluded_total + r.filtered,
  );
  expect(r.used, `${o.via}: exit 0 with no row used`).toBeGreaterThan(0);
  return r;
}

export function expectCleanStderr(stderr: string, where = ''): void {
  expect(stderr.length, `${where}: stderr is ${stderr.length} characters`).toBeLessThanOrEqual(MAX_STDERR_CHARS);
  expect(stderr, `${where}: stack trace on stderr`).not.toContain('    at ');
  expect(stderr, `${where}: raw error on stderr`).not.toContain('Error:');
  expect(stderr, `${where}: 'undefined' on stderr`).not.toContain('undefined');
  if (stderr === '') return;
  expect(stderr.endsWith('\n'), `${where}: stderr does not end with a newline`).toBe(true);
  const lines = stderr.slice(0, -1).split('\n');
  expect(lines.length, `${where}: ${lines.length} lines on stderr`).toBeLessThanOrEqual(MAX_STDERR_LINES);
  for (const line of lines) expect(line, where).toMatch(/^(nps|hint): /);
  expect(lines.filter((l) => l.startsWith('hint: ')).length, `${where}: more than one hint`).toBeLessThanOrEqual(1);
}

/**
 * Data echoed into a message (a header, a file name) must not carry terminal controls: a raw CR
 * hides the `nps:` prefix, ESC or a C1 CSI starts an escape sequence. Only the line breaks between
 * messages are allowed. Kept apart from expectContract so that the properties checking the rest of
 * the contract are not stopped by the first control byte a header holds.
 */
export function expectNoControlCharacters(stderr: string, where = ''): void {
  const bad = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.exec(stderr);
  expect(
    bad ? `U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${bad.index}` : undefined,
    `${where}: control character on stderr`,
  ).toBeUndefined();
}

/** The line numbers a message names ("line 5", "lines 3, 4"). */
export function namedLine(stderr: string): number | undefined {
  const m = /\bline (\d+)/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}
