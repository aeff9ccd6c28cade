// The JSON-lines scan kernel, in AssemblyScript: one line's client, status and time, found by walking the
// object on bytes exactly as src/formats/json-scan.ts walkObject and src/formats/json.ts JsonFormat.parse do
// (same acceptance, same captured bytes), with string contents and skipped objects crossed 16 bytes at a time
// with SIMD. clf.ts's scan loop calls jsonLine for each line and counts it as it counts CLF lines. Most lines
// are read with a shape of an earlier line (json-shape.ts) and walked only when none fits.
//
// The tree of wanted keys comes from JS (JsonFormat.kernelLayout): node 0 is the root, each node 8 i32s (key
// offset and length, first child and child count, `walk`: the JS node had children, so an object value is
// walked and checked rather than skipped, then the rank of its path for client, status and time, -1 none,
// then the lengths of its children's keys as bits, 31 for any longer; 12 i32s in all).
// What this file does not read itself (a time that is not an epoch number or an ISO 8601 string: CLF text, an
// epoch in a string) it leaves to the JS parser: jsonLine returns DEFER and clf.ts's scan stops at that line.

import { addressEnd, addressStart, withoutPort } from './address';
import { findByteWide } from './civil';
import { shapeUnchecked } from './json-read';
import { resetCaptures, shapeCapture, shapeClear, shapeKeep, shapeLine, shapeStart, shapeValue, shapeWalked } from './json-shape';
import { parseTime, scanEnd } from './json-time';

const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const LBRACE: u32 = 0x7b;
const RBRACE: u32 = 0x7d;
const LBRACKET: u32 = 0x5b;
const RBRACKET: u32 = 0x5d;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;
const SP: u32 = 0x20;
const TAB: u32 = 0x09;
const LF: u32 = 0x0a;
const CR: u32 = 0x0d;

/** jsonLine's answers. */
export const JSON_MALFORMED: i32 = 0;
export const JSON_PARSED: i32 = 1;
export const JSON_DEFER: i32 = -1;

const NODE_BYTES: usize = 48;
const ROLES: i32 = 3; // client, status, time
const CLIENT: i32 = 0;
const STATUS: i32 = 1;
const TIME: i32 = 2;
const NO_RANK: i32 = 0x7fffffff;

let nodes: usize = 0;
let keys: usize = 0;
/** Bit r set: the client path of rank r is logged as `address:port`. */
let clientPortRanks: u32 = 0;

// Captures per role: value start, end, whether it was a string, the rank of its path.
const CAPTURES: usize = memory.data(ROLES * 16);

// The fields of the line jsonLine accepted last.
export let jsonClientStart: usize = 0;
export let jsonClientEnd: usize = 0;
export let jsonStatus: u32 = 0;
export let jsonStamp: f64 = 0;

/** Takes the key tree JS wrote at `nodeArea` (keys' bytes at `keyArea`). */
export function jsonInit(nodeArea: usize, keyArea: usize, portRanks: u32): void {
  nodes = nodeArea;
  keys = keyArea;
  clientPortRanks = portRanks;
  shapeClear();
}

@inline function byteAt(p: usize): u32 {
  return <u32>load<u8>(p);
}

@inline function node(n: u32, field: usize): i32 {
  return load<i32>(nodes + <usize>n * NODE_BYTES + (field << 2));
}

@inline function skipSpace(p: usize, end: usize): usize {
  if (p < end && byteAt(p) > SP) return p; // the usual case: no space at all
  while (p < end) {
    const c = byteAt(p);
    if (c != SP && c != TAB && c != 0x0d && c != 0x0a) break;
    p++;
  }
  return p;
}

