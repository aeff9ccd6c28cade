// Saving the result as JSON (one document) or NDJSON (one row per line), atomically like the CSV. The shape is
// documented by schema/result.schema.json (rows: its `$defs/row`, which is also each NDJSON line). Names follow
// the CSV columns. Nothing in the file depends on the run's thread count or duration, so, like the CSV, it is
// byte-identical for any --threads.

import { RankedGroups } from '../tables/ranked.js';
import type { AnalyzeResult, ResultRow, Summary } from '../tables/result.js';
import { writeFileAtomic } from './atomic.js';
import { ByteWriter, collectText, writeAll } from './bytes.js';
import { JsonRowWriter } from './json-rows.js';

/** Row objects (a hand-made result's) become text this many at a time: a huge result is never one huge string. */
const ROWS_PER_WRITE = 10_000;

/**
 * A row as the JSON and NDJSON outputs hold it: each is exactly `JSON.stringify(jsonRow(result, row))`. The
 * names follow the CSV's columns; `ResultRow` (the library's row) holds the same values: `key` here is its
 * `keys` by field name, `by_status` its `byCode` by column name, `first_seen` its `firstSeen` ...
 */
export interface JsonRow {
  /** The key fields' values by field name (`{"ip": "10.0.0.1"}`). */
  readonly key: Readonly<Record<string, string>>;
  readonly count: number;
  /** Count per status column, by the column's name (`404`, `4xx`, `500-599`). */
  readonly by_status: Readonly<Record<string, number>>;
  readonly first_seen: string;
  readonly last_seen: string;
  /** Only with a window. */
  readonly peak_window_count?: number;
  readonly peak_window_start?: string;
}

/** One row as the JSON outputs hold it: key fields by name, then the numbers. */
export function jsonRow(result: AnalyzeResult, row: ResultRow): JsonRow {
  const key: Record<string, string> = {};
  result.keyFields.forEach((field, i) => (key[field] = row.keys[i]));
  const byStatus: Record<string, number> = {};
  result.statusColumns.forEach((column, i) => (byStatus[column] = row.byCode[i]));
  return {
    key,
    count: row.count,
    by_status: byStatus,
    first_seen: row.firstSeen,
    last_seen: row.lastSeen,
    ...(result.windowSeconds ? { peak_window_count: row.peakWindowCount, peak_window_start: row.peakWindowStart } : {}),
  };
}

/** What the run asked for and what it read (no timings, no thread count). */
function jsonHead(result: AnalyzeResult): Record<string, unknown> {
  return {
    key_fields: result.keyFields,
    status_columns: result.statusColumns,
    threshold: result.threshold,
    ...(result.most !== undefined ? { most: result.most } : {}),
    ...(result.windowSeconds ? { window_seconds: result.windowSeconds } : {}),
    ...(result.span ? { span: { since: result.span.since ?? null, until: result.span.until ?? null } } : {}),
    ...(result.clients ? { clients: result.clients } : {}),
  };
}

/** The summary's counts of lines and groups, by the result's names: the JSON output and the report's page carry them. */
export function summaryCounts(s: Summary): Record<string, number> {
  return {
    lines: s.lines,
    parsed: s.parsed,
    malformed: s.malformed,
    blank: s.blank,
    comment: s.comment,
    matched: s.matched,
    outside: s.outside,
    excluded: s.excluded,
    groups: s.groups,
    reported: s.reported,
  };
}

function jsonSummary(result: AnalyzeResult): Record<string, unknown> {
  const s = result.summary;
  return {
    ...summaryCounts(s),
    ...(s.highest ? { highest: { key: s.highest.keys, count: s.highest.count } } : {}),
    ...(s.logSpan ? { log_span: { first: s.logSpan.first, last: s.logSpan.last } } : {}),
    format: s.format,
    inputs: s.inputs.map((input) => ({
      path: input.path,
      format: input.format,
      compression: input.compression,
      bytes: input.bytes,
      uncompressed_bytes: input.uncompressedBytes,
    })),
    skipped_inputs: s.skippedInputs.map((skip) => ({ path: skip.path, reason: skip.reason })),
    warnings: s.warnings,
  };
}

/**
 * Every row as `JSON.stringify(jsonRow(...))`, between `before(i)` and `after`: straight from the engine's
 * table as bytes when it can (by the kernel, else sinks/json-rows.ts), else from row objects, a bounded batch at a time.
 */
function writeRows(out: ByteWriter, result: AnalyzeResult, before: (i: number) => string, after: string): void {
  const { reported } = result;
  const fast = reported instanceof RankedGroups ? JsonRowWriter.for(result, reported) : undefined;
  if (fast && reported instanceof RankedGroups) {
    const separators = [before(0), before(1)].map((text) => Buffer.from(text, 'utf8'));
    const end = Buffer.from(after, 'utf8');
    const { kernelTable } = reported;
    const format = kernelTable && fast.kernelRow(separators[0], separators[1], end);
    for (let i = 0; i < reported.length; ) {
      if (format) {
        // The kernel writes what it can (ASCII keys escaped too); a row it cannot (a key to decode ...) is written here.
        const { next, bytes } = kernelTable!.writeRows(format, reported.order, i);
        if (next > i) {
          out.chunk(bytes);
          i = next;
          continue;
        }
      }
      const separator = separators[i === 0 ? 0 : 1];
      out.bytes(separator, 0, separator.length);
      fast.write(out, i++);
      out.bytes(end, 0, end.length);
    }
    return;
  }
  for (let i = 0; i < reported.length; i += ROWS_PER_WRITE) {
    let text = '';
    for (let j = i; j < Math.min(i + ROWS_PER_WRITE, reported.length); j++) text += before(j) + JSON.stringify(jsonRow(result, reported.at(j))) + after;
    out.text(text);
  }
}

/** The JSON document: head fields, rows one per line, then the summary. */
function writeJson(out: ByteWriter, result: AnalyzeResult): void {
  const head = JSON.stringify(jsonHead(result));
  out.text(head.slice(0, -1) + ',"rows":[');
  writeRows(out, result, (i) => (i === 0 ? '\n' : ',\n'), '');
  out.text(`${result.reported.length > 0 ? '\n' : ''}],"summary":${JSON.stringify(jsonSummary(result))}}\n`);
}

function writeNdjson(out: ByteWriter, result: AnalyzeResult): void {
  writeRows(out, result, () => '', '\n');
}

/** The whole JSON document as text (for small results and tests). */
export function formatJson(result: AnalyzeResult): string {
  return collectText((out) => writeJson(out, result));
}

/** The whole NDJSON as text: one row per line, nothing else (an empty result is an empty file). */
export function formatNdjson(result: AnalyzeResult): string {
  return collectText((out) => writeNdjson(out, result));
}

/**
 * Writes the JSON document (`ndjson`: the rows, one per line) through `write`, a chunk at a time; a chunk is
 * valid only during the call.
 */
export function writeJsonTo(result: AnalyzeResult, write: (bytes: Uint8Array) => void, ndjson = false): void {
  const out = new ByteWriter(write);
  (ndjson ? writeNdjson : writeJson)(out, result);
  out.end();
}

/** Writes the JSON document to `path` atomically: an existing file is replaced whole or not at all. */
export function saveJson(result: AnalyzeResult, path: string): void {
  writeFileAtomic(path, (fd) => writeJsonTo(result, (bytes) => writeAll(fd, bytes)));
}

/** Writes the rows as NDJSON to `path` atomically. */
export function saveNdjson(result: AnalyzeResult, path: string): void {
  writeFileAtomic(path, (fd) => writeJsonTo(result, (bytes) => writeAll(fd, bytes), true));
}
