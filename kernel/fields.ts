// The scan kernel of the field-separated and templated formats, in AssemblyScript (built to
// dist/kernel/fields.wasm, a module of its own beside clf.wasm): W3C extended (IIS, CloudFront), AWS ALB and
// Classic ELB here, nginx `log_format` / Apache `LogFormat` strings (template.ts) and HAProxy (haproxy.ts).
//
// It reads what src/formats/w3c.ts W3cFormat.parse (its plain reading), src/formats/alb.ts parseFromTime,
// compiled.ts and haproxy.ts read, for the lines it can read alone, and hands every other line back to JS: a
// `#` line (a header, which may change the field order), a W3C field starting with a quote (the quoted
// reading), a line that does not fit.
// The kernel stops at such a line (`handBack`), JS reads it with the format's own parser and calls again after
// it (src/scan/field-kernel-scanner.ts). So the kernel never calls a line malformed, and the only format state
// it holds is the W3C layout JS gives it (`w3cLayout`). Counting, records and the table are as in clf.ts.

import { tableAdd } from './table';
import { findByteWide, packStamp } from './civil';
import { cachedIsoDays, isoTime, timeEnd, wholeTimeOfDay } from './field-time';
import { accept, clientEnd, clientStart, fieldEnd, separatorAt, setClientAddress, skipFields, stamp, status, threeDigitStatus } from './field-line';
import { parseTemplate } from './template';
import { parseHaproxy } from './haproxy';
export { templateInit, STEP_BYTES } from './template';
export { tableInit, tableClear, tableRows, tableKeyBytes, tableKeyEnds, tableRecords, tableSlots, tableSlotCount, tableCapacity, tableKeyCapacity } from './table';

const LF: u32 = 0x0a;
const CR: u32 = 0x0d;
const SP: u32 = 0x20;
const QUOTE: u32 = 0x22;
const HASH: u32 = 0x23;
const TAB: u32 = 0x09;

/** The `format` argument of scan. */
const W3C: u32 = 0;
const ALB: u32 = 1;
const ELB: u32 = 2;
const TEMPLATE: u32 = 3;
const HAPROXY: u32 = 4;

// W3C roles the kernel reads (src/scan/field-kernel-scanner.ts writes them from W3cFormat.essentialRoles).
const ROLE_DATE: u32 = 1;
const ROLE_TIME: u32 = 2;
const ROLE_CLIENT: u32 = 3;
const ROLE_STATUS: u32 = 4;

/** Columns of a W3C layout the kernel can hold; a layout with more essential ones is read by JS. */
export const MAX_COLUMNS: u32 = 1024;

/** One record per matching line, 32 bytes, as in clf.ts. */
export const RECORD_BYTES: u32 = 32;

const WANTED: usize = memory.data(600);
const ROLES: usize = memory.data(<i32>MAX_COLUMNS);

export function wantedTable(): usize {
  return WANTED;
}

/** Where JS writes the role of each W3C column up to the last essential one. */
export function rolesTable(): usize {
  return ROLES;
}

export function allocate(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function release(at: usize): void {
  heap.free(at);
}

// Line counters, as in clf.ts; JS reads and resets them. Lines handed back are not counted here.
export let lines: u32 = 0;
export let blank: u32 = 0;
export let malformed: u32 = 0;
export let parsed: u32 = 0;
export let matched: u32 = 0;
export let firstStamp: f64 = Infinity;
export let lastStamp: f64 = -Infinity;
export let records: u32 = 0;
/** 1 when the last scan stopped at a line for JS to read (it starts at the returned position). */
export let handBack: u32 = 0;

// The W3C layout in force (w3cLayout).
let lastEssential: i32 = -1;
let layoutDays: f64 = NaN;
let offsetMinutes: i32 = 0;

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
 * Scans the complete lines in [start, end) as clf.ts scan does, `format` 0 W3C, 1 ALB, 2 ELB, 3 the template
 * given to templateInit, 4 HAProxy. Returns where it
 * stopped: the unfinished last line, the first line not scanned because the record area was full
 * (records == maxRecords), or a line for JS to read (handBack == 1).
 */
export function scan(start: usize, end: usize, out: usize, maxRecords: u32, format: u32, countHere: bool): usize {
  let lineStart = start;
  let n: u32 = 0;
  handBack = 0;
  while (n < maxRecords) {
    const newline = findByteWide(lineStart, end, LF);
    if (newline == end) break;
    let lineEnd = newline;
    if (lineEnd > lineStart && <u32>load<u8>(lineEnd - 1) == CR) lineEnd--;
    if (lineEnd == lineStart) {
      lines++;
      blank++;
    } else {
      const fits = readLine(lineStart, lineEnd, format);
      if (!fits) {
        handBack = 1;
        break;
      }
      lines++;
      parsed++;
      if (stamp < firstStamp) firstStamp = stamp;
      if (stamp > lastStamp) lastStamp = stamp;
      const column = <u32>load<u8>(WANTED + status);
      if (column != 0 && countHere) {
        matched++;
        tableAdd(clientStart, clientEnd, column - 1, stamp);
      } else if (column != 0) {
        matched++;
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
    }
    lineStart = newline + 1;
  }
  records = n;
  return lineStart;
}

function readLine(start: usize, end: usize, format: u32): bool {
  if (format == TEMPLATE) return parseTemplate(start, end);
  if (format == W3C) return parseW3c(start, end);
  if (format == HAPROXY) return parseHaproxy(start, end);
  return format == ALB || format == ELB ? parseBalancer(start, end, format == ALB) : false;
}

/**
 * W3cFormat.parse's plain reading; false for anything else (then JS reads the line). The separators (space,
 * TAB) are found 64 bytes at a time as bits, and the columns before each essential one are crossed by counting
 * bits, so a field costs no byte loop. A line shorter than 16 bytes, or one whose bits show a quote opening a
 * field or a space after a separator (a run, which the JS reading collapses) is read by parseW3cBytes, the
 * byte-by-byte twin.
 */
function parseW3c(start: usize, end: usize): bool {
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

/** `[type] time elb client:port target:port t1 t2 t3 status` (alb.ts albFormat.parse, parseFromTime). */
function parseBalancer(start: usize, end: usize, withType: bool): bool {
  let p = start;
  if (withType) {
    const typeEnd = fieldEnd(p, end);
    if (typeEnd >= end || !isType(p, typeEnd)) return false;
    p = typeEnd + 1;
  }
  const t = isoTime(p, end);
  if (isNaN(t) || timeEnd >= end || <u32>load<u8>(timeEnd) != SP) return false;
  p = skipFields(timeEnd + 1, end, 1);
  if (p == 0) return false;
  const cEnd = fieldEnd(p, end);
  if (cEnd == p || cEnd >= end) return false;
  const cStart = p;
  p = skipFields(cEnd + 1, end, 4);
  if (p == 0) return false;
  const statusEnd = fieldEnd(p, end);
  let code: i32 = 0;
  if (statusEnd - p != 1 || <u32>load<u8>(p) != 0x2d) {
    code = threeDigitStatus(p, statusEnd);
    if (code < 0) return false;
  }
  accept(0, 0, <u32>code, t);
  setClientAddress(cStart, cEnd);
  return true;
}

/** ALB's connection type: 2 to 6 lower-case letters and digits. */
function isType(start: usize, end: usize): bool {
  if (end - start < 2 || end - start > 6) return false;
  for (let p = start; p < end; p++) {
    const c = <u32>load<u8>(p);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) return false;
  }
  return true;
}

