// Running a format parser on one line, for tests: the line is embedded in a bigger buffer (with misleading bytes
// after it) so that a parser that reads before `start` or past `end` gets caught.

import { LineFields, type LineFormat } from '../../src/formats/fields.js';

const BEFORE = Buffer.from('x - - [01/Jan/2000:00:00:00 +0000] "GET / HTTP/1.1" 200 1\n', 'latin1');
const AFTER = Buffer.from('" 404 5 "-" "-"\n', 'latin1');

export interface ParsedLine {
  readonly client: string;
  readonly status: number;
  readonly stamp: number;
  readonly request: string | undefined;
}

export interface ParsedDetails extends ParsedLine {
  readonly vhost: string | undefined;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly referrer: string | undefined;
  readonly userAgent: string | undefined;
}

/** The line's bytes: a string is taken one char per byte (so '\x00' is a NUL byte). */
export function lineBytes(line: string | Buffer): Buffer {
  return typeof line === 'string' ? Buffer.from(line, 'latin1') : line;
}

function embed(line: string | Buffer): { buf: Buffer; start: number; end: number } {
  const bytes = lineBytes(line);
  return { buf: Buffer.concat([BEFORE, bytes, AFTER]), start: BEFORE.length, end: BEFORE.length + bytes.length };
}

function field(buf: Buffer, start: number, end: number): string | undefined {
  return start < 0 ? undefined : buf.latin1Slice(start, end);
}

/** The cheap pass only: client, status, stamp, request; undefined when the line does not parse. */
export function parseLine(format: LineFormat, line: string | Buffer): ParsedLine | undefined {
  const { buf, start, end } = embed(line);
  const out = new LineFields();
  if (!format.parse(buf, start, end, out)) return undefined;
  return {
    client: buf.latin1Slice(out.clientStart, out.clientEnd),
    status: out.status,
    stamp: out.stamp,
    request: field(buf, out.requestStart, out.requestEnd),
  };
}

/** Both passes, every field as text (raw bytes, one char per byte), undefined for fields not found. */
export function parseLineDetails(format: LineFormat, line: string | Buffer): ParsedDetails | undefined {
  const { buf, start, end } = embed(line);
  const out = new LineFields();
  if (!format.parse(buf, start, end, out)) return undefined;
  format.parseDetails(buf, start, end, out);
  return {
    client: buf.latin1Slice(out.clientStart, out.clientEnd),
    status: out.status,
    stamp: out.stamp,
    request: field(buf, out.requestStart, out.requestEnd),
    vhost: field(buf, out.vhostStart, out.vhostEnd),
    method: field(buf, out.methodStart, out.methodEnd),
    path: field(buf, out.pathStart, out.pathEnd),
    referrer: field(buf, out.referrerStart, out.referrerEnd),
    userAgent: field(buf, out.userAgentStart, out.userAgentEnd),
  };
}
