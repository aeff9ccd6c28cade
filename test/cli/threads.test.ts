// cli/threads.ts: what the arguments say, before the command line loads, about how many producers to start.

import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { earlyStart, inputsFromArgs, threadsFromArgs } from '../../src/cli/threads.js';
import { withTempDir } from '../support/files.js';
import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

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

test('inputsFromArgs reads --input as commander will (variadic, - for stdin), else the default', () => {
  assert.deepEqual(inputsFromArgs([]), ['./data/sample.log']);
  assert.deepEqual(inputsFromArgs(['--input', 'a.log', 'b.log', '--threads', '2']), ['a.log', 'b.log']);
  assert.deepEqual(inputsFromArgs(['-i', '-']), ['-']);
  assert.deepEqual(inputsFromArgs(['--input=x.log']), ['x.log']);
  assert.deepEqual(inputsFromArgs(['-i', 'a', '--output', 'o.csv', '-i', 'c']), ['c']);
  // Positional inputs, not the values of flags.
  assert.deepEqual(inputsFromArgs(['a.log', '--output', 'o.csv', '-q', 'b.log']), ['a.log', 'b.log']);
  assert.deepEqual(inputsFromArgs(['--threads', '2', '--', '-odd.log']), ['-odd.log']);
});

test('earlyStart: no more than the cores, nor than the ranges of one small file; none for --help', async () => {
  await withTempDir((dir) => {
    const small = join(dir, 'small.log');
    writeFileSync(small, 'x\n'.repeat(1000));
    assert.equal(earlyStart(['--input', small, '--threads', '8']).producers, 1);
    assert.equal(earlyStart(['--input', join(dir, 'missing.log'), '--threads', '1']).producers, 1);
    symlinkSync('loop.log', join(dir, 'loop.log'));
    assert.equal(earlyStart(['--input', join(dir, 'loop.log'), '--threads', '1']).producers, 1); // ELOOP: the run reports it
    assert.equal(earlyStart(['--input', 'logs/*.log', '--threads', '64']).producers, availableParallelism());
    assert.equal(earlyStart(['--help']).producers, 0);
  });
});

test('earlyStart: one compressed file is one producer, which starts its inflate thread for gzip; a FIFO is not opened', async () => {
  await withTempDir((dir) => {
    const text = 'x\n'.repeat(100_000);
    const gz = join(dir, 'access.log.1'); // told by its bytes, never its name
    writeFileSync(gz, gzipSync(text));
    const zst = join(dir, 'access.zst');
    writeFileSync(zst, Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0, 0, 0]));
    const plain = join(dir, 'plain.log');
    writeFileSync(plain, text.repeat(20));
    const aside = availableParallelism() > 1;
    assert.deepEqual(earlyStart(['--input', gz, '--threads', '4']), { producers: 1, inflateAside: aside });
    assert.deepEqual(earlyStart(['--input', gz, '--threads', '1']), { producers: 1, inflateAside: aside });
    assert.deepEqual(earlyStart(['--input', zst, '--threads', '4']), { producers: 1, inflateAside: false });
    assert.equal(earlyStart(['--input', plain, '--threads', '4']).inflateAside, false);
    assert.deepEqual(earlyStart(['--input', gz, join(dir, 'b.gz')]), { producers: availableParallelism(), inflateAside: false });
    // A FIFO with no writer: opening it would block; it is only looked at.
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    assert.deepEqual(earlyStart(['--input', fifo, '--threads', '1']), { producers: 1, inflateAside: false });
  });
});
