// Per-group counters. Groups are keyed by bytes: a producer looks a key up straight from the read buffer
// (hash the bytes, compare them with the stored copy), so counting a matching line makes no string and no
// object; strings are made once per reported group, at the very end. The numbers live in flat typed arrays.
//
// A producer fills one table and hands it to the consumer as a compact, transferable `Partial`; the consumer
// merges partials into its own table with `mergePartial`.

import { NO_STAMP_MAX, NO_STAMP_MIN } from './time.js';

/**
 * What travels on the queue: counts per group, never per-line records. Group i's key is
 * keyBytes[keyEnds[i - 1] ?? 0, keyEnds[i]); counts[i * width] is its total and counts[i * width + 1 + c] its
 * count for status column c.
 */
export interface Partial {
  readonly width: number;
  readonly keyBytes: Uint8Array;
  readonly keyEnds: Int32Array;
  readonly counts: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
}

/** The buffers of a partial, for a zero-copy postMessage. */
export function partialTransferList(partial: Partial): ArrayBuffer[] {
  return [partial.keyBytes, partial.keyEnds, partial.counts, partial.first, partial.last].map(
    (array) => array.buffer as ArrayBuffer,
  );
}

const INITIAL_ROWS = 1024;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], FNV_PRIME);
  return h;
}

export class GroupTable {
  /** Numbers per group in `records`: the total, one count per status column, then first and last stamp. */
  readonly width: number;
  private readonly stride: number;
  private rows = 0;
  /** Open addressing, two ints a slot: row + 1 (0 = empty) and the key's hash. Kept at most half full. */
  private slots = new Int32Array(INITIAL_ROWS * 4);
  private keyBytes = new Uint8Array(INITIAL_ROWS * 16);
  /** Row i's key ends at keyEnds[i] and starts where row i-1's ends. */
  private keyEnds = new Int32Array(INITIAL_ROWS);
  /** One record per row, contiguous so that counting a line touches one or two cache lines. */
  private records: Float64Array;

  constructor(readonly columns: number) {
    this.width = columns + 1;
    this.stride = columns + 3;
    this.records = this.newRecords(INITIAL_ROWS);
  }

  get size(): number {
    return this.rows;
  }

  /** Counts one matching response of the group keyed buf[start, end) in status column `column` at `stamp`. */
  add(buf: Uint8Array, start: number, end: number, column: number, stamp: number): void {
    const base = this.rowOf(buf, start, end) * this.stride; // first: an insert may replace this.records
    const records = this.records;
    records[base]++;
    records[base + 1 + column]++;
    const firstAt = base + this.width;
    if (stamp < records[firstAt]) records[firstAt] = stamp;
    if (stamp > records[firstAt + 1]) records[firstAt + 1] = stamp;
  }

  /** The row of the key buf[start, end), inserted when new. */
  rowOf(buf: Uint8Array, start: number, end: number): number {
    const h = hashBytes(buf, start, end);
    const slots = this.slots;
    const mask = (slots.length >> 1) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot << 1];
      if (entry === 0) {
        const row = this.insert(buf, start, end);
        slots[slot << 1] = row + 1;
        slots[(slot << 1) + 1] = h;
        if (this.rows * 4 > slots.length) this.rehash();
        return row;
      }
      if (slots[(slot << 1) + 1] === h && this.keyEquals(entry - 1, buf, start, end)) return entry - 1;
    }
  }

  /** Adds every group of a partial into this table. */
  mergePartial(partial: Partial): void {
    const { width, keyBytes, keyEnds, counts, first, last } = partial;
    if (width !== this.width) throw new Error(`partial has ${width - 1} status columns, table has ${this.columns}`);
    let keyStart = 0;
    for (let i = 0; i < keyEnds.length; i++) {
      const base = this.rowOf(keyBytes, keyStart, keyEnds[i]) * this.stride;
      keyStart = keyEnds[i];
      const r = this.records; // read after rowOf: an insert may replace it
      const from = i * width;
      for (let c = 0; c < width; c++) r[base + c] += counts[from + c];
      if (first[i] < r[base + width]) r[base + width] = first[i];
      if (last[i] > r[base + width + 1]) r[base + width + 1] = last[i];
    }
  }

  /** Hands the groups over as a Partial (copies trimmed to size) and leaves this table empty. */
  takePartial(): Partial {
    const n = this.rows;
    const counts = new Float64Array(n * this.width);
    const first = new Float64Array(n);
    const last = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const base = i * this.stride;
      counts.set(this.records.subarray(base, base + this.width), i * this.width);
      first[i] = this.records[base + this.width];
      last[i] = this.records[base + this.width + 1];
    }
    const partial: Partial = {
      width: this.width,
      keyBytes: this.keyBytes.slice(0, n === 0 ? 0 : this.keyEnds[n - 1]),
      keyEnds: this.keyEnds.slice(0, n),
      counts,
      first,
      last,
    };
    this.rows = 0;
    this.slots.fill(0);
    this.records = this.newRecords(this.keyEnds.length);
    return partial;
  }

  /** Group i's key, one char per byte (see result.ts decodeKey). */
  key(i: number): string {
    const start = i === 0 ? 0 : this.keyEnds[i - 1];
    return Buffer.from(this.keyBytes.buffer, this.keyBytes.byteOffset + start, this.keyEnds[i] - start).toString('latin1');
  }

  /** Read-only view of group i, for building results. */
  row(i: number): { key: string; counts: Float64Array; first: number; last: number } {
    const base = i * this.stride;
    return {
      key: this.key(i),
      counts: this.records.subarray(base, base + this.width),
      first: this.records[base + this.width],
      last: this.records[base + this.width + 1],
    };
  }

  private keyEquals(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const keyStart = row === 0 ? 0 : this.keyEnds[row - 1];
    if (this.keyEnds[row] - keyStart !== end - start) return false;
    const keys = this.keyBytes;
    for (let i = 0; i < end - start; i++) if (keys[keyStart + i] !== buf[start + i]) return false;
    return true;
  }

  private insert(buf: Uint8Array, start: number, end: number): number {
    const row = this.rows;
    if (row === this.keyEnds.length) this.growRows();
    const keyStart = row === 0 ? 0 : this.keyEnds[row - 1];
    const keyEnd = keyStart + (end - start);
    if (keyEnd > this.keyBytes.length) this.keyBytes = grown(this.keyBytes, Math.max(keyEnd, this.keyBytes.length * 2));
    this.keyBytes.set(buf.subarray(start, end), keyStart);
    this.keyEnds[row] = keyEnd;
    this.rows = row + 1;
    return row;
  }

  private newRecords(rows: number): Float64Array {
    const records = new Float64Array(rows * this.stride);
    for (let base = 0; base < records.length; base += this.stride) {
      records[base + this.width] = NO_STAMP_MIN;
      records[base + this.width + 1] = NO_STAMP_MAX;
    }
    return records;
  }

  private growRows(): void {
    const rows = this.keyEnds.length * 2;
    this.keyEnds = grown(this.keyEnds, rows);
    const records = this.newRecords(rows);
    records.set(this.records);
    this.records = records;
  }

  private rehash(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0) continue;
      let slot = old[i + 1] & mask;
      while (slots[slot << 1] !== 0) slot = (slot + 1) & mask;
      slots[slot << 1] = old[i];
      slots[(slot << 1) + 1] = old[i + 1];
    }
    this.slots = slots;
  }
}

type TypedArray = Uint8Array | Int32Array;

/** A copy of `array` with room for `length` elements. */
function grown<T extends TypedArray>(array: T, length: number): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  return bigger;
}
