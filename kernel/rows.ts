// CSV, JSON and NDJSON rows of the default run, written by the kernel straight from its group table
// (kernel/table.ts), after the consumer merged into it (src/tables/kernel-table.ts KernelMerger). A row is a
// program of steps JS makes once per output (src/sinks/csv.ts, json-rows.ts): constant pieces (names, braces,
// commas), the key, counts and instants. The bytes are those the sinks' JS writers write, which stay the
// reference (tests compare the two on every kind of key): a key with bytes the format must quote, escape or
// decode as UTF-8, or an instant outside the years 0000-9999, stops the call: JS writes that row and calls again
// from the next.
//
// Why here: the JS writers run once per run, cold (interpreted, then compiled); this code is compiled before it
// first runs. A million JSON rows took 3 s in JS.

import { rowKeyEnd, rowKeyStart, tableKeyBytes, tableRecords, tableRecordBytes, tableStampsAt } from './table';

/** Bytes written by the last writeRows call. */
export let rowsBytes: u32 = 0;

const COMMA: u8 = 0x2c;

// A program's steps, 4 u32 each: the step, then its arguments.
/** Copies pieces[a, a + b). */
const PIECE: u32 = 0;
/** Copies pieces[a, a + b) before the first row only. */
const FIRST_PIECE: u32 = 1;
/** Copies pieces[a, a + b) before every row but the first. */
const LATER_PIECE: u32 = 2;
/** The key's bytes, as they are. */
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
export function writeRows(order: usize, from: u32, rows: u32, out: usize, outEnd: usize, program: usize, steps: u32, pieces: usize, keyKind: u32, rowMost: u32): u32 {
  const keys = tableKeyBytes();
  const records = tableRecords();
  const recordBytes = tableRecordBytes();
  const stampsAt = tableStampsAt();
  const programEnd = program + (<usize>steps << 4);
  let at = out;
  let i = from;
  for (; i < rows; i++) {
    const row = load<u32>(order + (<usize>i << 2));
    const keyStart = keys + rowKeyStart(row);
    const keyEnd = keys + rowKeyEnd(row);
    if (at + (keyEnd - keyStart) + rowMost > outEnd) break;
    if (!(keyKind == KEY_CSV ? csvPlain(keyStart, keyEnd) : jsonPlain(keyStart, keyEnd))) break;
    const record = records + <usize>row * recordBytes;
    const first = load<f64>(record + stampsAt);
    const last = load<f64>(record + stampsAt, 8);
    if (!isoWritable(first) || !isoWritable(last)) break;
    for (let step = program; step < programEnd; step += 16) {
      const kind = load<u32>(step);
      const a = load<u32>(step, 4);
      if (kind == COUNT) {
        at = writeUint(at, load<u32>(record + (<usize>a << 2)));
      } else if (kind == KEY) {
        memory.copy(at, keyStart, keyEnd - keyStart);
        at += keyEnd - keyStart;
      } else if (kind == STAMP) {
        at = writeIso(at, a == 0 ? first : last);
      } else if (kind == PIECE || (kind == FIRST_PIECE && i == 0) || (kind == LATER_PIECE && i > 0)) {
        const length = <usize>load<u32>(step, 8);
        const source = pieces + <usize>a;
        if (length == 1) store<u8>(at, load<u8>(source));
        else memory.copy(at, source, length);
        at += length;
      }
    }
  }
  rowsBytes = <u32>(at - out);
  return i;
}

/** JSON's plain ASCII: no quote, backslash, control character or byte past 0x7f (src/sinks/json-rows.ts isPlainAscii). */
function jsonPlain(start: usize, end: usize): bool {
  for (let p = start; p < end; p++) {
    const b = load<u8>(p);
    if (b < 0x20 || b >= 0x80 || b == 0x22 || b == 0x5c) return false;
  }
  return true;
}

/** Printable ASCII without space, quote or comma: written as is (src/sinks/csv.ts isPlainKey). */
function csvPlain(start: usize, end: usize): bool {
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
const OFFSET_BIAS: i64 = 2048;

/** The stamp's offset in minutes. */
function offsetMinutes(stamp: f64): i64 {
  return <i64>stamp - <i64>Math.floor(stamp / OFFSET_SPAN) * 4096 - OFFSET_BIAS;
}

/** The stamp's local time (in its own offset), in seconds from 1970-01-01T00:00 local. */
function localSeconds(stamp: f64): i64 {
  return <i64>Math.floor(stamp / OFFSET_SPAN) + offsetMinutes(stamp) * 60;
}

function floorDiv(a: i64, b: i64): i64 {
  const q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/** Days 0000-01-01 .. 9999-12-31 (from 1970-01-01): the years writeIso writes with four digits. */
const FIRST_DAY: i64 = -719528;
const LAST_DAY: i64 = 2932896;

function isoWritable(stamp: f64): bool {
  if (!isFinite(stamp)) return false;
  const days = floorDiv(localSeconds(stamp), 86400);
  return days >= FIRST_DAY && days <= LAST_DAY;
}

function two(at: usize, value: i64): usize {
  store<u8>(at, <u8>(48 + value / 10));
  store<u8>(at + 1, <u8>(48 + value % 10));
  return at + 2;
}

/** `2015-10-25T04:11:26+01:00`: the local time in the stamp's own offset (src/base/time.ts writeStampIso). */
function writeIso(at: usize, stamp: f64): usize {
  const offset = offsetMinutes(stamp);
  const local = localSeconds(stamp);
  const days = floorDiv(local, 86400);
  const second = local - days * 86400;
  // H. Hinnant's civil_from_days.
  const z = days + 719468;
  const era = floorDiv(z, 146097);
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
  at = two(at, day);
  store<u8>(at++, 0x54); // T
  at = two(at, second / 3600);
  store<u8>(at++, 0x3a);
  at = two(at, (second / 60) % 60);
  store<u8>(at++, 0x3a);
  at = two(at, second % 60);
  const abs = offset < 0 ? -offset : offset;
  store<u8>(at++, offset < 0 ? 0x2d : 0x2b);
  at = two(at, abs / 60);
  store<u8>(at++, 0x3a);
  return two(at, abs % 60);
}
