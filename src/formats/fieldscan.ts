// Small byte readers shared by the space-separated formats (ALB, ELB, HAProxy): a field is a run of non-space
// bytes, or a quoted string with backslash escapes. No allocation; positions only.

import type { LineFields } from './fields.js';

const SP = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/** End of the space-delimited field starting at p. */
export function fieldEnd(buf: Buffer, p: number, end: number): number {
  while (p < end && buf[p] !== SP) p++;
  return p;
}

/**
 * End of the quoted field whose opening quote is at p: the position of its closing quote (escaped quotes do not
 * close it), or -1 when there is none before `end`.
 */
export function closingQuote(buf: Buffer, p: number, end: number): number {
  for (p++; p < end; p++) {
    const c = buf[p];
    if (c === QUOTE) return p;
    if (c === BACKSLASH) p++;
  }
  return -1;
}

/**
 * Skips `count` fields (plain or quoted) from p, which is at a field start; returns the start of the field
 * after them, or -1 when the line ends first.
 */
export function skipFields(buf: Buffer, p: number, end: number, count: number): number {
  for (let i = 0; i < count; i++) {
    if (p >= end) return -1;
    if (buf[p] === QUOTE) {
      const q = closingQuote(buf, p, end);
      if (q < 0) return -1;
      p = q + 1;
    } else {
      p = fieldEnd(buf, p, end);
    }
    if (p >= end || buf[p] !== SP) return -1;
    p++;
  }
  return p;
}

/**
 * Sets out's client to the address part of `address:port` in buf[start, end): what is inside the brackets of
 * `[v6]:port`, else everything before the last colon when digits follow it, else the whole field.
 */
export function setClientAddress(buf: Buffer, start: number, end: number, out: LineFields): void {
  out.clientStart = start;
  out.clientEnd = end;
  if (buf[start] === 0x5b) {
    for (let p = start + 1; p < end; p++) {
      if (buf[p] === 0x5d) {
        out.clientStart = start + 1;
        out.clientEnd = p;
        return;
      }
    }
    return;
  }
  for (let p = end - 1; p > start; p--) {
    const c = buf[p];
    if (c === COLON) {
      if (p < end - 1) out.clientEnd = p;
      return;
    }
    if (c < 0x30 || c > 0x39) return;
  }
}

/** A 3-digit HTTP status at buf[p, q) (100..599), 0 for `-` (no response), or -1. */
export function statusAt(buf: Buffer, p: number, q: number): number {
  if (q - p === 1 && buf[p] === 0x2d) return 0;
  if (q - p !== 3) return -1;
  const d1 = buf[p] - 0x30;
  const d2 = buf[p + 1] - 0x30;
  const d3 = buf[p + 2] - 0x30;
  if (d1 < 1 || d1 > 5 || d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9) return -1;
  return d1 * 100 + d2 * 10 + d3;
}
