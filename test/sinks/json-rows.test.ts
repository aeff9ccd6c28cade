// The JSON and NDJSON of an engine result are written as bytes straight from the ranking (sinks/json-rows.ts);
// they must be exactly what JSON.stringify makes of the same rows given as objects (sinks/json.ts's general
// path), for any key bytes (composite, escaped, UTF-8 or not), status column names, window and size.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GroupTable } from '../../src/tables/group-table.js';
import { KernelMerger } from '../../src/tables/kernel-table.js';
import { RankedGroups } from '../../src/tables/ranked.js';
import type { AnalyzeResult } from '../../src/tables/result.js';
import { formatJson, formatNdjson } from '../../src/sinks/json.js';
import { packStamp } from '../../src/base/time.js';
import { analyzeText, BASE_EPOCH, clfTime, logs } from '../support/analysis-logs.js';
import { compositeKey as kernelKey, kernelResult, kernelRowsCase } from '../support/kernel-rows.js';

/** The same result with its rows as plain objects: the JSON sink then takes the general path. */
function asObjects(result: AnalyzeResult): AnalyzeResult {
  const rows = result.rows;
  return { ...result, reported: { length: rows.length, at: (i) => rows[i] } };
}

function assertSameJson(result: AnalyzeResult, message?: string): void {
  assert.equal(formatJson(result), formatJson(asObjects(result)), message);
  assert.equal(formatNdjson(result), formatNdjson(asObjects(result)), message);
}

/** A key made for several fields, as analyses/key-maker.ts lays it out (tables/composite-key.ts). */
function compositeKey(parts: readonly Uint8Array[]): Uint8Array {
  const bytes: number[] = [];
  parts.forEach((part, i) => {
    if (i < parts.length - 1) bytes.push((part.length >>> 24) & 255, (part.length >>> 16) & 255, (part.length >>> 8) & 255, part.length & 255);
    bytes.push(...part);
  });
  return Uint8Array.from(bytes);
}

/** A result over a table of the given keys (each counted `counts[i]` times, in column i % columns). */
function resultOf(keys: Uint8Array[], fields: readonly string[], columns: readonly string[], windowed: boolean): AnalyzeResult {
  const table = new GroupTable(columns.length);
  const stamp = packStamp(BASE_EPOCH, 60);
  keys.forEach((key, i) => {
    for (let n = 0; n <= i % 3; n++) table.add(key, 0, key.length, (i + n) % columns.length, packStamp(BASE_EPOCH + n * 1000, 60));
  });
  const order = Int32Array.from({ length: table.size }, (_, i) => table.size - 1 - i);
  const peaks = windowed ? { count: Float64Array.from(order, (row) => row + 1), start: Float64Array.from(order, () => stamp) } : undefined;
  const reported = new RankedGroups(table, order, fields.length, peaks);
  return {
    keyFields: fields,
    errorCodes: [404],
    statusColumns: columns,
    ...(windowed ? { windowSeconds: 60 } : {}),
    threshold: 1,
    reported,
    get rows() {
      return reported.toArray();
    },
    summary: { lines: 0, blank: 0, malformed: 0, comment: 0, parsed: 0, matched: 0, outside: 0, excluded: 0, input: 'x', inputs: [], skippedInputs: [], format: 'combined', warnings: [], bytes: 0, uncompressedBytes: 0, threads: 1, groups: table.size, reported: order.length, elapsedMs: 0 },
  };
}

/** The same result with its table merged into the kernel's (tables/kernel-table.ts), which then writes the rows. */
function inKernel(result: AnalyzeResult): AnalyzeResult {
  const { table: source, keyFields } = result.reported as RankedGroups;
  const producer = new GroupTable(source.columns);
  const merger = KernelMerger.create(source.columns, keyFields)!;
  for (let row = 0; row < source.size; row++) {
    const key = source.keys.subarray(source.keyStart(row), source.keyEnd(row));
    for (let c = 0; c < source.columns; c++) for (let n = 0; n < source.columnCount(row, c); n++) producer.add(key, 0, key.length, c, n === 0 ? source.first(row) : source.last(row));
  }
  merger.merge(producer.takePartial());
  const { table, kernelTable } = merger.finish();
  const reported = new RankedGroups(table, Int32Array.from({ length: table.size }, (_, i) => table.size - 1 - i), keyFields, undefined, kernelTable);
  return { ...result, reported, get rows() { return reported.toArray(); } };
}

/** Key bytes that exercise every escape: quotes, backslashes, control bytes, DEL, UTF-8, a BOM, invalid UTF-8. */
const keyPart = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc.constantFrom(...['10.0.0.1', '', 'a"b', 'a\\b', '\t\n\r\b\f\x00\x1f\x7f', '\xef\xbb\xbfbom', 'caf\xc3\xa9', '\xff\xfe', '\xed\xa0\x80'].map((text) => Buffer.from(text, 'latin1'))),
);

