// The kernel's own group table, for the default run (groups keyed by client): counting a matching line happens
// right where the scan found it, with no trip to JS per line.
//
// It is src/tables/group-table.ts GroupTable in AssemblyScript, with the same hash (FNV-1a), the same probing and,
// on purpose, the same layout: hash slots of row + 1 and hash (u32 each; a key's place is in keyEnds), and records
// of 32-bit counts (the total, then one per status column, padded to 8 bytes) then the first and last stamp (f64).
// So a producer hands its table over as it is (scan/kernel-scanner.ts takeTable: a partial's slots are laid out
// as these), and the consumer merges partials into one of these too (src/tables/kernel-table.ts:
// tableAdopt, tableMerge), then ranks and writes it (rank.ts, rows.ts).
// Memory comes from the runtime's allocator (TLSF): a grown array is copied to a new place and the old one freed.
// WebAssembly memory never shrinks and a freed array is seldom reused, so what counts is what was ever written:
// the rows' arrays (keys, key ends, records) grow eight or sixteen times over, and a record is set up only when
// its row is inserted, so the room past the rows is never written (its pages never become resident). The hash
// slots, zeroed whole as they are made, still grow by two (four made producers' tables and partials bigger), so
// the old ones add up to nearly the last: 8 bytes a slot (not 16, with the key's place) halves both. Growing all
// by two, with 16-byte slots, the consumer's table for a million clients had written 246 MB to hold 132 MB.
//
// (A layout with each group's key and numbers in one 128-byte slot, one memory trip per count instead of three,
// measured no faster here and took four times the memory; this one stays.)

const FNV_OFFSET: u32 = 0x811c9dc5;
const FNV_PRIME: u32 = 16777619;
/** Bytes per hash slot: row + 1 (0 = empty), hash (u32 each). */
const SLOT_BYTES: usize = 8;
/** The rows' arrays grow this many times over (a power of two); keys sixteen (a million IPv6 clients then fit the second). */
const ROW_GROWTH: u32 = 8;
const KEY_GROWTH: usize = 16;
const RECORD_ALIGN: usize = 64;

let recordBytes: usize = 0;
let width: u32 = 0; // counts per record
let stampsAt: usize = 0; // byte offset of the first stamp in a record

export let tableRows: u32 = 0;
let rowCapacity: u32 = 0;
let slotCount: u32 = 0;
let slots: usize = 0;
let keyEnds: usize = 0; // u32 per row: where its key ends in keyBytes
let keyBytes: usize = 0;
let keyCapacity: usize = 0;
let records: usize = 0;
/** What heap.alloc gave for the records: they start at the next 64 bytes (a 64-byte record then fills one cache line). */
let recordsBlock: usize = 0;

export function tableKeyBytes(): usize {
  return keyBytes;
}

export function tableKeyEnds(): usize {
  return keyEnds;
}

export function tableRecords(): usize {
  return records;
}

export function tableRecordBytes(): usize {
  return recordBytes;
}

/** Where in a record the first stamp is (bytes). */
export function tableStampsAt(): usize {
  return stampsAt;
}

/** Counts per record: the total and one per status column. */
export function tableWidth(): u32 {
  return width;
}

/** Groups there is room for (keyEnds and records). */
export function tableCapacity(): u32 {
  return rowCapacity;
}

export function tableKeyCapacity(): usize {
  return keyCapacity;
}

export function tableSlots(): usize {
  return slots;
}

/** Hash slots: a power of two, at least twice the rows. */
export function tableSlotCount(): u32 {
  return slotCount;
}

/** Sets the table up for `columns` status columns with room for `rows` groups (a power of two). */
export function tableInit(columns: u32, rows: u32): void {
  release();
  width = columns + 1;
  const countsBytes = ((<usize>(columns + 1) * 4 + 7) >> 3) << 3;
  stampsAt = countsBytes;
  recordBytes = countsBytes + 16;
  allocateArrays(rows, rows * 2, 0);
  tableClear();
}

/** New arrays for `capacity` groups, `slotsWanted` hash slots and at least `keyLength` bytes of keys. */
function allocateArrays(capacity: u32, slotsWanted: u32, keyLength: usize): void {
  rowCapacity = capacity;
  slotCount = slotsWanted;
  slots = heap.alloc(<usize>slotCount * SLOT_BYTES);
  keyEnds = heap.alloc(<usize>rowCapacity * 4);
  keyCapacity = max(keyLength, <usize>rowCapacity * 16);
  keyBytes = heap.alloc(keyCapacity);
  recordsBlock = heap.alloc(<usize>rowCapacity * recordBytes + RECORD_ALIGN);
  records = alignRecords(recordsBlock);
}

