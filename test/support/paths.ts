// Where things are, from a compiled test (dist/test/...): the repo root, the built CLI, the shared real logs.

import { dirname, join, resolve } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('tests must run inside the logsift repository');
    dir = up;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot();
/** The command line as shipped: the bundle (scripts/bundle.mjs). */
export const CLI_PATH = join(REPO_ROOT, 'dist', 'bundle', 'cli', 'logsift.js');
/** Real logs shared by the team (see SOURCES.md there); read-only. */
export const REAL_LOGS = resolve(REPO_ROOT, '..', 'shared', 'data', 'real');
export const GENLOG = resolve(REPO_ROOT, '..', 'shared', 'tools', 'genlog.mjs');

export const REAL = {
  apache: join(REAL_LOGS, 'apache_combined_semicomplete_2015_elastic.log'),
  nasa: join(REAL_LOGS, 'clf_nasa_ksc_aug1995_first20k.log'),
  nginx: join(REAL_LOGS, 'nginx_combined_factweavers_2020.log'),
  iis: join(REAL_LOGS, 'iis_w3c_knowit_u_ex151020.log'),
  vhostXff: join(REAL_LOGS, 'nginx_vhost_xff_beats_test-with-host.log'),
  apacheMixed: join(REAL_LOGS, 'apache_mixed_probes_elastic_integrations.log'),
  oracleW3c: join(REAL_LOGS, 'w3c_oracle_webcache_lnav.log'),
} as const;

/** Whether the shared real logs are here (they are in CI; a fresh clone on its own has no `../shared`). */
export const HAVE_REAL_LOGS = existsSync(join(REAL_LOGS, 'SOURCES.md'));
export const HAVE_GENLOG = existsSync(GENLOG);

/**
 * For `test(name, NEEDS_REAL_LOGS, fn)` / `describe(...)`: skipped, saying why, where `../shared` is absent.
 */
export const NEEDS_REAL_LOGS = { skip: HAVE_REAL_LOGS ? false : `needs the shared real logs in ${REAL_LOGS}, absent here` } as const;
export const NEEDS_GENLOG = { skip: HAVE_GENLOG ? false : `needs the shared generator ${GENLOG}, absent here` } as const;

/** A real log's bytes, read at module load; empty where `../shared` is absent (the tests using it then skip). */
export function readRealLog(path: string | URL): Buffer {
  return HAVE_REAL_LOGS ? readFileSync(path) : Buffer.alloc(0);
}

/** Test options for a test reading `path`: skipped, saying why, when it is a shared real log and those are absent. */
export function needsInput(path: string): { readonly skip: string | false } {
  return path.startsWith(REAL_LOGS) ? NEEDS_REAL_LOGS : { skip: false };
}
