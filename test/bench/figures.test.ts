import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIGURE_HEADERS, computeFigures, figuresTable, type Samples } from '../../bench/figures.js';

const MiB = 1024 * 1024;
const samples: Samples[] = [
  { id: 't1', label: 'logsift --threads 1', seconds: [4, 2, 3], peaks: [80e6, 90e6, 85e6] },
  { id: 't2', label: 'logsift --threads 2', seconds: [1.5, 1, 2], peaks: [100e6, null, 95e6] },
  { id: 'mawk', label: 'mawk one-liner', seconds: [6, 6, 6], peaks: [4e6, 4e6, 4e6] },
  { id: 'rg', label: 'rg -c', seconds: [1, 2], peaks: [null, null] },
];

test('computeFigures: medians, minimum, throughput, highest peak, ratios to mawk and rg', () => {
  const [t1, t2, mawk, rg] = computeFigures(samples, 600 * MiB);
  assert.equal(t1.median, 3);
  assert.equal(t1.min, 2);
  assert.equal(t1.mibPerSecond, 200);
  assert.equal(t1.peakBytes, 90e6);
  assert.equal(t1.vsMawk, 0.5);
  assert.equal(t1.vsRg, 2);
  assert.equal(t2.median, 1.5);
  assert.equal(t2.peakBytes, 100e6, 'a run without a figure does not hide the others');
  assert.equal(mawk.vsMawk, 1);
  assert.equal(rg.median, 1.5);
  assert.equal(rg.peakBytes, null);
});

test('computeFigures without baselines: no ratios, and commands without runs are left out', () => {
  const figures = computeFigures([samples[0], { id: 'x', label: 'x', seconds: [], peaks: [] }], MiB);
  assert.equal(figures.length, 1);
  assert.equal(figures[0].vsMawk, null);
  assert.equal(figures[0].vsRg, null);
});

test('figuresTable has the columns of the report and one row per command', () => {
  const lines = figuresTable(computeFigures(samples, 600 * MiB)).split('\n');
  assert.deepEqual(
    lines[0].split('|').slice(1, -1).map((cell) => cell.trim()),
    FIGURE_HEADERS,
  );
  assert.equal(lines.length, 2 + samples.length);
  assert.deepEqual(
    lines[4].split('|').slice(1, -1).map((cell) => cell.trim()),
    ['mawk one-liner', '6.00', '6.00', '100', '4.0', '1.00', '4.00'],
  );
});
