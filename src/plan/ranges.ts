// Byte ranges: a file is cut into byte ranges that start at line starts, so that every line belongs to exactly
// one range and producers never share a line. Many ranges (not one per producer) keep all producers busy to
// the end: a producer that finishes early takes the next range. With many files, the work list holds the
// ranges of all of them.
//
// Nothing here knows formats: the executable sizes its early producers with rangeCount before the rest loads.

import { readSync } from 'node:fs';
import { byteOrderMarkLength } from '../inputs/byte-order-mark.js';

export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface PlanOptions {
  /** How many producers will share the ranges. */
  readonly producers: number;
  /** Target size of one range. */
  readonly rangeBytes: number;
}

/** Ranges smaller than this are not worth a producer of their own (start-up costs more than it saves). */
const MIN_SPLIT_BYTES = 1024 * 1024;

/** Files up to this size are one range, however many producers share them. */
export function singleRangeBytes(rangeBytes: number): number {
  return Math.min(MIN_SPLIT_BYTES, rangeBytes);
}

/** How many ranges a file of `size` bytes is cut into. */
export function rangeCount(size: number, { producers, rangeBytes }: PlanOptions): number {
  if (size === 0) return 0;
  const bySize = Math.ceil(size / rangeBytes);
  if (bySize >= producers) return bySize;
  // (floor: a range of less than MIN_SPLIT_BYTES is not worth a producer; 1 MiB and a line is one range.)
  return Math.max(bySize, Math.min(producers, Math.floor(size / Math.min(MIN_SPLIT_BYTES, rangeBytes))));
}

/**
 * Where the ranges of a file of `size` bytes end, before alignment to lines: `rangeCount` even ranges, except
 * that toward the end they shrink, each at most 1/(2 x producers) of what is left (down to 1 MiB), so the
 * last ranges dealt out are small and the producers finish nearly together rather than one range apart.
 */
export function rangeEnds(size: number, options: PlanOptions): number[] {
  const count = rangeCount(size, options);
  if (count === 0) return [];
  const even = size / count;
  const smallest = Math.min(MIN_SPLIT_BYTES, even);
  const ends: number[] = [];
  for (let at = 0; at < size; ) {
    const left = size - at;
    const step = Math.max(Math.min(even, left / (2 * options.producers)), smallest);
    // The last step takes the rest (rounding must not leave a sliver behind).
    at = step >= left - 0.5 ? size : Math.floor(at + step);
    ends.push(at);
  }
  return ends;
}

/**
 * Cuts fd's `size` bytes into ranges aligned to line starts. Empty ranges are dropped. The first starts after
 * a UTF-8 byte-order mark (inputs/byte-order-mark.ts), which belongs to no line.
 */
export function planRanges(fd: number, size: number, options: PlanOptions): ByteRange[] {
  const ranges: ByteRange[] = [];
  let start = byteOrderMarkLength(probe.subarray(0, readSync(fd, probe, 0, Math.min(3, size), 0)));
  for (const cut of rangeEnds(size, options)) {
    if (start >= size) break;
    // A cut at or before `start` (a line start) can only give an empty range: skip the probe (tiny rangeBytes).
    if (cut < size && cut <= start) continue;
    const end = cut >= size ? size : nextLineStart(fd, cut, size);
    if (end > start) ranges.push({ start, end });
    start = Math.max(start, end);
  }
  return ranges;
}

/** Read at a cut to find the next line start: a few lines' worth (a bigger read costs more than the search). */
const PROBE_BYTES = 4096;
const probe = Buffer.allocUnsafe(PROBE_BYTES);

/** The first line start at or after `pos`: `pos` itself when the byte before it is a newline. */
export function nextLineStart(fd: number, pos: number, size: number): number {
  if (pos <= 0) return 0;
  for (let at = pos - 1; at < size; at += PROBE_BYTES) {
    const got = readSync(fd, probe, 0, Math.min(PROBE_BYTES, size - at), at);
    if (got === 0) break;
    const newline = probe.subarray(0, got).indexOf(0x0a);
    if (newline >= 0) return at + newline + 1;
  }
  return size;
}

