// Opening the input: every way a path can be wrong becomes one clear LogsiftError.

import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { LogsiftError } from '../errors.js';

export interface OpenedInput {
  readonly path: string;
  readonly fd: number;
  readonly size: number;
}

export function openInput(path: string): OpenedInput {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw inputError(path, error);
  }
  const stat = fstatSync(fd);
  if (stat.isDirectory()) {
    closeSync(fd);
    throw new LogsiftError(`input is a folder, not a file: ${path}`);
  }
  return { path, fd, size: stat.size };
}

/** The first bytes of the input (for format detection). */
export function readHead(input: OpenedInput, bytes: number): Buffer {
  const head = Buffer.allocUnsafe(Math.min(bytes, input.size));
  let got = 0;
  while (got < head.length) {
    const n = readSync(input.fd, head, got, head.length - got, got);
    if (n === 0) break;
    got += n;
  }
  return head.subarray(0, got);
}

function inputError(path: string, error: unknown): LogsiftError {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return new LogsiftError(`input file not found: ${path}`);
    case 'EACCES':
    case 'EPERM':
      return new LogsiftError(`cannot read input (permission denied): ${path}`);
    case 'EISDIR':
      return new LogsiftError(`input is a folder, not a file: ${path}`);
    default:
      return new LogsiftError(`cannot open input ${path}: ${(error as Error).message}`);
  }
}
