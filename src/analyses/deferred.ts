// Entries a relative time span cannot decide yet (see analyses/time-span.ts), kept compactly until it can:
//   - matching responses: their group key (bytes, once per group), instant and status column, per group;
//   - other entries (statuses that do not count, and matching responses of filtered-out clients): only how
//     many there were per second, since only their number in or out of the span is reported.
// `settle` decides what the span now can: entries certainly in are counted into a group table (and its window
// lists), entries certainly out are counted as outside, the rest stays. Producers settle as their newest
// instant grows and hand the rest over with their partials; the consumer merges, settles, and at the end,
// when the newest instant of the input is known, settles everything. The consumer keeps a partial's responses
// as they came (grouped by row, with their keys) until it settles: most are decided then, and go straight to the
// target with one key lookup per row, never into the lists here (which cost JS work per entry twice over).

import { EventLists } from '../tables/event-lists.js';
import { GroupTable } from '../tables/group-table.js';
import { IN, OUT, type TimeSpan } from './time-span.js';
import { OFFSET_SPAN } from '../base/time.js';
import { release } from '../base/typed.js';
import type { SecondCounts } from '../tables/partial.js';
import type { DeferredPartial } from '../tables/partial.js';

/** Counts per second: appended unsorted, compacted (sorted, one entry per second) when the buffer fills. */
export class StampCounts {
  private seconds = new Float64Array(0);
  private counts = new Float64Array(0);
  private pendingSeconds = new Float64Array(1024);
  private pendingCounts = new Float64Array(1024);
  private pending = 0;

  /** Entries held (compacted seconds plus pending ones). */
  get size(): number {
    return this.seconds.length + this.pending;
  }

  add(second: number, count = 1): void {
    // A log's lines mostly come in order, many a second: the same second as the last one adds to it.
    if (this.pending > 0 && this.pendingSeconds[this.pending - 1] === second) {
      this.pendingCounts[this.pending - 1] += count;
      return;
    }
    if (this.pending === this.pendingSeconds.length) {
      this.compact();
      // Pending room at least the compacted size keeps each compaction's merge paid for by as many adds.
      if (this.pendingSeconds.length < this.seconds.length) this.growPending(this.seconds.length);
    }
    this.pendingSeconds[this.pending] = second;
    this.pendingCounts[this.pending++] = count;
  }

  merge(other: SecondCounts): void {
    for (let i = 0; i < other.seconds.length; i++) this.add(other.seconds[i], other.counts[i]);
  }

  /** Drops the seconds the span has decided, telling how many entries went out and in. */
  settle(span: TimeSpan): { out: number; in: number } {
    this.compact();
    let out = 0;
    let inside = 0;
    let kept = 0;
    for (let i = 0; i < this.seconds.length; i++) {
      const verdict = span.verdict(this.seconds[i] * OFFSET_SPAN);
      if (verdict === OUT) out += this.counts[i];
      else if (verdict === IN) inside += this.counts[i];
      else {
        this.seconds[kept] = this.seconds[i];
        this.counts[kept++] = this.counts[i];
      }
    }
    this.seconds = this.seconds.slice(0, kept);
    this.counts = this.counts.slice(0, kept);
    return { out, in: inside };
  }

  take(): SecondCounts {
    this.compact();
    const taken = { seconds: this.seconds, counts: this.counts };
    this.seconds = new Float64Array(0);
    this.counts = new Float64Array(0);
    return taken;
  }

