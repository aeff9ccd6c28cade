// The command line as shipped (scripts/bundle.mjs): its producers and its consumer find the WebAssembly kernel
// through relative URLs that hold only at the bundle's depth. A wrong path would not fail a run: it would run
// the JS parser with the same results, slower. So the trace is read for the kernel, on both sides.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
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
});
