// Small byte and calendar helpers of the scan kernels (AssemblyScript): finding a byte with SIMD, two digits,
// civil dates to days, UTC offsets, stamps packed as src/base/time.ts packs them.

/** The first `byte` in [p, end), or end (16 bytes at a time). */
export function findByte(p: usize, end: usize, byte: u32): usize {
  const needle = i8x16.splat(<i8>byte);
  while (p + 16 <= end) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(p), needle));
    if (mask != 0) return p + <usize>ctz(mask);
    p += 16;
  }
  while (p < end) {
    if (<u32>load<u8>(p) == byte) return p;
    p++;
  }
  return end;
}

/** As findByte, 64 bytes a step: for long lines (JSON lines are two or three times a Combined line). */
export function findByteWide(p: usize, end: usize, byte: u32): usize {
  const needle = i8x16.splat(<i8>byte);
  while (p + 64 <= end) {
    const a = i8x16.eq(v128.load(p), needle);
    const b = i8x16.eq(v128.load(p, 16), needle);
    const c = i8x16.eq(v128.load(p, 32), needle);
    const d = i8x16.eq(v128.load(p, 48), needle);
    if (v128.any_true(v128.or(v128.or(a, b), v128.or(c, d)))) {
      const mask = <u64>i8x16.bitmask(a) | (<u64>i8x16.bitmask(b) << 16) | (<u64>i8x16.bitmask(c) << 32) | (<u64>i8x16.bitmask(d) << 48);
      return p + <usize>ctz(mask);
    }
    p += 64;
  }
  return findByte(p, end, byte);
}

/** Two ASCII digits at p as a number, or -1. */
export function twoDigits(p: usize): i32 {
  const a = <i32>load<u8>(p) - 0x30;
  const b = <i32>load<u8>(p + 1) - 0x30;
  return <u32>a <= 9 && <u32>b <= 9 ? a * 10 + b : -1;
}

/** The last epoch second an epoch number may name (src/formats/timestamps.ts LAST_EPOCH_SECOND: 9999-12-31). */
export const LAST_EPOCH_SECOND: f64 = 253402300799;

/** An instant and its UTC offset in one number (src/base/time.ts packStamp). */
export function packStamp(epochSeconds: f64, offsetMinutes: i32): f64 {
  return epochSeconds * 4096 + <f64>(offsetMinutes + 2048);
}

/** Days since 1970-01-01 of a civil date (src/base/time.ts daysFromCivil). */
export function daysFromCivil(year: i32, month: i32, day: i32): f64 {
  const y = <f64>(month <= 2 ? year - 1 : year);
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = <f64>((month + 9) % 12);
  const doy = Math.floor((153 * mp + 2) / 5) + <f64>day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function isLeap(year: i32): bool {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

/** src/base/time.ts isValidCivil for the date part. */
export function isValidDate(year: i32, month: i32, day: i32): bool {
  if (month < 1 || month > 12 || day < 1) return false;
  if (month == 2) return day <= (isLeap(year) ? 29 : 28);
  return day <= (month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31);
}

/** Where the UTC offset utcOffset read last ends. */
export let offsetEnd: usize = 0;

/** timestamps.ts parseOffset: `Z`, `+HH:MM`, `+HHMM` or `+HH` at p in minutes, or NaN; sets offsetEnd. */
export function utcOffset(p: usize, end: usize): f64 {
  if (p >= end) return NaN;
  const c = <u32>load<u8>(p);
  if (c == 0x5a || c == 0x7a) {
    offsetEnd = p + 1;
    return 0;
  }
  if ((c != 0x2b && c != 0x2d) || end - p < 3) return NaN;
  const oh = twoDigits(p + 1);
  let om: i32 = 0;
  let q = p + 3;
  if (q < end && <u32>load<u8>(q) == 0x3a) { // :
    if (end - q < 3) return NaN;
    om = twoDigits(q + 1);
    q += 3;
  } else if (end - q >= 2 && <u32>(<i32>load<u8>(q) - 0x30) <= 9) {
    om = twoDigits(q);
    q += 2;
  }
  if (oh < 0 || om < 0 || oh > 23 || om > 59) return NaN;
  offsetEnd = q;
  return <f64>((c == 0x2d ? -1 : 1) * (oh * 60 + om));
}
