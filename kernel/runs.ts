// Lines of statuses that do not count, when a time span must still see them (its summary counts lines of every
// status in or out of it): the CLF kernel hands them back to JS (src/scan/analysis-scanner.ts countOthers) one
// record per run of consecutive such lines within one second, not one per line. Whether a line is in the span
// depends only on its second and on the newest second seen, so one record per second decides the same.
//
// A run's record: lineStart, lineEnd, clientStart, clientEnd 0, the column, the number of lines (where a line's
// record has its status) and the newest stamp. A scan call may so write maxRecords + 1 records (JS makes room).

import { rowKeyEnd, rowKeyStart, rowOf, tableClear, tableKeyBytes, tableRows } from './table';

/** clf.ts RECORD_BYTES (not imported: clf.ts imports this file). */
const RECORD_BYTES: usize = 32;

/** The statuses' column + 1 (as in the WANTED table); 0: none, every line has its record. */
export let othersColumn: u32 = 0;
let runCount: u32 = 0;
let runSecond: f64 = 0;
let runStamp: f64 = 0;

export function othersInit(column: u32): void {
  othersColumn = column;
}

/** Adds a line at `stamp` to the run, first writing the run before it when its second differs; returns the records. */
export function addToRun(out: usize, n: u32, stamp: f64): u32 {
  const second = Math.floor(stamp / 4096);
  if (runCount > 0 && second == runSecond) {
    runCount++;
    if (stamp > runStamp) runStamp = stamp;
    return n;
  }
  n = flushRun(out, n);
  runCount = 1;
  runSecond = second;
  runStamp = stamp;
  return n;
}

/** Writes the run as record n, if there is one; returns the records. */
export function flushRun(out: usize, n: u32): u32 {
  if (runCount == 0) return n;
  const record = out + <usize>n * RECORD_BYTES;
  store<u32>(record, 0);
  store<u32>(record, 0, 4);
  store<u32>(record, 0, 8);
  store<u32>(record, 0, 12);
  store<u32>(record, othersColumn - 1, 16);
  store<u32>(record, runCount, 20);
  store<f64>(record, runStamp, 24);
  runCount = 0;
  return n + 1;
}

// A relative `--since` (the last 12 h of the input's own end) decides no response until the input's newest
// instant is known. So, in `spanEvents` mode, the scan keeps each matching response here as an event of its
// key's row in the kernel's table (table.ts rowOf: the table keeps only keys then, its counts stay zero) and its
// instant, with no trip to JS: 16 bytes each, appended in arrival order. JS drops the events the span has put
// out of it since (spanSettle, as the producer's newest grows: a log in time order keeps about one span's worth)
// and hands the rest over with the producer's partial (spanTake: grouped by row, as a DeferredPartial's events;
// rows left without any dropped). The consumer decides them as analyses/deferred.ts decides its own.

/** An event: row (u32), status column (u32), stamp (f64). */
const EVENT_BYTES: usize = 16;

export let spanEvents: bool = false;
/** The newest instant of a matching response kept (a stamp); JS tells the span of it after each scan. */
export let spanNewest: f64 = -Infinity;
export let spanCount: u32 = 0;
let events: usize = 0;
let eventCapacity: u32 = 0;

/** `on`: keep matching responses as events (the CLF kinds, with a table and othersInit). */
export function spanInit(on: bool): void {
  spanEvents = on;
}

@inline
export function spanAdd(row: u32, column: u32, stamp: f64): void {
  if (spanCount == eventCapacity) growEvents();
  const at = events + <usize>spanCount * EVENT_BYTES;
  store<u32>(at, row);
  store<u32>(at, column, 4);
  store<f64>(at, stamp, 8);
  spanCount++;
  if (stamp > spanNewest) spanNewest = stamp;
}

function growEvents(): void {
  const capacity = eventCapacity == 0 ? <u32>4096 : eventCapacity * 2;
  const bigger = heap.alloc(<usize>capacity * EVENT_BYTES);
  if (events != 0) {
    memory.copy(bigger, events, <usize>spanCount * EVENT_BYTES);
    heap.free(events);
  }
  events = bigger;
  eventCapacity = capacity;
}

/**
 * Drops the events now out of the span, stamp < outBelow or stamp >= outFrom (src/analyses/time-span.ts
 * outBelowStamp, outFromStamp: as the newest grows these only widen, so what is dropped stays out), keeping
 * the others in their order. Returns how many it dropped.
 */
export function spanSettle(outBelow: f64, outFrom: f64): u32 {
  let kept: u32 = 0;
  for (let i: u32 = 0; i < spanCount; i++) {
    const at = events + <usize>i * EVENT_BYTES;
    const stamp = load<f64>(at, 8);
    if (stamp < outBelow || stamp >= outFrom) continue;
    if (kept != i) store<v128>(events + <usize>kept * EVENT_BYTES, load<v128>(at));
    kept++;
  }
  const dropped = spanCount - kept;
  spanCount = kept;
  return dropped;
}

// What spanTake wrote: `takeRows` rows (those with events) and `spanCount` events, at the address it returned:
// offsets (u32, rows + 1), key ends (u32, rows), stamps (f64, from the next 8 bytes), columns (u16), key bytes.
export let takeRows: u32 = 0;
export let takeKeyLength: usize = 0;

/**
 * The events grouped by row, each row's in arrival order, with the keys of the rows that have any (in row
 * order), in one block (see takeRows; JS copies it out and gives it back with `release`). Then the events are
 * gone; JS clears the table.
 */
