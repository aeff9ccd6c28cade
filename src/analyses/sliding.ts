// Peak windows in bounded memory for a log in time order (`--window`): the consumer slides a window over each
// group's instants as they come, in file order, and keeps only the instants of the last window plus a slack;
// older ones are counted into the group's best window and dropped.
//
// This is exact only while every instant that arrives is late by less than the slack: an instant x can change
// only windows that start after x - W, and those are still held when nothing older than x - W was dropped. When
// an instant comes later than that, the dropped ones would be needed again: the tracker says so (`failed`) and
// the run is done again keeping every instant (tables/event-lists.ts; see engine/analyze.ts). A log in time order, or out
// of order by less than the slack (Apache logs the time a request started, so lines are late by as long as a
// request took), never needs that.
//
// Instants come in batches: one group's instants from one task (a byte range, or a piece of a stream), in file
// order; the consumer hands the tasks over in file order (consumer/file-order.ts). A batch is sorted, merged into the
// group's held instants, and the windows that can no longer change are counted and dropped.

import { OFFSET_SPAN } from '../base/time.js';
import type { PeakWindow } from './window.js';
import { regrown } from '../base/typed.js';

const NONE = -1;
const INITIAL_ROWS = 1024;
const INITIAL_EVENTS = 4096;

const secondOf = (stamp: number): number => Math.floor(stamp / OFFSET_SPAN);

export class WindowTracker {
  /** True once an instant came too late: the result would not be exact, the run must keep every instant. */
  failed = false;
  // Held instants: one pool, a sorted linked list per group, freed slots reused.
  private stamps = new Float64Array(INITIAL_EVENTS);
  private next = new Int32Array(INITIAL_EVENTS);
  private used = 0;
  private free: number[] = [];
  private head: Int32Array = new Int32Array(INITIAL_ROWS).fill(NONE);
  private tail: Int32Array = new Int32Array(INITIAL_ROWS).fill(NONE);
  // Per group: the best window among those counted, and the second of the last instant dropped.
  private best: Float64Array = new Float64Array(INITIAL_ROWS);
  private bestStart: Float64Array = new Float64Array(INITIAL_ROWS).fill(Number.NaN);
  private dropped: Float64Array = new Float64Array(INITIAL_ROWS).fill(Number.NEGATIVE_INFINITY);
  private newest: Float64Array = new Float64Array(INITIAL_ROWS).fill(Number.NEGATIVE_INFINITY);
  private batch = new Float64Array(64);
  private readonly single = new Float64Array(1);

  constructor(
    private readonly windowSeconds: number,
    /** How late an instant may come (seconds) and still be placed exactly. */
    private readonly slackSeconds: number,
  ) {}

  /** Instants held now, over all groups (for tests and memory accounting). */
  get held(): number {
    return this.used - this.free.length;
  }

  /** A batch of one group's instants, stamps[from, to), in file order. */
  add(row: number, stamps: Float64Array, from: number, to: number): void {
    if (this.failed || to <= from) return;
    if (row >= this.head.length) this.growRows(row + 1);
    const n = to - from;
    let batch: Float64Array;
    if (n === 1) {
      // Most batches of many small groups (composite keys) are one instant: no views made, nothing to sort.
      batch = this.single;
      batch[0] = stamps[from];
    } else {
      if (this.batch.length < n) this.batch = new Float64Array(Math.max(n, this.batch.length * 2));
      batch = this.batch.subarray(0, n);
      batch.set(stamps.subarray(from, to));
      batch.sort();
    }
    if (secondOf(batch[0]) - this.windowSeconds < this.dropped[row]) {
      // Windows this instant belongs to were counted without it, from instants no longer held.
      this.fail();
      return;
    }
    this.merge(row, batch);
    this.newest[row] = Math.max(this.newest[row], secondOf(batch[n - 1]));
    this.dropFinished(row);
  }

