// The fields of a format string's program that are not text (kernel/template.ts runs the program): the
// status, and the parts of the line's time (a whole stamp, or civil parts read one by one), and the instant
// they make (src/formats/compiled.ts readPart and instant, on bytes). The line's parts live here, between
// startParts and instant.

import { LAST_EPOCH_SECOND, offsetEnd, packStamp, twoDigits, utcOffset } from './civil';
import { civilStamp, clfTime, digitAt, digitsEnd, isoTime, monthByName, monthOfKey, skipFraction, timeEnd } from './field-time';

const SP: u32 = 0x20;

// Step kinds (src/scan/field-kernel-scanner.ts writes them from format-spec.ts Kind).
export const TEXT: u32 = 0;
const CLF_TIME: u32 = 1;
const ISO_TIME: u32 = 2;
const EPOCH: u32 = 3;
export const STATUS: u32 = 4;
const YEAR4: u32 = 5;
const YEAR2: u32 = 6;
const MONTH2: u32 = 7;
const MONTH_NAME: u32 = 8;
const DAY2: u32 = 9;
const DAY_PADDED: u32 = 10;
const HOUR2: u32 = 11;
const HOUR_PADDED: u32 = 12;
const MINUTE2: u32 = 14;
const SECOND2: u32 = 15;
const AM_PM: u32 = 16;
const OFFSET: u32 = 17;
const LETTERS: u32 = 18;
const DIGITS: u32 = 19;

// The time parts compiled.ts keeps (Part): a whole stamp, or all six civil parts.
const PART_STAMP: u32 = 1;
const PART_YEAR: u32 = 2;
const PART_MONTH: u32 = 4;
const PART_DAY: u32 = 8;
const PART_HOUR: u32 = 16;
const PART_MINUTE: u32 = 32;
const PART_SECOND: u32 = 64;
const CIVIL: u32 = PART_YEAR | PART_MONTH | PART_DAY | PART_HOUR | PART_MINUTE | PART_SECOND;

// The parts of the line being read (startParts clears them before each).
let partStamp: f64 = NaN;
let year: i32 = 0;
let month: i32 = 0;
let day: i32 = 0;
let hour: i32 = 0;
let minute: i32 = 0;
let second: i32 = 0;
let pm: i32 = -1;
let offset: i32 = 0;
let parts: u32 = 0;
/** The status the line's status field gave, or -1. */
export let code: i32 = -1;

/** compiled.ts readPart's Status: three digits from 100 to 599 and no fourth (the code in `code`); returns the end, or 0. */
@inline export function statusPart(p: usize, end: usize): usize {
  if (end - p < 3) return 0;
  const d1 = <i32>load<u8>(p) - 0x30;
  const d2 = digitAt(p + 1);
  const d3 = digitAt(p + 2);
  // The byte at end is the line's CR or LF, never a digit, as in JS.
  if (d1 < 1 || d1 > 5 || d2 < 0 || d3 < 0 || digitAt(p + 3) >= 0) return 0;
  code = d1 * 100 + d2 * 10 + d3;
  return p + 3;
}

/** Clears the parts before a line is read. */
export function startParts(): void {
  code = -1;
  parts = 0;
  pm = -1;
  offset = 0;
}

/** compiled.ts readPart: reads a self-delimiting field at p; returns its end, or 0. */
export function readPart(kind: u32, unitDigits: u32, p: usize, end: usize): usize {
  switch (kind) {
    case STATUS: return statusPart(p, end);
    case CLF_TIME: {
      if (end - p < 26) return 0;
      const t = clfTime(p);
      if (isNaN(t)) return 0;
      return stampPart(t, p + 26);
    }
    case ISO_TIME: {
      const t = isoTime(p, end);
      return isNaN(t) ? 0 : stampPart(t, timeEnd);
    }
    case EPOCH: {
      const q = digitsEnd(p, end);
      if (q == p || q - p > 20) return 0;
      const secondDigits = <i32>(q - p) - <i32>unitDigits;
      let seconds: f64 = 0;
      for (let i: i32 = 0; i < secondDigits; i++) seconds = seconds * 10 + <f64>digitAt(p + <usize>i);
      if (seconds > LAST_EPOCH_SECOND) return 0;
      return stampPart(packStamp(seconds, 0), skipFraction(q, end));
    }
    case YEAR4: {
      const a = twoDigits(p);
      const b = twoDigits(p + 2);
      if (end - p < 4 || a < 0 || b < 0) return 0;
      year = a * 100 + b;
      parts |= PART_YEAR;
      return p + 4;
    }
    case YEAR2: {
      const y = end - p < 2 ? -1 : twoDigits(p);
      if (y < 0) return 0;
      year = y < 69 ? 2000 + y : 1900 + y;
      parts |= PART_YEAR;
      return p + 2;
    }
    case MONTH2: return twoDigitPart(p, end, PART_MONTH);
    case MONTH_NAME: {
      const q = letters(p, end);
      const m = monthByName(p, q);
      if (m == 0) return 0;
      month = m;
      parts |= PART_MONTH;
      return q;
    }
    case DAY2: return twoDigitPart(p, end, PART_DAY);
    case DAY_PADDED: return paddedPart(p, end, PART_DAY);
    case HOUR_PADDED: return paddedPart(p, end, PART_HOUR);
    case MINUTE2: return twoDigitPart(p, end, PART_MINUTE);
    case SECOND2: return twoDigitPart(p, end, PART_SECOND);
    case AM_PM: {
      if (end - p < 2 || (<u32>load<u8>(p + 1) | 0x20) != 0x6d) return 0;
      const c = <u32>load<u8>(p) | 0x20;
      if (c != 0x61 && c != 0x70) return 0;
      pm = c == 0x70 ? 1 : 0;
      return p + 2;
    }
    case OFFSET: {
      const o = utcOffset(p, end);
      if (isNaN(o)) return 0;
      offset = <i32>o;
      return offsetEnd;
    }
    case LETTERS: {
      const q = letters(p, end);
      return q == p ? 0 : q;
    }
    case DIGITS: {
      const q = digitsEnd(p, end);
      return q == p ? 0 : q;
    }
    default:
      // HOUR2 and HOUR12 (13) read alike; anything else is not a kind the kernel knows: JS reads the line.
      return kind == HOUR2 || kind == 13 ? twoDigitPart(p, end, PART_HOUR) : 0;
  }
}

