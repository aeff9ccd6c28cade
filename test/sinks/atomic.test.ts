// sinks/atomic.ts: readers see the old file or the whole new one, never a half; nothing is left behind.

import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, readFileSync, rmSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { removePendingTempFiles, removeStaleTempFiles, tempPathFor, writeFileAtomic } from '../../src/sinks/atomic.js';
import { IS_ROOT, NOBODY } from '../support/cli.js';
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

describe('writeFileAtomic: nothing there is destroyed', () => {
  test('a replaced file keeps its mode (a 600 result stays 600) and, as root, its owner', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'out.csv');
      writeFileSync(path, 'old');
      chmodSync(path, 0o600);
      if (IS_ROOT) chownSync(path, NOBODY, NOBODY);
      writeFileAtomic(path, (fd) => writeSync(fd, 'new'));
      const stat = statSync(path);
      assert.equal(stat.mode & 0o7777, 0o600);
      if (IS_ROOT) assert.deepEqual([stat.uid, stat.gid], [NOBODY, NOBODY]);
      assert.equal(readFileSync(path, 'utf8'), 'new');
    });
  });

  test('a symlink is followed: its target is replaced, the link stays (a dangling one gets its target made)', async () => {
    await withTempDir((dir) => {
      writeFileSync(join(dir, 'real.csv'), 'old');
      symlinkSync('real.csv', join(dir, 'link.csv'));
      writeFileAtomic(join(dir, 'link.csv'), (fd) => writeSync(fd, 'new'));
      assert.equal(readlinkSync(join(dir, 'link.csv')), 'real.csv');
      assert.equal(readFileSync(join(dir, 'real.csv'), 'utf8'), 'new');
      symlinkSync('later.csv', join(dir, 'dangling.csv'));
      writeFileAtomic(join(dir, 'dangling.csv'), (fd) => writeSync(fd, 'made'));
      assert.equal(readlinkSync(join(dir, 'dangling.csv')), 'later.csv');
      assert.equal(readFileSync(join(dir, 'later.csv'), 'utf8'), 'made');
      assert.deepEqual(readdirSync(dir).sort(), ['dangling.csv', 'later.csv', 'link.csv', 'real.csv']);
    });
  });

  test('/dev/null is written through, not replaced', () => {
    const before = statSync('/dev/null');
    writeFileAtomic('/dev/null', (fd) => writeSync(fd, 'discarded'));
    const after = statSync('/dev/null');
    assert.ok(after.isCharacterDevice());
    assert.equal(after.ino, before.ino);
  });

  test('a regular file under /dev/shm is still replaced atomically (only descriptors and devices are written through)', { skip: existsSync('/dev/shm') ? false : 'no /dev/shm here' }, () => {
    const path = `/dev/shm/logsift-atomic-test-${process.pid}.csv`;
    try {
      writeFileSync(path, 'old');
      const before = statSync(path).ino;
      writeFileAtomic(path, (fd) => writeSync(fd, 'new'));
      assert.equal(readFileSync(path, 'utf8'), 'new');
      assert.notEqual(statSync(path).ino, before, 'a new file renamed over the old one');
    } finally {
      rmSync(path, { force: true });
    }
  });

  test('/dev/full says no space left', () => {
    assert.throws(() => writeFileAtomic('/dev/full', (fd) => writeSync(fd, 'x')), { code: 'ENOSPC' });
    assert.ok(statSync('/dev/full').isCharacterDevice());
  });

  test('output names of 233 to 255 bytes work (the temp name stays within NAME_MAX), multibyte ones too', async () => {
    await withTempDir((dir) => {
      for (const name of [...[233, 240, 250, 255].map((n) => 'a'.repeat(n)), 'é'.repeat(127)]) {
        const path = join(dir, name);
        assert.ok(Buffer.byteLength(name) <= 255);
        writeFileAtomic(path, (fd) => {
          assert.ok(Buffer.byteLength(readdirSync(dir).find((n) => n.endsWith('.tmp'))!) <= 255);
          writeSync(fd, name);
        });
        assert.equal(readFileSync(path, 'utf8'), name);
      }
      assert.equal(readdirSync(dir).filter((n) => n.endsWith('.tmp')).length, 0);
    });
  });

  test('temp files of dead runs (kill -9 mid-save) are removed by the next save of that output; live ones and others stay', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'out.csv');
      const dead = tempPathFor(path, 4_000_000); // no such process
      const live = tempPathFor(path, process.ppid);
      const other = tempPathFor(join(dir, 'other.csv'), 4_000_000);
      for (const temp of [dead, live, other]) writeFileSync(temp, 'tens of MB, once');
      assert.deepEqual(removeStaleTempFiles(path), [dead]);
      writeFileSync(dead, 'again');
      writeFileAtomic(path, (fd) => writeSync(fd, 'new'));
      assert.deepEqual(readdirSync(dir).sort(), [live, other].map((p) => p.slice(dir.length + 1)).concat('out.csv').sort());
    });
  });
});
