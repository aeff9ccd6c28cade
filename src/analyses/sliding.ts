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

// A group's numbers sit side by side in one record of GROUP_DOUBLES doubles (40 bytes): the first holds, as two
// 32-bit ints, the head and tail of its held instants' list; then its best window's count and start, the second
// of its last instant dropped, and the second of its newest instant. With a window's many small groups (483k
// groups of `--by ip,path`, most with one or two instants, on 1 GiB), every instant touches a group no cache
// holds: six arrays, one per number, cost six cache misses where this costs one or two.
const GROUP_DOUBLES = 5;
const BEST = 1;
const BEST_START = 2;
const DROPPED = 3;
const NEWEST = 4;
/** Groups whose records are read ahead together (readAhead). */
const READ_AHEAD = 16;
/** Batches up to this long are sorted in place by insertion (see sortedBatch). */
const SORTED_BY_INSERTION = 32;

export class WindowTracker {
  /** True once an instant came too late: the result would not be exact, the run must keep every instant. */
  failed = false;
  // Held instants: one pool, a sorted linked list per group, freed slots reused.
  private stamps = new Float64Array(INITIAL_EVENTS);
  private next = new Int32Array(INITIAL_EVENTS);
  private used = 0;
  private free: number[] = [];
  /** The groups' records (see GROUP_DOUBLES), and the same memory as ints: row r's head at 2 r * GROUP_DOUBLES, its tail next. */
  private groups = new Float64Array(0);
  private links = new Int32Array(0);
  /** A bit per group: set once its record is (firstSeen). */
  private seen = new Int32Array(0);
  /** Groups there is room for. */
  private capacity = 0;
  /** Where the reads ahead leave their sum, so that no compiler drops them. */
  readSum = 0;
  private batch = new Float64Array(64);
  /** The newest second of every batch so far (see taskDone). */
  private newestSeen = Number.NEGATIVE_INFINITY;
  /**
   * Groups holding instants, each with the second of its first held instant then, in the order they came to
   * hold them (nearly time order; a ring: entries queueHead .. queueTail, masked); some stale (emptied since).
   */
  private queue = new Int32Array(INITIAL_ROWS);
  private queuedSecond = new Float64Array(INITIAL_ROWS);
  private queueHead = 0;
  private queueTail = 0;

  constructor(
    private readonly windowSeconds: number,
    /** How late an instant may come (seconds) and still be placed exactly. */
    private readonly slackSeconds: number,
  ) {
    this.growRows(INITIAL_ROWS);
  }

  /** Instants held now, over all groups (for tests and memory accounting). */
  get held(): number {
    return this.used - this.free.length;
  }

  /** A batch of one group's instants, stamps[from, to), in file order. */
  add(row: number, stamps: Float64Array, from: number, to: number): void {
    if (this.failed || to <= from) return;
    if (row >= this.capacity) this.growRows(row + 1);
    const n = to - from;
    const batch = this.sortedBatch(stamps, from, to);
    const at = row * GROUP_DOUBLES;
    const groups = this.groups;
    if ((this.seen[row >> 5] & (1 << (row & 31))) === 0) this.firstSeen(row);
    if (secondOf(batch[0]) - this.windowSeconds < groups[at + DROPPED]) {
      // Windows this instant belongs to were counted without it, from instants no longer held.
      this.fail();
      return;
    }
    if (this.links[2 * at] === NONE) this.enqueue(row, secondOf(batch[0]));
    this.merge(row, batch, n);
    const newest = secondOf(batch[n - 1]);
    groups[at + NEWEST] = Math.max(groups[at + NEWEST], newest);
    this.newestSeen = Math.max(this.newestSeen, newest);
    this.dropFinished(row, groups[at + NEWEST]);
  }

