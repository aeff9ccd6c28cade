// Which files a worker may read: only those under its --root folders (default: the folder it was started
// in). A job names a path; the path is resolved first (symlinks and `..` followed, by realpath) and must then
// lie inside a root, itself resolved the same way. Anything else is refused, so a job cannot make a worker read
// /etc/shadow or follow a link out of the shared volume.

import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { LogsiftError } from '../base/errors.js';

/** The roots, resolved; a root that is missing or not a folder is a LogsiftError at start-up. */
export function resolveRoots(roots: readonly string[]): string[] {
  return roots.map((root) => {
    let real: string;
    try {
      real = realpathSync(resolve(root));
    } catch {
      throw new LogsiftError(`--root ${root} does not exist`);
    }
    if (!statSync(real).isDirectory()) throw new LogsiftError(`--root ${root} is not a folder`);
    return real;
  });
}

/** The resolved path of `path` when it lies under one of `roots`; a LogsiftError otherwise. */
export function pathUnderRoots(path: string, roots: readonly string[]): string {
  if (!isAbsolute(path)) throw new LogsiftError(`job path is not absolute: ${JSON.stringify(path)}`);
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    throw new LogsiftError(`cannot open ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  for (const root of roots) {
    const within = relative(root, real);
    if (within === '' || (!within.startsWith(`..${sep}`) && within !== '..' && !isAbsolute(within))) return real;
  }
  throw new LogsiftError(`refused ${path}: outside this worker's --root (${roots.join(', ')})`);
}
