// numbers.ts: counts with thousands separators, as Intl.NumberFormat('en-US') writes them.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatCount } from '../../src/base/numbers.js';

test('formatCount writes whole numbers as Intl.NumberFormat en-US does', () => {
  const intl = new Intl.NumberFormat('en-US');
  fc.assert(
    fc.property(fc.oneof(fc.integer(), fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 999, 1000, 999_999, 1_000_000)), (n) => {
      assert.equal(formatCount(n), intl.format(n));
    }),
    { numRuns: 3000 },
  );
});
