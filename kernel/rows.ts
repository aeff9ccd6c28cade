// CSV, JSON and NDJSON rows of the default run, written by the kernel straight from its group table
// (kernel/table.ts), after the consumer merged into it (src/tables/kernel-table.ts KernelMerger), or a
// composite-key run's table copied into it (MergedKernelTable.copyOf). A row is a
// program of steps JS makes once per output (src/sinks/csv.ts, json-rows.ts): constant pieces (names, braces,
// commas), the key, counts and instants. The bytes are those the sinks' JS writers write, which stay the
// reference (tests compare the two on every kind of key): a key with bytes the format must quote, escape or
// decode as UTF-8, or an instant outside the years 0000-9999, stops the call: JS writes that row and calls again
// from the next.
//
// Why here: the JS writers run once per run, cold (interpreted, then compiled); this code is compiled before it
// first runs. A million JSON rows took 3 s in JS.

import { fieldAt, fieldEnd } from './key-fields';
import { rowKeyEnd, rowKeyStart, tableKeyBytes, tableRecords, tableRecordBytes, tableStampsAt } from './table';

/** Bytes written by the last writeRows call. */
export let rowsBytes: u32 = 0;

const COMMA: u8 = 0x2c;

// A program's steps, 4 u32 each: the step, its argument a, then a piece of constant bytes (its offset in the
// pieces and its length) written before what the step writes.
/** Only the piece. */
const PIECE: u32 = 0;
/** Only the piece, before the first row only. */
const FIRST_PIECE: u32 = 1;
/** Only the piece, before every row but the first. */
const LATER_PIECE: u32 = 2;
/** Field a of the key (kernel/key-fields.ts; a key of one field: the key), its bytes as they are. */
const KEY: u32 = 3;
/** Count a of the record (0: the total, 1 + c: status column c), in decimal. */
const COUNT: u32 = 4;
/** The first (a = 0) or last (a = 1) instant, as ISO 8601 in its own offset. */
const STAMP: u32 = 5;

/** Keys written as they are: CSV's (printable ASCII without space, quote or comma), or JSON's (ASCII but quote, backslash and controls). */
const KEY_CSV: u32 = 0;

/**
 * Writes the rows order[from], order[from + 1], ... (u32 table rows at `order`, `rows` of them) at [out, outEnd),
 * each by the `steps` steps at `program`, copying pieces from `pieces`; `rowMost` bounds a row's bytes but its
 * key's. Returns the index of the first row it did not write: `rows`, a row it cannot write as is (its key
 * written as `keyKind` says, KEY_CSV or JSON), or the row that did not fit.
 */
export function writeRows(order: usize, from: u32, rows: u32, out: usize, outEnd: usize, program: usize, steps: u32, pieces: usize, keyKind: u32, rowMost: u32, fields: u32): u32 {
  const keys = tableKeyBytes();
  const records = tableRecords();
  const recordBytes = tableRecordBytes();
  const stampsAt = tableStampsAt();
  const programEnd = program + (<usize>steps << 4);
  let at = out;
  let i = from;
  for (; i < rows; i++) {
    // Rows come in rank order, all over the table: every TOUCH_AHEAD rows, the next ones' key ends and records
    // are read first, in a loop whose reads do not wait on each other, then their keys (a row's own reads would
    // each wait for the one before).
    if ((i - from) % TOUCH_AHEAD == 0) touch(order, i, min(rows, i + TOUCH_AHEAD), keys, records, recordBytes);
    const row = load<u32>(order + (<usize>i << 2));
    const keyStart = keys + rowKeyStart(row);
    const keyEnd = keys + rowKeyEnd(row);
    if (at + (keyEnd - keyStart) + rowMost > outEnd) break;
    if (!keyPlain(keyStart, keyEnd, fields, keyKind)) break;
    const record = records + <usize>row * recordBytes;
    const first = load<f64>(record + stampsAt);
    const last = load<f64>(record + stampsAt, 8);
    if (!isoWritable(first) || !isoWritable(last)) break;
    for (let step = program; step < programEnd; step += 16) {
      const kind = load<u32>(step);
      const length = <usize>load<u32>(step, 12);
      if (kind <= LATER_PIECE && kind != PIECE && (kind == FIRST_PIECE) != (i == 0)) continue;
      if (length > 0) {
        copySmall(at, pieces + <usize>load<u32>(step, 8), length);
        at += length;
      }
      if (kind == COUNT) {
        at = writeUint(at, load<u32>(record + (<usize>load<u32>(step, 4) << 2)));
      } else if (kind == KEY) {
        const start = fields == 1 ? keyStart : fieldAt(keyStart, keyEnd, fields, load<u32>(step, 4));
        const end = fields == 1 ? keyEnd : fieldEnd;
        copySmall(at, start, end - start);
        at += end - start;
      } else if (kind == STAMP) {
        at = writeIso(at, load<u32>(step, 4) == 0 ? first : last);
      }
    }
  }
  rowsBytes = <u32>(at - out);
  return i;
}

