// cluster/file-identity.ts: the same file has the same identity; a change of size, mtime, or of a byte in its
// first or last 4 KiB is seen and named.

import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileIdentity, identityDifference } from '../../src/cluster/file-identity.js';
import { withTempDir } from '../support/files.js';

test('size, mtime and the edges of the file', () =>
  withTempDir((dir) => {
    const path = join(dir, 'a.log');
    const content = Buffer.alloc(20000, 'a');
    const write = (bytes: Buffer): void => {
      writeFileSync(path, bytes);
      utimesSync(path, 1_700_000_000, 1_700_000_000);
    };
    write(content);
    const planned = fileIdentity(path);
    assert.equal(identityDifference(planned, fileIdentity(path)), undefined);
    for (const [at, what] of [[10, /first or last 4 KiB/], [19990, /first or last 4 KiB/]] as const) {
      const changed = Buffer.from(content);
      changed[at] = 0x62;
      write(changed);
      assert.match(identityDifference(planned, fileIdentity(path)) ?? '', what);
    }
    write(Buffer.concat([content, Buffer.from('x')]));
    assert.match(identityDifference(planned, fileIdentity(path)) ?? '', /^size 20001 bytes, expected 20000$/);
    writeFileSync(path, content);
    utimesSync(path, 1_700_000_001, 1_700_000_001);
    assert.match(identityDifference(planned, fileIdentity(path)) ?? '', /^modified /);
    writeFileSync(path, 'tiny');
    assert.equal(identityDifference(fileIdentity(path), fileIdentity(path)), undefined, 'a file under 4 KiB is hashed whole');
  }));
