// The single consumer of a run: the seam every driver shares (the local one on worker threads, a cluster's
// coordinator). A driver creates one per read of the inputs, hands it every partial as it comes
// (`mergePartial`), and what its producers said of their tasks (line counts, what a stream turned out to
// be); `finish` applies the threshold, ranks the groups and gives the result the sinks read.
//
// What the consumer never does: read an input, or know where partials came from. Folded windows may find the
// input too far out of time order (`needsAnotherPass`): the driver then reads everything again, with a new
// consumer that keeps every instant.
//
// This folder may import tables, analyses, plan (task keys), inputs (their descriptions), options, formats
// and base; nothing that runs producers.

import { formatCount } from '../base/numbers.js';
import { formatStampIso } from '../base/time.js';
import { mark } from '../base/trace.js';
import type { Detection } from '../formats/index.js';
import type { ProbedFile } from '../inputs/probe.js';
import { STDIN, type SkippedInput } from '../inputs/resolve.js';
import type { AnalysisSpec, ResolvedOptions } from '../options/run-spec.js';
import { taskKey, type Task } from '../plan/tasks.js';
import { addStats, emptyStats, type FileStats, type ScanStats, type StreamReport } from '../tables/line-counts.js';
import type { ScanPartial } from '../tables/partial.js';
import type { AnalyzeResult, InputSummary, ResultRow } from '../tables/result.js';
import { checkStrict, fitWarnings, forwardedForWarnings, type FileFit } from './format-fit.js';
import { createMerger, type Merged, type PartialMerger } from './merge.js';
import { firstRanked, highestGroup, rankGroups } from './rank.js';

/** What the consumer knows of the run: its spec, its inputs as probed and planned, and when it started. */
export interface ConsumedRun {
  readonly spec: ResolvedOptions;
  readonly files: readonly ProbedFile[];
  /** Inputs left out (only with skipUnreadable). */
  readonly skipped: readonly SkippedInput[];
  readonly tasks: readonly Task[];
  /** performance.now() when the run started. */
  readonly started: number;
}

/** One read of the inputs: the first folds windows where it can; the second never does. */
export interface ReadPass {
  /** 1 or 2. */
  readonly pass: number;
  /** Fold windows as instants come (the spec allows it and no input is a pipe). */
  readonly foldWindows: boolean;
}

export class Consumer {
  /** The analysis the producers of this read scan with: the spec's, with this read's folding. */
  readonly analysis: AnalysisSpec | undefined;
  private readonly merger: PartialMerger;
  private readonly stats: ScanStats[] = [];
  private readonly detections: Array<Detection | undefined>;
  private readonly inputs: InputSummary[];
  private merged: Merged | undefined;

  constructor(
    readonly run: ConsumedRun,
    readonly read: ReadPass,
  ) {
    const { spec, files, tasks } = run;
    this.analysis = spec.analysis && { ...spec.analysis, foldWindows: read.foldWindows };
    this.merger = createMerger({ columns: spec.statusColumns.length, analysis: this.analysis, taskOrder: fileOrder(tasks), kernel: spec.kernel });
    this.detections = files.map((file) => file.detection);
    this.inputs = files.map((file) => ({
      path: file.path,
      format: file.format,
      compression: file.compression,
      bytes: file.size,
      uncompressedBytes: file.size,
    }));
  }

  mergePartial(partial: ScanPartial): void {
    this.merger.merge(partial);
  }

  /** Line counts of some tasks, by input index (a producer's, summed over what it read). */
  addStats(stats: FileStats): void {
    for (const [input, counts] of Object.entries(stats)) addStats((this.stats[Number(input)] ??= emptyStats()), counts);
  }

  /** What reading one input as a stream found: its format (settled by the producer) and sizes. */
  streamed(report: StreamReport): void {
    this.detections[report.input] = report.detection;
    this.inputs[report.input] = {
      ...this.inputs[report.input],
      format: report.detection.name,
      bytes: report.bytes,
      uncompressedBytes: report.uncompressedBytes,
    };
  }

  /**
   * Ends the merge (no partial may come after). True when folded windows failed (the input was too far out of
   * time order): the inputs must be read again, by a consumer of the second pass; this one is done.
   */
  get needsAnotherPass(): boolean {
    return this.endMerge().foldFailed === true;
  }

