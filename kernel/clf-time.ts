// The CLF time, `dd/Mon/yyyy:HH:MM:SS +zzzz`, read as a stamp for the CLF kernel's parseLine (clf.ts), as
// src/formats/clf.ts parseClfTime reads it. Lines come in time order, so two caches spare most of the work: the
// whole 26 bytes of the last time read (the lines of one second share its stamp, compared 8 bytes at a time), and
// its date and offset (the lines of one day need only their time of day read).

import { daysFromCivil, isLeap, packStamp, twoDigits } from './civil';

const SP: u32 = 0x20;
const SLASH: u32 = 0x2f;
const COLON: u32 = 0x3a;
const PLUS: u32 = 0x2b;
const MINUS: u32 = 0x2d;

/** `dd/Mon/yyyy:` and ` +zzzz` of the last date read (18 bytes), its midnight and offset. */
const CACHED_DATE: usize = memory.data(18);
let cacheValid = false;
let cachedMidnight: f64 = 0;
let cachedOffset: i32 = 0;
/** The whole time (26 bytes) parseTime read last, and its stamp. */
const CACHED_TIME: usize = memory.data(26);
let timeCacheValid = false;
let cachedTimeStamp: f64 = 0;

function monthNumber(p: usize): i32 {
  switch ((<u32>load<u8>(p) << 16) | (<u32>load<u8>(p + 1) << 8) | <u32>load<u8>(p + 2)) {
    case 0x4a616e: return 1;
    case 0x466562: return 2;
    case 0x4d6172: return 3;
    case 0x417072: return 4;
    case 0x4d6179: return 5;
    case 0x4a756e: return 6;
    case 0x4a756c: return 7;
    case 0x417567: return 8;
    case 0x536570: return 9;
    case 0x4f6374: return 10;
    case 0x4e6f76: return 11;
    case 0x446563: return 12;
    default: return 0;
  }
}

/** `dd/Mon/yyyy:` and ` +zzzz` equal the cached ones (compared 8, 4, 4 and 2 bytes at a time). */
function sameDateAsCached(t: usize): bool {
  return (
    cacheValid &&
    load<u64>(t) == load<u64>(CACHED_DATE) &&
    load<u32>(t + 8) == load<u32>(CACHED_DATE + 8) &&
    load<u32>(t + 20) == load<u32>(CACHED_DATE + 12) &&
    load<u16>(t + 24) == load<u16>(CACHED_DATE + 16)
  );
}

function daysInMonth(year: i32, month: i32): i32 {
  if (month == 2) return isLeap(year) ? 29 : 28;
  return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
}

/** `dd/Mon/yyyy:HH:MM:SS +zzzz` at t as a stamp, or NaN. (Inlined into parseLine: a call per line cost about 8% of the scan.) */
@inline
export function parseTime(t: usize): f64 {
  if (
    timeCacheValid && load<u64>(t) == load<u64>(CACHED_TIME) && load<u64>(t + 8) == load<u64>(CACHED_TIME + 8) &&
    load<u64>(t + 16) == load<u64>(CACHED_TIME + 16) && load<u16>(t + 24) == load<u16>(CACHED_TIME + 24)
  ) {
    return cachedTimeStamp;
  }
  const stamp = parseNewTime(t);
  if (!isNaN(stamp)) {
    store<u64>(CACHED_TIME, load<u64>(t));
    store<u64>(CACHED_TIME + 8, load<u64>(t + 8));
    store<u64>(CACHED_TIME + 16, load<u64>(t + 16));
    store<u16>(CACHED_TIME + 24, load<u16>(t + 24));
    cachedTimeStamp = stamp;
    timeCacheValid = true;
  }
  return stamp;
}

/** parseTime for a time unlike the last one. */
function parseNewTime(t: usize): f64 {
  const h = twoDigits(t + 12);
  const m = twoDigits(t + 15);
  const s = twoDigits(t + 18);
  if ((h | m | s) < 0 || h > 23 || m > 59 || s > 60 || <u32>load<u8>(t + 14) != COLON || <u32>load<u8>(t + 17) != COLON) {
    return NaN;
  }
  const secondOfDay = <f64>(h * 3600 + m * 60 + s);
  if (sameDateAsCached(t)) return packStamp(cachedMidnight + secondOfDay, cachedOffset);

  const day = twoDigits(t);
  const month = monthNumber(t + 3);
  const y1 = twoDigits(t + 7);
  const y2 = twoDigits(t + 9);
  const sign = <u32>load<u8>(t + 21);
  const oh = twoDigits(t + 22);
  const om = twoDigits(t + 24);
  if (
    (day | y1 | y2 | oh | om) < 0 || month == 0 ||
    <u32>load<u8>(t + 2) != SLASH || <u32>load<u8>(t + 6) != SLASH || <u32>load<u8>(t + 11) != COLON ||
    <u32>load<u8>(t + 20) != SP || (sign != PLUS && sign != MINUS) || oh > 23 || om > 59
  ) {
    return NaN;
  }
  const year = y1 * 100 + y2;
  if (day < 1 || day > daysInMonth(year, month)) return NaN;
  const offset = (sign == MINUS ? -1 : 1) * (oh * 60 + om);
  cachedMidnight = daysFromCivil(year, month, day) * 86400 - <f64>(offset * 60);
  cachedOffset = offset;
  for (let i: usize = 0; i < 12; i++) store<u8>(CACHED_DATE + i, load<u8>(t + i));
  for (let i: usize = 0; i < 6; i++) store<u8>(CACHED_DATE + 12 + i, load<u8>(t + 20 + i));
  cacheValid = true;
  return packStamp(cachedMidnight + secondOfDay, offset);
}
