// analyze(options) -> result: the whole pipeline, in the order data flows.
//
//   plan byte ranges -> producers (workers) -> bounded queue -> consumer (merge) -> threshold -> result

import { closeSync } from 'node:fs';
import { detectFormat, formatByName } from '../formats/index.js';
import { consumePartials } from './consumer.js';
import type { Partial } from './groups.js';
import { openInput, readHead } from './input.js';
import type { ProducerConfig, RangeTask } from './messages.js';
import { resolveOptions, type AnalyzeOptions } from './options.js';
import { planRanges } from './plan.js';
import { runProducers } from './pool.js';
import { BoundedQueue } from './queue.js';
import { selectRows, type AnalyzeResult } from './result.js';

/** Enough lines to recognise a format, small enough to read instantly. */
const DETECT_BYTES = 64 * 1024;

export async function analyze(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const started = performance.now();
  const opts = resolveOptions(options);

  const input = openInput(opts.input);
  let tasks: RangeTask[];
  let format: string;
  try {
    format = opts.format === 'auto' ? detectFormat(readHead(input, DETECT_BYTES)).name : formatByName(opts.format)!.name;
    tasks = planRanges(input.fd, input.size, { producers: opts.threads, rangeBytes: opts.rangeBytes }).map((r) => ({
      path: input.path,
      start: r.start,
      end: r.end,
    }));
  } finally {
    closeSync(input.fd);
  }

  const config: ProducerConfig = {
    format,
    errorCodes: opts.errorCodes,
    chunkBytes: opts.chunkBytes,
    flushGroups: opts.flushGroups,
    kernel: opts.kernel,
  };
  const queue = new BoundedQueue<Partial>(opts.queueCapacity);
  const merged = consumePartials(queue, opts.errorCodes.length);
  let doneBytes = 0;
  const onRead = opts.onProgress && ((bytes: number) => opts.onProgress!((doneBytes += bytes), input.size));
  const stats = await runProducers({ config, tasks, producers: opts.threads, queue, onRead }).finally(() =>
    queue.close(),
  );
  const table = await merged;
  const rows = selectRows(table, opts.threshold);

  return {
    keyFields: ['ip'],
    errorCodes: opts.errorCodes,
    threshold: opts.threshold,
    rows,
    summary: {
      ...stats,
      input: input.path,
      format,
      bytes: input.size,
      threads: opts.threads,
      groups: table.size,
      reported: rows.length,
      elapsedMs: performance.now() - started,
    },
  };
}