  /** Sorts the pending entries (only they), then merges them with the compacted ones in one pass. */
  private compact(): void {
    if (this.pending === 0) return;
    const pendingSeconds = this.pendingSeconds;
    const pendingCounts = this.pendingCounts;
    const order = new Uint32Array(this.pending);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => pendingSeconds[a] - pendingSeconds[b]);
    const old = this.seconds;
    const oldCounts = this.counts;
    const seconds = new Float64Array(old.length + order.length);
    const counts = new Float64Array(seconds.length);
    let m = 0;
    const put = (second: number, count: number): void => {
      if (m > 0 && seconds[m - 1] === second) counts[m - 1] += count;
      else {
        seconds[m] = second;
        counts[m++] = count;
      }
    };
    let a = 0;
    let b = 0;
    while (a < old.length || b < order.length) {
      if (b === order.length || (a < old.length && old[a] <= pendingSeconds[order[b]])) {
        put(old[a], oldCounts[a]);
        a++;
      } else {
        put(pendingSeconds[order[b]], pendingCounts[order[b]]);
        b++;
      }
    }
    this.seconds = seconds.slice(0, m);
    this.counts = counts.slice(0, m);
    this.pending = 0;
  }

  private growPending(atLeast: number): void {
    let size = this.pendingSeconds.length * 2;
    while (size < atLeast) size *= 2;
    const seconds = new Float64Array(size);
    seconds.set(this.pendingSeconds.subarray(0, this.pending));
    this.pendingSeconds = seconds;
    const counts = new Float64Array(size);
    counts.set(this.pendingCounts.subarray(0, this.pending));
    this.pendingCounts = counts;
  }

}

/** Where decided responses go: a group table and, with a window, its lists. */
export interface SettleTarget {
  readonly table: GroupTable;
  readonly events: EventLists | undefined;
}

/** How a settle changed the counts of entries. */
export interface SettleCounts {
  matched: number;
  outside: number;
  excluded: number;
}

export class Deferred {
  private keys = new GroupTable(0);
  private events = new EventLists(true);
  private spareKeys = new GroupTable(0);
  private spareEvents = new EventLists(true);
  private settleStamps = new Float64Array(0);
  private settleColumns = new Uint16Array(0);
  private readonly others = new StampCounts();
  private readonly excluded = new StampCounts();
  /** Merged partials' responses, as they came, until the next settle; and how many responses they hold. */
  private pending: DeferredPartial[] = [];
  private pendingSize = 0;
  /** Size after the last settle: the next one is due when the entries have doubled (amortised cost). */
  private settledSize = 0;

  /** `settleEntries`: how many entries to gather before settling at all. */
  constructor(private readonly settleEntries: number) {}

  /** Entries held. */
  get size(): number {
    return this.events.size + this.pendingSize + this.others.size + this.excluded.size;
  }

  /** True when a settle would be worth its cost now. */
  get due(): boolean {
    return this.size > 2 * this.settledSize + this.settleEntries;
  }

  add(keyBuf: Uint8Array, keyStart: number, keyEnd: number, column: number, stamp: number): void {
    this.events.push(this.keys.rowOf(keyBuf, keyStart, keyEnd), stamp, column);
  }

  addOther(stamp: number, count = 1): void {
    this.others.add(Math.floor(stamp / OFFSET_SPAN), count);
  }

  addExcluded(stamp: number): void {
    this.excluded.add(Math.floor(stamp / OFFSET_SPAN));
  }

