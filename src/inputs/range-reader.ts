// Lazy loading: a byte range of a file is read in fixed-size chunks with positional reads into one reused
// buffer. Only an unfinished line is carried from one chunk to the next, so memory is the chunk size plus the
// longest line, whatever the file size.

import { readSync } from 'node:fs';
import { readInto } from './resolve.js';

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

/**
 * Lines from bytes that arrive in pieces. Each piece is put after the unfinished line kept at the front of the
 * buffer, the lines it completes go to the sink, and only the new unfinished line is kept. Positional reads
 * (RangeReader) fill the buffer in place; streams (inputs/stream-reader.ts) copy their pieces in with `push`.
 */
export class LineCarry {
  private carry = 0; // bytes of an unfinished line kept at the front of the buffer
  private skipping = false; // inside an overlong line, dropping bytes up to its newline

  constructor(
    readonly buffer: ReadBuffer,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  /** Where the next bytes go in `buffer.bytes`. */
  get at(): number {
    return this.carry;
  }

  /** Makes room after the unfinished line (growing the buffer, or dropping an overlong line) and says how much. */
  room(sink: LineSink): number {
    if (this.carry === this.buffer.bytes.length) {
      // Full, no newline yet: a line of maxLineBytes may still end with the next byte, one more cannot.
      if (this.carry > this.maxLineBytes) {
        sink.countOverlongLine();
        this.skipping = true;
        this.carry = 0;
      } else {
        this.buffer.grow(Math.min(this.carry * 2, this.maxLineBytes + 1));
      }
    }
    return this.buffer.bytes.length - this.carry;
  }

  /** `got` new bytes were put at `at` (at most `room()`): scans the lines they complete. */
  filled(got: number, sink: LineSink): void {
    const buf = this.buffer.bytes;
    let from = 0;
    const filled = this.carry + got;
    if (this.skipping) {
      const newline = buf.subarray(0, filled).indexOf(0x0a);
      if (newline < 0) {
        this.carry = 0;
        return;
      }
      this.skipping = false;
      from = newline + 1;
    }
    const rest = sink.scanLines(buf, from, filled);
    this.carry = filled - rest;
    // Re-read the buffer: scanning may have moved it (the kernel's memory grows under its views).
    if (this.carry > 0 && rest > 0) this.buffer.bytes.copyWithin(0, rest, filled);
  }

  /** Copies `bytes` in, at most `pieceBytes` at a time, scanning as it goes. */
  push(bytes: Uint8Array, pieceBytes: number, sink: LineSink): void {
    for (let from = 0; from < bytes.length; ) {
      const n = Math.min(this.room(sink), pieceBytes, bytes.length - from);
      this.buffer.bytes.set(bytes.subarray(from, from + n), this.carry);
      from += n;
      this.filled(n, sink);
    }
  }

  /** The input ended: scans its unfinished last line (a file without a final newline) and starts afresh. */
  end(sink: LineSink): void {
    if (this.carry > 0 && !this.skipping) sink.scanLine(this.buffer.bytes, 0, this.carry);
    this.carry = 0;
    this.skipping = false;
  }
}

export class RangeReader {
  /** The reader's line carry (over its buffer), also used to feed streams through the same buffer. */
  readonly lines: LineCarry;

  constructor(
    private readonly chunkBytes: number,
    buffer: ReadBuffer = new HeapReadBuffer(Math.max(chunkBytes, 1)),
    maxLineBytes = MAX_LINE_BYTES,
  ) {
    this.lines = new LineCarry(buffer, maxLineBytes);
  }

  /**
   * Feeds the lines of fd[start, end) to the sink. `start` must be a line start; `end` a line start or the
   * end of the file. `onRead` hears how many bytes each read brought.
   */
  scanRange(fd: number, start: number, end: number, sink: LineSink, onRead?: (bytes: number) => void): void {
    const lines = this.lines;
    let pos = start;
    while (pos < end) {
      const want = Math.min(lines.room(sink), this.chunkBytes, end - pos);
      const got = readSync(fd, lines.buffer.bytes, lines.at, want, pos);
      if (got === 0) break; // the file shrank under us: stop at what is there
      pos += got;
      onRead?.(got);
      lines.filled(got, sink);
    }
    lines.end(sink);
  }

  /**
   * Reads a whole small file, `size` bytes (fewer if it ended sooner), into the reader's own buffer, where its
   * lines are not scanned yet: its format can be detected from them first, then scanHeld scans them there with
   * no copy. Undefined when it does not fit in one read (or a line is carried). The view is a new Buffer each time (detection
   * tells samples apart by identity), and valid only until the scan, which may move the buffer.
   */
  readHeld(fd: number, size: number): Buffer | undefined {
    const { bytes } = this.lines.buffer;
    // Within one piece, as scanBytes would feed it (pieces of chunkBytes).
    if (this.lines.at !== 0 || size > Math.min(bytes.length, this.chunkBytes)) return undefined;
    const got = readInto(fd, bytes.subarray(0, size), 0);
    return Buffer.from(bytes.buffer, bytes.byteOffset, got);
  }

  /** Feeds the sink the lines of the `length` bytes readHeld put in the buffer, as scanBytes would. */
  scanHeld(length: number, sink: LineSink, onRead?: (bytes: number) => void): void {
    if (length > 0) {
      onRead?.(length);
      this.lines.room(sink);
      this.lines.filled(length, sink);
    }
    this.lines.end(sink);
  }

  /** Feeds the lines of `bytes` (the rest of a file from a line start, read already) to the sink, as scanRange would. */
  scanBytes(bytes: Uint8Array, sink: LineSink, onRead?: (bytes: number) => void): void {
    if (bytes.length > 0) onRead?.(bytes.length);
    this.lines.push(bytes, this.chunkBytes, sink);
    this.lines.end(sink);
  }
}
