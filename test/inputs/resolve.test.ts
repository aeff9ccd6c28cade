// Resolving --input specs: files, folders, globs, stdin, and the errors (or skips) for inputs that cannot be read.

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { oldestFirst, resolveInputs, STDIN } from '../../src/inputs/resolve.js';
import { LogsiftError } from '../../src/base/errors.js';

let dir: string;
const at = (...parts: string[]): string => join(dir, ...parts);
/** A logrotate set, oldest first: the higher the number, the older; the live file last. */
const ROTATED_OLDEST_FIRST = ['access.log.10', 'access.log.2.gz', 'access.log.1', 'access.log'];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logsift-inputs-'));
  mkdirSync(at('logs', 'old'), { recursive: true });
  for (const name of ['access.log', 'access.log.1', 'access.log.10', 'access.log.2.gz', 'error.log', '.hidden']) {
    writeFileSync(at('logs', name), name);
  }
  writeFileSync(at('logs', 'old', 'access.log.9'), 'old');
  mkdirSync(at('empty'));
  symlinkSync(at('logs', 'access.log'), at('link.log'));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const paths = async (specs: string[], skipUnreadable = false): Promise<string[]> =>
  (await resolveInputs(specs, { skipUnreadable })).inputs.map((input) => input.path);

describe('resolveInputs', () => {
  test('a file is one input with its size and which file it is (through a link: its target)', async () => {
    const { dev, ino } = statSync(at('logs', 'error.log'));
    assert.deepEqual((await resolveInputs([at('logs', 'error.log')])).inputs, [
      { kind: 'file', path: at('logs', 'error.log'), size: 9, file: { dev, ino } },
    ]);
    const target = statSync(at('logs', 'access.log'));
    assert.deepEqual((await resolveInputs([at('link.log')])).inputs[0].file, { dev: target.dev, ino: target.ino });
  });

  test('a folder gives its regular files by name (a rotated set oldest first), without hidden files or sub-folders', async () => {
    assert.deepEqual(
      await paths([at('logs')]),
      [...ROTATED_OLDEST_FIRST, 'error.log'].map((name) => at('logs', name)),
    );
  });

  test("a folder's files are named as path.join names them, however the folder is written", async () => {
    const names = [...ROTATED_OLDEST_FIRST, 'error.log'];
    for (const folder of [`${at('logs')}/`, `${at('logs')}//`, at('logs', 'old', '..'), relative(process.cwd(), at('logs')), `./${relative(process.cwd(), at('logs'))}/`]) {
      assert.deepEqual(await paths([folder]), names.map((name) => join(folder, name)), folder);
    }
  });

  test('a glob is expanded by logsift, a rotated set oldest first', async () => {
    assert.deepEqual(
      await paths([at('logs', 'access.log*')]),
      ROTATED_OLDEST_FIRST.map((name) => at('logs', name)),
    );
    assert.deepEqual(await paths([at('logs', '**', '*.log.9')]), [at('logs', 'old', 'access.log.9')]);
  });

  test('specs keep their order; a file named twice (even through a link) is read once', async () => {
    assert.deepEqual(await paths([at('logs', 'error.log'), at('logs', 'access.log*'), at('link.log'), at('logs')]), [
      at('logs', 'error.log'),
      ...ROTATED_OLDEST_FIRST.map((name) => at('logs', name)),
    ]);
  });

  test("a folder's entries are one with the same files named otherwise: through a linked folder, a link inside, a relative path", async () => {
    const links = mkdtempSync(join(tmpdir(), 'logsift-links-'));
    try {
      symlinkSync(at('logs'), join(links, 'logs-link'));
      mkdirSync(join(links, 'mixed'));
      symlinkSync(at('logs', 'error.log'), join(links, 'mixed', 'a-link.log'));
      writeFileSync(join(links, 'mixed', 'own.log'), 'own');
      // The folder through a link, then the real one: each file once, under the first name met.
      assert.deepEqual(await paths([join(links, 'logs-link'), at('logs')]), [...ROTATED_OLDEST_FIRST, 'error.log'].map((name) => join(links, 'logs-link', name)));
      // A link inside a folder is the file it points to; a relative folder path is the same folder.
      const relativeFolder = relative(process.cwd(), join(links, 'mixed'));
      assert.deepEqual(await paths([at('logs', 'error.log'), relativeFolder, join(links, 'mixed', 'own.log')]), [at('logs', 'error.log'), join(relativeFolder, 'own.log')]);
    } finally {
      rmSync(links, { recursive: true, force: true });
    }
  });

  test('- is stdin, read as a pipe; twice is an error', async () => {
    assert.deepEqual((await resolveInputs([STDIN])).inputs, [{ kind: 'pipe', path: STDIN }]);
    await assert.rejects(resolveInputs([STDIN, STDIN]), /stdin .* more than once/);
  });

  test('a glob that matches nothing is an error naming the pattern', async () => {
    const pattern = at('logs', 'nothing*.log');
    await assert.rejects(
      resolveInputs([at('logs', 'error.log'), pattern]),
      (error: Error) => error instanceof LogsiftError && error.message === `no file matches the input pattern '${pattern}'`,
    );
  });

  test('an empty folder is an error', async () => {
    await assert.rejects(resolveInputs([at('empty')]), /input folder has no files: .*empty/);
  });

  test('a missing file among many is an error naming it', async () => {
    await assert.rejects(
      resolveInputs([at('logs', 'error.log'), at('missing.log'), at('logs', 'access.log')]),
      (error: Error) => error instanceof LogsiftError && error.message === `input file not found: ${at('missing.log')}`,
    );
  });

  test('skipUnreadable lists a missing file and goes on', async () => {
    const { inputs, skipped } = await resolveInputs([at('missing.log'), at('logs', 'error.log')], { skipUnreadable: true });
    assert.deepEqual(inputs.map((input) => input.path), [at('logs', 'error.log')]);
    assert.deepEqual(skipped, [{ path: at('missing.log'), reason: 'not found' }]);
  });

  test('a file without read permission is unreadable (when not root: root reads anything)', async (t) => {
    if (process.getuid?.() === 0) return t.skip('running as root');
    const locked = at('locked.log');
    writeFileSync(locked, 'x\n');
    chmodSync(locked, 0o000);
    const { analyze } = await import('../../src/engine/analyze.js');
    await assert.rejects(analyze({ input: [at('logs', 'error.log'), locked] }), { message: `cannot read input (permission denied): ${locked}` });
    const result = await analyze({ input: [at('logs', 'error.log'), locked], skipUnreadable: true });
    assert.deepEqual(result.summary.skippedInputs, [{ path: locked, reason: 'permission denied' }]);
  });

  test('a path under a file is unreadable, not a crash', async () => {
    await assert.rejects(resolveInputs([at('logs', 'error.log', 'x')]), /cannot read input .*: .*error\.log.x/);
  });

  test('no input at all is an error', async () => {
    await assert.rejects(resolveInputs([]), /no input given/);
  });
});

describe('oldestFirst', () => {
  test('logrotate numbers (compressed or not) before the live file, dateext dates ascending, other names by name', () => {
    const names = ['b.log', 'access.log', 'access.log.1', 'access.log.3.gz', 'access.log.2.zst', 'a.log', 'x/access.log-20240502.gz', 'x/access.log-20240501', 'x/access.log'];
    assert.deepEqual([...names].sort(oldestFirst), [
      'a.log',
      'access.log.3.gz',
      'access.log.2.zst',
      'access.log.1',
      'access.log',
      'b.log',
      'x/access.log-20240501',
      'x/access.log-20240502.gz',
      'x/access.log',
    ]);
  });
});
