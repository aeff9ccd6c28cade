// The field kernel's reader of nginx `log_format` and Apache `LogFormat` lines (AssemblyScript): it runs the
// program src/formats/compiled.ts CompiledFormat.kernelProgram writes, the format string's literals and
// fields up to the last one CompiledFormat.parse needs, as that parse does (run, readPart, instant), on bytes;
// the fields that are not text are read by template-parts.ts.
// A line it cannot read as parse would is handed back to JS (scan returns false), so it never has to be
// complete, only exact on what it accepts.

import { findByte } from './civil';
import { accept } from './field-line';
import { clfShaped, code, instant, readPart, startParts, statusPart, STATUS, TEXT } from './template-parts';

const BACKSLASH: u32 = 0x5c;

/** Step flags. */
const QUOTED: u32 = 1;
const CLIENT: u32 = 2;
/** This step and the six after it read `%d/%b/%Y:%H:%M:%S %z` (CLF's time written with strftime): see clfShaped. */
const CLF_SHAPED: u32 = 4;
/** This step and at least the next are text fields each ended by an unquoted literal (how many in byte 3): see crossRun. */
const RUN: u32 = 8;

/** One step: kind u8, flags u8, the digits of the epoch unit u8, a run's length u8, the following literal's address and length. */
export const STEP_BYTES: u32 = 12;

let steps: usize = 0;
let stepCount: u32 = 0;
let firstLiteral: usize = 0;
let firstLiteralBytes: u32 = 0;

/** The program for the lines that follow: `count` steps at `at`, after the literal [literal, literal + bytes). */
export function templateInit(at: usize, count: u32, literal: usize, bytes: u32): void {
  steps = at;
  stepCount = count;
  firstLiteral = literal;
  firstLiteralBytes = bytes;
}

/** CompiledFormat.parse on [start, end): false when it would not read the line so (JS then reads it). */
export function parseTemplate(start: usize, end: usize): bool {
  if (!matchLiteral(start, end, firstLiteral, firstLiteralBytes)) return false;
  let p = start + <usize>firstLiteralBytes;
  let cStart: usize = 0;
  let cEnd: usize = 0;
  let haveClient = false;
  startParts();
  for (let i: u32 = 0; i < stepCount; i++) {
    const step = steps + <usize>(i * STEP_BYTES);
    const flags = <u32>load<u8>(step, 1);
    if ((flags & RUN) != 0) {
      const q = crossRun(step, <u32>load<u8>(step, 3), p, end);
      if (runSteps != 0) {
        if (runClientEnd != 0 && !haveClient) {
          haveClient = true;
          cStart = runClientStart;
          cEnd = runClientEnd;
        }
        p = q;
        i += runSteps - 1;
        continue;
      }
    }
    const kind = <u32>load<u8>(step);
    const literal = <usize>load<u32>(step, 4);
    const literalBytes = load<u32>(step, 8);
    let q: usize;
    if ((flags & CLF_SHAPED) != 0 && end - p >= 26 && clfShaped(p)) {
      // The seventh step's literal follows; on a mismatch the steps one by one decide.
      const last = step + 6 * STEP_BYTES;
      const lastLiteral = load<u32>(last, 8);
      if (matchLiteral(p + 26, end, <usize>load<u32>(last, 4), lastLiteral)) {
        p += 26 + <usize>lastLiteral;
        i += 6;
        continue;
      }
    }
    if (kind == TEXT) {
      if (literalBytes == 0) q = end;
      else if ((flags & QUOTED) == 0) {
        q = findPlainLiteral(p, end, literal, literalBytes);
        if (q == 0) return false;
      } else {
        q = findLiteral(p, end, literal, literalBytes, (flags & QUOTED) != 0);
        if (q == 0) return false;
      }
    } else {
      // The status, in every format string, read here rather than through readPart's switch.
      q = kind == STATUS ? statusPart(p, end) : readPart(kind, <u32>load<u8>(step, 2), p, end);
      if (q == 0 || !matchLiteral(q, end, literal, literalBytes)) return false;
    }
    if ((flags & CLIENT) != 0 && !haveClient) {
      haveClient = true;
      cStart = p;
      cEnd = q;
    }
    p = q + <usize>literalBytes;
  }
  // An empty client is left to JS, which decides what it means.
  if (!haveClient || cEnd <= cStart || code < 0) return false;
  const at = instant();
  if (isNaN(at)) return false;
  accept(cStart, cEnd, <u32>code, at);
  return true;
}

// What crossRun crossed: how many steps, and the client's bounds when one of them was the client (else 0).
let runSteps: u32 = 0;
let runClientStart: usize = 0;
let runClientEnd: usize = 0;

