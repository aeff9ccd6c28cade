// Reading the time notations access logs use, from bytes, without allocating: ISO 8601 / RFC 3339, W3C's
// separate date and time columns, epoch numbers. Each reader returns a value or NaN / -1 and leaves where it
// stopped in `scan.end`. The CLF notation lives with its format (clf.ts parseClfTime).

import { daysFromCivil, isValidCivil, packStamp } from '../base/time.js';

/** Where the last successful read stopped (one past its last byte). Shared scratch: no object per line. */
export const scan = { end: 0 };

const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const COMMA = 0x2c;
const SP = 0x20;
const TAB = 0x09;

export function digit(buf: Buffer, i: number): number {
  const d = buf[i] - 0x30;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two ASCII digits at i as a number, or -1. The caller checks that i + 1 < end. */
export function twoDigits(buf: Buffer, i: number): number {
  const a = buf[i] - 0x30;
  const b = buf[i + 1] - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function fourDigits(buf: Buffer, i: number): number {
  const a = twoDigits(buf, i);
  const b = twoDigits(buf, i + 2);
  return a < 0 || b < 0 ? -1 : a * 100 + b;
}

/** Skips a fraction of a second (`.123456`, or `,123` as ISO allows) at p; returns the position after it. */
export function skipFraction(buf: Buffer, p: number, end: number): number {
  if (p < end && (buf[p] === DOT || buf[p] === COMMA) && p + 1 < end && digit(buf, p + 1) >= 0) {
    p += 2;
    while (p < end && digit(buf, p) >= 0) p++;
  }
  return p;
}

/** `YYYY-MM-DD` at p: days since 1970-01-01, or NaN. Sets scan.end. */
export function parseIsoDate(buf: Buffer, p: number, end: number): number {
  if (end - p < 10 || buf[p + 4] !== MINUS || buf[p + 7] !== MINUS) return NaN;
  const year = fourDigits(buf, p);
  const month = twoDigits(buf, p + 5);
  const day = twoDigits(buf, p + 8);
  if (year < 0 || month < 0 || day < 0 || !isValidCivil(year, month, day, 0, 0, 0)) return NaN;
  scan.end = p + 10;
  return daysFromCivil(year, month, day);
}

/** `HH:MM[:SS][.fff]` at p: seconds since midnight, or NaN. Sets scan.end. */
export function parseTimeOfDay(buf: Buffer, p: number, end: number): number {
  if (end - p < 5 || buf[p + 2] !== COLON) return NaN;
  const h = twoDigits(buf, p);
  const m = twoDigits(buf, p + 3);
  let s = 0;
  let q = p + 5;
  if (q < end && buf[q] === COLON) {
    if (end - q < 3) return NaN;
    s = twoDigits(buf, q + 1);
    q += 3;
  }
  if (h < 0 || m < 0 || s < 0 || h > 23 || m > 59 || s > 60) return NaN;
  scan.end = skipFraction(buf, q, end);
  return h * 3600 + m * 60 + s;
}

/**
 * A UTC offset at p: `Z`, `+HH:MM`, `+HHMM` or `+HH`, in minutes; NaN when there is none. Sets scan.end.
 */
export function parseOffset(buf: Buffer, p: number, end: number): number {
  if (p >= end) return NaN;
  const c = buf[p];
  if (c === 0x5a || c === 0x7a) {
    scan.end = p + 1;
    return 0;
  }
  if ((c !== PLUS && c !== MINUS) || end - p < 3) return NaN;
  const oh = twoDigits(buf, p + 1);
  let om = 0;
  let q = p + 3;
  if (q < end && buf[q] === COLON) {
    if (end - q < 3) return NaN;
    om = twoDigits(buf, q + 1);
    q += 3;
  } else if (end - q >= 2 && digit(buf, q) >= 0) {
    om = twoDigits(buf, q);
    q += 2;
  }
  if (oh < 0 || om < 0 || oh > 23 || om > 59) return NaN;
  scan.end = q;
  return (c === MINUS ? -1 : 1) * (oh * 60 + om);
}

/**
 * ISO 8601 / RFC 3339 date-time at p (`2015-10-20T01:53:09.123+02:00`, `T` or a space between date and time,
 * `Z` or an offset or none, which means UTC) as a stamp, or NaN. Sets scan.end.
 */
export function parseIsoTime(buf: Buffer, p: number, end: number): number {
  const days = parseIsoDate(buf, p, end);
  if (days !== days) return NaN;
  let q = scan.end;
  if (q >= end || (buf[q] !== 0x54 && buf[q] !== 0x20 && buf[q] !== 0x74)) return NaN;
  const seconds = parseTimeOfDay(buf, q + 1, end);
  if (seconds !== seconds) return NaN;
  q = scan.end;
  let offset = parseOffset(buf, q, end);
  if (offset !== offset) {
    offset = 0;
    scan.end = q;
  }
  return packStamp(days * 86400 + seconds - offset * 60, offset);
}

/**
 * The last second of 9999-12-31 UTC: epoch numbers past it name no time an ISO date can be written for (and
 * past 2^41 seconds a stamp would lose whole seconds), so they are not a time. The kernels use the same bound.
 */
export const LAST_EPOCH_SECOND = 253402300799;

/**
 * A number of `unitsPerSecond` (1, 1e3, 1e6 or 1e9) since the epoch at p (`1646861401.5241024` seconds,
 * `1590992808281` ms ...) as a UTC stamp, or NaN. Sets scan.end. Whole seconds are taken from the leading
 * digits, so nanosecond counts beyond 2^53 stay exact.
 */
export function parseEpoch(buf: Buffer, p: number, end: number, unitsPerSecond: number): number {
  let q = p;
  while (q < end && digit(buf, q) >= 0) q++;
  if (q === p || q - p > 20) return NaN;
  const secondDigits = q - p - Math.round(Math.log10(unitsPerSecond));
  let seconds = 0;
  for (let i = 0; i < secondDigits; i++) seconds = seconds * 10 + digit(buf, p + i);
  if (seconds > LAST_EPOCH_SECOND) return NaN; // past 9999 (a count of ms read as seconds): no instant we can write
  scan.end = skipFraction(buf, q, end);
  return packStamp(seconds, 0);
}

/** How many units per second an epoch number of this many integer digits most likely counts (s, ms, µs, ns). */
export function epochUnitsByDigits(digits: number): number {
  if (digits <= 11) return 1;
  if (digits <= 14) return 1e3;
  if (digits <= 17) return 1e6;
  return 1e9;
}

/** An epoch number whose unit is guessed from its size (JSON `ts` fields ...); NaN when not a number. */
export function parseEpochAnyUnit(buf: Buffer, p: number, end: number): number {
  let q = p;
  while (q < end && digit(buf, q) >= 0) q++;
  if (q === p) return NaN;
  return parseEpoch(buf, p, end, epochUnitsByDigits(q - p));
}

/** The stamp of a civil date and time with an offset, or NaN when the fields name no real time. */
export function civilStamp(year: number, month: number, day: number, h: number, m: number, s: number, offset: number): number {
  if (!isValidCivil(year, month, day, h, m, s)) return NaN;
  return packStamp(daysFromCivil(year, month, day) * 86400 + h * 3600 + m * 60 + s - offset * 60, offset);
}

/** Month number of an English month name or abbreviation (any case) in buf[p, q), or 0. */
export function monthByName(buf: Buffer, p: number, q: number): number {
  const n = q - p;
  if (n < 3) return 0;
  for (let month = 1; month <= 12; month++) {
    const name = MONTH_NAMES[month - 1];
    if (n !== 3 && n !== name.length) continue;
    let same = true;
    for (let i = 0; i < n && same; i++) same = (buf[p + i] | 0x20) === name.charCodeAt(i);
    if (same) return month;
  }
  return 0;
}

const MONTH_NAMES = [
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
];

/** W3C's `#GMT-Offset: -0800` (or `+05:30`) value at p as minutes east of UTC; 0 when unreadable. */
export function parseGmtOffset(buf: Buffer, p: number, end: number): number {
  while (p < end && (buf[p] === SP || buf[p] === TAB)) p++;
  while (end > p && (buf[end - 1] === SP || buf[end - 1] === TAB)) end--;
  const sign = buf[p] === 0x2d ? -1 : buf[p] === 0x2b ? 1 : 0;
  if (sign === 0) return 0;
  const digits: number[] = [];
  for (let i = p + 1; i < end; i++) {
    const d = buf[i] - 0x30;
    if (d >= 0 && d <= 9) digits.push(d);
    else if (buf[i] !== 0x3a || digits.length !== 2) return 0;
  }
  if (digits.length !== 4) return 0;
  const hours = digits[0] * 10 + digits[1];
  const minutes = digits[2] * 10 + digits[3];
  if (hours > 23 || minutes > 59) return 0;
  return sign * (hours * 60 + minutes);
}
