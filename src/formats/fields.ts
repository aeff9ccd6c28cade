// What a format parser finds in one line. Parsers write byte offsets into this one reused object, so the hot
// loop makes no strings or objects per line; the engine slices strings only for lines that match.
// A field a format does not have (or did not find) has start = end = -1.

export class LineFields {
  /** Client (remote address or host name): [clientStart, clientEnd). Always set by `parse`. */
  clientStart = 0;
  clientEnd = 0;
  /**
   * HTTP status, 100..599; 0 where the format logs that no response was sent (CloudFront `000`, ALB `-`,
   * HAProxy `-1`): such a line is parsed but matches no status code. Always set by `parse`.
   */
  status = 0;
  /** Instant and offset of the entry, packed (see base/time.ts). Always set by `parse`. */
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
  /** Format-private scratch: which field `parseDetails` resumes at (formats read field by field). */
  resumeField = 0;
  /** Format-private scratch: W3C's reading of the line, -1 not known yet, 0 plain, 1 with quoted values. */
  resumeQuoted = -1;
}

/**
 * A log format: how one line (without its newline, CR already stripped) is read. Neither method may throw.
 */
export interface LineFormat {
  readonly name: string;
  /** The cheap pass over every line: client, time and status. False when the line does not fit. */
  parse(buf: Buffer, start: number, end: number, out: LineFields): boolean;
  /**
   * Fills the other fields of a line `parse` accepted. Called only for matching lines, only when needed.
   * `requestOnly`: only the request's parts (method, path) are wanted; a format may then skip the rest.
   */
  parseDetails(buf: Buffer, start: number, end: number, out: LineFields, requestOnly?: boolean): void;
  /**
   * A field's bytes as text, unescaped as the format requires. Like `rawText`, one char per byte: unescaped
   * characters become their UTF-8 bytes (tables/result.ts decodeKey turns the bytes into text at the end).
   */
  text(buf: Buffer, start: number, end: number): string;
  /**
   * For formats with header or comment lines (W3C `#Fields:` ...): called only for lines `parse` rejected.
   * True when the line is a header (it is then counted as a comment, not as malformed); a stateful format
   * takes in what the header says (W3C: the field order of the lines that follow).
   */
  header?(buf: Buffer, start: number, end: number): boolean;
  /**
   * For stateful formats: resets the state to the start of a file, then takes in `stateLines`, the header
   * lines in force where a byte range starts (see FormatDefinition.stateLines). Called before each range.
   */
  begin?(stateLines: readonly string[]): void;
  /**
   * For stateful formats: whether the header lines `stateLines` (as `begin` takes them) would have the parser
   * read the next lines as the state it is in now does. The state is left as it is.
   */
  readsAsAfter?(stateLines: readonly string[]): boolean;
}

/** What the user configured for formats; the same for every file of a run. Plain data (goes to workers). */
export interface FormatOptions {
  /** A server's own format string: nginx `log_format` or Apache `LogFormat`. */
  readonly logFormat?: string;
  /** JSON lines: role -> dotted key path (`client=request.remote_ip`), overriding the built-in key names. */
  readonly jsonFields?: Readonly<Record<string, string>>;
  /** Where the client key comes from: the connecting address (default) or the first X-Forwarded-For address. */
  readonly clientFrom?: 'client' | 'xff';
  /** W3C and CloudFront: the field names assumed before any `#Fields:` line (a file cut without its header). */
  readonly w3cFields?: readonly string[];
}

/** A named format: how to make a parser for it. Each producer makes its own (stateful formats keep state). */
export interface FormatDefinition {
  readonly name: string;
  /** One line for `--help` and messages. */
  readonly description: string;
  create(options: FormatOptions): LineFormat;
  /**
   * Line prefixes that carry state (W3C: `#Fields:`, `#Date:`). For a range starting mid-file, the last line
   * with each prefix before the range start is handed to `LineFormat.begin`.
   */
  readonly stateLines?: readonly string[];
  /** False when the format never logs X-Forwarded-For (`--client-from xff` then warns). */
  readonly forwardedFor?: boolean;
}

/** Field bytes as written, one char per byte (exact and reversible; see tables/result.ts decodeKey). */
export function rawText(buf: Buffer, start: number, end: number): string {
  return buf.latin1Slice(start, end);
}