/** The closing quote of the string whose opening quote is at p, or 0. A backslash skips the byte after it. */
export function stringEnd(p: usize, end: usize): usize {
  p++;
  const quotes = i8x16.splat(<i8>QUOTE);
  const backslashes = i8x16.splat(<i8>BACKSLASH);
  while (p < end) {
    if (p + 16 <= end) {
      const v = v128.load(p);
      const mask = i8x16.bitmask(v128.or(i8x16.eq(v, quotes), i8x16.eq(v, backslashes)));
      if (mask == 0) {
        p += 16;
        continue;
      }
      p += <usize>ctz(mask);
    } else if (byteAt(p) != QUOTE && byteAt(p) != BACKSLASH) {
      p++;
      continue;
    }
    if (byteAt(p) == QUOTE) return p;
    p += 2;
  }
  return 0;
}

/** The position after the value at p (string, number, literal, object or array), or 0 (as json-scan.ts valueEnd). */
export function valueEnd(p: usize, end: usize): usize {
  if (p >= end) return 0;
  const c = byteAt(p);
  if (c == QUOTE) {
    const q = stringEnd(p, end);
    return q == 0 ? 0 : q + 1;
  }
  if (c == LBRACE || c == LBRACKET) {
    let depth = 0;
    const quotes = i8x16.splat(<i8>QUOTE);
    const opens = i8x16.splat(<i8>LBRACKET); // `{` and `[` differ only in bit 5, as `}` and `]` do
    const closes = i8x16.splat(<i8>RBRACKET);
    const fold = i8x16.splat(<i8>0xdf);
    while (p < end) {
      if (p + 16 <= end) {
        const v = v128.load(p);
        const folded = v128.and(v, fold);
        const mask = i8x16.bitmask(v128.or(i8x16.eq(v, quotes), v128.or(i8x16.eq(folded, opens), i8x16.eq(folded, closes))));
        if (mask == 0) {
          p += 16;
          continue;
        }
        p += <usize>ctz(mask);
      }
      const b = byteAt(p);
      if (b == QUOTE) {
        p = stringEnd(p, end);
        if (p == 0) return 0;
      } else if (b == LBRACE || b == LBRACKET) {
        depth++;
      } else if (b == RBRACE || b == RBRACKET) {
        if (--depth == 0) return p + 1;
      }
      p++;
    }
    return 0;
  }
  // number, true, false, null
  const start = p;
  while (p < end) {
    const b = byteAt(p);
    if (b == COMMA || b == RBRACE || b == RBRACKET || b == SP || b == TAB || b == 0x0d || b == 0x0a) break;
    p++;
  }
  return p == start ? 0 : p;
}

/** The child of node n whose key is [start, end) as written, or -1. */
function findChild(n: u32, start: usize, end: usize): i32 {
  const length = <i32>(end - start);
  if (((<u32>node(n, 8) >>> <u32>min(length, 31)) & 1) == 0) return -1; // no child key is this long
  const first = node(n, 2);
  const last = first + node(n, 3);
  for (let i = first; i < last; i++) {
    if (node(i, 1) != length) continue;
    if (memory.compare(keys + <usize>node(i, 0), start, <usize>length) == 0) return i;
  }
  return -1;
}

function capture(n: u32, start: usize, end: usize, string: bool): void {
  for (let role = 0; role < ROLES; role++) {
    const rank = node(n, 5 + role);
    const at = CAPTURES + (<usize>role << 4);
    if (rank >= 0 && rank < load<i32>(at, 12)) {
      store<u32>(at, <u32>start);
      store<u32>(at, <u32>end, 4);
      store<u32>(at, string ? 1 : 0, 8);
      store<i32>(at, rank, 12);
      shapeCapture(role, rank);
    }
  }
}

@inline function hasRoles(n: u32): bool {
  return node(n, 5) >= 0 || node(n, 6) >= 0 || node(n, 7) >= 0;
}

/**
 * An object value of node n walked (n.walk) though nothing in it is captured (no child kept, no role): one slot
 * of the line's shape, crossed again with plainObjectEnd (the number of its keys may change from line to line).
 */
@inline function walksPlain(n: u32): bool {
  return node(n, 3) == 0 && !hasRoles(n);
}

/** The closing quote of the key at p, or 0 (no key there). */
@inline function keyEndAt(p: usize, end: usize): usize {
  return p < end && byteAt(p) == QUOTE ? stringEnd(p, end) : 0;
}

