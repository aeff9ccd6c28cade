// Partials: what producers hand the consumer, as plain typed arrays, so that one can move to another thread
// without a copy (the transfer lists below) or leave the process as bytes (tables/partial-codec.ts).
//
// A partial is a producer's group table, trimmed (tables/group-table.ts: counts per group, never per-line
// records), plus, for the analyses that need them, each group's instants (`--window`), the entries a relative
// time span could not decide yet (`--since 2h`) and the task the instants belong to (folded windows).

/**
 * A producer's table, trimmed; counts per group, never per-line records. Group i's
 * key is keyBytes[keyEnds[i - 1] ?? 0, keyEnds[i]); its numbers are record i of `records` (see `RECORD`).
 */
export interface CountsPartial {
  /** Counts per record: the total plus one per status column. */
  readonly width: number;
  readonly keyBytes: Uint8Array;
  readonly keyEnds: Int32Array;
  /** One record per group, `recordBytesFor(width, 4)` bytes each: 32-bit counts, then first and last stamp. */
  readonly records: Uint8Array;
  /**
   * The table's hash slots over these keys (2 ints per slot, as a group table's: row + 1, hash; a power of two
   * of them, at least twice the rows), so that a consumer adopting the partial need not rebuild them. (A key's
   * place is in keyEnds: slots that held it too took a JS loop on the producer's serial tail to make, and
   * another on the consumer's to drop; these are one memcpy on each side.)
   */
  readonly slots: Int32Array;
}

/** The buffers of a partial, for a zero-copy postMessage. */
export function countsTransferList(partial: CountsPartial): ArrayBuffer[] {
  return [partial.keyBytes, partial.keyEnds, partial.records, partial.slots].map((array) => array.buffer as ArrayBuffer);
}

/**
 * Bytes of one record for `width` counts of `countBytes` each: the counts (the total, then one per status
 * column), padded to 8, then the first and last stamp (f64). The kernel's table (kernel/table.ts) lays its
 * records out the same way with 32-bit counts, so its partials are read by the same code.
 */
export function recordBytesFor(width: number, countBytes: number): number {
  return Math.ceil((width * countBytes) / 8) * 8 + 16;
}

/**
 * Ints per hash slot of a group table, of the kernel's table and of a partial: row + 1 (0 = empty), hash. (The
 * key's place is in keyEnds.)
 */
export const TABLE_SLOT_INTS = 2;

/**
 * A table's hash slots (`tableSlots`) for a partial of its `rows` groups: as few as they need (a power of two,
 * at least twice the rows, at least 16), placed by the same hashes (no key is hashed again). A table that did
 * not grow past that many, as a table holding a producer's groups mostly, has its slots copied whole.
 */
export function partialSlotsOf(tableSlots: Int32Array, rows: number): Int32Array {
  const count = 2 ** Math.ceil(Math.log2(Math.max(16, rows * 2)));
  if (tableSlots.length === count * TABLE_SLOT_INTS) return tableSlots.slice();
  const out = new Int32Array(count * TABLE_SLOT_INTS);
  const mask = count - 1;
  for (let i = 0; i < tableSlots.length; i += TABLE_SLOT_INTS) {
    const entry = tableSlots[i];
    if (entry === 0) continue;
    const hash = tableSlots[i + 1];
    let slot = hash & mask;
    while (out[slot * TABLE_SLOT_INTS] !== 0) slot = (slot + 1) & mask;
    out[slot * TABLE_SLOT_INTS] = entry;
    out[slot * TABLE_SLOT_INTS + 1] = hash;
  }
  return out;
}

/**
 * A CountsPartial of a table's first `rows` groups: copies of its arrays, trimmed (32-bit counts), and `slots`
 * as they are (made for the partial by partialSlotsOf).
 */
export function partialOf(
  width: number,
  rows: number,
  keyBytes: Uint8Array,
  keyEnds: Int32Array,
  records: Uint8Array,
  slots: Int32Array,
): CountsPartial {
  return {
    width,
    keyBytes: keyBytes.slice(0, rows === 0 ? 0 : keyEnds[rows - 1]),
    keyEnds: keyEnds.slice(0, rows),
    records: records.slice(0, rows * recordBytesFor(width, 4)),
    slots,
  };
}

/** The events of a partial's rows: row i's stamps are stamps[offsets[i] .. offsets[i + 1]). */
export interface EventsPartial {
  readonly offsets: Uint32Array;
  readonly stamps: Float64Array;
  /** Lists made `withColumns`: each event's status column. */
  readonly columns?: Uint16Array;
}

/** Entries per second, as two sorted arrays. */
export interface SecondCounts {
  readonly seconds: Float64Array;
  readonly counts: Float64Array;
}

/** What travels with a partial: the undecided entries of a producer. */
export interface DeferredPartial {
  /** Group keys, as in a CountsPartial: key i is keyBytes[keyEnds[i - 1] ?? 0, keyEnds[i]). */
  readonly keyBytes: Uint8Array;
  readonly keyEnds: Int32Array;
  /** The groups' responses (with columns). */
  readonly events: EventsPartial;
  /** Entries of statuses that do not count, per second. */
  readonly others: SecondCounts;
  /** Matching responses of clients left out by the IP filters, per second. */
  readonly excluded: SecondCounts;
}

export function deferredTransferList(d: DeferredPartial): ArrayBuffer[] {
  const arrays = [d.keyBytes, d.keyEnds, d.events.offsets, d.events.stamps, d.events.columns!, d.others.seconds, d.others.counts, d.excluded.seconds, d.excluded.counts];
  return arrays.map((a) => a.buffer as ArrayBuffer);
}

/** Which task a partial holds the instants of: input index and byte offset (0 for a stream); `final`: its last. */
export interface TaskTag {
  readonly input: number;
  readonly start: number;
  readonly final: boolean;
}

/**
 * What travels on the queue: a producer's counts by group, with what the run's analysis keeps beyond them.
 * (In the default run only the counts.)
 */
export interface ScanPartial extends CountsPartial {
  /** With a window: the instants of the partial's groups, by row. */
  readonly events?: EventsPartial;
  /** With a relative time span: the producer's newest instant, and the entries it could not decide yet. */
  readonly newest?: number;
  readonly deferred?: DeferredPartial;
  /** With folded windows: the task whose instants these are. */
  readonly task?: TaskTag;
}

/** The buffers of a partial that can move to the main thread instead of being copied. */
export function scanPartialTransferList(partial: ScanPartial): ArrayBuffer[] {
  const buffers = countsTransferList(partial);
  if (partial.events) buffers.push(partial.events.offsets.buffer as ArrayBuffer, partial.events.stamps.buffer as ArrayBuffer);
  if (partial.deferred) buffers.push(...deferredTransferList(partial.deferred));
  return buffers;
}
