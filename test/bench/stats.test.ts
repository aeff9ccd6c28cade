import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maximum, median, minimum, roundOrder } from '../../bench/stats.js';

test('median of an odd count is the middle value, whatever the order', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([2]), 2);
});

test('median of an even count is the mean of the two middle values', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([1, 1000]), 500.5);
});

test('median does not reorder its input', () => {
  const values = [3, 1, 2];
  median(values);
  assert.deepEqual(values, [3, 1, 2]);
});

test('minimum and maximum', () => {
  assert.equal(minimum([3, 0.5, 2]), 0.5);
  assert.equal(maximum([3, 0.5, 2]), 3);
});

test('no values: a clear error rather than NaN', () => {
  assert.throws(() => median([]), /no values/);
  assert.throws(() => minimum([]), /no values/);
  assert.throws(() => maximum([]), /no values/);
});

test('roundOrder rotates by one each round, so every command runs once per round', () => {
  const commands = ['A', 'B', 'C'];
  assert.deepEqual(roundOrder(commands, 0), ['A', 'B', 'C']);
  assert.deepEqual(roundOrder(commands, 1), ['B', 'C', 'A']);
  assert.deepEqual(roundOrder(commands, 2), ['C', 'A', 'B']);
  assert.deepEqual(roundOrder(commands, 3), ['A', 'B', 'C']);
  assert.deepEqual(roundOrder([], 4), []);
  for (let round = 0; round < 7; round++) assert.deepEqual([...roundOrder(commands, round)].sort(), commands);
});
