// A producer, run as a worker thread (this file is the thread's side; engine/producer-pool.ts is the main
// thread's): takes tasks one at a time (small ones a few at a time), scans each with a TaskScanner (scan/task-scanner.ts), and posts the
// partials it hands over to the main thread, which puts them on the consumer's queue. It waits for the
// queue to take each (an `ack`) before it goes on: that is the bounded queue's backpressure, across threads.
// As it starts a batch of ranges it asks for the next one: the hand-off, a round trip through the main thread,
// then happens while it scans (the main thread may wait for a core: the producers hold them both).

import { parentPort, workerData } from 'node:worker_threads';
import { LogsiftError } from '../base/errors.js';
import { mark } from '../base/trace.js';
import { startInflateThread } from '../inputs/decompress.js';
import type { PipeMessage } from '../inputs/pipe-relay.js';
import { StateGuessMissed } from '../plan/header-state.js';
import { describeTask, type Task } from '../plan/tasks.js';
import { ReportTaskScanner } from '../scan/report-scanner.js';
import { TaskScanner, type PartialSink } from '../scan/task-scanner.js';
import type { StreamReport } from '../tables/line-counts.js';
import { reportTransferList, type ReportPartial } from '../tables/report-partial.js';
import { scanPartialTransferList, type ScanPartial } from '../tables/partial.js';
import { loadKernelModule } from '../wasm/kernel-module.js';
import type { ProducerStart } from './producer-threads.js';
import type { FromProducer, ToProducer } from './thread-messages.js';

mark('producer modules loaded');
// Started while the main thread still loads and plans, not once the first stream came: a thread takes a few tens of ms.
if ((workerData as ProducerStart | null)?.inflateAside) startInflateThread();
// Compiled while the main thread still parses the arguments and plans, not once the first task came.
loadKernelModule();

/** Progress is reported at most this often (in bytes read), to keep messages rare. */
const REPORT_BYTES = 8 * 1024 * 1024;

const port = parentPort!;
type Configuration = Extract<ToProducer, { type: 'config' }>;

/** Messages in arrival order, awaited one at a time. */
class Inbox<T> {
  private readonly items: T[] = [];
  private wakeUp: (() => void) | undefined;

  put(item: T): void {
    this.items.push(item);
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  async next(): Promise<T> {
    while (this.items.length === 0) await new Promise<void>((resolve) => (this.wakeUp = resolve));
    return this.items.shift()!;
  }
}


// A pipe's bytes have an inbox of their own: they arrive while the producer also waits for acks; so do tasks,
// asked for ahead.
type TaskMessage = Extract<ToProducer, { type: 'task' | 'stop' | 'later' }>;
const inbox = new Inbox<ToProducer>();
const pipeInbox = new Inbox<PipeMessage>();
const taskInbox = new Inbox<TaskMessage>();
function route(message: ToProducer): void {
  if (message.type === 'pipe-data' || message.type === 'pipe-end' || message.type === 'pipe-error') pipeInbox.put(message);
  else if (message.type === 'task' || message.type === 'stop' || message.type === 'later') taskInbox.put(message);
  else inbox.put(message);
}

async function nextMessage(): Promise<ToProducer> {
  return inbox.next();
}

/** The bytes of the pipe being read, as the main thread relays them; each chunk is acknowledged once used. */
async function* pipeChunks(): AsyncIterable<Uint8Array> {
  for (;;) {
    const message = await pipeInbox.next();
    if (message.type === 'pipe-end') return;
    if (message.type === 'pipe-error') throw new LogsiftError(message.message);
    yield message.bytes;
    send({ type: 'pipe-took' });
  }
}

function send(message: FromProducer, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

async function run(configured: Configuration): Promise<void> {
  let unreported = 0;
  const sink = <P>(transferList: (partial: P) => ArrayBuffer[]): PartialSink<P> => ({
    async handOver(partial) {
      mark('partial taken');
      send({ type: 'partial', partial: partial as ScanPartial | ReportPartial }, transferList(partial));
      const reply = await nextMessage();
      if (reply.type !== 'ack') throw new Error(`producer expected ack, got ${reply.type}`);
    },
    onRead(bytes) {
      if (!configured.reportsRead) return;
      unreported += bytes;
      if (unreported >= REPORT_BYTES) {
        send({ type: 'read', bytes: unreported });
        unreported = 0;
      }
    },
  });
  const scanner =
    'report' in configured
      ? new ReportTaskScanner(configured.report, sink(reportTransferList))
      : new TaskScanner(configured.config, sink(scanPartialTransferList));
  let first = true;
  let current: Task | undefined;
  try {
    send({ type: 'ready', ahead: false });
    for (let message = await taskInbox.next(); message.type !== 'stop'; message = await taskInbox.next()) {
      if (message.type === 'later') {
        send({ type: 'ready', ahead: false });
        continue;
      }
      if (first) mark('first task');
      first = false;
      // Ranges only: a stream (a pipe's relay among them) is asked for and read alone.
      const ahead = message.tasks.every((task) => task.kind === 'range');
      if (ahead) send({ type: 'ready', ahead: true });
      const reports: StreamReport[] = [];
      for (const task of message.tasks) {
        current = task;
        const report = await scanner.scan(task, task.kind === 'stream' && task.from === 'pipe' ? pipeChunks() : undefined);
        if (report) reports.push(report);
      }
      if (reports.length > 0) send({ type: 'streamed', reports });
      current = undefined;
      if (!ahead) send({ type: 'ready', ahead: false });
    }
    mark('tasks done');
    if (unreported > 0) send({ type: 'read', bytes: unreported });
    await scanner.flush();
    send({ type: 'done', stats: scanner.stats });
  } catch (error) {
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { task: current });
  } finally {
    scanner.close();
  }
}

// The configuration is the first message: a producer may be started before its run is known (engine/producer-threads.ts).
// It says which read this producer takes part in: the run's (counts) or the HTML report's. The other messages are
// routed from then on. (A listener, not a top-level await: the thread runs from one CommonJS script, cli/launch.ts.)
port.once('message', (message: ToProducer) => {
  port.on('message', route);
  run(message as Configuration).catch(failed);
});

function failed(error: Error & { task?: Task }): void {
  // The input's fault (a corrupt file ...) is said as it is: its message names the input. A bug says which task
  // it met, and keeps its stack, for LOGSIFT_DEBUG on the main thread.
  if (error instanceof StateGuessMissed) {
    send({ type: 'failed', message: error.message, user: false, guessMissed: { path: error.path, end: error.end } });
    return;
  }
  const user = error instanceof LogsiftError;
  const message = user || !error.task ? error.message : `${error.message} (while scanning ${describeTask(error.task)})`;
  send({ type: 'failed', message, user, stack: error.stack });
}
