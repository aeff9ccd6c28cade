// The scan kernel of the field-separated formats, in AssemblyScript (built to dist/kernel/fields.wasm, a module
// of its own beside clf.wasm): W3C extended (IIS, CloudFront), AWS ALB and Classic ELB.
//
// It reads what src/formats/w3c.ts W3cFormat.parse (its plain reading) and src/formats/alb.ts parseFromTime
// read, for the lines it can read alone, and hands every other line back to JS: a `#` line (a header, which may
// change the field order), a W3C field starting with a quote (the quoted reading), a line that does not fit.
// The kernel stops at such a line (`handBack`), JS reads it with the format's own parser and calls again after
// it (src/scan/field-kernel-scanner.ts). So the kernel never calls a line malformed, and the only format state
// it holds is the W3C layout JS gives it (`w3cLayout`). Counting, records and the table are as in clf.ts.

import { tableAdd } from './table';
import { daysFromCivil, findByte, isValidDate, packStamp, twoDigits } from './civil';
export { tableInit, tableClear, tableRows, tableKeyBytes, tableKeyEnds, tableRecords, tableSlots, tableSlotCount, tableCapacity, tableKeyCapacity } from './table';

const LF: u32 = 0x0a;
const CR: u32 = 0x0d;
const TAB: u32 = 0x09;
const SP: u32 = 0x20;
const QUOTE: u32 = 0x22;
const HASH: u32 = 0x23;
const BACKSLASH: u32 = 0x5c;
const COLON: u32 = 0x3a;

/** The `format` argument of scan. */
const W3C: u32 = 0;
const ALB: u32 = 1;

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

// Fields of the line accepted last.
let clientStart: usize = 0;
let clientEnd: usize = 0;
let status: u32 = 0;
let stamp: f64 = 0;
/** Where the last time read stopped (timestamps.ts scan.end). */
let timeEnd: usize = 0;

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
  layoutDays = days;
  offsetMinutes = offset;
}

/**
 * Scans the complete lines in [start, end) as clf.ts scan does, `format` 0 W3C, 1 ALB, 2 ELB. Returns where it
 * stopped: the unfinished last line, the first line not scanned because the record area was full
 * (records == maxRecords), or a line for JS to read (handBack == 1).
 */
