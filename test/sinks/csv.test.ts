// sinks/csv.ts: the CSV contract (header, quoting, rows) and saving it, checked against the reference's writer.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { AnalyzeResult, ResultRow } from '../../src/tables/result.js';
import { csvField, formatCsv, saveCsv } from '../../src/sinks/csv.js';
import { referenceCsvField } from '../reference/clf.js';
import { withTempDir } from '../support/files.js';
import { fakeResult, fakeRow } from '../support/results.js';

function resultOf(rows: ResultRow[], errorCodes: number[] = [400, 404]): AnalyzeResult {
  return fakeResult(rows, errorCodes);
}

const row = (key: string, count = 1): ResultRow =>
  fakeRow(key, count, [count, 0], '2015-10-25T04:11:26+01:00', '2015-10-25T04:11:26+01:00');

describe('CSV', () => {
  test('header: ip,count, one column per code, first_seen,last_seen; no rows: header only', () => {
    assert.equal(formatCsv(resultOf([], [400, 401, 500, 503])), 'ip,count,400,401,500,503,first_seen,last_seen\n');
  });

  test('rows as given, fields in the contract order', () => {
    assert.equal(
      formatCsv(resultOf([row('10.0.0.1', 3), row('::1', 2)])),
      'ip,count,400,404,first_seen,last_seen\n' +
        '10.0.0.1,3,3,0,2015-10-25T04:11:26+01:00,2015-10-25T04:11:26+01:00\n' +
        '::1,2,2,0,2015-10-25T04:11:26+01:00,2015-10-25T04:11:26+01:00\n',
    );
  });

  test('quoting: commas, quotes, CR, LF; leading or trailing white space', () => {
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('a\rb'), '"a\rb"');
    assert.equal(csvField('a\nb'), '"a\nb"');
    assert.equal(csvField('\tx'), '"\tx"');
    assert.equal(csvField('x '), '"x "');
    assert.equal(csvField('2001:db8::1'), '2001:db8::1');
    assert.equal(csvField('ünï'), 'ünï');
    assert.equal(csvField(''), '');
    assert.equal(csvField(42), '42');
  });

  test('quoting agrees with the reference on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom(' ', '"', ',', '\r\n', '\u3000x')), (text) => {
        assert.equal(csvField(text), referenceCsvField(text));
      }),
      { numRuns: 3000 },
    );
  });

  test('saveCsv writes exactly formatCsv, across its batches of rows', async () => {
    await withTempDir((dir) => {
      for (const n of [0, 1, 9_999, 10_000, 10_001, 25_000]) {
        const result = resultOf(Array.from({ length: n }, (_, i) => row(i % 7 === 0 ? `q"${i},x` : `10.0.${i >> 8}.${i & 255}`, n - i)));
        const path = join(dir, `rows-${n}.csv`);
        saveCsv(result, path);
        assert.equal(readFileSync(path, 'utf8'), formatCsv(result), `${n} rows`);
      }
    });
  });
});
