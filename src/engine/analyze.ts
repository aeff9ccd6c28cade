// analyze(options) -> result: the whole pipeline, in the order data flows.
//
//   resolve inputs -> probe each (compression, format; pipes opened) -> plan tasks -> producers (workers:
//   ranges of plain files; compressed files and relayed pipes as streams) -> bounded queue -> consumer (merge)
//   -> threshold -> result

import { formatDefinition, type Detection } from '../formats/index.js';
import { consumePartials, type Merged } from '../consumer/consumer.js';
import { checkStrict, fitWarnings, forwardedForWarnings, type FileFit } from '../consumer/format-fit.js';
import { taskKey, type AnalysisPartial, type AnalysisSpec } from '../scan/analysis-scanner.js';
import { resolveInputs, STDIN, type SkippedInput } from '../inputs/resolve.js';
import type { ProducerConfig, StreamReport, Task } from './thread-messages.js';
import { resolveOptions, type AnalyzeOptions, type ResolvedOptions } from '../options/analyze-options.js';
import { planTasks } from '../plan/plan-tasks.js';
import { runProducers } from './producer-pool.js';
import { probeInputs, type ProbedFile } from '../inputs/probe.js';
import { BoundedQueue } from './queue.js';
import type { PipeRelay } from '../inputs/pipe-relay.js';
import { rankGroups } from '../tables/ranked.js';
import type { AnalyzeResult, InputSummary, ResultRow } from '../tables/result.js';
import { addStats, emptyStats, type ScanStats } from '../scan/line-scanner.js';
import { withFormatState } from '../plan/header-state.js';
import { LogsiftError } from '../base/errors.js';
import { mark } from '../base/trace.js';

export async function analyze(options: AnalyzeOptions): Promise<AnalyzeResult> {
  const started = performance.now();
  const opts = resolveOptions(options);

  const resolved = await resolveInputs(opts.inputs, { skipUnreadable: opts.skipUnreadable });
  const { files, skipped: unreadable, relays } = await probeInputs(resolved.inputs, opts);
  mark('inputs probed');
  try {
    return await analyzeInputs(opts, files, [...resolved.skipped, ...unreadable], relays, started);
  } finally {
    for (const relay of relays.values()) relay.stop();
  }
}

