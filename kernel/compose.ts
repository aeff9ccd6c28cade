// Docker compose's line prefix (`web-1  | `, maybe coloured, maybe with docker's `-t` timestamp) for the CLF
// kernel (kernel/clf.ts), in AssemblyScript: src/formats/compose.ts composeLineStart on bytes, so the kernel
// reads `compose:common` and `compose:combined` lines from where the server's own line starts.

import { findByte } from './civil';

const ESC: u32 = 0x1b;
const SP: u32 = 0x20;
const BAR: u32 = 0x7c;

function isDigit(c: u32): bool {
  return c - 0x30 <= 9;
}

function isNameByte(c: u32): bool {
  return isDigit(c) || (c | 0x20) - 0x61 <= 25 || c == 0x2d || c == 0x5f || c == 0x2e;
}

/** After any ANSI SGR codes (`ESC [ digits;... m`) at p. */
function skipColour(p: usize, end: usize): usize {
  while (p + 1 < end && <u32>load<u8>(p) == ESC && <u32>load<u8>(p + 1) == 0x5b) {
    let q = p + 2;
    while (q < end && (isDigit(<u32>load<u8>(q)) || <u32>load<u8>(q) == 0x3b)) q++;
    if (q >= end || <u32>load<u8>(q) != 0x6d) return p;
    p = q + 1;
  }
  return p;
}

/** Docker's `-t` timestamp (`dddd-dd-ddTdd:dd:dd.ddddddddd`, `Z` or `+hh:mm`) and its space at p: its length, or 0. */
function dockerTimestampLength(p: usize, end: usize): usize {
  const shape: usize = 29;
  if (end - p < shape + 2) return 0;
  for (let i: usize = 0; i < shape; i++) {
    const c = <u32>load<u8>(p + i);
    const want: u32 = i == 4 || i == 7 ? 0x2d : i == 10 ? 0x54 : i == 13 || i == 16 ? 0x3a : i == 19 ? 0x2e : 0;
    if (want == 0 ? !isDigit(c) : c != want) return 0;
  }
  let q = p + shape;
  const c = <u32>load<u8>(q);
  if (c == 0x5a) q++;
  else if ((c == 0x2b || c == 0x2d) && end - q >= 6 && isDigit(<u32>load<u8>(q + 1)) && isDigit(<u32>load<u8>(q + 2)) &&
    <u32>load<u8>(q + 3) == 0x3a && isDigit(<u32>load<u8>(q + 4)) && isDigit(<u32>load<u8>(q + 5))) q += 6;
  else return 0;
  return q < end && <u32>load<u8>(q) == SP ? q + 1 - p : 0;
}

/**
 * False when the line in [start, end) cannot carry a prefix, told in a few loads (a SIMD search for the first
 * space): a prefix's name runs to the line's first space (a name holds none), and the spaces after it lead to `|`
 * or a colour code. A line opening with a colour code is always worth composeLineStart's full read. Format
 * detection counts the prefixed lines of every sample, and nearly none carry one.
 */
export function mayCarryPrefix(start: usize, end: usize): bool {
  if (<u32>load<u8>(start) == ESC) return true;
  let p = findByte(start, end, SP);
  while (p < end && <u32>load<u8>(p) == SP) p++;
  if (p >= end) return false;
  const c = <u32>load<u8>(p);
  return c == BAR || c == ESC;
}

/** Where the server's line starts behind a compose prefix in [start, end), or start when it has none (compose.ts reads it as it is). */
export function composeLineStart(start: usize, end: usize): usize {
  let p = skipColour(start, end);
  const nameStart = p;
  while (p < end && isNameByte(<u32>load<u8>(p))) p++;
  if (p == nameStart || p >= end || <u32>load<u8>(p) != SP) return start;
  while (p < end && <u32>load<u8>(p) == SP) p++;
  p = skipColour(p, end);
  if (p >= end || <u32>load<u8>(p) != BAR) return start;
  p++;
  if (p < end && <u32>load<u8>(p) == SP) p++;
  else if (p < end) return start; // `name |` then nothing is an empty line; `name |x` is not a prefix
  p = skipColour(p, end);
  return p + dockerTimestampLength(p, end);
}
