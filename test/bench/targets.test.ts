import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Figures } from '../../bench/figures.js';
import { flatTargets, mainTargets, SMALL_WORKLOAD_BYTES, smallTargets, smallWorkloadNote, targetsTable } from '../../bench/targets.js';

function fig(id: string, median: number, peakBytes: number | null, vs: { mawk?: number; rg?: number } = {}): Figures {
  return { id, label: id, runs: 3, median, min: median, mibPerSecond: 1, peakBytes, vsMawk: vs.mawk ?? null, vsRg: vs.rg ?? null };
}

test('main targets: all PASS when logsift is fast, scales and stays small', () => {
  const checks = mainTargets([
    fig('t1', 3.8, 120e6, { mawk: 0.38, rg: 1.9 }),
    fig('t2', 2.0, 150e6, { mawk: 0.2, rg: 1.0 }),
    fig('mawk', 10, 4e6, { mawk: 1, rg: 5 }),
    fig('rg', 2.0, 10e6, { mawk: 0.2, rg: 1 }),
  ]);
  assert.deepEqual(checks.map((c) => c.verdict), ['PASS', 'PASS', 'PASS', 'PASS']);
  assert.match(checks[2].measured, /^1\.90 x$/);
});

test('main targets: each one FAILs on its own', () => {
  const checks = mainTargets([
    fig('t1', 3.0, 120e6, { mawk: 0.3, rg: 1.5 }),
    fig('t2', 2.0, 200e6, { mawk: 0.26, rg: 1.01 }),
    fig('mawk', 7.7, 4e6),
    fig('rg', 1.98, 10e6),
  ]);
  assert.deepEqual(checks.map((c) => c.verdict), ['FAIL', 'FAIL', 'FAIL', 'FAIL']);
  assert.match(checks[3].measured, /200\.0 MB at most \(t2\)/);
});

test('main targets: a missing tool is a SKIP that says how to install it', () => {
  const checks = mainTargets([fig('t1', 3, null), fig('t2', 1.5, null)], { mawk: 'not installed: apt-get install mawk' });
  assert.equal(checks[0].verdict, 'SKIP');
  assert.match(checks[0].measured, /apt-get install mawk/);
  assert.equal(checks[1].verdict, 'SKIP');
  assert.equal(checks[2].verdict, 'PASS');
  assert.equal(checks[3].verdict, 'SKIP', 'no peak figure: not a PASS');
});

test('small target: the slowest logsift run must be under 0.3 s', () => {
  assert.equal(smallTargets([fig('t1', 0.2, 1), fig('default', 0.29, 1), fig('mawk', 0.9, 1)])[0].verdict, 'PASS');
  const fail = smallTargets([fig('t1', 0.2, 1), fig('default', 0.31, 1)])[0];
  assert.equal(fail.verdict, 'FAIL');
  assert.match(fail.measured, /default/);
});

test('flat target: 4x file within 15% of the 1x file', () => {
  assert.deepEqual(flatTargets([fig('x1', 1, 100e6), fig('x4', 4, 115e6)]).map((c) => c.verdict), ['PASS', 'PASS']);
  const [growth] = flatTargets([fig('x1', 1, 100e6), fig('x4', 4, 115.1e6)], { one: '32 MiB', four: '128 MiB' });
  assert.equal(growth.verdict, 'FAIL');
  assert.match(growth.target, /^128 MiB peak within 15% of 32 MiB peak$/);
  assert.match(growth.measured, /\+15\.1%/);
  assert.equal(flatTargets([fig('x1', 1, null), fig('x4', 4, null)])[0].verdict, 'SKIP');
});

test('flat: on the 4x file, also the thread speedup and rg, when they ran', () => {
  const checks = flatTargets([fig('x1', 1, 100e6), fig('x4', 1.5, 101e6), fig('x4t1', 2.9, 90e6), fig('rg', 2.0, 4e9)], { one: '1 GiB', four: '4 GiB' });
  assert.deepEqual(
    checks.map((c) => [c.target, c.verdict]),
    [
      ['4 GiB peak within 15% of 1 GiB peak', 'PASS'],
      ['peak memory < 200 MB (whole process, all workers)', 'PASS'],
      ['(4 GiB) 2 threads >= 1.8 x faster than 1 thread', 'PASS'],
      ['(4 GiB) logsift 2 threads <= rg -c', 'PASS'],
    ],
  );
  assert.match(checks[2].measured, /^1\.93 x$/);
  assert.match(checks[3].measured, /^0\.75 x \(1\.50 s vs 2\.00 s\)$/);
});

test('targetsTable lists target, measurement and verdict', () => {
  const text = targetsTable(smallTargets([fig('t1', 0.2, 1)]));
  assert.match(text, /\| 1 MiB file < 0\.3 s .*\| 0\.200 s at most \(t1\) +\| PASS +\|/);
});

test('a quick try on a small log says that start-up dominates there', () => {
  const text = smallWorkloadNote(32 * 1024 * 1024);
  assert.match(text, /start-up dominates/);
  assert.match(text, /32/);
  assert.ok(SMALL_WORKLOAD_BYTES > 32 * 1024 * 1024 && SMALL_WORKLOAD_BYTES < 1024 ** 3);
  assert.doesNotMatch(text, /issue|brief/);
});