  /** The result: the groups over the threshold, ranked, and the summary. Call once, after every partial. */
  finish(driverWarnings: readonly string[] = []): AnalyzeResult {
    const { spec, files, skipped, started } = this.run;
    const merged = this.endMerge();
    if (merged.foldFailed) throw new Error('folded windows failed: the inputs must be read again (see needsAnotherPass)');
    // Every input has its detection now (a compressed file's was settled by the producer that read it).
    const fits: FileFit[] = files.map((file) => ({
      path: file.path === STDIN ? 'stdin' : file.path,
      format: this.detections[file.input]!,
      stats: this.stats[file.input] ?? emptyStats(),
    }));
    if (spec.strict) checkStrict(fits);
    const stats = emptyStats();
    for (const fit of fits) addStats(stats, fit.stats);
    if (merged.settled) {
      stats.matched += merged.settled.matched;
      stats.outside += merged.settled.outside;
      stats.excluded += merged.settled.excluded;
    }
    mark('merged');
    const { firstStamp, lastStamp, ...counts } = stats;
    const logSpan = firstStamp <= lastStamp ? { first: formatStampIso(firstStamp), last: formatStampIso(lastStamp) } : undefined;
    const rankBy = { keyFields: spec.by.length, windowSeconds: spec.windowSeconds };
    // --most: every group ranked (a threshold of 1), the first n kept.
    const reported =
      spec.most !== undefined
        ? firstRanked(rankGroups(merged, { ...rankBy, threshold: 1 }), spec.most)
        : rankGroups(merged, { ...rankBy, threshold: spec.threshold });
    const highest = reported.length === 0 ? highestGroup(merged, rankBy) : undefined;
    mark('rows selected');
    const inputs = this.inputs;
    let rows: ResultRow[] | undefined;
    return {
      keyFields: spec.by,
      errorCodes: spec.errorCodes,
      statusColumns: spec.statusColumns.map((c) => c.label),
      ...(spec.windowSeconds > 0 ? { windowSeconds: spec.windowSeconds } : {}),
      ...(spec.span ? { span: { since: spec.span.sinceText, until: spec.span.untilText } } : {}),
      ...(spec.analysis && spec.analysis.includeIp.length + spec.analysis.excludeIp.length > 0
        ? { clients: { include: spec.analysis.includeIp, exclude: spec.analysis.excludeIp } }
        : {}),
      threshold: spec.most !== undefined ? 1 : spec.threshold,
      ...(spec.most !== undefined ? { most: spec.most } : {}),
      reported,
      get rows() {
        return (rows ??= reported.toArray());
      },
      summary: {
        ...counts,
        input: inputs.length === 1 ? (inputs[0].path === STDIN ? 'stdin' : inputs[0].path) : `${inputs.length} inputs`,
        inputs,
        skippedInputs: skipped,
        format: [...new Set(inputs.map((input) => input.format))].join(', '),
        warnings: [...spec.warnings, ...driverWarnings, ...fitWarnings(fits, spec.formatOptions), ...forwardedForWarnings(fits, spec.formatOptions), ...spanWarnings(spec, stats, logSpan)],
        // A pipe's (or a /proc file's) size is known once read; every other input counts as stored when the run began.
        bytes: files.reduce((sum, file) => sum + (file.pipe || file.stream ? inputs[file.input].bytes : file.size), 0),
        uncompressedBytes: inputs.reduce((sum, input) => sum + input.uncompressedBytes, 0),
        threads: spec.threads,
        groups: merged.table.size,
        reported: reported.length,
        ...(highest ? { highest } : {}),
        ...(logSpan ? { logSpan } : {}),
        elapsedMs: performance.now() - started,
        ...(spec.windowSeconds > 0 ? { passes: this.read.pass } : {}),
      },
    };
  }

  /** With a relative time span: the input's newest instant (a stamp), known once every partial is merged. */
  get newest(): number | undefined {
    return this.endMerge().newest;
  }

  private endMerge(): Merged {
    return (this.merged ??= this.merger.finish());
  }
}

/** The consumer of one read of the inputs. */
export function createConsumer(run: ConsumedRun, read: ReadPass): Consumer {
  return new Consumer(run, read);
}

/** Merges one partial (any producer's, in any order) into the consumer's groups. */
export function mergePartial(consumer: Consumer, partial: ScanPartial): void {
  consumer.mergePartial(partial);
}

/** Ranks what was merged and gives the result (see Consumer.finish). */
export function finish(consumer: Consumer): AnalyzeResult {
  return consumer.finish();
}

/** The first read folds windows when the spec allows it and no input is a pipe (a pipe cannot be read again). */
export function firstPass(run: ConsumedRun): ReadPass {
  const fold = run.spec.analysis?.foldWindows === true && !run.tasks.some((task) => task.kind === 'stream' && task.from === 'pipe');
  return { pass: 1, foldWindows: fold };
}

/** The second read, after folding failed: every instant kept. */
export const SECOND_PASS: ReadPass = { pass: 2, foldWindows: false };

/**
 * A span that holds no entry at all: most often a time copied from the log without its offset (a time without
 * one is UTC, the log's are in its own offset), so say so.
 */
function spanWarnings(spec: ResolvedOptions, stats: ScanStats, logSpan: { first: string; last: string } | undefined): string[] {
  if (!spec.span || stats.parsed === 0 || stats.outside < stats.parsed) return [];
  const given = [spec.span.sinceText && `since ${spec.span.sinceText}`, spec.span.untilText && `until ${spec.span.untilText}`].filter(Boolean).join(', ');
  return [
    `no entry is in the span given (${given}): all ${formatCount(stats.parsed)} parsed entries are outside it` +
      (logSpan ? `, the log covers ${logSpan.first} to ${logSpan.last}; ` : '; ') +
      "a time without an offset is UTC, while the log's times are in its own offset (copy it with the time)",
  ];
}

/** The tasks' keys in file order: input by input, by offset within one (see plan/tasks.ts taskKey). */
function fileOrder(tasks: readonly Task[]): string[] {
  const start = (task: Task): number => (task.kind === 'range' ? task.start : 0);
  return [...tasks].sort((a, b) => a.input - b.input || start(a) - start(b)).map((task) => taskKey(task.input, start(task)));
}
