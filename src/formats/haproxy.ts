// HAProxy's HTTP log format (`option httplog`), usually behind a syslog prefix:
//
//   Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1
//   10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"
//
// client_ip:port [accept_date] frontend backend/server Tq/Tw/Tc/Tr/Ta status bytes_read cookie cookie
// termination_state actconn/feconn/beconn/srv_conn/retries srv_queue/backend_queue {captured request headers}
// {captured response headers} "request". The syslog prefix is whatever stands before the client (none when
// HAProxy logs to stdout). Captured headers appear only when configured; the request may be cut short with no
// closing quote, or be `<BADREQ>`. The status is -1 when no response was sent (read, matching no code).
// A TCP-mode line (`option tcplog`, three timers) is not an HTTP line and does not fit.
//
// accept_date carries no offset: it is taken as UTC, unless the syslog prefix starts with an RFC 3339
// timestamp with an offset (`2009-02-06T12:14:14+01:00 host haproxy[1]: ...`), whose offset is then used.

import { civilStamp, digit, monthByName, parseIsoTime, scan, twoDigits } from './timestamps.js';
import { closingQuote, fieldEnd, setClientAddress, skipFields } from './fieldscan.js';
import { rawText, type FormatDefinition, type LineFields, type LineFormat } from './fields.js';
import { clearDetails, splitRequest } from './request.js';
import { stampOffsetMinutes } from '../base/time.js';

const SP = 0x20;
const QUOTE = 0x22;
const LBRACKET = 0x5b;
const SLASH = 0x2f;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** `dd/Mon/yyyy:HH:MM:SS.mmm]` at p as a stamp with the given offset, or NaN; sets scan.end after the `]`. */
function parseAcceptDate(buf: Buffer, p: number, end: number, offset: number): number {
  if (end - p < 25 || buf[p + 2] !== SLASH || buf[p + 6] !== SLASH || buf[p + 11] !== COLON) return NaN;
  if (buf[p + 14] !== COLON || buf[p + 17] !== COLON || buf[p + 20] !== 0x2e) return NaN;
  const day = twoDigits(buf, p);
  const month = monthByName(buf, p + 3, p + 6);
  const y1 = twoDigits(buf, p + 7);
  const y2 = twoDigits(buf, p + 9);
  const h = twoDigits(buf, p + 12);
  const m = twoDigits(buf, p + 15);
  const s = twoDigits(buf, p + 18);
  if ((day | y1 | y2 | h | m | s) < 0 || month === 0) return NaN;
  let q = p + 21;
  while (q < end && digit(buf, q) >= 0) q++;
  if (q === p + 21 || q >= end || buf[q] !== 0x5d) return NaN;
  scan.end = q + 1;
  return civilStamp(y1 * 100 + y2, month, day, h, m, s, offset);
}

/** The offset of an RFC 3339 timestamp opening the line (rsyslog's), or 0. */
function prefixOffset(buf: Buffer, start: number, end: number): number {
  if (digit(buf, start) < 0) return 0;
  const stamp = parseIsoTime(buf, start, end);
  return stamp === stamp && scan.end < end && buf[scan.end] === SP ? stampOffsetMinutes(stamp) : 0;
}

/** True when buf[p, q) is five slash-separated numbers (HTTP timers; TCP lines have three). */
function isHttpTimers(buf: Buffer, p: number, q: number): boolean {
  let slashes = 0;
  for (; p < q; p++) {
    const c = buf[p];
    if (c === SLASH) slashes++;
    else if (digit(buf, p) < 0 && c !== 0x2d && c !== 0x2b) return false;
  }
  return slashes === 4;
}

export const haproxyFormat: LineFormat = {
  name: 'haproxy',
  parse(buf: Buffer, start: number, end: number, out: LineFields): boolean {
    // The accept date: the first ` [` followed by a date; the client is the field before it.
    let bracket = start;
    let stamp = NaN;
    for (;;) {
      do bracket++;
      while (bracket < end && buf[bracket] !== LBRACKET);
      if (bracket >= end) return false;
      if (buf[bracket - 1] !== SP || digit(buf, bracket + 1) < 0) continue;
      stamp = parseAcceptDate(buf, bracket + 1, end, 0);
      if (stamp === stamp) break;
    }
    let p = scan.end;
    let clientStart = bracket - 1;
    while (clientStart > start && buf[clientStart - 1] !== SP) clientStart--;
    if (clientStart === bracket - 1) return false;
    if (p >= end || buf[p] !== SP) return false;
    p = skipFields(buf, p + 1, end, 2); // frontend, backend/server
    if (p < 0) return false;
    const timersEnd = fieldEnd(buf, p, end);
    if (timersEnd >= end || !isHttpTimers(buf, p, timersEnd)) return false;
    p = timersEnd + 1;
    const statusEnd = fieldEnd(buf, p, end);
    let status: number;
    if (statusEnd - p === 2 && buf[p] === 0x2d && buf[p + 1] === 0x31) {
      status = 0; // -1: no response
    } else {
      if (statusEnd - p !== 3) return false;
      const d1 = buf[p] - 0x30;
      const d2 = digit(buf, p + 1);
      const d3 = digit(buf, p + 2);
      if (d1 < 1 || d1 > 5 || d2 < 0 || d3 < 0) return false;
      status = d1 * 100 + d2 * 10 + d3;
    }
    const offset = prefixOffset(buf, start, clientStart);
    if (offset !== 0) stamp = parseAcceptDate(buf, bracket + 1, end, offset);
    clearDetails(out);
    setClientAddress(buf, clientStart, bracket - 1, out);
    out.stamp = stamp;
    out.status = status;
    out.resumeAt = statusEnd;
    return true;
  },

  parseDetails(buf: Buffer, _start: number, end: number, out: LineFields): void {
    // bytes_read, two cookies, termination state, connection counts, queues; then {headers} and the request.
    let p = skipFields(buf, out.resumeAt + 1, end, 6);
    if (p < 0) return;
    while (p < end && buf[p] === LBRACE) {
      let q = p + 1;
      while (q < end && !(buf[q] === RBRACE && (q + 1 === end || buf[q + 1] === SP))) q++;
      p = q + 2;
    }
    if (p >= end || buf[p] !== QUOTE) return;
    const close = closingQuote(buf, p, end);
    out.requestStart = p + 1;
    out.requestEnd = close < 0 ? end : close;
    splitRequest(buf, out);
  },
  text: rawText,
};

export const haproxyDefinition: FormatDefinition = {
  name: 'haproxy',
  description: 'HAProxy HTTP log format (option httplog), with or without a syslog prefix',
  forwardedFor: false,
  create: () => haproxyFormat,
};
