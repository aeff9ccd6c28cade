// Per-group counters. Groups are keyed by bytes: a producer looks a key up straight from the read buffer
// (hash the bytes, compare them with the stored copy), so counting a matching line makes no string and no
// object; strings are made once per reported group, at the very end. The numbers live in flat typed arrays.
//
// A producer fills one table and hands it to the consumer as a compact, transferable `CountsPartial`: the table's
// own arrays, trimmed (no conversion); the consumer merges partials into its own table with `mergePartial`
// (or, in the default run, into the kernel's table of the same layout: tables/kernel-table.ts).

import { NO_STAMP_MAX, NO_STAMP_MIN } from '../base/time.js';
import { grown, regrown, release } from '../base/typed.js';
import { partialSlotsOf, recordBytesFor, TABLE_SLOT_INTS as SLOT_INTS } from './partial.js';
import type { CountsPartial } from './partial.js';
import { partialOf } from './partial.js';

/** Bytes a count takes in a record; the largest count of each size (64-bit floats: exact to 2^53, the last). */
type CountBytes = 2 | 4 | 8;
const MAX_COUNT = { 2: 0xffff, 4: 0xffffffff, 8: Number.POSITIVE_INFINITY } as const;
// Big enough that a typical log (tens of thousands of clients) needs few growth steps; small enough for tiny runs.
const INITIAL_ROWS = 16384;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 16777619;

export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], FNV_PRIME);
  return h;
}

// Counting is bound by memory latency, not arithmetic: a table of 50k groups does not fit in a core's cache,
// so each add costs a cache miss per structure it touches. Hence a hash slot holds the key's hash next to its
// row (the key's place is read only on a hash match), and a group's numbers sit together in one record: with
// 32-bit counts, 11 status columns make exactly 64 bytes, one cache line.
//
// Counts are 32-bit. A producer hands its partial over long before one can overflow (scan/task-scanner.ts); the
// consumer's table sums partials, and should a sum pass 2^32 - 1 it widens its records to 64-bit float counts
// (exact to 2^53) and goes on. The consumer's table with an analysis starts at 16-bit counts (`compact`).
export class GroupTable {
  /** Counts per group: the total plus one per status column. */
  readonly width: number;
  private rows = 0;
  private slots: Int32Array = new Int32Array(INITIAL_ROWS * 2 * SLOT_INTS);
  private keyBytes: Uint8Array = new Uint8Array(INITIAL_ROWS * 16);
  /** Row i's key ends at keyEnds[i] and starts where row i-1's ends. */
  private keyEnds: Int32Array = new Int32Array(INITIAL_ROWS);
  /** 32-bit counts; 16-bit in a compact table until a count passes 65,535; 64-bit floats after 2^32 - 1. */
  private countBytes: CountBytes = 4;
  private maxCount = 0;
  /** Bytes per record: the counts, padded to 8, then the first and last stamp. */
  private recordBytes = 0;
  private countsPerRecord = 0;
  /** Where in a record (in f64 units) the first stamp is. */
  private stampsAt = 0;
  private counts: Uint16Array | Uint32Array | Float64Array;
  private stamps!: Float64Array;

  /**
   * `compact`: counts start at 16 bits (a record of 11 status columns: 40 bytes, not 64), for the consumer's
   * table of many small groups (composite keys); it widens as sums grow. A producer's table hands its
   * records over as they are, in 32 bits.
   */
  constructor(readonly columns: number, compact = false) {
    this.width = columns + 1;
    this.setCountBytes(compact ? 2 : 4);
    this.counts = this.newRecords(INITIAL_ROWS);
  }

  private setCountBytes(countBytes: CountBytes): void {
    this.countBytes = countBytes;
    this.maxCount = MAX_COUNT[countBytes];
    this.recordBytes = recordBytesFor(this.width, countBytes);
    this.countsPerRecord = this.recordBytes / countBytes;
    this.stampsAt = (this.recordBytes - 16) / 8;
  }

  get size(): number {
    return this.rows;
  }

  /** Counts one matching response of the group keyed buf[start, end) in status column `column` at `stamp`. */
  add(buf: Uint8Array, start: number, end: number, column: number, stamp: number): void {
    this.addAt(this.rowOf(buf, start, end), column, stamp);
  }

