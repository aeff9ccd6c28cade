// The CLF-family scan kernel, in AssemblyScript (compiled to WebAssembly by `npm run build`).
//
// It does exactly what src/formats/clf.ts parseClfLine + src/scan/line-scanner.ts LineScanner do for Common,
// Combined and vhost-Combined lines, for a whole chunk per call: find each line (16 bytes at a time with
// SIMD), parse client, [time], "request" and status, count the line, and for each line whose status is
// wanted write a record (client start/end, status column, stamp) for the JS side to aggregate. The JS
// parser stays the reference: property tests run both on the same bytes and demand equal results.
//
// In the default run (groups by client) the kernel also counts: matching lines go straight into its group
// table (kernel/table.ts, queued in batches that the scan flushes before it returns) and JS only collects the
// table at the end. So it does for keys of other fields it can make itself (keys.ts: `--by ip,path` and the
// like, with no time span or client filter), added at once (the key is made in a scratch reused per line),
// writing for `--window` a record of each line's row and instant. With a relative `--since` it keeps each
// matching response undecided, as an event of its key's row (runs.ts). Otherwise it writes records and JS counts.
//
// Memory: WANTED (600 bytes: status -> column + 1, 0 = not wanted) lives in static data; the input chunk, the
// record area and the table come from the minimal runtime's allocator (TLSF: `allocate`, `release`; nothing
// here is garbage-collected), so memory may grow during any call and JS refreshes its views after each.

const LF: u32 = 0x0a;
const CR: u32 = 0x0d;
const SP: u32 = 0x20;
const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const LBRACKET: u32 = 0x5b;
const RBRACKET: u32 = 0x5d;

/**
 * One record per matching line, 32 bytes: lineStart, lineEnd (CR excluded), clientStart, clientEnd, column,
 * status (u32 each), stamp (f64). Positions are addresses in this module's memory.
 */
export const RECORD_BYTES: u32 = 32;

const WANTED: usize = memory.data(600);
/** ` - -` and ` [` as little-endian loads. */
const DASH_DASH: u32 = 0x2d202d20;
const SPACE_BRACKET: u16 = 0x5b20;

export function wantedTable(): usize {
  return WANTED;
}

import { findByte, findByteWide } from './civil';
import { parseTime } from './clf-time';
import { rowOf, tableAdd, tableFlush, tableQueue } from './table';
import { jsonLine, jsonNewline, jsonClientEnd, jsonClientStart, jsonStamp, jsonStatus, JSON_DEFER, JSON_PARSED } from './json';
import { composeLineStart, mayCarryPrefix } from './compose';
import { keyCount, keyAt, makeKey } from './keys';
import { addToRun, flushRun, othersColumn, spanAdd, spanEvents } from './runs';
export { keyInit } from './keys';
export { othersInit, spanInit, spanSettle, spanRekey, spanTake, spanNewest, spanCount, takeRows, takeKeyLength, takeBlock } from './runs';
export { jsonInit } from './json';
export { sameBytes, tableInit, tableClear, tableRows, tableKeyBytes, tableKeyEnds, tableRecords, tableSlots, tableSlotCount, tableMerge, tableAdopt, tableCapacity, tableKeyCapacity } from './table';
export { writeRows, rowsBytes } from './rows';
export { rankRows, rankFieldRows } from './rank';


export function allocate(bytes: usize): usize {
  return heap.alloc(bytes);
}

/** Gives back what `allocate` gave (JS replaces its read buffer and input areas as they grow). */
export function release(at: usize): void {
  heap.free(at);
}

// Line counters, as in ScanStats; JS reads and resets them.
export let lines: u32 = 0;
export let blank: u32 = 0;
export let malformed: u32 = 0;
export let parsed: u32 = 0;
export let matched: u32 = 0;
/** The earliest and latest instant of a parsed line (stamps): the span the log covers. */
export let firstStamp: f64 = Infinity;
export let lastStamp: f64 = -Infinity;
/** Records written by the last scan call. */
export let records: u32 = 0;
/** The last scan call stopped at a line the JS parser must read (JSON: a time the kernel does not read). */
export let deferred: bool = false;
/** Counting keys of other fields (keys.ts): also write a record of each line's row and instant (`--window`). */
let keyEvents: bool = false;

export function keyEventsInit(on: bool): void {
  keyEvents = on;
}

/** scan's `kind`: how lines are read. */
const CLF: u32 = 0;
const VHOST_CLF: u32 = 1;
const JSON_LINES: u32 = 2;
/** CLF behind docker compose's `name  | ` prefix (compose.ts). */
const COMPOSE_CLF: u32 = 3;

// Fields of the line parseLine accepted last.
let clientStart: usize = 0;
let clientEnd: usize = 0;
let status: u32 = 0;
let stamp: f64 = 0;
/** Just past the status of the line parseLine accepted last (clf.ts `resumeAt`). */
let statusEnd: usize = 0;
/** The request of the line parseLine accepted last, between its quotes (clf.ts requestStart, requestEnd). */
let requestStart: usize = 0;
let requestEnd: usize = 0;

