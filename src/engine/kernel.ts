// The WebAssembly scan kernel for Common/Combined/vhost-Combined (source: kernel/clf.ts, AssemblyScript).
//
// Reads land straight in the kernel's memory (no copy); the kernel splits and parses a whole chunk per call
// and returns one record per matching line. Everything after that (grouping, filters) stays in JS, in
// LineScanner.countMatch, so the kernel changes nothing but speed. The JS parser remains the reference.

import { readFileSync } from 'node:fs';
import { GroupTable, partialOf, recordBytesFor, type Partial } from './groups.js';
import type { LineScanner } from './scan.js';
import type { LineSink, ReadBuffer } from './read.js';

/** Formats the kernel parses, and whether their lines start with a `vhost:port` field. */
const KERNEL_FORMATS: ReadonlyMap<string, boolean> = new Map([
  ['common', false],
  ['combined', false],
  ['vcombined', true],
]);

const KERNEL_URL = new URL('../../kernel/clf.wasm', import.meta.url);
/** Records the kernel may write per call (32 bytes each). */
const MAX_RECORDS = 32768;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly RECORD_BYTES: WebAssembly.Global;
  readonly lines: WebAssembly.Global;
  readonly blank: WebAssembly.Global;
  readonly malformed: WebAssembly.Global;
  readonly parsed: WebAssembly.Global;
  readonly matched: WebAssembly.Global;
  readonly records: WebAssembly.Global;
  readonly tableRows: WebAssembly.Global;
  scan(start: number, end: number, out: number, maxRecords: number, vhost: number, countHere: number): number;
  wantedTable(): number;
  allocate(bytes: number): number;
  resetCounters(): void;
  tableInit(columns: number, rows: number): void;
  tableSlots(): number;
  tableSlotCount(): number;
  tableClear(): void;
  tableKeyBytes(): number;
  tableKeyEnds(): number;
  tableRecords(): number;
  tableMerge(keys: number, ends: number, from: number, rows: number): number;
  tableAdopt(rows: number, keyLength: number, slots: number): void;
  tableCapacity(): number;
  tableKeyCapacity(): number;
  readonly csvBytes: WebAssembly.Global;
  csvRows(order: number, from: number, rows: number, out: number, outEnd: number): number;
  rankRows(threshold: number, out: number, scratch: number): number;
}

/**
 * What the kernel does with a matching line: `count` it in its own group table (the default run, groups by
 * client), or hand it to the LineScanner's countMatch as a record, with the JS parser's fields of the client,
 * status and time (`records`) or of everything (`reparse`).
 */
export type KernelMode = 'count' | 'records' | 'reparse';

/** Groups the kernel's table has room for before it first grows (as GroupTable). */
const TABLE_ROWS = 16384;

let kernelModule: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null when it was not built (then the JS scanner does the work). */
function loadKernelModule(): WebAssembly.Module | null {
  if (kernelModule === undefined) {
    try {
      kernelModule = new WebAssembly.Module(readFileSync(KERNEL_URL));
    } catch {
      kernelModule = null;
    }
  }
  return kernelModule;
}

export function kernelSupports(format: string): boolean {
  return KERNEL_FORMATS.has(format) && loadKernelModule() !== null;
}

function instantiate(module: WebAssembly.Module): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('kernel abort'); } } });
  return instance.exports as unknown as KernelExports;
}

/**
 * The groups of a kernel's table as a Partial of views into its memory (valid until the kernel next runs).
 * The slots share GroupTable's layout and hash too: a consumer can adopt them (groups.ts).
 */
function viewTable(kernel: KernelExports, width: number): Partial {
  const rows = kernel.tableRows.value as number;
  const buffer = kernel.memory.buffer;
  const keyEnds = new Int32Array(buffer, kernel.tableKeyEnds(), rows);
  return {
    width,
    keyBytes: new Uint8Array(buffer, kernel.tableKeyBytes(), rows === 0 ? 0 : keyEnds[rows - 1]),
    keyEnds,
    records: new Uint8Array(buffer, kernel.tableRecords(), rows * recordBytesFor(width, 4)),
    slots: new Int32Array(buffer, kernel.tableSlots(), kernel.tableSlotCount() * 4),
  };
}

