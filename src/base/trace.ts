// A timeline for whoever tunes the engine: with LOGSIFT_TRACE set, each `mark` writes one line to stderr,
// `logsift-trace <ms since the process started> <thread> <label>`, from the main thread and the producers alike
// (both clocks count from the same epoch). Off, a mark costs one boolean test.
//
// LOGSIFT_TRACE=memory adds, in MB, the process's resident memory, this thread's JS heap, and the resident part
// of every mapping over 4 MB resident (resident/size): each WebAssembly memory is one, so a kernel's table shows.

import { readFileSync } from 'node:fs';
import { isMainThread, threadId } from 'node:worker_threads';

const enabled = Boolean(process.env.LOGSIFT_TRACE);
const withMemory = process.env.LOGSIFT_TRACE === 'memory';
/** The process's start, in epoch ms (a worker's own timeOrigin is when the worker started; uptime is the process's). */
const processStart = performance.timeOrigin + performance.now() - process.uptime() * 1000;

export function mark(label: string): void {
  if (!enabled) return;
  const at = performance.timeOrigin + performance.now() - processStart;
  const memory = withMemory ? ` [${memoryNow()}]` : '';
  process.stderr.write(`logsift-trace ${at.toFixed(1).padStart(7)} ${isMainThread ? 'main' : `w${threadId}`.padEnd(4)} ${label}${memory}\n`);
}

const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(1);

/** Resident memory now: the whole, the heap, and the big mappings (from /proc/self/smaps, where there is one). */
function memoryNow(): string {
  const { rss, heapUsed } = process.memoryUsage();
  const big: string[] = [];
  let rest = 0;
  try {
    let size = 0;
    for (const line of readFileSync('/proc/self/smaps', 'latin1').split('\n')) {
      const range = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
      if (range) size = parseInt(range[2], 16) - parseInt(range[1], 16);
      else if (line.startsWith('Rss:')) {
        const bytes = Number(line.split(/\s+/)[1]) * 1024;
        if (bytes > 4e6) big.push(`${megabytes(bytes)}/${megabytes(size)}`);
        else rest += bytes;
      }
    }
  } catch {
    // No smaps here: the totals alone.
  }
  return `rss ${megabytes(rss)} heap ${megabytes(heapUsed)}${big.length > 0 ? ` big ${big.join(' ')} rest ${megabytes(rest)}` : ''}`;
}
