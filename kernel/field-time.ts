// The time readers of the field kernel (kernel/fields.ts), in AssemblyScript: each mirrors its JS twin in
// src/formats/timestamps.ts (or clf.ts, haproxy.ts) byte for byte, and says where it stopped in `timeEnd`
// (the JS `scan.end`), so the kernel accepts a time exactly when the JS parser does.

import { digitBits } from './address';
import { daysFromCivil, isValidDate, offsetEnd, packStamp, twoDigits, utcOffset } from './civil';

const SP: u32 = 0x20;
const COLON: u32 = 0x3a;
const SLASH: u32 = 0x2f;

/** Where the last time read stopped (timestamps.ts scan.end). */
export let timeEnd: usize = 0;
/** The offset in minutes of the last isoTime read (its stamp's, as base/time.ts stampOffsetMinutes gives it). */
export let timeOffset: i32 = 0;

export function digitAt(p: usize): i32 {
  const d = <i32>load<u8>(p) - 0x30;
  return <u32>d <= 9 ? d : -1;
}


// The last valid date civilStamp met and its midnight in epoch seconds: lines mostly share their date.
let cachedCivilYear: i32 = -1;
let cachedCivilMonth: i32 = 0;
let cachedCivilDay: i32 = 0;
let cachedCivilMidnight: f64 = 0;

/** timestamps.ts civilStamp: NaN when the fields name no real time. */
export function civilStamp(year: i32, month: i32, day: i32, h: i32, m: i32, s: i32, offset: i32): f64 {
  if (h > 23 || m > 59 || s > 60) return NaN;
  if (year != cachedCivilYear || month != cachedCivilMonth || day != cachedCivilDay) {
    if (!isValidDate(year, month, day)) return NaN;
    cachedCivilYear = year;
    cachedCivilMonth = month;
    cachedCivilDay = day;
    cachedCivilMidnight = daysFromCivil(year, month, day) * 86400;
  }
  return packStamp(cachedCivilMidnight + <f64>(h * 3600 + m * 60 + s) - <f64>(offset * 60), offset);
}

/** timestamps.ts parseIsoDate on 10 bytes at p: days since 1970-01-01, or NaN. */
export function isoDays(p: usize): f64 {
  if (<u32>load<u8>(p + 4) != 0x2d || <u32>load<u8>(p + 7) != 0x2d) return NaN;
  const y1 = twoDigits(p);
  const y2 = twoDigits(p + 2);
  const month = twoDigits(p + 5);
  const day = twoDigits(p + 8);
  if ((y1 | y2 | month | day) < 0) return NaN;
  const year = y1 * 100 + y2;
  return isValidDate(year, month, day) ? daysFromCivil(year, month, day) : NaN;
}

// The last `YYYY-MM-DD` read and its day: the lines of a log mostly share their date.
const CACHED_DATE: usize = memory.data(10);
let cachedDays: f64 = NaN;

/** isoDays with a one-date cache (inlined: a hit costs no call). */
@inline export function cachedIsoDays(p: usize): f64 {
  if (load<u64>(p) == load<u64>(CACHED_DATE) && load<u16>(p + 8) == load<u16>(CACHED_DATE + 8) && !isNaN(cachedDays)) return cachedDays;
  return uncachedIsoDays(p);
}

/** cachedIsoDays when the date is not the cached one. */
function uncachedIsoDays(p: usize): f64 {
  const days = isoDays(p);
  if (!isNaN(days)) {
    store<u64>(CACHED_DATE, load<u64>(p));
    store<u16>(CACHED_DATE + 8, load<u16>(p + 8));
  }
  cachedDays = days;
  return days;
}

/** timeOfDay inlined for the usual `HH:MM:SS` that fills [p, end); the same answer and timeEnd. */
@inline export function wholeTimeOfDay(p: usize, end: usize): f64 {
  if (end - p != 8 || <u32>load<u8>(p + 2) != COLON || <u32>load<u8>(p + 5) != COLON) return timeOfDay(p, end);
  const h = twoDigits(p);
  const m = twoDigits(p + 3);
  const s = twoDigits(p + 6);
  timeEnd = end;
  return (h | m | s) < 0 || h > 23 || m > 59 || s > 60 ? NaN : <f64>(h * 3600 + m * 60 + s);
}

