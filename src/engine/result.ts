// The answer: groups over the threshold, sorted, with per-code counts and first/last times; plus the summary.

import type { Merged } from './consumer.js';
import type { SkippedInput } from './inputs.js';
import { splitKey } from './keys.js';
import type { ScanStats } from './scan.js';
import { formatStampIso } from './time.js';
import { peakWindow } from './window.js';

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
  /**
   * With --window: how many times the input was read: 1, or 2 when its lines were too far out of time order for
   * folded windows (engine/sliding.ts) and every instant had to be kept.
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

export interface SelectOptions {
  readonly threshold: number;
  /** Fields in the key. */
  readonly keyFields: number;
  /** 0: the threshold applies to the total count; else to the most responses within a window this long. */
  readonly windowSeconds: number;
}

/**
 * Rows over the threshold, sorted: by peak window count descending (with a window), then count descending,
 * then the key fields ascending in byte order, field by field.
 */
export function selectRows({ table, events, peaks }: Merged, { threshold, keyFields, windowSeconds }: SelectOptions): ResultRow[] {
  interface Picked {
    readonly raw: string[];
    readonly row: number;
    readonly count: number;
    readonly peak: number;
    readonly peakStart: number;
  }
  const picked: Picked[] = [];
  let scratch = new Float64Array(0);
  for (let row = 0; row < table.size; row++) {
    // A window never holds more than the total, so only groups with enough in total need their peak.
    const count = table.total(row);
    if (count < threshold) continue;
    let peak = count;
    let peakStart = Number.NaN;
    if (windowSeconds > 0 && peaks) {
      peak = peaks.count[row];
      peakStart = peaks.start[row];
      if (peak < threshold) continue;
    } else if (windowSeconds > 0) {
      const n = events!.length(row);
      if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
      events!.copyRow(row, scratch);
      ({ count: peak, start: peakStart } = peakWindow(scratch.subarray(0, n), windowSeconds));
      if (peak < threshold) continue;
    }
    picked.push({ raw: splitKey(table.key(row), keyFields), row, count, peak, peakStart });
  }
  // Raw key parts hold one char per byte, so comparing them compares bytes. (One field, the usual case, is
  // compared inline: this sort is a good part of a run's serial tail.)
  picked.sort(
    keyFields === 1
      ? (a, b) => b.peak - a.peak || b.count - a.count || (a.raw[0] < b.raw[0] ? -1 : a.raw[0] > b.raw[0] ? 1 : 0)
      : (a, b) => b.peak - a.peak || b.count - a.count || compareParts(a.raw, b.raw),
  );
  return picked.map((p) => {
    const keys = p.raw.map(decodeKey);
    const row: ResultRow = {
      keys,
      key: keys.join(' '),
      count: p.count,
      byCode: table.columnCounts(p.row),
      firstSeen: formatStampIso(table.first(p.row)),
      lastSeen: formatStampIso(table.last(p.row)),
    };
    return windowSeconds > 0 ? { ...row, peakWindowCount: p.peak, peakWindowStart: formatStampIso(p.peakStart) } : row;
  });
}

function compareParts(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