export function scan(start: usize, end: usize, out: usize, maxRecords: u32, format: u32, countHere: bool): usize {
  let lineStart = start;
  let n: u32 = 0;
  handBack = 0;
  while (n < maxRecords) {
    const newline = findByte(lineStart, end, LF);
    if (newline == end) break;
    let lineEnd = newline;
    if (lineEnd > lineStart && <u32>load<u8>(lineEnd - 1) == CR) lineEnd--;
    if (lineEnd == lineStart) {
      lines++;
      blank++;
    } else {
      const fits = format == W3C ? parseW3c(lineStart, lineEnd) : parseBalancer(lineStart, lineEnd, format == ALB);
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

/** W3cFormat.parse's plain reading; false for anything else (then JS reads the line). */
function parseW3c(start: usize, end: usize): bool {
  if (<u32>load<u8>(start) == HASH) return false;
  const last = lastEssential;
  if (last < 0) return false;
  let days = layoutDays;
  let seconds: f64 = NaN;
  let code: u32 = 0;
  let cStart: usize = 0;
  let cEnd: usize = 0;
  let p = start;
  for (let column: i32 = 0; ; column++) {
    const fieldStart = p;
    if (p < end && <u32>load<u8>(p) == QUOTE) return false;
    p = separatorAt(p, end);
    const role = <u32>load<u8>(ROLES + <usize>column);
    if (role == ROLE_DATE) {
      days = p - fieldStart == 10 ? cachedIsoDays(fieldStart) : NaN;
    } else if (role == ROLE_TIME) {
      seconds = timeOfDay(fieldStart, p);
      if (timeEnd != p) seconds = NaN;
    } else if (role == ROLE_CLIENT) {
      cStart = fieldStart;
      cEnd = p;
    } else if (role == ROLE_STATUS) {
      if (p - fieldStart != 3) return false;
      const d1 = <i32>load<u8>(fieldStart) - 0x30;
      const d2 = <i32>load<u8>(fieldStart + 1) - 0x30;
      const d3 = <i32>load<u8>(fieldStart + 2) - 0x30;
      if (<u32>d1 > 5 || <u32>d2 > 9 || <u32>d3 > 9) return false;
      code = <u32>(d1 * 100 + d2 * 10 + d3);
      if (code < 100 && code != 0) return false;
    }
    if (column == last) {
      if (cEnd <= cStart || isNaN(seconds) || isNaN(days)) return false;
      clientStart = cStart;
      clientEnd = cEnd;
      status = code;
      stamp = packStamp(days * 86400 + seconds - <f64>(offsetMinutes * 60), offsetMinutes);
      return true;
    }
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
  let code: u32 = 0;
  if (statusEnd - p == 1 && <u32>load<u8>(p) == 0x2d) {
    code = 0;
  } else {
    if (statusEnd - p != 3) return false;
    const d1 = <i32>load<u8>(p) - 0x30;
    const d2 = <i32>load<u8>(p + 1) - 0x30;
    const d3 = <i32>load<u8>(p + 2) - 0x30;
    if (d1 < 1 || d1 > 5 || <u32>d2 > 9 || <u32>d3 > 9) return false;
    code = <u32>(d1 * 100 + d2 * 10 + d3);
  }
  setClientAddress(cStart, cEnd);
  status = code;
  stamp = t;
  return true;
}

/** The first space or TAB in [p, end), or end (16 bytes at a time). */
function separatorAt(p: usize, end: usize): usize {
  const spaces = i8x16.splat(<i8>SP);
  const tabs = i8x16.splat(<i8>TAB);
  while (p + 16 <= end) {
    const v = v128.load(p);
    const mask = i8x16.bitmask(v128.or(i8x16.eq(v, spaces), i8x16.eq(v, tabs)));
    if (mask != 0) return p + <usize>ctz(mask);
    p += 16;
  }
  while (p < end) {
    const c = <u32>load<u8>(p);
    if (c == SP || c == TAB) return p;
    p++;
  }
  return end;
}

// The last `YYYY-MM-DD` read and its day: the lines of a log mostly share their date.
const CACHED_DATE: usize = memory.data(10);
let cachedDays: f64 = NaN;

/** isoDays with a one-date cache. */
function cachedIsoDays(p: usize): f64 {
  if (!isNaN(cachedDays) && load<u64>(p) == load<u64>(CACHED_DATE) && load<u16>(p + 8) == load<u16>(CACHED_DATE + 8)) return cachedDays;
  const days = isoDays(p);
  if (!isNaN(days)) {
    store<u64>(CACHED_DATE, load<u64>(p));
    store<u16>(CACHED_DATE + 8, load<u16>(p + 8));
  }
  cachedDays = days;
  return days;
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

/** End of the space-delimited field at p (fieldscan.ts fieldEnd). */
function fieldEnd(p: usize, end: usize): usize {
  return findByte(p, end, SP);
}

/** fieldscan.ts skipFields: the start of the field `count` fields after p, or 0 when the line ends first. */
function skipFields(p: usize, end: usize, count: i32): usize {
  for (let i = 0; i < count; i++) {
    if (p >= end) return 0;
    if (<u32>load<u8>(p) == QUOTE) {
      let q = p + 1;
      while (q < end && <u32>load<u8>(q) != QUOTE) q += <u32>load<u8>(q) == BACKSLASH ? 2 : 1;
      if (q >= end) return 0;
      p = q + 1;
    } else {
      p = fieldEnd(p, end);
    }
    if (p >= end || <u32>load<u8>(p) != SP) return 0;
    p++;
  }
  return p;
}

/** fieldscan.ts setClientAddress: the address of `address:port` or `[v6]:port`. */
function setClientAddress(start: usize, end: usize): void {
  clientStart = start;
  clientEnd = end;
  if (<u32>load<u8>(start) == 0x5b) {
    for (let p = start + 1; p < end; p++) {
      if (<u32>load<u8>(p) == 0x5d) {
        clientStart = start + 1;
        clientEnd = p;
        return;
      }
    }
    return;
  }
  for (let p = end - 1; p > start; p--) {
    const c = <u32>load<u8>(p);
    if (c == COLON) {
      if (p < end - 1) clientEnd = p;
      return;
    }
    if (c < 0x30 || c > 0x39) return;
  }
}

function digitAt(p: usize): i32 {
  const d = <i32>load<u8>(p) - 0x30;
  return <u32>d <= 9 ? d : -1;
}

/** timestamps.ts parseIsoDate on 10 bytes at p: days since 1970-01-01, or NaN. */
function isoDays(p: usize): f64 {
  if (<u32>load<u8>(p + 4) != 0x2d || <u32>load<u8>(p + 7) != 0x2d) return NaN;
  const y1 = twoDigits(p);
  const y2 = twoDigits(p + 2);
  const month = twoDigits(p + 5);
  const day = twoDigits(p + 8);
  if ((y1 | y2 | month | day) < 0) return NaN;
  const year = y1 * 100 + y2;
  return isValidDate(year, month, day) ? daysFromCivil(year, month, day) : NaN;
}

/** timestamps.ts parseTimeOfDay on [p, end): `HH:MM[:SS][.fff]` as seconds of the day, or NaN; sets timeEnd. */
function timeOfDay(p: usize, end: usize): f64 {
  if (end - p < 5 || <u32>load<u8>(p + 2) != COLON) return NaN;
  const h = twoDigits(p);
  const m = twoDigits(p + 3);
  let s: i32 = 0;
  let q = p + 5;
  if (q < end && <u32>load<u8>(q) == COLON) {
    if (end - q < 3) return NaN;
    s = twoDigits(q + 1);
    q += 3;
  }
  if (h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 60) return NaN;
  // skipFraction: `.123` or `,123`
  if (q < end && (<u32>load<u8>(q) == 0x2e || <u32>load<u8>(q) == 0x2c) && q + 1 < end && digitAt(q + 1) >= 0) {
    q += 2;
    while (q < end && digitAt(q) >= 0) q++;
  }
  timeEnd = q;
  return <f64>(h * 3600 + m * 60 + s);
}

/** timestamps.ts parseOffset: `Z`, `+HH:MM`, `+HHMM` or `+HH` at p in minutes, or NaN; sets timeEnd. */
function utcOffset(p: usize, end: usize): f64 {
  if (p >= end) return NaN;
  const c = <u32>load<u8>(p);
  if (c == 0x5a || c == 0x7a) {
    timeEnd = p + 1;
    return 0;
  }
  if ((c != 0x2b && c != 0x2d) || end - p < 3) return NaN;
  const oh = twoDigits(p + 1);
  let om: i32 = 0;
  let q = p + 3;
  if (q < end && <u32>load<u8>(q) == COLON) {
    if (end - q < 3) return NaN;
    om = twoDigits(q + 1);
    q += 3;
  } else if (end - q >= 2 && digitAt(q) >= 0) {
    om = twoDigits(q);
    q += 2;
  }
  if (oh < 0 || om < 0 || oh > 23 || om > 59) return NaN;
  timeEnd = q;
  return <f64>((c == 0x2d ? -1 : 1) * (oh * 60 + om));
}

/** timestamps.ts parseIsoTime on [p, end): an RFC 3339 date-time as a stamp (no offset: UTC), or NaN; sets timeEnd. */
function isoTime(p: usize, end: usize): f64 {
  if (end - p < 10) return NaN;
  const days = isoDays(p);
  if (isNaN(days)) return NaN;
  const q = p + 10;
  if (q >= end) return NaN;
  const c = <u32>load<u8>(q);
  if (c != 0x54 && c != SP && c != 0x74) return NaN;
  const seconds = timeOfDay(q + 1, end);
  if (isNaN(seconds)) return NaN;
  const after = timeEnd;
  let offset = utcOffset(after, end);
  if (isNaN(offset)) {
    offset = 0;
    timeEnd = after;
  }
  return packStamp(days * 86400 + seconds - offset * 60, <i32>offset);
}