/**
 * Up to `count` text steps from `step`, each ended by an unquoted literal, as the loop in parseTemplate reads them
 * (each field ends where its literal first starts), within the 64 bytes at p: their literals' first bytes are
 * found as the bits of one mask per byte value (one for a run of fields ended by spaces), so a field costs a
 * ctz, not a findByte whose exit depends on its length, and the steps are not dispatched one by one. Stops at
 * the first step whose literal does not start in the window; the loop reads that one and the rest. Returns p
 * after the steps crossed (runSteps of them).
 */
function crossRun(step: usize, count: u32, p: usize, end: usize): usize {
  runSteps = 0;
  runClientEnd = 0;
  // The window lies inside the line (end is its CR or LF): a literal found past end would be the next line's.
  if (end - p < 64) return p;
  const base = p;
  const a = v128.load(base);
  const b = v128.load(base, 16);
  const c = v128.load(base, 32);
  const d = v128.load(base, 48);
  let maskByte: u32 = 0x100;
  let mask: u64 = 0;
  for (let j: u32 = 0; j < count; j++) {
    const at = step + <usize>(j * STEP_BYTES);
    const literal = <usize>load<u32>(at, 4);
    const literalBytes = load<u32>(at, 8);
    const first = <u32>load<u8>(literal);
    const offset = <u64>(p - base);
    if (offset >= 64) break;
    if (first != maskByte) {
      const s = i8x16.splat(<i8>first);
      mask = <u64>i8x16.bitmask(i8x16.eq(a, s)) | (<u64>i8x16.bitmask(i8x16.eq(b, s)) << 16) |
        (<u64>i8x16.bitmask(i8x16.eq(c, s)) << 32) | (<u64>i8x16.bitmask(i8x16.eq(d, s)) << 48);
      maskByte = first;
    }
    // Candidates before p lie in the last field or literal crossed.
    mask &= ~<u64>0 << offset;
    let q: usize = 0;
    while (mask != 0) {
      const candidate = base + <usize>ctz(mask);
      mask &= mask - 1;
      if (literalBytes == 1 || matchLiteral(candidate, end, literal, literalBytes)) {
        q = candidate;
        break;
      }
    }
    if (q == 0) break;
    if ((<u32>load<u8>(at, 1) & CLIENT) != 0 && runClientEnd == 0) {
      runClientStart = p;
      runClientEnd = q;
    }
    p = q + <usize>literalBytes;
    runSteps = j + 1;
  }
  return p;
}

function matchLiteral(p: usize, end: usize, literal: usize, bytes: u32): bool {
  if (end - p < <usize>bytes) return false;
  for (let i: usize = 0; i < <usize>bytes; i++) if (load<u8>(p + i) != load<u8>(literal + i)) return false;
  return true;
}

/** compiled.ts findLiteral: the first position from p where the literal starts, or 0. */
function findPlainLiteral(p: usize, end: usize, literal: usize, bytes: u32): usize {
  const first = <u32>load<u8>(literal);
  const last = end - <usize>bytes;
  for (;;) {
    p = findByte(p, end, first);
    if (p > last) return 0;
    if (matchLiteral(p, end, literal, bytes)) return p;
    p++;
  }
  return 0; // not reached: the loop returns
}

/**
 * compiled.ts findLiteral and findQuotedLiteral: the first position from p where the literal starts, or 0;
 * quoted, a byte after a backslash never starts it (escaped quotes stay inside). 16 bytes at a time to the
 * next candidate: the literal's first byte, or a backslash when quoted.
 */
function findLiteral(p: usize, end: usize, literal: usize, bytes: u32, quoted: bool): usize {
  const first = <u32>load<u8>(literal);
  const last = end - <usize>bytes;
  const firsts = i8x16.splat(<i8>first);
  const backslashes = i8x16.splat(<i8>(quoted ? BACKSLASH : first));
  while (p <= last) {
    // The next candidate at or after p.
    while (p + 16 <= end) {
      const v = v128.load(p);
      const mask = i8x16.bitmask(v128.or(i8x16.eq(v, firsts), i8x16.eq(v, backslashes)));
      if (mask != 0) {
        p += <usize>ctz(mask);
        break;
      }
      p += 16;
    }
    if (p > last) return 0;
    const c = <u32>load<u8>(p);
    if (quoted && c == BACKSLASH) {
      p += 2;
      continue;
    }
    if (c == first && matchLiteral(p, end, literal, bytes)) return p;
    p++;
  }
  return 0;
}
