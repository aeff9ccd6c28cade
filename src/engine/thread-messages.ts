// What the main thread and the producer workers say to each other.

import type { FormatOptions } from '../formats/fields.js';
import type { Detection } from '../formats/index.js';
import type { StatusColumn } from '../options/codes.js';
import type { Compression } from '../inputs/decompress.js';
import type { Partial } from '../tables/group-table.js';
import type { AnalysisSpec } from '../scan/analysis-scanner.js';
import type { ScanStats } from '../scan/line-scanner.js';

/** Fixed for the life of a producer; its first message (`config`). */
export interface ProducerConfig {
  /** How formats are configured (custom format string, JSON field names, client source). */
  readonly formatOptions: FormatOptions;
  /** Wanted statuses: column i of a partial counts the statuses of statusColumns[i]. */
  readonly statusColumns: readonly StatusColumn[];
  /** Unset for the default run (clients by address). */
  readonly analysis?: AnalysisSpec;
  readonly chunkBytes: number;
  readonly flushGroups: number;
  /** Scan with the WebAssembly kernel where the format has one. */
  readonly kernel: boolean;
}

/** One unit of work: a byte range of a plain file, starting and ending at line starts. */
export interface RangeTask {
  readonly kind: 'range';
  /** Index of the input (in the run's input list) the range belongs to. */
  readonly input: number;
  readonly path: string;
  readonly start: number;
  readonly end: number;
  /** Format name the lines are parsed with (detected once per file, before the ranges are dealt). */
  readonly format: string;
  /** Header lines in force at `start`, for stateful formats (see engine/state.ts). */
  readonly state?: readonly string[];
}

/**
 * One unit of work: a whole input read as one stream. A compressed file cannot be split by byte range; a pipe
 * (stdin, a FIFO) can only be read once, from the start: the main thread reads it and relays its bytes.
 */
export interface StreamTask {
  readonly kind: 'stream';
  readonly input: number;
  /** The file's path, or the pipe's (`-` for stdin). */
  readonly path: string;
  /** `file`: the producer reads the file; `pipe`: the bytes come as `pipe-data` messages. */
  readonly from: 'file' | 'pipe';
  readonly compression: Compression;
  /** Format name, or `auto`: detected from the first decompressed bytes. */
  readonly format: string;
  /** Bytes to read (compressed); 0 for a pipe (not known). */
  readonly size: number;
}

export type Task = RangeTask | StreamTask;

/** Line counts by input index (only inputs the producer read some of). */
export type FileStats = Readonly<Record<number, ScanStats>>;

/** What reading one input as a stream found. */
export interface StreamReport {
  readonly input: number;
  readonly detection: Detection;
  /** Bytes read (compressed). */
  readonly bytes: number;
  /** Bytes of text they held. */
  readonly uncompressedBytes: number;
}

export type ToProducer =
  | { readonly type: 'config'; readonly config: ProducerConfig } // the first message
  | { readonly type: 'task'; readonly task: Task }
  | { readonly type: 'ack' } // the partial it sent is on the queue: go on
  | { readonly type: 'pipe-data'; readonly bytes: Uint8Array } // the next bytes of the pipe being read
  | { readonly type: 'pipe-end' }
  | { readonly type: 'pipe-error'; readonly message: string }
  | { readonly type: 'stop' }; // no more tasks

export type FromProducer =
  | { readonly type: 'ready' } // wants a task
  | { readonly type: 'read'; readonly bytes: number }
  | { readonly type: 'pipe-took' } // took one pipe-data: the main thread may send another
  | { readonly type: 'partial'; readonly partial: Partial }
  /** A stream task ended: how its format was chosen, bytes read, and bytes of text they gave. */
  | { readonly type: 'streamed'; readonly report: StreamReport }
  | { readonly type: 'done'; readonly stats: FileStats }
  /** `user`: the input's fault (corrupt file ...), reported as a LogsiftError, not as a bug. */
  | { readonly type: 'failed'; readonly message: string; readonly user: boolean };
