// The report's bounded counters (src/tables/report-data.ts): a BucketSeries never holds more buckets than its
// capacity, loses no count when it coarsens, and puts every instant in the bucket that holds it; TopSlots is
// exact while values fit its slots, and otherwise each count is an upper bound within its stated error.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BUCKET_LADDER, BucketSeries, nextBucketSeconds, seriesData } from '../../src/tables/report-data.js';
import { TopSlots } from '../../src/tables/report-partial.js';

describe('BucketSeries', () => {
  it('keeps every count in a bounded grid of ladder-sized, aligned buckets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(fc.integer({ min: 1_700_000_000, max: 1_700_000_600 }), fc.integer({ min: 0, max: 4_000_000_000 })), fc.nat(2)), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 40 }),
        (entries, capacity) => {
          const series = new BucketSeries(3, capacity);
          for (const [second, lane] of entries) series.add(second, lane, 1);
          assert.ok(series.used <= capacity);
          const data = seriesData(series);
          for (let lane = 0; lane < 3; lane++) {
            assert.equal(series.laneTotal(lane), entries.filter(([, l]) => l === lane).length);
            // Each instant's bucket holds at least as many as there were instants of that lane in it.
            const expected = new Map<number, number>();
            for (const [second, l] of entries) {
              if (l !== lane) continue;
              const b = Math.floor((second - data.startSecond) / data.bucketSeconds);
              assert.ok(b >= 0 && b < data.counts[lane].length, 'the instant falls in a bucket held');
              expected.set(b, (expected.get(b) ?? 0) + 1);
            }
            for (const [b, n] of expected) assert.equal(data.counts[lane][b], n);
          }
          assert.equal(data.startSecond % data.bucketSeconds, 0, 'aligned to its size');
          assert.ok(BUCKET_LADDER.includes(data.bucketSeconds) || data.bucketSeconds % BUCKET_LADDER.at(-1)! === 0);
        },
      ),
    );
  });

  it('climbs a ladder whose every size divides the next', () => {
    let size = 1;
    for (let i = 0; i < 30; i++) {
      const next = nextBucketSeconds(size);
      assert.ok(next > size && next % size === 0, `${size} -> ${next}`);
      size = next;
    }
  });
});

describe('TopSlots', () => {
  it('is exact while the values fit, an upper bound within its error otherwise', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'), { maxLength: 200 }), fc.integer({ min: 1, max: 12 }), (values, capacity) => {
        const top = new TopSlots(3, capacity);
        for (const v of values) {
          const bytes = Buffer.from(`${v}`.repeat(1 + (v.charCodeAt(0) % 4)), 'latin1');
          top.add(1, bytes, 0, bytes.length);
        }
        const truth = new Map<string, number>();
        for (const v of values) {
          const text = `${v}`.repeat(1 + (v.charCodeAt(0) % 4));
          truth.set(text, (truth.get(text) ?? 0) + 1);
        }
        const shown = top.top(1, 5);
        assert.deepEqual(top.top(0, 5), []);
        for (const { value, count, error } of shown) {
          const real = truth.get(value)!;
          assert.ok(count - error <= real && real <= count, `${value}: ${real} in [${count - error}, ${count}]`);
        }
        if (truth.size <= capacity) {
          const expected = [...truth]
            .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
            .slice(0, 5)
            .map(([value, count]) => ({ value, count, error: 0 }));
          assert.deepEqual(shown, expected);
          assert.equal(top.overflowed[1], 0);
        }
      }),
    );
  });
});
