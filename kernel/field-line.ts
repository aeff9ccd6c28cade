// What the field kernel's line readers (kernel/fields.ts, template.ts, haproxy.ts) found in the line they
// accepted last, and the byte readers they share, each the twin of src/formats/fieldscan.ts's.

import { findByte } from './civil';

const SP: u32 = 0x20;
const TAB: u32 = 0x09;
const QUOTE: u32 = 0x22;
const BACKSLASH: u32 = 0x5c;
const COLON: u32 = 0x3a;

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

/** fieldscan.ts skipFields: the start of the field `count` fields after p, or 0 when the line ends first. */
export function skipFields(p: usize, end: usize, count: i32): usize {
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
  // The port: the digits back from the end to a `:` (after the first byte). Read as the 16 bytes that end the
  // field (those before it masked off), so that a port's length costs no byte loop; a longer run of digits is
  // read by the loop.
  if (end >= 16) {
    const base = end - 16;
    const v = v128.load(base);
    const digits = digitBits(v);
    // positions after the field's first byte (the loop below never looks at it)
    const after: u32 = end - start > 16 ? 0xffff : 0xffff & ~((<u32>2 << <u32>(start - base)) - 1);
    const others = ~digits & after;
    if (others != 0) {
      const p = base + <usize>(31 - clz(others));
      if (<u32>load<u8>(p) == COLON && p < end - 1) clientEnd = p;
      return;
    }
    if (end - start <= 16) return; // digits only
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

/** Bit i set where byte i of the 16 in v is an ASCII digit. */
@inline export function digitBits(v: v128): u32 {
  return i8x16.bitmask(i8x16.le_u(i8x16.sub(v, i8x16.splat(0x30)), i8x16.splat(9)));
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
