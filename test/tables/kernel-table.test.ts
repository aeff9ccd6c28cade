// tables/kernel-table.ts with kernel/table.ts and kernel/rank.ts: the consumer's merged table in the kernel,
// its ranking against rankGroups (the JS reference) on keys that share long prefixes, composite keys (field by
// field), and its growth.

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

  test('ranks long runs (the radix sort) as rankGroups does: counts that differ in every byte, keys in every byte', () => {
    let seed = 7;
    const random = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
    for (const threshold of [1, 2, 40]) {
      const merger = KernelMerger.create(COLUMNS)!;
      const producer = new GroupTable(COLUMNS);
      for (let i = 0; i < 4000; i++) {
        const bytes = Array.from({ length: 4 + random(16) }, () => (random(4) === 0 ? random(256) : 0x30 + random(10)));
        const k = Buffer.from([...(i % 2 === 0 ? Buffer.from('10.0.') : []), ...bytes]);
        // A few counts past 255 and 65,535, so that the count's upper bytes are digits that differ too.
        const hits = i < 3 ? 70_000 + i * 300 : i < 12 ? 256 + random(600) : 1 + random(60);
        for (let n = 0; n < hits; n++) producer.add(k, 0, k.length, n % COLUMNS, packStamp(1.7e9 + n, 0));
      }
      merger.merge(producer.takePartial());
      const { table, kernelTable } = merger.finish();
      assert.ok(table.size > 2000, `${table.size} groups`);
      assert.deepEqual([...kernelTable!.rank(threshold)], [...rankGroups({ table }, { threshold, keyFields: 1, windowSeconds: 0 }).order], `threshold ${threshold}`);
    }
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

  test('holds the same groups whatever the order and sizes of the partials, through its growth (rows, keys, slots) or in the room it reserved', () => {
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
          for (const reserve of [0, undefined]) {
            const merger = KernelMerger.create(COLUMNS, 1, reserve)!;
            for (const partial of shuffled) merger.merge(partial);
            const { table, kernelTable } = merger.finish();
            assert.deepEqual(content(table), content(reference));
            assert.deepEqual([...kernelTable!.rank(1)].map((row) => table.key(row)), [...rankGroups({ table: reference }, { threshold: 1, keyFields: 1, windowSeconds: 0 }).order].map((row) => reference.key(row)));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
  test('merges a partial of many groups in batches, and hands over to a GroupTable mid-partial when a count would pass 2^32, each group\'s row as GroupTable gives it', () => {
    const content = (table: GroupTable): string[] => Array.from({ length: table.size }, (_, i) => JSON.stringify(table.row(i))).sort();
    /** A producer's partial of groups `from` .. `to` - 1, group `big`'s counts set near the 32-bit limit. */
    const partialOf = (from: number, to: number, big = -1) => {
      const producer = new GroupTable(COLUMNS);
      for (let g = from; g < to; g++) {
        const k = Buffer.from(`2001:db8::${g.toString(16)}${'x'.repeat(g % 7)}`, 'latin1');
        producer.add(k, 0, k.length, g % COLUMNS, packStamp(1.7e9 + g, 0));
      }
      const partial = producer.takePartial();
      if (big < from || big >= to) return partial;
      const records = partial.records.slice();
      const words = new Uint32Array(records.buffer);
      const perRecord = words.length / partial.keyEnds.length;
      words[(big - from) * perRecord] = words[(big - from) * perRecord + 1 + (big % COLUMNS)] = 0xffff_fff0;
      return { ...partial, records };
    };
    for (const big of [-1, 35_000]) {
      const partials = [partialOf(34_990, 35_010, big), partialOf(0, 30_000), partialOf(25_000, 45_000, big)];
      const reference = new GroupTable(COLUMNS);
      const merger = KernelMerger.create(COLUMNS)!;
      for (const partial of partials) {
        const [rows, referenceRows] = [new Int32Array(partial.keyEnds.length).fill(-1), new Int32Array(partial.keyEnds.length)];
        reference.mergePartial(partial, 0, referenceRows);
        merger.merge(partial, rows);
        assert.deepEqual(rows, referenceRows);
      }
      const { table, kernelTable } = merger.finish();
      assert.equal(table.size, 45_000);
      assert.deepEqual(content(table), content(reference));
      assert.equal(kernelTable === undefined, big >= 0);
    }
  });

  test('reserves fewer rows for records of many status columns, and merges them alike', () => {
    const columns = 250; // records of 1 KB: a million of them would not fit beside what grows past them
    const producer = new GroupTable(columns);
    const later = new GroupTable(columns);
    for (let g = 0; g < 3000; g++) {
      const k = Buffer.from(`10.0.${g >> 8}.${g & 255}`, 'latin1');
      producer.add(k, 0, k.length, g % columns, packStamp(1.7e9 + g, 0));
      later.add(k, 0, k.length, (g * 7) % columns, packStamp(1.7e9 - g, 0));
    }
    const partials = [producer.takePartial(), later.takePartial()];
    const reference = new GroupTable(columns);
    const merger = KernelMerger.create(columns)!;
    for (const partial of partials) {
      reference.mergePartial(partial);
      merger.merge(partial);
    }
    const content = (table: GroupTable): string[] => Array.from({ length: table.size }, (_, i) => JSON.stringify(table.row(i))).sort();
    assert.deepEqual(content(merger.finish().table), content(reference));
  });

  test('ranks composite keys field by field as rankGroups does: shared prefixes, empty fields, NUL bytes, counts tied', () => {
    // Fields from a few values that are prefixes of each other (one with a NUL past the prefix), or 7 and 8 bytes
    // long (a head's bytes and one more), so that heads tie on bytes and differ on what is left.
    const field = fc.oneof(
      fc.constantFrom('', 'a', 'ab', 'ab\0', 'abcdefg', 'abcdefgh', 'abcdefg\0', '10.0.0.1', '10.0.0.12', '/api/v1/users', '/api/v1/user', '/api/v1/users/\0'),
      fc.uint8Array({ maxLength: 20 }).map((bytes) => Buffer.from(bytes.map((b) => b % 3)).toString('latin1')),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 3 }),
        fc.array(fc.tuple(fc.array(field, { minLength: 3, maxLength: 3 }), fc.integer({ min: 1, max: 3 })), { maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 0, max: 3 }),
        (fields, groups, cuts, threshold) => {
          const list: Hit[] = [];
          groups.forEach(([parts, times], g) => {
            const k = compositeKey(parts.slice(0, fields).map((part) => Buffer.from(part, 'latin1')));
            for (let t = 0; t < times; t++) list.push({ key: k, column: (g + t) % COLUMNS, stamp: packStamp(1.7e9 + g, 0) });
          });
          const merger = KernelMerger.create(COLUMNS, fields)!;
          for (const partial of partialsOf(list, cuts)) merger.merge(partial);
          const { table, kernelTable } = merger.finish();
          const byJs = rankGroups({ table }, { threshold, keyFields: fields, windowSeconds: 0 }).order;
          assert.deepEqual([...kernelTable!.rank(threshold)], [...byJs]);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('ranks many composite keys tied on count through every depth (runs longer than the insertion sort takes)', () => {
    const producer = new GroupTable(COLUMNS);
    for (let i = 0; i < 6000; i++) {
      const ip = `203.0.${(i * 31) % 7}.${(i * 17) % 11}`;
      const path = `${i % 4 === 0 ? '/a/very/long/shared/path/prefix/' : '/p'}${(i * 7919) % 40}${i % 9 === 0 ? '\0' : ''}`;
      const k = compositeKey([Buffer.from(ip, 'latin1'), Buffer.from(path, 'latin1')]);
      producer.add(k, 0, k.length, i % COLUMNS, packStamp(1.7e9 + i, 0));
    }
    const merger = KernelMerger.create(COLUMNS, 2)!;
    merger.merge(producer.takePartial());
    const { table, kernelTable } = merger.finish();
    assert.ok(table.size > 1000);
    assert.deepEqual([...kernelTable!.rank(1)], [...rankGroups({ table }, { threshold: 1, keyFields: 2, windowSeconds: 0 }).order]);
  });
});

/** A key made for several fields, as analyses/key-maker.ts lays it out (tables/composite-key.ts). */
function compositeKey(parts: readonly Uint8Array[]): Buffer {
  const bytes: number[] = [];
  parts.forEach((part, i) => {
    if (i < parts.length - 1) bytes.push((part.length >>> 24) & 255, (part.length >>> 16) & 255, (part.length >>> 8) & 255, part.length & 255);
    bytes.push(...part);
  });
  return Buffer.from(bytes);
}
