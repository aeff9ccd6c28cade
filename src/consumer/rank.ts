// Ranking the merged groups: those over the threshold (with --window, over it within some window), in report
// order, as a RankedGroups (tables/ranked.ts) over the merged table's rows; the first n of them (`most`); and,
// when none passed, the group that came closest.

import { peakWindow, type PeakWindow } from '../analyses/window.js';
import { compareKeyParts, KEY_LENGTH_BYTES } from '../tables/composite-key.js';
import type { GroupTable } from '../tables/group-table.js';
import { RankedGroups } from '../tables/ranked.js';
import type { Merged } from './merge.js';

export interface RankOptions {
  readonly threshold: number;
  /** Fields in the key. */
  readonly keyFields: number;
  /** 0: the threshold applies to the total count; else to the most responses within a window this long. */
  readonly windowSeconds: number;
}

/**
 * The groups over the threshold, sorted: by peak window count descending (with a window), then count
 * descending, then the key fields ascending in byte order, field by field.
 */
export function rankGroups({ table, events, peaks, kernelTable }: Merged, { threshold, keyFields, windowSeconds }: RankOptions): RankedGroups {
  // Counts only (the default run, or composite keys and nothing else): the kernel holds the merged table and
  // ranks it (kernel/rank.ts, the same order).
  if (kernelTable && kernelTable.fields === keyFields && windowSeconds === 0) return new RankedGroups(table, kernelTable.rank(threshold), keyFields, undefined, kernelTable);
  const rows: number[] = [];
  const totals: number[] = [];
  const peakCount: number[] = [];
  const peakStart: number[] = [];
  const peakOf = rowPeaks({ events, peaks }, windowSeconds);
  for (let row = 0; row < table.size; row++) {
    // A window never holds more than the total, so only groups with enough in total need their peak.
    const count = table.total(row);
    if (count < threshold) continue;
    if (windowSeconds > 0) {
      const peak = peakOf(row);
      if (peak.count < threshold) continue;
      peakCount.push(peak.count);
      peakStart.push(peak.start);
    }
    rows.push(row);
    totals.push(count);
  }

  // Sorted as positions into `rows`, compared without making a string or object per group: one-field keys
  // compare as bytes in the table; composite keys field by field, on the same bytes. The numbers
  // compared first were gathered in position order, so that most comparisons read two adjacent arrays.
  // Ties in count compare the first field's first 6 bytes as a number next (keyHeads), and only then the keys.
  const byPosition = Int32Array.from(rows.keys());
  const heads = keyHeads(table, rows, keyFields);
  const compareRows = rowComparer(table, keyFields);
  const compareKeys = (a: number, b: number): number => heads[a] - heads[b] || compareRows(rows[a], rows[b]);
  const windowed = windowSeconds > 0;
  byPosition.sort(
    windowed
      ? (a, b) => peakCount[b] - peakCount[a] || totals[b] - totals[a] || compareKeys(a, b)
      : (a, b) => totals[b] - totals[a] || compareKeys(a, b),
  );

  const order = new Int32Array(byPosition.length);
  for (let i = 0; i < order.length; i++) order[i] = rows[byPosition[i]];
  if (!windowed) return new RankedGroups(table, order, keyFields);
  const ranked = { count: new Float64Array(order.length), start: new Float64Array(order.length) };
  for (let i = 0; i < order.length; i++) {
    ranked.count[i] = peakCount[byPosition[i]];
    ranked.start[i] = peakStart[byPosition[i]];
  }
  return new RankedGroups(table, order, keyFields, ranked);
}

/** A group's peak window by its row: folded already (`peaks`), or from its instants (`events`, sorted in a scratch). */
function rowPeaks({ events, peaks }: Pick<Merged, 'events' | 'peaks'>, windowSeconds: number): (row: number) => PeakWindow {
  if (peaks) return (row) => ({ count: peaks.count[row], start: peaks.start[row] });
  let scratch = new Float64Array(0);
  return (row) => {
    const n = events!.length(row);
    if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
    events!.copyRow(row, scratch);
    return peakWindow(scratch.subarray(0, n), windowSeconds);
  };
}

/** Bytes of the first field that keyHeads hold (6: exact in a double). */
const HEAD_BYTES = 6;

