// The main thread's side of the producers: start the workers once, deal out tasks as each asks for one,
// put their partials on the shared queue (acknowledging only once the queue took them), and gather stats.

import type { Worker } from 'node:worker_threads';
import type { Partial } from '../tables/group-table.js';
import { LogsiftError } from '../base/errors.js';
import type { FromProducer, ProducerConfig, StreamReport, Task } from './thread-messages.js';
import type { BoundedQueue } from './queue.js';
import type { PipeRelay } from '../inputs/pipe-relay.js';
import { addStats, emptyStats, type ScanStats } from '../scan/line-scanner.js';
import { mark } from '../base/trace.js';
import { earlyError, takeProducers } from './producer-threads.js';

export interface ProducerRun {
  readonly config: ProducerConfig;
  readonly tasks: readonly Task[];
  readonly producers: number;
  readonly queue: BoundedQueue<Partial>;
  readonly onRead?: (bytes: number) => void;
  /** Hears what each stream task found. */
  readonly onStreamed?: (report: StreamReport) => void;
  /** The pipes to relay, by input index: a pipe's bytes go to the producer that took its task. */
  readonly relays?: ReadonlyMap<number, PipeRelay>;
  /** Hears the bytes relayed from pipes (their size is known only as they are read). */
  readonly onPipeBytes?: (bytes: number) => void;
}

/** Runs the producers to the end; resolves with their summed line counts, by input index. */
export function runProducers({ config, tasks, producers, queue, onRead, onStreamed, relays, onPipeBytes }: ProducerRun): Promise<ScanStats[]> {
  const stats: ScanStats[] = [];
  if (tasks.length === 0) return Promise.resolve(stats);
  const workers: Worker[] = [];
  let nextTask = 0;
  let running = Math.max(1, Math.min(producers, tasks.length));

  return new Promise<ScanStats[]>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      for (const relay of relays?.values() ?? []) relay.stop();
      for (const worker of workers) void worker.terminate();
      reject(error);
    };

    workers.push(...takeProducers(running));
    for (const worker of workers) {
      let done = false;
      let relay: PipeRelay | undefined; // the pipe this producer reads, if any
      worker.on('message', (message: FromProducer) => {
        switch (message.type) {
          case 'ready':
            if (nextTask < tasks.length) {
              const task = tasks[nextTask++];
              worker.postMessage({ type: 'task', task });
              relay = undefined;
              if (task.kind === 'stream' && task.from === 'pipe') {
                relay = relays?.get(task.input);
                if (!relay) return fail(new Error(`no relay for pipe input ${task.path}`));
                void relay.start((toProducer, transfer) => worker.postMessage(toProducer, transfer), onPipeBytes);
              }
            } else {
              worker.postMessage({ type: 'stop' });
            }
            break;
          case 'pipe-took':
            relay?.took();
            break;
          case 'read':
            onRead?.(message.bytes);
            break;
          case 'streamed':
            onStreamed?.(message.report);
            break;
          case 'partial':
            mark(`partial of ${message.partial.keyEnds.length} groups`);
            queue.put(message.partial).then(() => worker.postMessage({ type: 'ack' }), fail);
            break;
          case 'done':
            done = true;
            for (const [input, counts] of Object.entries(message.stats)) addStats((stats[Number(input)] ??= emptyStats()), counts);
            void worker.terminate();
            if (--running === 0 && !settled) {
              settled = true;
              resolve(stats);
            }
            break;
          case 'failed':
            fail(message.user ? new LogsiftError(message.message) : new Error(message.message));
            break;
        }
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!done) fail(new Error(`a producer stopped unexpectedly (exit code ${code})`));
      });
      const error = earlyError(worker);
      if (error) {
        fail(error);
        break;
      }
      worker.postMessage({ type: 'config', config });
      mark('producer configured');
    }
  });
}
