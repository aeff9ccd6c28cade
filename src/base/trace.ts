// A timeline for whoever tunes the engine: with LOGSIFT_TRACE set, each `mark` writes one line to stderr,
// `logsift-trace <ms since the process started> <thread> <label>`, from the main thread and the producers alike
// (both clocks count from the same epoch). Off, a mark costs one boolean test.

import { isMainThread, threadId } from 'node:worker_threads';

const enabled = Boolean(process.env.LOGSIFT_TRACE);
/** The process's start, in epoch ms (a worker's own timeOrigin is when the worker started; uptime is the process's). */
const processStart = performance.timeOrigin + performance.now() - process.uptime() * 1000;

export function mark(label: string): void {
  if (!enabled) return;
  const at = performance.timeOrigin + performance.now() - processStart;
  process.stderr.write(`logsift-trace ${at.toFixed(1).padStart(7)} ${isMainThread ? 'main' : `w${threadId}`.padEnd(4)} ${label}\n`);
}
