// consumer/rank.ts: the closest group when none passed the threshold (one pass) is the ranking's first.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { packStamp } from '../../src/base/time.js';
import { highestGroup, rankGroups } from '../../src/consumer/rank.js';
import { GroupTable } from '../../src/tables/group-table.js';

/** A key of `fields` parts, laid out as tables/composite-key.ts says. */
function composite(parts: readonly Buffer[]): Buffer {
  const pieces: Buffer[] = [];
  parts.forEach((part, i) => {
    if (i < parts.length - 1) {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(part.length);
      pieces.push(length);
    }
    pieces.push(part);
  });
  return Buffer.concat(pieces);
}

describe('highestGroup', () => {
  test('is the first group rankGroups ranks at a threshold of 1, for one field and composite keys', () => {
    const part = fc.uint8Array({ maxLength: 4 }).map((b) => Buffer.from(b.map((x) => x % 3)));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(fc.tuple(fc.array(part, { minLength: 3, maxLength: 3 }), fc.integer({ min: 1, max: 3 })), { maxLength: 60 }), (fields, groups) => {
        const table = new GroupTable(1);
        for (const [parts, times] of groups) {
          const k = composite(parts.slice(0, fields));
          for (let t = 0; t < times; t++) table.add(k, 0, k.length, 0, packStamp(1.7e9 + t, 0));
        }
        const options = { keyFields: fields, windowSeconds: 0 };
        const ranked = rankGroups({ table }, { ...options, threshold: 1 });
        const expected = ranked.length === 0 ? undefined : { keys: [...ranked.at(0).keys], count: ranked.at(0).count };
        assert.deepEqual(highestGroup({ table }, options), expected);
      }),
      { numRuns: 300 },
    );
  });
});
