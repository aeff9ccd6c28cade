import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIZE_SLACK, ensureGenerated, ensureRepeated, isRightSize, pickGenerator, warmCache } from '../../bench/workload.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const quiet = (): void => {};

function withDir(body: (dir: string) => Promise<void> | void): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-workload-'));
    try {
      await body(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('isRightSize: genlog writes the size asked plus less than one line', () => {
  assert.ok(isRightSize(1000, 1000));
  assert.ok(isRightSize(1000 + 250, 1000));
  assert.ok(!isRightSize(999, 1000));
  assert.ok(!isRightSize(1000 + SIZE_SLACK, 1000));
});

test(
  'pickGenerator: the shared one beside the repo when present, else the own one',
  withDir((dir) => {
    const repo = join(dir, 'repo');
    mkdirSync(repo);
    assert.match(pickGenerator(repo, 'auto').name, /own/);
    assert.throws(() => pickGenerator(repo, 'shared'), /not there/);
    mkdirSync(join(dir, 'shared', 'tools'), { recursive: true });
    writeFileSync(join(dir, 'shared', 'tools', 'genlog.mjs'), '');
    assert.match(pickGenerator(repo, 'auto').name, /shared/);
    assert.equal(pickGenerator(repo, 'auto').argv[1], join(dir, 'shared', 'tools', 'genlog.mjs'));
    assert.match(pickGenerator(repo, 'own').name, /own/);
  }),
);

test(
  'ensureGenerated: generates once, then reuses; never overwrites a file it does not own',
  withDir(async (dir) => {
    const generator = pickGenerator(REPO_ROOT, 'own');
    const path = join(dir, 'sub', 'gen.log');
    const made = await ensureGenerated(path, 200_000, 7, generator, false, quiet);
    assert.ok(isRightSize(made.bytes, 200_000));
    assert.equal(statSync(path).size, made.bytes);
    assert.match(made.origin, /generated/);

    const before = statSync(path).mtimeMs;
    const again = await ensureGenerated(path, 200_000, 7, generator, false, quiet);
    assert.match(again.origin, /reused/);
    assert.equal(statSync(path).mtimeMs, before);

    writeFileSync(path, 'a user file of another size\n');
    await assert.rejects(ensureGenerated(path, 200_000, 7, generator, false, quiet), /not overwriting/);
    assert.equal(readFileSync(path, 'utf8'), 'a user file of another size\n');

    const replaced = await ensureGenerated(path, 200_000, 7, generator, true, quiet);
    assert.equal(replaced.bytes, made.bytes, 'same generator, size and seed: same file');
  }),
);

test(
  'ensureRepeated: N copies back to back, reused while whole',
  withDir((dir) => {
    const source = join(dir, 'one.log');
    writeFileSync(source, 'line 1\nline 2\n');
    const one = { path: source, bytes: statSync(source).size, origin: 'test' };
    const four = ensureRepeated(one, join(dir, 'four.log'), 4, quiet);
    assert.equal(readFileSync(four.path, 'utf8'), 'line 1\nline 2\n'.repeat(4));
    assert.equal(four.bytes, 4 * one.bytes);
    assert.match(ensureRepeated(one, join(dir, 'four.log'), 4, quiet).origin, /reused/);
    warmCache(four.path);
  }),
);
