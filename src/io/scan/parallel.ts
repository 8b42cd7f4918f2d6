import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { type FoldRecipe, isRecipe } from '../../core/fold.js';
import type { RowTable } from '../source/format.js';
import type { Part, ReadResult } from '../source/read.js';
import { type InputZones, type Pass, type PassData, SINK_PLAN_DATA, type SinkPlan } from './pass.js';
import type { ScanRequest } from './plan.js';

/*
 * A large file read by several threads: the main thread reads the first part (header, sample,
 * column detection, and rows up to the second part's start) while worker threads read the others,
 * each from a record start near an equal share of the bytes, or a Parquet file's from the row
 * group nearest an equal share of its rows (the first part is longer by what the main thread reads
 * while the workers start). A line break inside a quoted field would start a
 * part mid-record, so a part counts only when the part before it stopped exactly at its start (a
 * record began there); otherwise the part before it read on to the end and the later parts are
 * dropped. A part whose worker failed is read again on the main thread, which then gives
 * any error with the right line.
 */

/** What the main thread reads while the workers start, on top of its equal share (at most a quarter of the file). */
const WORKER_START_BYTES = 24 * 1024 * 1024;
/** The same for workers started with the run, ready sooner (measured on 2 cores: 8 MB balanced report, trend and agents). */
const EARLY_START_BYTES = 8 * 1024 * 1024;
/** How far past an equal share a record start is looked for. */
const SEARCH_BYTES = 1024 * 1024;
/**
 * A worker's young generation, in MB. Its objects die young (a record's strings), so a small one
 * costs no time and keeps each thread's memory to a few MB instead of tens.
 */
const WORKER_YOUNG_MB = 2;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** Records that must follow a candidate start, each as wide as the header, for the start to be taken. */
const FITTING_RECORDS = 4;

/**
 * Whether the bytes from `at` read as `FITTING_RECORDS` records exactly as wide as the header.
 * From a line break inside a quoted field the quotes pair up the wrong way round, and records that
 * wide rarely follow; when they do, the part is still checked when the part before it ends.
 */
function recordsFit(buf: Buffer, at: number, delimiter: number, columns: number): boolean {
  let pos = at;
  for (let n = 0; n < FITTING_RECORDS; n++) {
    let fields = 1;
    let quoted = false;
    let fieldStart = true;
    for (;;) {
      if (pos >= buf.length) return false;
      const c = buf[pos++];
      if (quoted) {
        if (c === QUOTE) {
          if (buf[pos] === QUOTE) pos++;
          else quoted = false;
        }
        continue;
      }
      if (c === QUOTE && fieldStart) quoted = true;
      else if (c === delimiter) {
        fields++;
        fieldStart = true;
        continue;
      } else if (c === LF || c === CR) {
        if (c === CR && buf[pos] === LF) pos++;
        break;
      }
      fieldStart = false;
    }
    if (fields !== columns) return false;
  }
  return true;
}

/**
 * Where the parts of a file after the first start: at the first line break past each equal share
 * (the first part has a lead, read while the workers start) that is followed by records as wide as
 * the header. Undefined when the file cannot be split (not a
 * plain file, gzip, no such line breaks).
 */
export function partStarts(
  path: string,
  threads: number,
  shape: { readonly delimiter: string; readonly columns: number },
  early: boolean,
): number[] | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined; // the reading itself reports why it cannot open the file
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const size = stat.size;
    const magic = Buffer.alloc(2);
    if (readSync(fd, magic, 0, 2, 0) < 2 || (magic[0] === 0x1f && magic[1] === 0x8b)) return undefined;
    const window = Buffer.alloc(SEARCH_BYTES);
    const delimiter = shape.delimiter.charCodeAt(0);
    const starts: number[] = [];
    for (const from of equalShares(size, threads, early ? EARLY_START_BYTES : WORKER_START_BYTES)) {
      const bytes = window.subarray(0, readSync(fd, window, 0, window.length, from));
      let start = -1;
      for (let newline = bytes.indexOf(LF); newline >= 0 && start < 0; newline = bytes.indexOf(LF, newline + 1)) {
        if (recordsFit(bytes, newline + 1, delimiter, shape.columns)) start = from + newline + 1;
      }
      if (start > (starts.at(-1) ?? 0) && start < size) starts.push(start);
    }
    return starts.length > 0 ? starts : undefined;
  } finally {
    closeSync(fd);
  }
}

