// Which inputs a run reads: the paths, globs, folders and `-` (stdin) the user gave become one ordered list,
// and every way one can be wrong becomes one clear LogsiftError before any work starts (or, when the caller
// chose to skip unreadable inputs, a note in `skipped`).

import { fstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { LogsiftError } from '../base/errors.js';

/** How the user names standard input. */
export const STDIN = '-';

/**
 * One input. A regular file can be read at any offset (split into ranges, or decompressed as a stream);
 * a pipe (stdin, a FIFO, a device) can only be read once, from the start, as a stream.
 */
export type Input =
  | { readonly kind: 'file'; readonly path: string; readonly size: number; readonly file: FileIdentity }
  | { readonly kind: 'pipe'; readonly path: string; readonly file?: FileIdentity };

/** Which file an input is, whatever its name (a link's target): stdin has none. */
export interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

export interface SkippedInput {
  readonly path: string;
  readonly reason: string;
}

export interface ResolvedInputs {
  /** The specs these inputs were resolved from. */
  readonly specs: readonly string[];
  readonly inputs: Input[];
  readonly skipped: SkippedInput[];
}

export interface ResolveOptions {
  /** Go on without a missing or unreadable input (it is listed in `skipped`) instead of failing. */
  readonly skipUnreadable?: boolean;
}

const NOT_FOUND = 'not found';

/** Thrown for an input that cannot be read; `skipUnreadable` turns it into a SkippedInput. */
class UnreadableInput extends LogsiftError {
  constructor(
    readonly path: string,
    readonly reason: string,
    message = reason === NOT_FOUND ? `input file not found: ${path}` : `cannot read input (${reason}): ${path}`,
  ) {
    super(message);
  }
}

/**
 * Expands the user's input specs, in the order given: a folder gives its regular files (not hidden ones, not
 * sub-folders) and a glob (expanded here, not by a shell) its matching files, by name but a rotated set oldest
 * first (`oldestFirst`); `-` stdin.
 * A file named twice (directly or through a glob or folder) is read once.
 */
export async function resolveInputs(specs: readonly string[], options: ResolveOptions = {}): Promise<ResolvedInputs> {
  if (specs.length === 0) throw new LogsiftError('no input given');
  const inputs: Input[] = [];
  const skipped: SkippedInput[] = [];
  const seen = new Set<string>();
  let glob: typeof import('tinyglobby') | undefined; // loaded only for a pattern (it takes a while to load)
  /** `identity`: the file's real path when known already (a folder's entry that is no link). */
  const add = (path: string, stats: Stats, identity = realpathSync.native(path)): void => {
    if (seen.has(identity)) return;
    seen.add(identity);
    const file = { dev: stats.dev, ino: stats.ino };
    inputs.push(stats.isFile() ? { kind: 'file', path, size: stats.size, file } : { kind: 'pipe', path, file });
  };

  for (const spec of specs) {
    if (spec === '') throw new LogsiftError('an input path is empty');
    try {
      if (spec === STDIN) {
        if (seen.has(STDIN)) throw new LogsiftError(`stdin ('${STDIN}') is given as input more than once`);
        seen.add(STDIN);
        inputs.push({ kind: 'pipe', path: STDIN });
        continue;
      }
      const stats = statOrUndefined(spec);
      if (stats?.isDirectory()) {
        const files = folderFiles(spec);
        if (files.length === 0) throw new LogsiftError(`input folder has no files: ${spec}`);
        // An entry that is no symbolic link is where the folder really is, under its name: one realpath for all.
        const realFolder = realpathSync.native(spec);
        for (const [path, fileStats, name, link] of files) add(path, fileStats, link ? realpathSync.native(path) : join(realFolder, name));
      } else if (stats) {
        add(spec, stats);
      } else if ((glob ??= await import('tinyglobby')).isDynamicPattern(spec)) {
        const matches = glob.globSync(spec, { onlyFiles: true, expandDirectories: false, absolute: isAbsolute(spec) }).sort(oldestFirst);
        if (matches.length === 0) throw new LogsiftError(`no file matches the input pattern '${spec}'`);
        for (const path of matches) {
          const matchStats = statOrUndefined(path);
          if (matchStats) add(path, matchStats); // else: gone since the glob saw it
        }
      } else {
        statSync(spec); // throws the reason it cannot be read
      }
    } catch (error) {
      const unreadable = error instanceof UnreadableInput ? error : asUnreadable(spec, error);
      if (!isUnreadable(unreadable)) throw error;
      if (!options.skipUnreadable) throw unreadable;
      skipped.push({ path: unreadable.path, reason: unreadable.reason });
    }
  }
  return { specs, inputs, skipped };
}

/** Opens a regular file found by resolveInputs, with its size now. */
export function openFile(path: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw asUnreadable(path, error) ?? error;
  }
  return { fd, size: fstatSync(fd).size };
}

