// The W3C extended reader of the field kernel (kernel/fields.ts), in AssemblyScript: W3cFormat.parse's plain
// reading (src/formats/w3c.ts) of a line under the layout JS gives (w3cLayout), the fields found as separator
// bits 64 bytes at a time. Lines it does not read (a quote opening a field, a bad value) go back to JS.

import { packStamp } from './civil';
import { cachedIsoDays, timeEnd, wholeTimeOfDay } from './field-time';
import { accept, separatorAt } from './field-line';

const SP: u32 = 0x20;
const TAB: u32 = 0x09;
const QUOTE: u32 = 0x22;
const HASH: u32 = 0x23;

// W3C roles the kernel reads (src/scan/field-kernel-scanner.ts writes them from W3cFormat.essentialRoles).
const ROLE_DATE: u32 = 1;
const ROLE_TIME: u32 = 2;
const ROLE_CLIENT: u32 = 3;
const ROLE_STATUS: u32 = 4;

/** Columns of a W3C layout the kernel can hold; a layout with more essential ones is read by JS. */
export const MAX_COLUMNS: u32 = 1024;

const ROLES: usize = memory.data(<i32>MAX_COLUMNS);

/** Where JS writes the role of each W3C column up to the last essential one. */
export function rolesTable(): usize {
  return ROLES;
}

// The W3C layout in force (w3cLayout).
let lastEssential: i32 = -1;
let layoutDays: f64 = NaN;
let offsetMinutes: i32 = 0;

/**
 * The W3C layout for the lines that follow: the last essential column (-1: JS reads every line), the day of
 * the `#Date:` line for layouts without a date column (NaN otherwise, or when there is none) and the
 * `#GMT-Offset:` in minutes. The roles are in rolesTable().
 */
export function w3cLayout(last: i32, days: f64, offset: i32): void {
  lastEssential = last < <i32>MAX_COLUMNS ? last : -1;
  listEssentials(lastEssential);
  layoutDays = days;
  offsetMinutes = offset;
}

/**
 * W3cFormat.parse's plain reading; false for anything else (then JS reads the line). The separators (space,
 * TAB) are found 64 bytes at a time as bits, and the columns before each essential one are crossed by counting
 * bits, so a field costs no byte loop. A line shorter than 16 bytes, or one whose bits show a quote opening a
 * field or a space after a separator (a run, which the JS reading collapses) is read by parseW3cBytes, the
 * byte-by-byte twin.
 */
export function parseW3c(start: usize, end: usize): bool {
  const first = <u32>load<u8>(start);
  if (first == HASH) return false;
  const last = lastEssential;
  if (last < 0) return false;
  if (end - start < 16) return parseW3cBytes(start, end, last);
  if (first == QUOTE) return false;
  w3cDays = layoutDays;
  w3cSeconds = NaN;
  w3cCode = 0;
  w3cClientStart = 0;
  w3cClientEnd = 0;
  carry = 0;
  let base = start;
  let mask = separatorBits(base, end);
  if (oddBits != 0) return parseW3cBytes(start, end, last);
  let column: i32 = 0;
  let fieldStart = start;
  for (let i: i32 = 0; i < essentials; i++) {
    const target = load<u8>(ESSENTIAL_COLUMNS + <usize>i);
    // Cross the separators of the columns before `target`.
    let n = <i32>target - column;
    while (n > 0) {
      while (mask == 0) {
        base += 64;
        if (base >= end) return false; // the line ends before the column
        mask = separatorBits(base, end);
        if (oddBits != 0) return parseW3cBytes(start, end, last);
      }
      const count = <i32>popcnt(mask);
      if (count < n) {
        n -= count;
        mask = 0;
        continue;
      }
      while (n > 1) {
        mask &= mask - 1;
        n--;
      }
      fieldStart = base + <usize>ctz(mask) + 1;
      mask &= mask - 1;
      n = 0;
    }
    // The field's end: the next separator, or the line's end.
    while (mask == 0) {
      base += 64;
      if (base >= end) break;
      mask = separatorBits(base, end);
      if (oddBits != 0) return parseW3cBytes(start, end, last);
    }
    const p = mask == 0 ? end : base + <usize>ctz(mask);
    mask &= mask - 1;
    if (!w3cField(<u32>load<u8>(ESSENTIAL_ROLES + <usize>i), fieldStart, p)) return false;
    if (<i32>target == last) return w3cAccept();
    if (p >= end) return false;
    column = <i32>target + 1;
    fieldStart = p + 1;
  }
  return false; // not reached: the last essential column returns
}

// The essential columns of the layout in force and their roles, in column order (w3cLayout).
const ESSENTIAL_COLUMNS: usize = memory.data(8);
const ESSENTIAL_ROLES: usize = memory.data(8);
let essentials: i32 = 0;

/** Lists the essential columns of rolesTable() up to `last`. */
function listEssentials(last: i32): void {
  essentials = 0;
  for (let column: i32 = 0; column <= last; column++) {
    const role = load<u8>(ROLES + <usize>column);
    if (role == 0) continue;
    store<u8>(ESSENTIAL_COLUMNS + <usize>essentials, <u8>column);
    store<u8>(ESSENTIAL_ROLES + <usize>essentials, role);
    essentials++;
  }
}

