// Per-group lists of instants, for `--window`: one packed stamp (base/time.ts) per matching response, in
// one growable pool shared by all groups (a group's entries are linked), so a group costs nothing until it has
// events and an event costs 12 bytes (8 for the stamp, 4 for the link). Never one record per line: only
// matching responses of reported-or-not groups, and no strings.
//
// A producer hands its lists over with its partial as two transferable arrays (`EventsPartial`, grouped by the
// partial's rows); the consumer appends them to its own lists, by its own rows.
//
// Lists made `withColumns` also keep each event's status column (2 bytes more): the entries a relative time
// span cannot decide yet (analyses/deferred.ts) are counted later, in their column.

import { regrown } from '../base/typed.js';
import type { EventsPartial } from './partial.js';

const INITIAL_EVENTS = 4096;
const INITIAL_ROWS = 1024;
const NONE = -1;

export class EventLists {
  private stamps = new Float64Array(INITIAL_EVENTS);
  private columns: Uint16Array | undefined;
  private next = new Int32Array(INITIAL_EVENTS);
  private used = 0;
  private head = new Int32Array(INITIAL_ROWS).fill(NONE);
  private tail = new Int32Array(INITIAL_ROWS).fill(NONE);
  private lengths = new Uint32Array(INITIAL_ROWS);

  constructor(withColumns = false) {
    if (withColumns) this.columns = new Uint16Array(INITIAL_EVENTS);
  }

  /** Events held, over all rows. */
  get size(): number {
    return this.used;
  }

  /** Number of events of a row. */
  length(row: number): number {
    return row < this.lengths.length ? this.lengths[row] : 0;
  }

  push(row: number, stamp: number, column = 0): void {
    if (row >= this.head.length) this.growRows(row + 1);
    if (this.used === this.stamps.length) this.growEvents();
    const at = this.used++;
    this.stamps[at] = stamp;
    if (this.columns) this.columns[at] = column;
    this.next[at] = NONE;
    if (this.tail[row] === NONE) this.head[row] = at;
    else this.next[this.tail[row]] = at;
    this.tail[row] = at;
    this.lengths[row]++;
  }

  /** Copies a row's stamps (and columns) into `into` (which must be long enough) from index `from`; returns how many. */
  copyRow(row: number, into: Float64Array, columnsInto?: Uint16Array, from = 0): number {
    let n = from;
    if (row >= this.head.length) return 0;
    for (let at = this.head[row]; at !== NONE; at = this.next[at]) {
      if (columnsInto) columnsInto[n] = this.columns![at];
      into[n++] = this.stamps[at];
    }
    return n - from;
  }

  /** Hands rows 0..rows-1 over, grouped by row, and empties the lists. */
  take(rows: number): EventsPartial {
    const offsets = new Uint32Array(rows + 1);
    for (let row = 0; row < rows; row++) offsets[row + 1] = offsets[row] + this.length(row);
    const stamps = new Float64Array(offsets[rows]);
    const columns = this.columns ? new Uint16Array(offsets[rows]) : undefined;
    // Into the arrays at each row's offset, not into a view per row: a producer's partial has thousands of rows.
    for (let row = 0; row < rows; row++) this.copyRow(row, stamps, columns, offsets[row]);
    this.clear(rows);
    return columns ? { offsets, stamps, columns } : { offsets, stamps };
  }

  /** Empties the lists (rows 0..rows-1 being every row with events), keeping their room. */
  clear(rows: number): void {
    this.used = 0;
    const cleared = Math.min(rows, this.head.length);
    this.head.fill(NONE, 0, cleared);
    this.tail.fill(NONE, 0, cleared);
    this.lengths.fill(0, 0, cleared);
  }

  /** Appends a partial's events; rowOf[i] is this table's row for the partial's row i. */
  append(partial: EventsPartial, rowOf: Int32Array): void {
    const { offsets, stamps, columns } = partial;
    for (let i = 0; i + 1 < offsets.length; i++) {
      const row = rowOf[i];
      for (let at = offsets[i]; at < offsets[i + 1]; at++) this.push(row, stamps[at], columns ? columns[at] : 0);
    }
  }

  private growEvents(): void {
    const size = this.stamps.length * 2;
    this.stamps = regrown(this.stamps, size);
    this.next = regrown(this.next, size);
    if (this.columns) this.columns = regrown(this.columns, size);
  }

  private growRows(atLeast: number): void {
    let size = this.head.length * 2;
    while (size < atLeast) size *= 2;
    this.head = regrown(this.head, size, NONE);
    this.tail = regrown(this.tail, size, NONE);
    this.lengths = regrown(this.lengths, size);
  }
}
