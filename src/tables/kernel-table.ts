// The consumer's side of the WebAssembly kernel (kernel/table.ts, rank.ts, rows.ts): in the default run (counts
// by client) it merges the producers' partials into the kernel's group table, ranks the groups and writes their
// CSV, JSON and NDJSON rows with the kernel's compiled code; so it does for a run keyed by several fields
// (`--by ip,path`) that keeps nothing but counts (no window, no time span); a window's run without a time span
// has its groups merged here too (their rows handed back), and ranked in JS. The same work in JS runs cold, once per run, on the serial tail
// after the scan; it stays the reference (GroupTable.mergePartial, rankGroups, the sinks' JS writers), and tests compare.

import { instantiate, loadKernelModule, TABLE_ROWS, type KernelExports } from '../wasm/kernel-module.js';
import { GroupTable } from './group-table.js';
import { recordBytesFor, TABLE_SLOT_INTS, type CountsPartial } from './partial.js';

/**
 * A kernel table's arrays as views of its memory, key ends and records cut to the rows (the room past them is
 * not set up: kernel/table.ts sets a record up as its row is inserted); valid until it next runs.
 */
export interface KernelTableArrays {
  readonly rows: number;
  readonly keyBytes: Uint8Array;
  readonly keyEnds: Int32Array;
  readonly records: Uint8Array;
  /** In GroupTable's layout and hash too (row + 1, hash): a GroupTable can be made over them (tables/group-table.ts). */
  readonly slots: Int32Array;
}

export function kernelTableArrays(kernel: KernelExports, width: number): KernelTableArrays {
  const buffer = kernel.memory.buffer;
  const rows = kernel.tableRows.value as number;
  return {
    rows,
    keyBytes: new Uint8Array(buffer, kernel.tableKeyBytes(), kernel.tableKeyCapacity()),
    keyEnds: new Int32Array(buffer, kernel.tableKeyEnds(), rows),
    records: new Uint8Array(buffer, kernel.tableRecords(), rows * recordBytesFor(width, 4)),
    slots: new Int32Array(buffer, kernel.tableSlots(), kernel.tableSlotCount() * TABLE_SLOT_INTS),
  };
}

/**
 * The consumer's merge, done by the kernel's table (the default run, composite keys, windows without a time
 * span): each partial is copied into the kernel's memory and added by its compiled code. The same merge in JS ran cold on the serial tail (the
 * interpreter first, then the compilers), twice as slow. Counts are 32-bit here: should a sum pass 2^32 - 1,
 * the groups move to a GroupTable, which widens, and the rest is merged there.
 */
export class KernelMerger {
  private readonly kernel: KernelExports;
  private readonly width: number;
  /** Where a batch of a partial's groups is copied in (reused; a bigger one gets a new place). */
  private input = 0;
  private inputBytes = 0;
  private overflowed: GroupTable | undefined;

  /**
   * A merger for partials of `columns` status columns, keys of `fields` fields; undefined when the kernel was
   * not built. `reserveRows`: groups it has room for from its first partial on (RESERVED_ROWS; tests set fewer
   * to see it grow), at most those of RESERVED_RECORD_BYTES.
   */
  static create(columns: number, fields = 1, reserveRows = RESERVED_ROWS): KernelMerger | undefined {
    const module = loadKernelModule();
    return module ? new KernelMerger(module, columns, fields, reserveRows) : undefined;
  }

  private constructor(
    module: WebAssembly.Module,
    private readonly columns: number,
    private readonly fields: number,
    private readonly reserveRows: number,
  ) {
    this.kernel = instantiate(module);
    this.width = columns + 1;
    this.kernel.tableInit(columns, TABLE_ROWS);
  }