  /**
   * Counts one matching response in a row found with `rowOf`: for analyses that keep more per group by row
   * (scan/analysis-scanner.ts). Same effect as `add`.
   */
  addAt(row: number, column: number, stamp: number): void {
    if (this.counts[row * this.countsPerRecord] === this.maxCount) this.widen();
    const counts = this.counts; // read after rowOf: an insert may have replaced the records
    const at = row * this.countsPerRecord;
    counts[at]++;
    counts[at + 1 + column]++;
    const stamps = this.stamps;
    const first = (row * this.recordBytes) / 8 + this.stampsAt;
    if (stamp < stamps[first]) stamps[first] = stamp;
    if (stamp > stamps[first + 1]) stamps[first + 1] = stamp;
  }

  /** The row of the key buf[start, end), inserted when new. */
  rowOf(buf: Uint8Array, start: number, end: number): number {
    return this.rowOfHashed(buf, start, end, hashBytes(buf, start, end));
  }

  /** rowOf, the key's hash (hashBytes) known. */
  private rowOfHashed(buf: Uint8Array, start: number, end: number, h: number): number {
    const at = this.probe(buf, start, end, h);
    const entry = this.slots[at];
    return entry === 0 ? this.insert(buf, start, end, h, at) : entry - 1;
  }

  /** The row of the key buf[start, end), or -1 when the table has none (nothing is inserted). */
  find(buf: Uint8Array, start: number, end: number): number {
    return this.slots[this.probe(buf, start, end, hashBytes(buf, start, end))] - 1;
  }

