import { parentPort } from 'node:worker_threads';
import { type Fold, type FoldRecipe, isRecipe } from '../../core/fold.js';
import { UTC, type Zone, zoneOf } from '../../core/zone.js';
import { readPart } from '../source/read.js';
import type { PartJob, PartOutcome } from './parallel.js';
import { Pass } from './pass.js';

/*
 * A worker thread: reads one part of a file into a pass of its own and sends the pass back as data.
 * What the whole reading reports (a broken record, bytes that are not UTF-8) makes it stop: the
 * main thread reads the part again and reports it with the right line.
 */

/**
 * The fold a recipe describes, its arguments that are recipes made first.
 */
async function foldOf(r: FoldRecipe): Promise<Fold<unknown>> {
  const made = (await import(r.module))[r.name];
  const args = await Promise.all(r.args.map((arg) => (isRecipe(arg) ? foldOf(arg) : arg)));
  return typeof made === 'function' ? made(...args) : made;
}

const job = (await new Promise((resolve) => parentPort!.once('message', resolve))) as PartJob;
const zone = (name: string): Zone => zoneOf(name) ?? UTC;
const pass = new Pass(
  { ...job.request, zone: job.zone === undefined ? undefined : zone(job.zone) },
  await foldOf(job.fold),
);
const sink = pass.sink(job.plan, job.fileKey, { analysis: zone(job.zones.analysis), source: zone(job.zones.source) });
const result = await readPart(job.part, sink, {
  broken: () => {},
  notUtf8: () => {
    throw new Error('not UTF-8');
  },
});
parentPort!.postMessage({ data: pass.data(), result } satisfies PartOutcome<unknown>);
