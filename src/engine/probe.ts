// What is in an input file, from its first bytes: its compression and (for a plain file) the format its lines are
// parsed with. A compressed file's format is found by the producer that decompresses it.

import { closeSync } from 'node:fs';
import { chooseFormat, type Detection, type FormatOptions } from '../formats/index.js';
import { detectCompression, MAGIC_BYTES, unsupportedCompression, type Compression } from './decompress.js';
import { openFile, readHead, unreadable } from './inputs.js';

/** Enough lines to recognise a format, small enough to read instantly. */
export const DETECT_BYTES = 64 * 1024;

export interface ProbedFile {
  readonly input: number;
  readonly path: string;
  readonly size: number;
  readonly compression: Compression;
  /** Format name; for a compressed file, the requested one (maybe `auto`): its producer settles it. */
  readonly format: string;
  /** How the format was chosen (named or detected, and what was tried), for messages; none yet when compressed. */
  readonly detection?: Detection;
}

/**
 * Opens `path` and says what it holds. Throws an unreadable-input error when it cannot be opened, or when it is
 * compressed in a way logsift cannot read.
 */
export function probeFile(input: number, path: string, format: string, options: FormatOptions = {}): ProbedFile {
  const { fd, size } = openFile(path);
  try {
    const head = readHead(fd, size, format === 'auto' ? DETECT_BYTES : MAGIC_BYTES);
    const compression = detectCompression(head);
    if (compression !== 'none') return { input, path, size, compression, format };
    const other = unsupportedCompression(head);
    if (other) {
      throw unreadable(
        path,
        `${other}-compressed: not supported`,
        `${path} is ${other}-compressed, which logsift cannot read: decompress it and pipe it in (... | logsift --input -)`,
      );
    }
    const detection = chooseFormat(format, options, () => ({ bytes: head, whole: size <= DETECT_BYTES }));
    return { input, path, size, compression, format: detection.name, detection };
  } finally {
    closeSync(fd);
  }
}
