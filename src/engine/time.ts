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

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** ISO 8601 in the stamp's own offset, always `+HH:MM` (never `Z`): `2015-10-25T04:11:26+01:00`. */
export function formatStampIso(stamp: number): string {
  const offset = stampOffsetMinutes(stamp);
  const local = new Date((stampEpochSeconds(stamp) + offset * 60) * 1000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const year = local.getUTCFullYear();
  const yyyy = year >= 0 && year <= 9999 ? String(year).padStart(4, '0') : (year < 0 ? '-' : '+') + String(Math.abs(year)).padStart(6, '0');
  return (
    `${yyyy}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}` +
    `T${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}:${pad2(local.getUTCSeconds())}` +
    `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`
  );
}