export function spanTake(rows: u32, keyBytes: usize, keyEnds: usize): usize {
  const cursor = heap.alloc(<usize>rows * 4 + 4);
  memory.fill(cursor, 0, <usize>rows * 4);
  for (let i: u32 = 0; i < spanCount; i++) {
    const row = load<u32>(events + <usize>i * EVENT_BYTES);
    store<u32>(cursor + (<usize>row << 2), load<u32>(cursor + (<usize>row << 2)) + 1);
  }
  let kept: u32 = 0;
  let keyLength: usize = 0;
  let keyStart: usize = 0;
  for (let row: u32 = 0; row < rows; row++) {
    const keyEnd = <usize>load<u32>(keyEnds + (<usize>row << 2));
    if (load<u32>(cursor + (<usize>row << 2)) != 0) {
      kept++;
      keyLength += keyEnd - keyStart;
    }
    keyStart = keyEnd;
  }
  const count = spanCount;
  const offsetsAt: usize = 0;
  const endsAt = offsetsAt + (<usize>kept + 1) * 4;
  const stampsAt = (endsAt + <usize>kept * 4 + 7) & ~7;
  const columnsAt = stampsAt + <usize>count * 8;
  const keysAt = columnsAt + <usize>count * 2;
  const block = heap.alloc(keysAt + keyLength + 8);
  const out = (block + 7) & ~7; // stamps aligned for JS's Float64Array view
  // Offsets and keys of the kept rows; each row's cursor becomes where its first event goes.
  let k: u32 = 0;
  let offset: u32 = 0;
  let keyAt: usize = 0;
  keyStart = 0;
  store<u32>(out + offsetsAt, 0);
  for (let row: u32 = 0; row < rows; row++) {
    const keyEnd = <usize>load<u32>(keyEnds + (<usize>row << 2));
    const n = load<u32>(cursor + (<usize>row << 2));
    if (n != 0) {
      memory.copy(out + keysAt + keyAt, keyBytes + keyStart, keyEnd - keyStart);
      keyAt += keyEnd - keyStart;
      store<u32>(out + endsAt + (<usize>k << 2), <u32>keyAt);
      store<u32>(cursor + (<usize>row << 2), offset);
      offset += n;
      k++;
      store<u32>(out + offsetsAt + (<usize>k << 2), offset);
    }
    keyStart = keyEnd;
  }
  for (let i: u32 = 0; i < count; i++) {
    const at = events + <usize>i * EVENT_BYTES;
    const cell = cursor + (<usize>load<u32>(at) << 2);
    const place = load<u32>(cell);
    store<u32>(cell, place + 1);
    store<f64>(out + stampsAt + (<usize>place << 3), load<f64>(at, 8));
    store<u16>(out + columnsAt + (<usize>place << 1), <u16>load<u32>(at, 4));
  }
  heap.free(cursor);
  takeRows = kept;
  takeKeyLength = keyLength;
  spanCount = 0;
  takeBlock = block;
  return out;
}

/** The block spanTake's result lies in (for `release`). */
export let takeBlock: usize = 0;

/**
 * Renumbers the table's rows to those that still have events (the others' keys go), in their order, and the
 * events with them: the table so holds about the keys of one span's worth of responses, however many clients
 * the input has (as analyses/deferred.ts keeps only the keys of what stays undecided). Returns the rows left.
 */
export function spanRekey(): u32 {
  const rows = tableRows;
  const newRow = heap.alloc(<usize>rows * 4 + 4);
  memory.fill(newRow, 0, <usize>rows * 4);
  for (let i: u32 = 0; i < spanCount; i++) store<u32>(newRow + (<usize>load<u32>(events + <usize>i * EVENT_BYTES) << 2), 1);
  // The kept keys, end to end, with their ends: the table's own bytes are written over as they go back in.
  let kept: u32 = 0;
  let keyLength: usize = 0;
  for (let row: u32 = 0; row < rows; row++) {
    if (load<u32>(newRow + (<usize>row << 2)) == 0) continue;
    kept++;
    keyLength += rowKeyEnd(row) - rowKeyStart(row);
  }
  const ends = heap.alloc(<usize>kept * 4 + keyLength + 4);
  const keys = ends + <usize>kept * 4;
  let at: usize = 0;
  let k: u32 = 0;
  const tableKeys = tableKeyBytes();
  for (let row: u32 = 0; row < rows; row++) {
    if (load<u32>(newRow + (<usize>row << 2)) == 0) continue;
    const start = rowKeyStart(row);
    const length = rowKeyEnd(row) - start;
    memory.copy(keys + at, tableKeys + start, length);
    at += length;
    store<u32>(ends + (<usize>k << 2), <u32>at);
    k++;
  }
  tableClear();
  let start: usize = 0;
  k = 0;
  for (let row: u32 = 0; row < rows; row++) {
    if (load<u32>(newRow + (<usize>row << 2)) == 0) continue;
    const end = <usize>load<u32>(ends + (<usize>k << 2));
    k++;
    store<u32>(newRow + (<usize>row << 2), rowOf(keys + start, keys + end));
    start = end;
  }
  for (let i: u32 = 0; i < spanCount; i++) {
    const event = events + <usize>i * EVENT_BYTES;
    store<u32>(event, load<u32>(newRow + (<usize>load<u32>(event) << 2)));
  }
  heap.free(ends);
  heap.free(newRow);
  return kept;
}
