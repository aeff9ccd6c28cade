// AWS Application Load Balancer access logs (one entry per line, space-separated, some fields quoted):
//
//   type time elb client:port target:port request_processing_time target_processing_time
//   response_processing_time elb_status_code target_status_code received_bytes sent_bytes "request"
//   "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name" "chosen_cert_arn" ...
//
//   http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80
//   0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:... ...
//
// The client key is the address of `client:port`. The time (UTC, with microseconds) is when the load balancer
// answered. The request target is logged in absolute form: the path is the part after the host, which is the
// vhost (or the domain_name field, when a TLS client sent one). `elb_status_code` is `-` when no response was sent (the line is read, matching no code). AWS adds
// fields at the end over time: whatever follows is ignored. Fields are logged as written (quotes inside the
// request come as `\x22`).

import { parseIsoTime, scan } from './timestamps.js';
import { closingQuote, fieldEnd, setClientAddress, skipFields, statusAt } from './fieldscan.js';
import { rawText, type FormatDefinition, type LineFields, type LineFormat } from './fields.js';
import { clearDetails, splitRequest } from './request.js';

const SP = 0x20;
const QUOTE = 0x22;

/**
 * Reads `time elb client:port target:port t1 t2 t3 status` from p (the layout ALB and Classic ELB share after
 * ALB's leading type); fills client, time and status, and where details resume (after the status).
 */
export function parseFromTime(buf: Buffer, p: number, end: number, out: LineFields): boolean {
  const stamp = parseIsoTime(buf, p, end);
  if (stamp !== stamp || scan.end >= end || buf[scan.end] !== SP) return false;
  p = skipFields(buf, scan.end + 1, end, 1); // elb
  if (p < 0) return false;
  const clientEnd = fieldEnd(buf, p, end);
  if (clientEnd === p || clientEnd >= end) return false;
  setClientAddress(buf, p, clientEnd, out);
  p = skipFields(buf, clientEnd + 1, end, 4); // target:port and three timings
  if (p < 0) return false;
  const statusEnd = fieldEnd(buf, p, end);
  const status = statusAt(buf, p, statusEnd);
  if (status < 0) return false;
  clearDetails(out);
  out.stamp = stamp;
  out.status = status;
  out.resumeAt = statusEnd;
  return true;
}

/**
 * From just after the status: skips `skip` fields, then reads "request" "user_agent"; with `domainAfter`, the
 * quoted domain name (vhost) that many fields after the user agent.
 */
export function parseDetailsFrom(buf: Buffer, end: number, out: LineFields, skip: number, domainAfter: number): void {
  let p = out.resumeAt + 1;
  p = skipFields(buf, p, end, skip);
  if (p < 0 || buf[p] !== QUOTE) return;
  const requestEnd = closingQuote(buf, p, end);
  if (requestEnd < 0) return;
  out.requestStart = p + 1;
  out.requestEnd = requestEnd;
  splitRequest(buf, out);
  splitAbsoluteTarget(buf, out);
  p = requestEnd + 2;
  if (p >= end || buf[p] !== QUOTE) return;
  const agentEnd = closingQuote(buf, p, end);
  if (agentEnd < 0) return;
  out.userAgentStart = p + 1;
  out.userAgentEnd = agentEnd;
  if (domainAfter === 0) return;
  p = skipFields(buf, agentEnd + 2, end, domainAfter);
  if (p < 0 || buf[p] !== QUOTE) return;
  const domainEnd = closingQuote(buf, p, end);
  if (domainEnd < 0 || (domainEnd - p === 2 && buf[p + 1] === 0x2d)) return; // `-`: no TLS SNI
  out.vhostStart = p + 1;
  out.vhostEnd = domainEnd;
}

/**
 * The load balancers log the target in absolute form (`https://www.example.com:443/x?y`): the path is what
 * follows the authority, and the vhost is the authority's host (the domain field, when logged, overrides it).
 */
function splitAbsoluteTarget(buf: Buffer, out: LineFields): void {
  let p = out.pathStart;
  const end = out.pathEnd;
  while (p < end && buf[p] !== 0x3a && buf[p] !== 0x2f) p++;
  if (p + 2 >= end || buf[p] !== 0x3a || buf[p + 1] !== 0x2f || buf[p + 2] !== 0x2f) return;
  const hostStart = p + 3;
  let q = hostStart;
  while (q < end && buf[q] !== 0x2f) q++;
  if (q >= end) return; // no path (`https://host:443-` of a request that could not be read): keep it as logged
  let hostEnd = q;
  for (let c = q - 1; c > hostStart; c--) {
    if (buf[c] === 0x3a) {
      hostEnd = c;
      break;
    }
    if (buf[c] < 0x30 || buf[c] > 0x39) break;
  }
  out.vhostStart = hostStart;
  out.vhostEnd = hostEnd;
  out.pathStart = q;
}

/** ALB's connection types: http, https, h2, grpcs, ws, wss (lower-case letters and digits, checked loosely). */
function isType(buf: Buffer, start: number, end: number): boolean {
  if (end - start < 2 || end - start > 6) return false;
  for (let p = start; p < end; p++) {
    const c = buf[p];
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) return false;
  }
  return true;
}

export const albFormat: LineFormat = {
  name: 'alb',
  parse(buf, start, end, out) {
    const typeEnd = fieldEnd(buf, start, end);
    if (typeEnd >= end || !isType(buf, start, typeEnd)) return false;
    return parseFromTime(buf, typeEnd + 1, end, out);
  },
  // target_status_code received_bytes sent_bytes "request" "user_agent" ssl_cipher ssl_protocol
  // target_group_arn "trace_id" "domain_name"
  parseDetails: (buf, _start, end, out) => parseDetailsFrom(buf, end, out, 3, 4),
  text: rawText,
};

export const albDefinition: FormatDefinition = {
  name: 'alb',
  description: 'AWS Application Load Balancer access logs',
  forwardedFor: false,
  create: () => albFormat,
};
