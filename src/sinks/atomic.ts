// Writing the output so that nothing there is destroyed. A regular file (or a name not taken yet) is replaced
// atomically: a temp file in the same folder, flushed, given the old file's mode and (where the process may)
// owner, then renamed over the target, so readers see the old content or the whole new one, never a half, and
// a failed or interrupted run leaves the old file as it was. A symlink is followed: its target is replaced and
// the link stays. Anything else (a device such as /dev/null or /dev/full, a FIFO, /dev/stdout, a terminal) is
// written through, as a shell's `>` would: replacing it with a regular file would destroy it.
//
// Temp files are named `.<target name>.logsift-<pid>.tmp` (the target name shortened, with a hash, when the
// whole would pass the 255-byte limit of a file name). A run killed with `kill -9` cannot remove its own, so
// each save first removes those of the same target left by processes no longer running.

import type * as Crypto from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fchownSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';

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

/** Longest file name (NAME_MAX on Linux, macOS and Windows file systems), in bytes. */
const NAME_MAX = 255;
const TEMP_SUFFIX = '.tmp';
/** `.logsift-` and the widest pid (Linux: up to 4194304), budgeted for every pid alike. */
const MARK = '.logsift-';
const PID_DIGITS = 7;

// node:crypto takes milliseconds to load and only a very long output name needs it: loaded on first use.
const require = createRequire(import.meta.url);

/** The target's name as it appears in its temp files' names: whole, or cut (at a character) and hashed. */
function tempStem(name: string): string {
  const budget = NAME_MAX - 1 - MARK.length - PID_DIGITS - TEMP_SUFFIX.length;
  if (Buffer.byteLength(name) <= budget) return name;
  const { createHash } = require('node:crypto') as typeof Crypto;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12);
  let cut = '';
  for (const ch of name) {
    if (Buffer.byteLength(cut + ch) > budget - hash.length - 1) break;
    cut += ch;
  }
  return `${cut}~${hash}`;
}

/** The temp file a process `pid` writes `path` through. */
export function tempPathFor(path: string, pid = process.pid): string {
  return join(dirname(path), `.${tempStem(basename(path))}${MARK}${pid}${TEMP_SUFFIX}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/**
 * Removes temp files of `path` left by runs that died mid-save (`kill -9`, a power cut): those named as
 * `tempPathFor` names them, of a process that is no longer running. Returns the names removed.
 */
export function removeStaleTempFiles(path: string): string[] {
  const folder = dirname(path);
  const prefix = `.${tempStem(basename(path))}${MARK}`;
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const pid = name.slice(prefix.length, -TEMP_SUFFIX.length);
    if (!/^[1-9]\d*$/.test(pid) || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    try {
      unlinkSync(join(folder, name));
      removed.push(join(folder, name));
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Where the output goes: written through (not a regular file), or the regular file (maybe not there yet) to replace. */
type Target = { readonly kind: 'through' } | { readonly kind: 'replace'; readonly path: string; readonly stat?: Stats };

/** stat or lstat, undefined where nothing is (also ENOTDIR: a file where a folder of the path should be). */
function statOrNothing(stat: typeof statSync, path: string): Stats | undefined {
  try {
    return stat(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function targetOf(path: string): Target {
  const stat = statOrNothing(statSync, path);
  if (stat && !stat.isFile()) return { kind: 'through' };
  // /proc/<pid>/fd/1, /dev/fd/3 ...: what they name is not theirs to replace, even when it is a regular file.
  // (A regular file in /dev/shm is replaced like any other.)
  if (/^\/(proc\/|dev\/(fd\/|stdout$|stderr$))/.test(resolve(path))) return { kind: 'through' };
  // A symlink (maybe dangling: its target is created) is followed to the file it names.
  let at = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const link = statOrNothing(lstatSync, at);
    if (!link?.isSymbolicLink()) return { kind: 'replace', path: at, stat };
    at = resolve(dirname(at), readlinkSync(at));
  }
  throw Object.assign(new Error(`too many symbolic links: ${path}`), { code: 'ELOOP' });
}

/**
 * The descriptor a path names of this very process (/dev/stdout, /dev/fd/3, /proc/self/fd/1): written to as it
 * is, since opening it again fails when it is a socket (ENXIO) and would truncate a file it was appending to.
 */
function ownDescriptor(path: string): number | undefined {
  const named = /^\/dev\/(stdout|stderr)$|^\/(?:dev\/fd|proc\/self\/fd)\/(\d+)$/.exec(resolve(path));
  if (!named) return undefined;
  return named[1] === 'stdout' ? 1 : named[1] === 'stderr' ? 2 : Number(named[2]);
}

/**
 * Writes `path` with what `write` puts into the open file descriptor: a regular file (and its parent folders)
 * atomically, keeping an existing file's mode and owner; anything else written through (see above).
 */
export function writeFileAtomic(path: string, write: (fd: number) => void): void {
  const own = ownDescriptor(path);
  if (own !== undefined) return write(own);
  const target = targetOf(path);
  if (target.kind === 'through') {
    const fd = openSync(path, 'w');
    try {
      write(fd);
    } finally {
      closeSync(fd);
    }
    return;
  }
  mkdirSync(dirname(target.path), { recursive: true });
  removeStaleTempFiles(target.path);
  const temp = tempPathFor(target.path);
  const old = target.stat;
  pendingTempFiles.add(temp);
  try {
    // Created no more open than the file it replaces (0o666 less the umask for a new one), then given its mode.
    const fd = openSync(temp, 'wx', old ? old.mode & 0o777 : 0o666);
    try {
      if (old) {
        try {
          fchownSync(fd, old.uid, old.gid);
        } catch {
          // not permitted (another user's file): the new one is the writer's, as any rewrite by them would be
        }
        fchmodSync(fd, old.mode & 0o7777);
      }
      write(fd);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, target.path);
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