/** Where the value of the key whose closing quote is at keyEnd starts (past `:` and spaces), or 0. */
@inline function valueAfter(keyEnd: usize, end: usize): usize {
  const p = skipSpace(keyEnd + 1, end);
  if (p >= end || byteAt(p) != COLON) return 0;
  const value = skipSpace(p + 1, end);
  return value < end ? value : 0;
}

/**
 * The end of the object at p (its `{`) as walkObject(p, end, n) finds it for a node n with walksPlain (no key
 * found, every value crossed with valueEnd), or 0.
 */
export function plainObjectEnd(p: usize, end: usize): usize {
  p = skipSpace(p + 1, end);
  if (p < end && byteAt(p) == RBRACE) return p + 1;
  while (true) {
    const keyEnd = keyEndAt(p, end);
    const value: usize = keyEnd == 0 ? 0 : valueAfter(keyEnd, end);
    const after: usize = value == 0 ? 0 : valueEnd(value, end);
    if (after == 0) return 0;
    p = skipSpace(after, end);
    if (p >= end) return 0;
    if (byteAt(p) != COMMA) return byteAt(p) == RBRACE ? p + 1 : 0;
    p = skipSpace(p + 1, end);
  }
}

/** Walks the object at p capturing node n's key paths; the position after it, or 0 (as json-scan.ts walkObject). */
function walkObject(p: usize, end: usize, n: u32): usize {
  p = skipSpace(p, end);
  if (p >= end || byteAt(p) != LBRACE) return 0;
  p = skipSpace(p + 1, end);
  if (p < end && byteAt(p) == RBRACE) return p + 1;
  while (true) {
    const keyEnd = keyEndAt(p, end);
    if (keyEnd == 0) return 0;
    const child = findChild(n, p + 1, keyEnd);
    p = valueAfter(keyEnd, end);
    if (p == 0) return 0;
    const v = byteAt(p);
    let after: usize;
    if (child >= 0 && v == LBRACE && node(child, 4) != 0) {
      if (walksPlain(child)) {
        after = plainObjectEnd(p, end);
        if (after != 0) shapeWalked(p, after);
      } else {
        after = walkObject(p, end, child);
      }
    } else {
      after = valueEnd(p, end);
      if (after != 0) shapeValue(p, after, child >= 0 && hasRoles(child));
      if (after != 0 && child >= 0 && hasRoles(child)) {
        if (v == QUOTE) {
          capture(child, p + 1, after - 1, true);
        } else if (v == LBRACKET) {
          const first = skipSpace(p + 1, end);
          const last = first < end && byteAt(first) == QUOTE ? stringEnd(first, end) : 0;
          if (last != 0) capture(child, first + 1, last, true);
        } else if (v != LBRACE && !(v == 0x6e && after - p == 4)) {
          capture(child, p, after, false); // number or true/false; `null` is no value
        }
      }
    }
    if (after == 0) return 0;
    p = skipSpace(after, end);
    if (p >= end) return 0;
    if (byteAt(p) == COMMA) {
      p = skipSpace(p + 1, end);
      continue;
    }
    return byteAt(p) == RBRACE ? p + 1 : 0;
  }
}

// The line jsonNewline read on its way to the newline (0: none; no line is at 0, static data is) and its answer.
let aheadLine: usize = 0;
let aheadAnswer: i32 = 0;

/**
 * The newline that ends the line at `start` in the chunk that ends at `end` (`end` when there is none), as
 * clf.ts scan would find it, reading the line on the way when a shape reads it: a line of a kept shape is read
 * before its end is known, the shape bounded by the chunk's end and stopping at any newline (json-shape.ts
 * closingQuote), and the newline is then looked for only past the object. The line's answer is kept for the
 * jsonLine call on it that follows. (Not reading the line twice, once for its newline and once for its
 * values, is a fifth of a Caddy line's time.) A line no shape reads here is found and read as before.
 */
