// The printout names the time the log covers, and a --since/--until that misses it says both spans.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { withTempDir } from '../support/files.js';
import { REPO_ROOT } from '../support/paths.js';

const SAMPLE = join(REPO_ROOT, 'data', 'sample.log');
const COVERS = '2024-05-01T00:00:00+00:00 to 2024-05-01T00:03:47+00:00';

describe('the time the log covers', () => {
  test('is in the summary', async () => {
    await withTempDir(async (dir) => {
      const run = await runCli([SAMPLE, '-o', join(dir, 'out.csv')]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /log covers +2024-05-01T00:00:00\+00:00 to 2024-05-01T00:03:47\+00:00/);
    });
  });

  test('and in the warning when the span given holds no entry, beside the span given', async () => {
    await withTempDir(async (dir) => {
      const run = await runCli([SAMPLE, '-o', join(dir, 'out.csv'), '--since', '2024-05-01T02:00:00']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /warning: no entry is in the span given \(since 2024-05-01T02:00:00\)/);
      assert.ok(run.stderr.includes(`the log covers ${COVERS}`), run.stderr);
    });
  });
});