/** The first bytes of an open file (for compression and format detection). */
export function readHead(fd: number, size: number, bytes: number): Buffer {
  const head = Buffer.allocUnsafe(Math.min(bytes, size));
  let got = 0;
  while (got < head.length) {
    const n = readSync(fd, head, got, head.length - got, got);
    if (n === 0) break;
    got += n;
  }
  return head.subarray(0, got);
}

/** Reads into `buf` from `position` until it is full or the file ends; returns the bytes read. */
export function readInto(fd: number, buf: Buffer, position: number): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** Whether an error is the "cannot read this input" kind that --skip-unreadable may skip. */
export function isUnreadable(error: unknown): error is LogsiftError & { path: string; reason: string } {
  return error instanceof UnreadableInput;
}

/** An unreadable-input error for `path`: `reason` is short (for the skipped list), `message` the whole error. */
export function unreadable(path: string, reason: string, message?: string): LogsiftError {
  return new UnreadableInput(path, reason, message);
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A rotated file's place in its set: logrotate's `access.log.3.gz`, `access.log.2`, `access.log.1`, then
 * `access.log` (the higher the number, the older), or with `dateext` `access.log-20240501.gz` (dates ascend).
 * Reading a set oldest first keeps its lines in time order, so windows fold in one read.
 */
const ROTATED = /^(.*?)(?:\.(\d{1,7})|-(\d{8,10}))(?:\.(?:gz|bz2|zst|xz|lz4|z))?$/i;
function rotation(path: string): { base: string; age: number } {
  const match = ROTATED.exec(path);
  if (!match) return { base: path, age: Number.POSITIVE_INFINITY };
  return { base: match[1], age: match[2] !== undefined ? -Number(match[2]) : Number(match[3]) - 1e11 };
}

/** Paths by name, except that a rotated set comes oldest first (`.N.gz` ... `.1`, then the live file). */
export function oldestFirst(a: string, b: string): number {
  const x = rotation(a);
  const y = rotation(b);
  return byName(x.base, y.base) || (x.age === y.age ? byName(a, b) : x.age < y.age ? -1 : 1);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Regular files, FIFOs and devices directly inside a folder, by name; hidden ones (`.name`) left out. Each with
 * its path, what it is (a link followed), its name, and whether the entry is a symbolic link.
 */
function folderFiles(folder: string): Array<[string, Stats, string, boolean]> {
  const files: Array<[string, Stats, string, boolean]> = [];
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => oldestFirst(a.name, b.name));
  // join(folder, name) for every entry, made once: an entry's name holds no '/' and is neither . nor ..
  const prefix = join(folder, '_').slice(0, -1);
  for (const entry of entries) {
    const { name } = entry;
    if (name.startsWith('.')) continue;
    const path = prefix + name;
    const stats = statOrUndefined(path);
    if (stats && !stats.isDirectory()) files.push([path, stats, name, entry.isSymbolicLink()]);
  }
  return files;
}

/** The unreadable-input error for an error from the file system (ENOENT ...), or undefined for other errors. */
export function asUnreadable(path: string, error: unknown): LogsiftError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return new UnreadableInput(path, NOT_FOUND);
    case 'EACCES':
    case 'EPERM':
      return new UnreadableInput(path, 'permission denied');
    case 'ENOTDIR':
      return new UnreadableInput(path, 'a part of the path is not a folder');
    case 'ELOOP':
      return new UnreadableInput(path, 'too many symbolic links');
    case 'EIO':
      return new UnreadableInput(path, 'input/output error');
    default:
      return code ? new UnreadableInput(path, (error as Error).message) : undefined;
  }
}
