// tables/kernel-table.ts with kernel/table.ts and kernel/rank.ts: the consumer's merged table in the kernel,
// its ranking against rankGroups (the JS reference) on keys that share long prefixes, and its growth.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { GroupTable } from '../../src/tables/group-table.js';
import { KernelMerger } from '../../src/tables/kernel-table.js';
import { instantiate, loadKernelModule } from '../../src/wasm/kernel-module.js';
import { rankGroups } from '../../src/consumer/rank.js';
import { packStamp } from '../../src/base/time.js';
import { collidingKeys } from '../support/hash-collisions.js';

const COLUMNS = 2;

interface Hit {
  readonly key: Buffer;
  readonly column: number;
  readonly stamp: number;
}

/** Keys made of a few shared prefixes (longer than 8 bytes, with NUL bytes) and short tails: heads tie often. */
const prefixes = ['2001:db8:', '2001:db8:0:0:0:', '', 'a', '\0\0\0\0\0\0\0\0\0', '/a/very/long/shared/path/prefix/of/many/words/'];
const key: fc.Arbitrary<Buffer> = fc
  .tuple(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 12 }), fc.constantFrom('', '\0', '\0\0', 'z'))
  .map(([prefix, tail, end]) => Buffer.concat([Buffer.from(prefix, 'latin1'), Buffer.from(tail.map((b) => (b % 4 === 0 ? 0 : b))), Buffer.from(end, 'latin1')]));
const hits: fc.Arbitrary<Hit[]> = fc.array(
  fc.record({ key, column: fc.integer({ min: 0, max: COLUMNS - 1 }), stamp: fc.integer({ min: 0, max: 1e6 }).map((s) => packStamp(1.7e9 + s, 0)) }),
  { maxLength: 400 },
);

/** Producer tables over consecutive pieces of `list`, cut at `cuts`, as partials. */
function partialsOf(list: readonly Hit[], cuts: readonly number[]) {
  const at = [...new Set(cuts.map((c) => c % (list.length + 1)))].sort((a, b) => a - b);
  const partials = [];
  let from = 0;
  for (const c of [...at, list.length]) {
    const producer = new GroupTable(COLUMNS);
    for (const { key: k, column, stamp } of list.slice(from, c)) producer.add(k, 0, k.length, column, stamp);
    partials.push(producer.takePartial());
    from = c;
  }
  return partials;
}

