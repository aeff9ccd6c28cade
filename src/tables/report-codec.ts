// A report partial (its shape here; gathered and merged in tables/report-partial.ts) as bytes, so that a cluster's worker can hand it to the
// coordinator through Redis: `encodeReportPartial` writes its arrays raw into one buffer, `decodeReportPartial`
// gives them back after checking everything the merge relies on. The bytes come from another machine and are
// never trusted: a malformed or hostile partial is refused with an error; it cannot make the merge loop, read
// out of bounds, put a count on a group that is not reported, or add a negative or fractional count.
//
// Layout, version 1 (little-endian; every array at a multiple of 8):
//
//   magic 'LSR' + version (1 byte) | flags u32 | lanes u32 | groups u32 | group buckets u32 | timeline used u32
//   | then per top field (flags & TOPS: paths, agents) slots u32 and value bytes u32
//   firstStamp, lastStamp, timeline bucketSeconds, timeline first (f64 x 4) | timeline counts f64 x lanes*used
//   rows i32 | groupSeconds f64 | groupFirst f64 | groupUsed i32 | groupCounts f64
//   [TOPS] for paths, then agents: slotEnds i32 x groups | overflowed u8 x groups | valueBytes | valueEnds i32
//   | counts f64 | errors f64

import { endianness } from 'node:os';
import { align, packFrame } from '../base/frames.js';
import { BUCKET_LADDER, nextBucketSeconds } from './report-data.js';

/** Buckets of the run's timeline, of one reported group's, and slots for each group's top values. */
export const TIMELINE_BUCKETS = 1200;
export const GROUP_BUCKETS = 48;
export const TOP_SLOTS = 16;
/** One bucket series: lane l's bucket b is counts[l * used + b]. */
export interface SeriesPart {
  readonly bucketSeconds: number;
  readonly first: number;
  readonly used: number;
  readonly counts: Float64Array;
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

export const REPORT_PARTIAL_VERSION = 1;
const MAGIC = [0x4c, 0x53, 0x52]; // 'LSR'
const TOPS = 1;
/** A status column per lane: never more than there are statuses. */
const MAX_LANES = 501;
const LITTLE_ENDIAN = endianness() === 'LE';

type Numbers = Uint8Array | Int32Array | Float64Array;

export function encodeReportPartial(partial: ReportPartial): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('report partials are encoded little-endian; this machine is big-endian');
  const tops = partial.paths && partial.agents ? [partial.paths, partial.agents] : [];
  const words = [tops.length > 0 ? TOPS : 0, partial.lanes, partial.rows.length, partial.groupCounts.length, partial.timeline.used];
  const { timeline } = partial;
  const arrays: Numbers[] = [
    Float64Array.of(partial.firstStamp, partial.lastStamp, timeline.bucketSeconds, timeline.first),
    timeline.counts,
    partial.rows,
    partial.groupSeconds,
    partial.groupFirst,
    partial.groupUsed,
    partial.groupCounts,
  ];
  for (const top of tops) {
    words.push(top.counts.length, top.valueBytes.length);
    arrays.push(top.slotEnds, top.overflowed, top.valueBytes, top.valueEnds, top.counts, top.errors);
  }
  return packFrame(MAGIC, REPORT_PARTIAL_VERSION, words, arrays);
}

/** Reads arrays off the bytes in order, each bounds-checked; copies, so the result owns aligned buffers. */
class Reader {
  private at: number;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
  ) {
    this.at = start;
  }

  private take(byteLength: number): Uint8Array {
    if (this.at + byteLength > this.bytes.length) throw new Error('report partial is truncated');
    const slice = this.bytes.slice(this.at, this.at + byteLength);
    this.at += align(byteLength);
    return slice;
  }

  u8(count: number): Uint8Array {
    return this.take(count);
  }

  i32(count: number): Int32Array {
    return new Int32Array(this.take(4 * count).buffer);
  }

  f64(count: number): Float64Array {
    return new Float64Array(this.take(8 * count).buffer);
  }

  end(): void {
    if (this.at !== this.bytes.length) throw new Error('report partial has trailing bytes');
  }
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`report partial is malformed: ${what}`);
}

/** Whether `seconds` is a bucket size of the ladder (report-data.ts). */
function onLadder(seconds: number): boolean {
  if (!Number.isSafeInteger(seconds) || seconds < BUCKET_LADDER[0]) return false;
  let size = BUCKET_LADDER[0];
  while (size < seconds) size = nextBucketSeconds(size);
  return size === seconds;
}

function checkCounts(counts: Float64Array, what: string): void {
  for (const count of counts) check(Number.isSafeInteger(count) && count >= 0, `${what} holds a count that is not a whole number >= 0`);
}

/** A bucket grid of `used` buckets from index `first` whose instants are plausible (an epoch second in f64 range). */
function checkGrid(bucketSeconds: number, first: number, used: number, capacity: number, what: string): void {
  check(onLadder(bucketSeconds), `${what}'s bucket size is not one of the ladder`);
  check(used <= capacity, `${what} holds more buckets than it may`);
  check(Number.isSafeInteger(first) && Number.isSafeInteger(first * bucketSeconds) && Number.isSafeInteger((first + used) * bucketSeconds), `${what} starts out of range`);
}

