// What the field kernel's line readers (kernel/fields.ts, template.ts, haproxy.ts) found in the line they
// accepted last, and the byte readers they share, each the twin of src/formats/fieldscan.ts's.

import { addressEnd, addressStart, withoutPort } from './address';
import { findByte } from './civil';

const SP: u32 = 0x20;
const TAB: u32 = 0x09;
const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;

// Fields of the line accepted last.
export let clientStart: usize = 0;
export let clientEnd: usize = 0;
export let status: u32 = 0;
export let stamp: f64 = 0;

/** Sets the fields of the line accepted. */
export function accept(client: usize, clientTo: usize, code: u32, at: f64): void {
  clientStart = client;
  clientEnd = clientTo;
  status = code;
  stamp = at;
}

/** The first space or TAB in [p, end), or end (16 bytes at a time). */
export function separatorAt(p: usize, end: usize): usize {
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

/** End of the space-delimited field at p (fieldscan.ts fieldEnd). */
export function fieldEnd(p: usize, end: usize): usize {
  return findByte(p, end, SP);
}

/**
 * fieldscan.ts skipFields: the start of the field `count` fields after p, or 0 when the line ends first. When the
 * line holds the 32 bytes at p, their `count`-th space is the answer unless one of the fields before it opens with
 * a quote (a quoted field may hold spaces): the fields are crossed as bits, not by one search each.
 */
export function skipFields(p: usize, end: usize, count: i32): usize {
  if (p + 32 <= end) {
    const a = v128.load(p);
    const b = v128.load(p, 16);
    const spaces = <u64>i8x16.bitmask(i8x16.eq(a, i8x16.splat(<i8>SP))) | (<u64>i8x16.bitmask(i8x16.eq(b, i8x16.splat(<i8>SP))) << 16);
    let nth = spaces;
    for (let i = 1; i < count; i++) nth &= nth - 1;
    if (nth != 0) {
      const at = ctz(nth);
      const quotes = <u64>i8x16.bitmask(i8x16.eq(a, i8x16.splat(<i8>QUOTE))) | (<u64>i8x16.bitmask(i8x16.eq(b, i8x16.splat(<i8>QUOTE))) << 16);
      // the skipped fields start at p and after each space before the count-th one
      const starts = ((spaces << 1) | 1) & ((<u64>2 << at) - 1);
      if ((starts & quotes) == 0) return p + <usize>at + 1;
    }
  }
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

/** fieldscan.ts setClientAddress: the address of `address:port` or `[v6]:port`, as the line's client. */
export function setClientAddress(start: usize, end: usize): void {
  withoutPort(start, end);
  clientStart = addressStart;
  clientEnd = addressEnd;
}

/** A status of three digits 100..599 at [p, q) (fieldscan.ts statusAt without `-`), or -1. */
export function threeDigitStatus(p: usize, q: usize): i32 {
  if (q - p != 3) return -1;
  const d1 = <i32>load<u8>(p) - 0x30;
  const d2 = <i32>load<u8>(p + 1) - 0x30;
  const d3 = <i32>load<u8>(p + 2) - 0x30;
  if (d1 < 1 || d1 > 5 || <u32>d2 > 9 || <u32>d3 > 9) return -1;
  return d1 * 100 + d2 * 10 + d3;
}
