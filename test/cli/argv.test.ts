// cli/argv.ts: aliases replaced, list flags' words told apart from positional inputs, positionals moved last.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { arrangeArgs, type FlagShape } from '../../src/cli/argv.js';
import { withTempDir } from '../support/files.js';

const FLAGS: FlagShape[] = [
  { long: '--input', short: '-i', takesValue: true, variadic: true },
  { long: '--errorcodes', short: '-e', takesValue: true, variadic: true },
  { long: '--by', takesValue: true, variadic: true },
  { long: '--exclude-ip', takesValue: true, variadic: true },
  { long: '--threshold', takesValue: true, variadic: false },
  { long: '--quiet', short: '-q', takesValue: false, variadic: false },
];

test('positional words go after --, flags keep their values', () => {
  assert.deepEqual(arrangeArgs(['a.log', '--threshold', '5', 'b.log', '-q'], FLAGS), ['--threshold', '5', '-q', '--', 'a.log', 'b.log']);
  assert.deepEqual(arrangeArgs(['--threshold', '5'], FLAGS), ['--threshold', '5']);
  assert.deepEqual(arrangeArgs(['-', '--', '-odd-name.log'], FLAGS), ['--', '-', '-odd-name.log']);
});

test('--error-codes is --errorcodes, also with =', () => {
  assert.deepEqual(arrangeArgs(['--error-codes', '404', '500'], FLAGS), ['--errorcodes', '404', '500']);
  assert.deepEqual(arrangeArgs(['--error-codes=404,500'], FLAGS), ['--errorcodes=404,500']);
});

test('a list flag stops at a word that is a file, a path or a glob: that is an input', async () => {
  await withTempDir((dir) => {
    const log = join(dir, 'access.log');
    writeFileSync(log, '');
    const here = process.cwd();
    process.chdir(dir);
    try {
      assert.deepEqual(arrangeArgs(['--errorcodes', '404', '500', 'access.log'], FLAGS), ['--errorcodes', '404', '500', '--', 'access.log']);
      assert.deepEqual(arrangeArgs(['--by', 'ip', 'path', 'logs/x.log'], FLAGS), ['--by', 'ip', 'path', '--', 'logs/x.log']);
      assert.deepEqual(arrangeArgs(['--by', 'path', 'access.log*'], FLAGS), ['--by', 'path', '--', 'access.log*']);
      assert.deepEqual(arrangeArgs(['--exclude-ip', '10.0.0.0/8', '::1', 'access.log'], FLAGS), ['--exclude-ip', '10.0.0.0/8', '::1', '--', 'access.log']);
      // --input takes every word; the first word after a list flag is always its own (so a bad one is named).
      assert.deepEqual(arrangeArgs(['--input', 'access.log', 'x.log'], FLAGS), ['--input', 'access.log', 'x.log']);
      assert.deepEqual(arrangeArgs(['--errorcodes', 'access.log'], FLAGS), ['--errorcodes', 'access.log']);
      // A word that is not a file stays with the flag, so that a bad code is reported as one.
      assert.deepEqual(arrangeArgs(['--errorcodes', '400', 'x401'], FLAGS), ['--errorcodes', '400', 'x401']);
    } finally {
      process.chdir(here);
    }
  });
});