/** The groups of a kernel's table as a Partial (copies); leaves the table empty. */
function takeTable(kernel: KernelExports, width: number): Partial {
  const view = viewTable(kernel, width);
  const partial = partialOf(width, view.keyEnds.length, view.keyBytes, view.keyEnds, view.records, view.slots);
  kernel.tableClear();
  return partial;
}

/**
 * The consumer's merge, done by the kernel's table (the default run): each partial is copied into the
 * kernel's memory and added by its compiled code. The same merge in JS ran cold on the serial tail (the
 * interpreter first, then the compilers), twice as slow. Counts are 32-bit here: should a sum pass 2^32 - 1,
 * the groups move to a GroupTable, which widens, and the rest is merged there.
 */
export class KernelMerger {
  private readonly kernel: KernelExports;
  private readonly width: number;
  /** Where partials are copied in (reused; a bigger one gets a new place). */
  private input = 0;
  private inputBytes = 0;
  private overflowed: GroupTable | undefined;

  /** A merger for partials of `columns` status columns; undefined when the kernel was not built. */
  static create(columns: number): KernelMerger | undefined {
    const module = loadKernelModule();
    return module ? new KernelMerger(module, columns) : undefined;
  }

  private constructor(module: WebAssembly.Module, private readonly columns: number) {
    this.kernel = instantiate(module);
    this.width = columns + 1;
    this.kernel.tableInit(columns, TABLE_ROWS);
  }

  merge(partial: Partial): void {
    if (this.overflowed) return this.overflowed.mergePartial(partial);
    if (partial.width !== this.width) throw new Error(`partial has ${partial.width - 1} status columns, table has ${this.columns}`);
    const { kernel } = this;
    const rows = partial.keyEnds.length;
    if ((kernel.tableRows.value as number) === 0) return this.adopt(partial);
    // Keys, then their ends (4-byte aligned), then the records (8-byte aligned).
    const endsAt = align8(partial.keyBytes.length);
    const recordsAt = align8(endsAt + rows * 4);
    const bytes = recordsAt + partial.records.length;
    if (bytes > this.inputBytes) {
      this.input = kernel.allocate(bytes); // 16-byte aligned
      this.inputBytes = bytes;
    }
    const memory = kernel.memory.buffer;
    new Uint8Array(memory, this.input, partial.keyBytes.length).set(partial.keyBytes);
    new Int32Array(memory, this.input + endsAt, rows).set(partial.keyEnds);
    new Uint8Array(memory, this.input + recordsAt, partial.records.length).set(partial.records);
    const merged = kernel.tableMerge(this.input, this.input + endsAt, this.input + recordsAt, rows);
    if (merged < rows) {
      this.overflowed = this.table();
      this.overflowed.mergePartial(partial, merged);
    }
  }

  /** The first partial: copied into the empty table whole (see kernel/table.ts tableAdopt). */
  private adopt({ keyBytes, keyEnds, records, slots }: Partial): void {
    const { kernel } = this;
    kernel.tableAdopt(keyEnds.length, keyBytes.length, slots.length / 4);
    const memory = kernel.memory.buffer;
    new Uint8Array(memory, kernel.tableKeyBytes(), keyBytes.length).set(keyBytes);
    new Int32Array(memory, kernel.tableKeyEnds(), keyEnds.length).set(keyEnds);
    new Uint8Array(memory, kernel.tableRecords(), records.length).set(records);
    new Int32Array(memory, kernel.tableSlots(), slots.length).set(slots);
  }

  /**
   * The merged groups, as a GroupTable, and (unless the counts went past 32 bits) the kernel's table itself,
   * which ranks them and writes their CSV lines. The GroupTable is a view of the kernel's memory: all the room
   * ranking and writing need is allocated before it, as memory that grows leaves the views on its old buffer
   * empty, and nothing allocates after.
   */
  finish(): { table: GroupTable; kernelTable?: MergedKernelTable } {
    if (this.overflowed) return { table: this.overflowed };
    const kernelTable = new MergedKernelTable(this.kernel);
    return { table: this.table(), kernelTable };
  }

