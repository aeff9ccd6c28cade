// The field kernel's reader of HAProxy HTTP log lines (AssemblyScript), src/formats/haproxy.ts
// haproxyFormat.parse on bytes: the accept date after the first ` [`, the client before it, frontend and
// backend, five timers, the status; the offset of an RFC 3339 syslog stamp opening the line, if any. A line
// it does not read as parse would is handed back to JS (false), which then decides it.

import { findByte } from './civil';
import { acceptDate, digitAt, isoTime, timeEnd, timeOffset } from './field-time';
import { digitBits } from './address';
import { accept, fieldEnd, setClientAddress, skipFields, threeDigitStatus } from './field-line';

const SP: u32 = 0x20;
const LBRACKET: u32 = 0x5b;
const SLASH: u32 = 0x2f;

/** haproxyFormat.parse on [start, end); false when it would not read the line so. */
export function parseHaproxy(start: usize, end: usize): bool {
  // The accept date: the first ` [` followed by a date; the client is the field before it.
  let bracket = start;
  let at: f64 = NaN;
  for (;;) {
    bracket = findByte(bracket + 1, end, LBRACKET);
    if (bracket >= end) return false;
    if (<u32>load<u8>(bracket - 1) != SP || digitAt(bracket + 1) < 0) continue;
    at = acceptDate(bracket + 1, end, 0);
    if (!isNaN(at)) break;
  }
  let p = timeEnd;
  const clientStart = afterLastSpace(start, bracket - 1);
  if (clientStart == bracket - 1) return false;
  if (p >= end || <u32>load<u8>(p) != SP) return false;
  p = skipFields(p + 1, end, 2); // frontend, backend/server
  if (p == 0) return false;
  const timersEnd = fieldEnd(p, end);
  if (timersEnd >= end || !isHttpTimers(p, timersEnd, end)) return false;
  p = timersEnd + 1;
  const statusEnd = fieldEnd(p, end);
  let code: i32 = 0; // -1: no response
  if (statusEnd - p != 2 || <u32>load<u8>(p) != 0x2d || <u32>load<u8>(p + 1) != 0x31) {
    code = threeDigitStatus(p, statusEnd);
    if (code < 0) return false;
  }
  const offset = prefixOffset(start, clientStart);
  if (offset != 0) at = acceptDate(bracket + 1, end, offset);
  accept(0, 0, <u32>code, at);
  setClientAddress(clientStart, bracket - 1);
  return true;
}

/** haproxy.ts prefixOffset: the offset of an RFC 3339 timestamp opening the line (rsyslog's), or 0. */
function prefixOffset(start: usize, end: usize): i32 {
  if (digitAt(start) < 0) return 0;
  const t = isoTime(start, end);
  return !isNaN(t) && timeEnd < end && <u32>load<u8>(timeEnd) == SP ? timeOffset : 0;
}

/**
 * Where the field ending at q starts: after the last space in [start, q), or at start. 16 bytes at a time back
 * from q: the client before the accept date is some 20 bytes of varying length, which a loop crossed a byte a step.
 */
function afterLastSpace(start: usize, q: usize): usize {
  while (q >= start + 16) {
    const spaces = i8x16.bitmask(i8x16.eq(v128.load(q - 16), i8x16.splat(<i8>SP)));
    if (spaces != 0) return q - 16 + <usize>(32 - clz(spaces));
    q -= 16;
  }
  while (q > start && <u32>load<u8>(q - 1) != SP) q--;
  return q;
}

/**
 * True when [p, q) is five slash-separated numbers (HTTP timers; TCP lines have three): each byte a digit,
 * `-`, `+` or `/`, four of them `/`. Timers of up to 16 bytes (most) are checked as one block when the line
 * (up to `end`) holds the 16 bytes at p.
 */
function isHttpTimers(p: usize, q: usize, end: usize): bool {
  if (q - p <= 16 && p + 16 <= end) {
    const v = v128.load(p);
    const field = (<u32>1 << <u32>(q - p)) - 1;
    const slashes = i8x16.bitmask(i8x16.eq(v, i8x16.splat(<i8>SLASH))) & field;
    const digits = digitBits(v);
    const signs = i8x16.bitmask(v128.or(i8x16.eq(v, i8x16.splat(0x2d)), i8x16.eq(v, i8x16.splat(0x2b))));
    return ((slashes | digits | signs) & field) == field && popcnt(slashes) == 4;
  }
  let slashes = 0;
  for (; p < q; p++) {
    const c = <u32>load<u8>(p);
    if (c == SLASH) slashes++;
    else if (c - 0x30 > 9 && c != 0x2d && c != 0x2b) return false;
  }
  return slashes == 4;
}