  /** Where (in ints) the key buf[start, end) of hash `h` is in the slots, or the empty slot where it would go. */
  private probe(buf: Uint8Array, start: number, end: number, h: number): number {
    const slots = this.slots;
    const keyEnds = this.keyEnds;
    const mask = slots.length / SLOT_INTS - 1;
    const length = end - start;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const at = slot * SLOT_INTS;
      const entry = slots[at];
      if (entry === 0) return at;
      if (slots[at + 1] === h) {
        const keyStart = entry === 1 ? 0 : keyEnds[entry - 2];
        if (keyEnds[entry - 1] - keyStart === length && this.keyEquals(keyStart, buf, start, length)) return at;
      }
    }
  }

  /**
   * Adds the groups of a partial into this table: every one, or those from group `from` on. With `rowsOut`,
   * rowsOut[i] is set to this table's row of the partial's group i (for what the analysis keeps by row).
   */
  mergePartial(partial: CountsPartial, from = 0, rowsOut?: Int32Array): void {
    const { width, keyBytes, keyEnds, records } = partial;
    if (width !== this.width) throw new Error(`partial has ${width - 1} status columns, table has ${this.columns}`);
    // (A compact table adds its first partial's groups one by one: their counts change size.)
    if (this.rows === 0 && this.countBytes === 4 && from === 0) {
      this.adopt(partial);
      if (rowsOut) for (let i = 0; i < keyEnds.length; i++) rowsOut[i] = i;
      return;
    }
    const words = recordBytesFor(width, 4) / 4;
    const counts = new Uint32Array(records.buffer, records.byteOffset, records.byteLength / 4);
    const stampsIn = new Float64Array(records.buffer, records.byteOffset, records.byteLength / 8);
    // The partial's slots hold each key's hash: no key is hashed again.
    const hashes = new Int32Array(keyEnds.length);
    const slots = partial.slots;
    for (let at = 0; at < slots.length; at += SLOT_INTS) if (slots[at] !== 0) hashes[slots[at] - 1] = slots[at + 1];
    let keyStart = from === 0 ? 0 : keyEnds[from - 1];
    for (let i = from; i < keyEnds.length; i++) {
      const row = this.rowOfHashed(keyBytes, keyStart, keyEnds[i], hashes[i]);
      if (rowsOut) rowsOut[i] = row;
      keyStart = keyEnds[i];
      const source = i * words;
      // A column's count never passes the total: the total is the one to check.
      while (this.counts[row * this.countsPerRecord] + counts[source] > this.maxCount) this.widen();
      const into = this.counts; // read after rowOf and widen: either may replace it
      const at = row * this.countsPerRecord;
      for (let c = 0; c < width; c++) into[at + c] += counts[source + c];
      const stamps = this.stamps;
      const f = (row * this.recordBytes) / 8 + this.stampsAt;
      const first = stampsIn[source / 2 + words / 2 - 2];
      const last = stampsIn[source / 2 + words / 2 - 1];
      if (first < stamps[f]) stamps[f] = first;
      if (last > stamps[f + 1]) stamps[f + 1] = last;
    }
  }

  /**
   * An empty table takes a partial's groups as they are (the consumer's first partial): copies of its keys,
   * records and hash slots become the table's, each one memcpy. Adding each group would cost a cache miss or
   * three per group, for nothing: none can be found. (Copies, so that the partial stays as it was.)
   */
  private adopt({ keyBytes, keyEnds, records, slots }: CountsPartial): void {
    const rows = keyEnds.length;
    // Room for a quarter more: the next partials mostly bring keys seen already, and a few new ones should not
    // make the table grow at once.
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, rows * 1.25)));
    release(this.keyBytes, this.keyEnds, this.counts, this.slots);
    this.keyBytes = keyBytes.slice();
    this.keyEnds = grown(keyEnds, capacity);
    this.counts = this.newRecords(capacity);
    this.recordBytesView().set(records);
    this.rows = rows;
    // The partial's slots are laid out as this table's.
    this.slots = slots.slice();
  }

  /**
   * A table over arrays laid out as a table lays them out, taken as they are, not copied: the kernel's, at the
   * end of the consumer's merge (scan/kernel-scanner.ts). `keyEnds` and `records` may have room past `rows` (records
   * there hold zero counts and the none-yet stamps); `slots` are the hash slots over the keys, in this table's layout.
   */
  static over(width: number, rows: number, keyBytes: Uint8Array, keyEnds: Int32Array, records: Uint8Array, slots: Int32Array): GroupTable {
    const table = new GroupTable(width - 1);
    table.keyBytes = keyBytes;
    table.keyEnds = keyEnds;
    table.counts = new Uint32Array(records.buffer, records.byteOffset, records.byteLength / 4);
    table.stamps = new Float64Array(records.buffer, records.byteOffset, records.byteLength / 8);
    table.slots = slots;
    table.rows = rows;
    return table;
  }

  /** Hands the groups over as a CountsPartial (copies trimmed to size) and leaves this table empty. */
  takePartial(): CountsPartial {
    if (this.countBytes !== 4) throw new Error('only a table with 32-bit counts is handed over'); // a producer's
    const partial = partialOf(this.width, this.rows, this.keyBytes, this.keyEnds, this.recordBytesView(), partialSlotsOf(this.slots, this.rows));
    this.clear();
    return partial;
  }

  /** Empties the table, keeping its arrays for the next groups (new ones would leave the old as garbage). */
  clear(): void {
    this.recordBytesView().fill(0, 0, this.rows * this.recordBytes);
    this.rows = 0;
    this.slots.fill(0);
  }

  /** The keys' bytes: group i's key is keys[keyStart(i), keyEnd(i)). (Valid until the table next grows.) */
  get keys(): Uint8Array {
    return this.keyBytes;
  }

  keyStart(i: number): number {
    return i === 0 ? 0 : this.keyEnds[i - 1];
  }

  keyEnd(i: number): number {
    return this.keyEnds[i];
  }

  /** Group i's key, one char per byte (see tables/result.ts decodeKey). */
  key(i: number): string {
    const start = i === 0 ? 0 : this.keyEnds[i - 1];
    return Buffer.from(this.keyBytes.buffer, this.keyBytes.byteOffset + start, this.keyEnds[i] - start).toString('latin1');
  }

  /** Compares group a's key with group b's, byte by byte (a key that is a prefix of the other comes first). */
  compareKeys(a: number, b: number): number {
    const keys = this.keyBytes;
    const ends = this.keyEnds;
    let i = a === 0 ? 0 : ends[a - 1];
    let j = b === 0 ? 0 : ends[b - 1];
    const aEnd = ends[a];
    const bEnd = ends[b];
    for (; i < aEnd && j < bEnd; i++, j++) if (keys[i] !== keys[j]) return keys[i] - keys[j];
    return aEnd - i - (bEnd - j);
  }

  /** Group i's total count. */
  total(i: number): number {
    return this.counts[i * this.countsPerRecord];
  }

  /** Group i's count in status column c. */
  columnCount(i: number, c: number): number {
    return this.counts[i * this.countsPerRecord + 1 + c];
  }

  /** Group i's count per status column. */
  columnCounts(i: number): number[] {
    const at = i * this.countsPerRecord + 1;
    const counts = new Array<number>(this.columns);
    for (let c = 0; c < this.columns; c++) counts[c] = this.counts[at + c];
    return counts;
  }

  /** Group i's earliest and latest stamp. */
  first(i: number): number {
    return this.stamps[(i * this.recordBytes) / 8 + this.stampsAt];
  }

  last(i: number): number {
    return this.stamps[(i * this.recordBytes) / 8 + this.stampsAt + 1];
  }

  /** Group i as one object (for tests and small tables; results use the accessors above). */
  row(i: number): { key: string; counts: number[]; first: number; last: number } {
    return { key: this.key(i), counts: [this.total(i), ...this.columnCounts(i)], first: this.first(i), last: this.last(i) };
  }

  private keyEquals(keyStart: number, buf: Uint8Array, start: number, length: number): boolean {
    const keys = this.keyBytes;
    for (let i = 0; i < length; i++) if (keys[keyStart + i] !== buf[start + i]) return false;
    return true;
  }

  /** Adds a row for the key and fills the empty slot at `at`. */
  private insert(buf: Uint8Array, start: number, end: number, hash: number, at: number): number {
    const row = this.rows;
    if (row === this.keyEnds.length) this.growRows();
    const keyStart = row === 0 ? 0 : this.keyEnds[row - 1];
    const keyEnd = keyStart + (end - start);
    if (keyEnd > this.keyBytes.length) this.keyBytes = regrown(this.keyBytes, Math.max(keyEnd, this.keyBytes.length * 2));
    // A byte loop, not set(subarray): a key is short, and a view per insert costs more than copying it.
    const keys = this.keyBytes;
    for (let i = start, j = keyStart; i < end; i++, j++) keys[j] = buf[i];
    this.keyEnds[row] = keyEnd;
    this.rows = row + 1;
    const f = (row * this.recordBytes) / 8 + this.stampsAt;
    this.stamps[f] = NO_STAMP_MIN;
    this.stamps[f + 1] = NO_STAMP_MAX;
    const slots = this.slots;
    slots[at] = row + 1;
    slots[at + 1] = hash;
    if (this.rows * 2 * SLOT_INTS > slots.length) this.rehash();
    return row;
  }

  /**
   * Zeroed records for `rows` groups; also points `stamps` at them. A record's first/last are set to "none
   * yet" when its group is inserted, so room not used yet is never written (nor, in a big buffer, resident).
   */
  private newRecords(rows: number): Uint16Array | Uint32Array | Float64Array {
    const buffer = new ArrayBuffer(rows * this.recordBytes);
    const stamps = new Float64Array(buffer);
    this.stamps = stamps;
    return this.countBytes === 8 ? stamps : this.countBytes === 4 ? new Uint32Array(buffer) : new Uint16Array(buffer);
  }

  /** The records as bytes (a view: they may sit inside a bigger buffer, see `over`). */
  private recordBytesView(): Uint8Array {
    return new Uint8Array(this.counts.buffer, this.counts.byteOffset, this.counts.byteLength);
  }

  /** Gives the records' counts the next size (a sum is about to pass the largest count of this one). */
  private widen(): void {
    const [narrow, narrowStamps, narrowPer, narrowStampsPer, narrowStampsAt] = [this.counts, this.stamps, this.countsPerRecord, this.recordBytes / 8, this.stampsAt];
    this.setCountBytes(this.countBytes === 2 ? 4 : 8);
    const counts = (this.counts = this.newRecords(narrow.length / narrowPer));
    const { stamps, countsPerRecord: per, stampsAt } = this;
    const stampsPer = this.recordBytes / 8;
    for (let row = 0; row < this.rows; row++) {
      for (let c = 0; c < this.width; c++) counts[row * per + c] = narrow[row * narrowPer + c];
      stamps[row * stampsPer + stampsAt] = narrowStamps[row * narrowStampsPer + narrowStampsAt];
      stamps[row * stampsPer + stampsAt + 1] = narrowStamps[row * narrowStampsPer + narrowStampsAt + 1];
    }
    release(narrow);
  }

  private growRows(rows = Math.max(this.keyEnds.length * 2, 16)): void {
    this.keyEnds = regrown(this.keyEnds, rows);
    const old = this.recordBytesView();
    this.counts = this.newRecords(rows);
    this.recordBytesView().set(old);
    release(old);
  }

  private rehash(): void {
    const old = this.slots;
    const slots = new Int32Array(old.length * 2);
    const mask = slots.length / SLOT_INTS - 1;
    for (let i = 0; i < old.length; i += SLOT_INTS) {
      if (old[i] === 0) continue;
      let slot = old[i + 1] & mask;
      while (slots[slot * SLOT_INTS] !== 0) slot = (slot + 1) & mask;
      // Two ints: set(subarray) would make a view per slot.
      slots[slot * SLOT_INTS] = old[i];
      slots[slot * SLOT_INTS + 1] = old[i + 1];
    }
    this.slots = slots;
    release(old);
  }
}
