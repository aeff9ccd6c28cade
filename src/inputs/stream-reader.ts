// Reading one input whole, as a stream: a compressed file (which cannot be split by byte range) or a pipe. The
// bytes are decompressed if needed, the format is settled from the first text when it is to be detected, and
// the text goes through the same line carry (inputs/range-reader.ts) as positional reads, so lines that straddle
// pieces are handled once, in one place. Memory: a few pieces, whatever the size of the input.

import { createReadStream } from 'node:fs';
import { chooseFormat, type ClfSampleCounter, type Detection, type FormatOptions, type LineFormat } from '../formats/index.js';
import { ByteOrderMarkSkip } from './byte-order-mark.js';
import type { Compression } from './compression.js';
import { decompress } from './decompress.js';
import { DETECT_BYTES, DetectionSample } from './detection-sample.js';
import type { LineCarry, LineSink } from './range-reader.js';

/** Largest compressed read: bigger buys nothing, the decoder works in smaller pieces anyway. */
const MAX_READ_BYTES = 256 * 1024;

/** A file's bytes in order, in reads of at most `chunkBytes` (also kept small by tests, to cut everywhere). */
export function fileChunks(path: string, chunkBytes: number): AsyncIterable<Uint8Array> {
  return createReadStream(path, { highWaterMark: Math.min(chunkBytes, MAX_READ_BYTES) });
}

/** Counts the bytes of `source` as they pass: `onRead` hears each chunk's size. */
export async function* counted(source: AsyncIterable<Uint8Array>, onRead: (bytes: number) => void): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    onRead(chunk.length);
    yield chunk;
  }
}

/** How the lines of one format are read: its parser, where lines go, and the carry that feeds them there. */
export interface FormatScan {
  readonly format: LineFormat;
  readonly sink: LineSink;
  readonly lines: LineCarry;
}

export interface StreamInput {
  /** The input's bytes as stored (compressed or not). */
  readonly source: AsyncIterable<Uint8Array>;
  readonly compression: Compression;
  /** For messages: the path, or `-` for stdin. */
  readonly name: string;
  /** Format name, or `auto`. */
  readonly format: string;
  readonly formatOptions: FormatOptions;
  /** Largest piece handed to the line carry at once. */
  readonly pieceBytes: number;
  /** The scan of a format (made on first use). */
  readonly scanFor: (format: string) => FormatScan;
  /** Awaited between pieces (a producer hands its counts over there when they grew big). */
  readonly between?: () => Promise<void>;
  /** gzip: inflate on a thread beside this one (see plan/tasks.ts, StreamTask). */
  readonly inflateAside?: boolean;
  /** Detection counts the sample's CLF-family lines with it (the kernel's), where the caller has one. */
  readonly clfCounter?: ClfSampleCounter;
}

/** Reads `input` to its end; says how its format was chosen and how many bytes of text it held. */
export async function scanStream(input: StreamInput): Promise<{ detection: Detection; uncompressedBytes: number }> {
  let scan: FormatScan | undefined;
  let detection: Detection | undefined;
  let uncompressedBytes = 0;
  // The first text, kept until the format is known: the first whole lines, however long.
  let held: DetectionSample | undefined = new DetectionSample();

  const settle = (whole: boolean): FormatScan => {
    const sample = held!.bytes();
    held = undefined;
    detection = chooseFormat(input.format, input.formatOptions, () => ({ bytes: sample, whole }), input.clfCounter);
    scan = input.scanFor(detection.name);
    scan.format.begin?.([]);
    if (sample.length > 0) scan.lines.push(sample, input.pieceBytes, scan.sink);
    return scan;
  };
  if (input.format !== 'auto') settle(false);

  const byteOrderMark = new ByteOrderMarkSkip();
  const onText = (piece: Uint8Array): void => {
    uncompressedBytes += piece.length;
    byteOrderMark.push(piece, onLineText);
  };
  const onLineText = (piece: Uint8Array): void => {
    if (scan) {
      scan.lines.push(piece, input.pieceBytes, scan.sink);
      return;
    }
    // The sample copies what it takes (the piece is only lent); once it has enough, the rest goes to the scan.
    // It is given DETECT_BYTES at a time, as a plain file's detection reads them: a piece of inflated text is
    // up to 1 MiB, and detection reads every whole line it is given, in JS.
    for (let from = 0; from < piece.length; from += DETECT_BYTES) {
      const slice = piece.subarray(from, from + DETECT_BYTES);
      const taken = from + Math.min(slice.length, held!.room);
      if (held!.push(slice)) {
        settle(false);
        if (piece.length > taken) scan!.lines.push(piece.subarray(taken), input.pieceBytes, scan!.sink);
        return;
      }
    }
  };

  if (input.compression === 'none') {
    for await (const chunk of input.source) {
      onText(chunk);
      await input.between?.();
    }
  } else {
    await decompress(input.compression, input.source, input.name, onText, input.between, input.inflateAside);
  }
  byteOrderMark.end(onLineText);
  scan ??= settle(true);
  scan.lines.end(scan.sink);
  return { detection: detection!, uncompressedBytes };
}