export function resetCounters(): void {
  lines = 0;
  blank = 0;
  malformed = 0;
  parsed = 0;
  matched = 0;
  firstStamp = Infinity;
  lastStamp = -Infinity;
}

/**
 * Scans the complete lines in [start, end) of `kind` (CLF, VHOST_CLF or JSON_LINES), counting matching lines
 * in the table (`countHere`) or writing at most `maxRecords` records of them at `out`. Returns where
 * scanning stopped: the start of the unfinished last line, of the first line not scanned because the
 * record area was full (then `records == maxRecords`), or of a line left to the JS parser (then `deferred`).
 */
export function scan(start: usize, end: usize, out: usize, maxRecords: u32, kind: u32, countHere: bool): usize {
  let lineStart = start;
  let n: u32 = 0;
  deferred = false;
  while (n < maxRecords) {
    // 64 bytes a step for every kind: a Combined line takes a few steps, where 16 bytes a step take a dozen.
    // A JSON line of a known shape is read on the way (json.ts jsonNewline), and its newline found past it.
    const newline = kind == JSON_LINES ? jsonNewline(lineStart, end) : findByteWide(lineStart, end, LF);
    if (newline == end) break;
    let lineEnd = newline;
    lines++;
    if (lineEnd > lineStart && <u32>load<u8>(lineEnd - 1) == CR) lineEnd--;
    const answer = lineEnd == lineStart ? 0 : kind == JSON_LINES ? parseJsonLine(lineStart, lineEnd) : parseLine(kind == COMPOSE_CLF ? composeLineStart(lineStart, lineEnd) : lineStart, lineEnd, kind == VHOST_CLF) ? 1 : 0;
    if (answer == JSON_DEFER) {
      lines--;
      deferred = true;
      break;
    }
    if (lineEnd == lineStart) {
      blank++;
    } else if (answer == JSON_PARSED) {
      parsed++;
      if (stamp < firstStamp) firstStamp = stamp;
      if (stamp > lastStamp) lastStamp = stamp;
      const column = <u32>load<u8>(WANTED + status);
      if (column != 0 && countHere && keyCount == 0) {
        matched++;
        tableQueue(clientStart, clientEnd, column - 1, stamp);
      } else if (column != 0 && countHere) {
        // A key of other fields (keys.ts), counted here too; with `keyEvents`, a record of its row and instant.
        matched++;
        const row = tableAdd(keyAt(), makeKey(clientStart, clientEnd, requestStart, requestEnd, status), column - 1, stamp);
        if (keyEvents) {
          const record = out + <usize>n * RECORD_BYTES;
          store<u32>(record, row);
          store<f64>(record, stamp, 24);
          n++;
        }
      } else if (column != 0 && column == othersColumn) {
        // A status that does not count, seen for a time span: lines of one second go back as one record.
        matched++;
        n = addToRun(out, n, stamp);
      } else if (column != 0 && spanEvents) {
        // A response a relative span cannot decide yet: kept by its key's row until it can (runs.ts). Not
        // counted as matched: JS counts it when the span decides it in.
        spanAdd(keyCount == 0 ? rowOf(clientStart, clientEnd) : rowOf(keyAt(), makeKey(clientStart, clientEnd, requestStart, requestEnd, status)), column - 1, stamp);
      } else if (column != 0) {
        matched++;
        n = flushRun(out, n);
        const record = out + <usize>n * RECORD_BYTES;
        store<u32>(record, <u32>lineStart);
        store<u32>(record, <u32>lineEnd, 4);
        store<u32>(record, <u32>clientStart, 8);
        store<u32>(record, <u32>clientEnd, 12);
        store<u32>(record, column - 1, 16);
        store<u32>(record, status, 20);
        store<f64>(record, stamp, 24);
        n++;
      }
    } else {
      malformed++;
    }
    lineStart = newline + 1;
  }
  n = flushRun(out, n);
  tableFlush(); // the queued clients are in this chunk
  records = n;
  return lineStart;
}


// What sampleClf found: lines read as Combined, as vhost-Combined (and not as Combined), and Combined lines with
// a quote after the status (a referrer or agent: Combined, not Common); the sample's lines, and those behind a
// docker compose prefix (detect.ts composeLines, which JS then runs only when most carry one).
export let sampleCombined: u32 = 0;
export let sampleVhost: u32 = 0;
export let sampleTails: u32 = 0;
export let sampleLines: u32 = 0;
export let samplePrefixed: u32 = 0;

/**
 * Format detection's CLF-family pass (src/formats/detect.ts detectClf) over a sample in [start, end): each
 * non-blank line (CR stripped; an unfinished last line only when `whole`) is tried as Combined, then as
 * vhost-Combined. The byte at `end` must be readable (JS lends a newline there).
 */