describe('JSON written from the ranking', () => {
  it('equals JSON.stringify of the row objects: any key bytes, fields, status names, window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(['404'], ['4xx', '500'], ['404', '4xx', '500-599'], ['10', '9', 'x', '2']),
        fc.boolean(),
        fc.array(fc.array(keyPart, { minLength: 3, maxLength: 3 }), { maxLength: 30 }),
        (fieldCount, columns, windowed, keyParts) => {
          const fields = ['ip', 'path', 'user_agent'].slice(0, fieldCount);
          const keys = keyParts.map((parts) => (fieldCount === 1 ? parts[0] : compositeKey(parts.slice(0, fieldCount))));
          assertSameJson(resultOf(keys, fields, columns, windowed));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('written by the kernel (composite keys too), equals JSON.stringify of the row objects', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.constantFrom(['404'], ['4xx', '500'], ['10', '9', 'x', '2']),
        fc.array(fc.array(keyPart, { minLength: 3, maxLength: 3 }), { maxLength: 30 }),
        (fieldCount, columns, keyParts) => {
          const fields = ['ip', 'path', 'user_agent'].slice(0, fieldCount);
          const keys = keyParts.map((parts) => (fieldCount === 1 ? parts[0] : compositeKey(parts.slice(0, fieldCount))));
          const result = inKernel(resultOf(keys, fields, columns, false));
          assert.ok(result.reported instanceof RankedGroups && result.reported.kernelTable);
          assertSameJson(result);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('equals the row objects on engine results: any --by, window and threshold', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.constantFrom(['ip'], ['path'], ['ip', 'path'], ['path', 'status'], ['user_agent']),
        fc.constantFrom(0, 60),
        fc.integer({ min: 1, max: 3 }),
        async (log, by, window, threshold) => {
          const result = await analyzeText(log, { by, threshold, errorCodes: ['4xx', '500'], ...(window ? { window: `${window}s` } : {}) });
          assertSameJson(result);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('writes the default run\'s odd clients and far dates as JSON.stringify does', async () => {
    const clients = ['10.0.0.1', 'a\\b', 'say"hi"', 'caf\xc3\xa9', '\xff\xfe', '::1', 'x'.repeat(300)];
    const lines: string[] = [];
    for (let i = 0; i < 700; i++) {
      const time = i % 100 === 99 ? '31/Dec/9999:23:59:59 +1400' : clfTime(BASE_EPOCH + i * 13, [0, 60, -300][i % 3]);
      lines.push(`${clients[i % clients.length]} - - [${time}] "GET / HTTP/1.1" ${[404, 500, 403][i % 3]} 12`);
    }
    const result = await analyzeText(lines.join('\n') + '\n', { threshold: 1, threads: 2 });
    assert.ok(result.reported instanceof RankedGroups && result.reported.kernelTable, 'the kernel holds the table');
    assertSameJson(result);
    assert.match(formatNdjson(result), /"ip":"a\\\\b"/);
  });

  it('writes the kernel\'s rows as JSON.stringify does across its chunks, status names in JSON\'s order', async () => {
    // Clients the kernel writes and clients it hands back (escapes, UTF-8, far dates) mixed through 40k rows.
    const odd = ['tab\there', 'q"uote', 'caf\xc3\xa9', 'back\\slash'];
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) {
      const client = i % 997 === 0 ? odd[i % odd.length] : `2001:db8:${(i * 7919) % 65536}::${i % 7}`;
      const far = ['01/Jan/0099:00:00:00 -1200', '15/Feb/0000:10:00:00 +0000', '01/Mar/0000:00:00:00 +0000', '31/Dec/9999:23:59:59 -1200'];
      const time = i % 5003 === 0 ? far[(i / 5003) % far.length] : clfTime(BASE_EPOCH + i * 13, [0, 60, -300][i % 3]);
      lines.push(`${client} - - [${time}] "GET / HTTP/1.1" ${[404, 500, 403, 401, 503][i % 5]} 12`);
    }
    const result = await analyzeText(lines.join('\n') + '\n', { threshold: 1, threads: 2, errorCodes: ['5xx', '404', '401', '403'] });
    assert.ok(result.reported instanceof RankedGroups && result.reported.kernelTable, 'the kernel holds the table');
    assert.ok(result.reported.length > 30_000);
    assertSameJson(result);
    assert.match(formatNdjson(result), /"0000-02-15T10:00:00\+00:00"/);
  });
});

describe('JSON rows the kernel writes', () => {
  it('equal JSON.stringify of the row objects: key fields of any length with an odd byte anywhere, any count and instant', () => {
    fc.assert(
      fc.property(kernelRowsCase, (rowsCase) => {
        const result = kernelResult(rowsCase);
        assert.ok(result.reported instanceof RankedGroups && result.reported.kernelTable, 'the kernel holds the table');
        assertSameJson(result);
      }),
      { numRuns: 400 },
    );
  });

  it('escape keys six times their length across the kernel\'s chunks', () => {
    // 3000 rows of 1.2 kB each once escaped: rows end near every chunk's end, one field or both escaped.
    const keys = Array.from({ length: 3000 }, (_, i) => {
      const path = Buffer.from(`${'\x01'.repeat(i % 7 === 0 ? 0 : 200)}/${i}`, 'latin1');
      return kernelKey([Buffer.from(i % 3 === 0 ? `1.2.3.${i % 250}` : `"\x1f${i}`, 'latin1'), path]);
    });
    const result = kernelResult({ keys, fields: ['ip', 'path'], columns: ['404', '500'], counts: [[3, 1, 2]], stamps: [[packStamp(BASE_EPOCH, 60), packStamp(BASE_EPOCH + 99, 60)]] });
    assert.equal(result.reported.length, 3000);
    assertSameJson(result);
  });
});
