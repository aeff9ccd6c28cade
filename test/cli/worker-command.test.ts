// cli/worker-command.ts: `logsift worker`'s help and its usage errors (one line, exit 1). Its work with a
// Redis server is tested in test/cluster/worker.test.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';

test('logsift worker --help names every flag and the shared-volume rule', async () => {
  const run = await runCli(['worker', '--help']);
  assert.equal(run.code, 0);
  for (const flag of ['--redis', '--threads', '--concurrency', '--root', '--lock-ms']) assert.match(run.stdout, new RegExp(flag));
  assert.match(run.stdout, /same absolute path/);
});

test('usage errors are one line, exit 1', async () => {
  for (const args of [['worker', '--threads', '0', '--redis', 'redis://x'], ['worker', '--bogus'], ['worker', '--redis', 'ftp://x'], ['worker', '--redis', 'redis://127.0.0.1:1', '--root', '/nonexistent-root']]) {
    const run = await runCli(args);
    assert.equal(run.code, 1, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, /^logsift: [^\n]+\n$/, JSON.stringify(run.stderr));
  }
});
