// The WebAssembly scan kernel for Common/Combined/vhost-Combined (source: kernel/clf.ts, AssemblyScript).
//
// Reads land straight in the kernel's memory (no copy); the kernel splits and parses a whole chunk per call,
// and either counts matching lines in its own group table (the default run) or returns one record per matching
// line for LineScanner.countMatch (analyses), so the kernel changes nothing but speed. The JS parser remains
// the reference. (Loading the module: wasm/kernel-module.ts. The consumer's use of the kernel's table, to
// merge, rank and write CSV lines: tables/kernel-table.ts.)

import type { LineSink, ReadBuffer } from '../inputs/range-reader.js';
import { kernelTableArrays } from '../tables/kernel-table.js';
import { partialOf, type CountsPartial } from '../tables/partial.js';
import { instantiate, loadKernelModule, TABLE_ROWS, type KernelExports } from '../wasm/kernel-module.js';
import type { LineScanner } from './line-scanner.js';

/** Formats the kernel parses, and whether their lines start with a `vhost:port` field. */
const KERNEL_FORMATS: ReadonlyMap<string, boolean> = new Map([
  ['common', false],
  ['combined', false],
  ['vcombined', true],
]);

/** Records the kernel may write per call (32 bytes each). */
const MAX_RECORDS = 32768;

/**
 * What the kernel does with a matching line: `count` it in its own group table (the default run, groups by
 * client), or hand it to the LineScanner's countMatch as a record, with the JS parser's fields of the client,
 * status and time (`records`) or of everything (`reparse`).
 */
export type KernelMode = 'count' | 'records' | 'reparse';

export function kernelSupports(format: string): boolean {
  return KERNEL_FORMATS.has(format) && loadKernelModule() !== null;
}

/** The groups of a kernel's table as a CountsPartial (copies); leaves the table empty. */
function takeTable(kernel: KernelExports, width: number): CountsPartial {
  const { rows, keyBytes, keyEnds, records, slots } = kernelTableArrays(kernel, width);
  const partial = partialOf(width, rows, keyBytes, keyEnds, records, slots);
  kernel.tableClear();
  return partial;
}

/**
 * A LineSink that scans with the kernel, counting matching lines itself or handing them to a LineScanner's
 * countMatch. It is also the reader's buffer: a view of the kernel's memory.
 */
export class KernelScanner implements LineSink, ReadBuffer {
  bytes: Buffer = Buffer.alloc(0);
  protected readonly kernel: KernelExports;
  /** The kernel's `scan` argument after the record count: vhost for this kernel, the format for others. */
  protected readonly variant: number;
  private readonly out: number;
  protected input = 0;
  /** Length of the read buffer (a detached view forgets its own). */
  private inputBytes = 0;
  /** The memory the views below were made on; a call that grows memory replaces it. */
  private viewed: ArrayBuffer | undefined;
  private memoryBytes!: Uint8Array;
  private words!: Uint32Array;
  private doubles!: Float64Array;

  /** `other`: another kernel module with the same exports (scan/field-kernel-scanner.ts), and its variant. */
  constructor(
    protected readonly scanner: LineScanner,
    chunkBytes: number,
    private readonly mode: KernelMode,
    other?: { readonly kernel: KernelExports; readonly variant: number },
  ) {
    const module = other ? null : loadKernelModule();
    if (!other && (!module || !KERNEL_FORMATS.has(scanner.format.name))) throw new Error(`no kernel for ${scanner.format.name}`);
    this.variant = other ? other.variant : KERNEL_FORMATS.get(scanner.format.name) ? 1 : 0;
    this.kernel = other ? other.kernel : instantiate(module!);
    const columns = scanner.table.columns;
    new Uint8Array(this.kernel.memory.buffer, this.kernel.wantedTable(), 600).set(
      scanner.columnOfStatus.map((column) => column + 1),
    );
    if (mode === 'count') this.kernel.tableInit(columns, TABLE_ROWS);
    this.out = mode === 'count' ? 0 : this.kernel.allocate(MAX_RECORDS * (this.kernel.RECORD_BYTES.value as number));
    this.grow(Math.max(chunkBytes, 1));
  }