  /** The peak window of each group (by row), or undefined when the tracker failed. */
  finish(rows: number): { count: Float64Array; start: Float64Array } | undefined {
    if (this.failed) return undefined;
    if (rows > this.head.length) this.growRows(rows);
    const count = new Float64Array(rows);
    const start = new Float64Array(rows);
    for (let row = 0; row < rows; row++) {
      // Every window still open is complete now: count them all, after the ones already counted.
      this.newest[row] = Number.POSITIVE_INFINITY;
      this.dropFinished(row);
      count[row] = this.best[row];
      start[row] = this.bestStart[row];
    }
    return { count, start };
  }

  /** Counts and drops the held instants whose windows can no longer change (they start before newest - slack - W). */
  private dropFinished(row: number): void {
    const W = this.windowSeconds;
    const limit = this.newest[row] - this.slackSeconds - W;
    const { stamps, next } = this;
    let end = this.head[row]; // first instant at or past the window of the head
    let inWindow = 0;
    while (this.head[row] !== NONE) {
      const first = this.head[row];
      const second = secondOf(stamps[first]);
      if (second > limit) break;
      const windowEnd = (second + W) * OFFSET_SPAN;
      if (end === first) {
        end = next[first];
        inWindow = 1;
      }
      while (end !== NONE && stamps[end] < windowEnd) {
        end = next[end];
        inWindow++;
      }
      // Windows are counted in time order, so on a tie the earlier one stays.
      if (inWindow > this.best[row]) {
        this.best[row] = inWindow;
        this.bestStart[row] = stamps[first];
      }
      this.dropped[row] = second;
      this.head[row] = next[first];
      if (this.head[row] === NONE) this.tail[row] = NONE;
      this.free.push(first);
      inWindow--;
    }
  }

  /** Merges a sorted batch into the group's sorted list. */
  private merge(row: number, batch: Float64Array): void {
    let i = 0;
    // Most batches come after everything held (a log in time order): append.
    const tail = this.tail[row];
    if (tail === NONE || batch[0] >= this.stamps[tail]) {
      for (; i < batch.length; i++) this.append(row, batch[i]);
      return;
    }
    let before = NONE;
    let at = this.head[row];
    for (; i < batch.length; i++) {
      const stamp = batch[i];
      while (at !== NONE && this.stamps[at] <= stamp) {
        before = at;
        at = this.next[at];
      }
      const slot = this.slot(stamp);
      this.next[slot] = at;
      if (before === NONE) this.head[row] = slot;
      else this.next[before] = slot;
      if (at === NONE) this.tail[row] = slot;
      before = slot;
    }
  }

  private append(row: number, stamp: number): void {
    const slot = this.slot(stamp);
    this.next[slot] = NONE;
    if (this.tail[row] === NONE) this.head[row] = slot;
    else this.next[this.tail[row]] = slot;
    this.tail[row] = slot;
  }

  private slot(stamp: number): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      if (this.used === this.stamps.length) this.growEvents();
      slot = this.used++;
    }
    this.stamps[slot] = stamp;
    return slot;
  }

  private fail(): void {
    this.failed = true;
    // Nothing held is needed any more: the run will be done again.
    this.stamps = new Float64Array(0);
    this.next = new Int32Array(0);
    this.free = [];
  }

  private growEvents(): void {
    const size = this.stamps.length * 2;
    this.stamps = regrown(this.stamps, size);
    this.next = regrown(this.next, size);
  }

  private growRows(atLeast: number): void {
    let size = this.head.length * 2;
    while (size < atLeast) size *= 2;
    this.head = regrown(this.head, size, NONE);
    this.tail = regrown(this.tail, size, NONE);
    this.best = regrown(this.best, size);
    this.bestStart = regrown(this.bestStart, size, Number.NaN);
    this.dropped = regrown(this.dropped, size, Number.NEGATIVE_INFINITY);
    this.newest = regrown(this.newest, size, Number.NEGATIVE_INFINITY);
  }
}

/** The peak of a group as computed by a tracker. */
export function trackedPeak(peaks: { count: Float64Array; start: Float64Array }, row: number): PeakWindow {
  return { count: peaks.count[row], start: peaks.start[row] };
}
