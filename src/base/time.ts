// Timestamps travel through the engine as one number, a "stamp": the instant in whole seconds since the
// Unix epoch and the log's own UTC offset in minutes, packed so that ordering stamps orders instants first
// (ties broken by offset, so merges are deterministic) and one Float64 slot holds both.
//
//   stamp = epochSeconds * OFFSET_SPAN + (offsetMinutes + OFFSET_BIAS)
//
// Offsets span -24:00..+24:00 (2881 values < 4096); epoch seconds up to year 275760 stay below 2^53 / 4096.

export const OFFSET_SPAN = 4096;
const OFFSET_BIAS = 2048;

/** A stamp that sorts before every real one (used as "no time seen yet"). */
export const NO_STAMP_MIN = Number.POSITIVE_INFINITY;
export const NO_STAMP_MAX = Number.NEGATIVE_INFINITY;

export function packStamp(epochSeconds: number, offsetMinutes: number): number {
  return epochSeconds * OFFSET_SPAN + (offsetMinutes + OFFSET_BIAS);
}

export function stampEpochSeconds(stamp: number): number {
  return Math.floor(stamp / OFFSET_SPAN);
}

export function stampOffsetMinutes(stamp: number): number {
  // Not `stamp % OFFSET_SPAN`: that is negative for instants before 1970.
  return stamp - stampEpochSeconds(stamp) * OFFSET_SPAN - OFFSET_BIAS;
}

/** Days from 1970-01-01 to the given civil date (proleptic Gregorian); H. Hinnant's days_from_civil. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when the fields name a real wall-clock time (leap seconds :60 accepted, as some servers write them). */
export function isValidCivil(year: number, month: number, day: number, h: number, m: number, s: number): boolean {
  if (month < 1 || month > 12 || day < 1 || h > 23 || m > 59 || s > 60) return false;
  if (day > DAYS_IN_MONTH[month]) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  return true;
}

/** The civil date of a day count from 1970-01-01 (H. Hinnant's civil_from_days). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Bytes of the longest ISO text `writeStampIso` writes: `+275760-09-13T00:00:00+24:00`. */
export const STAMP_ISO_MAX_BYTES = 28;

function twoDigits(out: Uint8Array, at: number, value: number): number {
  const tens = (value / 10) | 0; // value is 0..99
  out[at] = 48 + tens;
  out[at + 1] = 48 + value - tens * 10;
  return at + 2;
}

/**
 * The date part (`2015-10-25`) of the days written lately, by day number: a result's stamps fall on few days,
 * and the civil date is the costly part of a stamp. Direct-mapped: day d sits in slot d & (DAY_SLOTS - 1).
 */
const DAY_SLOTS = 256;
const DATE_BYTES = 10;
const cachedDays = new Float64Array(DAY_SLOTS).fill(Number.NaN);
const cachedDates = new Uint8Array(DAY_SLOTS * DATE_BYTES);

/** Writes `YYYY-MM-DD` for the day (years 0000-9999 only). */
function writeDate(days: number, out: Uint8Array, at: number): number {
  const slot = days & (DAY_SLOTS - 1);
  const cached = slot * DATE_BYTES;
  if (cachedDays[slot] !== days) {
    const { year, month, day } = civilFromDays(days);
    let p = twoDigits(cachedDates, cached, (year / 100) | 0);
    p = twoDigits(cachedDates, p, year % 100);
    cachedDates[p++] = 45; // -
    p = twoDigits(cachedDates, p, month);
    cachedDates[p++] = 45;
    twoDigits(cachedDates, p, day);
    cachedDays[slot] = days;
  }
  for (let i = 0; i < DATE_BYTES; i++) out[at + i] = cachedDates[cached + i]; // (a subarray per stamp: garbage)
  return at + DATE_BYTES;
}

/** Days from 1970-01-01 of years 0000-9999: the dates `writeDate` writes. */
const FOUR_DIGIT_DAYS = [daysFromCivil(0, 1, 1), daysFromCivil(10000, 1, 1)] as const;

/**
 * Writes the stamp as ISO 8601 in its own offset, always `+HH:MM` (never `Z`), `2015-10-25T04:11:26+01:00`,
 * as ASCII bytes at out[at]; returns where it stopped. (Sinks write many of these; `formatStampIso` is this
 * as a string.) Years outside 0000-9999 get a sign and six digits, as ISO 8601 extends them.
 */
export function writeStampIso(stamp: number, out: Uint8Array, at: number): number {
  const offset = stampOffsetMinutes(stamp);
  const local = stampEpochSeconds(stamp) + offset * 60;
  const days = Math.floor(local / 86400);
  const second = local - days * 86400; // 0..86399
  if (days >= FOUR_DIGIT_DAYS[0] && days < FOUR_DIGIT_DAYS[1]) {
    at = writeDate(days, out, at);
  } else {
    const { year, month, day } = civilFromDays(days);
    const digits = String(Math.abs(year)).padStart(6, '0');
    out[at++] = year < 0 ? 45 : 43; // - +
    for (let i = 0; i < digits.length; i++) out[at++] = digits.charCodeAt(i);
    out[at++] = 45; // -
    at = twoDigits(out, at, month);
    out[at++] = 45;
    at = twoDigits(out, at, day);
  }
  out[at++] = 84; // T
  const minutes = (second / 60) | 0;
  at = twoDigits(out, at, (minutes / 60) | 0);
  out[at++] = 58; // :
  at = twoDigits(out, at, minutes % 60);
  out[at++] = 58;
  at = twoDigits(out, at, second - minutes * 60);
  const abs = Math.abs(offset);
  out[at++] = offset < 0 ? 45 : 43;
  at = twoDigits(out, at, (abs / 60) | 0);
  out[at++] = 58;
  return twoDigits(out, at, abs % 60);
}

const isoScratch = Buffer.alloc(STAMP_ISO_MAX_BYTES);

/** ISO 8601 in the stamp's own offset, always `+HH:MM` (never `Z`): `2015-10-25T04:11:26+01:00`. */
export function formatStampIso(stamp: number): string {
  return isoScratch.latin1Slice(0, writeStampIso(stamp, isoScratch, 0));
}
