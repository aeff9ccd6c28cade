// Per-second counts of undecided entries: whatever the order and repetition of the seconds added, compacting
// (inside add, settle and take) keeps one entry per second, sorted, with the exact sum of its counts.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StampCounts } from '../../src/analyses/deferred.js';

function expected(adds: readonly (readonly [number, number])[]): Map<number, number> {
  const sums = new Map<number, number>();
  for (const [second, count] of adds) sums.set(second, (sums.get(second) ?? 0) + count);
  return new Map([...sums].sort((a, b) => a[0] - b[0]));
}

describe('StampCounts', () => {
  it('holds the exact sum per second, sorted, across compactions and merges', () => {
    // Runs of one second (as a log's lines come) and scattered seconds, enough to pass the pending buffer many times.
    const run = fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 3 }));
    fc.assert(
      fc.property(fc.array(run, { maxLength: 400 }), fc.integer({ min: 0, max: 400 }), (runs, split) => {
        const adds: [number, number][] = runs.flatMap(([second, times, count]) => Array.from({ length: times }, () => [second, count] as [number, number]));
        const first = new StampCounts();
        const second = new StampCounts();
        adds.forEach(([s, c], i) => (i < split * 10 ? first : second).add(s, c));
        first.merge(second.take());
        const taken = first.take();
        assert.deepEqual(new Map(Array.from(taken.seconds, (s, i) => [s, taken.counts[i]])), expected(adds));
        assert.equal(first.size, 0);
      }),
      { numRuns: 200 },
    );
  });

  it('stays linear on a long log in order (a second per thousand entries, a million entries)', () => {
    const counts = new StampCounts();
    for (let i = 0; i < 1_000_000; i++) counts.add(Math.floor(i / 3) + (i % 7 === 0 ? 100 : 0));
    const taken = counts.take();
    let sum = 0;
    for (let i = 0; i < taken.counts.length; i++) sum += taken.counts[i];
    assert.equal(sum, 1_000_000);
    for (let i = 1; i < taken.seconds.length; i++) assert.ok(taken.seconds[i - 1] < taken.seconds[i]);
  });
});
