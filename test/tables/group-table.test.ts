// tables/group-table.ts: per-group counters keyed by bytes, partials, and their merge.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { GroupTable } from '../../src/tables/group-table.js';
import { type CountsPartial } from '../../src/tables/partial.js';
import { decodePartial, encodePartial } from '../../src/tables/partial-codec.js';
import { KernelMerger } from '../../src/tables/kernel-table.js';
import { rankGroups } from '../../src/consumer/rank.js';
import { NO_STAMP_MAX, NO_STAMP_MIN, packStamp } from '../../src/base/time.js';

const COLUMNS = 3;

interface Event {
  readonly key: Buffer;
  readonly column: number;
  readonly stamp: number;
}

/** A table's content as plain data, independent of row order. */
function contentOf(table: GroupTable): Map<string, { counts: number[]; first: number; last: number }> {
  const content = new Map<string, { counts: number[]; first: number; last: number }>();
  for (let i = 0; i < table.size; i++) {
    const row = table.row(i);
    assert.ok(!content.has(row.key), `key ${JSON.stringify(row.key)} has two rows`);
    content.set(row.key, { counts: Array.from(row.counts), first: row.first, last: row.last });
  }
  return content;
}

/** What the table should hold after `events`, computed the plain way. */
function expectedContent(events: readonly Event[]): Map<string, { counts: number[]; first: number; last: number }> {
  const content = new Map<string, { counts: number[]; first: number; last: number }>();
  for (const { key, column, stamp } of events) {
    const k = key.toString('latin1');
    const entry = content.get(k) ?? { counts: new Array(COLUMNS + 1).fill(0), first: NO_STAMP_MIN, last: NO_STAMP_MAX };
    entry.counts[0]++;
    entry.counts[1 + column]++;
    entry.first = Math.min(entry.first, stamp);
    entry.last = Math.max(entry.last, stamp);
    content.set(k, entry);
  }
  return content;
}

/** Adds each event, reading its key from inside a bigger buffer (as producers do). */
function addAll(table: GroupTable, events: readonly Event[]): void {
  for (const { key, column, stamp } of events) {
    const buf = Buffer.concat([Buffer.from('<<'), key, Buffer.from('>>')]);
    table.add(buf, 2, 2 + key.length, column, stamp);
  }
}

/** Keys from a small set (so they repeat), including empty, long, multi-byte and non-UTF-8 ones. */
const keys = fc.oneof(
  fc.constantFrom('10.0.0.1', '10.0.0.10', '::1', '', 'ünï', '\xff\xfe', 'a'.repeat(40)).map((k) => Buffer.from(k, 'latin1')),
  fc.uint8Array({ maxLength: 3 }).map((b) => Buffer.from(b)),
);
const events: fc.Arbitrary<Event[]> = fc.array(
  fc.record({
    key: keys,
    column: fc.integer({ min: 0, max: COLUMNS - 1 }),
    stamp: fc.tuple(fc.integer({ min: -1e9, max: 4e9 }), fc.integer({ min: -1439, max: 1439 })).map(([e, o]) => packStamp(e, o)),
  }),
  { maxLength: 200 },
);

/** Cuts `list` into consecutive pieces at the given (unsorted, possibly repeated) positions. */
function split<T>(list: readonly T[], cuts: readonly number[]): T[][] {
  const at = [...new Set(cuts.map((c) => c % (list.length + 1)))].sort((a, b) => a - b);
  const pieces: T[][] = [];
  let from = 0;
  for (const c of [...at, list.length]) {
    pieces.push(list.slice(from, c));
    from = c;
  }
  return pieces;
}

