// The answer: groups over the threshold, sorted, with per-code counts and first/last times; plus the summary.
// These are the library's public types: they name no Node type and import nothing that does, so that a
// project without @types/node compiles against them.

import type { ReportData } from './report-data.js';

/** Line counts of the run (the same fields as tables/line-counts.ts ScanStats, which producers add up). */
export interface LineCounts {
  /** Lines seen, blank ones included. */
  readonly lines: number;
  readonly blank: number;
  /** Non-blank lines that did not fit the format. */
  readonly malformed: number;
  /** Header and comment lines the format knows (W3C `#Fields:` ...): neither parsed nor malformed. */
  readonly comment: number;
  readonly parsed: number;
  /** Parsed lines whose status counts (and that pass the run's filters). */
  readonly matched: number;
  /** Parsed lines outside `since`/`until` (any status). */
  readonly outside: number;
  /** Matching responses left out by `includeIp`/`excludeIp`. */
  readonly excluded: number;
}

/** An input left out because it could not be read (with `skipUnreadable`). */
export interface SkippedInput {
  readonly path: string;
  /** `not found`, `permission denied` ... */
  readonly reason: string;
}

export interface ResultRow {
  /** The group's key fields' values (`keyFields` order), as written in the log. */
  readonly keys: readonly string[];
  /** The key for display: the one value, or the values joined by a space when the key has several fields. */
  readonly key: string;
  /** Matching responses of this group. */
  readonly count: number;
  /** Count per status column, in the order of `AnalyzeResult.statusColumns`. */
  readonly byCode: readonly number[];
  /** Earliest and latest matching entry, by instant, as ISO 8601 in the log's own offset. */
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** With a window: the most matching responses within one window, and when that window starts. */
  readonly peakWindowCount?: number;
  readonly peakWindowStart?: string;
}

/** The reported rows in report order; `at(i)` builds row i, so a reader that streams them keeps none alive. */
export interface ReportedRows {
  readonly length: number;
  at(index: number): ResultRow;
  /**
   * Row i's key fields as logged, one char per byte (`keys` shows them as UTF-8 text when valid): for a
   * printout that must show invalid UTF-8 as such (sinks/terminal-text.ts). Absent for hand-made rows.
   */
  rawKeysAt?(index: number): readonly string[];
}

/** One input of the run, as read. */
export interface InputSummary {
  /** As given or expanded (`-` for stdin). */
  readonly path: string;
  /** Format the lines were parsed with. */
  readonly format: string;
  /** `none` for a plain file. */
  readonly compression: string;
  /** Bytes read: the file size, compressed for a compressed file. */
  readonly bytes: number;
  /** Bytes of log text (decompressed). */
  readonly uncompressedBytes: number;
}

export interface Summary extends LineCounts {
  /** The input's path, or `N inputs` when there are several. */
  readonly input: string;
  readonly inputs: readonly InputSummary[];
  /** Inputs left out because they could not be read (only with skipUnreadable). */
  readonly skippedInputs: readonly SkippedInput[];
  /** Format name, or the names joined by `, ` when inputs differ. */
  readonly format: string;
  /** Things the user should know (an input no line of which fits its format ...), one line each. */
  readonly warnings: readonly string[];
  /** Bytes read, compressed ones counted as stored. */
  readonly bytes: number;
  /** Bytes of log text, after decompression. */
  readonly uncompressedBytes: number;
  readonly threads: number;
  /** Distinct groups (clients, or whatever `keyFields` names) with at least one matching response. */
  readonly groups: number;
  /** Groups at or over the threshold (the rows). */
  readonly reported: number;
  /**
   * When no group is reported but some had matching responses: the one that came closest, with its count (with
   * a window, its highest count within one window). A threshold of `count` would report it.
   */
  readonly highest?: { readonly keys: readonly string[]; readonly count: number };
  /**
   * The time the log covers: its earliest and latest parsed entry (any status, in the span or not), as ISO 8601
   * in the log's own offset. Absent when no line was parsed.
   */
  readonly logSpan?: { readonly first: string; readonly last: string };
  readonly elapsedMs: number;
  /**
   * With --window: how many times the input was read: 1, or 2 when its lines were too far out of time order for
   * folded windows (analyses/sliding.ts) and every instant had to be kept.
   */
  readonly passes?: number;
}

export interface AnalyzeResult {
  /** Names of the key columns, in `--by` order (default `ip`). */
  readonly keyFields: readonly string[];
  /** Every status that counts, ascending. */
  readonly errorCodes: readonly number[];
  /** Names of the status columns (`404`, `4xx`, `500-599`), ascending. */
  readonly statusColumns: readonly string[];
  /** `--window` in seconds; absent without a window (then rows have no peak fields). */
  readonly windowSeconds?: number;
  /** `--since`/`--until` as given; absent without them. */
  readonly span?: { readonly since?: string; readonly until?: string };
  /** `--include-ip`/`--exclude-ip` blocks; absent without them. */
  readonly clients?: { readonly include: readonly string[]; readonly exclude: readonly string[] };
  readonly threshold: number;
  /** With `most`: the run reported the `most` groups with the most matching responses, whatever the threshold. */
  readonly most?: number;
  /** The rows, built one at a time as they are read: what sinks stream (tables/ranked.ts). */
  readonly reported: ReportedRows;
  /** The same rows as one array, built on first read. */
  readonly rows: readonly ResultRow[];
  readonly summary: Summary;
  /** With AnalyzeOptions.report: what the HTML report shows beyond the rows (tables/report-data.ts). */
  readonly report?: ReportData;
}

/** Keys hold the log's raw bytes (one char per byte); shown as UTF-8 text when they are valid UTF-8. */
const utf8 = new TextDecoder('utf-8', { fatal: true });
export function decodeKey(raw: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(raw)) return raw;
  try {
    return utf8.decode(Buffer.from(raw, 'latin1'));
  } catch {
    return raw;
  }
}
