import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fakeIo } from './fake-io.js';

/** What tests read of a run's JSON meta. */
export interface Meta {
  readonly rows: { readonly used: number } & Readonly<Record<string, unknown>>;
  readonly inputs: readonly { readonly encoding: string }[];
  readonly joins?: unknown;
}

/**
 * A command's figures: its JSON tables, apart from the meta and notes that name the input (so runs
 * on two inputs compare), after checking that it exits 0.
 */
export async function figures(
  ...args: string[]
): Promise<{ tables: Record<string, Record<string, unknown>>; meta: Meta }> {
  const io = fakeIo();
  const exit = await main([...args, '--format', 'json'], io);
  expect(exit, io.err()).toBe(0);
  const { meta, notes: _notes, ...tables } = JSON.parse(io.out());
  return { tables, meta };
}
