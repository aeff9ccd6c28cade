// State of a stateful format where each byte range starts: for W3C, the last `#Fields:` (and `#Date:`) line
// before the range. Found at planning time by reading backwards from each range start, but never past the
// previous range start (what lies before it was searched already), for all prefixes at once: at worst one
// pass over the file (a prefix the file never has, like `#GMT-Offset:` in IIS logs, makes it one), and only
// a few reads when every prefix is there and headers are frequent.
//
// That pass is serial, on the main thread, before any producer starts: 45-90 ms on 120 MB of IIS log, more
// than the producers' own reading of it costs. So the local driver guesses instead (guessedStatesAtRangeStarts):
// it reads only the first and the last `lookBack` bytes of each stretch between two range starts, where header
// blocks are (the file's own at its start; IIS writes a new one on each restart, anywhere), and carries the
// rest over. Each range is then told the state the next range was given (RangeTask.stateAfter); its producer,
// which sees every header line of its range, checks that it ends in that state (LineFormat.readsAsAfter) and
// fails the read with StateGuessMissed when not. By induction from the file's start, which needs no guess, a read
// with no miss had every range's state right; one with a miss is read again with the exact states.

import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_LINE_BYTES } from '../inputs/range-reader.js';
import type { RangeTask, Task } from './tasks.js';

const CHUNK_BYTES = 1024 * 1024;
/** First read of a header line: W3C `#Fields:` lines are usually well under 1 KiB, but may be far longer. */
const HEADER_READ_BYTES = 4 * 1024;

/**
 * For each range start (ascending; the first is usually 0), the header lines in force there: for each prefix,
 * the last line before the start that begins with it, in file order, without its newline (or CR).
 */
export function statesAtRangeStarts(
  fd: number,
  starts: readonly number[],
  prefixes: readonly string[],
  chunkBytes = CHUNK_BYTES,
): string[][] {
  const needles = prefixes.map((prefix) => Buffer.from(prefix, 'latin1'));
  const longest = Math.max(...needles.map((n) => n.length));
  // A window, the byte before it (is a `#` there at a line start?) and the longest prefix after it.
  const buf = Buffer.allocUnsafe(Math.max(chunkBytes, 1) + longest + 1);
  let inForce: Array<number> = prefixes.map(() => -1); // line start per prefix, -1: none yet
  let previous = 0;
  const lineAt = linesOf(fd);
  return starts.map((start) => {
    const found = lastLineStarts(fd, buf, Math.max(chunkBytes, 1), needles, longest, previous, start);
    inForce = found.map((at, i) => (at >= 0 ? at : inForce[i]));
    previous = start;
    return inForce
      .filter((at) => at >= 0)
      .sort((a, b) => a - b)
      .map(lineAt);
  });
}

/** How far from each end of the stretch between two range starts the guess reads (guessedStatesAtRangeStarts). */
export const STATE_LOOK_BACK = 64 * 1024;

/**
 * As statesAtRangeStarts, but guessed: of the stretch between two range starts, only its first and its last
 * `lookBack` bytes are read; a prefix found in neither keeps the line in force at the range start before. At
 * most 2 x lookBack bytes read per range, however rare the headers. The guess is checked as the ranges are read
 * (see the top of this file).
 */
export function guessedStatesAtRangeStarts(
  fd: number,
  starts: readonly number[],
  prefixes: readonly string[],
  lookBack = STATE_LOOK_BACK,
  chunkBytes = CHUNK_BYTES,
): string[][] {
  const needles = prefixes.map((prefix) => Buffer.from(prefix, 'latin1'));
  const longest = Math.max(...needles.map((n) => n.length));
  const window = Math.max(1, Math.min(chunkBytes, lookBack));
  const buf = Buffer.allocUnsafe(window + longest + 1);
  let inForce: Array<number> = prefixes.map(() => -1);
  let previous = 0;
  const lineAt = linesOf(fd);
  return starts.map((start) => {
    const backFrom = Math.max(previous, start - lookBack);
    const back = lastLineStarts(fd, buf, window, needles, longest, backFrom, start, backFrom === previous);
    // The stretch's first bytes, where the back window did not reach, for the prefixes it did not find there.
    const frontTo = Math.min(backFrom, previous + lookBack);
    const front = back.some((at) => at < 0) && frontTo > previous ? lastLineStarts(fd, buf, window, needles, longest, previous, frontTo, true, start) : back;
    inForce = back.map((at, i) => (at >= 0 ? at : front[i] >= 0 ? front[i] : inForce[i]));
    previous = start;
    return inForce
      .filter((at) => at >= 0)
      .sort((a, b) => a - b)
      .map(lineAt);
  });
}

/**
 * A read whose states were guessed (guessedStatesAtRangeStarts) met a range that did not end in the state the next
 * one was given: the read is void, and done again with the exact states.
 */
export class StateGuessMissed extends Error {
  constructor(readonly path: string, readonly end: number) {
    super(`${path}: the header lines in force at byte ${end} were not the ones planned`);
    this.name = 'StateGuessMissed';
  }
}

