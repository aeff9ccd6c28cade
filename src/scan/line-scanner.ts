// The per-line loop of a producer: split bytes into lines, parse each with the file's format, and count the
// ones whose status is wanted. Strings are made only for lines that match (and for the default key, the
// client address, not even then: groups are looked up by bytes).

import type { AnalysisState } from '../analyses/analysis-state.js';
import { LineFields, type LineFormat } from '../formats/fields.js';
import { GroupTable } from '../tables/group-table.js';
import type { LineSink } from '../inputs/range-reader.js';
import type { ScanStats } from '../tables/line-counts.js';
import { emptyStats } from '../tables/line-counts.js';

const LF = 0x0a;
const CR = 0x0d;

/** Status code -> column in the output (ascending codes), or -1 when the code is not wanted. */
export function statusColumns(codes: readonly number[]): Int16Array {
  const columns = new Int16Array(600).fill(-1);
  [...codes].sort((a, b) => a - b).forEach((code, i) => (columns[code] = i));
  return columns;
}

export class LineScanner implements LineSink {
  /** Where counts go; a producer points it at the current file's counters. */
  stats: ScanStats = emptyStats();
  /** The fields of the line being counted (reused for every line). */
  readonly fields = new LineFields();

  constructor(
    /** The current file's format; a producer sets it for each range. */
    public format: LineFormat,
    readonly columnOfStatus: Int16Array,
    readonly table: GroupTable,
  ) {}

  scanLines(buf: Buffer, from: number, to: number): number {
    // indexOf searches the whole buffer, so bound it with a view that ends at `to`.
    const view = to === buf.length ? buf : buf.subarray(0, to);
    let start = from;
    for (;;) {
      const newline = view.indexOf(LF, start);
      if (newline < 0) return start;
      this.scanLine(buf, start, newline);
      start = newline + 1;
    }
  }

  scanLine(buf: Buffer, start: number, end: number): void {
    const stats = this.stats;
    stats.lines++;
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start) {
      stats.blank++;
      return;
    }
    const fields = this.fields;
    const format = this.format;
    if (!format.parse(buf, start, end, fields)) {
      if (format.header !== undefined && format.header(buf, start, end)) stats.comment++;
      else stats.malformed++;
      return;
    }
    stats.parsed++;
    // The span the log covers: two comparisons a parsed line (a line without an instant has a NaN stamp).
    const stamp = fields.stamp;
    if (stamp < stats.firstStamp) stats.firstStamp = stamp;
    if (stamp > stats.lastStamp) stats.lastStamp = stamp;
    const column = this.columnOfStatus[fields.status];
    if (column < 0) return;
    stats.matched++;
    this.countMatch(buf, start, end, column);
  }

  /**
   * Counts a parsed line whose status is wanted; `fields` holds what `format.parse` found in it.
   * (The WebAssembly kernel calls this too, for each matching line it found.)
   */
  countMatch(buf: Buffer, _start: number, _end: number, column: number): void {
    const fields = this.fields;
    this.table.add(buf, fields.clientStart, fields.clientEnd, column, fields.stamp);
  }

  /** What an analysis keeps beyond the counts (analysis-scanner.ts), or undefined: none. */
  get analysisState(): AnalysisState | undefined {
    return undefined;
  }

  /** With a time span, the column of statuses that do not count but must be seen (analysis-scanner.ts), else -1. */
  get othersColumn(): number {
    return -1;
  }

  /** `count` parsed lines in the othersColumn, all within one second, `stamp` the newest (the kernel gives them so). */
  countOthers(_count: number, _stamp: number): void {
    throw new Error('no column of other statuses here');
  }

  countOverlongLine(): void {
    this.stats.lines++;
    this.stats.malformed++;
  }
}
