// The command line as shipped (scripts/bundle.mjs): its producers and its consumer find the WebAssembly kernel
// through relative URLs that hold only at the bundle's depth. A wrong path would not fail a run: it would run
// the JS parser with the same results, slower. So the trace is read for the kernel, on both sides.

import assert from 'node:assert/strict';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { runCli, runNode } from '../support/cli.js';
import { REPO_ROOT } from '../support/paths.js';
import { withTempDir } from '../support/files.js';

describe('the bundled command line', () => {
  test('loads the kernel in its producer threads and in its consumer', async () => {
    await withTempDir(async (dir) => {
      const run = await runCli(['--input', join(REPO_ROOT, 'data', 'sample.log'), '--output', join(dir, 'out.csv'), '--threads', '2'], {
        env: { LOGSIFT_TRACE: '1' },
      });
      assert.equal(run.code, 0, run.stderr);
      const loaded = run.stderr.split('\n').filter((line) => /^logsift-trace .* kernel loaded$/.test(line));
      assert.ok(!/no kernel/.test(run.stderr), run.stderr);
      assert.ok(loaded.some((line) => / main /.test(line)), `the consumer did not load the kernel:\n${run.stderr}`);
      assert.ok(loaded.some((line) => / w\d+ /.test(line)), `no producer loaded the kernel:\n${run.stderr}`);
    });
  });

  test('runs the command line from the code cache the build made', async () => {
    await withTempDir(async (dir) => {
      const run = await runCli(['--input', join(REPO_ROOT, 'data', 'sample.log'), '--output', join(dir, 'out.csv'), '--top', '0'], {
        env: { LOGSIFT_TRACE: '1' },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^logsift-trace .* main code cache used$/m);
    });
  });

  test("reads gzip from the cached scripts: Node's modules they load late come by require, not import()", async () => {
    await withTempDir(async (dir) => {
      const log = join(dir, 'sample.log.gz');
      writeFileSync(log, gzipSync(readFileSync(join(REPO_ROOT, 'data', 'sample.log'))));
      const run = await runCli(['--input', log, '--output', join(dir, 'out.csv'), '--top', '0', '--threads', '1'], { env: { LOGSIFT_TRACE: '1' } });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^logsift-trace .* w\d+ +code cache used$/m);
      assert.doesNotMatch(run.stderr, /Warning/);
    });
  });

  test('a code cache that does not fit is refused, and the run is the same', async () => {
    await withTempDir(async (dir) => {
      // The shipped layout (the bundle's relative URLs), with a cache of the right size and wrong bytes.
      const copy = join(dir, 'copy');
      for (const part of [join('dist', 'bundle'), join('dist', 'kernel')]) cpSync(join(REPO_ROOT, part), join(copy, part), { recursive: true });
      cpSync(join(REPO_ROOT, 'package.json'), join(copy, 'package.json'));
      symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'));
      const cache = join(copy, 'dist', 'bundle', 'cli', 'logsift.cjs.cache');
      writeFileSync(cache, Buffer.alloc(readFileSync(cache).length, 7));
      const args = (out: string) => ['--input', join(REPO_ROOT, 'data', 'sample.log'), '--output', join(dir, out), '--top', '0', '--threads', '2'];
      const refused = await runNode([join(copy, 'dist', 'bundle', 'cli', 'logsift.js'), ...args('refused.csv')], { env: { LOGSIFT_TRACE: '1' } });
      assert.equal(refused.code, 0, refused.stderr);
      assert.match(refused.stderr, /^logsift-trace .* main code cache refused$/m);
      assert.match(refused.stderr, / w\d+ +kernel loaded$/m);
      const used = await runCli(args('used.csv'));
      assert.equal(used.code, 0, used.stderr);
      assert.deepEqual(readFileSync(join(dir, 'refused.csv')), readFileSync(join(dir, 'used.csv')));
    });
  });
});
