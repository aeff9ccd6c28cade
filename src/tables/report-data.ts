// What the HTML report shows beyond the result's rows: matching responses over time (the whole run's, by status
// column) and, for each reported group only, its own activity over time and, when the run groups by client, its
// top paths and user agents. All of it is bounded whatever the input's size or time span:
//
// - A `BucketSeries` counts into at most `capacity` buckets. Bucket sizes come from one ladder (1 s, 5 s, 10 s,
//   30 s, 1 min ... 1 day, 7 days, then doubling), each a multiple of the one before, and buckets are aligned
//   to multiples of their size since the epoch. When an instant falls outside the buckets held, the series
//   moves to the next size that covers every instant seen: each old bucket falls whole into one new one, so
//   counts are only ever added, never split, and the sum is exact.
// - Top values (tables/report-partial.ts `TopSlots`) are kept in a fixed number of slots per group (Space-Saving,
//   Metwally et al. 2005): exact while a group has no more distinct values than slots, else each count is at
//   most `error` over.

import { stampEpochSeconds } from '../base/time.js';

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
