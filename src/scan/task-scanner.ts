// Scanning tasks into partials: what a producer does, wherever it runs (a worker thread of the local run, a
// worker process of a cluster, a test). This is the seam `scanTask(task, config) -> partials`.
//
// A TaskScanner keeps one group table across the tasks it is given, so that a producer's partials are few
// and big (one per producer in the default run, not one per 32 MiB range: the consumer's merge costs a cache
// miss per group per partial). It hands the table over as a partial when it grew big (`flushGroups` groups,
// or 2^31 matching lines, before a 32-bit count could wrap) and, with folded windows, after every task, each
// partial tagged with its task (the consumer takes instants in file order). `scanTask` scans one task alone.
//
// Every format met gets its scanner (the JS parser, with the WebAssembly kernel as its reader's sink where the
// format has one); all of them count into the one table, and line counts are kept per input.

import { closeSync, openSync } from 'node:fs';
import { AnalysisState } from '../analyses/analysis-state.js';
import { createFormat, type ClfSampleCounter, type FormatOptions, type LineFormat } from '../formats/index.js';
import { detectFileFormat } from '../inputs/probe.js';
import { RangeReader, type LineSink } from '../inputs/range-reader.js';
import { readInto, STDIN } from '../inputs/resolve.js';
import { counted, fileChunks, scanStream, type FormatScan as StreamFormatScan } from '../inputs/stream-reader.js';
import { columnOfStatus, type StatusColumn } from '../options/codes.js';
import { seesEveryLine, type AnalysisSpec } from '../options/run-spec.js';
import { StateGuessMissed } from '../plan/header-state.js';
import type { Task } from '../plan/tasks.js';
import { GroupTable } from '../tables/group-table.js';
import { emptyStats, type FileStats, type ScanStats, type StreamReport } from '../tables/line-counts.js';
import type { CountsPartial, ScanPartial } from '../tables/partial.js';
import { AnalysisScanner } from './analysis-scanner.js';
import { FieldKernelScanner, fieldKernelSupports } from './field-kernel-scanner.js';
import { KernelScanner, kernelClfCounter, kernelKeys, kernelSpanKeys, kernelSupports, type KernelMode } from './kernel-scanner.js';
import { LineScanner } from './line-scanner.js';

/** What every task of a run is scanned with: fixed for the life of a producer. Plain data. */
export interface ScanConfig {
  /** How formats are configured (custom format string, JSON field names, client source). */
  readonly formatOptions: FormatOptions;
  /** Wanted statuses: column i of a partial counts the statuses of statusColumns[i]. */
  readonly statusColumns: readonly StatusColumn[];
  /** Unset for the default run (clients by address). */
  readonly analysis?: AnalysisSpec;
  readonly chunkBytes: number;
  /** Groups held before the table is handed over as a partial (bounds a producer's memory). */
  readonly flushGroups: number;
  /** Scan with the WebAssembly kernel where the format has one. */
  readonly kernel: boolean;
}

/** Where a TaskScanner's partials and progress go. */
export interface PartialSink<P = ScanPartial> {
  /** Takes a partial; the scanner goes on once the promise settles (backpressure: the queue had room). */
  handOver(partial: P): Promise<void>;
  /** Hears the bytes read, chunk by chunk (stored bytes: compressed ones for a compressed file). */
  onRead?(bytes: number): void;
}

/** The bytes of a pipe task's input, which only the process that opened the pipe can read. */
export type PipeBytes = AsyncIterable<Uint8Array>;

/**
 * A producer's table counts in 32 bits; it hands its counts over once this many matching lines went into it,
 * so no count can wrap. (A range, or a stream's piece, adds far fewer lines than the 2^31 margin left.)
 */
const MAX_MATCHES_PER_PARTIAL = 2 ** 31;

/** A file left to its producer to detect (at most 1 MiB: plan/ranges.ts singleRangeBytes) is read whole, up to this. */
const MAX_READ_WHOLE = 4 * 1024 * 1024;

export class TaskScanner {
  private readonly table: GroupTable;
  private readonly analysis: AnalysisState | undefined;
  private readonly scanners: FormatScanners;
  private readonly file = new OpenFile();
  private matchedHandedOver = 0;
  /** A small file's bytes, read once for its detection and its scan. */
  private fileBytes = Buffer.alloc(0);
  /** Detection of a small file's or a stream's format counts its CLF-family lines with the kernel, where there is one. */
  private readonly clfCounter: ClfSampleCounter | undefined;
  /** The format the last small file was detected as (see smallFile). */
  private lastDetected: string | undefined;

