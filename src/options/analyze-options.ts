// What `analyze` takes (the library's options, as users set them) and their defaults. options/run-spec.ts
// checks them and turns them into the run spec the stages read. The tuning and test knobs (read and range
// sizes, queue capacity, the kernel switch ...) are not here but in options/internal-options.ts: the public
// type holds only what changes the answer or where it comes from. No Node type appears in it, so a project
// without @types/node compiles against it.

export const DEFAULT_ERROR_CODES: readonly number[] = [400, 401, 403, 404, 405, 500, 501, 502, 503, 504, 505];
export const DEFAULT_THRESHOLD = 10;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** A producer hands its counts over once it holds this many groups, which bounds its memory. */
export const DEFAULT_FLUSH_GROUPS = 1 << 16;
/**
 * The same with an analysis (a JS table in each producer): smaller, since its groups (composite keys, often
 * seen once) cost more each and move through the consumer's merge anyway. Measured on 1 GiB with `--by
 * ip,path`: peak 229 -> 186 MB, the same CPU.
 */
export const DEFAULT_ANALYSIS_FLUSH_GROUPS = 1 << 14;
export const DEFAULT_QUEUE_CAPACITY = 4;
/** Target size of one range (unit of work handed to a producer), unless the run says otherwise. */
export const DEFAULT_RANGE_BYTES = 32 * 1024 * 1024;
/** A relative time span's undecided entries are settled when they pass this (then twice what was left). */
export const DEFAULT_SETTLE_ENTRIES = 65536;
/** Apache logs when a request started, so its lines are late by as long as requests take: minutes at most. */
export const DEFAULT_WINDOW_SLACK = 300;

export interface AnalyzeOptions {
  /**
   * What to read: a path, or several. Each may be a file, a folder (its files), a glob (`logs/access.log*`,
   * expanded here) or `-` for stdin; all are analysed as one log. Compressed files are detected and read.
   */
  input: string | readonly string[];
  /** Go on without inputs that are missing or cannot be read (listed in the summary) instead of failing. */
  skipUnreadable?: boolean;
  /** Producer workers; default: the number of available CPUs. */
  threads?: number;
  /** A client is reported with at least this many matching responses (default 10). */
  threshold?: number;
  /**
   * Statuses that count (default: 400 401 403 404 405 500-505): codes (404), classes ('4xx') and ranges
   * ('500-599'); a class or range is one output column.
   */
  errorCodes?: readonly (number | string)[];
  /** Fields of the group key, e.g. ['ip', 'path'] or 'ip,path' (default: ip). */
  by?: string | readonly string[];
  /** With `path` in the key: keep the query string (default: cut at `?`). */
  keepQuery?: boolean;
  /**
   * Report a group when it has at least `threshold` matching responses within a window this long: a duration
   * (`10m`, `1h`) or seconds.
   */
  window?: string | number;
  /**
   * Only entries in [since, until) count: ISO 8601 instants (UTC when no offset is given), or durations before
   * the newest entry of the input (`2h`).
   */
  since?: string;
  until?: string;
  /** Only clients in these address blocks (CIDR, IPv4 or IPv6, or plain addresses) count. */
  includeIp?: readonly string[];
  /** Clients in these address blocks do not count. */
  excludeIp?: readonly string[];
  /** `auto` (default) or a format name. */
  format?: string;
  /** The server's own format string (nginx `log_format` or Apache `LogFormat`); under `auto` it is used as is. */
  logFormat?: string;
  /** JSON lines: role -> key path, e.g. `{ client: 'request.remote_ip', status: 'status', time: 'ts' }`. */
  jsonFields?: Record<string, string>;
  /**
   * W3C extended (and CloudFront): the field names assumed before any `#Fields:` line, as that line would give
   * them (`['date', 'time', 'c-ip', ...]`), for a file cut without its header.
   */
  w3cFields?: readonly string[];
  /** The client key: the connecting address (`client`, default) or the first X-Forwarded-For address (`xff`). */
  clientFrom?: 'client' | 'xff';
  /** A line that does not fit its format is an error instead of being skipped. */
  strict?: boolean;
  /**
   * Report the `most` groups with the most matching responses (with a window: the highest peaks), whatever the
   * threshold; the threshold is then ignored.
   */
  most?: number;
  /**
   * Also gather what the HTML report shows (timelines, top paths and user agents): the result then has a
   * `report`. The inputs are read once more, after the run (scan/report-scanner.ts), so they must be files.
   */
  report?: boolean;
  /** Hears progress: bytes read so far, and of how many (`totalBytes` is undefined while a pipe is read). */
  onProgress?: (doneBytes: number, totalBytes: number | undefined) => void;
  /** What the input `-` reads: a stream or any async iterable of bytes (default: process.stdin). */
  stdin?: AsyncIterable<Uint8Array>;
}
