// NCSA Common, Combined and vhost-Combined lines, as Apache and nginx write them:
//
//   [vhost:port ]host ident user [dd/Mon/yyyy:HH:MM:SS +zzzz] "request" status size ["referrer" "agent"]
//
// A line counts when it has exactly the three fields of mod_log_config's `%h %l %u` before `[time]` (each
// one word, single-spaced; the user may be a quoted string, spaces inside), then "request" and a 3-digit
// status; whatever follows the status may be missing or broken. Three fields exactly, because a line of
// another shape (a `vhost:port` first, an X-Forwarded-For list, no ident and user) would otherwise be keyed
// by the wrong word: such a line is malformed, never counted for someone else. This is the hot loop of the whole tool: it works on bytes, allocates nothing, and stops
// reading at the status (the rest of the line is skipped by the caller's newline search).

import { daysFromCivil, isValidCivil, packStamp } from '../base/time.js';
import { splitRequest } from './request.js';
import { LineFields, rawText, type LineFormat } from './fields.js';

const SP = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const SLASH = 0x2f;
const COLON = 0x3a;
const PLUS = 0x2b;
const MINUS = 0x2d;

/** `[dd/Mon/yyyy:HH:MM:SS +zzzz]` is this long, brackets included. */
const CLF_TIME_BYTES = 28;

function monthNumber(a: number, b: number, c: number): number {
  switch ((a << 16) | (b << 8) | c) {
    case 0x4a616e: return 1; // Jan
    case 0x466562: return 2; // Feb
    case 0x4d6172: return 3; // Mar
    case 0x417072: return 4; // Apr
    case 0x4d6179: return 5; // May
    case 0x4a756e: return 6; // Jun
    case 0x4a756c: return 7; // Jul
    case 0x417567: return 8; // Aug
    case 0x536570: return 9; // Sep
    case 0x4f6374: return 10; // Oct
    case 0x4e6f76: return 11; // Nov
    case 0x446563: return 12; // Dec
    default: return 0;
  }
}