  /** Counts what the span now decides into `target` and `counts`; keeps the rest. */
  settle(span: TimeSpan, target: SettleTarget, counts: SettleCounts): void {
    const others = this.others.settle(span);
    counts.outside += others.out;
    const excluded = this.excluded.settle(span);
    counts.outside += excluded.out;
    counts.excluded += excluded.in;

    // What stays undecided moves to the spare table and lists (emptied after the last settle): reusing the two
    // pairs, a settle allocates nothing once they have grown.
    const keys = this.keys;
    const events = this.events;
    this.keys = this.spareKeys;
    this.events = this.spareEvents;
    const keyBytes = keys.keys; // keys no longer grows while it is read
    let stamps = this.settleStamps;
    let columns = this.settleColumns;
    for (let row = 0; row < keys.size; row++) {
      const n = events.length(row);
      if (stamps.length < n) {
        stamps = this.settleStamps = new Float64Array(n);
        columns = this.settleColumns = new Uint16Array(n);
      }
      events.copyRow(row, stamps, columns);
      const start = keys.keyStart(row);
      const end = keys.keyEnd(row);
      let targetRow = -1;
      let keptRow = -1;
      for (let i = 0; i < n; i++) {
        const verdict = span.verdict(stamps[i]);
        if (verdict === OUT) {
          counts.outside++;
        } else if (verdict === IN) {
          if (targetRow < 0) targetRow = target.table.rowOf(keyBytes, start, end);
          target.table.addAt(targetRow, columns[i], stamps[i]);
          target.events?.push(targetRow, stamps[i]);
          counts.matched++;
        } else {
          if (keptRow < 0) keptRow = this.keys.rowOf(keyBytes, start, end);
          this.events.push(keptRow, stamps[i], columns[i]);
        }
      }
    }
    events.clear(keys.size);
    keys.clear();
    this.spareKeys = keys;
    this.spareEvents = events;
    const pending = this.pending;
    this.pending = [];
    this.pendingSize = 0;
    for (const partial of pending) {
      const kept = this.settlePartial(partial, span, target, counts);
      if (kept > 0) {
        this.pending.push(partial);
        this.pendingSize += kept;
      } else {
        release(partial.keyBytes, partial.keyEnds, partial.events.offsets, partial.events.stamps, partial.events.columns);
      }
    }
    this.settledSize = this.size;
  }

  /**
   * Settles a merged partial's responses, row by row: the decided ones counted, the rest kept in the partial's
   * own arrays, moved down (its offsets rewritten as they are read). Returns how many it kept.
   */
  private settlePartial(partial: DeferredPartial, span: TimeSpan, target: SettleTarget, counts: SettleCounts): number {
    const { keyBytes, keyEnds } = partial;
    const { offsets, stamps } = partial.events;
    const columns = partial.events.columns!;
    let kept = 0;
    let from = offsets[0];
    // Once the span is decided (the consumer's last settle, where most responses are), a verdict is two
    // comparisons, inlined: no call per response.
    const decided = span.decided;
    const below = span.outBelowStamp;
    const outFrom = span.outFromStamp;
    for (let row = 0; row < keyEnds.length; row++) {
      const start = row === 0 ? 0 : keyEnds[row - 1];
      const end = keyEnds[row];
      const to = offsets[row + 1];
      offsets[row] = kept;
      let targetRow = -1;
      for (let i = from; i < to; i++) {
        const stamp = stamps[i];
        const verdict = decided ? (stamp < below || stamp >= outFrom ? OUT : IN) : span.verdict(stamp);
        if (verdict === OUT) {
          counts.outside++;
        } else if (verdict === IN) {
          if (targetRow < 0) targetRow = target.table.rowOf(keyBytes, start, end);
          target.table.addAt(targetRow, columns[i], stamp);
          target.events?.push(targetRow, stamp);
          counts.matched++;
        } else {
          stamps[kept] = stamps[i];
          columns[kept++] = columns[i];
        }
      }
      from = to;
    }
    offsets[keyEnds.length] = kept;
    return kept;
  }

  take(): DeferredPartial {
    const rows = this.keys.size;
    const events = this.events.take(rows);
    const { keyBytes, keyEnds } = this.keys.takePartial();
    this.settledSize = 0;
    return { keyBytes, keyEnds, events, others: this.others.take(), excluded: this.excluded.take() };
  }

  /** Takes a partial's undecided entries: its responses are kept as they are (its arrays: not to be released) until the next settle. */
  merge(partial: DeferredPartial): void {
    if (partial.events.stamps.length > 0) {
      this.pending.push(partial);
      this.pendingSize += partial.events.stamps.length;
    }
    this.others.merge(partial.others);
    this.excluded.merge(partial.excluded);
  }
}