  constructor(
    private readonly config: ScanConfig,
    private readonly sink: PartialSink,
  ) {
    this.table = new GroupTable(config.statusColumns.length);
    this.analysis = config.analysis && new AnalysisState(config.analysis, this.table);
    this.scanners = new FormatScanners(config, this.table, this.analysis);
    this.clfCounter = config.kernel ? kernelClfCounter() : undefined;
  }

  /** Line counts of every task scanned so far, by input index. */
  get stats(): FileStats {
    return this.scanners.byInput;
  }

  /**
   * Scans one task; `pipe` gives a pipe task's bytes. Says what a stream task found (its format, its sizes), and
   * how a range task whose format was left to it (a small file, inputs/probe.ts) was detected.
   * Partials may be handed over during and after it; the rest stays in the table for the next task.
   */
  async scan(task: Task, pipe?: PipeBytes): Promise<StreamReport | undefined> {
    const { config, scanners, analysis } = this;
    const onRead = (bytes: number): void => this.sink.onRead?.(bytes);
    scanners.countFor(task.input);
    analysis?.beginTask(task.input, task.kind === 'range' ? task.start : 0);
    let report: StreamReport | undefined;
    if (task.kind === 'range') {
      const fd = this.file.fdOf(task.path);
      // A small file's format may be left to its producer (inputs/probe.ts): then the task is the whole file,
      // read once, for its detection and its lines alike.
      const held = task.format === 'auto' && task.end <= MAX_READ_WHOLE ? this.smallFile(fd, task.end) : undefined;
      const detection =
        task.format === 'auto' ? detectFileFormat(fd, task.end, task.format, config.formatOptions, held?.counter ?? this.clfCounter, held?.text) : undefined;
      const { format, reader, sink } = scanners.for(detection?.name ?? task.format);
      format.begin?.(task.state ?? []);
      if (held?.reader === reader && task.start === 0) reader.scanHeld(held.text.length, sink, onRead);
      else if (held) reader.scanBytes(held.text.subarray(Math.min(task.start, held.text.length)), sink, onRead);
      else reader.scanRange(fd, task.start, task.end, sink, onRead);
      // A guessed state (plan/header-state.ts): this range must end in the one the next range was given.
      if (task.stateAfter && format.readsAsAfter?.(task.stateAfter) === false) throw new StateGuessMissed(task.path, task.end);
      if (detection) {
        this.lastDetected = detection.name;
        report = { input: task.input, detection, bytes: task.end, uncompressedBytes: task.end };
      }
    } else {
      if (task.from === 'pipe' && !pipe) throw new Error(`no bytes given for pipe input ${task.path}`);
      let bytes = 0;
      const { detection, uncompressedBytes } = await scanStream({
        source: counted(task.from === 'pipe' ? pipe! : fileChunks(task.path, config.chunkBytes), (n) => {
          bytes += n;
          onRead(n);
        }),
        compression: task.compression,
        name: task.path === STDIN ? 'stdin' : task.path,
        format: task.format,
        formatOptions: config.formatOptions,
        pieceBytes: config.chunkBytes,
        scanFor: (name) => scanners.for(name),
        between: () => this.handOverWhenBig(),
        inflateAside: task.inflateAside,
        clfCounter: this.clfCounter,
      });
      report = { input: task.input, detection, bytes, uncompressedBytes };
    }
    // Folded windows: the consumer takes each task's instants in file order, so every task ends a partial.
    if (analysis?.spec.foldWindows) await this.handOver(true);
    else await this.handOverWhenBig();
    return report;
  }

  /**
   * The first `size` bytes of an open small file (fewer if it ended sooner), read for its detection and its scan.
   * They go where the last small file's format reads its lines (`reader`), as most files of a run are in one
   * format: detected alike, the file is scanned where it lies, and the kernel's detection pass counts it there
   * too (`counter`), so that it is copied nowhere. (With 1,000 files of 100 KB, the two copies, 200 KB a file,
   * cost about as much as the kernel's two passes over it.) Else into a buffer kept from file to file.
   */
  private smallFile(fd: number, size: number): { text: Buffer; reader?: RangeReader; counter?: ClfSampleCounter } {
    const last = this.lastDetected === undefined ? undefined : this.scanners.for(this.lastDetected);
    const text = last?.reader.readHeld(fd, size);
    if (last && text) {
      const counter = this.clfCounter && last.sink instanceof KernelScanner ? last.sink.clfCounterHere(this.clfCounter) : this.clfCounter;
      return { text, reader: last.reader, counter };
    }
    if (this.fileBytes.length < size) this.fileBytes = Buffer.allocUnsafeSlow(Math.max(size, 2 * this.fileBytes.length));
    return { text: this.fileBytes.subarray(0, readInto(fd, this.fileBytes.subarray(0, size), 0)) };
  }

