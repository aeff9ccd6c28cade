import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DIR, buildBenchProgram, parseBenchArgs } from '../../bench/options.js';

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
  parseBenchArgs(argv, env, buildBenchProgram().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} }));

test('no flags: the main case, 1 GiB generated in /tmp/logsift-bench, seed 7', () => {
  const options = parse([]);
  assert.deepEqual(options.modes, ['main']);
  assert.equal(options.rounds, undefined);
  assert.equal(options.bytes, undefined);
  assert.equal(options.input, undefined);
  assert.equal(options.seed, 7);
  assert.equal(options.dir, DEFAULT_DIR);
  assert.equal(options.generator, 'auto');
  assert.equal(options.peak, 'auto');
});

test('flags and environment', () => {
  const options = parse(['--rounds', '2', '--bytes', '32M', '--seed', '0', '--small', '--flat'], {
    LOGSIFT_BENCH_INPUT: '/data/x.log',
    LOGSIFT_BENCH_DIR: '/scratch',
  });
  assert.deepEqual(options.modes, ['small', 'flat']);
  assert.equal(options.rounds, 2);
  assert.equal(options.bytes, 32 * 1024 * 1024);
  assert.equal(options.seed, 0);
  assert.equal(options.input, '/data/x.log');
  assert.equal(options.dir, '/scratch');
  assert.equal(parse(['--input', '/a.log'], { LOGSIFT_BENCH_INPUT: '/b.log' }).input, '/a.log');
  assert.deepEqual(parse(['--all']).modes, ['main', 'small', 'flat']);
});

test('bad values are refused', () => {
  for (const bad of [['--rounds', '0'], ['--bytes', 'big'], ['--generator', 'x'], ['--peak', 'guess'], ['extra']]) {
    assert.throws(() => parse(bad), { name: 'CommanderError' }, bad.join(' '));
  }
});

test('--cluster: the cluster case, alone or after others', () => {
  assert.deepEqual(parse(['--cluster']).modes, ['cluster']);
  assert.deepEqual(parse(['--small', '--cluster']).modes, ['small', 'cluster']);
});
