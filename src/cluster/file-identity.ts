// A file's identity, so that a worker scans the bytes the coordinator planned: its size, its mtime and a hash
// of its first and last 4 KiB. The coordinator computes it once per input and puts it in every job of that
// input; a worker computes it again before scanning and refuses the job when they differ (a machine without
// the shared volume, another file at that path, a log rotated or still being written).

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Bytes hashed at each end of the file. */
export const IDENTITY_EDGE_BYTES = 4096;

export interface FileIdentity {
  readonly size: number;
  /** Milliseconds since the epoch, whole (file systems shared over the network keep at least that). */
  readonly mtimeMs: number;
  /** sha256 of the first and the last IDENTITY_EDGE_BYTES (the whole file when smaller), hex. */
  readonly edgesHash: string;
}

export function fileIdentity(path: string): FileIdentity {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    const hash = createHash('sha256');
    const head = Buffer.alloc(Math.min(IDENTITY_EDGE_BYTES, stat.size));
    readSync(fd, head, 0, head.length, 0);
    hash.update(head);
    const tailStart = Math.max(head.length, stat.size - IDENTITY_EDGE_BYTES);
    const tail = Buffer.alloc(stat.size - tailStart);
    readSync(fd, tail, 0, tail.length, tailStart);
    hash.update(tail);
    return { size: stat.size, mtimeMs: Math.floor(stat.mtimeMs), edgesHash: hash.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

/** What differs between two identities, for a message; undefined when they are the same file. */
export function identityDifference(expected: FileIdentity, found: FileIdentity): string | undefined {
  if (expected.size !== found.size) return `size ${found.size} bytes, expected ${expected.size}`;
  if (expected.mtimeMs !== found.mtimeMs) {
    return `modified ${new Date(found.mtimeMs).toISOString()}, expected ${new Date(expected.mtimeMs).toISOString()}`;
  }
  if (expected.edgesHash !== found.edgesHash) return 'its first or last 4 KiB differ';
  return undefined;
}