/** Where row `row`'s key starts in keyBytes (offset). */
export function rowKeyStart(row: u32): usize {
  return row == 0 ? 0 : <usize>load<u32>(keyEnds + (<usize>(row - 1) << 2));
}

/** Where row `row`'s key ends in keyBytes (offset). */
export function rowKeyEnd(row: u32): usize {
  return <usize>load<u32>(keyEnds + (<usize>row << 2));
}

/**
 * Makes the (empty) table ready to take a partial whole, the consumer's first: room for `rows` groups and a
 * quarter more, or for `reserveRows` (keys: `reserveKeyBytes`) if more, `keyLength` bytes of keys, and
 * `partialSlots` hash slots (the partial's own count). JS then copies the partial's keys, key ends and records
 * to tableKeyBytes() ... tableRecords(), one memcpy each, and its slots to tableSlots() (the same layout and
 * places: same hashes, as many slots), where adding its groups one by one would cost a cache miss or more
 * each, for nothing (none can be found).
 *
 * Room reserved costs no memory until written (grown memory is zero pages until touched; a row's record, key
 * end and key are written as it is inserted); growing does: the old arrays stay resident (seldom reused, and
 * memory never shrinks). On 1 GiB of `--by ip,path --window 10m` (483k groups), growth left 14 MB so.
 */
export function tableAdopt(rows: u32, keyLength: usize, partialSlots: u32, reserveRows: u32, reserveKeyBytes: usize): void {
  release();
  let capacity: u32 = 16;
  while (capacity < rows + (rows >> 2) || capacity < reserveRows) capacity <<= 1;
  allocateArrays(capacity, partialSlots, max(keyLength, reserveKeyBytes));
  tableRows = rows;
}

/** Gives the table's arrays back to the allocator (before new ones are made). */
function release(): void {
  if (slots == 0) return;
  heap.free(slots);
  heap.free(keyEnds);
  heap.free(keyBytes);
  heap.free(recordsBlock);
}

@inline
function alignRecords(block: usize): usize {
  return (block + RECORD_ALIGN - 1) & ~(RECORD_ALIGN - 1);
}

/** Empties the table (after JS took its groups). */
export function tableClear(): void {
  tableRows = 0;
  memory.fill(slots, 0, <usize>slotCount * SLOT_BYTES);
}

/** Sets up a new row's record: zero counts, no stamp yet. */
function clearRecord(row: u32): void {
  const record = records + <usize>row * recordBytes;
  memory.fill(record, 0, stampsAt);
  store<f64>(record + stampsAt, Infinity);
  store<f64>(record + stampsAt, -Infinity, 8);
}

/** Counts one matching line of the client (or key) [start, end) in status column `column` at `stamp`; returns its row. */
export function tableAdd(start: usize, end: usize, column: u32, stamp: f64): u32 {
  const row = rowOf(start, end); // the row first: an insert may move the records
  countAt(row, column, stamp);
  return row;
}

@inline
function countAt(row: u32, column: u32, stamp: f64): void {
  const record = records + <usize>row * recordBytes;
  store<u32>(record, load<u32>(record) + 1);
  const cell = record + 4 + (<usize>column << 2);
  store<u32>(cell, load<u32>(cell) + 1);
  const first = record + stampsAt;
  if (stamp < load<f64>(first)) store<f64>(first, stamp);
  if (stamp > load<f64>(first, 8)) store<f64>(first, stamp, 8);
}

// Counting in batches (the scans' way): each group's slot, key and record is a cache miss or so once a table
// outgrows the caches (tens of thousands of clients), and one add after another waits for each in turn. So a
// matching line waits here (its hash made) until BATCH are queued; tableFlush then reads the batch's slots in one
// pass and their keys and records in a second, so those misses overlap (WebAssembly has no prefetch), then does
// the adds in arrival order, exactly as tableAdd one by one would (same rows, same counts). The queued client
// bytes must stay put until then: a scan queues from its input chunk and flushes before it returns.
const BATCH: u32 = 16;
/** A queued add: client start and end, column, hash (u32 each), stamp (f64). */
const QUEUED_BYTES: usize = 24;
const QUEUE: usize = memory.data(<i32>(BATCH * <u32>QUEUED_BYTES) + 8, 8);
/** Where the reads ahead leave their sum, so that no optimizer drops them. */
const TOUCHED: usize = QUEUE + <usize>BATCH * QUEUED_BYTES;
let queued: u32 = 0;

/** tableAdd, later: by the next tableFlush at the latest. */
export function tableQueue(start: usize, end: usize, column: u32, stamp: f64): void {
  const at = QUEUE + <usize>queued * QUEUED_BYTES;
  store<u32>(at, <u32>start);
  store<u32>(at, <u32>end, 4);
  store<u32>(at, column, 8);
  store<u32>(at, hashOf(start, end), 12);
  store<f64>(at, stamp, 16);
  if (++queued == BATCH) tableFlush();
}