export function jsonNewline(start: usize, end: usize): usize {
  aheadLine = 0;
  if (start < end && byteAt(start) == LBRACE) {
    const after = shapeLine(start, end, CAPTURES);
    // A value crossed by valueEnd may hold a newline: then the object must not.
    if (after != 0 && (!shapeUnchecked || findByteWide(start, after, LF) == after)) {
      let p = after;
      while (p < end && (byteAt(p) == SP || byteAt(p) == TAB)) p++;
      let lineEnd: usize = 0;
      let newline: usize = 0;
      if (p < end && byteAt(p) == LF) {
        lineEnd = p;
        newline = p;
      } else if (p + 1 < end && byteAt(p) == CR && byteAt(p + 1) == LF) {
        lineEnd = p;
        newline = p + 1;
      }
      if (newline != 0) {
        aheadLine = start;
        aheadAnswer = lineFields();
        return newline;
      }
    }
  }
  return findByteWide(start, end, LF);
}

/** Parses the line [start, end) (CR stripped): JSON_PARSED with the json* fields set, JSON_MALFORMED or JSON_DEFER. */
export function jsonLine(start: usize, end: usize): i32 {
  if (aheadLine == start) {
    aheadLine = 0;
    return aheadAnswer;
  }
  if (byteAt(start) != LBRACE) return JSON_MALFORMED;
  let after = shapeLine(start, end, CAPTURES);
  if (after == 0) {
    resetCaptures(CAPTURES);
    shapeStart(start);
    after = walkObject(start, end, 0);
    if (after == 0) return JSON_MALFORMED;
    shapeKeep(after);
  }
  for (let p = after; p < end; p++) {
    const b = byteAt(p);
    if (b != SP && b != TAB) return JSON_MALFORMED; // something after the object
  }
  return lineFields();
}

/** jsonLine's answer for an object read whole, its captures at CAPTURES. */
function lineFields(): i32 {
  const client = CAPTURES + (<usize>CLIENT << 4);
  const statusAt = CAPTURES + (<usize>STATUS << 4);
  const timeAt = CAPTURES + (<usize>TIME << 4);
  const status = statusOf(load<i32>(statusAt), load<i32>(statusAt, 4));
  const clientStart = load<i32>(client);
  const clientEnd = load<i32>(client, 4);
  if (clientStart < 0 || clientEnd <= clientStart || status < 0) return JSON_MALFORMED;
  const timeStart = load<i32>(timeAt);
  if (timeStart < 0) return JSON_MALFORMED;
  const timeEnd = <usize>load<i32>(timeAt, 4);
  let stamp: f64;
  if (load<u32>(timeAt, 8) != 0) {
    stamp = parseTime(<usize>timeStart, timeEnd, true);
    if (isNaN(stamp) || scanEnd != timeEnd) return JSON_DEFER; // CLF text or an epoch in a string: the JS parser reads it
  } else {
    stamp = parseTime(<usize>timeStart, timeEnd, false);
    if (isNaN(stamp) || scanEnd != timeEnd) return JSON_MALFORMED;
  }
  jsonClientStart = <usize>clientStart;
  jsonClientEnd = <usize>clientEnd;
  const rank = load<i32>(client, 12);
  if (rank < 32 && ((clientPortRanks >> <u32>rank) & 1) != 0) {
    withoutPort(<usize>clientStart, <usize>clientEnd);
    jsonClientStart = addressStart;
    jsonClientEnd = addressEnd;
  }
  jsonStatus = <u32>status;
  jsonStamp = stamp;
  return JSON_PARSED;
}

/** As json.ts statusOf: 100..599, 0 for `-` or 0, -1 otherwise. */
function statusOf(start: i32, end: i32): i32 {
  if (start < 0) return -1;
  const p = <usize>start;
  if (end - start == 1 && (byteAt(p) == 0x2d || byteAt(p) == 0x30)) return 0;
  if (end - start != 3) return -1;
  const d1 = <i32>byteAt(p) - 0x30;
  const d2 = <i32>byteAt(p + 1) - 0x30;
  const d3 = <i32>byteAt(p + 2) - 0x30;
  if (d1 < 1 || d1 > 5 || d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9) return -1;
  return d1 * 100 + d2 * 10 + d3;
}
