// The consumer's side of the WebAssembly kernel (kernel/table.ts, rank.ts, csv.ts): in the default run (counts
// by client) it merges the producers' partials into the kernel's group table, ranks the groups and writes their
// CSV lines with the kernel's compiled code. The same work in JS runs cold, once per run, on the serial tail
// after the scan; it stays the reference (GroupTable.mergePartial, rankGroups, sinks/csv.ts), and tests compare.

import { instantiate, loadKernelModule, TABLE_ROWS, type KernelExports } from '../wasm/kernel-module.js';
import { GroupTable } from './group-table.js';
import { recordBytesFor, type CountsPartial } from './partial.js';

/** A kernel table's arrays as views of its memory, whole (room past the rows included); valid until it next runs. */
export interface KernelTableArrays {
  readonly rows: number;
  readonly keyBytes: Uint8Array;
  readonly keyEnds: Int32Array;
  readonly records: Uint8Array;
  /** In GroupTable's layout and hash too: a consumer can adopt them (tables/group-table.ts). */
  readonly slots: Int32Array;
}

export function kernelTableArrays(kernel: KernelExports, width: number): KernelTableArrays {
  const buffer = kernel.memory.buffer;
  const capacity = kernel.tableCapacity();
  return {
    rows: kernel.tableRows.value as number,
    keyBytes: new Uint8Array(buffer, kernel.tableKeyBytes(), kernel.tableKeyCapacity()),
    keyEnds: new Int32Array(buffer, kernel.tableKeyEnds(), capacity),
    records: new Uint8Array(buffer, kernel.tableRecords(), capacity * recordBytesFor(width, 4)),
    slots: new Int32Array(buffer, kernel.tableSlots(), kernel.tableSlotCount() * 4),
  };
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

  merge(partial: CountsPartial): void {
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
      if (this.inputBytes > 0) kernel.release(this.input);
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
  private adopt({ keyBytes, keyEnds, records, slots }: CountsPartial): void {
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
    const { rows, keyBytes, keyEnds, records, slots } = kernelTableArrays(this.kernel, this.width);
    return GroupTable.over(this.width, rows, keyBytes, keyEnds, records, slots);
  }
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/** Bytes of CSV lines the kernel writes per call. */
const CSV_OUT_BYTES = 256 * 1024;

/**
 * The consumer's merged table, in the kernel, after the merge: it ranks the groups (kernel/rank.ts) and writes
 * their CSV lines (kernel/csv.ts), as consumer/rank.ts and src/sinks/csv.ts do, which stay the reference.
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
