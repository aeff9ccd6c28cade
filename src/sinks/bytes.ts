// Text written as bytes into one reused buffer and handed on in chunks, for sinks that write many rows: no string
// is made per row, so a result of any size leaves the garbage collector nothing to copy.

import { writeSync } from 'node:fs';
import { STAMP_ISO_MAX_BYTES, writeStampIso } from '../base/time.js';

/** Bytes gathered before they are handed on. */
const CHUNK_BYTES = 256 * 1024;

export class ByteWriter {
  private buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private at = 0;

  /** `emit` gets each full chunk (a view, valid only during the call) and, from `end`, the rest. */
  constructor(private readonly emit: (bytes: Uint8Array) => void) {}

  /** Makes room for `bytes` more. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    this.flush();
    if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
  }

  private flush(): void {
    if (this.at > 0) this.emit(this.buffer.subarray(0, this.at));
    this.at = 0;
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.at++] = value;
  }

  /** Bytes copied as they are. */
  bytes(source: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    const buffer = this.buffer;
    let at = this.at;
    // Byte by byte: these are keys, a few bytes long; a subarray to copy from would cost more.
    for (let i = start; i < end; i++) buffer[at++] = source[i];
    this.at = at;
  }

  /** Bytes handed on as they are, after what was written before them (no copy here). */
  chunk(bytes: Uint8Array): void {
    this.flush();
    if (bytes.length > 0) this.emit(bytes);
  }

  /** Text as UTF-8. */
  text(value: string): void {
    this.room(value.length * 3);
    this.at += this.buffer.write(value, this.at, 'utf8');
  }

  /** A whole number >= 0 in decimal (counts: exact up to 2^53). */
  uint(value: number): void {
    this.room(16);
    this.at = writeUint(value, this.buffer, this.at);
  }

  /**
   * For a writer that fills the buffer itself (sinks/json-rows.ts): room for `bytes` more, at `position`; it
   * then sets `position` past what it wrote.
   */
  reserve(bytes: number): Buffer {
    this.room(bytes);
    return this.buffer;
  }

  get position(): number {
    return this.at;
  }

  set position(at: number) {
    this.at = at;
  }

  /** A stamp as ISO 8601 text (base/time.ts). */
  stampIso(stamp: number): void {
    this.room(STAMP_ISO_MAX_BYTES);
    this.at = writeStampIso(stamp, this.buffer, this.at);
  }

  /** Hands on what is left. */
  end(): void {
    this.flush();
  }
}

/** bytes[start, end) as text, one char per byte (how tables hand keys to decodeKey). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** Writes a whole number >= 0 in decimal (exact up to 2^53) at out[at]; returns where it ends. */
export function writeUint(value: number, out: Uint8Array, at: number): number {
  if (value < 10) {
    out[at] = 48 + value; // most status columns of most rows: 0
    return at + 1;
  }
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  const end = at + digits;
  let rest = value;
  for (let p = end; rest > 0; rest = Math.floor(rest / 10)) out[--p] = 48 + (rest % 10);
  return end;
}

/** Writes all of `bytes` to the file (a write may take fewer bytes than it was given). */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
}

/** Everything `write` writes, as one string (for small results and tests). */
export function collectText(write: (writer: ByteWriter) => void): string {
  const chunks: Buffer[] = [];
  const writer = new ByteWriter((bytes) => chunks.push(Buffer.from(bytes)));
  write(writer);
  writer.end();
  return Buffer.concat(chunks).toString('utf8');
}
