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
import { PipeCopies, type PipeRelay } from '../inputs/pipe-relay.js';
import { probeInputs, shrunkInputs } from '../inputs/probe.js';
import { resolveInputs, type ResolvedInputs } from '../inputs/resolve.js';
import type { EngineOptions } from '../options/internal-options.js';
import { resolveOptions } from '../options/run-spec.js';
import { STATE_LOOK_BACK, StateGuessMissed } from '../plan/header-state.js';
import { planTasks, withExactStates } from '../plan/plan-tasks.js';
import { singleRangeBytes } from '../plan/ranges.js';
import { lazyKernelClfCounter } from '../scan/kernel-scanner.js';
import { keepsTops, reportConfigOf } from '../scan/report-scanner.js';
import type { ScanConfig } from '../scan/task-scanner.js';
import type { Task } from '../plan/tasks.js';
import type { ReportData } from '../tables/report-data.js';
import { ReportParts, type ReportPartial } from '../tables/report-partial.js';
import type { ScanPartial } from '../tables/partial.js';
import type { AnalyzeResult } from '../tables/result.js';
import { runProducers } from './producer-pool.js';
import { BoundedQueue } from './queue.js';

/**
 * Runs the analysis. (The library exports it typed with the public AnalyzeOptions: src/index.ts.) A caller
 * that resolved the inputs already (the command line, to check its output against them) hands them over as
 * `resolvedBefore`, found with skipUnreadable, so that a folder of a thousand files is not listed and stat()ed twice.
 */
export async function analyze(options: EngineOptions, resolvedBefore?: ResolvedInputs): Promise<AnalyzeResult> {
  const started = performance.now();
  const spec = resolveOptions(options);

  const resolved = reusable(resolvedBefore, spec.inputs, spec.skipUnreadable) ?? (await resolveInputs(spec.inputs, { skipUnreadable: spec.skipUnreadable }));
  // Small files (one range each) are detected by the producers that read them, in parallel.
  const detectUpTo = singleRangeBytes(spec.rangeBytes);
  // Detection here runs the kernel (loaded on this thread for the consumer anyway), not the JS parsers cold;
  // compiled only once a file is detected here, so that with only small files the producers start sooner.
  const clfCounter = spec.kernel ? lazyKernelClfCounter() : undefined;
  const { files, skipped: unreadable, relays } = await probeInputs(resolved.inputs, { ...spec, detectUpTo, clfCounter });
  mark('inputs probed');
  let copies: PipeCopies | undefined;
  try {
    const skipped = [...resolved.skipped, ...unreadable];
    if (files.length === 0) throw new LogsiftError(`no input could be read (${skipped.map((s) => s.path).join(', ')})`);
    // The report reads the inputs again: a pipe's bytes are copied as they are relayed, and read from there.
    if (spec.report && relays.size > 0) {
      copies = new PipeCopies();
      for (const [input, relay] of relays) relay.keepCopy(copies.pathFor(input));
    }
    // W3C's header lines in force at each range start are guessed, and checked as the ranges are read
    // (plan/header-state.ts): the exact ones take a serial pass over the file first. A miss means reading
    // again, which a pipe cannot.
    const guessStates = relays.size === 0 ? (options.stateLookBack ?? STATE_LOOK_BACK) : undefined;
    let run: ConsumedRun = { spec, files, skipped, tasks: planTasks(files, { producers: spec.threads, rangeBytes: spec.rangeBytes, guessStates }), started };
    const progress = new Progress(run, options.onProgress);
    let consumer: Consumer;
    try {
      consumer = await readAll(run, firstPass(run), relays, progress, options.onProducersLoaded);
    } catch (error) {
      if (!(error instanceof StateGuessMissed)) throw error;
      mark(`state guess missed: ${error.message}`);
      options.onStateGuessMissed?.();
      run = { ...run, tasks: withExactStates(run.tasks) };
      consumer = await readAll(run, firstPass(run), relays, progress);
    }
    // Folded windows (analyses/sliding.ts) need each group's instants nearly in time order; when they were
    // not, the input is read again keeping every instant. (A pipe is never folded: it cannot be read again.)
    if (consumer.needsAnotherPass) consumer = await readAll(run, SECOND_PASS, relays, progress);
    const result = consumer.finish(shrunkInputs(files));
    if (!spec.report) return result;
    const copied = new Map<number, string>();
    for (const [input, relay] of relays) copied.set(input, await relay.copyDone());
    return { ...result, report: await gatherReport(run, consumer, result, progress, copied) };
  } finally {
    for (const relay of relays.values()) relay.stop();
    copies?.remove();
  }
}