  /**
   * Adds a partial's groups. With `rowsOut`, rowsOut[i] is set to the table's row of the partial's group i (as
   * GroupTable.mergePartial sets it), for what a windowed run keeps by row.
   */
  merge(partial: CountsPartial, rowsOut?: Int32Array): void {
    if (this.overflowed) return this.overflowed.mergePartial(partial, 0, rowsOut);
    if (partial.width !== this.width) throw new Error(`partial has ${partial.width - 1} status columns, table has ${this.columns}`);
    const { kernel } = this;
    const rows = partial.keyEnds.length;
    if ((kernel.tableRows.value as number) === 0) {
      this.adopt(partial);
      if (rowsOut) for (let i = 0; i < rows; i++) rowsOut[i] = i;
      return;
    }
    const recordBytes = partial.records.length / Math.max(1, rows);
    for (let from = 0; from < rows; from += MERGE_BATCH_ROWS) {
      const to = Math.min(rows, from + MERGE_BATCH_ROWS);
      const merged = this.mergeRows(partial, from, to, recordBytes, rowsOut);
      if (merged < to) {
        this.overflowed = this.table();
        this.overflowed.mergePartial(partial, merged, rowsOut);
        return;
      }
    }
  }

  /**
   * Adds the partial's groups [from, to) with the kernel: their keys, key ends (made relative to the first key)
   * and records copied into a buffer of the kernel's memory that is reused, not the whole partial at once (its
   * copy would stay resident: WebAssembly memory never shrinks). Returns the first group it did not add.
   */
  private mergeRows(partial: CountsPartial, from: number, to: number, recordBytes: number, rowsOut: Int32Array | undefined): number {
    const { kernel } = this;
    const rows = to - from;
    const keyStart = from === 0 ? 0 : partial.keyEnds[from - 1];
    const keyEnd = partial.keyEnds[to - 1];
    // Keys, then their ends (4-byte aligned), then the records (8-byte aligned), then the rows out.
    const endsAt = align8(keyEnd - keyStart);
    const recordsAt = align8(endsAt + rows * 4);
    const rowsAt = recordsAt + rows * recordBytes;
    const bytes = rowsAt + rows * 4;
    if (bytes > this.inputBytes) {
      if (this.inputBytes > 0) kernel.release(this.input);
      this.inputBytes = Math.max(bytes, MERGE_BATCH_ROWS * (recordBytes + 8 + 48));
      this.input = kernel.allocate(this.inputBytes); // 16-byte aligned
    }
    const memory = kernel.memory.buffer;
    new Uint8Array(memory, this.input, keyEnd - keyStart).set(partial.keyBytes.subarray(keyStart, keyEnd));
    const ends = new Int32Array(memory, this.input + endsAt, rows);
    ends.set(partial.keyEnds.subarray(from, to));
    if (keyStart > 0) for (let i = 0; i < rows; i++) ends[i] -= keyStart;
    new Uint8Array(memory, this.input + recordsAt, rows * recordBytes).set(partial.records.subarray(from * recordBytes, to * recordBytes));
    const merged = kernel.tableMerge(this.input, this.input + endsAt, this.input + recordsAt, rows, rowsOut ? this.input + rowsAt : 0);
    // (The merge may have grown memory: a new view.)
    if (rowsOut) rowsOut.set(new Int32Array(kernel.memory.buffer, this.input + rowsAt, merged), from);
    return from + merged;
  }

  /** The first partial: copied into the empty table whole (see kernel/table.ts tableAdopt). */
  private adopt({ keyBytes, keyEnds, records, slots }: CountsPartial): void {
    const { kernel } = this;
    const reserve = reservedRows(this.reserveRows, recordBytesFor(this.width, 4));
    kernel.tableAdopt(keyEnds.length, keyBytes.length, slots.length / TABLE_SLOT_INTS, reserve, reserve * RESERVED_KEY_BYTES);
    const memory = kernel.memory.buffer;
    new Uint8Array(memory, kernel.tableKeyBytes(), keyBytes.length).set(keyBytes);
    new Int32Array(memory, kernel.tableKeyEnds(), keyEnds.length).set(keyEnds);
    new Uint8Array(memory, kernel.tableRecords(), records.length).set(records);
    // The partial's slots are laid out as the kernel's (row + 1, hash).
    new Int32Array(memory, kernel.tableSlots(), slots.length).set(slots);
  }

