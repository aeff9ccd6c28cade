// The main thread's side of the producers (engine/producer-thread.ts is theirs): one read of the inputs by a
// pool of worker threads. The pool deals tasks as each producer asks for one (small ranges, as of many small
// files, a batch at a time: each hand-off is a round trip between threads; a producer scanning ranges asks for
// its next ones ahead, and gets ranges then, never a stream, which could hold it far longer), relays a pipe's bytes to the
// producer that took its task, puts the partials on the shared bounded queue (acknowledging each only once
// the queue took it, which is what holds a producer back when the consumer falls behind), passes on what
// producers say of their tasks, and fails once, with the first error, stopping every producer.

import type { Worker } from 'node:worker_threads';
import { LogsiftError } from '../base/errors.js';
import { mark } from '../base/trace.js';
import type { PipeRelay } from '../inputs/pipe-relay.js';
import { StateGuessMissed } from '../plan/header-state.js';
import { describeTask, type Task } from '../plan/tasks.js';
import type { ReportConfig } from '../scan/report-scanner.js';
import type { ScanConfig } from '../scan/task-scanner.js';
import type { FileStats, StreamReport } from '../tables/line-counts.js';
import type { ScanPartial } from '../tables/partial.js';
import type { BoundedQueue } from './queue.js';
import { earlyError, takeProducers } from './producer-threads.js';
import type { FromProducer } from './thread-messages.js';

/** A read by the producers: of the run (`config`, partials of counts) or of the HTML report (`report`, its partials). */
export type ProducerRun<P = ScanPartial> = ProducerRunBase<P> &
  ({ readonly config: ScanConfig; readonly report?: undefined } | { readonly report: ReportConfig; readonly config?: undefined });

interface ProducerRunBase<P> {
  readonly tasks: readonly Task[];
  /** Threads to start (never more than there are tasks). */
  readonly producers: number;
  readonly queue: BoundedQueue<P>;
  /** Hears bytes read, every few MiB per producer (unset: the producers say nothing of it). */
  readonly onRead?: (bytes: number) => void;
  /** Hears what each stream task found. */
  readonly onStreamed?: (report: StreamReport) => void;
  /** Hears each producer's line counts, by input, once it is done. */
  readonly onStats?: (stats: FileStats) => void;
  /** The pipes to relay, by input index: a pipe's bytes go to the producer that took its task. */
  readonly relays?: ReadonlyMap<number, PipeRelay>;
  /** Hears the bytes relayed from pipes (their size is known only as they are read). */
  readonly onPipeBytes?: (bytes: number) => void;
  /** Hears, once, that every producer has loaded its code (each has sent its first message). */
  readonly onLoaded?: () => void;
}

/** Runs the producers over every task; resolves once all are done and their partials are on the queue. */
export function runProducers<P>(run: ProducerRun<P>): Promise<void> {
  if (run.tasks.length === 0) return Promise.resolve();
  return new ProducerPool(run).done;
}

/** What the pool knows of one producer thread. */
interface Producer {
  done: boolean;
  /** The pipe it reads, if any. */
  relay: PipeRelay | undefined;
  /** The tasks it holds, if any (for messages). */
  tasks: readonly Task[];
  /** The tasks dealt to it last (those it scans when it asks ahead). */
  dealt: readonly Task[];
  /** It has sent a message: its code is loaded. */
  heard: boolean;
}

/** Ranges are dealt together up to this many bytes (a hand-off costs more than scanning a small file). */
const BATCH_BYTES = 4 * 1024 * 1024;

/** Bytes a task reads (a stream's stored size; a pipe's is not known). */
function taskBytes(task: Task): number {
  return task.kind === 'range' ? task.end - task.start : task.size;
}

class ProducerPool<P> {
  readonly done: Promise<void>;
  private readonly workers: Worker[];
  private nextTask = 0;
  /** Bytes of the tasks not dealt yet. */
  private bytesLeft: number;
  private running: number;
  /** Producers that have sent a message. */
  private heard = 0;
  private settled = false;
  private resolve!: () => void;
  private reject!: (error: Error) => void;

  constructor(private readonly run: ProducerRun<P>) {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.running = Math.max(1, Math.min(run.producers, run.tasks.length));
    this.bytesLeft = run.tasks.reduce((sum, task) => sum + taskBytes(task), 0);
    this.workers = takeProducers(this.running);
    for (const worker of this.workers) {
      if (!this.attach(worker)) break;
    }
  }

