// What is in each input, from its first bytes: its compression and (for a plain file) the format its lines are
// parsed with. A compressed file's or a pipe's format is found by the producer that reads it. Pipes are opened
// here (their first bytes read and kept) and handed on as relays.

import { closeSync, statSync } from 'node:fs';
import { formatCount } from '../base/numbers.js';
import { chooseFormat, type ClfSampleCounter, type Detection, type FormatOptions } from '../formats/index.js';
import { byteOrderMarkLength } from './byte-order-mark.js';
import { DETECT_BYTES, DetectionSample } from './detection-sample.js';
import { detectCompression, MAGIC_BYTES, unsupportedCompression, type Compression } from './compression.js';
import type { Readable } from 'node:stream';
import { asUnreadable, isUnreadable, openFile, readHead, readInto, STDIN, unreadable, type Input, type SkippedInput } from './resolve.js';
import { PipeRelay } from './pipe-relay.js';

export { DETECT_BYTES } from './detection-sample.js';

/** An input to read: a plain file is cut into ranges; a compressed file, or a pipe, is read whole as a stream. */
export interface PlannedFile {
  readonly input: number;
  readonly path: string;
  /** Bytes (compressed); 0 for a pipe (not known before it is read). */
  readonly size: number;
  /** A pipe (stdin, FIFO): read once, relayed by the main thread. */
  readonly pipe?: boolean;
  /**
   * A regular file that says it is empty, read to its end as a stream all the same: /proc and /sys files
   * say 0 bytes and hold text (a truly empty file reads as empty either way).
   */
  readonly stream?: boolean;
  readonly compression: Compression;
  /**
   * Format name; for a compressed file, a pipe, or a small plain file whose detection was left to its producer
   * (ProbeOptions.detectUpTo), the requested one (maybe `auto`): its producer settles it.
   */
  readonly format: string;
  /** A plain file's first text byte: past a UTF-8 byte-order mark (which belongs to no line), as probed. */
  readonly textStart?: number;
}

/** An input as probed: what the plan needs of it (PlannedFile), and how its format was chosen. */
export interface ProbedFile extends PlannedFile {
  /** How the format was chosen (named or detected, and what was tried), for messages; none yet when compressed. */
  readonly detection?: Detection;
}

/**
 * Opens `path` and says what it holds. Throws an unreadable-input error when it cannot be opened, or when it is
 * compressed in a way logsift cannot read.
 */
export function probeFile(
  input: number,
  path: string,
  format: string,
  options: FormatOptions = {},
  detectUpTo = 0,
  clfCounter?: ClfSampleCounter,
): ProbedFile {
  const { fd, size } = openFile(path);
  try {
    const leftToProducer = format === 'auto' && size <= detectUpTo;
    const head = readHead(fd, size, format === 'auto' && !leftToProducer ? DETECT_BYTES : MAGIC_BYTES);
    if (size === 0) return { input, path, size, stream: true, compression: 'none', format };
    const compression = detectCompression(head);
    if (compression !== 'none') return { input, path, size, compression, format };
    refuseUnsupported(path, head);
    if (leftToProducer) return { input, path, size, compression, format, textStart: byteOrderMarkLength(head) };
    const detection = chooseFormat(format, options, () => detectionSample(head, size, (at, length) => readPiece(fd, at, length)), clfCounter);
    return { input, path, size, compression, format: detection.name, detection };
  } finally {
    closeSync(fd);
  }
}

/**
 * The format of an open plain file of `size` bytes, from its first text, as probeFile finds it: for a file whose
 * detection was left to the producer that reads it. `text`: the file's first bytes, read already (see fileSample).
 */
export function detectFileFormat(fd: number, size: number, format: string, options: FormatOptions, clfCounter?: ClfSampleCounter, text?: Buffer): Detection {
  return chooseFormat(format, options, () => fileSample(fd, size, text), clfCounter);
}

/**
 * The detection sample of an open plain file of `size` bytes, read after its head in one piece of the rest of
 * the head's area (so that a sample ending there is one buffer). `text`: the file's bytes from its start, read
 * already (up to `size`, fewer if it ended sooner): the sample is taken from them in the same pieces, so it ends
 * where it would, and the file is read only past them.
 */
export function fileSample(fd: number, size: number, text?: Buffer): { bytes: Buffer; whole: boolean } {
  const areaLength = Math.min(size, 2 * DETECT_BYTES);
  if (text) {
    const head = text.subarray(0, Math.min(DETECT_BYTES, areaLength));
    // What a read would give: within the bytes read, or all there was when the file ended before `size`.
    const fromText: PieceReader = (at, length) => (at + length <= text.length || text.length < size ? text.subarray(at, at + length) : readPiece(fd, at, length));
    return detectionSample(head, size, fromText, areaLength - head.length);
  }
  const area = Buffer.allocUnsafeSlow(areaLength);
  const head = area.subarray(0, readInto(fd, area.subarray(0, DETECT_BYTES), 0));
  const next = area.subarray(head.length);
  const fromFile: PieceReader = (at, length, first) => (first ? next.subarray(0, readInto(fd, next, at)) : readPiece(fd, at, length));
  return detectionSample(head, size, fromFile, next.length);
}

/** The largest read of a sample (its first whole lines can be long): reads double up to it. */
const LARGEST_PIECE = 4 * 1024 * 1024;

