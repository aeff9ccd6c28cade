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
  /** Row width: the total plus one count per status column. */
  readonly width: number;
  private rows = 0;
  /** Open addressing: slot -> row + 1 (0 = empty). Kept at most half full. */
  private slots = new Int32Array(INITIAL_ROWS * 2);
  private hashes = new Int32Array(INITIAL_ROWS);
  private keyBytes = new Uint8Array(INITIAL_ROWS * 16);
  /** Row i's key ends at keyEnds[i] and starts where row i-1's ends. */
  private keyEnds = new Int32Array(INITIAL_ROWS);
  private counts: Float64Array;
  private first = new Float64Array(INITIAL_ROWS).fill(NO_STAMP_MIN);
  private last = new Float64Array(INITIAL_ROWS).fill(NO_STAMP_MAX);

  constructor(readonly columns: number) {
    this.width = columns + 1;
    this.counts = new Float64Array(INITIAL_ROWS * this.width);
  }

  get size(): number {
    return this.rows;
  }

  /** Counts one matching response of the group keyed buf[start, end) in status column `column` at `stamp`. */
  add(buf: Uint8Array, start: number, end: number, column: number, stamp: number): void {
    const row = this.rowOf(buf, start, end);
    const base = row * this.width;
    this.counts[base]++;
    this.counts[base + 1 + column]++;
    if (stamp < this.first[row]) this.first[row] = stamp;
    if (stamp > this.last[row]) this.last[row] = stamp;
  }

  /** The row of the key buf[start, end), inserted when new. */
  rowOf(buf: Uint8Array, start: number, end: number): number {
    const h = hashBytes(buf, start, end);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) {
        const row = this.insert(buf, start, end, h);
        this.slots[slot] = row + 1;
        if (this.rows * 2 > this.slots.length) this.rehash();
        return row;
      }
      const row = entry - 1;
      if (this.hashes[row] === h && this.keyEquals(row, buf, start, end)) return row;
    }
  }

  /** Adds every group of a partial into this table. */
  mergePartial(partial: Partial): void {
    const { width, keyBytes, keyEnds, counts, first, last } = partial;
    if (width !== this.width) throw new Error(`partial has ${width - 1} status columns, table has ${this.columns}`);
    let keyStart = 0;
    for (let i = 0; i < keyEnds.length; i++) {
      const row = this.rowOf(keyBytes, keyStart, keyEnds[i]);
      keyStart = keyEnds[i];
      const base = row * width;
      const from = i * width;
      for (let c = 0; c < width; c++) this.counts[base + c] += counts[from + c];
      if (first[i] < this.first[row]) this.first[row] = first[i];
      if (last[i] > this.last[row]) this.last[row] = last[i];
    }
  }

  /** Hands the groups over as a Partial (copies trimmed to size) and leaves this table empty. */
  takePartial(): Partial {
    const n = this.rows;
    const partial: Partial = {
      width: this.width,
      keyBytes: this.keyBytes.slice(0, n === 0 ? 0 : this.keyEnds[n - 1]),
      keyEnds: this.keyEnds.slice(0, n),
      counts: this.counts.slice(0, n * this.width),
      first: this.first.slice(0, n),
      last: this.last.slice(0, n),
    };
    this.rows = 0;
    this.slots.fill(0);
    this.counts.fill(0, 0, n * this.width);
    this.first.fill(NO_STAMP_MIN, 0, n);
    this.last.fill(NO_STAMP_MAX, 0, n);
    return partial;
  }

  /** Group i's key, one char per byte (see result.ts decodeKey). */
  key(i: number): string {
    const start = i === 0 ? 0 : this.keyEnds[i - 1];
    return Buffer.from(this.keyBytes.buffer, this.keyBytes.byteOffset + start, this.keyEnds[i] - start).toString('latin1');
  }

  /** Read-only view of group i, for building results. */
  row(i: number): { key: string; counts: Float64Array; first: number; last: number } {
    return {
      key: this.key(i),
      counts: this.counts.subarray(i * this.width, (i + 1) * this.width),
      first: this.first[i],
      last: this.last[i],
    };
  }

  private keyEquals(row: number, buf: Uint8Array, start: number, end: number): boolean {
    const keyStart = row === 0 ? 0 : this.keyEnds[row - 1];
    if (this.keyEnds[row] - keyStart !== end - start) return false;
    const keys = this.keyBytes;
    for (let i = 0; i < end - start; i++) if (keys[keyStart + i] !== buf[start + i]) return false;
    return true;
  }

  private insert(buf: Uint8Array, start: number, end: number, hash: number): number {
    const row = this.rows;
    if (row === this.first.length) this.growRows();
    const keyStart = row === 0 ? 0 : this.keyEnds[row - 1];
    const keyEnd = keyStart + (end - start);
    if (keyEnd > this.keyBytes.length) this.keyBytes = grown(this.keyBytes, Math.max(keyEnd, this.keyBytes.length * 2));
    this.keyBytes.set(buf.subarray(start, end), keyStart);
    this.keyEnds[row] = keyEnd;
    this.hashes[row] = hash;
    this.rows = row + 1;
    return row;
  }

  private growRows(): void {
    const rows = this.first.length * 2;
    this.hashes = grown(this.hashes, rows);
    this.keyEnds = grown(this.keyEnds, rows);
    this.counts = grown(this.counts, rows * this.width);
    this.first = grown(this.first, rows, NO_STAMP_MIN);
    this.last = grown(this.last, rows, NO_STAMP_MAX);
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let row = 0; row < this.rows; row++) {
      let slot = this.hashes[row] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = row + 1;
    }
    this.slots = slots;
  }
}

type TypedArray = Uint8Array | Int32Array | Float64Array;

/** A copy of `array` with room for `length` elements; new room filled with `fill`. */
function grown<T extends TypedArray>(array: T, length: number, fill = 0): T {
  const bigger = new (array.constructor as new (length: number) => T)(length);
  bigger.set(array);
  if (fill !== 0) bigger.fill(fill, array.length);
  return bigger;
}
