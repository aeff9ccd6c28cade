// A worker process's scanning threads, main thread's side (cluster/scan-thread.ts is the threads'): N threads,
// each scanning one task at a time; a scan waits for a free thread. A thread that dies (out of memory, a bug)
// fails the scan it held and is replaced, so the worker keeps serving jobs.

import type { Worker } from 'node:worker_threads';
import { LogsiftError } from '../base/errors.js';
import { startThread } from '../base/threads.js';
import type { Task } from '../plan/tasks.js';
import type { ReportConfig } from '../scan/report-scanner.js';
import type { ScanConfig } from '../scan/task-scanner.js';
import type { FileStats, StreamReport } from '../tables/line-counts.js';

/** The thread's code: beside this file, in dist/src/cluster/ and in the bundle (scripts/bundle.mjs). */
const SCAN_THREAD_URL = new URL('./scan-thread.js', import.meta.url);

export interface ScanRequest {
  readonly id: number;
  readonly task: Task;
  /** The run's read (counts), or the HTML report's (its partial, tables/report-codec.ts). */
  readonly config: ScanConfig | { readonly report: ReportConfig };
}

export type ScanResponse =
  | {
      readonly id: number;
      readonly ok: true;
      /** Encoded partials (tables/partial-codec.ts), in the order the scanner handed them over. */
      readonly partials: Uint8Array[];
      readonly stats: FileStats;
      readonly streamed?: StreamReport;
      readonly scanMs: number;
    }
  | { readonly id: number; readonly ok: false; readonly message: string; readonly known: boolean };

export type ScannedJob = Extract<ScanResponse, { ok: true }>;

interface Slot {
  worker: Worker;
  busy?: { id: number; resolve: (response: ScannedJob) => void; reject: (error: Error) => void };
}

export class ScanThreads {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<() => void> = [];
  private nextId = 0;
  private closed = false;

  constructor(count: number) {
    for (let i = 0; i < count; i++) this.slots.push(this.start());
  }

  /** Scans `task` on the next free thread. A known failure (a LogsiftError, a file error) keeps its message. */
  async scan(task: Task, config: ScanRequest['config']): Promise<ScannedJob> {
    let slot: Slot | undefined;
    while (!(slot = this.slots.find((s) => !s.busy))) {
      if (this.closed) throw new Error('scanning threads closed');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    const id = this.nextId++;
    const owner = slot;
    return new Promise<ScannedJob>((resolve, reject) => {
      owner.busy = { id, resolve, reject };
      owner.worker.postMessage({ id, task, config } satisfies ScanRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake();
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private start(): Slot {
    const slot: Slot = { worker: startThread(SCAN_THREAD_URL) };
    slot.worker.on('message', (response: ScanResponse) => {
      const busy = slot.busy;
      if (!busy || busy.id !== response.id) return;
      this.release(slot);
      if (response.ok) busy.resolve(response);
      else busy.reject(response.known ? new LogsiftError(response.message) : new Error(response.message));
    });
    slot.worker.on('error', (error) => this.replace(slot, error));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.replace(slot, new Error(`a scanning thread stopped (exit code ${code})`));
    });
    return slot;
  }

  private replace(slot: Slot, error: Error): void {
    if (this.closed) return;
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    const busy = slot.busy;
    slot.busy = undefined;
    void slot.worker.terminate();
    this.slots[index] = this.start();
    busy?.reject(error);
    this.waiting.shift()?.();
  }

  private release(slot: Slot): void {
    slot.busy = undefined;
    this.waiting.shift()?.();
  }
}