/** timestamps.ts parseTimeOfDay on [p, end): `HH:MM[:SS][.fff]` as seconds of the day, or NaN; sets timeEnd. */
export function timeOfDay(p: usize, end: usize): f64 {
  if (end - p < 5 || <u32>load<u8>(p + 2) != COLON) return NaN;
  const h = twoDigits(p);
  const m = twoDigits(p + 3);
  let s: i32 = 0;
  let q = p + 5;
  if (q < end && <u32>load<u8>(q) == COLON) {
    if (end - q < 3) return NaN;
    s = twoDigits(q + 1);
    q += 3;
  }
  if (h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 60) return NaN;
  timeEnd = skipFraction(q, end);
  return <f64>(h * 3600 + m * 60 + s);
}

/** timestamps.ts skipFraction: after `.123` or `,123` at q, or q. */
export function skipFraction(q: usize, end: usize): usize {
  if (q < end && (<u32>load<u8>(q) == 0x2e || <u32>load<u8>(q) == 0x2c) && q + 1 < end && digitAt(q + 1) >= 0) {
    q = digitsEnd(q + 2, end);
  }
  return q;
}

/** After the digits at q (none: q), up to 15 of them read as one block when the line holds 16 bytes at q. */
@inline export function digitsEnd(q: usize, end: usize): usize {
  const run = q + 16 <= end ? ctz(~digitBits(v128.load(q))) : 0;
  q += run;
  if (run == 16 || run == 0) while (q < end && digitAt(q) >= 0) q++;
  return q;
}


// The last `YYYY-MM-DDT` and `+hh:mm` around a time isoTime read in that shape, their midnight and offset.
const ISO_SHAPE: usize = memory.data(18);
let isoShapeValid = false;
let isoShapeMidnight: f64 = 0;
let isoShapeOffset: i32 = 0;

// The `YYYY-MM-DDTHH:MM:SS` of the last fraction-and-Z time isoTime read inline, and its stamp.
const FRACTION_SECOND: usize = memory.data(20);
let fractionSecondValid = false;
let fractionSecondStamp: f64 = 0;

/** timestamps.ts parseIsoTime on [p, end): an RFC 3339 date-time as a stamp (no offset: UTC), or NaN; sets timeEnd. */
export function isoTime(p: usize, end: usize): f64 {
  // `YYYY-MM-DDTHH:MM:SS+hh:mm` with the date, separator and offset of the last one in that shape: only the
  // time of day is new (what the steps below would read, as the same bytes read the same).
  if (isoShapeValid && end - p >= 25 && load<u64>(p) == load<u64>(ISO_SHAPE) && load<u16>(p + 8) == load<u16>(ISO_SHAPE + 8) &&
    load<u8>(p + 10) == load<u8>(ISO_SHAPE + 10) && load<u32>(p + 19) == load<u32>(ISO_SHAPE + 12) && load<u16>(p + 23) == load<u16>(ISO_SHAPE + 16) &&
    <u32>load<u8>(p + 13) == COLON && <u32>load<u8>(p + 16) == COLON) {
    const h = twoDigits(p + 11);
    const m = twoDigits(p + 14);
    const s = twoDigits(p + 17);
    if (h >= 0 && m >= 0 && s >= 0 && h <= 23 && m <= 59 && s <= 60) {
      timeEnd = p + 25;
      timeOffset = isoShapeOffset;
      return packStamp(isoShapeMidnight + <f64>(h * 3600 + m * 60 + s), isoShapeOffset);
    }
  }
  // `YYYY-MM-DDTHH:MM:SS.fff...Z` (ALB: UTC with a fraction) on the last date read: isoTimeRead's steps inline,
  // and none of them in the second the last such time was in (its 19 bytes the same: the same steps).
  if (end - p >= 21 && <u32>load<u8>(p + 19) == 0x2e) {
    let sameSecond = fractionSecondValid && i8x16.all_true(i8x16.eq(v128.load(p), v128.load(FRACTION_SECOND))) && load<u32>(p + 15) == load<u32>(FRACTION_SECOND + 15);
    if (sameSecond || (<u32>load<u8>(p + 10) == 0x54 && <u32>load<u8>(p + 13) == COLON && <u32>load<u8>(p + 16) == COLON &&
      load<u64>(p) == load<u64>(CACHED_DATE) && load<u16>(p + 8) == load<u16>(CACHED_DATE + 8) && !isNaN(cachedDays))) {
      const q = digitsEnd(p + 20, end);
      if (q > p + 20 && q < end && (<u32>load<u8>(q) | 0x20) == 0x7a) {
        if (!sameSecond) {
          const h = twoDigits(p + 11);
          const m = twoDigits(p + 14);
          const s = twoDigits(p + 17);
          if (h >= 0 && m >= 0 && s >= 0 && h <= 23 && m <= 59 && s <= 60) {
            fractionSecondStamp = packStamp(cachedDays * 86400 + <f64>(h * 3600 + m * 60 + s), 0);
            memory.copy(FRACTION_SECOND, p, 19);
            fractionSecondValid = sameSecond = true;
          }
        }
        if (sameSecond) {
          timeEnd = q + 1;
          timeOffset = 0;
          return fractionSecondStamp;
        }
      }
    }
  }
  const stamp = isoTimeRead(p, end);
  if (!isNaN(stamp) && timeEnd == p + 25 && <u32>load<u8>(p + 16) == COLON && <u32>load<u8>(p + 22) == COLON) {
    const sign = <u32>load<u8>(p + 19);
    if (sign == 0x2b || sign == 0x2d) {
      store<u64>(ISO_SHAPE, load<u64>(p));
      store<u16>(ISO_SHAPE + 8, load<u16>(p + 8));
      store<u8>(ISO_SHAPE + 10, load<u8>(p + 10));
      store<u32>(ISO_SHAPE + 12, load<u32>(p + 19));
      store<u16>(ISO_SHAPE + 16, load<u16>(p + 23));
      isoShapeOffset = timeOffset;
      isoShapeMidnight = cachedDays * 86400 - <f64>(timeOffset * 60);
      isoShapeValid = true;
    }
  }
  return stamp;
}

