import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMegabytes, formatRate, formatRatio, formatSeconds, markdownTable } from '../../bench/table.js';

test('markdownTable pads columns and marks right-aligned ones', () => {
  const text = markdownTable(
    ['command', 'median s'],
    [
      ['logsift', '1.23'],
      ['mawk one-liner', '10.5'],
    ],
    ['left', 'right'],
  );
  assert.equal(
    text,
    [
      '| command        | median s |',
      '|----------------|---------:|',
      '| logsift        |     1.23 |',
      '| mawk one-liner |     10.5 |',
    ].join('\n'),
  );
});

test('markdownTable: every line has the same width; missing cells are blank', () => {
  const lines = markdownTable(['a', 'b', 'c'], [['1'], ['22', '333', '4444']]).split('\n');
  assert.equal(new Set(lines.map((line) => line.length)).size, 1);
  assert.match(lines[2], /^\| 1 +\| +\| +\|$/);
});

test('number formats', () => {
  assert.equal(formatSeconds(0.1234), '0.123');
  assert.equal(formatSeconds(4.567), '4.57');
  assert.equal(formatSeconds(31.25), '31.3');
  assert.equal(formatRatio(0.2345), '0.23');
  assert.equal(formatRatio(13.74), '13.7');
  assert.equal(formatRatio(null), '-');
  assert.equal(formatRatio(Infinity), '-');
  assert.equal(formatMegabytes(95_300_000), '95.3');
  assert.equal(formatMegabytes(null), '-');
  assert.equal(formatRate(1349.4), '1349');
  assert.equal(formatRate(98.74), '98.7');
});
