// The HTML report's read: the inputs read once more, after the run, for what the report shows beyond the result
// (tables/report-data.ts): matching responses over time, and for each reported group only, its activity over
// time and (grouping by client) its top paths and user agents. It runs only when a report is asked for, so the
// default run never pays for it. It goes through the run's seams: the run's tasks (byte ranges, streams) are
// dealt to the producers, each scans its tasks with a `ReportTaskScanner` into one compact report partial
// (tables/report-partial.ts), and the single consumer merges them (`ReportParts.merge`) in any order. Where the
// format has the WebAssembly kernel, it finds the matching lines and the JS parser sees only those.
//
// A line counts here exactly as it counted in the run: the same status columns, the same time span (a relative
// one settled with the run's newest instant, so nothing is undecided), the same client filters, the same keys.
// Strings are made only for lines of reported groups, for their top paths and user agents.

import { ClientFilter } from '../analyses/client-filter.js';
import { KeyMaker } from '../analyses/key-maker.js';
import { OUT, TimeSpan } from '../analyses/time-span.js';
import { rawText } from '../formats/fields.js';
import { createFormat, type FormatOptions, type LineFormat } from '../formats/index.js';
import { RangeReader, type LineSink } from '../inputs/range-reader.js';
import { STDIN } from '../inputs/resolve.js';
import { counted, fileChunks, scanStream, type FormatScan } from '../inputs/stream-reader.js';
import { parseAddressBlock } from '../options/address-blocks.js';
import { columnOfStatus, type StatusColumn } from '../options/codes.js';
import type { KeyField } from '../options/key-fields.js';
import type { SpanSpec } from '../options/span-spec.js';
import type { ResolvedOptions } from '../options/run-spec.js';
import type { Task } from '../plan/tasks.js';
import type { RankedGroups } from '../tables/ranked.js';
import type { AnalyzeResult } from '../tables/result.js';
import { GroupTable } from '../tables/group-table.js';
import { emptyStats, type FileStats } from '../tables/line-counts.js';
import { ReportParts, type ReportPartial } from '../tables/report-partial.js';
import { KernelScanner, kernelSupports } from './kernel-scanner.js';
import { LineScanner } from './line-scanner.js';
import { OpenFile, type PartialSink, type PipeBytes } from './task-scanner.js';

/** How the run counted, as plain data: what every producer of the report's read is given once. */
export interface ReportConfig {
  readonly formatOptions: FormatOptions;
  readonly statusColumns: readonly StatusColumn[];
  readonly by: readonly KeyField[];
  readonly keepQuery: boolean;
  readonly span?: SpanSpec;
  /** With a relative span: the run's newest instant (a stamp), which settles it. */
  readonly newest?: number;
  readonly includeIp: readonly string[];
  readonly excludeIp: readonly string[];
  readonly chunkBytes: number;
  /** Scan with the WebAssembly kernel where the format has one. */
  readonly kernel: boolean;
  /** The reported groups' keys, as the run's table holds them, in report order: key i is keyBytes[keyEnds[i - 1] ?? 0, keyEnds[i]). */
  readonly keyBytes: Uint8Array;
  readonly keyEnds: Int32Array;
}

/** The report's configuration for a run of `spec` that gave `result` (`newest`: the consumer's, for a relative span). */
export function reportConfigOf(spec: ResolvedOptions, result: AnalyzeResult, newest: number | undefined): ReportConfig {
  const ranked = result.reported as RankedGroups;
  const { table, order } = ranked;
  const keyEnds = new Int32Array(ranked.length);
  let size = 0;
  for (let i = 0; i < ranked.length; i++) keyEnds[i] = size += table.keyEnd(order[i]) - table.keyStart(order[i]);
  const keyBytes = new Uint8Array(size);
  for (let i = 0; i < ranked.length; i++) keyBytes.set(table.keys.subarray(table.keyStart(order[i]), table.keyEnd(order[i])), i === 0 ? 0 : keyEnds[i - 1]);
  return {
    formatOptions: spec.formatOptions,
    statusColumns: spec.statusColumns,
    by: spec.by,
    keepQuery: spec.keepQuery,
    ...(spec.span ? { span: spec.span, ...(newest !== undefined ? { newest } : {}) } : {}),
    includeIp: spec.analysis?.includeIp ?? [],
    excludeIp: spec.analysis?.excludeIp ?? [],
    chunkBytes: spec.chunkBytes,
    kernel: spec.kernel,
    keyBytes,
    keyEnds,
  };
}

