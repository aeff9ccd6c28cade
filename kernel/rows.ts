// CSV, JSON and NDJSON rows of the default run, written by the kernel straight from its group table
// (kernel/table.ts), after the consumer merged into it (src/tables/kernel-table.ts KernelMerger), or a
// composite-key run's table copied into it (MergedKernelTable.copyOf). A row is a
// program of steps JS makes once per output (src/sinks/csv.ts, json-rows.ts): constant pieces (names, braces,
// commas), the key, counts and instants (row-numbers.ts). The bytes are those the sinks' JS writers write, which
// stay the reference (tests compare the two on every kind of key): ASCII that CSV quotes or JSON escapes is
// quoted or escaped here, but a key field with a byte past ASCII (which JS decodes as UTF-8, or not) or an
// instant outside the years 0000-9999 stops the call: JS writes that row and calls again from the next.
//
// Why here: the JS writers run once per run, cold (interpreted, then compiled); this code is compiled before it
// first runs. A million JSON rows took 3 s in JS.

import { fieldAt, fieldEnd } from './key-fields';
import { isoWritable, writeIso, writeUint } from './row-numbers';
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
    // Rows come in rank order, all over the table: every TOUCH_AHEAD rows, the next ones' key ends and records
    // are read first, in a loop whose reads do not wait on each other, then their keys (a row's own reads would
    // each wait for the one before).
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
        if (copyPlain(at, start, end - start, lowest, highest, quote, other)) {
          at += end - start;
        } else {
          // ASCII to quote (CSV) or escape (JSON), 6 bytes a byte at most; bytes past ASCII go to JS.
          if (at + 6 * (end - start) + rowMost + (keyEnd - keyStart) > outEnd) break;
          const written = csv ? writeCsvQuoted(at, start, end) : writeJsonEscaped(at, start, end);
          if (written == 0) break;
          at = written;
        }
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
  // A key's first and last bytes: a 40-byte path lies across two cache lines more often than not.
  for (let i = from; i < to; i++) {
    const row = load<u32>(order + (<usize>i << 2));
    sum += <u32>load<u8>(keys + rowKeyStart(row)) + <u32>load<u8>(keys + rowKeyEnd(row) - 1);
  }
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

/** ASCII whitespace as JS's `\s` matches it: TAB, LF, VT, FF, CR and space. */
@inline
function isSpace(byte: u32): bool {
  return byte == 0x20 || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * An ASCII field with a byte CSV's plain copy may not hold, as src/sinks/csv.ts csvField writes it: quoted, its
 * quotes doubled, when it holds a quote, comma, CR or LF or starts or ends with whitespace, else as it is.
 * Returns where it ends, or 0 for a field with a byte past ASCII (JS decodes it).
 */
function writeCsvQuoted(at: usize, start: usize, end: usize): usize {
  let quoted = isSpace(load<u8>(start)) || isSpace(load<u8>(end - 1)); // (a field this checked is not empty)
  for (let p = start; p < end; p++) {
    const byte = load<u8>(p);
    if (byte >= 0x80) return 0;
    if (byte == 0x22 || byte == COMMA || byte == 0x0d || byte == 0x0a) quoted = true;
  }
  if (!quoted) {
    copyBytes(at, start, end - start);
    return at + (end - start);
  }
  store<u8>(at++, 0x22);
  for (let p = start; p < end; p++) {
    const byte = load<u8>(p);
    store<u8>(at++, byte);
    if (byte == 0x22) store<u8>(at++, 0x22);
  }
  store<u8>(at, 0x22);
  return at + 1;
}

/** JSON.stringify's short escapes of control bytes (`\b`, `\t`, `\n`, `\f`, `\r`) by byte, 0 for the others. */
const SHORT_ESCAPES: usize = memory.data(32);
store<u8>(SHORT_ESCAPES + 0x08, 0x62);
store<u8>(SHORT_ESCAPES + 0x09, 0x74);
store<u8>(SHORT_ESCAPES + 0x0a, 0x6e);
store<u8>(SHORT_ESCAPES + 0x0c, 0x66);
store<u8>(SHORT_ESCAPES + 0x0d, 0x72);

/**
 * An ASCII field with a quote, backslash or control byte, escaped as JSON.stringify escapes it (src/sinks/
 * json-rows.ts writeEscapedAscii): `\"`, `\\`, the short escapes, else `\u00xx`. Returns where it ends, or 0
 * for a field with a byte past ASCII (JS decodes it).
 */
function writeJsonEscaped(at: usize, start: usize, end: usize): usize {
  for (let p = start; p < end; p++) {
    const byte = <u32>load<u8>(p);
    if (byte >= 0x80) return 0;
    if (byte == 0x22 || byte == 0x5c) {
      store<u8>(at, 0x5c);
      store<u8>(at + 1, <u8>byte);
      at += 2;
    } else if (byte < 0x20) {
      const short = load<u8>(SHORT_ESCAPES + byte);
      store<u8>(at, 0x5c);
      if (short != 0) {
        store<u8>(at + 1, short);
        at += 2;
      } else {
        store<u32>(at + 1, 0x30303075); // u00
        store<u8>(at + 4, <u8>(byte < 0x10 ? 0x30 : 0x31));
        store<u8>(at + 5, <u8>((byte & 15) < 10 ? 0x30 + (byte & 15) : 0x57 + (byte & 15)));
        at += 6;
      }
    } else {
      store<u8>(at++, <u8>byte);
    }
  }
  return at;
}