describe('GroupTable', () => {
  test('add counts per key and column, with first and last stamps', () => {
    fc.assert(
      fc.property(events, (evs) => {
        const table = new GroupTable(COLUMNS);
        addAll(table, evs);
        assert.deepEqual(contentOf(table), expectedContent(evs));
      }),
      { numRuns: 150 },
    );
  });

  test('a merge of partials equals one table over all the events', () => {
    fc.assert(
      fc.property(events, fc.array(fc.nat(), { maxLength: 8 }), (evs, cuts) => {
        const merged = new GroupTable(COLUMNS);
        const producer = new GroupTable(COLUMNS); // reused, as a producer reuses its table after each hand-over
        for (const piece of split(evs, cuts)) {
          addAll(producer, piece);
          merged.mergePartial(producer.takePartial());
          assert.equal(producer.size, 0);
        }
        assert.deepEqual(contentOf(merged), expectedContent(evs));
      }),
      { numRuns: 150 },
    );
  });

  test('a table made of merged partials goes on counting and finding keys (the first one is adopted whole)', () => {
    fc.assert(
      fc.property(events, fc.array(fc.nat(), { maxLength: 4 }), events, (evs, cuts, more) => {
        const merged = new GroupTable(COLUMNS);
        for (const piece of split(evs, cuts)) {
          const producer = new GroupTable(COLUMNS);
          addAll(producer, piece);
          merged.mergePartial(producer.takePartial());
        }
        addAll(merged, more);
        assert.deepEqual(contentOf(merged), expectedContent([...evs, ...more]));
        for (let i = 0; i < merged.size; i++) {
          const key = Buffer.from(merged.key(i), 'latin1');
          assert.equal(merged.rowOf(key, 0, key.length), i);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('a compact table (16-bit counts) merges any split in any order as one pass, widening past 65,535 and 2^32 - 1', () => {
    // Each partial's counts are scaled in place (as if each event were `scale` lines), so that sums cross the
    // 16-bit and 32-bit limits; partials go through their byte encoding (which checks their hash slots).
    fc.assert(
      fc.property(events, fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat()), fc.constantFrom(1, 300, 40_000, 2 ** 26), (evs, cuts, order, scale) => {
        const partials = split(evs, cuts).map((piece) => {
          const producer = new GroupTable(COLUMNS);
          addAll(producer, piece);
          const partial = producer.takePartial();
          const words = partial.records.byteLength / 4 / Math.max(1, partial.keyEnds.length);
          const counts = new Uint32Array(partial.records.buffer, partial.records.byteOffset, partial.records.byteLength / 4);
          for (let row = 0; row < partial.keyEnds.length; row++) {
            fc.pre(counts[row * words] * scale <= 0xffff_ffff); // a partial's own counts are 32-bit
            for (let c = 0; c <= COLUMNS; c++) counts[row * words + c] *= scale;
          }
          return decodePartial(encodePartial(partial));
        });
        const shuffled = partials.map((p, i) => ({ p, k: order[i] ?? i })).sort((a, b) => a.k - b.k).map(({ p }) => p);
        const merged = new GroupTable(COLUMNS, true);
        for (const partial of shuffled) {
          const rows = new Int32Array(partial.keyEnds.length);
          merged.mergePartial(partial, 0, rows);
          for (let i = 0; i < rows.length; i++) {
            const key = partial.keyBytes.subarray(i === 0 ? 0 : partial.keyEnds[i - 1], partial.keyEnds[i]);
            assert.equal(merged.key(rows[i]), Buffer.from(key).toString('latin1'));
          }
        }
        const expected = expectedContent(evs);
        for (const entry of expected.values()) entry.counts = entry.counts.map((n) => n * scale);
        assert.deepEqual(contentOf(merged), expected);
        // It goes on counting one by one past the limits too.
        addAll(merged, evs);
        for (const [key, entry] of expectedContent(evs)) {
          const row = merged.find(Buffer.from(key, 'latin1'), 0, key.length);
          assert.deepEqual(merged.row(row).counts, entry.counts.map((n) => n * (scale + 1)));
        }
      }),
      { numRuns: 150 },
    );
  });

  test('sums past 2^32 - 1 stay exact: the table widens its counts and goes on', () => {
    const big = 0xffff_fff0;
    const partialWith = (counts: number[], stamp: number): CountsPartial => {
      const producer = new GroupTable(COLUMNS);
      addAll(producer, [
        { key: Buffer.from('a'), column: 0, stamp },
        { key: Buffer.from('b'), column: 1, stamp },
      ]);
      const partial = producer.takePartial();
      // Group a's counts made huge in place (a producer would need 4 billion lines for this).
      new Uint32Array(partial.records.buffer, partial.records.byteOffset, counts.length).set(counts);
      return partial;
    };
    for (const compact of [false, true]) {
      const merged = new GroupTable(COLUMNS, compact);
      merged.mergePartial(partialWith([big, big, 0, 0], packStamp(100, 0)));
      merged.mergePartial(partialWith([big, 0, big, 0], packStamp(50, 0)));
      merged.mergePartial(partialWith([big, 0, 0, big], packStamp(200, 0)));
      merged.add(Buffer.from('a'), 0, 1, 2, packStamp(10, 0));
      const a = contentOf(merged).get('a')!;
      assert.deepEqual(a.counts, [3 * big + 1, big, big, big + 1]);
      assert.equal(a.first, packStamp(10, 0));
      assert.equal(a.last, packStamp(200, 0));
      assert.deepEqual(contentOf(merged).get('b')!.counts, [3, 0, 3, 0]);
    }
    // A count at the 32-bit limit widens on the next single add too.
    const edge = new GroupTable(COLUMNS);
    edge.mergePartial(partialWith([0xffff_ffff, 0xffff_ffff, 0, 0], packStamp(1, 0)));
    edge.add(Buffer.from('a'), 0, 1, 0, packStamp(1, 0));
    assert.deepEqual(contentOf(edge).get('a')!.counts, [2 ** 32, 2 ** 32, 0, 0]);
  });

  test('the consumer\'s merge in the kernel (KernelMerger) gives the table\'s merge, past 2^32 too', () => {
    const partialsOf = (evs: readonly Event[], cuts: readonly number[]): CountsPartial[] =>
      split(evs, cuts).map((piece) => {
        const producer = new GroupTable(COLUMNS);
        addAll(producer, piece);
        return producer.takePartial();
      });
    const both = (partials: readonly CountsPartial[]): void => {
      const merger = KernelMerger.create(COLUMNS)!;
      const table = new GroupTable(COLUMNS);
      for (const partial of partials) {
        merger.merge(partial);
        table.mergePartial(partial);
      }
      assert.deepEqual(contentOf(merger.finish().table), contentOf(table));
    };
    fc.assert(
      fc.property(events, fc.array(fc.nat(), { maxLength: 8 }), (evs, cuts) => both(partialsOf(evs, cuts))),
      { numRuns: 150 },
    );
    // Counts near the 32-bit limit: the kernel hands over to a GroupTable mid-partial, which widens.
    const huge = partialsOf(
      [{ key: Buffer.from('a'), column: 0, stamp: packStamp(5, 0) }, { key: Buffer.from('b'), column: 1, stamp: packStamp(6, 0) }, { key: Buffer.from('c'), column: 2, stamp: packStamp(7, 0) }],
      [],
    )[0];
    const bigCounts = (partial: CountsPartial): CountsPartial => {
      const records = partial.records.slice();
      const words = new Uint32Array(records.buffer);
      const perRecord = words.length / partial.keyEnds.length;
      for (let row = 0; row < partial.keyEnds.length; row++) words[row * perRecord] = words[row * perRecord + 1 + row] = 0xffff_fff0;
      return { ...partial, records };
    };
    both([bigCounts(huge), huge, bigCounts(huge), huge]);
  });

  test('the kernel ranks the merged table as rankGroups does: count descending, then key bytes', () => {
    fc.assert(
      fc.property(events, fc.array(fc.nat(), { maxLength: 4 }), fc.integer({ min: 0, max: 4 }), (evs, cuts, threshold) => {
        const merger = KernelMerger.create(COLUMNS)!;
        for (const piece of split(evs, cuts)) {
          const producer = new GroupTable(COLUMNS);
          addAll(producer, piece);
          merger.merge(producer.takePartial());
        }
        const { table, kernelTable } = merger.finish();
        const byKernel = kernelTable!.rank(threshold);
        const byJs = rankGroups({ table }, { threshold, keyFields: 1, windowSeconds: 0 }).order;
        assert.deepEqual([...byKernel], [...byJs]);
      }),
      { numRuns: 300 },
    );
  });

  test('merging is order-independent', () => {
    fc.assert(
      fc.property(
        events,
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.func(fc.integer()),
        (evs, cuts, order) => {
          const partials: CountsPartial[] = split(evs, cuts).map((piece) => {
            const table = new GroupTable(COLUMNS);
            addAll(table, piece);
            return table.takePartial();
          });
          const inOrder = new GroupTable(COLUMNS);
          for (const p of partials) inOrder.mergePartial(p);
          const shuffled = new GroupTable(COLUMNS);
          const permutation = partials.map((p, i) => ({ p, rank: order(i) })).sort((a, b) => a.rank - b.rank);
          for (const { p } of permutation) shuffled.mergePartial(p);
          assert.deepEqual(contentOf(shuffled), contentOf(inOrder));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('grows past its initial size: many keys, long keys', () => {
    const evs: Event[] = [];
    for (let i = 0; i < 20_000; i++) {
      evs.push({ key: Buffer.from(`client-${i % 7001}-${'x'.repeat(i % 50)}`), column: i % COLUMNS, stamp: packStamp(1e9 + i, 0) });
    }
    const table = new GroupTable(COLUMNS);
    addAll(table, evs);
    assert.deepEqual(contentOf(table), expectedContent(evs));
    const merged = new GroupTable(COLUMNS);
    merged.mergePartial(table.takePartial());
    addAll(table, evs.slice(0, 5000));
    merged.mergePartial(table.takePartial());
    assert.deepEqual(contentOf(merged), expectedContent([...evs, ...evs.slice(0, 5000)]));
  });

  test('an empty partial merges to nothing; a partial of another width is refused', () => {
    const table = new GroupTable(COLUMNS);
    table.mergePartial(new GroupTable(COLUMNS).takePartial());
    assert.equal(table.size, 0);
    assert.throws(() => table.mergePartial(new GroupTable(COLUMNS + 1).takePartial()));
  });

  test('a partial survives a structured clone (as it crosses to the main thread)', () => {
    const evs: Event[] = [
      { key: Buffer.from('a'), column: 0, stamp: packStamp(5, 0) },
      { key: Buffer.from('bb'), column: 2, stamp: packStamp(3, 60) },
      { key: Buffer.from('a'), column: 1, stamp: packStamp(9, -60) },
    ];
    const source = new GroupTable(COLUMNS);
    addAll(source, evs);
    const cloned = structuredClone(source.takePartial());
    const table = new GroupTable(COLUMNS);
    table.mergePartial(cloned);
    assert.deepEqual(contentOf(table), expectedContent(evs));
  });
});
