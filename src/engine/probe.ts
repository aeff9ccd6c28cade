// What is in an input file, from its first bytes: the format its lines are parsed with.

import { closeSync } from 'node:fs';
import { chooseFormat, type Detection, type FormatOptions } from '../formats/index.js';
import { openFile, readHead } from './inputs.js';

/** Enough lines to recognise a format, small enough to read instantly. */
export const DETECT_BYTES = 64 * 1024;

export interface ProbedFile {
  readonly input: number;
  readonly path: string;
  readonly size: number;
  readonly format: string;
  /** How the format was chosen (named or detected, and what was tried), for messages. */
  readonly detection: Detection;
}

/** Opens `path` (throwing an unreadable-input error when it cannot) and names its format. */
export function probeFile(input: number, path: string, format: string, options: FormatOptions = {}): ProbedFile {
  const { fd, size } = openFile(path);
  try {
    const detection = chooseFormat(format, options, () => ({
      bytes: readHead(fd, size, DETECT_BYTES),
      whole: size <= DETECT_BYTES,
    }));
    return { input, path, size, format: detection.name, detection };
  } finally {
    closeSync(fd);
  }
}
