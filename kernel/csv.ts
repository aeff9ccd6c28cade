// CSV rows of the default run, written by the kernel straight from its group table (kernel/table.ts), after
// the consumer merged into it (src/scan/kernel-scanner.ts KernelMerger). The bytes are those src/sinks/csv.ts
// writes, which stays the reference (tests compare the two on every kind of key): a key of printable ASCII
// without comma, quote or space, then `,total`, `,count` per status column and the first and last instant as
// ISO 8601 in their own offset. A row this cannot write as is (a key to quote or to decode as UTF-8, a year
// outside 0000-9999) stops the call: JS writes that row and calls again from the next.
//
// Why here: the JS writer runs once per run on tens of thousands of rows, cold (interpreted, then compiled);
// this code is compiled before it first runs, and writing the CSV took a twentieth of a 1 GiB run in JS.

import { rowKeyEnd, rowKeyStart, tableKeyBytes, tableRecords, tableRecordBytes, tableStampsAt, tableWidth } from './table';

/** Bytes written by the last csvRows call. */
export let csvBytes: u32 = 0;

const COMMA: u8 = 0x2c;

/**
 * Writes the rows order[from], order[from + 1], ... (u32 table rows at `order`, `rows` of them) as CSV lines at
 * [out, outEnd). Returns the index of the first row it did not write: `rows`, a row it cannot write as is, or
 * the row that did not fit.
 */
export function csvRows(order: usize, from: u32, rows: u32, out: usize, outEnd: usize): u32 {
  const keys = tableKeyBytes();
  const records = tableRecords();
  const recordBytes = tableRecordBytes();
  const stampsAt = tableStampsAt();
  const width = tableWidth();
  let at = out;
  let i = from;
  for (; i < rows; i++) {
    const row = load<u32>(order + (<usize>i << 2));
    const keyStart = rowKeyStart(row);
    const keyEnd = rowKeyEnd(row);
    // Room for the longest line: the key, 10 digits and a comma per count, two stamps and their commas.
    if (at + (keyEnd - keyStart) + <usize>width * 11 + 2 * 29 + 1 > outEnd) break;
    if (!plainKey(keys + keyStart, keys + keyEnd)) break;
    const record = records + <usize>row * recordBytes;
    const first = load<f64>(record + stampsAt);
    const last = load<f64>(record + stampsAt, 8);
    if (!isoWritable(first) || !isoWritable(last)) break;
    memory.copy(at, keys + keyStart, keyEnd - keyStart);
    at += keyEnd - keyStart;
    for (let c: u32 = 0; c < width; c++) {
      store<u8>(at++, COMMA);
      at = writeUint(at, load<u32>(record + (<usize>c << 2)));
    }
    store<u8>(at++, COMMA);
    at = writeIso(at, first);
    store<u8>(at++, COMMA);
    at = writeIso(at, last);
    store<u8>(at++, 0x0a);
  }
  csvBytes = <u32>(at - out);
  return i;
}

/** Printable ASCII without space, quote or comma: written as is (src/sinks/csv.ts isPlainKey). */
function plainKey(start: usize, end: usize): bool {
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