/**
 * Up to `length` bytes of the file at `at` (fewer only where it ends), for the sample, which keeps them
 * without a copy. `first`: the read right after the head (of the rest of the head's area).
 */
type PieceReader = (at: number, length: number, first: boolean) => Buffer;

function readPiece(fd: number, at: number, length: number): Buffer {
  const chunk = Buffer.allocUnsafe(length);
  return chunk.subarray(0, readInto(fd, chunk, at));
}

/**
 * The first text of a plain file for detection: `head`, read on until it holds the first whole lines however
 * long they are (inputs/detection-sample.ts); `whole` once it reached the end the file had when probed. The
 * reads after the head: one of `nextLength` bytes (when not 0), then DETECT_BYTES, doubling up to LARGEST_PIECE.
 */
function detectionSample(head: Buffer, size: number, read: PieceReader, nextLength = 0): { bytes: Buffer; whole: boolean } {
  const sample = new DetectionSample();
  let at = head.length;
  // The head and every piece are the sample's own: taken without a copy.
  let enough = sample.push(head, true);
  let chunkLength = DETECT_BYTES;
  let first = nextLength > 0;
  while (!enough && at < size) {
    const piece = read(at, first ? nextLength : chunkLength, first);
    if (piece.length === 0) break;
    at += piece.length;
    enough = sample.push(piece, true);
    if (first) first = false;
    else if (chunkLength < LARGEST_PIECE) chunkLength *= 2; // long lines: bigger chunks, fewer reads
  }
  const bytes = sample.bytes();
  return { bytes: bytes.subarray(byteOrderMarkLength(bytes)), whole: at >= size && sample.size === at };
}

/** Says what a pipe holds from its first bytes (`head`): its compression; its format is settled as it is read. */
export function probePipe(input: number, path: string, head: Uint8Array, format: string): ProbedFile {
  refuseUnsupported(path, head);
  return { input, path, size: 0, pipe: true, compression: detectCompression(head), format };
}

/** Throws (an unreadable-input error) for a compression logsift recognises but cannot read. */
function refuseUnsupported(path: string, head: Uint8Array): void {
  const other = unsupportedCompression(head);
  if (other) {
    throw unreadable(
      path,
      `${other}-compressed: not supported`,
      `${path === STDIN ? 'stdin' : path} is ${other}-compressed, which logsift cannot read: decompress it and pipe it in (... | logsift --input -)`,
    );
  }
}

export interface ProbedInputs {
  /** The inputs that can be read, numbered in order. */
  readonly files: ProbedFile[];
  /** Unreadable inputs left out (only with skipUnreadable). */
  readonly skipped: SkippedInput[];
  /** The pipes among the inputs, by input number, ready to relay. */
  readonly relays: Map<number, PipeRelay>;
}

export interface ProbeOptions {
  readonly format: string;
  readonly formatOptions?: FormatOptions;
  readonly skipUnreadable?: boolean;
  /** What `-` reads (default: process.stdin, touched only when `-` is an input). */
  readonly stdin?: Readable;
  /**
   * Plain files up to this size are not detected here but by the producer that reads them (each is one task):
   * with many small files, detection is most of the work, and the producers share it. Default 0: none.
   */
  readonly detectUpTo?: number;
  /** Counts a sample's CLF-family lines for detection faster than the JS parsers (the kernel's, from scan/). */
  readonly clfCounter?: ClfSampleCounter;
}

/** Probes every input in order; an unreadable one fails the lot, or with skipUnreadable is left out. */
export async function probeInputs(inputs: readonly Input[], options: ProbeOptions): Promise<ProbedInputs> {
  const probed: ProbedInputs = { files: [], skipped: [], relays: new Map() };
  try {
    for (const input of inputs) {
      const number = probed.files.length;
      try {
        if (input.kind === 'file') {
          probed.files.push(probeFile(number, input.path, options.format, options.formatOptions, options.detectUpTo, options.clfCounter));
        } else {
          const relay = await PipeRelay.open(input.path, options.stdin ?? process.stdin).catch((error: unknown) => {
            throw asUnreadable(input.path, error) ?? error;
          });
          probed.relays.set(number, relay);
          probed.files.push(probePipe(number, input.path, relay.headBytes(), options.format));
        }
      } catch (error) {
        if (!options.skipUnreadable || !isUnreadable(error)) throw error;
        probed.relays.get(number)?.stop();
        probed.relays.delete(number);
        probed.skipped.push({ path: error.path, reason: error.reason });
      }
    }
  } catch (error) {
    for (const relay of probed.relays.values()) relay.stop();
    throw error;
  }
  return probed;
}

/**
 * Warnings for plain files that are shorter now than when the run planned them (truncated or rotated away
 * while read): the result then holds only what was there. A file that grew (a live log) is read as planned.
 */
export function shrunkInputs(files: readonly PlannedFile[]): string[] {
  const warnings: string[] = [];
  for (const file of files) {
    if (file.pipe || file.stream || file.compression !== 'none') continue;
    const now = statSync(file.path, { throwIfNoEntry: false });
    if (now?.isFile() && now.size < file.size) {
      warnings.push(`${file.path} was truncated while it was read (${formatCount(file.size)} bytes when the run began, ${formatCount(now.size)} at the end): the result counts only the lines that were still there`);
    }
  }
  return warnings;
}
