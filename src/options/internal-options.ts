// The library's tuning and test knobs: what the engine's own callers (the command line's hidden flags, the
// tests, the benchmark) set, and users never need. They change how a run is cut up and scanned, never its
// answer (the exactness tests hold every one of them to that). Kept out of the public AnalyzeOptions.

import type { AnalyzeOptions } from './analyze-options.js';

export interface InternalOptions {
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
   * comes in time order (default true; false keeps every instant). See analyses/sliding.ts.
   */
  windowFolding?: boolean;
  /** How late (seconds) an instant may come before a folded window run must be done again (default 300). */
  windowSlack?: number;
  /** Scan with the WebAssembly kernels where the format has one (Common/Combined, W3C, CloudFront, ALB, ELB; default true; false runs the JS parsers). */
  kernel?: boolean;
  /**
   * Called once every producer of the run's first read has loaded its code: the command line then sets V8
   * flags that, set sooner, would have made the producers refuse their code caches (base/threads.ts).
   */
  onProducersLoaded?: () => void;
  /**
   * Bytes read at each end of the stretch between two range starts to guess W3C's header lines in force at
   * each (plan/header-state.ts; tests set it small so that guesses miss).
   */
  stateLookBack?: number;
  /** Called when a guessed state missed and the run reads its inputs again with the exact ones. */
  onStateGuessMissed?: () => void;
}

/** What the engine takes: the public options and the knobs. */
export type EngineOptions = AnalyzeOptions & InternalOptions;
