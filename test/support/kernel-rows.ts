// Results whose rows the kernel writes (kernel/rows.ts), over keys, counts and instants chosen at will, for the
// sinks' tests to hold the kernel's CSV, JSON and NDJSON to the row objects' (the sinks' general path): key
// fields of any length with a byte the format must quote, escape or decode anywhere in them, counts up to 2^32 - 1,
// instants in any offset, at the ends of the four-digit years and past them.

import fc from 'fast-check';
import { packStamp } from '../../src/base/time.js';
import { GroupTable } from '../../src/tables/group-table.js';
import { KernelMerger } from '../../src/tables/kernel-table.js';
import { recordBytesFor } from '../../src/tables/partial.js';
import { RankedGroups } from '../../src/tables/ranked.js';
import type { AnalyzeResult } from '../../src/tables/result.js';
import { fakeSummary } from './results.js';

/** The same result with its rows as plain objects: the sinks then take their general path. */
export function asObjects(result: AnalyzeResult): AnalyzeResult {
  const rows = result.rows;
  return { ...result, reported: { length: rows.length, at: (i) => rows[i] } };
}

/** A key made for several fields, as analyses/key-maker.ts lays it out (tables/composite-key.ts). */
export function compositeKey(parts: readonly Uint8Array[]): Uint8Array {
  const bytes: number[] = [];
  parts.forEach((part, i) => {
    if (i < parts.length - 1) bytes.push((part.length >>> 24) & 255, (part.length >>> 16) & 255, (part.length >>> 8) & 255, part.length & 255);
    bytes.push(...part);
  });
  return Uint8Array.from(bytes);
}

/** Bytes that some format must treat apart: controls, space, quote, comma, backslash, DEL, UTF-8 and not. */
const ODD_BYTES = [0x00, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1f, 0x20, 0x22, 0x2c, 0x5c, 0x7f, 0x80, 0xc3, 0xff];
/** Bytes every format writes as they are (those around the odd ones too: `!`, `#`, `+`, `[`, `]`, `~`). */
const PLAIN = Buffer.from('abz09/.-:_?=&%!#+[]~');

/** Where an odd byte goes in a field: anywhere, first or last (CSV quotes a field that starts or ends with a space). */
const oddAt = fc.oneof(fc.nat(), fc.constant(0), fc.constant(-1));

/** A key field: plain bytes of any length to 70 (the kernel's short and long copies), odd bytes anywhere in some. */
export const keyField: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.array(fc.integer({ min: 0, max: PLAIN.length - 1 }), { maxLength: 70, size: 'max' }),
    fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(fc.tuple(oddAt, fc.constantFrom(...ODD_BYTES)), { minLength: 1, maxLength: 3 }), weight: 2 }),
  )
  .map(([plain, odd]) => {
    const bytes = Uint8Array.from(plain, (i) => PLAIN[i]);
    for (const [at, byte] of odd) if (bytes.length > 0) bytes[at < 0 ? bytes.length - 1 : at % bytes.length] = byte;
    return bytes;
  });

/** A count: mostly small, often at a power of ten (and one less), up to 2^32 - 1. */
export const count: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 12 }),
  fc.integer({ min: 1, max: 9 }).map((digits) => 10 ** digits),
  fc.integer({ min: 1, max: 9 }).map((digits) => 10 ** digits - 1),
  fc.constant(0xffffffff),
  fc.integer({ min: 0, max: 0xffffffff }),
);

/** The first second of year 0000 and the last of 9999 (UTC, epoch seconds). */
const FIRST_YEAR_SECOND = new Date('0000-01-01T00:00:00Z').getTime() / 1000;
const LAST_YEAR_SECOND = new Date('9999-12-31T23:59:59Z').getTime() / 1000;

/** An instant: any second of 2024, or within two days of the four-digit years' ends; any offset a stamp holds. */
export const stamp: fc.Arbitrary<number> = fc
  .tuple(
    fc.oneof(
      fc.integer({ min: Date.UTC(2024, 0, 1) / 1000, max: Date.UTC(2025, 0, 1) / 1000 }),
      fc.integer({ min: FIRST_YEAR_SECOND - 2 * 86400, max: FIRST_YEAR_SECOND + 2 * 86400 }),
      fc.integer({ min: LAST_YEAR_SECOND - 2 * 86400, max: LAST_YEAR_SECOND + 2 * 86400 }),
    ),
    fc.oneof(fc.constantFrom(0, 60, -300, 840, -720), fc.integer({ min: -2048, max: 2047 })),
  )
  .map(([epoch, offset]) => packStamp(epoch, offset));

export interface KernelRowsCase {
  readonly keys: readonly Uint8Array[];
  readonly fields: readonly string[];
  readonly columns: readonly string[];
  /** Per row (taken in turn): its counts, the total first, then one per column. */
  readonly counts: readonly (readonly number[])[];
  /** Per row (taken in turn): its first and last instant. */
  readonly stamps: readonly (readonly [number, number])[];
}

/** A result over the keys (one row each, repeats merged), merged into the kernel's table: the kernel writes its rows. */
export function kernelResult({ keys, fields, columns, counts, stamps }: KernelRowsCase): AnalyzeResult {
  const width = columns.length + 1;
  const producer = new GroupTable(columns.length);
  for (const key of keys) producer.add(key, 0, key.length, 0, packStamp(0, 0));
  const partial = producer.takePartial();
  // The numbers set straight in the partial's records: counts a table of added lines could not reach.
  const recordBytes = recordBytesFor(width, 4);
  const view = new DataView(partial.records.buffer, partial.records.byteOffset, partial.records.byteLength);
  for (let row = 0; row < partial.keyEnds.length; row++) {
    const at = row * recordBytes;
    const numbers = counts[row % counts.length];
    for (let c = 0; c < width; c++) view.setUint32(at + 4 * c, numbers[c % numbers.length], true);
    const [first, last] = stamps[row % stamps.length];
    view.setFloat64(at + recordBytes - 16, first, true);
    view.setFloat64(at + recordBytes - 8, last, true);
  }
  const merger = KernelMerger.create(columns.length, fields.length)!;
  merger.merge(partial);
  const { table, kernelTable } = merger.finish();
  const order = Int32Array.from({ length: table.size }, (_, i) => table.size - 1 - i);
  const reported = new RankedGroups(table, order, fields.length, undefined, kernelTable);
  return {
    keyFields: fields,
    errorCodes: [404],
    statusColumns: columns,
    threshold: 1,
    reported,
    get rows() {
      return reported.toArray();
    },
    summary: fakeSummary({ groups: table.size, reported: order.length }),
  };
}

/** Cases for kernelResult: 1 to 3 key fields, up to 40 rows, any numbers and instants. */
export const kernelRowsCase: fc.Arbitrary<KernelRowsCase> = fc
  .tuple(
    fc.integer({ min: 1, max: 3 }),
    fc.constantFrom(['404'], ['4xx', '500'], ['10', '9', 'x', '2'], ['400', '401', '403', '404', '405', '500', '501', '502', '503', '504', '505']),
    fc.array(fc.array(keyField, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 40 }),
    fc.array(fc.array(count, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 8 }),
    fc.array(fc.tuple(stamp, stamp), { minLength: 1, maxLength: 8 }),
  )
  .map(([fieldCount, columns, parts, counts, stamps]) => ({
    keys: parts.map((p) => (fieldCount === 1 ? p[0] : compositeKey(p.slice(0, fieldCount)))),
    fields: ['ip', 'path', 'user_agent'].slice(0, fieldCount),
    columns,
    counts,
    stamps,
  }));
