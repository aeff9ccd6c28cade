// What is in an input file, from its first bytes: the format its lines are parsed with.

import { closeSync } from 'node:fs';
import { detectFormat, formatByName } from '../formats/index.js';
import { openFile, readHead } from './inputs.js';

/** Enough lines to recognise a format, small enough to read instantly. */
export const DETECT_BYTES = 64 * 1024;

export interface ProbedFile {
  readonly input: number;
  readonly path: string;
  readonly size: number;
  readonly format: string;
}

/** Opens `path` (throwing an unreadable-input error when it cannot) and names its format. */
export function probeFile(input: number, path: string, format: string): ProbedFile {
  const { fd, size } = openFile(path);
  try {
    const name = format === 'auto' ? detectFormat(readHead(fd, size, DETECT_BYTES)).name : formatByName(format)!.name;
    return { input, path, size, format: name };
  } finally {
    closeSync(fd);
  }
}
