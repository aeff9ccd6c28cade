// The answer: groups over the threshold, sorted, with per-code counts and first/last times; plus the summary.

import type { GroupTable } from './groups.js';
import type { SkippedInput } from './inputs.js';
import type { ScanStats } from './scan.js';
import { formatStampIso } from './time.js';

export interface ResultRow {
  /** The client (the group key), as written in the log. */
  readonly key: string;
  /** Matching responses of this client. */
  readonly count: number;
  /** Count per requested status code, in the order of `AnalyzeResult.errorCodes`. */
  readonly byCode: readonly number[];
  /** Earliest and latest matching entry, by instant, as ISO 8601 in the log's own offset. */
  readonly firstSeen: string;
  readonly lastSeen: string;
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

export interface Summary extends ScanStats {
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
  /** Distinct clients with at least one matching response. */
  readonly groups: number;
  /** Clients at or over the threshold (the rows). */
  readonly reported: number;
  readonly elapsedMs: number;
}

export interface AnalyzeResult {
  /** Names of the key columns (`ip`). */
  readonly keyFields: readonly string[];
  readonly errorCodes: readonly number[];
  readonly threshold: number;
  readonly rows: readonly ResultRow[];
  readonly summary: Summary;
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

/** Rows with count >= threshold, by count descending, then key ascending in byte order. */
export function selectRows(table: GroupTable, threshold: number): ResultRow[] {
  const picked: Array<ReturnType<GroupTable['row']>> = [];
  for (let i = 0; i < table.size; i++) if (table.total(i) >= threshold) picked.push(table.row(i));
  // Raw keys hold one char per byte, so comparing them compares bytes.
  picked.sort((a, b) => b.counts[0] - a.counts[0] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return picked.map((row) => ({
    key: decodeKey(row.key),
    count: row.counts[0],
    byCode: Array.from(row.counts.subarray(1)),
    firstSeen: formatStampIso(row.first),
    lastSeen: formatStampIso(row.last),
  }));
}
