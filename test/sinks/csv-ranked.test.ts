// The CSV of an engine result is written as bytes straight from the ranking (sinks/csv.ts); it must be exactly
// the CSV of the same rows given as objects, for any key (composite, quoted, UTF-8 or not), window and size.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RankedGroups } from '../../src/tables/ranked.js';
import type { AnalyzeResult } from '../../src/tables/result.js';
import { ByteWriter, collectText } from '../../src/sinks/bytes.js';
import { formatCsv, saveCsv } from '../../src/sinks/csv.js';
import { analyzeText, clfTime, BASE_EPOCH, logs } from '../support/analysis-logs.js';
import { packStamp } from '../../src/base/time.js';
import { withTempDir } from '../support/files.js';
import { kernelResult, kernelRowsCase } from '../support/kernel-rows.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The same result with its rows as plain objects: the CSV sink then takes the general path. */
function asObjects(result: AnalyzeResult): AnalyzeResult {
  const rows = result.rows;
  return { ...result, reported: { length: rows.length, at: (i) => rows[i] } };
}

const ODD_PATHS = ['/a,b', '/say"hi"', '/caf\xc3\xa9', '/\xff\xfe', '/tab\there', '/', '/x?q=1,2'];

function oddLog(): string {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    const path = ODD_PATHS[i % ODD_PATHS.length];
    const status = [404, 500, 403][i % 3];
    lines.push(`10.0.${i % 3}.${i % 5} - - [${clfTime(BASE_EPOCH + i * 7, [0, 60, -300][i % 3])}] "GET ${path} HTTP/1.1" ${status} 12`);
  }
  return lines.join('\n') + '\n';
}

describe('CSV written from the ranking', () => {
  it('equals the CSV of the row objects: any --by, window and threshold', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.constantFrom(['ip'], ['path'], ['ip', 'path'], ['path', 'status'], ['user_agent']),
        fc.constantFrom(0, 60, 3600),
        fc.integer({ min: 1, max: 3 }),
        async (log, by, window, threshold) => {
          const result = await analyzeText(log, { by, threshold, errorCodes: ['4xx', '5xx'], ...(window ? { window: `${window}s` } : {}) });
          assert.equal(formatCsv(result), formatCsv(asObjects(result)));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('quotes and decodes odd keys as the row objects do', async () => {
    for (const by of [['path'], ['ip', 'path'], ['ip']]) {
      const result = await analyzeText(oddLog(), { by, threshold: 1, keepQuery: true });
      assert.ok(result.reported.length > 0);
      // Counts only: the kernel merged, ranked and writes the rows (composite keys too), and hands back the odd ones.
      assert.ok(result.reported instanceof RankedGroups && result.reported.kernelTable, 'the kernel holds the table');
      const csv = formatCsv(result);
      assert.equal(csv, formatCsv(asObjects(result)), by.join(','));
      if (by[0] === 'path') assert.match(csv, /^"\/a,b",/m);
    }
  });

  it('the kernel writes the default run\'s rows; odd clients and far dates come out as the row objects say', async () => {
    // Clients with a comma, a quote, UTF-8, bytes that are not UTF-8; dates at the ends of four-digit years.
    const clients = ['10.0.0.1', 'a,b', 'say"hi"', 'caf\xc3\xa9', '\xff\xfe', '::1', 'x'.repeat(300)];
    const lines: string[] = [];
    for (let i = 0; i < 700; i++) {
      const time =
        i % 100 === 99 ? '31/Dec/9999:23:59:59 +1400' : i % 100 === 98 ? '01/Jan/0099:00:00:00 -1200' : clfTime(BASE_EPOCH + i * 13, [0, 60, -300][i % 3]);
      lines.push(`${clients[i % clients.length]} - - [${time}] "GET / HTTP/1.1" ${[404, 500, 403][i % 3]} 12`);
    }
    const result = await analyzeText(lines.join('\n') + '\n', { threshold: 1, threads: 2 });
    assert.ok(result.reported instanceof RankedGroups && result.reported.kernelTable, 'the kernel holds the table');
    const csv = formatCsv(result);
    assert.equal(csv, formatCsv(asObjects(result)));
    assert.match(csv, /^"a,b",/m);
    assert.match(csv, /^"say""hi""",/m);
    assert.match(csv, /9999-12-31T23:59:59\+14:00/);
    assert.match(csv, /,0099-01-01T00:00:00-12:00,/);
  });

  it('saveCsv writes exactly formatCsv, across the writer\'s chunks', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) lines.push(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255} - - [${clfTime(BASE_EPOCH + i, 0)}] "GET / HTTP/1.1" 404 1`);
    const result = await analyzeText(lines.join('\n'), { threshold: 1, threads: 2 });
    assert.equal(result.reported.length, 30_000);
    await withTempDir((dir) => {
      saveCsv(result, join(dir, 'out.csv'));
      const saved = readFileSync(join(dir, 'out.csv'), 'utf8');
      assert.equal(saved, formatCsv(result));
      assert.equal(saved, formatCsv(asObjects(result)));
    });
  });
});

describe('CSV rows the kernel writes', () => {
  it('equal the CSV of the row objects: key fields of any length with an odd byte anywhere, any count and instant', () => {
    fc.assert(
      fc.property(kernelRowsCase, (rowsCase) => {
        const result = kernelResult(rowsCase);
        assert.ok(result.reported instanceof RankedGroups && result.reported.kernelTable, 'the kernel holds the table');
        assert.equal(formatCsv(result), formatCsv(asObjects(result)));
      }),
      { numRuns: 400 },
    );
  });

  it('quote keys twice their length across the kernel\'s chunks', () => {
    const keys = Array.from({ length: 3000 }, (_, i) => Buffer.from(`${'"'.repeat(i % 7 === 0 ? 0 : 300)} ${i}`, 'latin1'));
    const result = kernelResult({ keys, fields: ['ip'], columns: ['404'], counts: [[3, 3]], stamps: [[packStamp(BASE_EPOCH, 60), packStamp(BASE_EPOCH + 99, 60)]] });
    assert.equal(result.reported.length, 3000);
    assert.equal(formatCsv(result), formatCsv(asObjects(result)));
  });
});

describe('ByteWriter', () => {
  it('writes whole numbers as String() does, up to 2^53', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, 9, 10, 99, 100, 2 ** 32, 2 ** 53)), (n) => {
        assert.equal(collectText((out) => out.uint(n)), String(n));
      }),
      { numRuns: 3000 },
    );
  });

  it('hands on every byte, in order, whatever the mix of writes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.nat()), { maxLength: 200 }), (parts) => {
        const expected = parts.map(String).join('');
        assert.equal(collectText((out) => parts.forEach((p) => (typeof p === 'number' ? out.uint(p) : out.text(p)))), expected);
      }),
    );
    // Writes bigger than a chunk, and many small ones across chunk ends.
    const big = 'x'.repeat(600_000);
    const chunks: number[] = [];
    const out = new ByteWriter((bytes) => chunks.push(bytes.length));
    out.text(big);
    for (let i = 0; i < 100_000; i++) out.byte(0x61);
    out.end();
    assert.equal(chunks.reduce((a, b) => a + b, 0), 700_000);
  });
});