  /** Hands over what the table still holds; the scanner can take more tasks after. */
  async flush(): Promise<void> {
    if (!this.analysis?.spec.foldWindows) await this.handOver();
  }

  /** Lets go of the open file. */
  close(): void {
    this.file.close();
  }

  /** Between tasks, and between pieces of a long stream: hands the counts over once they grew big. */
  private async handOverWhenBig(): Promise<void> {
    const matched = this.scanners.matched();
    // Folded windows: pieces of a stream go as they are read, so that its instants are not all held here.
    if (
      this.analysis?.spec.foldWindows ||
      this.scanners.groups() >= this.config.flushGroups ||
      this.scanners.hasFull() ||
      matched - this.matchedHandedOver >= MAX_MATCHES_PER_PARTIAL
    ) {
      this.matchedHandedOver = matched;
      await this.handOver();
    }
  }

  /** `final`: with folded windows, the task being read is done (its partial is sent even when empty). */
  private async handOver(final = false): Promise<void> {
    const analysis = this.analysis;
    if (analysis) {
      // Kernels counting keys alone (keyed mode) first: with folded windows, the table's partial ends the task.
      for (const kernel of this.scanners.countingKernels) {
        for (const full of kernel.takeFull()) await this.sink.handOver(analysis.tagged(full));
        if (kernel.size > 0) await this.sink.handOver(analysis.tagged(kernel.takePartial()));
      }
      for (const kernel of this.scanners.spanKernels) if (kernel.size > 0) await this.sink.handOver(kernel.takePartial());
      // The producer's table may hold undecided entries of a time span, handed over even when the table is empty.
      if (this.table.size > 0 || analysis.pending) await this.sink.handOver(analysis.takePartial(final));
      return;
    }
    for (const source of this.scanners.sources()) {
      for (const full of source.takeFull?.() ?? []) await this.sink.handOver(full);
      if (source.size === 0) continue;
      await this.sink.handOver(source.takePartial());
    }
  }
}

/** What scanning one task alone gave: its partials in order, its line counts, and a stream's report. */
export interface ScannedTask {
  readonly partials: readonly ScanPartial[];
  readonly stats: FileStats;
  readonly streamed?: StreamReport;
}

/** Scans one task into partials: the seam for drivers that deal tasks one at a time (a job queue, a test). */
export async function scanTask(task: Task, config: ScanConfig, pipe?: PipeBytes): Promise<ScannedTask> {
  const partials: ScanPartial[] = [];
  const scanner = new TaskScanner(config, { handOver: async (partial) => void partials.push(partial) });
  try {
    const streamed = await scanner.scan(task, pipe);
    await scanner.flush();
    return { partials, stats: scanner.stats, ...(streamed ? { streamed } : {}) };
  } finally {
    scanner.close();
  }
}

/** Something that counts groups and can hand them over: the producer's table, or a counting kernel's. */
interface GroupSource {
  readonly size: number;
  takePartial(): CountsPartial;
  /** A counting kernel's partials of the tables that grew full within a task (scan/kernel-scanner.ts). */
  takeFull?(): ScanPartial[];
}

/** How the lines of one format are scanned: the JS scanner (which keeps the counts), and the sink the reader
 * feeds (the WebAssembly kernel where the format has one, which is then also the reader's buffer). */
interface FormatScan extends StreamFormatScan {
  readonly format: LineFormat;
  readonly scanner: LineScanner;
  readonly sink: LineSink;
  readonly reader: RangeReader;
}

/** One scan per format met, all counting into the producer's one table. */
class FormatScanners {
  private readonly byFormat = new Map<string, FormatScan>();
  /** With a time span, statuses that do not count go to one extra column past the real ones (analysis-scanner.ts). */
  private readonly others: number;
  private readonly columns: Int16Array;
  /** Line counts per input. */
  readonly byInput: Record<number, ScanStats> = {};
  /** Kernels that keep their own group table (count mode, or keyed with an analysis). */
  readonly countingKernels: KernelScanner[] = [];
  /**
   * Kernels that keep a relative span's undecided responses (span mode), handed over with the producer's own:
   * their tables hold only keys of what is undecided, bounded by the span (not by flushGroups).
   */
  readonly spanKernels: KernelScanner[] = [];
  /** The counts of the input being read (scanners made later count there too). */
  private counts: ScanStats | undefined;
  /** Matching lines of the inputs read before, and of the input being read when it was taken up. */
  private matchedBefore = 0;
  private matchedAtStart = 0;

