import { randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { threadId } from 'node:worker_threads';
import { inputError } from '../../errors.js';

/** Items held in memory before a sorted run of them goes to a temporary file. */
export const RUN_ITEMS = 50_000;

/** How an item is written as one line of a run file, and read back. */
export interface LineCodec<T> {
  write(item: T): string;
  read(line: string): T;
}

/**
 * A temporary file operation, its failure an input error (exit 3) that names TMPDIR: a missing,
 * read-only or full temporary folder is the machine's state, not a bug.
 */
function temporary<T>(operation: () => T): T {
  try {
    return operation();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw inputError(
      `cannot write the temporary files of a long listing in ${tmpdir()} (${code})`,
      'set TMPDIR to a folder that exists, is writable and has free space',
    );
  }
}

/**
 * The temporary folder of a listing's runs, named when the listing starts and made when the first
 * run is written (by any thread); the thread that names it removes it when the listing has been
 * read, or, if it never is, when the process exits.
 */
export class SpillFolder {
  readonly path = join(tmpdir(), `nps-list-${randomUUID()}`);
  private readonly atExit = () => this.remove();
  /** Ctrl-C (or a kill) ends the process without 'exit': remove the folder, then let the signal do what it would. */
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.remove();
    process.kill(process.pid, signal);
  };

  constructor() {
    process.once('exit', this.atExit);
    for (const signal of SIGNALS) process.once(signal, this.onSignal);
  }

  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
    process.removeListener('exit', this.atExit);
    for (const signal of SIGNALS) process.removeListener(signal, this.onSignal);
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Runs this thread has written: with the thread's id, a run's file name is unique among threads. */
let runsWritten = 0;

/** Writes one run's lines to a new file in `folder` (made if need be); returns its path. */
function writeRun(folder: string, text: string): string {
  return temporary(() => {
    // Not recursive: a TMPDIR that does not exist is the machine's to mend, not ours to make.
    // Threads spill into one folder: whichever makes it first, the others find it made.
    try {
      mkdirSync(folder, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const path = join(folder, `run-${threadId}-${runsWritten++}`);
    writeFileSync(path, text);
    return path;
  });
}

/** An item of a listing: its order is its place among the items added, which breaks ties. */
export interface Ordered {
  readonly order: number;
}

/**
 * A listing as plain data, so that it crosses threads: the items held in memory, the sorted runs
 * written to files, and how many items it has. A run's items are read back with their order
 * shifted by the run's offset: the items added before a listing's own, when it was taken in.
 */
export interface Listing<T> {
  held: T[];
  runs: { readonly path: string; readonly offset: number }[];
  count: number;
}

/**
 * Items to be listed in order, however many: up to `runItems` are held in memory; past that each
 * full batch is sorted and written to a temporary file as one run, and the runs are merged as the
 * items are read back. Memory stays at one batch plus one line per run, whatever the count.
 */
export class SortedListing<T extends Ordered> {
  constructor(
    private readonly folder: string,
    private readonly compare: (a: T, b: T) => number,
    private readonly codec: LineCodec<T>,
    private readonly runItems = RUN_ITEMS,
  ) {}

  empty(): Listing<T> {
    return { held: [], runs: [], count: 0 };
  }

  /** Adds an item whose order is the listing's count (its place among the items added). */
  add(list: Listing<T>, item: T): void {
    list.held.push(item);
    list.count++;
    if (list.held.length >= this.runItems) this.flush(list);
  }

  /** Takes a listing of the items that came after `into`'s (its runs are shared, not copied: neither changes a run). */
  absorb(into: Listing<T>, from: Listing<T>): void {
    const offset = into.count;
    for (const run of from.runs) into.runs.push({ path: run.path, offset: run.offset + offset });
    into.count += from.count;
    for (const item of from.held) {
      into.held.push({ ...item, order: item.order + offset });
      if (into.held.length >= this.runItems) this.flush(into);
    }
  }

  private flush(list: Listing<T>): void {
    list.held.sort(this.compare);
    const path = writeRun(this.folder, list.held.map((item) => `${this.codec.write(item)}\n`).join(''));
    list.runs.push({ path, offset: 0 });
    list.held = [];
  }

  /** Every item, in order: the held ones and each run's, merged. */
  async *sorted(list: Listing<T>): AsyncGenerator<T> {
    const held = [...list.held].sort(this.compare);
    const sources: { next: () => Promise<T | undefined>; head: T | undefined }[] = [];
    const readers = list.runs.map((run) => ({
      offset: run.offset,
      lines: createInterface({ input: createReadStream(run.path), crlfDelay: Infinity }),
    }));
    try {
      let at = 0;
      sources.push({ next: async () => held[at++], head: undefined });
      for (const { offset, lines } of readers) {
        const iterator = lines[Symbol.asyncIterator]();
        const next = async () => {
          const line = await iterator.next();
          if (line.done) return undefined;
          const item = this.codec.read(line.value);
          return offset === 0 ? item : { ...item, order: item.order + offset };
        };
        sources.push({ next, head: undefined });
      }
      for (const source of sources) source.head = await source.next();
      for (;;) {
        let best = -1;
        for (let i = 0; i < sources.length; i++) {
          const head = sources[i].head;
          if (head !== undefined && (best < 0 || this.compare(head, sources[best].head as T) < 0)) best = i;
        }
        if (best < 0) return;
        const item = sources[best].head as T;
        sources[best].head = await sources[best].next();
        yield item;
      }
    } finally {
      for (const { lines } of readers) lines.close();
    }
  }
}
