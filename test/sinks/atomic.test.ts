// sinks/atomic.ts: readers see the old file or the whole new one, never a half; nothing is left behind.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { removePendingTempFiles, writeFileAtomic } from '../../src/sinks/atomic.js';
import { withTempDir } from '../support/files.js';

describe('writeFileAtomic', () => {
  test('creates the file and its parent folders', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'a', 'b', 'c.csv');
      writeFileAtomic(path, (fd) => writeSync(fd, 'hello\n'));
      assert.equal(readFileSync(path, 'utf8'), 'hello\n');
      assert.deepEqual(readdirSync(join(dir, 'a', 'b')), ['c.csv']);
    });
  });

  test('writes to a temp file in the same folder, then replaces the target whole', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'out.csv');
      writeFileSync(path, 'old');
      writeFileAtomic(path, (fd) => {
        writeSync(fd, 'new, part 1;');
        // Midway, the target still holds the old content and the new one is a temp file beside it.
        assert.equal(readFileSync(path, 'utf8'), 'old');
        const others = readdirSync(dir).filter((name) => name !== 'out.csv');
        assert.equal(others.length, 1);
        assert.match(others[0], /^\.out\.csv\..*\.tmp$/);
        writeSync(fd, ' part 2');
      });
      assert.equal(readFileSync(path, 'utf8'), 'new, part 1; part 2');
      assert.deepEqual(readdirSync(dir), ['out.csv']);
    });
  });

  test('a write that fails leaves the old file untouched and no temp file', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'out.csv');
      writeFileSync(path, 'old');
      assert.throws(
        () =>
          writeFileAtomic(path, (fd) => {
            writeSync(fd, 'half');
            throw new Error('disk on fire');
          }),
        /disk on fire/,
      );
      assert.equal(readFileSync(path, 'utf8'), 'old');
      assert.deepEqual(readdirSync(dir), ['out.csv']);
    });
  });

  test('removePendingTempFiles (the Ctrl-C handler) removes the temp file of a write under way', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'out.csv');
      writeFileSync(path, 'old');
      assert.throws(() =>
        writeFileAtomic(path, (fd) => {
          writeSync(fd, 'half');
          removePendingTempFiles();
          assert.deepEqual(readdirSync(dir), ['out.csv']);
          throw new Error('interrupted'); // process.exit would stop here
        }),
      );
      assert.equal(readFileSync(path, 'utf8'), 'old');
      assert.deepEqual(readdirSync(dir), ['out.csv']);
    });
  });

  test('a target that is a folder fails and leaves nothing behind', async () => {
    await withTempDir((dir) => {
      assert.throws(() => writeFileAtomic(dir, (fd) => writeSync(fd, 'x')));
      assert.deepEqual(readdirSync(dir), []);
    });
  });
});
