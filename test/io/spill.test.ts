import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NpsError } from '../../src/errors.js';
import { type LineCodec, type Listing, SortedListing, SpillFolder } from '../../src/io/scan/spill.js';
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
        const listing = new SortedListing<Item>(folder.path, byTimeThenOrder, codec, runItems);
        const list = listing.empty();
        const all = raw.map((r, order) => ({ ...r, order }));
        for (const item of all) listing.add(list, item);
        expect(list.count).toBe(all.length);
        expect(await collect(listing.sorted(list))).toEqual([...all].sort(byTimeThenOrder));
        folder.remove();
      }),
      { seed: 20261129, numRuns: 100 },
    );
  });

  it('takes in listings of the items that came after its own, runs and all, as one listing of them all', async () => {
    // Three parts of a reading, each listed apart (as threads do) with orders counted from 0.
    await fc.assert(
      fc.asyncProperty(items, items, items, fc.integer({ min: 1, max: 12 }), async (x, y, z, runItems) => {
        const folder = new SpillFolder();
        const listing = new SortedListing<Item>(folder.path, byTimeThenOrder, codec, runItems);
        const listOf = (part: typeof x): Listing<Item> => {
          const list = listing.empty();
          for (const item of part) listing.add(list, { ...item, order: list.count });
          return list;
        };
        const [a, b, c] = [listOf(x), listOf(y), listOf(z)];
        // The later two taken in first, then by the first: offsets add up.
        listing.absorb(b, c);
        listing.absorb(a, b);
        const all = [...x, ...y, ...z].map((item, order) => ({ ...item, order }));
        expect(a.count).toBe(all.length);
        expect(await collect(listing.sorted(a))).toEqual([...all].sort(byTimeThenOrder));
        folder.remove();
      }),
      { seed: 20261203, numRuns: 60 },
    );
  });

  it('writes nothing until a batch is full, and removes its folder', async () => {
    const before = folders();
    const folder = new SpillFolder();
    const listing = new SortedListing<Item>(folder.path, byTimeThenOrder, codec, 10);
    const list = listing.empty();
    for (let order = 0; order < 9; order++) listing.add(list, { time: order, order, text: '' });
    expect(folders()).toBe(before);
    listing.add(list, { time: 9, order: 9, text: '' });
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
      const listing = new SortedListing<Item>(folder.path, byTimeThenOrder, codec, 1);
      let error: unknown;
      try {
        listing.add(listing.empty(), { time: 0, order: 0, text: '' });
      } catch (err) {
        error = err;
      }
      folder.remove();
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