async function analyzeInputs(
  opts: ResolvedOptions,
  files: readonly ProbedFile[],
  skipped: readonly SkippedInput[],
  relays: ReadonlyMap<number, PipeRelay>,
  started: number,
): Promise<AnalyzeResult> {
  if (files.length === 0) throw new LogsiftError(`no input could be read (${skipped.map((s) => s.path).join(', ')})`);
  const tasks = withFormatState(
    planTasks(files, { producers: opts.threads, rangeBytes: opts.rangeBytes }),
    (format) => formatDefinition(format)?.stateLines,
  );
  const detections: Array<Detection | undefined> = files.map((file) => file.detection);
  const inputs: InputSummary[] = files.map((file) => ({
    path: file.path,
    format: file.format,
    compression: file.compression,
    bytes: file.size,
    uncompressedBytes: file.size,
  }));
  let totalBytes = inputs.reduce((sum, input) => sum + input.bytes, 0); // grows as pipes are read
  const onStreamed = (report: StreamReport): void => {
    detections[report.input] = report.detection;
    inputs[report.input] = {
      ...inputs[report.input],
      format: report.detection.name,
      bytes: report.bytes,
      uncompressedBytes: report.uncompressedBytes,
    };
  };

  const onPipeBytes = (bytes: number): number => (totalBytes += bytes);
  /** One read of every input: producers -> queue -> consumer. */
  const pipeline = async (analysis: AnalysisSpec | undefined): Promise<[Merged, ScanStats[]]> => {
    const config: ProducerConfig = {
      formatOptions: opts.formatOptions,
      statusColumns: opts.statusColumns,
      analysis,
      chunkBytes: opts.chunkBytes,
      flushGroups: opts.flushGroups,
      kernel: opts.kernel,
    };
    const queue = new BoundedQueue<AnalysisPartial>(opts.queueCapacity);
    const merged = consumePartials(queue, { columns: opts.statusColumns.length, analysis, taskOrder: fileOrder(tasks), kernel: opts.kernel });
    merged.catch(() => undefined); // when the producers fail, their error is the one reported
    let doneBytes = 0;
    const onRead = opts.onProgress && ((bytes: number) => opts.onProgress!((doneBytes += bytes), totalBytes));
    const inputStats = await runProducers({ config, tasks, producers: opts.threads, queue, onRead, onStreamed, relays, onPipeBytes }).finally(
      () => queue.close(),
    );
    return [await merged, inputStats];
  };
  // Folded windows (engine/sliding.ts) need each group's instants nearly in time order; when they were not, the
  // input is read again keeping every instant. A pipe cannot be read again, so its instants are all kept at once.
  const fold = opts.analysis?.foldWindows === true && !tasks.some((task) => task.kind === 'stream' && task.from === 'pipe');
  let analysis = opts.analysis && { ...opts.analysis, foldWindows: fold };
  let [{ table, events, peaks, foldFailed, settled, kernelTable }, inputStats] = await pipeline(analysis);
  const passes = foldFailed ? 2 : 1;
  if (foldFailed) {
    analysis = { ...analysis!, foldWindows: false };
    [{ table, events, peaks, settled }, inputStats] = await pipeline(analysis);
  }
  // Every input has its detection now (a compressed file's was settled by the producer that read it).
  const fits: FileFit[] = files.map((file) => ({ path: file.path === STDIN ? 'stdin' : file.path, format: detections[file.input]!, stats: inputStats[file.input] ?? emptyStats() }));
  if (opts.strict) checkStrict(fits);
  const stats = emptyStats();
  for (const fit of fits) addStats(stats, fit.stats);
  if (settled) {
    stats.matched += settled.matched;
    stats.outside += settled.outside;
    stats.excluded += settled.excluded;
  }
  mark('merged');
  const reported = rankGroups(
    { table, events, peaks, kernelTable },
    { threshold: opts.threshold, keyFields: opts.by.length, windowSeconds: opts.windowSeconds },
  );
  let rows: ResultRow[] | undefined;

  mark('rows selected');
  return {
    keyFields: opts.by,
    errorCodes: opts.errorCodes,
    statusColumns: opts.statusColumns.map((c) => c.label),
    ...(opts.windowSeconds > 0 ? { windowSeconds: opts.windowSeconds } : {}),
    ...(opts.span ? { span: { since: opts.span.sinceText, until: opts.span.untilText } } : {}),
    ...(opts.analysis && opts.analysis.includeIp.length + opts.analysis.excludeIp.length > 0
      ? { clients: { include: opts.analysis.includeIp, exclude: opts.analysis.excludeIp } }
      : {}),
    threshold: opts.threshold,
    reported,
    get rows() {
      return (rows ??= reported.toArray());
    },
    summary: {
      ...stats,
      input: inputs.length === 1 ? (inputs[0].path === STDIN ? 'stdin' : inputs[0].path) : `${inputs.length} inputs`,
      inputs,
      skippedInputs: skipped,
      format: [...new Set(inputs.map((input) => input.format))].join(', '),
      warnings: [...fitWarnings(fits), ...forwardedForWarnings(fits, opts.formatOptions)],
      bytes: totalBytes,
      uncompressedBytes: inputs.reduce((sum, input) => sum + input.uncompressedBytes, 0),
      threads: opts.threads,
      groups: table.size,
      reported: reported.length,
      elapsedMs: performance.now() - started,
      ...(opts.windowSeconds > 0 ? { passes } : {}),
    },
  };
}

/** The tasks' keys in file order: input by input, by offset within one (see record.ts taskKey). */
function fileOrder(tasks: readonly Task[]): string[] {
  const start = (task: Task): number => (task.kind === 'range' ? task.start : 0);
  return [...tasks].sort((a, b) => a.input - b.input || start(a) - start(b)).map((task) => taskKey(task.input, start(task)));
}
