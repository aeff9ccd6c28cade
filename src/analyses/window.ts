// The peak window of a group (`--window`): the most matching responses within any window of W seconds.
//
// A window is half-open, [t, t + W): two responses exactly W seconds apart are never in one window, so a
// `1h` window spans 3600 distinct seconds. A best window can always be moved to start at its first response,
// so only windows starting at a response are tried; among equal counts the earliest start wins.

import { OFFSET_SPAN } from '../base/time.js';

export interface PeakWindow {
  /** Responses in the best window. */
  readonly count: number;
  /** Stamp of the first response in it (its instant and offset). */
  readonly start: number;
}

/** Sorts stamps in place (by instant, then offset) and returns the peak window of W seconds. */
export function peakWindow(stamps: Float64Array, windowSeconds: number): PeakWindow {
  stamps.sort();
  return peakOfSorted(stamps, windowSeconds);
}

/** Peak window of stamps already sorted ascending (two pointers: O(n)). */
export function peakOfSorted(stamps: Float64Array, windowSeconds: number): PeakWindow {
  let best = 0;
  let bestStart = Number.NaN;
  let j = 0;
  for (let i = 0; i < stamps.length; i++) {
    // Stamps are seconds * OFFSET_SPAN + (offset part < OFFSET_SPAN), so "second < s + W" is "stamp < (s + W) * SPAN".
    const end = (Math.floor(stamps[i] / OFFSET_SPAN) + windowSeconds) * OFFSET_SPAN;
    if (j < i) j = i;
    while (j < stamps.length && stamps[j] < end) j++;
    if (j - i > best) {
      best = j - i;
      bestStart = stamps[i];
    }
  }
  return { count: best, start: bestStart };
}
