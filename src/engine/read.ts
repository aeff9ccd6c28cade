// Lazy loading: a byte range of a file is read in fixed-size chunks with positional reads into one reused
// buffer. Only an unfinished line is carried from one chunk to the next, so memory is the chunk size plus the
// longest line, whatever the file size.

import { readSync } from 'node:fs';
import type { LineScanner } from './scan.js';

/** Lines longer than this are counted as malformed and skipped rather than held in memory. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export class RangeReader {
  private buf: Buffer;

  constructor(
    private readonly chunkBytes: number,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(chunkBytes, 1));
  }

  /**
   * Feeds the lines of fd[start, end) to the scanner. `start` must be a line start; `end` a line start or
   * the end of the file. `onRead` hears how many bytes each read brought.
   */
  scanRange(fd: number, start: number, end: number, scanner: LineScanner, onRead?: (bytes: number) => void): void {
    let carry = 0; // bytes of an unfinished line kept at the front of buf
    let skipping = false; // inside an overlong line, dropping bytes up to its newline
    let pos = start;
    while (pos < end) {
      if (carry === this.buf.length) {
        if (carry >= this.maxLineBytes) {
          scanner.countOverlongLine();
          skipping = true;
          carry = 0;
        } else {
          this.grow(Math.min(this.buf.length * 2, this.maxLineBytes));
        }
      }
      const want = Math.min(this.buf.length - carry, this.chunkBytes, end - pos);
      const got = readSync(fd, this.buf, carry, want, pos);
      if (got === 0) break; // the file shrank under us: stop at what is there
      pos += got;
      onRead?.(got);
      let from = 0;
      const filled = carry + got;
      if (skipping) {
        const newline = this.buf.subarray(0, filled).indexOf(0x0a);
        if (newline < 0) {
          carry = 0;
          continue;
        }
        skipping = false;
        from = newline + 1;
      }
      const rest = scanner.scanLines(this.buf, from, filled);
      carry = filled - rest;
      if (carry > 0 && rest > 0) this.buf.copyWithin(0, rest, filled);
    }
    if (carry > 0 && !skipping) scanner.scanLine(this.buf, 0, carry);
  }

  private grow(size: number): void {
    const bigger = Buffer.allocUnsafe(size);
    this.buf.copy(bigger);
    this.buf = bigger;
  }
}
