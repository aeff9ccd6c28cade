// The run spec: what `analyze` was given (options/analyze-options.ts), checked and turned into plain data
// that every stage reads and that travels as is to producer threads and, later, other processes. Every bad
// value becomes one clear LogsiftError here, before any input is opened.

import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { LogsiftError } from '../base/errors.js';
import { checkFormatOptions, type FormatOptions } from '../formats/index.js';
import { parseAddressBlock } from './address-blocks.js';
import {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_ANALYSIS_FLUSH_GROUPS,
  DEFAULT_FLUSH_GROUPS,
  DEFAULT_QUEUE_CAPACITY,
  DEFAULT_RANGE_BYTES,
  DEFAULT_SETTLE_ENTRIES,
  DEFAULT_THRESHOLD,
  DEFAULT_WINDOW_SLACK,
  DEFAULT_ERROR_CODES,
} from './analyze-options.js';
import type { EngineOptions } from './internal-options.js';
import { countedStatuses, parseStatusColumns, type StatusColumn } from './codes.js';
import { DURATION_FORMS, parseDuration } from './durations.js';
import { DEFAULT_KEY_FIELDS, isDefaultKey, parseKeyFields, type KeyField } from './key-fields.js';
import { parseSpan, type SpanSpec } from './span-spec.js';

/** The analysis of a run beyond the default, as plain data (it travels to the workers in their configuration). */
export interface AnalysisSpec {
  readonly by: readonly KeyField[];
  readonly keepQuery: boolean;
  /** Window length in seconds; 0 for no window. */
  readonly windowSeconds: number;
  readonly span?: SpanSpec;
  /** Address blocks as given (checked before the run). */
  readonly includeIp: readonly string[];
  readonly excludeIp: readonly string[];
  /** See AnalyzeOptions.settleEntries. */
  readonly settleEntries: number;
  /**
   * The consumer folds windows as instants come (analyses/sliding.ts): producers then hand over after every task,
   * each partial tagged with its task, so that the consumer can take the instants in file order.
   */
  readonly foldWindows: boolean;
  readonly windowSlack: number;
}

/** Whether a run must see every parsed line, not only those with a counted status. */
export function seesEveryLine(spec: AnalysisSpec | undefined): boolean {
  return spec?.span !== undefined;
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
  /** Gather the HTML report's data (AnalyzeOptions.report). */
  readonly report: boolean;
  readonly onProgress?: (doneBytes: number, totalBytes: number | undefined) => void;
  readonly stdin?: Readable;
  /** Report this many groups whatever the threshold; undefined: the threshold decides. */
  readonly most?: number;
  /** What the checks changed and the user should hear (a thread count capped), for the summary. */
  readonly warnings: readonly string[];
}

/**
 * More producers than this buy nothing (each is a thread with its own heap, about 10 MB, and the cores are
 * shared): a million asked for took 5.8 GB and 28 s only to start. Any count gives the same result, so a
 * bigger one is capped, with a warning.
 */
export function maxThreads(): number {
  return Math.max(16, 4 * availableParallelism());
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

export function resolveOptions(options: EngineOptions): ResolvedOptions {
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
          // Folding needs the instants of each group in file order; a relative span settles some late (consumer/merge.ts).
          foldWindows: windowSeconds > 0 && (options.windowFolding ?? true) && !(span?.sinceAgo !== undefined || span?.untilAgo !== undefined),
          windowSlack: options.windowSlack === undefined ? DEFAULT_WINDOW_SLACK : nonNegativeInteger('windowSlack', options.windowSlack),
        };
  const format = options.format ?? 'auto';
  const formatOptions = checkFormatOptions(format, {
    logFormat: options.logFormat,
    jsonFields: options.jsonFields,
    w3cFields: options.w3cFields,
    clientFrom: options.clientFrom,
  });
  const warnings: string[] = [];
  let threads = positiveInteger('--threads', options.threads, availableParallelism());
  if (threads > maxThreads()) {
    warnings.push(`--threads ${threads} capped at ${maxThreads()} (4 per core, ${availableParallelism()} cores here; more only cost memory and start-up)`);
    threads = maxThreads();
  }
  return {
    inputs: [...inputs],
    skipUnreadable: options.skipUnreadable ?? false,
    threads,
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
    flushGroups: positiveInteger('flushGroups', options.flushGroups, analysis ? DEFAULT_ANALYSIS_FLUSH_GROUPS : DEFAULT_FLUSH_GROUPS),
    queueCapacity: positiveInteger('queueCapacity', options.queueCapacity, DEFAULT_QUEUE_CAPACITY),
    kernel: options.kernel ?? true,
    report: options.report ?? false,
    onProgress: options.onProgress,
    stdin: options.stdin === undefined || options.stdin instanceof Readable ? options.stdin : Readable.from(options.stdin, { objectMode: false }),
    ...(options.most !== undefined ? { most: positiveInteger('--most', options.most, 1) } : {}),
    warnings,
  };
}

function resolveWindow(window: string | number | undefined): number {
  if (window === undefined) return 0;
  if (typeof window === 'string' && /^\s*0*[1-9]\d*\s*$/.test(window)) {
    throw new LogsiftError(`--window '${window.trim()}' has no unit: write ${window.trim()}s, ${window.trim()}m or ${window.trim()}h (units: s, m, h, d, w)`);
  }
  const seconds = typeof window === 'number' ? window : parseDuration(window);
  if (seconds === undefined || !Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new LogsiftError(`--window '${window}' is not a duration longer than zero: use ${DURATION_FORMS}`);
  }
  return seconds;
}
