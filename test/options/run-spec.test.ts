// options/run-spec.ts: the checks that turn what users set into the run spec; here the thread cap.

import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { maxThreads, resolveOptions } from '../../src/options/run-spec.js';
import { analyzeContent } from '../support/files.js';

test('a thread count beyond a sane multiple of the cores is capped, with a warning, and the result is the same', async () => {
  assert.equal(maxThreads(), Math.max(16, 4 * availableParallelism()));
  const spec = resolveOptions({ input: 'x.log', threads: 1_000_000 });
  assert.equal(spec.threads, maxThreads());
  assert.match(spec.warnings[0], new RegExp(`^--threads 1000000 capped at ${maxThreads()} \\(4 per core`));
  assert.deepEqual(resolveOptions({ input: 'x.log', threads: maxThreads() }).warnings, []);

  const log = '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 404 1\n';
  const capped = await analyzeContent(log.repeat(50), { threads: 1_000_000, threshold: 1, rangeBytes: 100 });
  const plain = await analyzeContent(log.repeat(50), { threads: 1, threshold: 1 });
  assert.equal(capped.csv, plain.csv);
  assert.equal(capped.result.summary.threads, maxThreads());
  assert.match(capped.result.summary.warnings[0], /capped/);
});