/**
 * For each needle, the last line start q in [lo, hi) whose line begins with it, or -1. One backward pass over
 * the `#` bytes that start a line, reading each byte once (a prefix missing from the file costs one read of
 * [lo, hi), not one per prefix), and stopping as soon as every needle was found. `hi` is a line start, and `lo`
 * too when `loIsLineStart` (maybe with no newline before it: the file's first line, or the first after a
 * byte-order mark); else a `#` at `lo` starts a line only after a newline. A line starting before `hi` is read up
 * to `readEnd` (a line start at or after `hi`) for its prefix.
 */
function lastLineStarts(
  fd: number,
  buf: Buffer,
  window: number,
  needles: readonly Buffer[],
  longest: number,
  lo: number,
  hi: number,
  loIsLineStart = true,
  readEnd = hi,
): number[] {
  const found = needles.map(() => -1);
  let missing = needles.length;
  let windowEnd = hi;
  while (missing > 0 && windowEnd > lo) {
    const windowStart = Math.max(lo, windowEnd - window);
    const readStart = windowStart > 0 ? windowStart - 1 : 0;
    const got = readFully(fd, buf, readStart, Math.min(readEnd, windowEnd + longest) - readStart);
    const bytes = buf.subarray(0, got);
    // `#` bytes in [windowStart, windowEnd), last first.
    for (let at = windowEnd - 1 - readStart; missing > 0 && at >= windowStart - readStart; at--) {
      at = bytes.lastIndexOf(0x23, at);
      if (at < windowStart - readStart) break;
      const lineStart = readStart + at;
      if (lineStart !== 0 && (lineStart !== lo || !loIsLineStart) && bytes[at - 1] !== 0x0a) continue;
      needles.forEach((needle, i) => {
        if (found[i] < 0 && at + needle.length <= got && bytes.subarray(at, at + needle.length).equals(needle)) {
          found[i] = lineStart;
          missing--;
        }
      });
    }
    windowEnd = windowStart;
  }
  return found;
}

/** readLine for `fd`, each line read once: the same header lines are in force at many range starts. */
function linesOf(fd: number): (at: number) => string {
  const read = new Map<number, string>();
  return (at) => {
    let line = read.get(at);
    if (line === undefined) read.set(at, (line = readLine(fd, at)));
    return line;
  };
}

/**
 * The whole line at `at`, however long (up to the longest line the scanner reads), so that a range start sees
 * the same header as the scan that reads the file from its start.
 */
export function readLine(fd: number, at: number, firstRead = HEADER_READ_BYTES): string {
  let line = Buffer.allocUnsafe(Math.min(firstRead, MAX_LINE_BYTES));
  let got = 0;
  let end = -1;
  for (;;) {
    const n = readFully(fd, line.subarray(got), at + got, line.length - got);
    end = line.subarray(got, got + n).indexOf(0x0a);
    if (end >= 0) end += got;
    got += n;
    if (end >= 0 || got < line.length || line.length >= MAX_LINE_BYTES) break;
    const longer = Buffer.allocUnsafe(Math.min(line.length * 2, MAX_LINE_BYTES));
    line.copy(longer, 0, 0, got);
    line = longer;
  }
  if (end < 0) end = got;
  if (end > 0 && line[end - 1] === 0x0d) end--;
  return line.latin1Slice(0, end);
}

function readFully(fd: number, buf: Buffer, position: number, length: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/**
 * The tasks, with the header lines in force at each range's start for the files whose format is stateful
 * (`stateLinesOf` gives its state line prefixes, or undefined). `guessLookBack`: guessed states
 * (guessedStatesAtRangeStarts), each range but a file's last told the next one's as `stateAfter`; else exact
 * (any guess the tasks held is replaced).
 */
export function withFormatState(
  tasks: readonly Task[],
  stateLinesOf: (format: string) => readonly string[] | undefined,
  guessLookBack?: number,
): Task[] {
  const byPath = new Map<string, RangeTask[]>();
  for (const task of tasks) {
    if (task.kind !== 'range' || !stateLinesOf(task.format)) continue; // a stream starts at the file's start
    let list = byPath.get(task.path);
    if (!list) byPath.set(task.path, (list = []));
    list.push(task);
  }
  const planned = new Map<Task, RangeTask>();
  for (const [path, list] of byPath) {
    const ranges = [...list].sort((a, b) => a.start - b.start);
    const fd = openSync(path, 'r');
    try {
      const starts = ranges.map((t) => t.start);
      const prefixes = stateLinesOf(ranges[0].format)!;
      const found =
        guessLookBack === undefined ? statesAtRangeStarts(fd, starts, prefixes) : guessedStatesAtRangeStarts(fd, starts, prefixes, guessLookBack);
      ranges.forEach(({ stateAfter: _, ...task }, i) => {
        const next = guessLookBack !== undefined && i + 1 < ranges.length ? { stateAfter: found[i + 1] } : {};
        planned.set(ranges[i], { ...task, state: found[i], ...next });
      });
    } finally {
      closeSync(fd);
    }
  }
  return tasks.map((task) => planned.get(task) ?? task);
}
