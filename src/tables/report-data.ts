// What the HTML report shows beyond the result's rows: matching responses over time (the whole run's, by status
// column) and, for each reported group only, its own activity over time and, when the run groups by client, its
// top paths and user agents. All of it is bounded whatever the input's size or time span:
//
// - A `BucketSeries` counts into at most `capacity` buckets. Bucket sizes come from one ladder (1 s, 5 s, 10 s,
//   30 s, 1 min ... 1 day, 7 days, then doubling), each a multiple of the one before, and buckets are aligned
//   to multiples of their size since the epoch. When an instant falls outside the buckets held, the series
//   moves to the next size that covers every instant seen: each old bucket falls whole into one new one, so
//   counts are only ever added, never split, and the sum is exact.
// - `TopSlots` keeps the most frequent values of one field for each group in `capacity` slots (Space-Saving,
//   Metwally et al. 2005): exact while a group has no more distinct values than slots, else each count is at
//   most `error` over. Summaries of other lines merge into it with the same guarantee.

import { stampEpochSeconds } from '../base/time.js';
import { grown } from '../base/typed.js';
import { hashBytes } from './group-table.js';

/** Bucket sizes in seconds, each a multiple of the one before; past the last, sizes double. */
export const BUCKET_LADDER: readonly number[] = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400];

/** The next size after `seconds` on the ladder. */
export function nextBucketSeconds(seconds: number): number {
  const at = BUCKET_LADDER.indexOf(seconds);
  return at >= 0 && at < BUCKET_LADDER.length - 1 ? BUCKET_LADDER[at + 1] : seconds * 2;
}

/** Counts by time bucket in `lanes` lanes (status columns) over one grid; a bounded number of buckets. */
export class BucketSeries {
  /** Seconds per bucket. */
  bucketSeconds = BUCKET_LADDER[0];
  /** Index (epoch seconds / bucketSeconds) of bucket 0; NaN while empty. */
  first = Number.NaN;
  /** Buckets in use: [0, used). */
  used = 0;
  /** Lane l's bucket b is counts[l * capacity + b]. */
  counts: Float64Array;

  constructor(
    readonly lanes: number,
    readonly capacity: number,
  ) {
    this.counts = new Float64Array(lanes * capacity);
  }

  /** Adds one at stamp `stamp` (base/time.ts) to lane `lane`. */
  addStamp(stamp: number, lane: number): void {
    this.add(stampEpochSeconds(stamp), lane, 1);
  }

  add(second: number, lane: number, count: number): void {
    let index = Math.floor(second / this.bucketSeconds);
    if (this.used === 0) {
      this.first = index;
      this.used = 1;
    }
    let at = index - this.first;
    if (at < 0 || at >= this.capacity) {
      this.cover(second);
      index = Math.floor(second / this.bucketSeconds);
      at = index - this.first;
    }
    if (at >= this.used) this.used = at + 1;
    this.counts[lane * this.capacity + at] += count;
  }

  /**
   * Adds another series' counts (`counts`: lane l's bucket b at [l * used + b], on the grid `bucketSeconds`,
   * `first`), as if its instants had been added here: the grid first coarsens to the other's size, so each of
   * its buckets falls whole into one of these. The final grid depends only on the instants, not on the order of
   * the adds and merges (the smallest ladder size whose buckets from the lowest to the highest fit).
   */
  mergeCounts(bucketSeconds: number, first: number, used: number, counts: Float64Array): void {
    if (used === 0) return;
    if (bucketSeconds > this.bucketSeconds) this.coarsenTo(bucketSeconds);
    for (let lane = 0; lane < this.lanes; lane++) {
      for (let b = 0; b < used; b++) {
        const count = counts[lane * used + b];
        if (count !== 0) this.add((first + b) * bucketSeconds, lane, count);
      }
    }
  }

  /** Moves to the ladder's size `seconds` (above this one), buckets merged whole. */
  private coarsenTo(seconds: number): void {
    if (this.used === 0) {
      this.bucketSeconds = seconds;
      return;
    }
    let size = this.bucketSeconds;
    while (size < seconds) size = nextBucketSeconds(size);
    this.regrid(size, Math.floor((this.first * this.bucketSeconds) / size));
  }