// The date and offset bytes clfShaped read last (`dd/Mon/yyyy:` and ` +zzzz`) and what they gave.
const SHAPED_DATE: usize = memory.data(18);
let shapedValid = false;
let shapedYear: i32 = 0;
let shapedMonth: i32 = 0;
let shapedDay: i32 = 0;
let shapedOffset: i32 = 0;

/**
 * The seven steps Day2 `/` MonthName `/` Year4 `:` Hour2 `:` Minute2 `:` Second2 ` ` Offset at once, when the
 * 26 bytes at p have exactly the shape `dd/Mon/yyyy:HH:MM:SS +zzzz` (any case in the month): then the steps
 * would read them so and set the same parts. False when they do not (the steps then read them one by one).
 */
export function clfShaped(p: usize): bool {
  const h = twoDigits(p + 12);
  const m = twoDigits(p + 15);
  const s = twoDigits(p + 18);
  if ((h | m | s) < 0 || <u32>load<u8>(p + 14) != 0x3a || <u32>load<u8>(p + 17) != 0x3a) return false;
  if (!shapedValid || load<u64>(p) != load<u64>(SHAPED_DATE) || load<u32>(p + 8) != load<u32>(SHAPED_DATE + 8) ||
    load<u32>(p + 20) != load<u32>(SHAPED_DATE + 12) || load<u16>(p + 24) != load<u16>(SHAPED_DATE + 16)) {
    if (!shapedDate(p)) return false;
  }
  year = shapedYear;
  month = shapedMonth;
  day = shapedDay;
  hour = h;
  minute = m;
  second = s;
  offset = shapedOffset;
  parts |= CIVIL;
  return true;
}

/** The date and offset parts of clfShaped's shape at p, remembered; false when p has not that shape. */
function shapedDate(p: usize): bool {
  const d = twoDigits(p);
  const y1 = twoDigits(p + 7);
  const y2 = twoDigits(p + 9);
  const oh = twoDigits(p + 22);
  const om = twoDigits(p + 24);
  const sign = <u32>load<u8>(p + 21);
  if ((d | y1 | y2 | oh | om) < 0 || oh > 23 || om > 59 || (sign != 0x2b && sign != 0x2d)) return false;
  if (<u32>load<u8>(p + 2) != 0x2f || <u32>load<u8>(p + 6) != 0x2f || <u32>load<u8>(p + 11) != 0x3a || <u32>load<u8>(p + 20) != SP) return false;
  // Three letters (a byte whose lower case is a letter is one), which monthByName reads case-blind.
  const m = monthOfKey((<u32>load<u8>(p + 3) | 0x20) | ((<u32>load<u8>(p + 4) | 0x20) << 8) | ((<u32>load<u8>(p + 5) | 0x20) << 16));
  if (m == 0) return false;
  shapedYear = y1 * 100 + y2;
  shapedMonth = m;
  shapedDay = d;
  shapedOffset = (sign == 0x2d ? -1 : 1) * (oh * 60 + om);
  store<u64>(SHAPED_DATE, load<u64>(p));
  store<u32>(SHAPED_DATE + 8, load<u32>(p + 8));
  store<u32>(SHAPED_DATE + 12, load<u32>(p + 20));
  store<u16>(SHAPED_DATE + 16, load<u16>(p + 24));
  shapedValid = true;
  return true;
}

function stampPart(t: f64, q: usize): usize {
  partStamp = t;
  parts |= PART_STAMP;
  return q;
}

function twoDigitPart(p: usize, end: usize, part: u32): usize {
  const v = end - p < 2 ? -1 : twoDigits(p);
  if (v < 0) return 0;
  setPart(part, v);
  return p + 2;
}

/** One or two digits, maybe after a padding space. */
function paddedPart(p: usize, end: usize, part: u32): usize {
  if (p < end && <u32>load<u8>(p) == SP) p++;
  const a = p < end ? digitAt(p) : -1;
  if (a < 0) return 0;
  const b = p + 1 < end ? digitAt(p + 1) : -1;
  setPart(part, b < 0 ? a : a * 10 + b);
  return b < 0 ? p + 1 : p + 2;
}

function setPart(part: u32, v: i32): void {
  if (part == PART_MONTH) month = v;
  else if (part == PART_DAY) day = v;
  else if (part == PART_HOUR) hour = v;
  else if (part == PART_MINUTE) minute = v;
  else if (part == PART_SECOND) second = v;
  parts |= part;
}

/** compiled.ts instant: the line's instant from the parts read, or NaN. Without an offset in the line, UTC. */
export function instant(): f64 {
  if ((parts & PART_STAMP) != 0) return partStamp;
  if ((parts & CIVIL) != CIVIL) return NaN;
  let h = hour;
  if (pm >= 0) {
    if (h < 1 || h > 12) return NaN;
    h = (h % 12) + (pm == 1 ? 12 : 0);
  }
  return civilStamp(year, month, day, h, minute, second, offset);
}

function letters(p: usize, end: usize): usize {
  while (p < end) {
    const c = <u32>load<u8>(p) | 0x20;
    if (c < 0x61 || c > 0x7a) break;
    p++;
  }
  return p;
}
