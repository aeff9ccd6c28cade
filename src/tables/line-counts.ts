// Line counts: how many lines a scan saw, parsed, matched, skipped and why; summed per input for the summary.
// And what a producer says of a task besides its partials: its line counts by input, and what reading a whole
// input as a stream found (its format and sizes, known only once read).

import type { Detection } from '../formats/index.js';

/** Line counters of a scan; summed over producers for the summary. */
export interface ScanStats {
  /** Lines seen, blank ones included. */
  lines: number;
  blank: number;
  /** Non-blank lines that did not fit the format. */
  malformed: number;
  /** Header and comment lines the format knows (W3C `#Fields:` ...): neither parsed nor malformed. */
  comment: number;
  parsed: number;
  /** Parsed lines whose status is one of the wanted codes (and that pass the run's filters). */
  matched: number;
  /** Parsed lines outside `--since`/`--until` (any status). */
  outside: number;
  /** Matching responses dropped by `--include-ip`/`--exclude-ip`. */
  excluded: number;
  /** The earliest and latest instant of any parsed line, as stamps (base/time.ts); +-Infinity before one. */
  firstStamp: number;
  lastStamp: number;
}

export function emptyStats(): ScanStats {
  return { lines: 0, blank: 0, malformed: 0, comment: 0, parsed: 0, matched: 0, outside: 0, excluded: 0, firstStamp: Infinity, lastStamp: -Infinity };
}

export function addStats(into: ScanStats, from: ScanStats): void {
  into.lines += from.lines;
  into.blank += from.blank;
  into.malformed += from.malformed;
  into.comment += from.comment;
  into.parsed += from.parsed;
  into.matched += from.matched;
  into.outside += from.outside;
  into.excluded += from.excluded;
  into.firstStamp = Math.min(into.firstStamp, from.firstStamp);
  into.lastStamp = Math.max(into.lastStamp, from.lastStamp);
}

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