  /** The kernel's table as a GroupTable over its memory (no copy: the merger is done with it). */
  private table(): GroupTable {
    const { kernel, width } = this;
    const rows = kernel.tableRows.value as number;
    const capacity = kernel.tableCapacity();
    const memory = kernel.memory.buffer;
    return GroupTable.over(
      width,
      rows,
      new Uint8Array(memory, kernel.tableKeyBytes(), kernel.tableKeyCapacity()),
      new Int32Array(memory, kernel.tableKeyEnds(), capacity),
      new Uint8Array(memory, kernel.tableRecords(), capacity * recordBytesFor(width, 4)),
      new Int32Array(memory, kernel.tableSlots(), kernel.tableSlotCount() * 4),
    );
  }
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Bytes of CSV lines the kernel writes per call. */
const CSV_OUT_BYTES = 256 * 1024;

/**
 * The consumer's merged table, in the kernel, after the merge: it ranks the groups (kernel/rank.ts) and writes
 * their CSV lines (kernel/csv.ts), as src/engine/ranked.ts and src/sinks/csv.ts do, which stay the reference.
 */
export class MergedKernelTable {
  /** Room for the ranked rows (u32 each), the ranking's scratch, and CSV lines. */
  private readonly order: number;
  private readonly scratch: number;
  private readonly out: number;
  private ranked: Int32Array | undefined;

  constructor(private readonly kernel: KernelExports) {
    const rows = kernel.tableRows.value as number;
    this.order = kernel.allocate(rows * 4);
    this.scratch = kernel.allocate(rows * 32);
    this.out = kernel.allocate(CSV_OUT_BYTES);
  }

  /** The table's rows counted at least `threshold` times, by count descending, then key bytes ascending. */
  rank(threshold: number): Int32Array {
    const { kernel } = this;
    if (threshold > 0xffffffff) return new Int32Array(0); // (counts here are 32-bit)
    const n = kernel.rankRows(Math.max(0, threshold), this.order, this.scratch);
    this.ranked = new Int32Array(kernel.memory.buffer, this.order, n).slice();
    return this.ranked;
  }

  /**
   * Writes the CSV lines of rows order[from], order[from + 1] ... until the buffer is full or a row it
   * cannot write as is (the caller writes that one). Returns the next row to write and the bytes (a view of
   * the kernel's memory, valid until the next call).
   */
  writeCsv(order: Int32Array, from: number): { next: number; bytes: Uint8Array } {
    const { kernel } = this;
    if (this.ranked !== order) {
      new Int32Array(kernel.memory.buffer, this.order, order.length).set(order);
      this.ranked = order;
    }
    const next = kernel.csvRows(this.order, from, order.length, this.out, this.out + CSV_OUT_BYTES);
    return { next, bytes: new Uint8Array(kernel.memory.buffer, this.out, kernel.csvBytes.value as number) };
  }
}

/**
 * A LineSink that scans with the kernel, counting matching lines itself or handing them to a LineScanner's
 * countMatch. It is also the reader's buffer: a view of the kernel's memory.
 */
export class KernelScanner implements LineSink, ReadBuffer {
  bytes: Buffer = Buffer.alloc(0);
  private readonly kernel: KernelExports;
  private readonly vhost: number;
  private readonly out: number;
  private input = 0;
  /** Length of the read buffer (a detached view forgets its own). */
  private inputBytes = 0;
  /** The memory the views below were made on; a call that grows memory replaces it. */
  private viewed: ArrayBuffer | undefined;
  private memoryBytes!: Uint8Array;
  private words!: Uint32Array;
  private doubles!: Float64Array;

  constructor(
    private readonly scanner: LineScanner,
    chunkBytes: number,
    private readonly mode: KernelMode,
  ) {
    const module = loadKernelModule();
    if (!module || !KERNEL_FORMATS.has(scanner.format.name)) throw new Error(`no kernel for ${scanner.format.name}`);
    this.vhost = KERNEL_FORMATS.get(scanner.format.name) ? 1 : 0;
    this.kernel = instantiate(module);
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

  /** The kernel's groups as a Partial (copies); leaves its table empty. */
  takePartial(): Partial {
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
  }

  scanLines(_buf: Buffer, from: number, to: number): number {
    const { kernel, input, out, scanner } = this;
    const countHere = this.mode === 'count' ? 1 : 0;
    let at = input + from;
    for (;;) {
      at = kernel.scan(at, input + to, out, MAX_RECORDS, this.vhost, countHere);
      this.refreshViews();
      const records = kernel.records.value as number;
      if (records > 0) this.countRecords(records);
      if (records < MAX_RECORDS) break;
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

  /** Remakes the views when memory grew (which detaches the old ones). */
  private refreshViews(): void {
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
    kernel.resetCounters();
  }
}