/** What the main thread reads of a Parquet file while the workers start, on top of its equal share (at most a quarter). */
const LEAD_ROWS = 200_000;
/** The same for workers started with the run (a third, as for a CSV's bytes). */
const EARLY_LEAD_ROWS = 70_000;
/** No part but the first starts before this row: the main thread reads the first rows for the columns' detection. */
const FIRST_SPLIT_ROW = 1000;

/**
 * Where the parts of a Parquet file after the first start: at the first row group at or after
 * each equal share of the rows (the first part longer by a lead, read while the workers start).
 * Undefined when its row groups are too few to split.
 */
export function rowStarts(table: RowTable, threads: number, early: boolean): number[] | undefined {
  const { groupStarts, rowCount } = table;
  if (!groupStarts || rowCount === undefined) return undefined;
  const starts: number[] = [];
  for (const share of equalShares(rowCount, threads, early ? EARLY_LEAD_ROWS : LEAD_ROWS)) {
    const start = groupStarts.find((first) => first >= share);
    if (start !== undefined && start > (starts.at(-1) ?? FIRST_SPLIT_ROW) && start < rowCount) starts.push(start);
  }
  return starts.length > 0 ? starts : undefined;
}

/** Where the parts after the first would start by size alone: equal shares, the first longer by `lead` (at most a quarter). */
function equalShares(total: number, threads: number, lead: number): number[] {
  const first = Math.min(lead, Math.floor(total / 4));
  return Array.from({ length: threads - 1 }, (_, k) => first + Math.floor(((total - first) * (k + 1)) / threads));
}

/** What a worker thread is sent: everything as data (functions do not cross threads). */
export interface PartJob {
  readonly part: Part;
  readonly fold: FoldRecipe;
  readonly request: ScanRequest;
  /** The request's --tz, by name. */
  readonly zone?: string;
  readonly plan: SinkPlan;
  readonly fileKey: string;
  readonly zones: { readonly analysis: string; readonly source: string };
}

/** What a worker thread sends back. */
export interface PartOutcome<S> {
  readonly data: PassData<S>;
  readonly result: ReadResult;
}

/** The request without what cannot be sent: zones go by name, and detection is over. */
function requestAsData(request: ScanRequest): ScanRequest {
  return { ...request, zone: undefined, groups: request.groups.map(({ detect: _, ...group }) => group) };
}

/** The planned columns without the preset's functions (a file with a row classifier is not split). */
function planAsData(plan: SinkPlan): SinkPlan {
  const data = Object.fromEntries(SINK_PLAN_DATA.map((key) => [key, plan[key]]));
  return { ...(data as Omit<SinkPlan, 'info' | 'rowKind'>), info: { columns: plan.info.columns } };
}

/** The sources' root (src/ under the test runner, dist/ once built), and the build's. */
const SOURCES = new URL('../../', import.meta.url).href;
const BUILD = new URL('../../../dist/', import.meta.url).href;

/**
 * A module as a worker thread loads it. Under the test runner the main thread runs the TypeScript
 * sources while worker threads run the build: a source module is taken from the build.
 */
const builtModule = (url: string): string =>
  url.startsWith(SOURCES) && url.endsWith('.ts') ? `${BUILD}${url.slice(SOURCES.length, -3)}.js` : url;

/** A recipe whose modules, its arguments' too, are as a worker thread loads them. */
const builtRecipe = (r: FoldRecipe): FoldRecipe => ({
  ...r,
  module: builtModule(r.module),
  args: r.args.map((arg) => (isRecipe(arg) ? builtRecipe(arg) : arg)),
});

/** The worker's module: beside this one, as built. */
const workerModule = (): URL => new URL('./scan-worker.js', builtModule(import.meta.url));

interface Running<S> {
  readonly part: Part;
  readonly outcome: Promise<PartOutcome<S> | undefined>;
}

/** A worker thread, and what it sends back: its part's pass, or undefined when it failed or was stopped. */
interface Started {
  readonly worker: Worker;
  readonly outcome: Promise<PartOutcome<unknown> | undefined>;
}

