// The HTML report's partials: what a producer gathers for the report (tables/report-data.ts) over the tasks it
// read, as plain typed arrays, so that it moves to another thread without a copy or leaves the process as bytes
// (tables/report-codec.ts), and the one class that gathers them on both sides: a producer adds lines to a
// `ReportParts` and takes a partial from it; the single consumer merges every producer's partial into another
// and finishes it into the page's data. Any split of the lines into partials, merged in any order, gives the
// same buckets (report-data.ts `mergeCounts`); top values stay exact while a group has no more distinct values
// than slots, else each count shown is an upper bound (Space-Saving's merge, `TopSlots.merge` below).

import { stampEpochSeconds } from '../base/time.js';
import { grown } from '../base/typed.js';
import { hashBytes } from './group-table.js';
import { BucketSeries, seriesData, type ReportData, type TopValue } from './report-data.js';
import { GROUP_BUCKETS, TIMELINE_BUCKETS, TOP_SLOTS, type ReportPartial, type SeriesPart, type TopPart } from './report-codec.js';

export { GROUP_BUCKETS, TIMELINE_BUCKETS, TOP_SLOTS, reportTransferList, type ReportPartial, type SeriesPart, type TopPart } from './report-codec.js';
import { decodeKey } from './result.js';

/** Top values shown per group. */
const TOP_SHOWN = 5;

function seriesPart(series: BucketSeries): SeriesPart {
  const counts = new Float64Array(series.lanes * series.used);
  for (let lane = 0; lane < series.lanes; lane++) {
    counts.set(series.counts.subarray(lane * series.capacity, lane * series.capacity + series.used), lane * series.used);
  }
  return { bucketSeconds: series.bucketSeconds, first: series.used === 0 ? 0 : series.first, used: series.used, counts };
}

