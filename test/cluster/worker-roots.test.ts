// cluster/worker-roots.ts: a worker reads only under its --root folders, with symlinks and `..` resolved first.

import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathUnderRoots, resolveRoots } from '../../src/cluster/worker-roots.js';
import { withTempDir } from '../support/files.js';

test('inside a root: allowed (resolved); outside, by `..`, by a symlink, or a sibling with the same prefix: refused', () =>
  withTempDir((dir) => {
    const root = join(dir, 'logs');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(join(dir, 'logs-other'));
    writeFileSync(join(root, 'sub', 'a.log'), 'x');
    writeFileSync(join(dir, 'secret'), 'x');
    writeFileSync(join(dir, 'logs-other', 'b.log'), 'x');
    symlinkSync(join(dir, 'secret'), join(root, 'escape.log'));
    symlinkSync(join(root, 'sub', 'a.log'), join(dir, 'in.log'));
    const roots = resolveRoots([root]);
    assert.equal(pathUnderRoots(join(root, 'sub', 'a.log'), roots), realpathSync(join(root, 'sub', 'a.log')));
    assert.equal(pathUnderRoots(join(root, 'sub', '..', 'sub', 'a.log'), roots), realpathSync(join(root, 'sub', 'a.log')));
    assert.equal(pathUnderRoots(join(dir, 'in.log'), roots), realpathSync(join(root, 'sub', 'a.log')), 'a link into a root is its target');
    for (const path of [join(dir, 'secret'), join(root, '..', 'secret'), join(root, 'escape.log'), join(dir, 'logs-other', 'b.log'), '/etc/passwd']) {
      assert.throws(() => pathUnderRoots(path, roots), /outside this worker's --root/, path);
    }
    assert.throws(() => pathUnderRoots('logs/sub/a.log', roots), /not absolute/);
    assert.throws(() => pathUnderRoots(join(root, 'missing.log'), roots), /cannot open/);
    assert.throws(() => resolveRoots([join(dir, 'nope')]), /does not exist/);
    assert.throws(() => resolveRoots([join(dir, 'secret')]), /not a folder/);
  }));

test('the root / allows every file', () =>
  withTempDir((dir) => {
    writeFileSync(join(dir, 'a.log'), 'x');
    assert.equal(pathUnderRoots(join(dir, 'a.log'), resolveRoots(['/'])), realpathSync(join(dir, 'a.log')));
  }));