function isoTimeRead(p: usize, end: usize): f64 {
  if (end - p < 10) return NaN;
  const days = cachedIsoDays(p);
  if (isNaN(days)) return NaN;
  const q = p + 10;
  if (q >= end) return NaN;
  const c = <u32>load<u8>(q);
  if (c != 0x54 && c != SP && c != 0x74) return NaN;
  const seconds = timeOfDay(q + 1, end);
  if (isNaN(seconds)) return NaN;
  const after = timeEnd;
  let offset = utcOffset(after, end);
  if (isNaN(offset)) offset = 0;
  else timeEnd = offsetEnd;
  timeOffset = <i32>offset;
  return packStamp(days * 86400 + seconds - offset * 60, <i32>offset);
}

/** timestamps.ts monthByName on [p, q): an English month name or abbreviation (any case) as 1..12, or 0. */
export function monthByName(p: usize, q: usize): i32 {
  const n = q - p;
  if (n < 3) return 0;
  // The first three letters, lower-cased, tell the month; a longer name must then be the whole name.
  const key = (<u32>load<u8>(p) | 0x20) | ((<u32>load<u8>(p + 1) | 0x20) << 8) | ((<u32>load<u8>(p + 2) | 0x20) << 16);
  const month = monthOfKey(key);
  if (month == 0 || n == 3) return month;
  const name = MONTH_NAMES[month - 1];
  if (<usize>name.length != n) return 0;
  for (let i: i32 = 3; i < name.length; i++) {
    if ((<u32>load<u8>(p + <usize>i) | 0x20) != <u32>name.charCodeAt(i)) return 0;
  }
  return month;
}

const MONTH_NAMES: StaticArray<string> = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

/** The month of three lower-case letters packed little-endian (`jan` is 0x6e616a), or 0. */
export function monthOfKey(key: u32): i32 {
  switch (key) {
    case 0x6e616a: return 1; // jan
    case 0x626566: return 2; // feb
    case 0x72616d: return 3; // mar
    case 0x727061: return 4; // apr
    case 0x79616d: return 5; // may
    case 0x6e756a: return 6; // jun
    case 0x6c756a: return 7; // jul
    case 0x677561: return 8; // aug
    case 0x706573: return 9; // sep
    case 0x74636f: return 10; // oct
    case 0x766f6e: return 11; // nov
    case 0x636564: return 12; // dec
    default: return 0;
  }
}

