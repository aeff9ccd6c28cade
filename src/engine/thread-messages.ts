// What the main thread and the producer threads say to each other (engine/producer-pool.ts on the main side,
// engine/producer-thread.ts on the producer's). Everything here is structured-clone data; partials and pipe
// bytes move as transferred buffers.

import type { PipeMessage } from '../inputs/pipe-relay.js';
import type { Task } from '../plan/tasks.js';
import type { ReportConfig } from '../scan/report-scanner.js';
import type { ScanConfig } from '../scan/task-scanner.js';
import type { FileStats, StreamReport } from '../tables/line-counts.js';
import type { ScanPartial } from '../tables/partial.js';
import type { ReportPartial } from '../tables/report-partial.js';

export type ToProducer =
  // The first message: a read of the run, or the HTML report's; `reportsRead`: whether to send `read` messages.
  | { readonly type: 'config'; readonly config: ScanConfig; readonly reportsRead: boolean }
  | { readonly type: 'config'; readonly report: ReportConfig; readonly reportsRead: boolean }
  | { readonly type: 'task'; readonly tasks: readonly Task[] } // one task, or a batch of small ranges
  | { readonly type: 'later' } // to a `ready` that asked ahead: nothing to take ahead, ask again when done
  | { readonly type: 'ack' } // the partial it sent is on the queue: go on
  | PipeMessage // the next bytes of the pipe being read, its end, or its read error
  | { readonly type: 'stop' }; // no more tasks

export type FromProducer =
  /** Wants a task; `ahead`: it asks while it scans the ranges dealt last (it holds them until then). */
  | { readonly type: 'ready'; readonly ahead: boolean }
  | { readonly type: 'read'; readonly bytes: number }
  | { readonly type: 'pipe-took' } // took one pipe-data: the main thread may send another
  | { readonly type: 'partial'; readonly partial: ScanPartial | ReportPartial }
  /** A stream task ended (or a small file detected here): how its format was chosen, bytes read, and bytes of text they gave. */
  | { readonly type: 'streamed'; readonly reports: readonly StreamReport[] } // those of one batch of tasks, in one message
  | { readonly type: 'done'; readonly stats: FileStats }
  /**
   * `user`: the input's fault (corrupt file ...), reported as a LogsiftError, not as a bug. `guessMissed`: a
   * range did not end in the state planned for the next (plan/header-state.ts StateGuessMissed): no fault.
   */
  | {
      readonly type: 'failed';
      readonly message: string;
      readonly user: boolean;
      readonly stack?: string;
      readonly guessMissed?: { readonly path: string; readonly end: number };
    };
