// What a format parser finds in one line. Parsers write byte offsets into this one reused object, so the hot
// loop makes no strings or objects per line; the engine slices strings only for lines that match.
// A field a format does not have (or did not find) has start = end = -1.

export class LineFields {
  /** Client (remote address or host name): [clientStart, clientEnd). Always set by `parse`. */
  clientStart = 0;
  clientEnd = 0;
  /** HTTP status, 100..599. Always set by `parse`. */
  status = 0;
  /** Instant and offset of the entry, packed (see engine/time.ts). Always set by `parse`. */
  stamp = 0;

  // Set by `parse` when the format finds them for free, else by `parseDetails` (called only when needed).
  vhostStart = -1;
  vhostEnd = -1;
  /** The whole request line (`GET /x HTTP/1.1`), where the format logs one. */
  requestStart = -1;
  requestEnd = -1;
  methodStart = -1;
  methodEnd = -1;
  /** Request target as logged, query string included. */
  pathStart = -1;
  pathEnd = -1;
  referrerStart = -1;
  referrerEnd = -1;
  userAgentStart = -1;
  userAgentEnd = -1;
  /** X-Forwarded-For header, where the format logs it. */
  forwardedForStart = -1;
  forwardedForEnd = -1;

  /** Format-private scratch: where `parseDetails` resumes (CLF: just after the status). */
  resumeAt = 0;
}

/**
 * A log format: how one line (without its newline, CR already stripped) is read. Neither method may throw.
 */
export interface LineFormat {
  readonly name: string;
  /** The cheap pass over every line: client, time and status. False when the line does not fit. */
  parse(buf: Buffer, start: number, end: number, out: LineFields): boolean;
  /** Fills the other fields of a line `parse` accepted. Called only for matching lines, only when needed. */
  parseDetails(buf: Buffer, start: number, end: number, out: LineFields): void;
  /** A field's bytes as text, unescaped as the format requires. */
  text(buf: Buffer, start: number, end: number): string;
}

/** Field bytes as written, one char per byte (exact and reversible; see engine/result.ts decodeKey). */
export function rawText(buf: Buffer, start: number, end: number): string {
  return buf.latin1Slice(start, end);
}
