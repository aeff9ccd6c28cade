// A relative `--since` (the last 12 h before the input's own end) decides no matching response until the
// input's newest instant is known, at the consumer's end. The CLF kernel then keeps each one in its memory as
// an event of its key's row in the kernel's table and its instant (kernel/runs.ts, the scanner's `span` mode),
// with no trip to JS per line; this is the JS side of it. After each scan it tells the producer's span of the
// kernel's newest instant and, when the events have doubled since the last time, has the kernel drop those the
// span has put out since (out stays out as the newest grows); at a hand-over it takes the rest, grouped by row
// with their keys, as the undecided entries of a partial with no counts, which the consumer merges and settles
// as it does the JS scanner's (analyses/deferred.ts). Lines of statuses that do not count still come to JS a
// second at a time (countOthers), into the producer's own undecided entries.

import type { AnalysisState } from '../analyses/analysis-state.js';
import type { TimeSpan } from '../analyses/time-span.js';
import type { ScanStats } from '../tables/line-counts.js';
import { TABLE_SLOT_INTS, type DeferredPartial, type ScanPartial } from '../tables/partial.js';
import type { KernelExports } from '../wasm/kernel-module.js';

/** Hash slots of a partial with no groups (the fewest a partial has). */
const EMPTY_SLOTS = 16;

export class KernelSpan {
  private readonly span: TimeSpan;
  private readonly settleEntries: number;
  /** Events held after the last settle: the next one is due when they have doubled (as analyses/deferred.ts). */
  private settled = 0;
  /** Rows of the kernel's table at which its keys without events go (spanRekey): twice those left the last time. */
  private rekeyAt: number;

  /** `flushGroups`: the rows the table may reach before keys without events go (at least). */
  constructor(
    private readonly kernel: KernelExports,
    private readonly state: AnalysisState,
    private readonly flushGroups: number,
  ) {
    this.span = state.span!;
    this.settleEntries = state.spec.settleEntries;
    this.rekeyAt = flushGroups;
    kernel.spanInit(1);
  }

  /**
   * After a scan call: the span hears of the newest instant kept; out-of-span events go, counted as outside, as
   * do the keys left without any once the table has grown. (The producer's own undecided entries, of statuses
   * that do not count, are settled here too: no matching response reaches its scanner to settle them.)
   */
  afterScan(stats: ScanStats): void {
    const { kernel, span, state } = this;
    span.see(kernel.spanNewest.value as number);
    const deferred = state.deferred!;
    if (deferred.due) deferred.settle(span, state, stats);
    const count = kernel.spanCount.value as number;
    const rekey = (kernel.tableRows.value as number) >= this.rekeyAt;
    if (count <= 2 * this.settled + this.settleEntries && !rekey) return;
    stats.outside += kernel.spanSettle(span.outBelowStamp, span.outFromStamp);
    this.settled = kernel.spanCount.value as number;
    if (rekey) this.rekeyAt = Math.max(this.flushGroups, 2 * kernel.spanRekey());
  }

  /**
   * The events not out of the span yet (those out are counted in `stats`) as a partial's undecided entries (copies), with the keys of the rows that have any, in a partial
   * of no groups; the kernel's events are gone then, and the caller clears its table.
   */
  take(width: number, rows: number, keyBytesAt: number, keyEndsAt: number, stats: ScanStats): ScanPartial {
    const { kernel, span } = this;
    // What is out already need not travel: the consumer's merge and settle cost JS work per entry.
    stats.outside += kernel.spanSettle(span.outBelowStamp, span.outFromStamp);
    const out = kernel.spanTake(rows, keyBytesAt, keyEndsAt);
    const buffer = kernel.memory.buffer; // after the call: it may have grown memory
    const kept = kernel.takeRows.value as number;
    const offsets = new Uint32Array(buffer, out, kept + 1).slice();
    const events = offsets[kept];
    const endsAt = out + (kept + 1) * 4;
    const stampsAt = Math.ceil((endsAt + kept * 4) / 8) * 8; // as the kernel aligns them (not `& ~7`: addresses may pass 2^31)
    const columnsAt = stampsAt + events * 8;
    const keysAt = columnsAt + events * 2;
    const deferred: DeferredPartial = {
      keyBytes: new Uint8Array(buffer, keysAt, kernel.takeKeyLength.value as number).slice(),
      keyEnds: new Int32Array(buffer, endsAt, kept).slice(),
      events: {
        offsets,
        stamps: new Float64Array(buffer, stampsAt, events).slice(),
        columns: new Uint16Array(buffer, columnsAt, events).slice(),
      },
      others: { seconds: new Float64Array(0), counts: new Float64Array(0) },
      excluded: { seconds: new Float64Array(0), counts: new Float64Array(0) },
    };
    kernel.release(kernel.takeBlock.value as number);
    this.settled = 0;
    this.rekeyAt = this.flushGroups;
    return {
      width,
      keyBytes: new Uint8Array(0),
      keyEnds: new Int32Array(0),
      records: new Uint8Array(0),
      slots: new Int32Array(EMPTY_SLOTS * TABLE_SLOT_INTS),
      newest: this.span.newest,
      deferred,
    };
  }
}