/** clf.ts monthNumber: `Jan`..`Dec` at p, capitalised as CLF writes them, as 1..12, or 0. */
function clfMonth(p: usize): i32 {
  const a = <u32>load<u8>(p);
  const b = <u32>load<u8>(p + 1);
  const c = <u32>load<u8>(p + 2);
  // A capital then two small letters: with 0x20 clear in the first byte and set in the others, the byte is
  // the letter itself once lower-cased matches.
  if ((a & 0x20) != 0 || (b & 0x20) == 0 || (c & 0x20) == 0) return 0;
  return monthOfKey((a | 0x20) | (b << 8) | (c << 16));
}

/** clf.ts parseClfTime on the 26 bytes at t (`dd/Mon/yyyy:HH:MM:SS +zzzz`), or NaN. The caller checks the room. */
export function clfTime(t: usize): f64 {
  const h = twoDigits(t + 12);
  const m = twoDigits(t + 15);
  const s = twoDigits(t + 18);
  if ((h | m | s) < 0 || h > 23 || m > 59 || s > 60 || <u32>load<u8>(t + 14) != COLON || <u32>load<u8>(t + 17) != COLON) return NaN;
  const day = twoDigits(t);
  const month = clfMonth(t + 3);
  const y1 = twoDigits(t + 7);
  const y2 = twoDigits(t + 9);
  const sign = <u32>load<u8>(t + 21);
  const oh = twoDigits(t + 22);
  const om = twoDigits(t + 24);
  if ((day | y1 | y2 | oh | om) < 0 || month == 0) return NaN;
  if (<u32>load<u8>(t + 2) != SLASH || <u32>load<u8>(t + 6) != SLASH || <u32>load<u8>(t + 11) != COLON) return NaN;
  if (<u32>load<u8>(t + 20) != SP || (sign != 0x2b && sign != 0x2d) || oh > 23 || om > 59) return NaN;
  return civilStamp(y1 * 100 + y2, month, day, h, m, s, (sign == 0x2d ? -1 : 1) * (oh * 60 + om));
}

// The last accept date's `dd/Mon/yyyy:` and what it gave.
const ACCEPT_DATE: usize = memory.data(12);
let acceptValid = false;
let acceptDay: i32 = 0;
let acceptMonth: i32 = 0;
let acceptYear: i32 = 0;

/** haproxy.ts parseAcceptDate: `dd/Mon/yyyy:HH:MM:SS.mmm]` at p with the given offset, or NaN; timeEnd after the `]`. */
export function acceptDate(p: usize, end: usize, offset: i32): f64 {
  if (end - p < 25 || <u32>load<u8>(p + 2) != SLASH || <u32>load<u8>(p + 6) != SLASH || <u32>load<u8>(p + 11) != COLON) return NaN;
  if (<u32>load<u8>(p + 14) != COLON || <u32>load<u8>(p + 17) != COLON || <u32>load<u8>(p + 20) != 0x2e) return NaN;
  const h = twoDigits(p + 12);
  const m = twoDigits(p + 15);
  const s = twoDigits(p + 18);
  if ((h | m | s) < 0) return NaN;
  // `dd/Mon/yyyy:` as the last one read: the same day, month and year.
  if (!acceptValid || load<u64>(p) != load<u64>(ACCEPT_DATE) || load<u32>(p + 8) != load<u32>(ACCEPT_DATE + 8)) {
    const day = twoDigits(p);
    const month = monthByName(p + 3, p + 6);
    const y1 = twoDigits(p + 7);
    const y2 = twoDigits(p + 9);
    if ((day | y1 | y2) < 0 || month == 0) return NaN;
    acceptDay = day;
    acceptMonth = month;
    acceptYear = y1 * 100 + y2;
    store<u64>(ACCEPT_DATE, load<u64>(p));
    store<u32>(ACCEPT_DATE + 8, load<u32>(p + 8));
    acceptValid = true;
  }
  const q = digitsEnd(p + 21, end);
  if (q == p + 21 || q >= end || <u32>load<u8>(q) != 0x5d) return NaN;
  timeEnd = q + 1;
  return civilStamp(acceptYear, acceptMonth, acceptDay, h, m, s, offset);
}