function ascendingEnds(ends: Int32Array, last: number, what: string): void {
  let previous = 0;
  for (const end of ends) {
    check(end >= previous, `${what} go backwards`);
    previous = end;
  }
  check(previous === last, `${what} do not end at the end`);
}

/**
 * The partial encoded in `bytes`, checked for a run that reports `groupCount` groups with `lanes` status
 * columns, `tops` telling whether it keeps top values.
 */
export function decodeReportPartial(bytes: Uint8Array, expected: { lanes: number; groupCount: number; tops: boolean }): ReportPartial {
  if (!LITTLE_ENDIAN) throw new Error('report partials are encoded little-endian; this machine is big-endian');
  check(bytes.length >= 24 && MAGIC.every((b, i) => bytes[i] === b), 'not a report partial');
  check(bytes[3] === REPORT_PARTIAL_VERSION, `version ${bytes[3]}, not ${REPORT_PARTIAL_VERSION}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (i: number): number => view.getUint32(4 + 4 * i, true);
  const [flags, lanes, groups, groupBuckets, used] = [0, 1, 2, 3, 4].map(word);
  const hasTops = (flags & TOPS) !== 0;
  check(flags === (flags & TOPS) && hasTops === expected.tops, 'its top values do not match the run');
  check(lanes === expected.lanes && lanes <= MAX_LANES, 'its status columns do not match the run');
  check(groups <= expected.groupCount && groupBuckets <= groups * GROUP_BUCKETS && used <= TIMELINE_BUCKETS, 'it holds more than it may');
  const words = 5 + (hasTops ? 4 : 0);
  check(bytes.length >= 4 + 4 * words, 'report partial is truncated');
  const topSizes = hasTops ? [5, 6, 7, 8].map(word) : [];
  const reader = new Reader(bytes, align(4 + 4 * words));
  const [firstStamp, lastStamp, bucketSeconds, first] = reader.f64(4);
  check(!Number.isNaN(firstStamp) && !Number.isNaN(lastStamp), 'its first or last instant is not a number');
  check(used === 0 || Number.isFinite(firstStamp), 'it holds counts but no instant');
  checkGrid(bucketSeconds, first, used, TIMELINE_BUCKETS, 'its timeline');
  const timelineCounts = reader.f64(lanes * used);
  checkCounts(timelineCounts, 'its timeline');
  const rows = reader.i32(groups);
  let previous = -1;
  for (const row of rows) {
    check(row > previous && row < expected.groupCount, 'its groups are not reported ones in ascending order');
    previous = row;
  }
  const groupSeconds = reader.f64(groups);
  const groupFirst = reader.f64(groups);
  const groupUsed = reader.i32(groups);
  let total = 0;
  for (let i = 0; i < groups; i++) {
    check(groupUsed[i] >= 0, 'a group holds a negative number of buckets');
    checkGrid(groupSeconds[i], groupFirst[i], groupUsed[i], GROUP_BUCKETS, 'a group');
    total += groupUsed[i];
  }
  check(total === groupBuckets, "its groups' buckets do not add up");
  const groupCounts = reader.f64(groupBuckets);
  checkCounts(groupCounts, 'a group');
  const readTop = (slots: number, valueBytes: number): TopPart => {
    check(slots <= groups * TOP_SLOTS, 'it holds more top values than it may');
    const slotEnds = reader.i32(groups);
    ascendingEnds(slotEnds, slots, 'its top values');
    for (let i = 0; i < groups; i++) check(slotEnds[i] - (i === 0 ? 0 : slotEnds[i - 1]) <= TOP_SLOTS, 'a group holds more top values than slots');
    const overflowed = reader.u8(groups);
    for (const flag of overflowed) check(flag <= 1, 'an overflow flag is not 0 or 1');
    const values = reader.u8(valueBytes);
    const valueEnds = reader.i32(slots);
    ascendingEnds(valueEnds, valueBytes, 'its values');
    const counts = reader.f64(slots);
    const errors = reader.f64(slots);
    checkCounts(counts, 'a top value');
    checkCounts(errors, 'a top value');
    for (let j = 0; j < slots; j++) check(errors[j] <= counts[j], 'a top value is over by more than its count');
    return { slotEnds, overflowed, valueBytes: values, valueEnds, counts, errors };
  };
  const tops = hasTops ? { paths: readTop(topSizes[0], topSizes[1]), agents: readTop(topSizes[2], topSizes[3]) } : {};
  reader.end();
  return {
    lanes,
    firstStamp,
    lastStamp,
    timeline: { bucketSeconds, first, used, counts: timelineCounts },
    rows,
    groupSeconds,
    groupFirst,
    groupUsed,
    groupCounts,
    ...tops,
  };
}
