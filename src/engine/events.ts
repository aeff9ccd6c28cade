// Per-group lists of instants, for `--window`: one packed stamp (engine/time.ts) per matching response, in
// one growable pool shared by all groups (a group's entries are linked), so a group costs nothing until it has
// events and an event costs 12 bytes (8 for the stamp, 4 for the link). Never one record per line: only
// matching responses of reported-or-not groups, and no strings.
//
// A producer hands its lists over with its partial as two transferable arrays (`EventsPartial`, grouped by the
// partial's rows); the consumer appends them to its own lists, by its own rows.

const INITIAL_EVENTS = 4096;
const INITIAL_ROWS = 1024;
const NONE = -1;

/** The events of a partial's rows: row i's stamps are stamps[offsets[i] .. offsets[i + 1]). */
export interface EventsPartial {
  readonly offsets: Uint32Array;
  readonly stamps: Float64Array;
}

export class EventLists {
  private stamps = new Float64Array(INITIAL_EVENTS);
  private next = new Int32Array(INITIAL_EVENTS);
  private used = 0;
  private head = new Int32Array(INITIAL_ROWS).fill(NONE);
  private tail = new Int32Array(INITIAL_ROWS).fill(NONE);
  private lengths = new Uint32Array(INITIAL_ROWS);

  /** Events held, over all rows. */
  get size(): number {
    return this.used;
  }

  /** Number of events of a row. */
  length(row: number): number {
    return row < this.lengths.length ? this.lengths[row] : 0;
  }

  push(row: number, stamp: number): void {
    if (row >= this.head.length) this.growRows(row + 1);
    if (this.used === this.stamps.length) this.growEvents();
    const at = this.used++;
    this.stamps[at] = stamp;
    this.next[at] = NONE;
    if (this.tail[row] === NONE) this.head[row] = at;
    else this.next[this.tail[row]] = at;
    this.tail[row] = at;
    this.lengths[row]++;
  }

  /** Copies a row's stamps into `into` (which must be long enough) from index 0; returns how many. */
  copyRow(row: number, into: Float64Array): number {
    let n = 0;
    if (row >= this.head.length) return 0;
    for (let at = this.head[row]; at !== NONE; at = this.next[at]) into[n++] = this.stamps[at];
    return n;
  }

  /** Hands rows 0..rows-1 over, grouped by row, and empties the lists. */
  take(rows: number): EventsPartial {
    const offsets = new Uint32Array(rows + 1);
    for (let row = 0; row < rows; row++) offsets[row + 1] = offsets[row] + this.length(row);
    const stamps = new Float64Array(offsets[rows]);
    for (let row = 0; row < rows; row++) this.copyRow(row, stamps.subarray(offsets[row]));
    this.used = 0;
    const cleared = Math.min(rows, this.head.length);
    this.head.fill(NONE, 0, cleared);
    this.tail.fill(NONE, 0, cleared);
    this.lengths.fill(0, 0, cleared);
    return { offsets, stamps };
  }

  /** Appends a partial's events; rowOf[i] is this table's row for the partial's row i. */
  append(partial: EventsPartial, rowOf: Int32Array): void {
    const { offsets, stamps } = partial;
    for (let i = 0; i + 1 < offsets.length; i++) {
      const row = rowOf[i];
      for (let at = offsets[i]; at < offsets[i + 1]; at++) this.push(row, stamps[at]);
    }
  }

  private growEvents(): void {
    const size = this.stamps.length * 2;
    const stamps = new Float64Array(size);
    stamps.set(this.stamps);
    this.stamps = stamps;
    const next = new Int32Array(size);
    next.set(this.next);
    this.next = next;
  }

  private growRows(atLeast: number): void {
    let size = this.head.length * 2;
    while (size < atLeast) size *= 2;
    const head = new Int32Array(size).fill(NONE);
    head.set(this.head);
    this.head = head;
    const tail = new Int32Array(size).fill(NONE);
    tail.set(this.tail);
    this.tail = tail;
    const lengths = new Uint32Array(size);
    lengths.set(this.lengths);
    this.lengths = lengths;
  }
}