  /**
   * Says that the batches so far were whole tasks, in file order: every instant of a later task was logged
   * after all of these, so it is late by at most the slack after their newest too, as after its own group's
   * newest. So the windows that start before that newest - slack - W are done for every group, not only for
   * those a new batch comes for: the groups that held instants since then drop theirs, in the order they began
   * to hold them (nearly time order). Without it a group seen once keeps its last instants to the end: on 1 GiB
   * of `--by ip,path --window 10m`, most of 483k groups, 12 MB of instants, and a pass over them all in finish.
   * (Within a task the batches are not in file order: lines the kernel leaves to the JS parser come last.)
   */
  taskDone(): void {
    if (this.failed) return;
    const newest = this.newestSeen;
    const limit = newest - this.slackSeconds - this.windowSeconds;
    const { links, stamps } = this;
    while (this.queueHead !== this.queueTail) {
      if (this.queueHead % READ_AHEAD === 0) this.readQueuedAhead();
      const at = this.queueHead & (this.queue.length - 1);
      if (this.queuedSecond[at] > limit) break; // nothing to drop yet there, nor (nearly) after it
      const row = this.queue[at];
      this.queueHead++;
      const head = 2 * row * GROUP_DOUBLES;
      if (links[head] === NONE) continue; // emptied since
      this.dropFinished(row, newest);
      // Still holding (instants it had since it was queued): queued again, by the first it holds now.
      if (links[head] !== NONE) this.enqueue(row, secondOf(stamps[links[head]]));
    }
  }

  /** A task's piece: group rows[i]'s instants are stamps[offsets[i], offsets[i + 1]), in file order. */
  addAll(rows: Int32Array, offsets: Uint32Array, stamps: Float64Array): void {
    for (let i = 0; i < rows.length; i++) {
      if (i % READ_AHEAD === 0) this.readAhead(rows, i, Math.min(rows.length, i + READ_AHEAD));
      this.add(rows[i], stamps, offsets[i], offsets[i + 1]);
    }
  }

  /** The peak window of each group (by row), or undefined when the tracker failed. */
  finish(rows: number): { count: Float64Array; start: Float64Array } | undefined {
    if (this.failed) return undefined;
    if (rows > this.capacity) this.growRows(rows);
    const count = new Float64Array(rows);
    const start = new Float64Array(rows);
    const groups = this.groups;
    for (let row = 0, at = 0; row < rows; row++, at += GROUP_DOUBLES) {
      if ((this.seen[row >> 5] & (1 << (row & 31))) === 0) {
        start[row] = Number.NaN; // no instant, no window
        continue;
      }
      // Every window still open is complete now: count them all, after the ones already counted.
      if (this.links[2 * at] !== NONE) this.dropFinished(row, Number.POSITIVE_INFINITY);
      count[row] = groups[at + BEST];
      start[row] = groups[at + BEST_START];
    }
    return { count, start };
  }

  /** Counts and drops the held instants whose windows can no longer change (they start before newest - slack - W). */
  private dropFinished(row: number, newest: number): void {
    const W = this.windowSeconds;
    const { stamps, next, groups, links } = this;
    const at = row * GROUP_DOUBLES;
    const head = 2 * at;
    const limit = newest - this.slackSeconds - W;
    let end = links[head]; // first instant at or past the window of the head
    let inWindow = 0;
    while (links[head] !== NONE) {
      const first = links[head];
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
      if (inWindow > groups[at + BEST]) {
        groups[at + BEST] = inWindow;
        groups[at + BEST_START] = stamps[first];
      }
      groups[at + DROPPED] = second;
      links[head] = next[first];
      if (links[head] === NONE) links[head + 1] = NONE;
      this.free.push(first);
      inWindow--;
    }
  }

  /**
   * stamps[from, to) sorted, in the batch array from index 0 (no view made: most batches are of one to a few
   * instants, nearly in order, which an insertion sort puts in order in a pass; long ones are sorted as a view).
   */
  private sortedBatch(stamps: Float64Array, from: number, to: number): Float64Array {
    const n = to - from;
    if (this.batch.length < n) this.batch = new Float64Array(Math.max(n, this.batch.length * 2));
    const batch = this.batch;
    if (n > SORTED_BY_INSERTION) {
      batch.set(stamps.subarray(from, to));
      batch.subarray(0, n).sort();
      return batch;
    }
    for (let i = 0; i < n; i++) {
      const stamp = stamps[from + i];
      let j = i;
      for (; j > 0 && batch[j - 1] > stamp; j--) batch[j] = batch[j - 1];
      batch[j] = stamp;
    }
    return batch;
  }

  /** Merges a sorted batch, batch[0, n), into the group's sorted list. */
  private merge(row: number, batch: Float64Array, n: number): void {
    const head = 2 * row * GROUP_DOUBLES;
    const links = this.links;
    let i = 0;
    // Most batches come after everything held (a log in time order): append.
    const tail = links[head + 1];
    if (tail === NONE || batch[0] >= this.stamps[tail]) {
      for (; i < n; i++) this.append(head, batch[i]);
      return;
    }
    let before = NONE;
    let at = links[head];
    for (; i < n; i++) {
      const stamp = batch[i];
      while (at !== NONE && this.stamps[at] <= stamp) {
        before = at;
        at = this.next[at];
      }
      const slot = this.slot(stamp);
      this.next[slot] = at;
      if (before === NONE) links[head] = slot;
      else this.next[before] = slot;
      if (at === NONE) links[head + 1] = slot;
      before = slot;
    }
  }

