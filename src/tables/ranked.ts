// The ranked groups (consumer/rank.ts chooses and orders them): those over the threshold, in report order,
// kept as a list of the merged table's rows. Nothing is built per group until a sink reads it (`at`), so a sink streaming 27k rows to a file keeps
// none of them alive: building them all up front made the main thread's GC copy tens of MB, a tenth of a run.

import { formatStampIso } from '../base/time.js';
import { splitKey } from './composite-key.js';
import type { GroupTable } from './group-table.js';
import type { MergedKernelTable } from './kernel-table.js';
import { decodeKey, type ResultRow } from './result.js';

/** The reported groups in report order; row i is built when asked for. */
export class RankedGroups {
  constructor(
    readonly table: GroupTable,
    /** The table's rows, in report order. */
    readonly order: Int32Array,
    /** Fields in the key. */
    readonly keyFields: number,
    /** With a window: each reported group's peak window (count, start stamp), in report order. */
    readonly peaks?: { readonly count: Float64Array; readonly start: Float64Array },
    /** Set when the kernel holds the table: it writes the CSV, JSON and NDJSON rows (the sinks use it). */
    readonly kernelTable?: MergedKernelTable,
  ) {}

  get length(): number {
    return this.order.length;
  }

  /** The i-th reported group as a row (a new object each time). */
  at(i: number): ResultRow {
    const { table, peaks } = this;
    const row = this.order[i];
    const keys = splitKey(table.key(row), this.keyFields).map(decodeKey);
    const result: ResultRow = {
      keys,
      key: keys.join(' '),
      count: table.total(row),
      byCode: table.columnCounts(row),
      firstSeen: formatStampIso(table.first(row)),
      lastSeen: formatStampIso(table.last(row)),
    };
    return peaks ? { ...result, peakWindowCount: peaks.count[i], peakWindowStart: formatStampIso(peaks.start[i]) } : result;
  }

  rawKeysAt(i: number): readonly string[] {
    return splitKey(this.table.key(this.order[i]), this.keyFields);
  }

  /** Every row, built at once. */
  toArray(): ResultRow[] {
    return Array.from({ length: this.length }, (_, i) => this.at(i));
  }
}

