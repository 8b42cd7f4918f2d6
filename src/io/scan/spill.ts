import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
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
 * The temporary folder of a listing's runs: made when the first run is written, removed when the
 * listing has been read (or, if it never is, when the process exits).
 */
export class SpillFolder {
  private path: string | undefined;
  private files = 0;
  private readonly atExit = () => this.remove();
  /** Ctrl-C (or a kill) ends the process without 'exit': remove the folder, then let the signal do what it would. */
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.remove();
    process.kill(process.pid, signal);
  };

  /** The path of a new run file. */
  next(): string {
    if (!this.path) {
      this.path = temporary(() => mkdtempSync(join(tmpdir(), 'nps-list-')));
      process.once('exit', this.atExit);
      for (const signal of SIGNALS) process.once(signal, this.onSignal);
    }
    return join(this.path, `run-${this.files++}`);
  }

  remove(): void {
    if (!this.path) return;
    rmSync(this.path, { recursive: true, force: true });
    this.path = undefined;
    process.removeListener('exit', this.atExit);
    for (const signal of SIGNALS) process.removeListener(signal, this.onSignal);
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Items to be listed in order, however many: up to `runItems` are held in memory; past that each
 * full batch is sorted and written to a temporary file as one run, and the runs are merged as the
 * items are read back. Memory stays at one batch plus one line per run, whatever the count.
 */
export class SortedSpill<T> {
  private held: T[] = [];
  private readonly runs: string[] = [];
  /** Items added, held and written. */
  count = 0;

  constructor(
    private readonly folder: SpillFolder,
    private readonly compare: (a: T, b: T) => number,
    private readonly codec: LineCodec<T>,
    private readonly runItems = RUN_ITEMS,
  ) {}

  add(item: T): void {
    this.held.push(item);
    this.count++;
    if (this.held.length >= this.runItems) this.flush();
  }

  /** Takes another listing's items (its runs are shared, not copied: neither changes a run). */
  absorb(other: SortedSpill<T>): void {
    for (const run of other.runs) this.runs.push(run);
    this.count += other.count - other.held.length;
    for (const item of other.held) this.add(item);
  }

  private flush(): void {
    this.held.sort(this.compare);
    const path = this.folder.next();
    temporary(() => writeFileSync(path, this.held.map((item) => `${this.codec.write(item)}\n`).join('')));
    this.runs.push(path);
    this.held = [];
  }

  /** Every item, in order: the held ones and each run's, merged. */
  async *sorted(): AsyncGenerator<T> {
    const held = [...this.held].sort(this.compare);
    const sources: { next: () => Promise<T | undefined>; head: T | undefined }[] = [];
    const readers = this.runs.map((path) => createInterface({ input: createReadStream(path), crlfDelay: Infinity }));
    try {
      let at = 0;
      sources.push({ next: async () => held[at++], head: undefined });
      for (const reader of readers) {
        const lines = reader[Symbol.asyncIterator]();
        const next = async () => {
          const line = await lines.next();
          return line.done ? undefined : this.codec.read(line.value);
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
      for (const reader of readers) reader.close();
    }
  }
}