/** Rows read ahead of writing them. */
const TOUCH_AHEAD: u32 = 32;
/** What the reads ahead found (kept, so that they are not optimized away). */
let touched: u32 = 0;

function touch(order: usize, from: u32, to: u32, keys: usize, records: usize, recordBytes: usize): void {
  let sum: u32 = 0;
  for (let i = from; i < to; i++) {
    const row = load<u32>(order + (<usize>i << 2));
    sum += load<u32>(records + <usize>row * recordBytes) + load<u32>(records + <usize>row * recordBytes + recordBytes - 4);
    sum += <u32>rowKeyEnd(row);
  }
  for (let i = from; i < to; i++) sum += <u32>load<u8>(keys + rowKeyStart(load<u32>(order + (<usize>i << 2))));
  touched += sum;
}

/** Copies `length` bytes (a piece or a key: mostly short) from `source` to `at`, the two apart. */
@inline
function copySmall(at: usize, source: usize, length: usize): void {
  if (length >= 8 && length <= 16) {
    store<u64>(at, load<u64>(source));
    store<u64>(at + length - 8, load<u64>(source + length - 8));
  } else if (length >= 4 && length < 8) {
    store<u32>(at, load<u32>(source));
    store<u32>(at + length - 4, load<u32>(source + length - 4));
  } else if (length < 4) {
    for (let b: usize = 0; b < length; b++) store<u8>(at + b, load<u8>(source + b));
  } else {
    memory.copy(at, source, length);
  }
}

/** Whether every field of the key [start, end) of `fields` fields is written as it is (keyKind: KEY_CSV or JSON). */
function keyPlain(start: usize, end: usize, fields: u32, keyKind: u32): bool {
  for (let field: u32 = 0; field < fields; field++) {
    const from = fields == 1 ? start : fieldAt(start, end, fields, field);
    const to = fields == 1 ? end : fieldEnd;
    if (!(keyKind == KEY_CSV ? csvPlain(from, to) : jsonPlain(from, to))) return false;
  }
  return true;
}

/** JSON's plain ASCII: no quote, backslash, control character or byte past 0x7f (src/sinks/json-rows.ts isPlainAscii). */
function jsonPlain(start: usize, end: usize): bool {
  if (end - start >= 16) {
    // 16 bytes at a time, the last 16 overlapping the ones before.
    const space = i8x16.splat(0x20);
    const high = i8x16.splat(<i8>0x80);
    const quote = i8x16.splat(0x22);
    const backslash = i8x16.splat(0x5c);
    for (let p = start; ; p += 16) {
      if (p + 16 > end) p = end - 16;
      const v = v128.load(p);
      if (v128.any_true(v128.or(v128.or(i8x16.lt_u(v, space), i8x16.ge_u(v, high)), v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash))))) return false;
      if (p + 16 == end) return true;
    }
  }
  for (let p = start; p < end; p++) {
    const b = load<u8>(p);
    if (b < 0x20 || b >= 0x80 || b == 0x22 || b == 0x5c) return false;
  }
  return true;
}

/** Printable ASCII without space, quote or comma: written as is (src/sinks/csv.ts isPlainKey). */
function csvPlain(start: usize, end: usize): bool {
  if (end - start >= 16) {
    const space = i8x16.splat(0x20);
    const del = i8x16.splat(0x7f);
    const quote = i8x16.splat(0x22);
    const comma = i8x16.splat(<i8>COMMA);
    for (let p = start; ; p += 16) {
      if (p + 16 > end) p = end - 16;
      const v = v128.load(p);
      if (v128.any_true(v128.or(v128.or(i8x16.le_u(v, space), i8x16.ge_u(v, del)), v128.or(i8x16.eq(v, quote), i8x16.eq(v, comma))))) return false;
      if (p + 16 == end) return true;
    }
  }
  for (let p = start; p < end; p++) {
    const b = load<u8>(p);
    if (b <= 0x20 || b >= 0x7f || b == 0x22 || b == COMMA) return false;
  }
  return true;
}