/** Group i's summary in a TopPart, its values as views of the partial's bytes. */
function topSummary(part: TopPart, i: number): TopSummary {
  const from = i === 0 ? 0 : part.slotEnds[i - 1];
  const to = part.slotEnds[i];
  const values: Uint8Array[] = [];
  for (let j = from; j < to; j++) values.push(part.valueBytes.subarray(j === 0 ? 0 : part.valueEnds[j - 1], part.valueEnds[j]));
  return { values, counts: part.counts.subarray(from, to), errors: part.errors.subarray(from, to), overflowed: part.overflowed[i] === 1 };
}

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

  /** The summaries of groups `rows`, flat (see TopPart): no object per value, whatever the number of groups. */
  flatten(rows: Int32Array): TopPart {
    const slotEnds = new Int32Array(rows.length);
    const overflowed = new Uint8Array(rows.length);
    let slots = 0;
    let bytes = 0;
    rows.forEach((row, i) => {
      const base = this.block[row];
      const n = base < 0 ? 0 : this.filled[row];
      for (let s = base; s < base + n; s++) bytes += this.lengths[s];
      slotEnds[i] = slots += n;
      overflowed[i] = this.overflowed[row];
    });
    const valueBytes = new Uint8Array(bytes);
    const valueEnds = new Int32Array(slots);
    const counts = new Float64Array(slots);
    const errors = new Float64Array(slots);
    let j = 0;
    let at = 0;
    for (const row of rows) {
      const base = this.block[row];
      const n = base < 0 ? 0 : this.filled[row];
      for (let s = base; s < base + n; s++, j++) {
        copyBytes(this.arena, this.starts[s], this.starts[s] + this.lengths[s], valueBytes, at);
        valueEnds[j] = at += this.lengths[s];
        counts[j] = this.counts[s];
        errors[j] = this.errors[s];
      }
    }
    return { slotEnds, overflowed, valueBytes, valueEnds, counts, errors };
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

/** The report's numbers over some lines: a producer's (taken as partials) or the consumer's (merged, finished). */
export class ReportParts {
  timeline: BucketSeries;
  groups: Array<BucketSeries | undefined>;
  paths: TopSlots | undefined;
  agents: TopSlots | undefined;
  firstStamp = Number.POSITIVE_INFINITY;
  lastStamp = Number.NEGATIVE_INFINITY;

  /** `groups`: the reported groups; `tops`: whether top paths and user agents are kept (grouping by client). */
  constructor(
    readonly lanes: number,
    readonly groupCount: number,
    readonly tops: boolean,
  ) {
    this.timeline = new BucketSeries(lanes, TIMELINE_BUCKETS);
    this.groups = new Array<BucketSeries | undefined>(groupCount);
    if (tops) {
      this.paths = new TopSlots(groupCount, TOP_SLOTS);
      this.agents = new TopSlots(groupCount, TOP_SLOTS);
    }
  }

  /** Group `row`'s series, made on its first line. */
  groupSeries(row: number): BucketSeries {
    return (this.groups[row] ??= new BucketSeries(1, GROUP_BUCKETS));
  }

  /** Counts a line of group `row` whose path (as text, one char per byte) is buf[start, end). */
  addPath(row: number, buf: Uint8Array, start: number, end: number): void {
    this.paths!.add(row, buf, start, end);
  }

  addAgent(row: number, buf: Uint8Array, start: number, end: number): void {
    this.agents!.add(row, buf, start, end);
  }

  /** What it holds, as a partial; it is left empty. */
  take(): ReportPartial {
    const rows: number[] = [];
    this.groups.forEach((series, row) => series && rows.push(row));
    const groupSeconds = new Float64Array(rows.length);
    const groupFirst = new Float64Array(rows.length);
    const groupUsed = new Int32Array(rows.length);
    let total = 0;
    rows.forEach((row) => (total += this.groups[row]!.used));
    const groupCounts = new Float64Array(total);
    let at = 0;
    rows.forEach((row, i) => {
      const series = this.groups[row]!;
      groupSeconds[i] = series.bucketSeconds;
      groupFirst[i] = series.first;
      groupUsed[i] = series.used;
      groupCounts.set(series.counts.subarray(0, series.used), at);
      at += series.used;
    });
    const rowArray = Int32Array.from(rows);
    const partial: ReportPartial = {
      lanes: this.lanes,
      firstStamp: this.firstStamp,
      lastStamp: this.lastStamp,
      timeline: seriesPart(this.timeline),
      rows: rowArray,
      groupSeconds,
      groupFirst,
      groupUsed,
      groupCounts,
      ...(this.paths ? { paths: this.paths.flatten(rowArray), agents: this.agents!.flatten(rowArray) } : {}),
    };
    this.clear();
    return partial;
  }

  /** Adds a partial's numbers (from any producer, in any order). */
  merge(partial: ReportPartial): void {
    this.firstStamp = Math.min(this.firstStamp, partial.firstStamp);
    this.lastStamp = Math.max(this.lastStamp, partial.lastStamp);
    const { timeline } = partial;
    this.timeline.mergeCounts(timeline.bucketSeconds, timeline.first, timeline.used, timeline.counts);
    let at = 0;
    partial.rows.forEach((row, i) => {
      const used = partial.groupUsed[i];
      this.groupSeries(row).mergeCounts(partial.groupSeconds[i], partial.groupFirst[i], used, partial.groupCounts.subarray(at, at + used));
      at += used;
      if (this.paths && partial.paths && partial.agents) {
        this.paths.merge(row, topSummary(partial.paths, i));
        this.agents!.merge(row, topSummary(partial.agents, i));
      }
    });
  }

  /** The page's data, group i being the result's `reported.at(i)`. */
  data(): ReportData {
    const top = (values: TopSlots, row: number): TopValue[] => values.top(row, TOP_SHOWN).map((t) => ({ ...t, value: decodeKey(t.value) }));
    const empty = new BucketSeries(1, 1);
    return {
      timeline: seriesData(this.timeline),
      ...(this.firstStamp <= this.lastStamp
        ? { firstSecond: stampEpochSeconds(this.firstStamp), lastSecond: stampEpochSeconds(this.lastStamp) }
        : {}),
      groups: Array.from(this.groups, (series, i) => ({
        timeline: seriesData(series ?? empty),
        ...(this.paths ? { topPaths: top(this.paths, i), topUserAgents: top(this.agents!, i) } : {}),
      })),
      bounds: { timelineBuckets: TIMELINE_BUCKETS, groupBuckets: GROUP_BUCKETS, topSlots: TOP_SLOTS },
    };
  }

  private clear(): void {
    this.timeline = new BucketSeries(this.lanes, TIMELINE_BUCKETS);
    this.groups = new Array<BucketSeries | undefined>(this.groupCount);
    if (this.paths) {
      this.paths = new TopSlots(this.groupCount, TOP_SLOTS);
      this.agents = new TopSlots(this.groupCount, TOP_SLOTS);
    }
    this.firstStamp = Number.POSITIVE_INFINITY;
    this.lastStamp = Number.NEGATIVE_INFINITY;
  }
}
