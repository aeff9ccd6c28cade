// analyze(options) -> result: the local driver, which runs the pipeline on this machine's cores.
//
//   spec (options/) -> resolve and probe inputs (inputs/) -> plan tasks (plan/) -> producers on worker
//   threads, each scanning tasks into partials (scan/) -> one bounded queue -> the single consumer, merging
//   (consumer/) -> threshold and ranking -> result (tables/result.ts), which the sinks save and print
//
// Another driver (a cluster's coordinator) reuses every step but the producers and the queue: planTasks,
// scanTask on the other side, mergePartial and finish.

import { LogsiftError } from '../base/errors.js';
import { mark } from '../base/trace.js';
import { createConsumer, firstPass, SECOND_PASS, type ConsumedRun, type Consumer, type ReadPass } from '../consumer/consumer.js';
import type { PipeRelay } from '../inputs/pipe-relay.js';
import { probeInputs, shrunkInputs } from '../inputs/probe.js';
import { resolveInputs } from '../inputs/resolve.js';
import type { EngineOptions } from '../options/internal-options.js';
import { resolveOptions } from '../options/run-spec.js';
import { planTasks } from '../plan/plan-tasks.js';
import { singleRangeBytes } from '../plan/ranges.js';
import { readReport, type ReportConfig } from '../scan/report-scanner.js';
import type { ScanConfig } from '../scan/task-scanner.js';
import type { RankedGroups } from '../tables/ranked.js';
import type { ReportData } from '../tables/report-data.js';
import type { ScanPartial } from '../tables/partial.js';
import type { AnalyzeResult } from '../tables/result.js';
import { runProducers } from './producer-pool.js';
import { BoundedQueue } from './queue.js';

/** Runs the analysis. (The library exports it typed with the public AnalyzeOptions: src/index.ts.) */
export async function analyze(options: EngineOptions): Promise<AnalyzeResult> {
  const started = performance.now();
  const spec = resolveOptions(options);

  const resolved = await resolveInputs(spec.inputs, { skipUnreadable: spec.skipUnreadable });
  // Small files (one range each) are detected by the producers that read them, in parallel.
  const detectUpTo = singleRangeBytes(spec.rangeBytes);
  const { files, skipped: unreadable, relays } = await probeInputs(resolved.inputs, { ...spec, detectUpTo });
  mark('inputs probed');
  try {
    const skipped = [...resolved.skipped, ...unreadable];
    if (files.length === 0) throw new LogsiftError(`no input could be read (${skipped.map((s) => s.path).join(', ')})`);
    const pipe = spec.report ? files.find((file) => file.pipe) : undefined;
    if (pipe) {
      throw new LogsiftError(`the HTML report reads its inputs twice, which a pipe cannot be (${pipe.path}): save it to a file first`);
    }
    const tasks = planTasks(files, { producers: spec.threads, rangeBytes: spec.rangeBytes });
    const run: ConsumedRun = { spec, files, skipped, tasks, started };
    const progress = new Progress(run, options.onProgress);
    let consumer = await readAll(run, firstPass(run), relays, progress);
    // Folded windows (analyses/sliding.ts) need each group's instants nearly in time order; when they were
    // not, the input is read again keeping every instant. (A pipe is never folded: it cannot be read again.)
    if (consumer.needsAnotherPass) consumer = await readAll(run, SECOND_PASS, relays, progress);
    const result = consumer.finish(shrunkInputs(files));
    if (!spec.report) return result;
    progress.startRead();
    return { ...result, report: await gatherReport(run, consumer, result, progress.onRead) };
  } finally {
    for (const relay of relays.values()) relay.stop();
  }
}

/** The HTML report's read of the inputs (scan/report-scanner.ts), for the groups `result` reports. */
async function gatherReport(run: ConsumedRun, consumer: Consumer, result: AnalyzeResult, onRead: (bytes: number) => void): Promise<ReportData> {
  const { spec, files } = run;
  const ranked = result.reported as RankedGroups;
  const reportedKeys = Array.from({ length: ranked.length }, (_, i) => {
    const row = ranked.order[i];
    return ranked.table.keys.slice(ranked.table.keyStart(row), ranked.table.keyEnd(row));
  });
  const config: ReportConfig = {
    formatOptions: spec.formatOptions,
    statusColumns: spec.statusColumns,
    by: spec.by,
    keepQuery: spec.keepQuery,
    ...(spec.span ? { span: spec.span, newest: consumer.newest } : {}),
    includeIp: spec.analysis?.includeIp ?? [],
    excludeIp: spec.analysis?.excludeIp ?? [],
    chunkBytes: spec.chunkBytes,
    reportedKeys,
  };
  const inputs = files.map((file, i) => ({ path: file.path, compression: file.compression, format: result.summary.inputs[i].format }));
  const data = await readReport(inputs, config, onRead);
  mark('report read');
  return data;
}

/** One read of every input: producers -> queue -> consumer. Resolves with the consumer, every partial merged. */
async function readAll(run: ConsumedRun, read: ReadPass, relays: ReadonlyMap<number, PipeRelay>, progress: Progress): Promise<Consumer> {
  const { spec, tasks } = run;
  const consumer = createConsumer(run, read);
  const config: ScanConfig = {
    formatOptions: spec.formatOptions,
    statusColumns: spec.statusColumns,
    analysis: consumer.analysis,
    chunkBytes: spec.chunkBytes,
    flushGroups: spec.flushGroups,
    kernel: spec.kernel,
  };
  const queue = new BoundedQueue<ScanPartial>(spec.queueCapacity);
  const merged = consumeQueue(queue, consumer);
  merged.catch(() => undefined); // when the producers fail, their error is the one reported
  progress.startRead();
  await runProducers({
    config,
    tasks,
    producers: spec.threads,
    queue,
    onRead: progress.onRead,
    onStreamed: (report) => consumer.streamed(report),
    onStats: (stats) => consumer.addStats(stats),
    relays,
    onPipeBytes: progress.onPipeBytes,
  }).finally(() => queue.close());
  await merged;
  return consumer;
}

/** The single consumer's loop: every partial off the queue, merged as it comes. */
async function consumeQueue(queue: BoundedQueue<ScanPartial>, consumer: Consumer): Promise<void> {
  for await (const partial of queue) consumer.mergePartial(partial);
}

/** Bytes read of all there is to read, for `onProgress`; with a pipe among the inputs there is no total. */
class Progress {
  private doneBytes = 0;
  private totalBytes: number;
  private readonly hasPipe: boolean;

  constructor(
    run: ConsumedRun,
    private readonly listener: EngineOptions['onProgress'],
  ) {
    this.totalBytes = run.files.reduce((sum, file) => sum + file.size, 0);
    this.hasPipe = run.files.some((file) => file.pipe);
  }

  /** A new read of the inputs starts from nothing read. */
  startRead(): void {
    this.doneBytes = 0;
  }

  readonly onRead = (bytes: number): void => {
    this.doneBytes += bytes;
    this.listener?.(this.doneBytes, this.hasPipe ? undefined : this.totalBytes);
  };

  readonly onPipeBytes = (bytes: number): void => {
    this.totalBytes += bytes;
  };
}
