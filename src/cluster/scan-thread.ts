// A worker process's scanning thread (this file is the thread's side; cluster/scan-threads.ts is the main
// thread's). It scans one job's task at a time with scanTask, the seam every driver shares (or, for the HTML
// report's read, scanReportTask), and posts the partials back already encoded (tables/partial-codec.ts,
// tables/report-codec.ts), their buffers transferred, not copied. Scanning off
// the main thread keeps that thread free for Redis: BullMQ renews a job's lock from it, and a lock not renewed
// in time would hand a healthy job to another worker.

import { parentPort } from 'node:worker_threads';
import { scanReportTask } from '../scan/report-scanner.js';
import { scanTask } from '../scan/task-scanner.js';
import { encodeReportPartial } from '../tables/report-codec.js';
import { encodePartial } from '../tables/partial-codec.js';
import type { ScanRequest, ScanResponse } from './scan-threads.js';

const port = parentPort!;

port.on('message', (request: ScanRequest) => {
  void scan(request).then(
    (response) => port.postMessage(response, response.ok ? response.partials.map((partial) => partial.buffer as ArrayBuffer) : []),
    (error: unknown) => {
      const failure: ScanResponse = {
        id: request.id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
        known: error instanceof Error && (error.name === 'LogsiftError' || (error as NodeJS.ErrnoException).code !== undefined),
      };
      port.postMessage(failure);
    },
  );
});

async function scan({ id, task, config }: ScanRequest): Promise<ScanResponse> {
  const started = performance.now();
  if ('report' in config) {
    const partial = encodeReportPartial(await scanReportTask(task, config.report));
    return { id, ok: true, partials: [partial], stats: {}, scanMs: performance.now() - started };
  }
  const scanned = await scanTask(task, config);
  const partials = scanned.partials.map(encodePartial);
  return { id, ok: true, partials, stats: scanned.stats, ...(scanned.streamed ? { streamed: scanned.streamed } : {}), scanMs: performance.now() - started };
}