/**
 * Per position of `rows`, the first HEAD_BYTES bytes of the key's first field as a big-endian number, zeros past
 * the field's end. Two heads that differ order their keys as the fields compare (a field that is a prefix of
 * the other pads with zeros, so it comes first or ties); equal heads decide nothing.
 */
function keyHeads(table: GroupTable, rows: readonly number[], keyFields: number): Float64Array {
  const keys = table.keys;
  const heads = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let start = table.keyStart(rows[i]);
    let end = table.keyEnd(rows[i]);
    if (keyFields > 1) {
      const length = ((keys[start] << 24) | (keys[start + 1] << 16) | (keys[start + 2] << 8) | keys[start + 3]) >>> 0;
      start += KEY_LENGTH_BYTES;
      end = start + length;
    }
    let head = 0;
    for (let b = 0; b < HEAD_BYTES; b++) head = head * 256 + (start + b < end ? keys[start + b] : 0);
    heads[i] = head;
  }
  return heads;
}

/** Compares two rows' keys: one-field keys as bytes, composite keys field by field (each field's raw text as bytes). */
function rowComparer(table: GroupTable, keyFields: number): (x: number, y: number) => number {
  if (keyFields === 1) return (x, y) => table.compareKeys(x, y);
  const keys = table.keys; // the table no longer grows: the view stays valid
  return (x, y) => compareKeyParts(keys, table.keyStart(x), table.keyEnd(x), table.keyStart(y), table.keyEnd(y), keyFields);
}

/** rankGroups(...threshold: 1) cut to its first group (no window), in one pass over the table. */
function firstOfRanking(table: GroupTable, keyFields: number): RankedGroups {
  const compareRows = rowComparer(table, keyFields);
  let best = 0;
  for (let row = 1; row < table.size; row++) {
    const more = table.total(row) - table.total(best);
    if (more > 0 || (more === 0 && compareRows(row, best) < 0)) best = row;
  }
  return new RankedGroups(table, table.total(best) >= 1 ? Int32Array.of(best) : new Int32Array(0), keyFields);
}

/** The first `n` of a ranking (`--most`): the same order, cut. */
export function firstRanked(ranked: RankedGroups, n: number): RankedGroups {
  if (ranked.length <= n) return ranked;
  const peaks = ranked.peaks && { count: ranked.peaks.count.slice(0, n), start: ranked.peaks.start.slice(0, n) };
  return new RankedGroups(ranked.table, ranked.order.slice(0, n), ranked.keyFields, peaks, ranked.kernelTable);
}

/**
 * When no group reached the threshold: the one that came closest (the most matching responses, with a window
 * the highest peak), so that the user knows which threshold would show something. Undefined without groups.
 */
export function highestGroup(merged: Merged, options: Omit<RankOptions, 'threshold'>): { keys: string[]; count: number } | undefined {
  const { table } = merged;
  if (table.size === 0) return undefined;
  // The first of the ranking is found in one pass (ranking a million groups to take one took seconds).
  if (options.windowSeconds > 0) return highestPeak(merged, options.keyFields, options.windowSeconds);
  const all = firstOfRanking(table, options.keyFields);
  if (all.length === 0) return undefined;
  const row = all.at(0);
  return { keys: [...row.keys], count: row.count };
}

/**
 * rankGroups(...threshold: 1)'s first group with a window, in one pass: the highest peak, then the highest
 * total, then the first key. A group's peak is worked out only when its total could still beat the best peak
 * so far (a window holds no more than the total), so most groups cost one comparison.
 */
function highestPeak(merged: Merged, keyFields: number, windowSeconds: number): { keys: string[]; count: number } | undefined {
  const { table } = merged;
  const compareRows = rowComparer(table, keyFields);
  const peakOf = rowPeaks(merged, windowSeconds);
  let best = -1;
  let bestPeak = 0;
  for (let row = 0; row < table.size; row++) {
    const total = table.total(row);
    if (total < 1 || total < bestPeak) continue;
    const peak = peakOf(row).count;
    if (peak < 1) continue;
    const more = best < 0 ? 1 : peak - bestPeak || total - table.total(best);
    if (more > 0 || (more === 0 && compareRows(row, best) < 0)) {
      best = row;
      bestPeak = peak;
    }
  }
  if (best < 0) return undefined;
  return { keys: new RankedGroups(table, Int32Array.of(best), keyFields).at(0).keys.slice(), count: bestPeak };
}