/** Does the queued adds. */
export function tableFlush(): void {
  const count = queued;
  if (count == 0) return;
  queued = 0;
  touchAhead(QUEUE + 12, QUEUED_BYTES, count);
  for (let i: u32 = 0; i < count; i++) {
    const at = QUEUE + <usize>i * QUEUED_BYTES;
    const row = rowAt(<usize>load<u32>(at), <usize>load<u32>(at, 4), load<u32>(at, 12));
    countAt(row, load<u32>(at, 8), load<f64>(at, 16));
  }
}

/**
 * Adds `rows` groups of a producer's partial, copied into this memory, to the table (the consumer's merge):
 * keys at `keys`, where each ends as a u32 at `ends` (relative to `keys`), and records at `from`, laid out as
 * this table lays them out. With `rowsOut` (not 0), the table's row of group i is stored there as u32 i (a
 * windowed run keeps each group's instants by that row). Returns how many groups it added: fewer than `rows`
 * when the next one would take a count past 2^32 - 1 (the caller goes on with 64-bit counts, in JS).
 */
export function tableMerge(keys: usize, ends: usize, from: usize, rows: u32, rowsOut: usize): u32 {
  let keyStart: usize = 0;
  for (let i: u32 = 0; i < rows; i++) {
    if (i % BATCH == 0) mergeAhead(keys, ends, i, min(BATCH, rows - i), keyStart);
    const keyEnd = <usize>load<u32>(ends + (<usize>i << 2));
    const source = from + <usize>i * recordBytes;
    const row = rowAt(keys + keyStart, keys + keyEnd, load<u32>(MERGE_HASHES + (<usize>(i % BATCH) << 2))); // first: an insert may move the records
    if (rowsOut != 0) store<u32>(rowsOut + (<usize>i << 2), row);
    const record = records + <usize>row * recordBytes;
    // A column's count never passes the total: the total is the one to check.
    if (<u64>load<u32>(record) + <u64>load<u32>(source) > 0xffffffff) return i;
    for (let at: usize = 0; at < stampsAt; at += 4) store<u32>(record + at, load<u32>(record + at) + load<u32>(source + at));
    const first = load<f64>(source + stampsAt);
    const last = load<f64>(source + stampsAt, 8);
    if (first < load<f64>(record + stampsAt)) store<f64>(record + stampsAt, first);
    if (last > load<f64>(record + stampsAt, 8)) store<f64>(record + stampsAt, last, 8);
    keyStart = keyEnd;
  }
  return rows;
}

// The consumer's merge reads ahead as tableFlush does: the hashes of the partial's `count` groups from `first`
// (whose key starts at `keyStart`) go to MERGE_HASHES, their slots are read, then the records and key ends of
// the rows there, then their keys. Merging 738k groups into 483k (1 GiB, `--by ip,path --window 10m`): 240-290 ms, not 320-350.
const MERGE_HASHES: usize = memory.data(<i32>BATCH * 4, 4);

function mergeAhead(keys: usize, ends: usize, first: u32, count: u32, keyStart: usize): void {
  for (let i: u32 = 0, start = keyStart; i < count; i++) {
    const end = <usize>load<u32>(ends + (<usize>(first + i) << 2));
    store<u32>(MERGE_HASHES + (<usize>i << 2), hashOf(keys + start, keys + end));
    start = end;
  }
  touchAhead(MERGE_HASHES, 4, count);
}

/**
 * The reads ahead of tableFlush and tableMerge, for `count` hashes `stride` bytes apart from `hashes`: their slots
 * in one pass, then the records and key ends of the rows there, then their keys.
 */
function touchAhead(hashes: usize, stride: usize, count: u32): void {
  const mask = slotCount - 1;
  let touched: u32 = 0;
  for (let i: u32 = 0; i < count; i++) touched += load<u32>(slots + <usize>(load<u32>(hashes + <usize>i * stride) & mask) * SLOT_BYTES);
  for (let i: u32 = 0; i < count; i++) {
    const entry = load<u32>(slots + <usize>(load<u32>(hashes + <usize>i * stride) & mask) * SLOT_BYTES);
    if (entry != 0) touched += load<u32>(records + <usize>(entry - 1) * recordBytes) + load<u32>(keyEnds + (<usize>(entry - 1) << 2));
  }
  for (let i: u32 = 0; i < count; i++) {
    const entry = load<u32>(slots + <usize>(load<u32>(hashes + <usize>i * stride) & mask) * SLOT_BYTES);
    if (entry != 0) touched += <u32>load<u8>(keyBytes + rowKeyStart(entry - 1));
  }
  store<u32>(TOUCHED, touched);
}

