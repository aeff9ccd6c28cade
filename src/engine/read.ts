// Lazy loading: a byte range of a file is read in fixed-size chunks with positional reads into one reused
// buffer. Only an unfinished line is carried from one chunk to the next, so memory is the chunk size plus the
// longest line, whatever the file size.

import { readSync } from 'node:fs';

/** Lines longer than this are counted as malformed and skipped rather than held in memory. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** Where lines go: a scanner that parses and counts them. */
export interface LineSink {
  /** Scans every complete line in buf[from, to); returns where the unfinished last line starts. */
  scanLines(buf: Buffer, from: number, to: number): number;
  /** Scans one line, buf[start, end), without its newline (the last line of a file with no final newline). */
  scanLine(buf: Buffer, start: number, end: number): void;
  /** Counts a line too long to hold in memory: it is malformed. */
  countOverlongLine(): void;
}

/** The reused read buffer. `grow` keeps the contents; after it, `bytes` is a new, larger view. */
export interface ReadBuffer {
  readonly bytes: Buffer;
  grow(size: number): void;
}

/** A read buffer on the JS heap. */
export class HeapReadBuffer implements ReadBuffer {
  bytes: Buffer;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  grow(size: number): void {
    const bigger = Buffer.allocUnsafe(size);
    this.bytes.copy(bigger);
    this.bytes = bigger;
  }
}

export class RangeReader {
  constructor(
    private readonly chunkBytes: number,
    private readonly buffer: ReadBuffer = new HeapReadBuffer(Math.max(chunkBytes, 1)),
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  /**
   * Feeds the lines of fd[start, end) to the sink. `start` must be a line start; `end` a line start or the
   * end of the file. `onRead` hears how many bytes each read brought.
   */
  scanRange(fd: number, start: number, end: number, sink: LineSink, onRead?: (bytes: number) => void): void {
    let carry = 0; // bytes of an unfinished line kept at the front of the buffer
    let skipping = false; // inside an overlong line, dropping bytes up to its newline
    let pos = start;
    while (pos < end) {
      if (carry === this.buffer.bytes.length) {
        if (carry >= this.maxLineBytes) {
          sink.countOverlongLine();
          skipping = true;
          carry = 0;
        } else {
          this.buffer.grow(Math.min(carry * 2, this.maxLineBytes));
        }
      }
      const buf = this.buffer.bytes;
      const want = Math.min(buf.length - carry, this.chunkBytes, end - pos);
      const got = readSync(fd, buf, carry, want, pos);
      if (got === 0) break; // the file shrank under us: stop at what is there
      pos += got;
      onRead?.(got);
      let from = 0;
      const filled = carry + got;
      if (skipping) {
        const newline = buf.subarray(0, filled).indexOf(0x0a);
        if (newline < 0) {
          carry = 0;
          continue;
        }
        skipping = false;
        from = newline + 1;
      }
      const rest = sink.scanLines(buf, from, filled);
      carry = filled - rest;
      if (carry > 0 && rest > 0) buf.copyWithin(0, rest, filled);
    }
    if (carry > 0 && !skipping) sink.scanLine(this.buffer.bytes, 0, carry);
  }
}