function startWorker(): Started {
  const worker = new Worker(workerModule(), { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
  // Any failure (the worker's module, a record, memory) is the main thread's to meet again.
  const outcome = new Promise<PartOutcome<unknown> | undefined>((resolve) => {
    worker.once('message', (message: PartOutcome<unknown>) => resolve(message));
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
  return { worker, outcome };
}

/** Workers started with the run, before the command has even loaded: the first file read takes them. */
let early: Started[] = [];

/**
 * Starts `count` workers now, for a large file a command will read: loading their modules takes
 * 0.1-0.2 s, which then overlaps the loading of the command. Until taken they keep no process alive.
 */
export function startEarly(count: number): void {
  early = Array.from({ length: count }, startWorker);
  for (const { worker } of early) worker.unref();
}

/** Stops the workers started early that no reading took (a command that reads no file, or one thread). */
export function stopEarly(): void {
  for (const { worker } of early) void worker.terminate();
  early = [];
}

/**
 * Worker threads started before a file's head is read (or with the run), so that loading their
 * modules overlaps the main thread's start; each is then given a part of the file, or stopped.
 */
export class PartedFile<S> {
  private readonly workers: Worker[];
  private readonly outcomes: Promise<PartOutcome<S> | undefined>[];
  private running: Running<S>[] = [];
  /** Whether the workers were started with the run, so that they are ready sooner. */
  readonly early: boolean;

  constructor(count: number) {
    const taken = early.splice(0, count);
    this.early = taken.length === count;
    for (const { worker } of taken) worker.ref();
    const started = [...taken, ...Array.from({ length: count - taken.length }, startWorker)];
    this.workers = started.map((s) => s.worker);
    this.outcomes = started.map((s) => s.outcome as Promise<PartOutcome<S> | undefined>);
  }

  /** Gives each worker its part; returns where the main thread's part ends (the second part's start). */
  start(
    path: string,
    starts: readonly number[],
    shape: { readonly delimiter: string; readonly columns: number; readonly rows?: true },
    work: {
      readonly fold: FoldRecipe;
      readonly request: ScanRequest;
      readonly plan: SinkPlan;
      readonly fileKey: string;
      readonly zones: InputZones;
    },
  ): number {
    const request = requestAsData(work.request);
    const plan = planAsData(work.plan);
    const fold = builtRecipe(work.fold);
    const zones = { analysis: work.zones.analysis.name, source: work.zones.source.name };
    this.running = starts.slice(0, this.workers.length).map((start, i) => {
      const part: Part = { path, start, lineOffset: 0, ...shape, stopAt: starts[i + 1] };
      const job: PartJob = {
        part,
        fold,
        request,
        zone: work.request.zone?.name,
        plan,
        fileKey: work.fileKey,
        zones,
      };
      this.workers[i].postMessage(job);
      return { part, outcome: this.outcomes[i] };
    });
    return starts[0];
  }

  /** Stops every worker still reading (the main thread failed, or their parts are not needed). */
  stop(): void {
    for (const worker of this.workers) void worker.terminate();
  }

  /**
   * Adds the parts to `pass` in order, after the main thread's reading of the first part: a part
   * whose worker failed, and all after it, are read on the main thread by `readRest`. Returns how
   * many threads' readings were used.
   */
  async join(
    first: ReadResult,
    pass: Pass<S>,
    columnNames: readonly string[],
    readRest: (part: Part, warnedBroken: boolean) => Promise<unknown>,
  ): Promise<number> {
    let previous = first;
    let warnedBroken = first.warnedBroken;
    let threads = 1;
    try {
      for (const { part, outcome } of this.running) {
        // The part before read on to the end: this part did not start at a record.
        if (!previous.stopped) break;
        const done = await outcome;
        // A failure, or a broken record not yet warned of: read again where messages name the right line.
        if (!done || (done.result.warnedBroken && !warnedBroken)) {
          await readRest({ ...part, lineOffset: previous.lastLine, stopAt: undefined }, warnedBroken);
          break;
        }
        pass.absorb(done.data, previous.lastLine, columnNames);
        threads++;
        previous = { ...done.result, lastLine: done.result.lastLine + previous.lastLine };
        warnedBroken ||= done.result.warnedBroken;
      }
    } finally {
      this.stop();
    }
    return threads;
  }
}
