// What a format parser finds in one line. Parsers write byte offsets into this one reused object, so the hot
// loop makes no strings or objects per line; the engine slices strings only for lines that match.

export class LineFields {
  /** Client (remote host) bytes: [hostStart, hostEnd). */
  hostStart = 0;
  hostEnd = 0;
  /** Virtual host bytes, -1 when the format has none. */
  vhostStart = -1;
  vhostEnd = -1;
  /** Request line, inside the quotes: [reqStart, reqEnd). */
  reqStart = 0;
  reqEnd = 0;
  /** HTTP status, 100..599. */
  status = 0;
  /** Instant and offset of the entry, packed (see engine/time.ts). */
  stamp = 0;
  /** Where the rest of the line (size, referrer, user agent) starts, for fields parsed only on demand. */
  tailStart = 0;
}

/**
 * A log format: how one line (without its newline, CR already stripped) is read.
 * `parse` returns false for a line that does not fit; it must never throw.
 */
export interface LineFormat {
  readonly name: string;
  parse(buf: Uint8Array, start: number, end: number, out: LineFields): boolean;
}