/**
 * Inputs resolved before from the same specs, when they answer as resolving again would: without skipping,
 * an input skipped before fails the run, with the error resolving gives (so it is resolved again).
 */
function reusable(before: ResolvedInputs | undefined, specs: readonly string[], skipUnreadable: boolean): ResolvedInputs | undefined {
  if (!before || before.specs.length !== specs.length || before.specs.some((spec, i) => spec !== specs[i])) return undefined;
  return skipUnreadable || before.skipped.length === 0 ? before : undefined;
}

/**
 * The HTML report's read of the inputs (scan/report-scanner.ts), for the groups `result` reports: the run's
 * tasks again, dealt to the producers, their report partials merged here, on the consumer's side.
 */
async function gatherReport(
  run: ConsumedRun,
  consumer: Consumer,
  result: AnalyzeResult,
  progress: Progress,
  pipeCopies: ReadonlyMap<number, string>,
): Promise<ReportData> {
  const { spec } = run;
  const config = reportConfigOf(spec, result, consumer.newest);
  const parts = new ReportParts(config.statusColumns.length, config.keyEnds.length, keepsTops(config));
  const queue = new BoundedQueue<ReportPartial>(spec.queueCapacity);
  const merged = (async () => {
    for await (const partial of queue) parts.merge(partial);
  })();
  merged.catch(() => undefined); // when the producers fail, their error is the one reported
  progress.startRead();
  await runProducers({
    report: config,
    tasks: reportTasks(run, result, pipeCopies),
    producers: spec.threads,
    queue,
    onRead: progress.readListener(),
  }).finally(() => queue.close());
  await merged;
  mark('report read');
  return parts.data();
}

/**
 * The run's tasks for the report's read: each stream's format, and each small file's its producer detected, as
 * the run settled it; a pipe's bytes from its copy.
 */
function reportTasks(run: ConsumedRun, result: AnalyzeResult, pipeCopies: ReadonlyMap<number, string>): Task[] {
  return run.tasks.map((task) => {
    const format = result.summary.inputs[task.input].format;
    if (task.kind === 'range') return task.format === 'auto' ? { ...task, format } : task;
    const copy = pipeCopies.get(task.input);
    return copy === undefined ? { ...task, format } : { ...task, format, from: 'file', path: copy };
  });
}

/**
 * One read of every input: producers -> queue -> consumer. Resolves with the consumer, every partial merged.
 * `onLoaded`: called once its producers have all loaded their code.
 */
async function readAll(
  run: ConsumedRun,
  read: ReadPass,
  relays: ReadonlyMap<number, PipeRelay>,
  progress: Progress,
  onLoaded?: () => void,
): Promise<Consumer> {
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
    onRead: progress.readListener(),
    onStreamed: (report) => consumer.streamed(report),
    onStats: (stats) => consumer.addStats(stats),
    relays,
    onPipeBytes: progress.onPipeBytes,
    onLoaded,
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

  /** What hears bytes read; none when no one listens to the progress (the producers then send none). */
  readListener(): ((bytes: number) => void) | undefined {
    return this.listener ? this.onRead : undefined;
  }

  private readonly onRead = (bytes: number): void => {
    this.doneBytes += bytes;
    this.listener?.(this.doneBytes, this.hasPipe ? undefined : this.totalBytes);
  };

  readonly onPipeBytes = (bytes: number): void => {
    this.totalBytes += bytes;
  };
}