  /** Appends an instant to the list whose head is links[head] (its tail the int after). */
  private append(head: number, stamp: number): void {
    const slot = this.slot(stamp);
    const links = this.links;
    this.next[slot] = NONE;
    if (links[head + 1] === NONE) links[head] = slot;
    else this.next[links[head + 1]] = slot;
    links[head + 1] = slot;
  }

  /**
   * Reads the records of groups rows[from, to) before they are added to: the reads do not wait on one another,
   * so their cache misses overlap, where adding one group after another waits for each in turn (483k groups'
   * records are 20 MB). A hint only (kernel/table.ts reads ahead so in its merge).
   */
  private readAhead(rows: Int32Array, from: number, to: number): void {
    const { groups, capacity, seen } = this;
    let sum = 0;
    for (let i = from; i < to; i++) {
      // (Not a record never set up: reading its page first would map it read-only, then fault again on the write.)
      const row = rows[i];
      if (row < capacity && (seen[row >> 5] & (1 << (row & 31))) !== 0) sum += groups[row * GROUP_DOUBLES + DROPPED];
    }
    this.readSum = sum;
  }

  /** readAhead for the next queued groups. */
  private readQueuedAhead(): void {
    const { groups, queue } = this;
    const mask = queue.length - 1;
    const to = Math.min(this.queueTail, this.queueHead + READ_AHEAD);
    let sum = 0;
    for (let i = this.queueHead; i < to; i++) sum += groups[queue[i & mask] * GROUP_DOUBLES + DROPPED];
    this.readSum = sum;
  }

  private enqueue(row: number, second: number): void {
    if (this.queueTail - this.queueHead === this.queue.length) {
      // Full: the entries in order, into a ring twice as long.
      const [rows, seconds] = [this.queue, this.queuedSecond];
      const mask = rows.length - 1;
      this.queue = new Int32Array(rows.length * 2);
      this.queuedSecond = new Float64Array(rows.length * 2);
      for (let i = this.queueHead, j = 0; i < this.queueTail; i++, j++) {
        this.queue[j] = rows[i & mask];
        this.queuedSecond[j] = seconds[i & mask];
      }
      this.queueTail -= this.queueHead;
      this.queueHead = 0;
    }
    const at = this.queueTail++ & (this.queue.length - 1);
    this.queue[at] = row;
    this.queuedSecond[at] = second;
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

  /** Room for `atLeast` groups (doubling), the new ones with nothing held, dropped, or counted yet. */
  private growRows(atLeast: number): void {
    let size = Math.max(this.capacity * 2, INITIAL_ROWS);
    while (size < atLeast) size *= 2;
    // The new room is left as it is made (zeros, not yet resident): firstSeen sets a record up.
    this.groups = regrown(this.groups, size * GROUP_DOUBLES);
    this.links = new Int32Array(this.groups.buffer);
    this.seen = regrown(this.seen, size / 32);
    this.capacity = size;
  }

  /**
   * Sets up the record of a group that had no instant yet: written, not read first. Most groups of a run keyed
   * by several fields come once or twice, so this is their first touch of a record no cache holds, and stores
   * do not wait for it the way loads do (nor does the `seen` bit, 60 KB for 483k groups, miss).
   */
  private firstSeen(row: number): void {
    this.seen[row >> 5] |= 1 << (row & 31);
    const at = row * GROUP_DOUBLES;
    const groups = this.groups;
    this.links[2 * at] = NONE;
    this.links[2 * at + 1] = NONE;
    groups[at + BEST] = 0;
    groups[at + BEST_START] = Number.NaN;
    groups[at + DROPPED] = Number.NEGATIVE_INFINITY;
    groups[at + NEWEST] = Number.NEGATIVE_INFINITY;
  }
}

/** The peak of a group as computed by a tracker. */
export function trackedPeak(peaks: { count: Float64Array; start: Float64Array }, row: number): PeakWindow {
  return { count: peaks.count[row], start: peaks.start[row] };
}
