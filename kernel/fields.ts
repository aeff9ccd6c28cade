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
import { cachedIsoDays, isoTime, timeEnd, timeOfDay } from './field-time';
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
      accept(cStart, cEnd, code, packStamp(days * 86400 + seconds - <f64>(offsetMinutes * 60), offsetMinutes));
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

