// The time readers of the JSON-lines kernel (AssemblyScript, kernel/json.ts's): an ISO 8601 string or an epoch
// number, read as src/formats/timestamps.ts reads them (parseIsoTime, parseEpochAnyUnit), the last answer kept
// for a line that repeats the same bytes.
import { LAST_EPOCH_SECOND, offsetEnd, utcOffset } from './civil';

const SP: u32 = 0x20;
const COMMA: u32 = 0x2c;
const COLON: u32 = 0x3a;

@inline function byteAt(p: usize): u32 {
  return <u32>load<u8>(p);
}

// The time readers of src/formats/timestamps.ts, same arithmetic (f64), same NaN cases; `scanEnd` is its scan.end.
export let scanEnd: usize = 0;

@inline function digit(p: usize): i32 {
  const d = <i32>byteAt(p) - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
}

function twoDigits(p: usize): i32 {
  const a = <i32>byteAt(p) - 0x30;
  const b = <i32>byteAt(p + 1) - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function skipFraction(p: usize, end: usize): usize {
  const c = p < end ? byteAt(p) : 0;
  if ((c == 0x2e || c == COMMA) && p + 1 < end && digit(p + 1) >= 0) {
    p += 2;
    while (p < end && digit(p) >= 0) p++;
  }
  return p;
}

function packStamp(epochSeconds: f64, offsetMinutes: f64): f64 {
  return epochSeconds * 4096 + (offsetMinutes + 2048);
}

function daysFromCivil(year: f64, month: f64, day: f64): f64 {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function isValidDate(year: i32, month: i32, day: i32): bool {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = month == 2 ? 29 : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
  if (day > days) return false;
  if (month == 2 && day == 29 && !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))) return false;
  return true;
}

// The last date parseIsoTimeOnce read (its 10 bytes `YYYY-MM-DD`) and its day number: lines of a log share dates.
let cachedDate: u64 = 0;
let cachedDateEnd: u16 = 0;
let cachedDays: f64 = NaN;

// The last time a reader read whole (8 to 32 bytes: which reader, its bytes, its answer and where its scan
// ended): lines of a log share seconds.
const CACHED_TIME: usize = memory.data(32);
let cachedTimeLength: usize = 0;
let cachedTimeIso = false;
let cachedTimeScan: usize = 0;
let cachedStamp: f64 = 0;

/** [p, p + n) (8 <= n <= 32) equals the cached time's bytes. */
@inline function sameAsCachedTime(p: usize, n: usize): bool {
  if (n < 16) return load<u64>(p) == load<u64>(CACHED_TIME) && load<u64>(p + n - 8) == load<u64>(CACHED_TIME + n - 8);
  return (
    i8x16.all_true(i8x16.eq(v128.load(p), v128.load(CACHED_TIME))) &&
    i8x16.all_true(i8x16.eq(v128.load(p + n - 16), v128.load(CACHED_TIME + n - 16)))
  );
}

/** parseIsoTimeOnce or parseEpochOnce (`iso`), the answer of the last same bytes taken from the cache. */
export function parseTime(p: usize, end: usize, iso: bool): f64 {
  const n = end - p;
  if (n < 8 || n > 32) return iso ? parseIsoTimeOnce(p, end) : parseEpochOnce(p, end);
  if (n == cachedTimeLength && iso == cachedTimeIso && sameAsCachedTime(p, n)) {
    scanEnd = p + cachedTimeScan;
    return cachedStamp;
  }
  const stamp = iso ? parseIsoTimeOnce(p, end) : parseEpochOnce(p, end);
  if (!isNaN(stamp)) {
    memory.copy(CACHED_TIME, p, n);
    cachedTimeLength = n;
    cachedTimeIso = iso;
    cachedTimeScan = scanEnd - p;
    cachedStamp = stamp;
  }
  return stamp;
}

function parseIsoTimeOnce(p: usize, end: usize): f64 {
  // YYYY-MM-DD
  if (end - p < 10) return NaN;
  let days: f64;
  if (load<u64>(p) == cachedDate && load<u16>(p + 8) == cachedDateEnd && !isNaN(cachedDays)) {
    days = cachedDays;
  } else {
    if (byteAt(p + 4) != 0x2d || byteAt(p + 7) != 0x2d) return NaN;
    const y1 = twoDigits(p);
    const y2 = twoDigits(p + 2);
    const month = twoDigits(p + 5);
    const day = twoDigits(p + 8);
    if (y1 < 0 || y2 < 0 || month < 0 || day < 0) return NaN;
    const year = y1 * 100 + y2;
    if (!isValidDate(year, month, day)) return NaN;
    days = daysFromCivil(<f64>year, <f64>month, <f64>day);
    cachedDate = load<u64>(p);
    cachedDateEnd = load<u16>(p + 8);
    cachedDays = days;
  }
  let q = p + 10;
  if (q >= end) return NaN;
  const t = byteAt(q);
  if (t != 0x54 && t != SP && t != 0x74) return NaN;
  // HH:MM[:SS][.fff]
  q++;
  if (end - q < 5 || byteAt(q + 2) != COLON) return NaN;
  const h = twoDigits(q);
  const m = twoDigits(q + 3);
  let s = 0;
  let r = q + 5;
  if (r < end && byteAt(r) == COLON) {
    if (end - r < 3) return NaN;
    s = twoDigits(r + 1);
    r += 3;
  }
  if (h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 60) return NaN;
  r = skipFraction(r, end);
  const seconds = <f64>(h * 3600 + m * 60 + s);
  let offset = utcOffset(r, end);
  if (isNaN(offset)) {
    offset = 0;
    scanEnd = r;
  } else scanEnd = offsetEnd;
  return packStamp(days * 86400 + seconds - offset * 60, offset);
}


/** An epoch number, its unit (s, ms, µs, ns) guessed from its integer digits, as a UTC stamp; whole seconds. */
function parseEpochOnce(p: usize, end: usize): f64 {
  let q = p;
  while (q < end && digit(q) >= 0) q++;
  const digits = <i32>(q - p);
  if (digits == 0 || digits > 20) return NaN;
  const unitDigits = digits <= 11 ? 0 : digits <= 14 ? 3 : digits <= 17 ? 6 : 9;
  let seconds: f64 = 0;
  for (let i = 0; i < digits - unitDigits; i++) seconds = seconds * 10 + <f64>digit(p + <usize>i);
  if (seconds > LAST_EPOCH_SECOND) return NaN;
  scanEnd = skipFraction(q, end);
  return packStamp(seconds, 0);
}
