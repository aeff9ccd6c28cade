// Saving the result as CSV: `ip,count,<code>...,first_seen,last_seen`, one row per reported client.

import { writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { AnalyzeResult } from '../engine/result.js';
import { writeFileAtomic } from './atomic.js';

/** Rows are turned into text this many at a time, so a huge result never becomes one huge string. */
const ROWS_PER_WRITE = 10_000;

export function csvHeader(result: AnalyzeResult): string[] {
  return [...result.keyFields, 'count', ...result.errorCodes.map(String), 'first_seen', 'last_seen'];
}

export function csvRecords(result: AnalyzeResult): Array<Array<string | number>> {
  return result.rows.map((row) => [row.key, row.count, ...row.byCode, row.firstSeen, row.lastSeen]);
}

/** The whole CSV as text (for small results and tests). */
export function formatCsv(result: AnalyzeResult): string {
  return stringify([csvHeader(result), ...csvRecords(result)]);
}

/** Writes the CSV to `path` atomically: an existing file is replaced whole or not at all. */
export function saveCsv(result: AnalyzeResult, path: string): void {
  writeFileAtomic(path, (fd) => {
    writeSync(fd, stringify([csvHeader(result)]));
    const records = csvRecords(result);
    for (let i = 0; i < records.length; i += ROWS_PER_WRITE) {
      writeSync(fd, stringify(records.slice(i, i + ROWS_PER_WRITE)));
    }
  });
}
