// The HTML report's partials: what a producer gathers for the report (tables/report-data.ts) over the tasks it
// read, as plain typed arrays, so that it moves to another thread without a copy or leaves the process as bytes
// (tables/report-codec.ts), and the one class that gathers them on both sides: a producer adds lines to a
// `ReportParts` and takes a partial from it; the single consumer merges every producer's partial into another
// and finishes it into the page's data. Any split of the lines into partials, merged in any order, gives the
// same buckets (report-data.ts `mergeCounts`); top values stay exact while a group has no more distinct values
// than slots, else each count shown is an upper bound (Space-Saving's merge, report-data.ts `TopSlots.merge`).

import { stampEpochSeconds } from '../base/time.js';
import { BucketSeries, seriesData, TopSlots, type ReportData, type TopSummary, type TopValue } from './report-data.js';
import { decodeKey } from './result.js';

/** Buckets of the run's timeline, of one reported group's, and slots for each group's top values. */
export const TIMELINE_BUCKETS = 1200;
export const GROUP_BUCKETS = 48;
export const TOP_SLOTS = 16;
/** Top values shown per group. */
const TOP_SHOWN = 5;

/** One bucket series: lane l's bucket b is counts[l * used + b]. */
export interface SeriesPart {
  readonly bucketSeconds: number;
  readonly first: number;
  readonly used: number;
  readonly counts: Float64Array;
}

/** The top values of one field for each group of a partial: group i's are slots [slotEnds[i - 1] ?? 0, slotEnds[i]). */
export interface TopPart {
  readonly slotEnds: Int32Array;
  /** Per group: 1 when its summary evicted a value (its counts are then upper bounds). */
  readonly overflowed: Uint8Array;
  /** Slot j's value (one char per byte, as formats make text) is valueBytes[valueEnds[j - 1] ?? 0, valueEnds[j]). */
  readonly valueBytes: Uint8Array;
  readonly valueEnds: Int32Array;
  readonly counts: Float64Array;
  readonly errors: Float64Array;
}

/** What one producer gathered for the report. */
export interface ReportPartial {
  /** Status columns: the timeline's lanes. */
  readonly lanes: number;
  /** The first and last instant (stamps) of any parsed line; +Infinity and -Infinity when none parsed. */
  readonly firstStamp: number;
  readonly lastStamp: number;
  readonly timeline: SeriesPart;
  /** The reported groups it saw (their report order), ascending; group i's series below. */
  readonly rows: Int32Array;
  readonly groupSeconds: Float64Array;
  readonly groupFirst: Float64Array;
  /** Group i's buckets are groupCounts[groupStarts[i], groupStarts[i] + groupUsed[i]). */
  readonly groupUsed: Int32Array;
  readonly groupCounts: Float64Array;
  /** Grouping by client: each group's top paths and user agents. */
  readonly paths?: TopPart;
  readonly agents?: TopPart;
}

/** The buffers of a report partial, for a zero-copy postMessage. */
export function reportTransferList(partial: ReportPartial): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [partial.timeline.counts, partial.rows, partial.groupSeconds, partial.groupFirst, partial.groupUsed, partial.groupCounts];
  for (const top of [partial.paths, partial.agents]) {
    if (top) arrays.push(top.slotEnds, top.overflowed, top.valueBytes, top.valueEnds, top.counts, top.errors);
  }
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

function seriesPart(series: BucketSeries): SeriesPart {
  const counts = new Float64Array(series.lanes * series.used);
  for (let lane = 0; lane < series.lanes; lane++) {
    counts.set(series.counts.subarray(lane * series.capacity, lane * series.capacity + series.used), lane * series.used);
  }
  return { bucketSeconds: series.bucketSeconds, first: series.used === 0 ? 0 : series.first, used: series.used, counts };
}

function topPart(rows: readonly number[], tops: TopSlots): TopPart {
  const slotEnds = new Int32Array(rows.length);
  const overflowed = new Uint8Array(rows.length);
  const values: Uint8Array[] = [];
  const counts: number[] = [];
  const errors: number[] = [];
  rows.forEach((row, i) => {
    const summary = tops.summary(row);
    values.push(...summary.values);
    counts.push(...summary.counts);
    errors.push(...summary.errors);
    slotEnds[i] = counts.length;
    overflowed[i] = tops.overflowed[row];
  });
  const valueEnds = new Int32Array(values.length);
  let end = 0;
  values.forEach((value, j) => (valueEnds[j] = end += value.length));
  return { slotEnds, overflowed, valueBytes: new Uint8Array(Buffer.concat(values)), valueEnds, counts: Float64Array.from(counts), errors: Float64Array.from(errors) };
}

/** Group i's summary in a TopPart, its values as views of the partial's bytes. */
function topSummary(part: TopPart, i: number): TopSummary {
  const from = i === 0 ? 0 : part.slotEnds[i - 1];
  const to = part.slotEnds[i];
  const values: Uint8Array[] = [];
  for (let j = from; j < to; j++) values.push(part.valueBytes.subarray(j === 0 ? 0 : part.valueEnds[j - 1], part.valueEnds[j]));
  return { values, counts: part.counts.subarray(from, to), errors: part.errors.subarray(from, to), overflowed: part.overflowed[i] === 1 };
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
    const partial: ReportPartial = {
      lanes: this.lanes,
      firstStamp: this.firstStamp,
      lastStamp: this.lastStamp,
      timeline: seriesPart(this.timeline),
      rows: Int32Array.from(rows),
      groupSeconds,
      groupFirst,
      groupUsed,
      groupCounts,
      ...(this.paths ? { paths: topPart(rows, this.paths), agents: topPart(rows, this.agents!) } : {}),
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