/** Whether the report keeps top paths and user agents: when the run groups by client. */
export function keepsTops(config: Pick<ReportConfig, 'by'>): boolean {
  return config.by.includes('ip');
}

/** What the report's read needs beyond the lines: the reported keys, the span settled, the filters. */
class ReportState {
  readonly reported: GroupTable;
  readonly span: TimeSpan | undefined;
  readonly clients: ClientFilter | undefined;
  readonly parts: ReportParts;

  constructor(readonly config: ReportConfig) {
    const { keyBytes, keyEnds } = config;
    this.reported = new GroupTable(0);
    for (let i = 0; i < keyEnds.length; i++) this.reported.rowOf(keyBytes, i === 0 ? 0 : keyEnds[i - 1], keyEnds[i]);
    if (config.span) {
      this.span = new TimeSpan(config.span);
      this.span.finish(config.newest ?? Number.NEGATIVE_INFINITY);
    }
    if (config.includeIp.length + config.excludeIp.length > 0) {
      this.clients = new ClientFilter(
        config.includeIp.map((b) => parseAddressBlock(b, '--include-ip')),
        config.excludeIp.map((b) => parseAddressBlock(b, '--exclude-ip')),
      );
    }
    this.parts = new ReportParts(config.statusColumns.length, keyEnds.length, keepsTops(config));
  }
}

/** A LineScanner that, for each line the run counted, adds it to the report's numbers instead of a table. */
class ReportScanner extends LineScanner {
  private readonly keys: KeyMaker;
  private readonly tops: boolean;
  /** The format's text of a field is its bytes, one char per byte (no unescaping): values are counted as bytes. */
  private readonly rawText: boolean;

  /** `parsed`: whether matching lines come fully parsed (the JS scanner, or the kernel re-parsing them). */
  constructor(
    format: LineFormat,
    columns: Int16Array,
    private readonly state: ReportState,
  ) {
    super(format, columns, state.reported);
    this.keys = new KeyMaker(format, state.config.by, state.config.keepQuery);
    this.tops = state.parts.paths !== undefined;
    this.rawText = format.text === rawText;
  }

  /** Whether the key needs every field `format.parse` finds (the kernel then re-parses matching lines). */
  get needsFullParse(): boolean {
    return this.keys.needsDetails;
  }

  /** Set by the kernel's sink: matching lines come with only the client, status and instant parsed. */
  recordsOnly = false;

  override countMatch(buf: Buffer, start: number, end: number, column: number): void {
    const { fields, state } = this;
    const stamp = fields.stamp;
    if (state.span && state.span.verdict(stamp) === OUT) return;
    if (state.clients && !state.clients.admits(buf, fields.clientStart, fields.clientEnd)) return;
    const parts = state.parts;
    parts.timeline.addStamp(stamp, column);
    const keys = this.keys;
    let detailed = false;
    if (keys.needsDetails) {
      this.format.parseDetails(buf, start, end, fields);
      detailed = true;
    }
    keys.make(buf, fields);
    const row = state.reported.find(keys.keyBuf, keys.keyStart, keys.keyEnd);
    if (row < 0) return;
    parts.groupSeries(row).addStamp(stamp, 0);
    if (!this.tops) return;
    // Only a reported group's line is parsed whole, and only it makes strings.
    if (!detailed) {
      if (this.recordsOnly) this.format.parse(buf, start, end, fields);
      this.format.parseDetails(buf, start, end, fields);
    }
    if (fields.pathStart >= 0) {
      let end = fields.pathEnd;
      if (!this.state.config.keepQuery) {
        const question = buf.indexOf(0x3f, fields.pathStart);
        if (question >= 0 && question < end) end = question;
      }
      this.addText(row, buf, fields.pathStart, end, true);
    }
    if (fields.userAgentStart >= 0) this.addText(row, buf, fields.userAgentStart, fields.userAgentEnd, false);
  }

