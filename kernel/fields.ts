// The scan kernel of the field-separated and templated formats, in AssemblyScript (built to
// dist/kernel/fields.wasm, a module of its own beside clf.wasm): W3C extended (IIS, CloudFront), AWS ALB and
// Classic ELB here (W3C in field-w3c.ts), nginx `log_format` / Apache `LogFormat` strings (template.ts) and HAProxy (haproxy.ts).
//
// It reads what src/formats/w3c.ts W3cFormat.parse (its plain reading), src/formats/alb.ts parseFromTime,
// compiled.ts and haproxy.ts read, for the lines it can read alone, and hands every other line back to JS: a
// `#` line (a header, which may change the field order), a W3C field starting with a quote (the quoted
// reading), a line that does not fit.
// The kernel stops at such a line (`handBack`), JS reads it with the format's own parser and calls again after
// it (src/scan/field-kernel-scanner.ts). So the kernel never calls a line malformed, and the only format state
// it holds is the W3C layout JS gives it (`w3cLayout`). Counting, records and the table are as in clf.ts.

import { tableFlush, tableQueue } from './table';
import { findByteWide } from './civil';
import { isoTime, timeEnd } from './field-time';
import { accept, clientEnd, clientStart, fieldEnd, setClientAddress, skipFields, stamp, status, threeDigitStatus } from './field-line';
import { parseW3c } from './field-w3c';
export { MAX_COLUMNS, rolesTable, w3cLayout } from './field-w3c';
import { parseTemplate } from './template';
import { parseHaproxy } from './haproxy';
export { templateInit, STEP_BYTES } from './template';
export { tableInit, tableClear, tableRows, tableKeyBytes, tableKeyEnds, tableRecords, tableSlots, tableSlotCount, tableCapacity, tableKeyCapacity } from './table';

const LF: u32 = 0x0a;
const CR: u32 = 0x0d;
const SP: u32 = 0x20;

/** The `format` argument of scan. */
const W3C: u32 = 0;
const ALB: u32 = 1;
const ELB: u32 = 2;
const TEMPLATE: u32 = 3;
const HAPROXY: u32 = 4;

/** One record per matching line, 32 bytes, as in clf.ts. */
export const RECORD_BYTES: u32 = 32;

const WANTED: usize = memory.data(600);

export function wantedTable(): usize {
  return WANTED;
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
        tableQueue(clientStart, clientEnd, column - 1, stamp);
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
  tableFlush(); // the queued clients are in this chunk
  records = n;
  return lineStart;
}

function readLine(start: usize, end: usize, format: u32): bool {
  if (format == TEMPLATE) return parseTemplate(start, end);
  if (format == W3C) return parseW3c(start, end);
  if (format == HAPROXY) return parseHaproxy(start, end);
  return format == ALB || format == ELB ? parseBalancer(start, end, format == ALB) : false;
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