  /** The sum over every bucket of `lane`. */
  laneTotal(lane: number): number {
    let sum = 0;
    for (let b = 0; b < this.used; b++) sum += this.counts[lane * this.capacity + b];
    return sum;
  }

  /** Epoch seconds at which bucket 0 starts. */
  get startSecond(): number {
    return this.first * this.bucketSeconds;
  }

  /** Coarsens (and shifts) the grid until it holds `second` with every instant already counted. */
  private cover(second: number): void {
    const lowSecond = Math.min(second, this.first * this.bucketSeconds);
    const highSecond = Math.max(second, (this.first + this.used - 1) * this.bucketSeconds);
    let size = this.bucketSeconds;
    while (Math.floor(highSecond / size) - Math.floor(lowSecond / size) >= this.capacity) size = nextBucketSeconds(size);
    this.regrid(size, Math.floor(lowSecond / size));
  }

  /** Puts every bucket into the grid of `size` seconds starting at index `first` (which must hold them all). */
  private regrid(size: number, first: number): void {
    const counts = new Float64Array(this.lanes * this.capacity);
    let used = 0;
    for (let b = 0; b < this.used; b++) {
      const to = Math.floor(((this.first + b) * this.bucketSeconds) / size) - first;
      used = Math.max(used, to + 1);
      for (let lane = 0; lane < this.lanes; lane++) counts[lane * this.capacity + to] += this.counts[lane * this.capacity + b];
    }
    this.counts = counts;
    this.bucketSeconds = size;
    this.first = first;
    this.used = used;
  }
}

/** A bucket series as plain data: lane l's counts are counts[l] (each `used` long), starting at startSecond. */
export interface SeriesData {
  readonly startSecond: number;
  readonly bucketSeconds: number;
  readonly counts: readonly (readonly number[])[];
}

export function seriesData(series: BucketSeries): SeriesData {
  const counts: number[][] = [];
  for (let lane = 0; lane < series.lanes; lane++) {
    const from = lane * series.capacity;
    counts.push(Array.from(series.counts.subarray(from, from + series.used)));
  }
  return { startSecond: series.used === 0 ? 0 : series.startSecond, bucketSeconds: series.bucketSeconds, counts };
}

/**
 * The most frequent values of one field for each of `groups` groups, each group in `capacity` slots
 * (Space-Saving; see the top of the file), kept as bytes: a value (the text a format makes of the field, one
 * char per byte) is hashed and compared as bytes, so counting a line makes no string. Slots sit in typed arrays,
 * a group's block made on its first value; values in one byte arena, compacted when evictions left it mostly
 * garbage.
 */
/** Copies source[start, end) to target at `at`, making no view. */
function copyBytes(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): void {
  Buffer.prototype.copy.call(source, target, at, start, end);
}

/** The value arena's smallest size after a compaction. */
const MIN_ARENA_BYTES = 64 * 1024;

/** Another summary of one group's field, as TopSlots.merge takes it: values as bytes (one char per byte). */
export interface TopSummary {
  readonly values: readonly Uint8Array[];
  readonly counts: Float64Array;
  readonly errors: Float64Array;
  readonly overflowed: boolean;
}

interface Candidate {
  bytes: Uint8Array;
  hash: number;
  count: number;
  error: number;
}

export class TopSlots {
  /** Per group: its first slot, or -1. */
  private readonly block: Int32Array;
  private readonly filled: Uint8Array;
  /** Per group: 1 once it evicted a value (its counts may then be over by up to their error). */
  readonly overflowed: Uint8Array;
  private hashes = new Int32Array(0);
  private counts = new Float64Array(0);
  private errors = new Float64Array(0);
  private starts = new Int32Array(0);
  private lengths = new Int32Array(0);
  private slots = 0;
  /** The group of each block. */
  private blockRows = new Int32Array(0);
  private arena = Buffer.allocUnsafe(1024);
  private arenaUsed = 0;
  private liveBytes = 0;

  constructor(
    readonly groups: number,
    readonly capacity: number,
  ) {
    this.block = new Int32Array(groups).fill(-1);
    this.filled = new Uint8Array(groups);
    this.overflowed = new Uint8Array(groups);
  }