export function sampleClf(start: usize, end: usize, whole: bool): void {
  let combined: u32 = 0;
  let vhost: u32 = 0;
  let tails: u32 = 0;
  let lines: u32 = 0;
  let prefixed: u32 = 0;
  let lineStart = start;
  while (lineStart < end) {
    const newline = findByte(lineStart, end, LF);
    if (newline == end && !whole) break;
    let lineEnd = newline;
    if (lineEnd > lineStart && <u32>load<u8>(lineEnd - 1) == CR) lineEnd--;
    if (lineEnd > lineStart) {
      lines++;
      if (mayCarryPrefix(lineStart, lineEnd) && composeLineStart(lineStart, lineEnd) != lineStart) prefixed++;
      if (parseLine(lineStart, lineEnd, false)) {
        combined++;
        if (findByte(statusEnd, lineEnd, QUOTE) < lineEnd) tails++;
      } else if (parseLine(lineStart, lineEnd, true)) {
        vhost++;
      }
    }
    lineStart = newline + 1;
  }
  sampleCombined = combined;
  sampleVhost = vhost;
  sampleTails = tails;
  sampleLines = lines;
  samplePrefixed = prefixed;
}

/** jsonLine, its fields taken as this file's. */
function parseJsonLine(start: usize, end: usize): i32 {
  const answer = jsonLine(start, end);
  if (answer == JSON_PARSED) {
    clientStart = jsonClientStart;
    clientEnd = jsonClientEnd;
    status = jsonStatus;
    stamp = jsonStamp;
  }
  return answer;
}

function parseLine(start: usize, end: usize, vhost: bool): bool {
  let p = start;
  if (vhost) {
    while (p < end && <u32>load<u8>(p) != SP) p++;
    if (p == start || p >= end) return false;
    p++;
  }
  const client = p;
  p = findByte(p, end, SP);
  if (p == client || p >= end) return false;
  clientStart = client;
  clientEnd = p;

  // ident and user (clf.ts wordEnd, userEnd), then the bracket right after one space; ` - - [`, the usual,
  // compared at once.
  if (p + 6 <= end && load<u32>(p) == DASH_DASH && load<u16>(p + 4) == SPACE_BRACKET) {
    p += 5;
  } else {
    p = wordEnd(p + 1, end);
    if (p == 0) return false;
    p = userEnd(p + 1, end);
    if (p == 0 || <u32>load<u8>(p + 1) != LBRACKET) return false;
    p++;
  }
  if (end - p < 30 || <u32>load<u8>(p + 27) != RBRACKET) return false;
  const t = parseTime(p + 1);
  if (isNaN(t)) return false;
  stamp = t;
  p += 28;
  if (<u32>load<u8>(p) != SP || <u32>load<u8>(p + 1) != QUOTE) return false;
  p += 2;

  const reqStart = p;
  while (true) {
    p = findByte(p, end, QUOTE);
    if (p + 4 >= end) return false;
    if (!isEscaped(reqStart, p) && <u32>load<u8>(p + 1) == SP) {
      const d1 = <i32>load<u8>(p + 2) - 0x30;
      const d2 = <i32>load<u8>(p + 3) - 0x30;
      const d3 = <i32>load<u8>(p + 4) - 0x30;
      if (d1 >= 1 && d1 <= 5 && <u32>d2 <= 9 && <u32>d3 <= 9 && (p + 5 == end || <u32>load<u8>(p + 5) == SP)) {
        status = <u32>(d1 * 100 + d2 * 10 + d3);
        statusEnd = p + 5;
        requestStart = reqStart;
        requestEnd = p;
        return true;
      }
    }
    p++;
  }
}

/** The space ending the word starting at p (one byte at least), or 0 (no address here is 0: data is first). */
function wordEnd(p: usize, end: usize): usize {
  const start = p;
  while (p < end && <u32>load<u8>(p) != SP) p++;
  return p == start || p >= end ? 0 : p;
}

/** `%u` at p: a quoted string closing right before ` [`, else a word; the space after it, or 0. */
function userEnd(p: usize, end: usize): usize {
  if (p < end && <u32>load<u8>(p) == QUOTE) {
    let q = p + 1;
    while (q < end && <u32>load<u8>(q) != QUOTE) q += <u32>load<u8>(q) == BACKSLASH ? 2 : 1;
    if (q + 2 < end && <u32>load<u8>(q + 1) == SP && <u32>load<u8>(q + 2) == LBRACKET) return q + 1;
  }
  return wordEnd(p, end);
}

function isEscaped(fieldStart: usize, quote: usize): bool {
  let i = quote;
  while (i > fieldStart && <u32>load<u8>(i - 1) == BACKSLASH) i--;
  return ((quote - i) & 1) == 1;
}
