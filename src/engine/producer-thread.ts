// A producer, run as a worker thread: takes tasks (byte ranges of plain files; whole compressed files and pipes,
// read as streams) one at a time, scans them, and hands compact partial results to the consumer's queue,
// waiting for the queue to accept each before going on.

import { closeSync, openSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { createFormat, type LineFormat } from '../formats/index.js';
import { columnOfStatus } from '../options/codes.js';
import { GroupTable, partialTransferList, type Partial } from '../tables/group-table.js';
import type { FromProducer, ProducerConfig, ToProducer } from './thread-messages.js';
import { KernelScanner, kernelSupports, type KernelMode } from '../scan/kernel-scanner.js';
import { RangeReader, type LineSink } from '../inputs/range-reader.js';
import { AnalysisScanner, AnalysisState, analysisTransferList, seesEveryLine } from '../scan/analysis-scanner.js';
import { emptyStats, LineScanner, type ScanStats } from '../scan/line-scanner.js';
import { STDIN } from '../inputs/resolve.js';
import { counted, fileChunks, scanStream, type FormatScan as StreamFormatScan } from '../inputs/stream-reader.js';
import { LogsiftError } from '../base/errors.js';
import { mark } from '../base/trace.js';

mark('producer modules loaded');

/**
 * A producer's table counts in 32 bits; it hands its counts over once this many matching lines went into it,
 * so no count can wrap. (A range, or a stream's piece, adds far fewer lines than the 2^31 margin left.)
 */
const MAX_MATCHES_PER_PARTIAL = 2 ** 31;

/** Progress is reported at most this often (in bytes read), to keep messages rare. */
const REPORT_BYTES = 8 * 1024 * 1024;

const port = parentPort!;
// The configuration is the first message: a producer may be started before its run is known (engine/workers.ts).
const config = await new Promise<ProducerConfig>((resolve) =>
  port.once('message', (message: ToProducer) => resolve((message as Extract<ToProducer, { type: 'config' }>).config)),
);

/** Messages in arrival order, awaited one at a time. */
class Inbox<T> {
  private readonly items: T[] = [];
  private wakeUp: (() => void) | undefined;

  put(item: T): void {
    this.items.push(item);
    const wake = this.wakeUp;
    this.wakeUp = undefined;
    wake?.();
  }

  async next(): Promise<T> {
    while (this.items.length === 0) await new Promise<void>((resolve) => (this.wakeUp = resolve));
    return this.items.shift()!;
  }
}

type PipeMessage = Extract<ToProducer, { type: 'pipe-data' | 'pipe-end' | 'pipe-error' }>;

// A pipe's bytes have an inbox of their own: they arrive while the producer also waits for acks.
const inbox = new Inbox<ToProducer>();
const pipeInbox = new Inbox<PipeMessage>();
port.on('message', (message: ToProducer) => {
  if (message.type === 'pipe-data' || message.type === 'pipe-end' || message.type === 'pipe-error') pipeInbox.put(message);
  else inbox.put(message);
});

async function nextMessage(): Promise<ToProducer> {
  return inbox.next();
}

/** The bytes of the pipe being read, as the main thread relays them; each chunk is acknowledged once used. */
async function* pipeChunks(): AsyncIterable<Uint8Array> {
  for (;;) {
    const message = await pipeInbox.next();
    if (message.type === 'pipe-end') return;
    if (message.type === 'pipe-error') throw new LogsiftError(message.message);
    yield message.bytes;
    send({ type: 'pipe-took' });
  }
}

function send(message: FromProducer, transfer?: ArrayBuffer[]): void {
  port.postMessage(message, transfer);
}

/** Something that counts groups and can hand them over: the producer's table, or a counting kernel's. */
interface GroupSource {
  readonly size: number;
  takePartial(): Partial;
}

/** `final`: with folded windows, the task being read is done (its partial is sent even when empty). */
async function handOver(sources: readonly GroupSource[], analysis: AnalysisState | undefined, final = false): Promise<void> {
  for (const source of sources) {
    if (analysis) {
      // With an analysis the producer's table is the only source (kernels then count in it too); it may hold
      // undecided entries of a time span, handed over even when the table is empty.
      if (source.size === 0 && !analysis.pending) continue;
      const partial = analysis.takePartial(final);
      send({ type: 'partial', partial }, analysisTransferList(partial));
    } else {
      if (source.size === 0) continue;
      const partial = source.takePartial();
      send({ type: 'partial', partial }, partialTransferList(partial));
    }
    const reply = await nextMessage();
    if (reply.type !== 'ack') throw new Error(`producer expected ack, got ${reply.type}`);
  }
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
class Scanners {
  private readonly byFormat = new Map<string, FormatScan>();
  /** With a time span, statuses that do not count go to one extra column past the real ones (record.ts). */
  private readonly others = seesEveryLine(config.analysis) ? config.statusColumns.length : -1;
  private readonly columns = columnOfStatus(config.statusColumns, this.others);
  /** Line counts per input. */
  readonly byInput: Record<number, ScanStats> = {};
  /** Kernels that keep their own group table. */
  readonly countingKernels: KernelScanner[] = [];

  /** `analysis`: set when the run asks for more than the default (engine/record.ts). */
  constructor(
    readonly table: GroupTable,
    private readonly analysis: AnalysisState | undefined,
  ) {}

  for(name: string): FormatScan {
    let scan = this.byFormat.get(name);
    if (!scan) {
      const format = createFormat(name, config.formatOptions);
      const scanner = this.analysis
        ? new AnalysisScanner(format, this.columns, this.analysis, this.others)
        : new LineScanner(format, this.columns, this.table);
      // The kernel counts by itself in the default run; with an analysis it hands matching lines to the scanner.
      const mode: KernelMode =
        scanner instanceof AnalysisScanner ? (scanner.needsFullParse ? 'reparse' : 'records') : 'count';
      // The kernel's status table holds a column in a byte.
      const kernel =
        config.kernel && kernelSupports(format.name) && Math.max(config.statusColumns.length, this.others + 1) < 255
          ? new KernelScanner(scanner, config.chunkBytes, mode)
          : undefined;
      if (kernel && mode === 'count') this.countingKernels.push(kernel);
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

  /** Groups held, over all sources. */
  groups(): number {
    return this.sources().reduce((sum, source) => sum + source.size, 0);
  }

  /** Matching lines counted so far, over all inputs. */
  matched(): number {
    let matched = 0;
    for (const stats of Object.values(this.byInput)) matched += stats.matched;
    return matched;
  }

  /** Points every scanner's counts at input `input`'s, so that counts are kept per input. */
  countFor(input: number): void {
    const stats = (this.counts = this.byInput[input] ??= emptyStats());
    for (const { scanner } of this.byFormat.values()) scanner.stats = stats;
  }

  /** The counts of the input being read (scanners made later count there too). */
  private counts: ScanStats | undefined;
}

/** The file of the last range stays open, as consecutive ranges are mostly of one file; others are closed. */
class OpenFile {
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

async function run(): Promise<void> {
  const table = new GroupTable(config.statusColumns.length);
  const analysis = config.analysis && new AnalysisState(config.analysis, table);
  const scanners = new Scanners(table, analysis);
  const file = new OpenFile();
  let matchedHandedOver = 0;
  let first = true;
  let unreported = 0;
  const onRead = (bytes: number): void => {
    unreported += bytes;
    if (unreported >= REPORT_BYTES) {
      send({ type: 'read', bytes: unreported });
      unreported = 0;
    }
  };
  /** Between tasks, and between pieces of a long stream: hands the counts over once they grew big. */
  const handOverWhenBig = async (): Promise<void> => {
    const matched = scanners.matched();
    // Folded windows: pieces of a stream go as they are read, so that its instants are not all held here.
    if (analysis?.spec.foldWindows || scanners.groups() >= config.flushGroups || matched - matchedHandedOver >= MAX_MATCHES_PER_PARTIAL) {
      matchedHandedOver = matched;
      await handOver(scanners.sources(), analysis);
    }
  };
  try {
    for (;;) {
      send({ type: 'ready' });
      const message = await nextMessage();
      if (message.type === 'stop') break;
      if (message.type !== 'task') throw new Error(`producer expected a task, got ${message.type}`);
      const task = message.task;
      if (first) mark('first task');
      first = false;
      scanners.countFor(task.input);
      analysis?.beginTask(task.input, task.kind === 'range' ? task.start : 0);
      if (task.kind === 'range') {
        const { format, reader, sink } = scanners.for(task.format);
        format.begin?.(task.state ?? []);
        reader.scanRange(file.fdOf(task.path), task.start, task.end, sink, onRead);
      } else {
        let bytes = 0;
        const { detection, uncompressedBytes } = await scanStream({
          source: counted(task.from === 'pipe' ? pipeChunks() : fileChunks(task.path, config.chunkBytes), (n) => {
            bytes += n;
            onRead(n);
          }),
          compression: task.compression,
          name: task.path === STDIN ? 'stdin' : task.path,
          format: task.format,
          formatOptions: config.formatOptions,
          pieceBytes: config.chunkBytes,
          scanFor: (name) => scanners.for(name),
          between: handOverWhenBig,
        });
        send({ type: 'streamed', report: { input: task.input, detection, bytes, uncompressedBytes } });
      }
      // Folded windows: the consumer takes each task's instants in file order, so every task ends a partial.
      if (analysis?.spec.foldWindows) await handOver(scanners.sources(), analysis, true);
      else await handOverWhenBig();
    }
    mark('tasks done');
    if (unreported > 0) send({ type: 'read', bytes: unreported });
    if (!analysis?.spec.foldWindows) await handOver(scanners.sources(), analysis);
    send({ type: 'done', stats: scanners.byInput });
  } finally {
    file.close();
  }
}

run().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error), user: error instanceof LogsiftError });
});