function writeUint(at: usize, value: u32): usize {
  if (value < 10) {
    store<u8>(at, <u8>(48 + value));
    return at + 1;
  }
  let digits: usize = 1;
  for (let rest = value; rest >= 10; rest /= 10) digits++;
  let p = at + digits;
  let rest = value;
  do {
    store<u8>(--p, <u8>(48 + rest % 10));
    rest /= 10;
  } while (rest > 0);
  return at + digits;
}

// Stamps (src/base/time.ts): epoch seconds * 4096 + (offset minutes + 2048).
const OFFSET_SPAN: f64 = 4096;
const OFFSET_BIAS: i32 = 2048;

/** The stamp's offset in minutes. */
@inline
function offsetMinutes(stamp: f64): i32 {
  return <i32>(stamp - Math.floor(stamp * (1 / OFFSET_SPAN)) * OFFSET_SPAN) - OFFSET_BIAS;
}

/** The stamp's local time (in its own offset), in seconds from 1970-01-01T00:00 local (exact in an f64). */
@inline
function localSeconds(stamp: f64): f64 {
  return Math.floor(stamp * (1 / OFFSET_SPAN)) + <f64>(offsetMinutes(stamp) * 60);
}

/** Local times from 0000-01-01T00:00:00 to 9999-12-31T23:59:59 (seconds from 1970): the years writeIso writes with four digits. */
const FIRST_SECOND: f64 = -719528 * 86400;
const END_SECOND: f64 = (2932896 + 1) * 86400;

function isoWritable(stamp: f64): bool {
  if (!isFinite(stamp)) return false;
  const local = localSeconds(stamp);
  return local >= FIRST_SECOND && local < END_SECOND;
}

function two(at: usize, value: i32): usize {
  store<u8>(at, <u8>(48 + value / 10));
  store<u8>(at + 1, <u8>(48 + value % 10));
  return at + 2;
}

/** The local day writeIso last wrote (seconds from 1970 of its start) and its `YYYY-MM-DD`; the offset last written and its `+hh:mm`. */
let cachedDayStart: f64 = NaN;
const CACHED_DAY: usize = memory.data(16);
let cachedOffset: i32 = 0x7fffffff;
const CACHED_OFFSET: usize = memory.data(8);

/**
 * `2015-10-25T04:11:26+01:00`: the local time in the stamp's own offset (src/base/time.ts writeStampIso), for a
 * stamp isoWritable said yes to. The date and the offset are those of the last stamp more often than not (a
 * log spans days, not years): each is made again only when it changed.
 */
function writeIso(at: usize, stamp: f64): usize {
  const offset = offsetMinutes(stamp);
  const local = localSeconds(stamp);
  if (!(local >= cachedDayStart && local < cachedDayStart + 86400)) {
    const days = Math.floor(local / 86400);
    cachedDayStart = days * 86400;
    writeDate(CACHED_DAY, <i32>days);
  }
  store<u64>(at, load<u64>(CACHED_DAY));
  store<u16>(at + 8, load<u16>(CACHED_DAY + 8));
  at += 10;
  const second = <i32>(local - cachedDayStart);
  store<u8>(at++, 0x54); // T
  at = two(at, second / 3600);
  store<u8>(at++, 0x3a);
  at = two(at, (second / 60) % 60);
  store<u8>(at++, 0x3a);
  at = two(at, second % 60);
  if (offset != cachedOffset) {
    cachedOffset = offset;
    const abs = offset < 0 ? -offset : offset;
    store<u8>(CACHED_OFFSET, offset < 0 ? 0x2d : 0x2b);
    two(CACHED_OFFSET + 1, abs / 60);
    store<u8>(CACHED_OFFSET + 3, 0x3a);
    two(CACHED_OFFSET + 4, abs % 60);
  }
  store<u32>(at, load<u32>(CACHED_OFFSET));
  store<u16>(at + 4, load<u16>(CACHED_OFFSET + 4));
  return at + 6;
}

/** `YYYY-MM-DD` of a day (days from 1970-01-01, years 0000-9999), at `at`: H. Hinnant's civil_from_days, in 32-bit arithmetic. */
function writeDate(at: usize, days: i32): void {
  const z = days + 719468;
  const era = (z >= 0 ? z : z - 146096) / 146097;
  const doe = z - era * 146097;
  const yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const mp = (5 * doy + 2) / 153;
  const day = doy - (153 * mp + 2) / 5 + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  at = two(at, year / 100);
  at = two(at, year % 100);
  store<u8>(at++, 0x2d);
  at = two(at, month);
  store<u8>(at++, 0x2d);
  two(at, day);
}