  /** Counts a top value: its bytes as they are where the format's text is the bytes, else its text's. */
  private addText(row: number, buf: Buffer, start: number, end: number, path: boolean): void {
    const parts = this.state.parts;
    if (!this.rawText) {
      const text = Buffer.from(this.format.text(buf, start, end), 'latin1');
      [buf, start, end] = [text, 0, text.length];
    }
    if (path) parts.addPath(row, buf, start, end);
    else parts.addAgent(row, buf, start, end);
  }
}

interface ReportFormatScan extends FormatScan {
  readonly scanner: ReportScanner;
  readonly reader: RangeReader;
}

/**
 * A producer's share of the report's read: scans the tasks it is given (as TaskScanner does for the run) into
 * the report's numbers, and hands them over as one partial when flushed. Its memory: the reported keys, the
 * run's timeline, and per reported group it met, its buckets and top values.
 */
export class ReportTaskScanner {
  private readonly state: ReportState;
  private readonly columns: Int16Array;
  private readonly byFormat = new Map<string, ReportFormatScan>();
  private readonly file = new OpenFile();
  /** Line counts are not the report's business (the run has them); the scanners need somewhere to keep them. */
  readonly stats: FileStats = {};
  private readonly lineStats = emptyStats();

  constructor(
    private readonly config: ReportConfig,
    private readonly sink: PartialSink<ReportPartial>,
  ) {
    this.state = new ReportState(config);
    this.columns = columnOfStatus(config.statusColumns);
  }

  private scanFor(name: string): ReportFormatScan {
    let scan = this.byFormat.get(name);
    if (!scan) {
      const { config } = this;
      const format = createFormat(name, config.formatOptions);
      const scanner = new ReportScanner(format, this.columns, this.state);
      scanner.stats = this.lineStats;
      let kernel: KernelScanner | undefined;
      if (config.kernel && kernelSupports(format.name) && config.statusColumns.length < 255) {
        kernel = new KernelScanner(scanner, config.chunkBytes, scanner.needsFullParse ? 'reparse' : 'records');
        scanner.recordsOnly = !scanner.needsFullParse;
      }
      const sink: LineSink = kernel ?? scanner;
      const reader = new RangeReader(config.chunkBytes, kernel);
      scan = { format, scanner, sink, reader, lines: reader.lines };
      this.byFormat.set(name, scan);
    }
    return scan;
  }

  /** Scans one task of the run; `pipe` is never given (a pipe's bytes are read from the copy the run kept). */
  async scan(task: Task, pipe?: PipeBytes): Promise<undefined> {
    const onRead = (bytes: number): void => this.sink.onRead?.(bytes);
    if (task.kind === 'range') {
      const { format, reader, sink } = this.scanFor(task.format);
      format.begin?.(task.state ?? []);
      reader.scanRange(this.file.fdOf(task.path), task.start, task.end, sink, onRead);
    } else {
      if (task.from === 'pipe' && !pipe) throw new Error(`no bytes given for pipe input ${task.path}`);
      await scanStream({
        source: counted(task.from === 'pipe' ? pipe! : fileChunks(task.path, this.config.chunkBytes), onRead),
        compression: task.compression,
        name: task.path === STDIN ? 'stdin' : task.path,
        format: task.format,
        formatOptions: this.config.formatOptions,
        pieceBytes: this.config.chunkBytes,
        scanFor: (name) => this.scanFor(name),
        inflateAside: task.inflateAside,
      });
    }
    return undefined;
  }

  /** Hands over what it gathered, as one partial. */
  async flush(): Promise<void> {
    const parts = this.state.parts;
    parts.firstStamp = Math.min(parts.firstStamp, this.lineStats.firstStamp);
    parts.lastStamp = Math.max(parts.lastStamp, this.lineStats.lastStamp);
    await this.sink.handOver(parts.take());
  }

  close(): void {
    this.file.close();
  }
}

/** Scans tasks of the report's read in this thread (a cluster's worker scans one job's task this way). */
export async function scanReportTask(task: Task, config: ReportConfig): Promise<ReportPartial> {
  const partials: ReportPartial[] = [];
  const scanner = new ReportTaskScanner(config, { handOver: async (partial) => void partials.push(partial) });
  try {
    await scanner.scan(task);
    await scanner.flush();
    return partials[0];
  } finally {
    scanner.close();
  }
}