  /** Groups in the kernel's table (count mode). */
  get size(): number {
    return this.mode === 'count' ? (this.kernel.tableRows.value as number) : 0;
  }

  /** The kernel's groups as a CountsPartial (copies); leaves its table empty. */
  takePartial(): CountsPartial {
    return takeTable(this.kernel, this.scanner.table.width);
  }

  grow(size: number): void {
    // A new place for the buffer (the allocator never moves one), the unfinished line copied along. One spare
    // byte past it, for the newline scanLine appends.
    const oldInput = this.input;
    const oldSize = this.inputBytes;
    this.input = this.kernel.allocate(size + 1);
    this.inputBytes = size;
    this.viewed = undefined;
    this.refreshViews();
    this.memoryBytes.copyWithin(this.input, oldInput, oldInput + oldSize);
    if (oldSize > 0) this.kernel.release(oldInput);
  }

  scanLines(_buf: Buffer, from: number, to: number): number {
    const { kernel, input, out } = this;
    const countHere = this.mode === 'count' ? 1 : 0;
    let at = input + from;
    for (;;) {
      at = kernel.scan(at, input + to, out, MAX_RECORDS, this.variant, countHere);
      this.refreshViews();
      const records = kernel.records.value as number;
      if (records > 0) this.countRecords(records);
      if (records < MAX_RECORDS) {
        const next = this.resume(at, input + to);
        if (next < 0) break;
        at = next;
      }
    }
    this.collectCounters();
    return at - input;
  }

  scanLine(buf: Buffer, start: number, end: number): void {
    // The kernel takes newline-terminated lines: lend this one a newline in the spare byte.
    this.memoryBytes[this.input + end] = 0x0a;
    this.scanLines(buf, start, end + 1);
  }

  countOverlongLine(): void {
    this.scanner.countOverlongLine();
  }

  /** Hands the records of matching lines to the scanner, with the fields the kernel found. */
  private countRecords(records: number): void {
    const { input, out, words, doubles, scanner, bytes } = this;
    const fields = scanner.fields;
    for (let i = 0, w = out >> 2, d = (out >> 3) + 3; i < records; i++, w += 8, d += 4) {
      const lineStart = words[w] - input;
      const lineEnd = words[w + 1] - input;
      if (this.mode === 'reparse') scanner.format.parse(bytes, lineStart, lineEnd, fields);
      fields.clientStart = words[w + 2] - input;
      fields.clientEnd = words[w + 3] - input;
      fields.status = words[w + 5];
      fields.stamp = doubles[d];
      scanner.countMatch(bytes, lineStart, lineEnd, words[w + 4]);
    }
  }

  /**
   * Where to go on after a scan call stopped at `at` with room left for records, or -1 to stop there (this
   * kernel only stops at the unfinished last line; others hand lines back to JS).
   */
  protected resume(_at: number, _end: number): number {
    return -1;
  }

  /** Remakes the views when memory grew (which detaches the old ones). */
  protected refreshViews(): void {
    const buffer = this.kernel.memory.buffer;
    if (buffer === this.viewed) return;
    this.viewed = buffer;
    this.bytes = Buffer.from(buffer, this.input, this.inputBytes);
    this.memoryBytes = new Uint8Array(buffer);
    this.words = new Uint32Array(buffer);
    this.doubles = new Float64Array(buffer);
  }

  private collectCounters(): void {
    const { kernel } = this;
    const stats = this.scanner.stats;
    stats.lines += kernel.lines.value as number;
    stats.blank += kernel.blank.value as number;
    stats.malformed += kernel.malformed.value as number;
    stats.parsed += kernel.parsed.value as number;
    stats.matched += kernel.matched.value as number;
    stats.firstStamp = Math.min(stats.firstStamp, kernel.firstStamp.value as number);
    stats.lastStamp = Math.max(stats.lastStamp, kernel.lastStamp.value as number);
    kernel.resetCounters();
  }
}
