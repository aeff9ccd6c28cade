// consumer/rank.ts: the closest group when none passed the threshold (one pass) is the ranking's first.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { packStamp } from '../../src/base/time.js';
import { highestGroup, rankGroups } from '../../src/consumer/rank.js';
import { EventLists } from '../../src/tables/event-lists.js';
import { GroupTable } from '../../src/tables/group-table.js';
import { splitKey } from '../../src/tables/composite-key.js';

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

  test('with a window, is the first group rankGroups ranks at a threshold of 1, from every instant and from folded peaks', () => {
    const part = fc.uint8Array({ maxLength: 3 }).map((b) => Buffer.from(b.map((x) => x % 3)));
    const group = fc.tuple(fc.array(part, { minLength: 2, maxLength: 2 }), fc.array(fc.integer({ min: 0, max: 1200 }), { minLength: 1, maxLength: 6 }), fc.nat());
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 }), fc.array(group, { maxLength: 40 }), fc.constantFrom(1, 60, 600), (fields, groups, windowSeconds) => {
        const table = new GroupTable(1);
        const events = new EventLists();
        for (const [parts, seconds] of groups) {
          const k = composite(parts.slice(0, fields));
          for (const second of seconds) {
            const stamp = packStamp(1.7e9 + second, 0);
            table.add(k, 0, k.length, 0, stamp);
            events.push(table.rowOf(k, 0, k.length), stamp);
          }
        }
        // Folded peaks: any count from 1 to the group's total (how folding found them does not matter here).
        const count = new Float64Array(table.size);
        const start = new Float64Array(table.size);
        for (let row = 0; row < table.size; row++) count[row] = 1 + (groups[row % Math.max(1, groups.length)][2] % table.total(row));
        for (const merged of [{ table, events }, { table, peaks: { count, start } }]) {
          const options = { keyFields: fields, windowSeconds };
          const ranked = rankGroups(merged, { ...options, threshold: 1 });
          const expected = ranked.length === 0 ? undefined : { keys: [...ranked.at(0).keys], count: ranked.at(0).peakWindowCount! };
          assert.deepEqual(highestGroup(merged, options), expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('rankGroups', () => {
  test('orders by count descending, then the key fields in byte order, field by field (NUL bytes, shared prefixes)', () => {
    const part = fc
      .tuple(fc.constantFrom('', '10.0.0.', '2001:db8:', '\0\0'), fc.uint8Array({ maxLength: 4 }))
      .map(([prefix, tail]) => Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.from(tail.map((x) => x % 3))]));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(fc.tuple(fc.array(part, { minLength: 3, maxLength: 3 }), fc.integer({ min: 1, max: 3 })), { maxLength: 80 }), fc.integer({ min: 1, max: 3 }), (fields, groups, threshold) => {
        const table = new GroupTable(1);
        for (const [parts, times] of groups) {
          const k = composite(parts.slice(0, fields));
          for (let t = 0; t < times; t++) table.add(k, 0, k.length, 0, packStamp(1.7e9 + t, 0));
        }
        const byParts = (a: number, b: number): number => {
          const x = splitKey(table.key(a), fields);
          const y = splitKey(table.key(b), fields);
          for (let p = 0; p < fields; p++) if (x[p] !== y[p]) return x[p] < y[p] ? -1 : 1;
          return 0;
        };
        const expected = Array.from({ length: table.size }, (_, row) => row)
          .filter((row) => table.total(row) >= threshold)
          .sort((a, b) => table.total(b) - table.total(a) || byParts(a, b));
        assert.deepEqual([...rankGroups({ table }, { threshold, keyFields: fields, windowSeconds: 0 }).order], expected);
      }),
      { numRuns: 300 },
    );
  });
});
