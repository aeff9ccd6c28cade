// Writing a file so that readers see the old content or the whole new one, never a half: write a temp file
// in the same folder, flush it, then rename it over the target. A failed or interrupted run leaves any
// existing file untouched.

import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const pendingTempFiles = new Set<string>();

/** Removes temp files of writes still under way (for Ctrl-C: nothing half-written is left behind). */
export function removePendingTempFiles(): void {
  for (const temp of pendingTempFiles) {
    try {
      unlinkSync(temp);
    } catch {
      // already gone
    }
  }
  pendingTempFiles.clear();
}

/** Creates `path` (and its parent folders) atomically with what `write` puts into the open file descriptor. */
export function writeFileAtomic(path: string, write: (fd: number) => void): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true });
  const temp = join(folder, `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  pendingTempFiles.add(temp);
  try {
    const fd = openSync(temp, 'wx');
    try {
      write(fd);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
    throw error;
  } finally {
    pendingTempFiles.delete(temp);
  }
}
