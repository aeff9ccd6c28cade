// Logs read through `docker compose logs` (or `docker-compose logs`, `docker compose up`): each line carries
// the container's name, padded, and a bar before the server's own line (`web-1  | 10.0.0.1 - - [...`),
// maybe coloured (ANSI SGR codes around the prefix) and maybe led by docker's own timestamp (`logs -t`).
// `compose:NAME` reads NAME's lines behind that prefix: the wrapper skips the prefix by offset, no copy, and
// hands the rest of the line to NAME's parser. Detection (detect.ts) picks it when most lines carry one.

import type { FormatDefinition, LineFormat } from './fields.js';

/** Format names of logs behind the prefix: `compose:` and the inner format's name. */
export const COMPOSE_PREFIX = 'compose:';

const ESC = 0x1b;
const SP = 0x20;
const BAR = 0x7c;

/** After any ANSI SGR codes (`ESC [ digits;... m`) at p. */
function skipColour(buf: Uint8Array, p: number, end: number): number {
  while (p + 1 < end && buf[p] === ESC && buf[p + 1] === 0x5b) {
    let q = p + 2;
    while (q < end && ((buf[q] >= 0x30 && buf[q] <= 0x39) || buf[q] === 0x3b)) q++;
    if (q >= end || buf[q] !== 0x6d) return p;
    p = q + 1;
  }
  return p;
}

function isNameByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2e;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Docker's `-t` timestamp (RFC 3339 with nine fraction digits, `Z` or an offset) and its space at p: its length, or 0. */
function dockerTimestampLength(buf: Uint8Array, p: number, end: number): number {
  const shape = 'dddd-dd-ddTdd:dd:dd.ddddddddd';
  if (end - p < shape.length + 2) return 0;
  for (let i = 0; i < shape.length; i++) {
    const c = buf[p + i];
    if (shape[i] === 'd' ? !isDigit(c) : c !== shape.charCodeAt(i)) return 0;
  }
  let q = p + shape.length;
  if (buf[q] === 0x5a) q++;
  else if ((buf[q] === 0x2b || buf[q] === 0x2d) && end - q >= 6 && isDigit(buf[q + 1]) && isDigit(buf[q + 2]) && buf[q + 3] === 0x3a && isDigit(buf[q + 4]) && isDigit(buf[q + 5])) q += 6;
  else return 0;
  return q < end && buf[q] === SP ? q + 1 - p : 0;
}

/**
 * Where the server's line starts behind a compose prefix in buf[start, end) (`name`, at least one space, `| `,
 * colours and docker's timestamp allowed), or -1 when the line has no such prefix.
 */
export function composeLineStart(buf: Uint8Array, start: number, end: number): number {
  let p = skipColour(buf, start, end);
  const nameStart = p;
  while (p < end && isNameByte(buf[p])) p++;
  if (p === nameStart || p >= end || buf[p] !== SP) return -1;
  while (p < end && buf[p] === SP) p++;
  p = skipColour(buf, p, end);
  if (p >= end || buf[p] !== BAR) return -1;
  p++;
  if (p < end && buf[p] === SP) p++;
  else if (p < end) return -1; // `name |` then nothing is an empty line; `name |x` is not a prefix
  p = skipColour(buf, p, end);
  return p + dockerTimestampLength(buf, p, end);
}

/** `format` reading lines behind a compose prefix; a line without one is read as it is. */
function behindComposePrefix(format: LineFormat, name: string): LineFormat {
  const from = (buf: Buffer, start: number, end: number): number => {
    const at = composeLineStart(buf, start, end);
    return at < 0 ? start : at;
  };
  return {
    name,
    parse: (buf, start, end, out) => format.parse(buf, from(buf, start, end), end, out),
    parseDetails: (buf, start, end, out) => format.parseDetails(buf, from(buf, start, end), end, out),
    text: (buf, start, end) => format.text(buf, start, end),
    header: format.header && ((buf, start, end) => format.header!(buf, from(buf, start, end), end)),
    begin: format.begin && ((lines) => format.begin!(lines)),
  };
}

/**
 * `inner` behind a compose prefix, or undefined for a stateful format (its headers, found by range starts
 * at line starts, would be behind prefixes too).
 */
export function composeDefinition(inner: FormatDefinition): FormatDefinition | undefined {
  if (inner.stateLines) return undefined;
  const name = COMPOSE_PREFIX + inner.name;
  return {
    name,
    description: `${inner.description}, behind docker compose's "name | " prefix`,
    forwardedFor: inner.forwardedFor,
    create: (options) => behindComposePrefix(inner.create(options), name),
  };
}
