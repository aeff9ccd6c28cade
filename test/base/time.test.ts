// Stamps (instant + offset in one number), civil dates, and the ISO 8601 output of base/time.ts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  NO_STAMP_MAX,
  NO_STAMP_MIN,
  daysFromCivil,
  formatStampIso,
  isValidCivil,
  packStamp,
  stampEpochSeconds,
  stampOffsetMinutes,
} from '../../src/base/time.js';
import { referenceIso } from '../reference/clf.js';

/** Seconds from year 1 to year 9999, the years a CLF date can hold (Date.UTC would read year 1 as 1901). */
const EPOCH_MIN = new Date('0001-01-01T00:00:00Z').getTime() / 1000;
const EPOCH_MAX = new Date('9999-12-31T23:59:59Z').getTime() / 1000;
const epochs = fc.integer({ min: EPOCH_MIN + 86400 * 2, max: EPOCH_MAX - 86400 * 2 });
const offsets = fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 });

describe('stamps', () => {
  test('pack and unpack round-trip, before and after 1970', () => {
    fc.assert(
      fc.property(epochs, offsets, (epoch, offset) => {
        const stamp = packStamp(epoch, offset);
        assert.equal(stampEpochSeconds(stamp), epoch);
        assert.equal(stampOffsetMinutes(stamp), offset);
      }),
      { numRuns: 2000 },
    );
    for (const epoch of [-1, 0, 1, -86400, EPOCH_MIN, EPOCH_MAX]) {
      for (const offset of [-1439, -1, 0, 1, 1439]) {
        const stamp = packStamp(epoch, offset);
        assert.equal(stampEpochSeconds(stamp), epoch);
        assert.equal(stampOffsetMinutes(stamp), offset);
      }
    }
  });

  test('stamps order by instant first, then by offset', () => {
    fc.assert(
      fc.property(epochs, offsets, epochs, offsets, (e1, o1, e2, o2) => {
        const a = packStamp(e1, o1);
        const b = packStamp(e2, o2);
        const expected = e1 !== e2 ? Math.sign(e1 - e2) : Math.sign(o1 - o2);
        assert.equal(Math.sign(a - b), expected);
      }),
      { numRuns: 2000 },
    );
  });

  test('the "none yet" stamps sort outside every real one', () => {
    const lowest = packStamp(EPOCH_MIN, -1439);
    const highest = packStamp(EPOCH_MAX, 1439);
    assert.ok(NO_STAMP_MIN > highest);
    assert.ok(NO_STAMP_MAX < lowest);
  });

  test('formatStampIso writes the local time in the entry\'s own offset, +HH:MM, never Z', () => {
    fc.assert(
      fc.property(epochs, offsets, (epoch, offset) => {
        const iso = formatStampIso(packStamp(epoch, offset));
        assert.equal(iso, referenceIso(epoch, offset));
        assert.match(iso, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
        assert.equal(Date.parse(iso) / 1000, epoch);
      }),
      { numRuns: 2000 },
    );
    assert.equal(formatStampIso(packStamp(0, 0)), '1970-01-01T00:00:00+00:00');
    assert.equal(formatStampIso(packStamp(0, -1)), '1969-12-31T23:59:00-00:01');
    assert.equal(formatStampIso(packStamp(1445742686, 60)), '2015-10-25T04:11:26+01:00');
  });
});

describe('civil dates', () => {
  test('daysFromCivil agrees with Date for years 1..9999', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), (y, m, d) => {
        const date = new Date(0);
        date.setUTCFullYear(y, m - 1, d);
        assert.equal(daysFromCivil(y, m, d), date.getTime() / 86400000);
      }),
      { numRuns: 2000 },
    );
  });

  test('isValidCivil accepts exactly the real dates (and leap second :60)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 61 }),
        (y, mo, d, h, mi, s) => {
          const date = new Date(0);
          date.setUTCFullYear(y, mo - 1, d);
          const realDay = mo >= 1 && mo <= 12 && date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
          assert.equal(isValidCivil(y, mo, d, h, mi, s), realDay && h <= 23 && mi <= 59 && s <= 60);
        },
      ),
      { numRuns: 5000 },
    );
    assert.equal(isValidCivil(2000, 2, 29, 0, 0, 0), true);
    assert.equal(isValidCivil(1900, 2, 29, 0, 0, 0), false);
    assert.equal(isValidCivil(2001, 2, 29, 0, 0, 0), false);
    assert.equal(isValidCivil(2004, 2, 30, 0, 0, 0), false);
  });
});
