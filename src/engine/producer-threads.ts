// Producer workers, which can be started ahead of a run. A worker takes a few tens of milliseconds to start and
// load its code, a fixed cost of every run; the command line starts its producers first thing (cli/bin.ts), so
// that they load while the main thread loads the rest and plans the work. Their configuration comes with the
// run, as their first message (engine/producer-pool.ts).

import type { Worker } from 'node:worker_threads';
import { startThread } from '../base/threads.js';

const PRODUCER_URL = new URL('./producer-thread.js', import.meta.url);

/** Started ahead and not yet taken. */
const waiting: Worker[] = [];
/** What went wrong in a waiting worker before a run took it (reported by that run). */
const earlyErrors = new WeakMap<Worker, Error>();

/** What a producer started ahead is told as it starts (its workerData). */
export interface ProducerStart {
  /** Its run will likely inflate gzip on a thread beside it: that thread is started with the producer. */
  readonly inflateAside?: boolean;
}

/** Starts `count` producers for the next run. They do not keep the process alive while no run has them. */
export function startProducers(count: number, start: ProducerStart = {}): void {
  for (let i = 0; i < count; i++) {
    const worker = startThread(PRODUCER_URL, { workerData: start });
    worker.unref();
    worker.on('error', (error) => earlyErrors.set(worker, error));
    waiting.push(worker);
  }
}

/** `count` producers: those started ahead first, new ones for the rest. Any left waiting are stopped. */
export function takeProducers(count: number): Worker[] {
  const workers = waiting.splice(0, count);
  for (const unused of waiting.splice(0)) void unused.terminate();
  for (const worker of workers) worker.ref();
  while (workers.length < count) workers.push(startThread(PRODUCER_URL));
  return workers;
}

/** The error a producer met while it waited to be taken, if any. */
export function earlyError(worker: Worker): Error | undefined {
  return earlyErrors.get(worker);
}