  /** Listens to one producer and gives it the run's configuration; false when it had failed already. */
  private attach(worker: Worker): boolean {
    const producer: Producer = { done: false, relay: undefined, tasks: [], dealt: [], heard: false };
    worker.on('message', (message: FromProducer) => this.onMessage(worker, producer, message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      const more = producer.tasks.length > 1 ? ` (of ${producer.tasks.length} tasks dealt together)` : '';
      const holding = producer.tasks.length > 0 ? ` while scanning ${describeTask(producer.tasks[0])}${more}` : '';
      if (!producer.done) this.fail(new Error(`a producer stopped unexpectedly (exit code ${code})${holding}`));
    });
    const error = earlyError(worker);
    if (error) {
      this.fail(error);
      return false;
    }
    const { report, config } = this.run;
    // Progress only when someone listens: each message wakes this thread, which takes a core from a producer.
    const reportsRead = this.run.onRead !== undefined;
    worker.postMessage(report ? { type: 'config', report, reportsRead } : { type: 'config', config, reportsRead });
    mark('producer configured');
    return true;
  }

  private onMessage(worker: Worker, producer: Producer, message: FromProducer): void {
    const run = this.run;
    if (!producer.heard) {
      producer.heard = true;
      if (++this.heard === this.workers.length) run.onLoaded?.();
    }
    switch (message.type) {
      case 'ready': {
        // Asking ahead, it still holds the ranges dealt last (and no pipe: it asks ahead of ranges only).
        const held = message.ahead ? producer.dealt : [];
        if (!message.ahead) producer.relay = undefined;
        producer.tasks = held;
        const next = run.tasks[this.nextTask];
        if (next === undefined) worker.postMessage({ type: 'stop' });
        else if (message.ahead && next.kind !== 'range') worker.postMessage({ type: 'later' });
        else this.deal(worker, producer, this.nextTasks(), held);
        break;
      }
      case 'pipe-took':
        producer.relay?.took();
        break;
      case 'read':
        run.onRead?.(message.bytes);
        break;
      case 'streamed':
        for (const report of message.reports) run.onStreamed?.(report);
        break;
      case 'partial':
        mark('partial received');
        run.queue.put(message.partial as P).then(
          () => worker.postMessage({ type: 'ack' }),
          (error: Error) => this.fail(error),
        );
        break;
      case 'done':
        producer.done = true;
        run.onStats?.(message.stats);
        void worker.terminate();
        if (--this.running === 0 && !this.settled) {
          this.settled = true;
          this.resolve();
        }
        break;
      case 'failed': {
        if (message.guessMissed) {
          this.fail(new StateGuessMissed(message.guessMissed.path, message.guessMissed.end));
          break;
        }
        const error = message.user ? new LogsiftError(message.message) : new Error(message.message);
        if (!message.user && message.stack) error.stack = `${message.message}\n(in a producer thread)\n${message.stack}`;
        this.fail(error);
        break;
      }
    }
  }

  /**
   * The next task, with the ranges after it while they stay small: at most BATCH_BYTES, and toward the end at
   * most a share of what is left, so that the producers still finish together.
   */
  private nextTasks(): Task[] {
    const tasks = this.run.tasks;
    const first = tasks[this.nextTask++];
    const batch = [first];
    let bytes = taskBytes(first);
    if (first.kind === 'range') {
      const most = Math.min(BATCH_BYTES, this.bytesLeft / (2 * this.workers.length));
      for (let next = tasks[this.nextTask]; next?.kind === 'range' && bytes + taskBytes(next) <= most; next = tasks[this.nextTask]) {
        batch.push(next);
        bytes += taskBytes(next);
        this.nextTask++;
      }
    }
    this.bytesLeft -= bytes;
    return batch;
  }

  /** Gives a producer its next tasks (it still holds `held`); a pipe's relay starts sending it the pipe's bytes. */
  private deal(worker: Worker, producer: Producer, tasks: readonly Task[], held: readonly Task[]): void {
    producer.tasks = [...held, ...tasks];
    producer.dealt = tasks;
    worker.postMessage({ type: 'task', tasks });
    const task = tasks[0];
    if (task.kind !== 'stream' || task.from !== 'pipe') return;
    const relay = this.run.relays?.get(task.input);
    if (!relay) return this.fail(new Error(`no relay for pipe input ${task.path}`));
    producer.relay = relay;
    void relay.start((message, transfer) => worker.postMessage(message, transfer), this.run.onPipeBytes);
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    for (const relay of this.run.relays?.values() ?? []) relay.stop();
    for (const worker of this.workers) void worker.terminate();
    this.reject(error);
  }
}
