// cli/threads.ts: the thread count read from the arguments before the command line loads (to start producers).

import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { threadsFromArgs } from '../../src/cli/threads.js';

test('threadsFromArgs reads --threads as commander will: every spelling, the last one wins', () => {
  assert.equal(threadsFromArgs([]), availableParallelism());
  assert.equal(threadsFromArgs(['--input', 'a.log']), availableParallelism());
  assert.equal(threadsFromArgs(['--threads', '3']), 3);
  assert.equal(threadsFromArgs(['--threads=5']), 5);
  assert.equal(threadsFromArgs(['-t', '7']), 7);
  assert.equal(threadsFromArgs(['-t12']), 12);
  assert.equal(threadsFromArgs(['--threads', '3', '--input', 'x', '-t', '4']), 4);
  assert.equal(threadsFromArgs(['--input', 'x', '--', '--threads', '9']), availableParallelism());
});

test('threadsFromArgs gives nothing for help, version or a count the full parse will refuse', () => {
  for (const args of [['--help'], ['-h'], ['--version'], ['-V'], ['--threads', '0'], ['--threads', 'many'], ['--threads'], ['-t', '-1']]) {
    assert.equal(threadsFromArgs(args), undefined, args.join(' '));
  }
});
