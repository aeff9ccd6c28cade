// The peak window: half-open windows [t, t + W), against a brute-force count.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { packStamp } from '../../src/base/time.js';
import { peakWindow } from '../../src/analyses/window.js';

const stampsOf = (pairs: Array<[number, number]>): Float64Array => Float64Array.from(pairs.map(([s, offset]) => packStamp(s, offset)));

describe('peakWindow', () => {
  it('is [t, t + W): responses exactly W apart are not in one window', () => {
    assert.equal(peakWindow(stampsOf([[0, 0], [60, 0]]), 60).count, 1);
    assert.equal(peakWindow(stampsOf([[0, 0], [59, 0]]), 60).count, 2);
    assert.equal(peakWindow(stampsOf([[0, 0], [59, 0], [60, 0], [119, 0]]), 60).count, 2);
    assert.equal(peakWindow(stampsOf([[10, 0]]), 1).count, 1);
    assert.equal(peakWindow(stampsOf([[10, 0], [10, 60], [11, 0]]), 1).count, 2);
  });

  it('starts at the earliest best window, in the first response of it', () => {
    const peak = peakWindow(stampsOf([[500, 0], [100, 60], [130, 0], [600, 0], [105, 0]]), 60);
    assert.deepEqual(peak, { count: 3, start: packStamp(100, 60) });
    // Two equal windows: the earlier one.
    assert.equal(peakWindow(stampsOf([[1000, 0], [0, 0], [1001, 0], [1, 0]]), 10).start, packStamp(0, 0));
    // The same instant in two offsets: the smaller offset sorts first.
    assert.equal(peakWindow(stampsOf([[7, 120], [7, -60]]), 10).start, packStamp(7, -60));
  });

  it('has no window without responses', () => {
    assert.equal(peakWindow(new Float64Array(0), 60).count, 0);
  });

  it('agrees with a brute-force count (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -100, max: 400 }), fc.constantFrom(0, -300, 330)), { maxLength: 60 }),
        fc.integer({ min: 1, max: 200 }),
        (pairs, w) => {
          let best = 0;
          let bestStart = Number.NaN;
          const sorted = [...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          for (const [t, offset] of sorted) {
            const n = pairs.filter(([s]) => s >= t && s < t + w).length;
            if (n > best) {
              best = n;
              bestStart = packStamp(t, offset);
            }
          }
          const peak = peakWindow(stampsOf(pairs), w);
          assert.equal(peak.count, best);
          if (best > 0) assert.equal(peak.start, bestStart);
        },
      ),
    );
  });
});