describe('the kernel\'s merged table', () => {
  test('ranks as rankGroups does, keys sharing long prefixes, NUL bytes and counts tied', () => {
    fc.assert(
      fc.property(hits, fc.array(fc.nat(), { maxLength: 5 }), fc.integer({ min: 0, max: 3 }), (list, cuts, threshold) => {
        const merger = KernelMerger.create(COLUMNS)!;
        for (const partial of partialsOf(list, cuts)) merger.merge(partial);
        const { table, kernelTable } = merger.finish();
        const byKernel = kernelTable!.rank(threshold);
        const byJs = rankGroups({ table }, { threshold, keyFields: 1, windowSeconds: 0 }).order;
        assert.deepEqual([...byKernel], [...byJs]);
      }),
      { numRuns: 400 },
    );
  });

  test('ranks many groups with one long shared prefix (runs sorted again on their next bytes, deep down)', () => {
    const merger = KernelMerger.create(COLUMNS)!;
    const producer = new GroupTable(COLUMNS);
    const shared = 'p'.repeat(700); // deeper than the multikey sort goes before comparing whole keys
    for (let i = 0; i < 5000; i++) {
      const k = Buffer.from(`${i % 3 === 0 ? shared : '2001:db8:0:'}${(i * 7919) % 5003}${i % 5 === 0 ? '\0' : ''}`, 'latin1');
      for (let n = 0; n <= i % 3; n++) producer.add(k, 0, k.length, n % COLUMNS, packStamp(1.7e9 + i, 0));
    }
    merger.merge(producer.takePartial());
    const { table, kernelTable } = merger.finish();
    assert.deepEqual([...kernelTable!.rank(1)], [...rankGroups({ table }, { threshold: 1, keyFields: 1, windowSeconds: 0 }).order]);
  });

  test('ranks keys that all share their first bytes (skipped), one of them no longer than those bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.integer({ min: 1, max: 3 })), { maxLength: 300 }), fc.integer({ min: 1, max: 3 }), (tails, threshold) => {
        const merger = KernelMerger.create(COLUMNS)!;
        const producer = new GroupTable(COLUMNS);
        for (const [tail, times] of tails) {
          const k = Buffer.concat([Buffer.from('2001:db8:0:0:', 'latin1'), Buffer.from(tail.map((b) => b % 3))]);
          for (let t = 0; t < times; t++) producer.add(k, 0, k.length, 0, packStamp(1.7e9 + t, 0));
        }
        merger.merge(producer.takePartial());
        const { table, kernelTable } = merger.finish();
        assert.deepEqual([...kernelTable!.rank(threshold)], [...rankGroups({ table }, { threshold, keyFields: 1, windowSeconds: 0 }).order]);
      }),
      { numRuns: 200 },
    );
  });

  test('tells keys apart that differ in one byte anywhere, or in length only (its 8-byte compare, every length to 40)', () => {
    /** The table's groups as plain data, whatever their rows. */
    const content = (table: GroupTable): string[] => Array.from({ length: table.size }, (_, i) => JSON.stringify(table.row(i))).sort();
    // A base key and near keys: one byte changed at any place (first, last, inside the overlapping last 8 bytes),
    // one byte cut off or added, so equal hashes aside, only the compare can tell them apart.
    const nearKeys = fc.uint8Array({ maxLength: 40 }).chain((base) =>
      fc.array(
        fc.oneof(
          fc.constant(Buffer.from(base)),
          fc.record({ at: fc.nat(), by: fc.integer({ min: 1, max: 255 }) }).map(({ at, by }) => {
            const k = Buffer.from(base);
            if (k.length > 0) k[at % k.length] ^= by;
            return k;
          }),
          fc.constant(Buffer.from(base.subarray(0, Math.max(0, base.length - 1)))),
          fc.integer({ min: 0, max: 255 }).map((b) => Buffer.concat([Buffer.from(base), Buffer.from([b])])),
        ),
        { minLength: 1, maxLength: 60 },
      ),
    );
    fc.assert(
      fc.property(nearKeys, fc.array(fc.nat(), { maxLength: 4 }), (keys, cuts) => {
        const list: Hit[] = keys.map((k, i) => ({ key: k, column: i % COLUMNS, stamp: packStamp(1.7e9 + i, 0) }));
        const partials = partialsOf(list, cuts);
        const reference = new GroupTable(COLUMNS);
        for (const partial of partials) reference.mergePartial(partial);
        assert.equal(reference.size, new Set(keys.map((k) => k.toString('hex'))).size);
        const merger = KernelMerger.create(COLUMNS)!;
        for (const partial of partials) merger.merge(partial);
        assert.deepEqual(content(merger.finish().table), content(reference));
      }),
      { numRuns: 600 },
    );
  });

  test('its key compare equals Buffer.equals for any two keys of a length to 64, one byte apart or not, to the end of memory', () => {
    const kernel = instantiate(loadKernelModule()!);
    const a = kernel.allocate(128);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.option(fc.record({ at: fc.nat(), by: fc.integer({ min: 1, max: 255 }) })), fc.boolean(), (left, change, atEnd) => {
        const right = Buffer.from(left);
        if (change && right.length > 0) right[change.at % right.length] ^= change.by;
        // The second key at the very end of memory: a read past its last byte would trap.
        const memory = new Uint8Array(kernel.memory.buffer);
        const b = atEnd ? memory.length - right.length : a + 64;
        memory.set(left, a);
        memory.set(right, b);
        assert.equal(kernel.sameBytes(a, b, left.length) === 1, Buffer.from(left).equals(right));
      }),
      { numRuns: 3000 },
    );
  });

  test('tells apart keys of the same hash and length that differ in 4 bytes anywhere (its 8-byte compare, lengths 4 to 48)', () => {
    const content = (table: GroupTable): string[] => Array.from({ length: table.size }, (_, i) => JSON.stringify(table.row(i))).sort();
    const anyByte = Array.from({ length: 256 }, (_, i) => i);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 36 }),
        fc.integer({ min: 0, max: 8 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }),
        (prefixLength, suffixLength, seed, cuts, picks) => {
          const [a, b] = collidingKeys(Buffer.alloc(prefixLength, seed & 255), Buffer.alloc(suffixLength, 7), seed, anyByte);
          const list: Hit[] = [a, b, ...picks.map((pick) => (pick ? a : b))].map((k, i) => ({ key: k, column: i % COLUMNS, stamp: packStamp(1.7e9 + i, 0) }));
          const partials = partialsOf(list, cuts);
          const reference = new GroupTable(COLUMNS);
          for (const partial of partials) reference.mergePartial(partial);
          assert.equal(reference.size, 2);
          const merger = KernelMerger.create(COLUMNS)!;
          for (const partial of partials) merger.merge(partial);
          assert.deepEqual(content(merger.finish().table), content(reference));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('holds the same groups whatever the order and sizes of the partials, through its growth (rows, keys, slots)', () => {
    /** The table's groups as plain data, whatever their rows. */
    const content = (table: GroupTable): string[] => Array.from({ length: table.size }, (_, i) => JSON.stringify(table.row(i))).sort();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 6 }),
        fc.func(fc.integer()),
        fc.integer({ min: 0, max: 40 }),
        (groups, cuts, order, keyLength) => {
          // Groups with keys long enough, in number enough, to grow every array more than once from a small first partial.
          const list: Hit[] = [];
          for (let g = 0; g < groups; g++) {
            const k = Buffer.from(`${'k'.repeat((g * 7) % (keyLength + 1))}${g}`, 'latin1');
            for (let n = 0; n <= g % 3; n++) list.push({ key: k, column: n % COLUMNS, stamp: packStamp(1.7e9 + g + n, 0) });
          }
          const partials = partialsOf(list, cuts);
          const shuffled = partials.map((p, i) => ({ p, rank: order(i) })).sort((a, b) => a.rank - b.rank).map(({ p }) => p);
          const reference = new GroupTable(COLUMNS);
          for (const partial of partials) reference.mergePartial(partial);
          const merger = KernelMerger.create(COLUMNS)!;
          for (const partial of shuffled) merger.merge(partial);
          const { table, kernelTable } = merger.finish();
          assert.deepEqual(content(table), content(reference));
          assert.deepEqual([...kernelTable!.rank(1)].map((row) => table.key(row)), [...rankGroups({ table: reference }, { threshold: 1, keyFields: 1, windowSeconds: 0 }).order].map((row) => reference.key(row)));
        },
      ),
      { numRuns: 40 },
    );
  });
});