// What the essential fields of the line being read gave (w3cField).
let w3cDays: f64 = NaN;
let w3cSeconds: f64 = NaN;
let w3cCode: u32 = 0;
let w3cClientStart: usize = 0;
let w3cClientEnd: usize = 0;

/** Takes the field [p, q) of the given role; false when the line is not read. */
@inline function w3cField(role: u32, p: usize, q: usize): bool {
  if (role == ROLE_DATE) {
    w3cDays = q - p == 10 ? cachedIsoDays(p) : NaN;
  } else if (role == ROLE_TIME) {
    const seconds = wholeTimeOfDay(p, q);
    w3cSeconds = timeEnd == q ? seconds : NaN;
  } else if (role == ROLE_CLIENT) {
    w3cClientStart = p;
    w3cClientEnd = q;
  } else if (role == ROLE_STATUS) {
    w3cCode = w3cStatus(p, q);
    if (w3cCode == NO_STATUS) return false;
  }
  return true;
}

/** The line's essential fields read: accepts it when they make a line. */
@inline function w3cAccept(): bool {
  if (w3cClientEnd <= w3cClientStart || isNaN(w3cSeconds) || isNaN(w3cDays)) return false;
  accept(w3cClientStart, w3cClientEnd, w3cCode, packStamp(w3cDays * 86400 + w3cSeconds - <f64>(offsetMinutes * 60), offsetMinutes));
  return true;
}

/** The top separator bit of the block before (a field starts after it). */
let carry: u64 = 0;
/** Bits of the last separatorBits block where a field starts with a quote or a space. */
let oddBits: u64 = 0;

/**
 * Bit i set: the byte at q + i is a space or TAB, for the bytes of [q, q + 64) before end (q < end, and the
 * line at least 16 bytes: a block cut by end is loaded as the 16 bytes ending at end). Sets oddBits.
 */
@inline function separatorBits(q: usize, end: usize): u64 {
  let bits: u64 = 0;
  let odd: u64 = 0;
  if (q + 64 <= end) {
    const a = blockMasks(q);
    const b = blockMasks(q + 16);
    const c = blockMasks(q + 32);
    const d = blockMasks(q + 48);
    bits = <u64>(a & 0xffff) | (<u64>(b & 0xffff) << 16) | (<u64>(c & 0xffff) << 32) | (<u64>(d & 0xffff) << 48);
    odd = <u64>(a >>> 16) | (<u64>(b >>> 16) << 16) | (<u64>(c >>> 16) << 32) | (<u64>(d >>> 16) << 48);
  } else {
    for (let i: u64 = 0; i < 64; i += 16) {
      const at = q + <usize>i;
      if (at + 16 <= end) {
        const m = blockMasks(at);
        bits |= <u64>(m & 0xffff) << i;
        odd |= <u64>(m >>> 16) << i;
      } else {
        if (at < end) {
          const shift = 16 - <u32>(end - at);
          const m = blockMasks(end - 16);
          bits |= <u64>((m & 0xffff) >>> shift) << i;
          odd |= <u64>((m >>> 16) >>> shift) << i;
        }
        break;
      }
    }
  }
  oddBits = ((bits << 1) | carry) & odd;
  carry = bits >> 63;
  return bits;
}

/** The 16 bytes at `at`: bit i for a space or TAB at at + i, bit 16 + i for a space or quote. */
@inline function blockMasks(at: usize): u32 {
  const v = v128.load(at);
  const spaces = i8x16.eq(v, i8x16.splat(<i8>SP));
  const separators = i8x16.bitmask(v128.or(spaces, i8x16.eq(v, i8x16.splat(<i8>TAB))));
  return separators | (i8x16.bitmask(v128.or(spaces, i8x16.eq(v, i8x16.splat(<i8>QUOTE)))) << 16);
}

const NO_STATUS: u32 = 0xffffffff;

/** A W3C status field [p, q): three digits 000, 100..599; NO_STATUS otherwise. */
@inline function w3cStatus(p: usize, q: usize): u32 {
  if (q - p != 3) return NO_STATUS;
  const d1 = <i32>load<u8>(p) - 0x30;
  const d2 = <i32>load<u8>(p + 1) - 0x30;
  const d3 = <i32>load<u8>(p + 2) - 0x30;
  if (<u32>d1 > 5 || <u32>d2 > 9 || <u32>d3 > 9) return NO_STATUS;
  const code = <u32>(d1 * 100 + d2 * 10 + d3);
  return code < 100 && code != 0 ? NO_STATUS : code;
}

/** parseW3c byte by byte (runs of spaces collapsed as the JS reading does). */
function parseW3cBytes(start: usize, end: usize, last: i32): bool {
  w3cDays = layoutDays;
  w3cSeconds = NaN;
  w3cCode = 0;
  w3cClientStart = 0;
  w3cClientEnd = 0;
  let p = start;
  for (let column: i32 = 0; ; column++) {
    const fieldStart = p;
    if (p < end && <u32>load<u8>(p) == QUOTE) return false;
    p = separatorAt(p, end);
    if (!w3cField(<u32>load<u8>(ROLES + <usize>column), fieldStart, p)) return false;
    if (column == last) return w3cAccept();
    if (p >= end) return false;
    p++;
    while (p < end && <u32>load<u8>(p) == SP) p++;
  }
  return false; // not reached: the loop returns
}
