// Per-group counters, kept as a struct of arrays: one Map from key to row, and flat typed arrays for the
// numbers. A producer fills one, hands it to the consumer as a compact, transferable `Partial`, and starts
// again; the consumer merges partials into its own table with `mergePartial`.

import { NO_STAMP_MAX, NO_STAMP_MIN } from './time.js';

/**
 * What travels on the queue: counts per group, never per-line records.
 * Row i: counts[i * width] is the total, counts[i * width + 1 + c] the count for status column c.
 */
export interface Partial {
  readonly keys: string[];
  readonly width: number;
  readonly counts: Float64Array;
  readonly first: Float64Array;
  readonly last: Float64Array;
}

const INITIAL_ROWS = 1024;

export class GroupTable {
  /** Row width: the total plus one count per status column. */
  readonly width: number;
  private readonly rowOf = new Map<string, number>();
  private keys: string[] = [];
  private counts: Float64Array;
  private first: Float64Array;
  private last: Float64Array;

  constructor(readonly columns: number) {
    this.width = columns + 1;
    this.counts = new Float64Array(INITIAL_ROWS * this.width);
    this.first = new Float64Array(INITIAL_ROWS).fill(NO_STAMP_MIN);
    this.last = new Float64Array(INITIAL_ROWS).fill(NO_STAMP_MAX);
  }

  get size(): number {
    return this.keys.length;
  }

  /** Counts one matching response of `key` in status column `column` at `stamp`. */
  add(key: string, column: number, stamp: number): void {
    let row = this.rowOf.get(key);
    if (row === undefined) row = this.insert(key);
    const base = row * this.width;
    this.counts[base]++;
    this.counts[base + 1 + column]++;
    if (stamp < this.first[row]) this.first[row] = stamp;
    if (stamp > this.last[row]) this.last[row] = stamp;
  }

  /** Adds every row of a partial into this table. */
  mergePartial(partial: Partial): void {
    const { keys, width, counts, first, last } = partial;
    if (width !== this.width) throw new Error(`partial has ${width - 1} status columns, table has ${this.columns}`);
    for (let i = 0; i < keys.length; i++) {
      let row = this.rowOf.get(keys[i]);
      if (row === undefined) row = this.insert(keys[i]);
      const base = row * width;
      const from = i * width;
      for (let c = 0; c < width; c++) this.counts[base + c] += counts[from + c];
      if (first[i] < this.first[row]) this.first[row] = first[i];
      if (last[i] > this.last[row]) this.last[row] = last[i];
    }
  }

  /** Hands the rows over as a Partial (arrays trimmed to size) and leaves this table empty. */
  takePartial(): Partial {
    const n = this.keys.length;
    const partial: Partial = {
      keys: this.keys,
      width: this.width,
      counts: this.counts.slice(0, n * this.width),
      first: this.first.slice(0, n),
      last: this.last.slice(0, n),
    };
    this.rowOf.clear();
    this.keys = [];
    this.counts.fill(0, 0, n * this.width);
    this.first.fill(NO_STAMP_MIN, 0, n);
    this.last.fill(NO_STAMP_MAX, 0, n);
    return partial;
  }

  /** Read-only view of one row, for building results. */
  row(i: number): { key: string; counts: Float64Array; first: number; last: number } {
    return {
      key: this.keys[i],
      counts: this.counts.subarray(i * this.width, (i + 1) * this.width),
      first: this.first[i],
      last: this.last[i],
    };
  }

  private insert(key: string): number {
    const row = this.keys.length;
    if (row === this.first.length) this.grow();
    this.keys.push(key);
    this.rowOf.set(key, row);
    return row;
  }

  private grow(): void {
    const rows = this.first.length * 2;
    const counts = new Float64Array(rows * this.width);
    counts.set(this.counts);
    this.counts = counts;
    const first = new Float64Array(rows).fill(NO_STAMP_MIN);
    first.set(this.first);
    this.first = first;
    const last = new Float64Array(rows).fill(NO_STAMP_MAX);
    last.set(this.last);
    this.last = last;
  }
}