  /**
   * The merged groups, as a GroupTable, and (unless the counts went past 32 bits) the kernel's table itself,
   * which ranks them and writes their rows. The GroupTable is a view of the kernel's memory: all the room
   * ranking and writing need is allocated before it, as memory that grows leaves the views on its old buffer
   * empty, and nothing allocates after.
   */
  finish(): { table: GroupTable; kernelTable?: MergedKernelTable } {
    if (this.overflowed) return { table: this.overflowed };
    const kernelTable = new MergedKernelTable(this.kernel, this.fields);
    return { table: this.table(), kernelTable };
  }

  /** The merged groups as a GroupTable alone (a windowed run ranks them by their peaks, in JS). */
  finishTable(): GroupTable {
    return this.overflowed ?? this.table();
  }

  /** The kernel's table as a GroupTable over its memory (no copy: the merger is done with it). */
  private table(): GroupTable {
    const { rows, keyBytes, keyEnds, records, slots } = kernelTableArrays(this.kernel, this.width);
    return GroupTable.over(this.width, rows, keyBytes, keyEnds, records, slots);
  }
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * Groups (and key bytes per group) the merged table has room for from its first partial on: reserved, not
 * resident until used (see kernel/table.ts tableAdopt), so that up to a million groups (a million IPv6
 * clients) never grow the arrays, which would leave the old ones resident. Records of many status columns
 * reserve fewer rows: at most RESERVED_RECORD_BYTES of them (the memory's 4 GiB must hold what grows past).
 */
const RESERVED_ROWS = 1 << 20;
const RESERVED_KEY_BYTES = 40;
const RESERVED_RECORD_BYTES = 128 * 1024 * 1024;

function reservedRows(wanted: number, recordBytes: number): number {
  let rows = wanted;
  while (rows * recordBytes > RESERVED_RECORD_BYTES) rows = Math.floor(rows / 2);
  return rows;
}

/** Groups of a partial the kernel merges per call (the buffer they are copied to stays about 1 MB). */
const MERGE_BATCH_ROWS = 8192;

/** Bytes of rows the kernel writes per call. */
const ROWS_OUT_BYTES = 256 * 1024;
/** Room for a row program and its pieces: an output whose rows need more is written by JS. */
const PROGRAM_BYTES = 64 * 1024;

/** How the kernel writes an output's rows (kernel/rows.ts): made once per output by a sink (RowProgram). */
export interface KernelRowFormat {
  /** Steps, 4 u32 each. */
  readonly program: Uint32Array;
  readonly pieces: Uint8Array;
  /** 0: a key is written as CSV writes it unquoted; 1: as JSON writes it unescaped. Other keys stop the kernel. */
  readonly keyKind: number;
  /** A row's bytes but its key's, at most. */
  readonly rowMost: number;
}

/** kernel/rows.ts's steps and key kinds. */
const PIECE = 0;
const FIRST_PIECE = 1;
const LATER_PIECE = 2;
const KEY = 3;
const COUNT = 4;
const STAMP = 5;
export const KEY_CSV = 0;
export const KEY_JSON = 1;
/** Bytes of an ISO 8601 instant as the kernel writes it (`2015-10-25T04:11:26+01:00`). */
const ISO_BYTES = 25;

/** Makes a KernelRowFormat, step by step, in the order a row's bytes come. */
export class RowProgram {
  private readonly steps: number[] = [];
  private readonly pieces: number[] = [];
  /** Where the constant bytes not yet given a step start in `pieces`. */
  private pending = 0;
  private most = 0;
  private separatorMost = 0;

  /** Constant bytes; `when`: before every row, only the first, or every one but the first. */
  piece(bytes: Uint8Array, when: 'always' | 'first' | 'later' = 'always'): this {
    if (when === 'always') {
      this.pieces.push(...bytes);
      this.most += bytes.length;
      return this;
    }
    this.step(PIECE, 0);
    if (bytes.length === 0) return this;
    this.pieces.push(...bytes);
    this.step(when === 'first' ? FIRST_PIECE : LATER_PIECE, 0);
    this.separatorMost = Math.max(this.separatorMost, bytes.length);
    return this;
  }

  /** Field `field` of the key (a key of one field: the key). */
  key(field = 0): this {
    return this.step(KEY, field);
  }

  /** Count `index` of the record: 0 the total, 1 + c status column c. */
  count(index: number): this {
    this.most += 10;
    return this.step(COUNT, index);
  }

  stamp(which: 'first' | 'last'): this {
    this.most += ISO_BYTES;
    return this.step(STAMP, which === 'first' ? 0 : 1);
  }

  build(keyKind: number): KernelRowFormat {
    this.step(PIECE, 0);
    return { program: Uint32Array.from(this.steps), pieces: Uint8Array.from(this.pieces), keyKind, rowMost: this.most + this.separatorMost };
  }

  /** A step, with the constant bytes gathered since the last one written before it (a lone piece only if any). */
  private step(kind: number, argument: number): this {
    const length = this.pieces.length - this.pending;
    if (kind !== PIECE || length > 0) this.steps.push(kind, argument, this.pending, length);
    this.pending = this.pieces.length;
    return this;
  }
}

/**
 * The consumer's merged table, in the kernel, after the merge: it ranks the groups (kernel/rank.ts) and writes
 * their CSV, JSON or NDJSON rows (kernel/rows.ts), as consumer/rank.ts and the sinks do, which stay the reference.
 */
export class MergedKernelTable {
  /** Room for the ranked rows (u32 each), the ranking's scratch, rows written, and a row program. */
  private readonly order: number;
  private readonly scratch: number;
  private readonly out: number;
  private readonly programAt: number;
  private ranked: Int32Array | undefined;
  private format: KernelRowFormat | undefined;

  /** `fields`: fields in a key (kernel/key-fields.ts). */
  constructor(
    private readonly kernel: KernelExports,
    readonly fields = 1,
  ) {
    const rows = kernel.tableRows.value as number;
    this.order = kernel.allocate(rows * 4);
    this.scratch = kernel.allocate(rows * 32);
    this.out = kernel.allocate(ROWS_OUT_BYTES);
    this.programAt = kernel.allocate(PROGRAM_BYTES);
  }

  /** The table's rows counted at least `threshold` times, by count descending, then key bytes (field by field) ascending. */
  rank(threshold: number): Int32Array {
    const { kernel } = this;
    if (threshold > 0xffffffff) return new Int32Array(0); // (counts here are 32-bit)
    const at = Math.max(0, threshold);
    const n = this.fields === 1 ? kernel.rankRows(at, this.order, this.scratch) : kernel.rankFieldRows(at, this.fields, this.order, this.scratch);
    this.ranked = new Int32Array(kernel.memory.buffer, this.order, n).slice();
    return this.ranked;
  }

  /** Whether writeRows can write rows of `format` (its program fits the room kept for it). */
  fits(format: KernelRowFormat): boolean {
    return format.program.byteLength + format.pieces.length <= PROGRAM_BYTES;
  }

  /**
   * Writes the rows order[from], order[from + 1] ... as `format` says, until the buffer is full or a row it
   * cannot write as is (the caller writes that one; the first row is the one at index 0 of `order`). Returns
   * the next row to write and the bytes (a view of the kernel's memory, valid until the next call).
   */
  writeRows(format: KernelRowFormat, order: Int32Array, from: number): { next: number; bytes: Uint8Array } {
    const { kernel } = this;
    const memory = kernel.memory.buffer;
    if (this.ranked !== order) {
      new Int32Array(memory, this.order, order.length).set(order);
      this.ranked = order;
    }
    const piecesAt = this.programAt + format.program.byteLength;
    if (this.format !== format) {
      if (!this.fits(format)) throw new Error('row program too long for the kernel');
      new Uint32Array(memory, this.programAt, format.program.length).set(format.program);
      new Uint8Array(memory, piecesAt, format.pieces.length).set(format.pieces);
      this.format = format;
    }
    const steps = format.program.length / 4;
    const next = kernel.writeRows(this.order, from, order.length, this.out, this.out + ROWS_OUT_BYTES, this.programAt, steps, piecesAt, format.keyKind, format.rowMost, this.fields);
    return { next, bytes: new Uint8Array(memory, this.out, kernel.rowsBytes.value as number) };
  }
}
