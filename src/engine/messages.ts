// What the main thread and the producer workers say to each other.

import type { Partial } from './groups.js';
import type { ScanStats } from './scan.js';

/** Fixed for the life of a producer; passed as workerData. */
export interface ProducerConfig {
  readonly format: string;
  /** Wanted status codes, ascending: column i of a partial counts errorCodes[i]. */
  readonly errorCodes: readonly number[];
  readonly chunkBytes: number;
  readonly flushGroups: number;
  /** Scan with the WebAssembly kernel where the format has one. */
  readonly kernel: boolean;
}

/** One unit of work: a byte range of a file, starting and ending at line starts. */
export interface RangeTask {
  readonly path: string;
  readonly start: number;
  readonly end: number;
}

export type ToProducer =
  | { readonly type: 'range'; readonly task: RangeTask }
  | { readonly type: 'ack' } // the partial it sent is on the queue: go on
  | { readonly type: 'stop' }; // no more ranges

export type FromProducer =
  | { readonly type: 'ready' } // wants a range
  | { readonly type: 'read'; readonly bytes: number }
  | { readonly type: 'partial'; readonly partial: Partial }
  | { readonly type: 'done'; readonly stats: ScanStats }
  | { readonly type: 'failed'; readonly message: string };
