// What `analyze` takes, its defaults, and the checks that turn bad values into one clear LogsiftError.

import { availableParallelism } from 'node:os';
import type { Readable } from 'node:stream';
import { LogsiftError } from '../base/errors.js';
import { checkFormatOptions, type FormatOptions } from '../formats/index.js';
import { countedStatuses, parseStatusColumns, type StatusColumn } from './codes.js';
import { DURATION_FORMS, parseDuration } from './durations.js';
import { DEFAULT_KEY_FIELDS, isDefaultKey, parseKeyFields, type KeyField } from './key-fields.js';
import { parseAddressBlock } from './address-blocks.js';
import type { AnalysisSpec } from '../scan/analysis-scanner.js';
import { parseSpan, type SpanSpec } from './span-spec.js';
import { DEFAULT_RANGE_BYTES } from '../plan/plan-tasks.js';

export const DEFAULT_ERROR_CODES: readonly number[] = [400, 401, 403, 404, 405, 500, 501, 502, 503, 504, 505];
export const DEFAULT_THRESHOLD = 10;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
/** A producer hands its counts over once it holds this many groups, which bounds its memory. */
export const DEFAULT_FLUSH_GROUPS = 1 << 16;
export const DEFAULT_QUEUE_CAPACITY = 4;
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
  /** The client key: the connecting address (`client`, default) or the first X-Forwarded-For address (`xff`). */
  clientFrom?: 'client' | 'xff';
  /** A line that does not fit its format is an error instead of being skipped. */
  strict?: boolean;
  /** Size of one positional read. Tests set it down to a few bytes so lines straddle every boundary. */
  chunkBytes?: number;
  /** Target size of one byte range (unit of work handed to a producer). */
  rangeBytes?: number;
  /** Groups a producer holds before it hands a partial to the consumer. */
  flushGroups?: number;
  /** Partials the queue holds before producers wait. */
  queueCapacity?: number;
  /** Undecided entries of a relative time span held before they are settled again (tests set it small). */
  settleEntries?: number;
  /**
   * With a window: keep only the last window (plus `windowSlack` seconds) of instants per group while the input
   * comes in time order (default true; false keeps every instant). See engine/sliding.ts.
   */
  windowFolding?: boolean;
  /** How late (seconds) an instant may come before a folded window run must be done again (default 300). */
  windowSlack?: number;
  /** Scan Common/Combined with the WebAssembly kernel (default true; false runs the JS parser). */
  kernel?: boolean;
  /** Hears progress: bytes read so far of `totalBytes` (a pipe's bytes count into both as they are read). */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** What the input `-` reads (default: process.stdin). */
  stdin?: Readable;
}

export interface ResolvedOptions {
  readonly inputs: readonly string[];
  readonly skipUnreadable: boolean;
  readonly threads: number;
  readonly threshold: number;
  /** Every status that counts, ascending, without duplicates. */
  readonly errorCodes: readonly number[];
  /** The output columns the counted statuses fall into, ascending. */
  readonly statusColumns: readonly StatusColumn[];
  readonly by: readonly KeyField[];
  readonly keepQuery: boolean;
  /** 0: no window. */
  readonly windowSeconds: number;
  readonly span: SpanSpec | undefined;
  /** What the producers do beyond the default; undefined for the default run. */
  readonly analysis: AnalysisSpec | undefined;
  readonly format: string;
  readonly formatOptions: FormatOptions;
  readonly strict: boolean;
  readonly chunkBytes: number;
  readonly rangeBytes: number;
  readonly flushGroups: number;
  readonly queueCapacity: number;
  readonly kernel: boolean;
  readonly onProgress?: (doneBytes: number, totalBytes: number) => void;
  readonly stdin?: Readable;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new LogsiftError(`${name} must be an integer >= 0, got ${JSON.stringify(value)}`);
  return value;
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new LogsiftError(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function resolveOptions(options: AnalyzeOptions): ResolvedOptions {
  const inputs = typeof options.input === 'string' ? [options.input] : options.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || inputs.some((input) => typeof input !== 'string' || input === '')) {
    throw new LogsiftError('no input file given');
  }
  const statusColumns = parseStatusColumns(options.errorCodes ?? DEFAULT_ERROR_CODES);
  const by = options.by === undefined ? DEFAULT_KEY_FIELDS : parseKeyFields(options.by);
  const keepQuery = options.keepQuery ?? false;
  const windowSeconds = resolveWindow(options.window);
  const span = parseSpan(options.since, options.until);
  const includeIp = [...(options.includeIp ?? [])];
  const excludeIp = [...(options.excludeIp ?? [])];
  for (const block of includeIp) parseAddressBlock(block, '--include-ip');
  for (const block of excludeIp) parseAddressBlock(block, '--exclude-ip');
  const analysis: AnalysisSpec | undefined =
    isDefaultKey(by) && windowSeconds === 0 && !span && includeIp.length + excludeIp.length === 0
      ? undefined
      : {
          by,
          keepQuery,
          windowSeconds,
          span,
          includeIp,
          excludeIp,
          settleEntries: positiveInteger('settleEntries', options.settleEntries, DEFAULT_SETTLE_ENTRIES),
          // Folding needs the instants of each group in file order; a relative span settles some late (consumer.ts).
          foldWindows: windowSeconds > 0 && (options.windowFolding ?? true) && !(span?.sinceAgo !== undefined || span?.untilAgo !== undefined),
          windowSlack: options.windowSlack === undefined ? DEFAULT_WINDOW_SLACK : nonNegativeInteger('windowSlack', options.windowSlack),
        };
  const format = options.format ?? 'auto';
  const formatOptions = checkFormatOptions(format, {
    logFormat: options.logFormat,
    jsonFields: options.jsonFields,
    clientFrom: options.clientFrom,
  });
  return {
    inputs: [...inputs],
    skipUnreadable: options.skipUnreadable ?? false,
    threads: positiveInteger('--threads', options.threads, availableParallelism()),
    threshold: positiveInteger('--threshold', options.threshold, DEFAULT_THRESHOLD),
    errorCodes: countedStatuses(statusColumns),
    statusColumns,
    by,
    keepQuery,
    windowSeconds,
    span,
    analysis,
    format,
    formatOptions,
    strict: options.strict ?? false,
    chunkBytes: positiveInteger('chunkBytes', options.chunkBytes, DEFAULT_CHUNK_BYTES),
    rangeBytes: positiveInteger('rangeBytes', options.rangeBytes, DEFAULT_RANGE_BYTES),
    flushGroups: positiveInteger('flushGroups', options.flushGroups, DEFAULT_FLUSH_GROUPS),
    queueCapacity: positiveInteger('queueCapacity', options.queueCapacity, DEFAULT_QUEUE_CAPACITY),
    kernel: options.kernel ?? true,
    onProgress: options.onProgress,
    stdin: options.stdin,
  };
}

function resolveWindow(window: string | number | undefined): number {
  if (window === undefined) return 0;
  const seconds = typeof window === 'number' ? window : parseDuration(window);
  if (seconds === undefined || !Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new LogsiftError(`--window '${window}' is not a duration longer than zero: use ${DURATION_FORMS}`);
  }
  return seconds;
}