  /** `analysis`: set when the run asks for more than the default (analyses/analysis-state.ts). */
  constructor(
    private readonly config: ScanConfig,
    private readonly table: GroupTable,
    private readonly analysis: AnalysisState | undefined,
  ) {
    this.others = seesEveryLine(config.analysis) ? config.statusColumns.length : -1;
    this.columns = columnOfStatus(config.statusColumns, this.others);
  }

  for(name: string): FormatScan {
    let scan = this.byFormat.get(name);
    if (!scan) {
      const { config } = this;
      const format = createFormat(name, config.formatOptions);
      const scanner = this.analysis
        ? new AnalysisScanner(format, this.columns, this.analysis, this.others)
        : new LineScanner(format, this.columns, this.table);
      // The kernel counts by itself in the default run, and with an analysis whose keys it makes (kernelKeys);
      // with other analyses it hands matching lines to the scanner.
      // A relative --since whose keys it makes: it keeps the undecided responses itself (scan/kernel-span.ts).
      const keys = this.analysis && config.kernel ? kernelKeys(format, this.analysis.spec) : undefined;
      const spanKeys = this.analysis && config.kernel && !keys ? kernelSpanKeys(format, this.analysis.spec) : undefined;
      const mode: KernelMode =
        keys ? 'keyed' : spanKeys ? 'span' : scanner instanceof AnalysisScanner ? (scanner.needsFullParse ? 'reparse' : 'records') : 'count';
      // The kernel's status table holds a column in a byte.
      const kernelFits = config.kernel && Math.max(config.statusColumns.length, this.others + 1) < 255;
      const kernel = !kernelFits
        ? undefined
        : kernelSupports(format)
          ? new KernelScanner(scanner, config.chunkBytes, mode, config.flushGroups, undefined, keys ?? spanKeys)
          : fieldKernelSupports(format, config.formatOptions)
            ? new FieldKernelScanner(scanner, config.chunkBytes, mode, config.flushGroups)
            : undefined;
      if (kernel && (mode === 'count' || mode === 'keyed')) this.countingKernels.push(kernel);
      if (kernel && mode === 'span') this.spanKernels.push(kernel);
      const reader = new RangeReader(config.chunkBytes, kernel);
      scan = { format, scanner, sink: kernel ?? scanner, reader, lines: reader.lines };
      if (this.counts) scanner.stats = this.counts;
      this.byFormat.set(name, scan);
    }
    return scan;
  }

  /** Where this producer's groups are: its table and the counting kernels' tables. */
  sources(): GroupSource[] {
    return [this.table, ...this.countingKernels];
  }

  /** True when a counting kernel's table grew full within a task: its partials wait to be handed over. */
  hasFull(): boolean {
    return this.countingKernels.some((kernel) => kernel.hasFull);
  }

  /** Groups held, over all sources. */
  groups(): number {
    return this.sources().reduce((sum, source) => sum + source.size, 0);
  }

  /** Matching lines counted so far, over all inputs. */
  matched(): number {
    return this.matchedBefore + (this.counts ? this.counts.matched - this.matchedAtStart : 0);
  }

  /** Points every scanner's counts at input `input`'s, so that counts are kept per input. */
  countFor(input: number): void {
    // Only the input being read counts: what the one before added is summed now (not every input at each task).
    if (this.counts) this.matchedBefore += this.counts.matched - this.matchedAtStart;
    const stats = (this.counts = this.byInput[input] ??= emptyStats());
    this.matchedAtStart = stats.matched;
    for (const { scanner } of this.byFormat.values()) scanner.stats = stats;
  }
}

/** The file of the last range stays open, as consecutive ranges are mostly of one file; others are closed. */
export class OpenFile {
  private path: string | undefined;
  private fd = -1;

  fdOf(path: string): number {
    if (path !== this.path) {
      this.close();
      this.fd = openSync(path, 'r');
      this.path = path;
    }
    return this.fd;
  }

  close(): void {
    if (this.path !== undefined) closeSync(this.fd);
    this.path = undefined;
  }
}