/** Two ASCII digits at i as a number, or -1. */
function twoDigits(buf: Buffer, i: number): number {
  const a = buf[i] - 0x30;
  const b = buf[i + 1] - 0x30;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

// Most lines share their date and offset with the line before, so the date part (`dd/Mon/yyyy:` and the
// offset) is compared with the last one parsed and, when equal, only the time of day is read. The cache is
// per thread (module state in each producer) and holds only a line that fully validated.
const DATE_BYTES = 12; // `dd/Mon/yyyy:`
const OFFSET_AT = 20; // ` +zzzz`
const cachedDate = new Uint8Array(DATE_BYTES + 6);
let cachedValid = false;
let cachedMidnight = 0; // epoch seconds of the cached date's local midnight, offset applied
let cachedOffset = 0;

function sameDateAsCached(buf: Buffer, t: number): boolean {
  if (!cachedValid) return false;
  for (let i = 0; i < DATE_BYTES; i++) if (buf[t + i] !== cachedDate[i]) return false;
  for (let i = 0; i < 6; i++) if (buf[t + OFFSET_AT + i] !== cachedDate[DATE_BYTES + i]) return false;
  return true;
}

/**
 * Parses `dd/Mon/yyyy:HH:MM:SS +zzzz` starting at t (just after the `[`) into a stamp, or NaN.
 * The caller guarantees 26 readable bytes.
 */
export function parseClfTime(buf: Buffer, t: number): number {
  const h = twoDigits(buf, t + 12);
  const m = twoDigits(buf, t + 15);
  const s = twoDigits(buf, t + 18);
  if ((h | m | s) < 0 || h > 23 || m > 59 || s > 60 || buf[t + 14] !== COLON || buf[t + 17] !== COLON) return NaN;
  const secondOfDay = h * 3600 + m * 60 + s;
  if (sameDateAsCached(buf, t)) return packStamp(cachedMidnight + secondOfDay, cachedOffset);

  const day = twoDigits(buf, t);
  const month = monthNumber(buf[t + 3], buf[t + 4], buf[t + 5]);
  const y1 = twoDigits(buf, t + 7);
  const y2 = twoDigits(buf, t + 9);
  const sign = buf[t + 21];
  const oh = twoDigits(buf, t + 22);
  const om = twoDigits(buf, t + 24);
  if (
    (day | y1 | y2 | oh | om) < 0 || month === 0 ||
    buf[t + 2] !== SLASH || buf[t + 6] !== SLASH || buf[t + 11] !== COLON ||
    buf[t + 20] !== SP || (sign !== PLUS && sign !== MINUS) || oh > 23 || om > 59
  ) {
    return NaN;
  }
  const year = y1 * 100 + y2;
  if (!isValidCivil(year, month, day, h, m, s)) return NaN;
  const offset = (sign === MINUS ? -1 : 1) * (oh * 60 + om);
  cachedMidnight = daysFromCivil(year, month, day) * 86400 - offset * 60;
  cachedOffset = offset;
  for (let i = 0; i < DATE_BYTES; i++) cachedDate[i] = buf[t + i];
  for (let i = 0; i < 6; i++) cachedDate[DATE_BYTES + i] = buf[t + OFFSET_AT + i];
  cachedValid = true;
  return packStamp(cachedMidnight + secondOfDay, offset);
}

/**
 * Parses one CLF-family line in buf[start, end). With `vhost`, a leading `vhost:port ` field is expected.
 * Fills `out` and returns true when host, time, request and status parse.
 */
export function parseClfLine(buf: Buffer, start: number, end: number, out: LineFields, vhost: boolean): boolean {
  let p = start;
  if (vhost) {
    while (p < end && buf[p] !== SP) p++;
    if (p === start || p >= end) return false;
    // The port is not part of the virtual host's name.
    let nameEnd = p;
    while (nameEnd > start && buf[nameEnd - 1] >= 0x30 && buf[nameEnd - 1] <= 0x39) nameEnd--;
    out.vhostStart = start;
    out.vhostEnd = nameEnd > start && nameEnd < p && buf[nameEnd - 1] === COLON ? nameEnd - 1 : p;
    p++;
  } else {
    out.vhostStart = -1;
    out.vhostEnd = -1;
  }

  const clientStart = p;
  while (p < end && buf[p] !== SP) p++;
  if (p === clientStart || p >= end) return false;
  out.clientStart = clientStart;
  out.clientEnd = p;

  // ident and user, then the time's bracket right after one space.
  p = wordEnd(buf, p + 1, end);
  if (p < 0) return false;
  p = userEnd(buf, p + 1, end);
  if (p < 0 || buf[p + 1] !== LBRACKET) return false;
  p++;
  if (end - p < CLF_TIME_BYTES + 2 || buf[p + CLF_TIME_BYTES - 1] !== RBRACKET) return false;
  const stamp = parseClfTime(buf, p + 1);
  if (stamp !== stamp) return false; // NaN
  out.stamp = stamp;
  p += CLF_TIME_BYTES;
  if (buf[p] !== SP || buf[p + 1] !== QUOTE) return false;
  p += 2;

  // The request ends at the first quote that is not backslash-escaped and is followed by ` ddd` and a space
  // or the end of the line. Escapes matter: a client cannot end its own request early with `\" 200 `.
  const reqStart = p;
  for (;;) {
    // indexOf is memchr: much faster over a long request than a byte loop.
    p = buf.indexOf(QUOTE, p);
    if (p < 0 || p + 4 >= end) return false;
    if (isEscaped(buf, reqStart, p)) {
      p++;
      continue;
    }
    if (buf[p + 1] === SP) {
      const d1 = buf[p + 2] - 0x30;
      const d2 = buf[p + 3] - 0x30;
      const d3 = buf[p + 4] - 0x30;
      if (d1 >= 1 && d1 <= 5 && d2 >= 0 && d2 <= 9 && d3 >= 0 && d3 <= 9 && (p + 5 === end || buf[p + 5] === SP)) {
        out.requestStart = reqStart;
        out.requestEnd = p;
        out.status = d1 * 100 + d2 * 10 + d3;
        out.resumeAt = p + 5;
        return true;
      }
    }
    p++;
  }
}

/** The space ending the word (one byte at least, no space) that starts at p, or -1. */
function wordEnd(buf: Buffer, p: number, end: number): number {
  const start = p;
  while (p < end && buf[p] !== SP) p++;
  return p === start || p >= end ? -1 : p;
}

/**
 * The space ending `%u` at p, or -1: a quoted string (backslash escapes inside, as Apache writes a user name
 * with spaces) when one closes right before ` [`, else a word.
 */
function userEnd(buf: Buffer, p: number, end: number): number {
  if (buf[p] === QUOTE) {
    let q = p + 1;
    while (q < end && buf[q] !== QUOTE) q += buf[q] === BACKSLASH ? 2 : 1;
    if (q + 2 < end && buf[q + 1] === SP && buf[q + 2] === LBRACKET) return q + 1;
  }
  return wordEnd(buf, p, end);
}

/** A quote is escaped when an odd run of backslashes (within the field) stands right before it. */
function isEscaped(buf: Buffer, fieldStart: number, quote: number): boolean {
  let i = quote;
  while (i > fieldStart && buf[i - 1] === BACKSLASH) i--;
  return ((quote - i) & 1) === 1;
}

/**
 * Splits the request into method and target (request.ts), and reads the quoted referrer and user agent after
 * the size. A user agent with no closing quote runs to the end of the line.
 */
export function parseClfDetails(buf: Buffer, start: number, end: number, out: LineFields, requestOnly = false): void {
  splitRequest(buf, out);

  // After the status: ` size "referrer" "agent"`, any of it possibly missing.
  out.referrerStart = out.referrerEnd = out.userAgentStart = out.userAgentEnd = -1;
  if (requestOnly) return;
  let p = out.resumeAt;
  while (p < end && buf[p] === SP) p++;
  while (p < end && buf[p] !== SP) p++; // size
  p = quotedField(buf, p, end, out, true);
  if (p >= 0) quotedField(buf, p, end, out, false);
}

/** Reads ` "..."` at p into the referrer or user agent; returns the position after it, or -1. */
function quotedField(buf: Buffer, p: number, end: number, out: LineFields, referrer: boolean): number {
  if (p + 1 >= end || buf[p] !== SP || buf[p + 1] !== QUOTE) return -1;
  const start = p + 2;
  p = start;
  while (p < end && buf[p] !== QUOTE) p += buf[p] === BACKSLASH ? 2 : 1;
  const fieldEnd = Math.min(p, end);
  if (referrer) {
    out.referrerStart = start;
    out.referrerEnd = fieldEnd;
  } else {
    out.userAgentStart = start;
    out.userAgentEnd = fieldEnd;
  }
  return p + 1;
}

/** Common and Combined share everything up to the status; they differ only in the optional tail. */
export const combinedFormat: LineFormat = {
  name: 'combined',
  parse: (buf, start, end, out) => parseClfLine(buf, start, end, out, false),
  parseDetails: parseClfDetails,
  text: rawText,
};

export const commonFormat: LineFormat = { ...combinedFormat, name: 'common' };

export const vcombinedFormat: LineFormat = {
  ...combinedFormat,
  name: 'vcombined',
  parse: (buf, start, end, out) => parseClfLine(buf, start, end, out, true),
};
