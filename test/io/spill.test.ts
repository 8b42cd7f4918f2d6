import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NpsError } from '../../src/errors.js';
import { type LineCodec, SortedSpill, SpillFolder } from '../../src/io/scan/spill.js';
import { ownTmpdir } from '../helpers/own-tmpdir.js';

interface Item {
  readonly time: number;
  readonly order: number;
  readonly text: string;
}

const byTimeThenOrder = (a: Item, b: Item) => b.time - a.time || a.order - b.order;
const codec: LineCodec<Item> = { write: (item) => JSON.stringify(item), read: (line) => JSON.parse(line) as Item };
const collect = async <T>(items: AsyncIterable<T>) => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};
const temp = ownTmpdir('nps-spill-test-');
const folders = () => readdirSync(temp).filter((name) => name.startsWith('nps-list-')).length;

describe('a sorted listing that spills to temporary files', () => {
  const items = fc.array(
    fc.record({
      time: fc.integer({ min: 0, max: 20 }),
      text: fc.string({ unit: fc.constantFrom('a', '\n', '"', 'ö', ',', '\\') }),
    }),
    { maxLength: 200 },
  );

  it('gives the same order as sorting in memory, for any batch size', async () => {
    await fc.assert(
      fc.asyncProperty(items, fc.integer({ min: 1, max: 30 }), async (raw, runItems) => {
        const folder = new SpillFolder();
        const spill = new SortedSpill<Item>(folder, byTimeThenOrder, codec, runItems);
        const all = raw.map((r, order) => ({ ...r, order }));
        for (const item of all) spill.add(item);
        expect(spill.count).toBe(all.length);
        expect(await collect(spill.sorted())).toEqual([...all].sort(byTimeThenOrder));
        folder.remove();
      }),
      { seed: 20261129, numRuns: 100 },
    );
  });

  it('takes another listing whole: its held items and its runs', async () => {
    const folder = new SpillFolder();
    const a = new SortedSpill<Item>(folder, byTimeThenOrder, codec, 4);
    const b = new SortedSpill<Item>(folder, byTimeThenOrder, codec, 4);
    const all = Array.from({ length: 23 }, (_, order) => ({ time: (order * 7) % 5, order, text: `t${order}` }));
    for (const [i, item] of all.entries()) (i % 3 === 0 ? a : b).add(item);
    a.absorb(b);
    expect(a.count).toBe(23);
    expect(await collect(a.sorted())).toEqual([...all].sort(byTimeThenOrder));
    folder.remove();
  });

  it('writes nothing until a batch is full, and removes its folder', async () => {
    const before = folders();
    const folder = new SpillFolder();
    const spill = new SortedSpill<Item>(folder, byTimeThenOrder, codec, 10);
    for (let order = 0; order < 9; order++) spill.add({ time: order, order, text: '' });
    expect(folders()).toBe(before);
    spill.add({ time: 9, order: 9, text: '' });
    expect(folders()).toBe(before + 1);
    folder.remove();
    expect(folders()).toBe(before);
  });
});

describe('a temporary folder that cannot be written', () => {
  it('is an input error naming TMPDIR (exit 3), not a crash', () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent-nps-tmp';
    try {
      const folder = new SpillFolder();
      let error: unknown;
      try {
        folder.next();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(NpsError);
      expect((error as NpsError).exitCode).toBe(3);
      expect((error as NpsError).message).toBe(
        'cannot write the temporary files of a long listing in /nonexistent-nps-tmp (ENOENT)',
      );
      expect((error as NpsError).hint).toBe('set TMPDIR to a folder that exists, is writable and has free space');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