/** FNV-1a over [start, end): src/tables/group-table.ts hashBytes (partials' slots move between the two). */
@inline
function hashOf(start: usize, end: usize): u32 {
  let h = FNV_OFFSET;
  for (let p = start; p < end; p++) h = (h ^ <u32>load<u8>(p)) * FNV_PRIME;
  return h;
}

/** The row of the key [start, end), inserted (with zero counts) when new: the time span's events are kept by it (runs.ts). */
export function rowOf(start: usize, end: usize): u32 {
  return rowAt(start, end, hashOf(start, end));
}

/** The row of the key [start, end) of hash `h`, inserted when new. */
function rowAt(start: usize, end: usize, h: u32): u32 {
  const length = <u32>(end - start);
  const mask = slotCount - 1;
  let slot = h & mask;
  while (true) {
    const at = slots + <usize>slot * SLOT_BYTES;
    const entry = load<u32>(at);
    if (entry == 0) return insert(start, end, h, at);
    if (load<u32>(at, 4) == h) {
      const keyStart = rowKeyStart(entry - 1);
      if (rowKeyEnd(entry - 1) - keyStart == <usize>length && sameBytes(keyBytes + keyStart, start, length)) return entry - 1;
    }
    slot = (slot + 1) & mask;
  }
  return 0; // not reached
}

/**
 * Whether the `length` bytes at a and at b are equal: 8 bytes a step, the last step an overlapping load that ends
 * at the last byte (never reading past either key). memory.compare goes byte by byte unless both keys share
 * their alignment mod 8, which keys packed end to end seldom do.
 */
@inline
export function sameBytes(a: usize, b: usize, length: usize): bool {
  if (length >= 8) {
    const last = length - 8;
    for (let i: usize = 0; i < last; i += 8) {
      if (load<u64>(a + i) != load<u64>(b + i)) return false;
    }
    return load<u64>(a + last) == load<u64>(b + last);
  }
  if (length >= 4) return load<u32>(a) == load<u32>(b) && load<u32>(a + length - 4) == load<u32>(b + length - 4);
  if (length == 0) return true;
  const middle = length >> 1; // 1 to 3 bytes: first, middle and last cover them
  return load<u8>(a) == load<u8>(b) && load<u8>(a + middle) == load<u8>(b + middle) && load<u8>(a + length - 1) == load<u8>(b + length - 1);
}

function insert(start: usize, end: usize, hash: u32, at: usize): u32 {
  if (tableRows == rowCapacity) growRows();
  const row = tableRows;
  const keyStart = rowKeyStart(row);
  const keyEnd = keyStart + (end - start);
  if (keyEnd > keyCapacity) {
    let capacity = keyCapacity * KEY_GROWTH;
    while (capacity < keyEnd) capacity *= 2;
    const bigger = heap.alloc(capacity);
    memory.copy(bigger, keyBytes, keyStart);
    heap.free(keyBytes);
    keyBytes = bigger;
    keyCapacity = capacity;
  }
  memory.copy(keyBytes + keyStart, start, end - start);
  store<u32>(keyEnds + (<usize>row << 2), <u32>keyEnd);
  clearRecord(row);
  tableRows = row + 1;
  store<u32>(at, row + 1);
  store<u32>(at, hash, 4);
  if (tableRows * 2 > slotCount) rehash();
  return row;
}

function growRows(): void {
  const capacity = rowCapacity * ROW_GROWTH;
  const biggerEnds = heap.alloc(<usize>capacity * 4);
  memory.copy(biggerEnds, keyEnds, <usize>tableRows * 4);
  heap.free(keyEnds);
  keyEnds = biggerEnds;
  const biggerBlock = heap.alloc(<usize>capacity * recordBytes + RECORD_ALIGN);
  const biggerRecords = alignRecords(biggerBlock);
  memory.copy(biggerRecords, records, <usize>tableRows * recordBytes);
  heap.free(recordsBlock);
  recordsBlock = biggerBlock;
  records = biggerRecords;
  rowCapacity = capacity;
}

function rehash(): void {
  const count = slotCount * 2;
  const bigger = heap.alloc(<usize>count * SLOT_BYTES);
  memory.fill(bigger, 0, <usize>count * SLOT_BYTES);
  const mask = count - 1;
  for (let i: u32 = 0; i < slotCount; i++) {
    const from = slots + <usize>i * SLOT_BYTES;
    if (load<u32>(from) == 0) continue;
    let slot = load<u32>(from, 4) & mask;
    while (load<u32>(bigger + <usize>slot * SLOT_BYTES) != 0) slot = (slot + 1) & mask;
    store<u64>(bigger + <usize>slot * SLOT_BYTES, load<u64>(from));
  }
  heap.free(slots);
  slots = bigger;
  slotCount = count;
}