  /** Counts one line of group `row` whose value is buf[start, end). */
  add(row: number, buf: Uint8Array, start: number, end: number): void {
    const hash = hashBytes(buf, start, end);
    const base = this.blockOf(row);
    const n = this.filled[row];
    const length = end - start;
    for (let s = base; s < base + n; s++) {
      if (this.hashes[s] === hash && this.lengths[s] === length && this.equals(s, buf, start, end)) {
        this.counts[s]++;
        return;
      }
    }
    if (n < this.capacity) {
      this.put(base + n, buf, start, end, hash, 1, 0);
      this.filled[row] = n + 1;
      return;
    }
    // Evict the smallest; the newcomer inherits its count as its possible error.
    let least = base;
    for (let s = base + 1; s < base + n; s++) if (this.counts[s] < this.counts[least]) least = s;
    const floor = this.counts[least];
    this.liveBytes -= this.lengths[least];
    this.put(least, buf, start, end, hash, floor + 1, floor);
    this.overflowed[row] = 1;
  }

  /** Group `row`'s values as bytes (views of the arena, valid until the next change), counts and errors. */
  summary(row: number): TopSummary {
    const base = this.block[row];
    const n = base < 0 ? 0 : this.filled[row];
    const values: Uint8Array[] = [];
    for (let s = base; s < base + n; s++) values.push(this.arena.subarray(this.starts[s], this.starts[s] + this.lengths[s]));
    return { values, counts: this.counts.slice(base, base + n), errors: this.errors.slice(base, base + n), overflowed: this.overflowed[row] === 1 };
  }

  /** Group `row`'s values, with their counts and possible overcounts. */
  entries(row: number): TopValue[] {
    const base = this.block[row];
    const entries: TopValue[] = [];
    for (let s = base; s < base + this.filled[row]; s++) {
      const from = this.starts[s];
      const value = Buffer.from(this.arena.buffer, this.arena.byteOffset, this.arena.byteLength).latin1Slice(from, from + this.lengths[s]);
      entries.push({ value, count: this.counts[s], error: this.errors[s] });
    }
    return entries;
  }

  /**
   * Takes in another summary of group `row`'s field over other lines (Space-Saving summaries merge: Agarwal et
   * al. 2012), values as bytes. A value one side lacks counts there as that side's floor: 0 when it never evicted (its counts are
   * exact), else its smallest count (no missing value can have more), added to the error too. The union keeps
   * its `capacity` largest (ties by value). So the merge stays exact while the group has no more distinct values
   * than slots, and otherwise each count remains an upper bound within its error, whatever the split or order.
   */
  merge(row: number, other: TopSummary): void {
    const base = this.blockOf(row);
    const n = this.filled[row];
    const candidates: Candidate[] = [];
    let ownFloor = 0;
    if (this.overflowed[row] === 1 && n > 0) {
      ownFloor = Number.POSITIVE_INFINITY;
      for (let s = base; s < base + n; s++) ownFloor = Math.min(ownFloor, this.counts[s]);
    }
    let otherFloor = 0;
    if (other.overflowed && other.counts.length > 0) otherFloor = Math.min(...other.counts);
    for (let s = base; s < base + n; s++) {
      const bytes = this.arena.subarray(this.starts[s], this.starts[s] + this.lengths[s]);
      candidates.push({ bytes, hash: this.hashes[s], count: this.counts[s] + otherFloor, error: this.errors[s] + otherFloor });
    }
    other.values.forEach((bytes, j) => {
      const hash = hashBytes(bytes, 0, bytes.length);
      const mine = candidates.find((c, i) => i < n && c.hash === hash && Buffer.compare(c.bytes, bytes) === 0);
      if (mine) {
        mine.count += other.counts[j] - otherFloor;
        mine.error += other.errors[j] - otherFloor;
      } else candidates.push({ bytes, hash, count: other.counts[j] + ownFloor, error: other.errors[j] + ownFloor });
    });
    let kept = candidates;
    if (kept.length > this.capacity) {
      kept = kept.sort((a, b) => b.count - a.count || Buffer.compare(a.bytes, b.bytes)).slice(0, this.capacity);
      this.overflowed[row] = 1;
    }
    if (other.overflowed) this.overflowed[row] = 1;
    // The kept values leave the arena (a compaction while they are put back would move them), then go back.
    const values = kept.map((c) => Buffer.from(c.bytes));
    for (let s = base; s < base + n; s++) this.liveBytes -= this.lengths[s];
    // Slots past `filled` are not live: a compaction while they are rewritten copies only those already put.
    this.filled[row] = 0;
    kept.forEach((c, i) => {
      this.put(base + i, values[i], 0, values[i].length, c.hash, c.count, c.error);
      this.filled[row] = i + 1;
    });
  }

