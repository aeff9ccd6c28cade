// Splitting a logged request line (`GET /x?y=1 HTTP/1.1`) into method and target, for the formats that log the
// whole line (ALB, ELB, HAProxy, nginx `$request`, Apache `%r` ...), the way clf.ts splits CLF requests.

import type { LineFields } from './fields.js';

const SP = 0x20;
const SLASH = 0x2f;

/**
 * Sets method and path from the request in out.requestStart..requestEnd. The target may hold runs of spaces
 * (old logs), so it is everything between the first space and a trailing ` HTTP/...`. A request with no space
 * (`-`, binary probes) has no method and is all target.
 */
export function splitRequest(buf: Buffer, out: LineFields): void {
  const reqStart = out.requestStart;
  const reqEnd = out.requestEnd;
  if (reqStart < 0) {
    out.methodStart = out.methodEnd = out.pathStart = out.pathEnd = -1;
    return;
  }
  let space = reqStart;
  while (space < reqEnd && buf[space] !== SP) space++;
  if (space === reqEnd) {
    out.methodStart = out.methodEnd = -1;
    out.pathStart = reqStart;
    out.pathEnd = reqEnd;
    return;
  }
  out.methodStart = reqStart;
  out.methodEnd = space;
  let pathEnd = reqEnd;
  let last = reqEnd;
  while (last > space && buf[last - 1] !== SP) last--;
  if (
    last > space + 1 && reqEnd - last > 5 &&
    buf[last] === 0x48 && buf[last + 1] === 0x54 && buf[last + 2] === 0x54 && buf[last + 3] === 0x50 && buf[last + 4] === SLASH
  ) {
    pathEnd = last - 1;
  }
  let pathStart = space;
  while (pathStart < pathEnd && buf[pathStart] === SP) pathStart++;
  while (pathEnd > pathStart && buf[pathEnd - 1] === SP) pathEnd--;
  out.pathStart = pathStart;
  out.pathEnd = pathEnd;
}

/** Clears every detail field (the ones `parseDetails` fills), before a format fills what it has. */
export function clearDetails(out: LineFields): void {
  out.vhostStart = out.vhostEnd = -1;
  out.requestStart = out.requestEnd = -1;
  out.methodStart = out.methodEnd = -1;
  out.pathStart = out.pathEnd = -1;
  out.referrerStart = out.referrerEnd = -1;
  out.userAgentStart = out.userAgentEnd = -1;
  out.forwardedForStart = out.forwardedForEnd = -1;
}

/** A field logged as `-` (or empty) means "none": returns false so the caller leaves it unset. */
export function present(buf: Buffer, start: number, end: number): boolean {
  return end > start && !(end - start === 1 && buf[start] === 0x2d);
}
