// Reading a JSON line's values for the shapes of kernel/json-shape.ts (AssemblyScript): the same values as the
// walker's own readers in json.ts (stringEnd, valueEnd, plainObjectEnd) cross, with the same ends, but 16 bytes
// at a time without a bound check per block. They read past `end` (the caller makes sure 16 bytes past it are in
// memory: json-shape.ts shapeLine) and answer nothing there, and they stop at a newline, which no line holds:
// json.ts jsonNewline has a shape read a line before its end is known, bounded by the end of the chunk.

import { valueEnd } from './json';

const QUOTE: u32 = 0x22;
const LF: u32 = 0x0a;
const LBRACKET: u32 = 0x5b;
const RBRACKET: u32 = 0x5d;
const RBRACE: u32 = 0x7d;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;

/** 16 quotes, backslashes and newlines, for closingQuote. */
export const QUOTES: usize = memory.data<u8>([0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22], 16);
export const BACKSLASHES: usize = memory.data<u8>([0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c, 0x5c], 16);
export const NEWLINES: usize = memory.data<u8>([0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a, 0x0a], 16);

/** Bytes that end a bare token, as json.ts valueEnd reads one: `,` `}` `]` space, tab, CR, LF. */
export const TOKEN_ENDS: usize = memory.data<u8>([
  0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/** `,` `}` `]` and space, 16 of each: the bytes tokenEnd looks for (a byte below a space too). */
const TOKEN_STOPS: usize = memory.data<u8>([
  0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c, 0x2c,
  0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d, 0x7d,
  0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d,
  0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
], 16);

/**
 * As json.ts valueEnd ends a bare token from its second byte at p: the first of `,` `}` `]` space, tab, CR, LF
 * (TOKEN_ENDS) at or after p, or `end`. 16 bytes at a time: a block's first `,` `}` `]` or byte up to a space is
 * the end unless it is a control byte that ends nothing (then the search goes on past it: ending the token there
 * would not be wrong, as the literal after a token starts with a byte that ends one and would miss, but slow).
 */
@inline export function tokenEnd(p: usize, end: usize): usize {
  const commas = v128.load(TOKEN_STOPS);
  const braces = v128.load(TOKEN_STOPS, 16);
  const brackets = v128.load(TOKEN_STOPS, 32);
  const spaces = v128.load(TOKEN_STOPS, 48);
  while (true) {
    const v = v128.load(p);
    const stops = v128.or(v128.or(i8x16.eq(v, commas), i8x16.eq(v, braces)), v128.or(i8x16.eq(v, brackets), i8x16.le_u(v, spaces)));
    const mask = i8x16.bitmask(stops);
    if (mask == 0) {
      p += 16;
      if (p >= end) return end;
      continue;
    }
    p += <usize>ctz(mask);
    if (p >= end) return end;
    if (load<u8>(TOKEN_ENDS + <usize>load<u8>(p)) != 0) return p;
    p++;
  }
}

/**
 * Bytes [a, a + n) equal [b, b + n), 16 at a time: a literal shorter than 16 bytes is compared as the 16 bytes
 * at a and b with those past it masked off, one of 16 or more as whole blocks and one last block that overlaps
 * the one before. Reading 16 bytes at a and b must be safe (shapeLine checks the line's end is 16 bytes inside
 * memory; the shapes' bytes are followed by their slots).
 */
@inline export function sameBytes(a: usize, b: usize, n: usize): bool {
  if (n < 16) {
    const differ = ~i8x16.bitmask(i8x16.eq(v128.load(a), v128.load(b)));
    return (differ & ((<u32>1 << <u32>n) - 1)) == 0;
  }
  const last = n - 16;
  let i: usize = 0;
  for (; i + 16 < last; i += 32) {
    const same = v128.and(i8x16.eq(v128.load(a + i), v128.load(b + i)), i8x16.eq(v128.load(a + i, 16), v128.load(b + i, 16)));
    if (i8x16.bitmask(same) != 0xffff) return false;
  }
  if (i < last && i8x16.bitmask(i8x16.eq(v128.load(a + i), v128.load(b + i))) != 0xffff) return false;
  return i8x16.bitmask(i8x16.eq(v128.load(a + last), v128.load(b + last))) == 0xffff;
}

/**
 * As json.ts stringEnd for the string whose contents start at p (its opening quote at p - 1): the closing
 * quote before `end`, or 0. Blocks of 16 bytes are read whole, past `end` too (safe as in sameBytes); a quote,
 * backslash or newline found there is past the string's end, so no answer. A newline (which no line holds)
 * ends the search too: shapes may read a line before its end is known (jsonNewline), bounded by the chunk's
 * end, and must then stop at its newline.
 */
@inline export function closingQuote(p: usize, end: usize, quotes: v128, backslashes: v128, newlines: v128): usize {
  while (true) {
    const v = v128.load(p);
    const mask = i8x16.bitmask(v128.or(v128.or(i8x16.eq(v, quotes), i8x16.eq(v, backslashes)), i8x16.eq(v, newlines)));
    if (mask == 0) {
      p += 16;
      if (p >= end) return 0;
      continue;
    }
    p += <usize>ctz(mask);
    if (p >= end) return 0;
    const c = <u32>load<u8>(p);
    if (c == QUOTE) return p;
    if (c == LF || <u32>load<u8>(p + 1) == LF) return 0; // a newline, or one a backslash would escape
    p += 2; // a backslash and the byte it escapes
    if (p >= end) return 0;
  }
}

/**
 * As json.ts plainObjectEnd (the end of the object at p, its `{`, crossed as the walker crosses an object with
 * nothing wanted in it, or 0), its strings and arrays of one string read 16 bytes at a time as closingQuote
 * reads them; other values crossed by valueEnd.
 */
export function walkedEnd(p: usize, end: usize): usize {
  const quotes = v128.load(QUOTES);
  const backslashes = v128.load(BACKSLASHES);
  const newlines = v128.load(NEWLINES);
  p = skipSpace(p + 1, end);
  if (p < end && <u32>load<u8>(p) == RBRACE) return p + 1;
  while (true) {
    if (p >= end || <u32>load<u8>(p) != QUOTE) return 0;
    const keyEnd = closingQuote(p + 1, end, quotes, backslashes, newlines);
    if (keyEnd == 0) return 0;
    let value = keyEnd + 1;
    if (value < end && <u32>load<u8>(value) == COLON) {
      value++;
    } else {
      value = skipSpace(value, end);
      if (value >= end || <u32>load<u8>(value) != COLON) return 0;
      value++;
    }
    value = skipSpace(value, end);
    if (value >= end) return 0;
    const c = <u32>load<u8>(value);
    let after: usize;
    if (c == QUOTE) {
      const q = closingQuote(value + 1, end, quotes, backslashes, newlines);
      after = q == 0 ? 0 : q + 1;
    } else if (c == LBRACKET && value + 1 < end && <u32>load<u8>(value + 1) == QUOTE) {
      const q = closingQuote(value + 2, end, quotes, backslashes, newlines);
      after = q != 0 && q + 1 < end && <u32>load<u8>(q + 1) == RBRACKET ? q + 2 : uncheckedValueEnd(value, end);
    } else {
      after = uncheckedValueEnd(value, end);
    }
    if (after == 0) return 0;
    p = skipSpace(after, end);
    if (p >= end) return 0;
    const b = <u32>load<u8>(p);
    if (b != COMMA) return b == RBRACE ? p + 1 : 0;
    p = skipSpace(p + 1, end);
  }
}

/**
 * A line read with a shape crossed a value with json.ts valueEnd, which may cross a newline: jsonNewline then
 * looks for one in what was read.
 */
export let shapeUnchecked = false;

export function shapeChecked(): void {
  shapeUnchecked = false;
}

export function uncheckedValueEnd(p: usize, end: usize): usize {
  shapeUnchecked = true;
  return valueEnd(p, end);
}

/** As json.ts skipSpace, but a newline is not crossed (see closingQuote): no line holds one. */
@inline function skipSpace(p: usize, end: usize): usize {
  if (p < end && <u32>load<u8>(p) > 0x20) return p; // the usual case: no space at all
  while (p < end) {
    const c = <u32>load<u8>(p);
    if (c != 0x20 && c != 0x09 && c != 0x0d) break;
    p++;
  }
  return p;
}