  /** The `n` most frequent of group `row`, most first (ties by value), each with its count and possible overcount. */
  top(row: number, n: number): TopValue[] {
    if (this.block[row] < 0) return [];
    return this.entries(row)
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, n);
  }

  private blockOf(row: number): number {
    let base = this.block[row];
    if (base >= 0) return base;
    base = this.block[row] = this.slots;
    const blocks = this.slots / this.capacity;
    if (blocks >= this.blockRows.length) this.blockRows = grown(this.blockRows, Math.max(16, blocks * 2));
    this.blockRows[blocks] = row;
    this.slots += this.capacity;
    if (this.slots > this.counts.length) {
      const size = Math.max(this.slots, this.counts.length * 2);
      this.hashes = grown(this.hashes, size);
      this.counts = grown(this.counts, size);
      this.errors = grown(this.errors, size);
      this.starts = grown(this.starts, size);
      this.lengths = grown(this.lengths, size);
    }
    return base;
  }

  private equals(slot: number, buf: Uint8Array, start: number, end: number): boolean {
    const arena = this.arena;
    const from = this.starts[slot];
    // Long values (user agents) by memcmp; short ones here, cheaper than the call.
    if (end - start > 32) return arena.compare(buf, start, end, from, from + end - start) === 0;
    for (let i = start, j = from; i < end; i++, j++) if (buf[i] !== arena[j]) return false;
    return true;
  }

  /** Puts a value in a slot; its bytes go to the arena's end (compacted first when evictions left it mostly garbage). */
  private put(slot: number, buf: Uint8Array, start: number, end: number, hash: number, count: number, error: number): void {
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) this.makeRoom(slot, length);
    copyBytes(buf, start, end, this.arena, this.arenaUsed);
    this.hashes[slot] = hash;
    this.counts[slot] = count;
    this.errors[slot] = error;
    this.starts[slot] = this.arenaUsed;
    this.lengths[slot] = length;
    this.arenaUsed += length;
    this.liveBytes += length;
  }

  /** Room for `length` more bytes: the live values copied together (slot `replacing` is not live), or a bigger arena. */
  private makeRoom(replacing: number, length: number): void {
    const live = this.liveBytes;
    // At least twice what stays live: a compaction costs its live bytes and blocks, paid for by as many appended.
    const size = Math.max(this.arena.length, 2 * (live + length), MIN_ARENA_BYTES);
    const arena = Buffer.allocUnsafe(size);
    let used = 0;
    for (let base = 0; base < this.slots; base += this.capacity) {
      const row = this.blockRows[base / this.capacity];
      for (let s = base; s < base + this.capacity; s++) {
        if (s === replacing || s >= base + this.filled[row]) continue;
        copyBytes(this.arena, this.starts[s], this.starts[s] + this.lengths[s], arena, used);
        this.starts[s] = used;
        used += this.lengths[s];
      }
    }
    this.arena = arena;
    this.arenaUsed = used;
  }
}

export interface TopValue {
  readonly value: string;
  readonly count: number;
  /** How much `count` may be over the true count (0: exact). */
  readonly error: number;
}

/** What one reported group's report shows beyond its row. */
export interface GroupReport {
  /** Its matching responses over time (one lane: all status columns). */
  readonly timeline: SeriesData;
  /** Where the run groups by client: its most frequent paths and user agents. */
  readonly topPaths?: readonly TopValue[];
  readonly topUserAgents?: readonly TopValue[];
}

/** The report's data beyond the result, read from the inputs for the groups the result reports. */
export interface ReportData {
  /** Matching responses of the run over time, one lane per status column. */
  readonly timeline: SeriesData;
  /** The first and last instant (epoch seconds) of any parsed line; undefined when no line parsed. */
  readonly firstSecond?: number;
  readonly lastSecond?: number;
  /** By report order (the result's `reported.at(i)`). */
  readonly groups: readonly GroupReport[];
  /** How the data was gathered, for the page: buckets held at most, per run and per group; top slots. */
  readonly bounds: { readonly timelineBuckets: number; readonly groupBuckets: number; readonly topSlots: number };
}
