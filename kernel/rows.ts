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
  // The bytes a key must not hold to be written as is: CSV's (src/sinks/csv.ts isPlainKey) or JSON's
  // (src/sinks/json-rows.ts isPlainAscii), as "at most lowest, at least highest, or one of two".
  const csv = keyKind == KEY_CSV;
  const lowest = i8x16.splat(csv ? 0x20 : 0x1f);
  const highest = i8x16.splat(csv ? 0x7f : <i8>0x80);
  const quote = i8x16.splat(0x22);
  const other = i8x16.splat(csv ? COMMA : 0x5c);
  let at = out;
  let i = from;
  for (; i < rows; i++) {
    // Rows come in rank order, all over the table: every TOUCH_AHEAD rows, the key ends and records of the
    // TOUCH_AHEAD rows after these are read, in a loop whose reads do not wait on each other, then their keys
    // (a row's own reads would each wait for the one before), so they arrive while these are written.
    if ((i - from) % TOUCH_AHEAD == 0) touch(order, i, min(rows, i + TOUCH_AHEAD), keys, records, recordBytes);
    const row = load<u32>(order + (<usize>i << 2));
    const keyStart = keys + rowKeyStart(row);
    const keyEnd = keys + rowKeyEnd(row);
    if (at + (keyEnd - keyStart) + rowMost > outEnd) break;
    const record = records + <usize>row * recordBytes;
    const first = load<f64>(record + stampsAt);
    const last = load<f64>(record + stampsAt, 8);
    if (!isoWritable(first) || !isoWritable(last)) break;
    // The row is written whole, its key fields checked as they are copied: a field that cannot be written as
    // is takes the row back out (`at` back to its start) and ends the call there.
    const rowStart = at;
    let step = program;
    for (; step < programEnd; step += 16) {
      const kind = load<u32>(step);
      const length = <usize>load<u32>(step, 12);
      if (kind <= LATER_PIECE && kind != PIECE && (kind == FIRST_PIECE) != (i == 0)) continue;
      if (length > 0) {
        copyBytes(at, pieces + <usize>load<u32>(step, 8), length);
        at += length;
      }
      if (kind == COUNT) {
        at = writeUint(at, load<u32>(record + (<usize>load<u32>(step, 4) << 2)));
      } else if (kind == KEY) {
        const start = fields == 1 ? keyStart : fieldAt(keyStart, keyEnd, fields, load<u32>(step, 4));
        const end = fields == 1 ? keyEnd : fieldEnd;
        if (!copyPlain(at, start, end - start, lowest, highest, quote, other)) break;
        at += end - start;
      } else if (kind == STAMP) {
        at = writeIso(at, load<u32>(step, 4) == 0 ? first : last);
      }
    }
    if (step < programEnd) {
      at = rowStart;
      break;
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

/**
 * Copies `length` bytes (a piece or a key: mostly short) from `source` to `at`, the two apart: in at most two
 * overlapping loads and stores up to 16 bytes, 16 at a time past that (memory.copy is a call out of the
 * module, dearer than the copy of a 20-byte piece or a 50-byte path).
 */
@inline
function copyBytes(at: usize, source: usize, length: usize): void {
  if (length > 16) {
    for (let p: usize = 0; p < length - 16; p += 16) v128.store(at + p, v128.load(source + p));
    v128.store(at + length - 16, v128.load(source + length - 16));
  } else if (length >= 8) {
    store<u64>(at, load<u64>(source));
    store<u64>(at + length - 8, load<u64>(source + length - 8));
  } else if (length >= 4) {
    store<u32>(at, load<u32>(source));
    store<u32>(at + length - 4, load<u32>(source + length - 4));
  } else {
    for (let b: usize = 0; b < length; b++) store<u8>(at + b, load<u8>(source + b));
  }
}

/** The lanes of `v` holding a byte at most `lowest`, at least `highest`, or equal to `quote` or `other`. */
@inline
function badBytes(v: v128, lowest: v128, highest: v128, quote: v128, other: v128): v128 {
  return v128.or(v128.or(i8x16.le_u(v, lowest), i8x16.ge_u(v, highest)), v128.or(i8x16.eq(v, quote), i8x16.eq(v, other)));
}

/**
 * Copies a key field as copyBytes does, and says whether it is written as it is (none of its bytes is bad, as
 * badBytes says): the bytes copied are the bytes checked, read once (never past the field's end: a short field
 * is checked as its two overlapping loads put in one vector, its bytes there once or twice).
 */
@inline
function copyPlain(at: usize, source: usize, length: usize, lowest: v128, highest: v128, quote: v128, other: v128): bool {
  let v: v128;
  if (length > 16) {
    let bad = i8x16.splat(0);
    for (let p: usize = 0; p < length - 16; p += 16) {
      const w = v128.load(source + p);
      v128.store(at + p, w);
      bad = v128.or(bad, badBytes(w, lowest, highest, quote, other));
    }
    const w = v128.load(source + length - 16);
    v128.store(at + length - 16, w);
    return !v128.any_true(v128.or(bad, badBytes(w, lowest, highest, quote, other)));
  } else if (length >= 8) {
    const head = load<u64>(source);
    const tail = load<u64>(source + length - 8);
    store<u64>(at, head);
    store<u64>(at + length - 8, tail);
    v = i64x2.replace_lane(i64x2.splat(head), 1, tail);
  } else if (length >= 4) {
    const head = load<u32>(source);
    const tail = load<u32>(source + length - 4);
    store<u32>(at, head);
    store<u32>(at + length - 4, tail);
    v = i32x4.replace_lane(i32x4.splat(head), 1, tail);
  } else {
    // 0 to 3 bytes: the first stands in for the missing ones, and `a` (never bad) for an empty field's.
    const b0 = length > 0 ? load<u8>(source) : <u8>0x61;
    const b1 = length > 1 ? load<u8>(source, 1) : b0;
    const b2 = length > 2 ? load<u8>(source, 2) : b0;
    for (let b: usize = 0; b < length; b++) store<u8>(at + b, load<u8>(source + b));
    v = i8x16.replace_lane(i8x16.replace_lane(i8x16.splat(b0), 1, b1), 2, b2);
  }
  return !v128.any_true(badBytes(v, lowest, highest, quote, other));
}

/** `00` to `99`, two bytes each: numbers and times are written two digits a step (a lookup, not a `% 10` and a `/ 10` per digit). */
const DIGIT_PAIRS: usize = memory.data(200);
for (let n: u32 = 0; n < 100; n++) store<u16>(DIGIT_PAIRS + (<usize>n << 1), <u16>((48 + n / 10) | ((48 + n % 10) << 8)));

@inline
function pair(value: u32): u16 {
  return load<u16>(DIGIT_PAIRS + (<usize>value << 1));
}

function writeUint(at: usize, value: u32): usize {
  if (value < 10) {
    store<u8>(at, <u8>(48 + value)); // most status columns of most rows: 0
    return at + 1;
  }
  const digits: usize = value < 100 ? 2 : value < 1000 ? 3 : value < 10000 ? 4 : value < 100000 ? 5 : value < 1000000 ? 6 : value < 10000000 ? 7 : value < 100000000 ? 8 : value < 1000000000 ? 9 : 10;
  let p = at + digits;
  let rest = value;
  while (rest >= 100) {
    const high = rest / 100;
    p -= 2;
    store<u16>(p, pair(rest - high * 100));
    rest = high;
  }
  if (rest >= 10) store<u16>(p - 2, pair(rest));
  else store<u8>(p - 1, <u8>(48 + rest));
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

/** Stamps whose local time is in those years whatever their offset (2048 minutes at most either way). */
const SURE_FIRST_STAMP: f64 = (FIRST_SECOND + 2048 * 60) * OFFSET_SPAN;
const SURE_END_STAMP: f64 = (END_SECOND - 2048 * 60) * OFFSET_SPAN;

function isoWritable(stamp: f64): bool {
  if (stamp >= SURE_FIRST_STAMP && stamp < SURE_END_STAMP) return true;
  if (!isFinite(stamp)) return false;
  const local = localSeconds(stamp);
  return local >= FIRST_SECOND && local < END_SECOND;
}

/**
 * The `YYYY-MM-DD` of the days written lately, by day number, direct-mapped (day d in slot d % DAY_SLOTS): a
 * row's first and last instants are often days apart, and a ranking's rows come from all of a log's days.
 * A slot's tag is its day + DAY_TAG (0: empty, as memory.data starts).
 */
const DAY_SLOTS: u32 = 64;
const DAY_TAG: i32 = 0x10000000;
const DAY_TAGS: usize = memory.data(<i32>DAY_SLOTS * 4);
const DAY_DATES: usize = memory.data(<i32>DAY_SLOTS * 16);
/** The offset last written and its `+hh:mm`. */
let cachedOffset: i32 = 0x7fffffff;
const CACHED_OFFSET: usize = memory.data(8);

/**
 * `2015-10-25T04:11:26+01:00`: the local time in the stamp's own offset (src/base/time.ts writeStampIso), for a
 * stamp isoWritable said yes to, in integers: the stamp's floor as an i64 holds the epoch second above its 12
 * low bits and the offset (+ OFFSET_BIAS) in them (the same as localSeconds and offsetMinutes). The date and
 * the offset are mostly those of a stamp written lately: each is made again only when it is not.
 */
function writeIso(at: usize, stamp: f64): usize {
  const whole = <i64>Math.floor(stamp);
  const offset = <i32>(whole & 4095) - OFFSET_BIAS;
  const local = (whole >> 12) + <i64>(offset * 60);
  const days = <i32>Math.floor(<f64>local / 86400);
  const second = <u32>(local - <i64>days * 86400);
  const slot = <usize>(<u32>days % DAY_SLOTS);
  const date = DAY_DATES + (slot << 4);
  if (load<i32>(DAY_TAGS + (slot << 2)) != days + DAY_TAG) {
    store<i32>(DAY_TAGS + (slot << 2), days + DAY_TAG);
    writeDate(date, days);
  }
  store<u64>(at, load<u64>(date));
  store<u16>(at + 8, load<u16>(date + 8));
  const hour = second / 3600;
  const minutes = second / 60 - hour * 60;
  // `Thh:mm:s` in one store, then the second's last digit.
  const seconds = pair(second % 60);
  store<u64>(at + 10, 0x54 | (<u64>pair(hour) << 8) | (<u64>0x3a << 24) | (<u64>pair(minutes) << 32) | (<u64>0x3a << 48) | (<u64>(seconds & 0xff) << 56));
  store<u8>(at + 18, <u8>(seconds >> 8));
  if (offset != cachedOffset) {
    cachedOffset = offset;
    const abs = <u32>(offset < 0 ? -offset : offset);
    store<u8>(CACHED_OFFSET, offset < 0 ? 0x2d : 0x2b);
    store<u16>(CACHED_OFFSET + 1, pair(abs / 60));
    store<u8>(CACHED_OFFSET + 3, 0x3a);
    store<u16>(CACHED_OFFSET + 4, pair(abs % 60));
  }
  store<u32>(at + 19, load<u32>(CACHED_OFFSET));
  store<u16>(at + 23, load<u16>(CACHED_OFFSET + 4));
  return at + 25;
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
  store<u16>(at, pair(<u32>year / 100));
  store<u16>(at + 2, pair(<u32>year % 100));
  store<u8>(at + 4, 0x2d);
  store<u16>(at + 5, pair(<u32>month));
  store<u8>(at + 7, 0x2d);
  store<u16>(at + 8, pair(<u32>day));
}
