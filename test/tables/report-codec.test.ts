// Report partials as bytes (src/tables/report-codec.ts): any partial survives its encoding; bytes from
// elsewhere are checked: every cut, flipped or forged byte string is refused with an error or gives a partial
// within the run's bounds (reported groups only, whole counts), never a crash or a loop.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeReportPartial, encodeReportPartial } from '../../src/tables/report-codec.js';
import { ReportParts } from '../../src/tables/report-partial.js';

const expected = { lanes: 2, groupCount: 3, tops: true };

function partialBytes(seconds: readonly number[]): Uint8Array {
  const parts = new ReportParts(2, 3, true);
  seconds.forEach((second, i) => {
    const stamp = second * 2048 + 1024;
    parts.timeline.addStamp(stamp, i % 2);
    parts.groupSeries(i % 3).addStamp(stamp, 0);
    const value = Buffer.from(`/v${i % 20}`);
    parts.addPath(i % 3, value, 0, value.length);
    parts.addAgent(i % 3, value, 0, 2);
    parts.firstStamp = Math.min(parts.firstStamp, stamp);
    parts.lastStamp = Math.max(parts.lastStamp, stamp);
  });
  return encodeReportPartial(parts.take());
}

describe('report partial codec', () => {
  it('gives back what was encoded', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4_000_000_000 }), { maxLength: 100 }), (seconds) => {
        const bytes = partialBytes(seconds);
        assert.deepEqual(encodeReportPartial(decodeReportPartial(bytes, expected)), bytes);
      }),
    );
  });

  it('refuses a partial of another run shape, and checks damaged bytes', () => {
    const bytes = partialBytes([1_700_000_000, 1_700_000_100, 1_700_009_000, 5, 6, 7]);
    assert.throws(() => decodeReportPartial(bytes, { ...expected, groupCount: 1 }), /malformed/);
    assert.throws(() => decodeReportPartial(bytes, { ...expected, lanes: 3 }), /malformed/);
    assert.throws(() => decodeReportPartial(bytes, { ...expected, tops: false }), /malformed/);
    assert.throws(() => decodeReportPartial(bytes.subarray(0, bytes.length - 8), expected), /truncated|malformed/);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.nat(255), (at, value) => {
        const damaged = bytes.slice();
        damaged[at] = value;
        try {
          const partial = decodeReportPartial(damaged, expected);
          // Whatever got through is within bounds: it merges without error.
          new ReportParts(2, 3, true).merge(partial);
          for (const row of partial.rows) assert.ok(row >= 0 && row < 3);
        } catch (error) {
          assert.match((error as Error).message, /report partial/);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
