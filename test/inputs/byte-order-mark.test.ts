// A UTF-8 byte-order mark at the start of a file (inputs/byte-order-mark.ts) is not part of its first line:
// not in a plain file cut into ranges, nor in a stream (stdin, gzip) cut into pieces of any size.

import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import { ByteOrderMarkSkip, UTF8_BOM } from '../../src/inputs/byte-order-mark.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { analyzeContent } from '../support/files.js';

const BOM = '\xef\xbb\xbf';

function skipAll(pieces: readonly Uint8Array[]): Buffer {
  const out: Buffer[] = [];
  const skip = new ByteOrderMarkSkip();
  for (const piece of pieces) skip.push(piece, (text) => out.push(Buffer.from(text)));
  skip.end((text) => out.push(Buffer.from(text)));
  return Buffer.concat(out);
}

describe('ByteOrderMarkSkip', () => {
  test('drops the mark at the start only, and nothing else, however the text is cut', () => {
    const starts = fc.constantFrom(Buffer.alloc(0), UTF8_BOM, UTF8_BOM.subarray(0, 1), UTF8_BOM.subarray(0, 2), Buffer.from([0xef, 0xbb, 0x41]));
    fc.assert(
      fc.property(starts, fc.uint8Array({ maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 10 }), (start, rest, cuts) => {
        const text = Buffer.concat([start, rest]);
        const pieces: Uint8Array[] = [];
        let at = 0;
        for (const cut of cuts) {
          pieces.push(text.subarray(at, Math.min(text.length, at + cut)));
          at = Math.min(text.length, at + cut);
        }
        pieces.push(text.subarray(at));
        const expected = text.subarray(0, 3).equals(UTF8_BOM) ? text.subarray(3) : text;
        assert.deepEqual(skipAll(pieces), expected);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('a file that starts with a byte-order mark', () => {
  const clf = [
    '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 404 1',
    '10.0.0.1 - - [10/Oct/2000:13:55:37 -0700] "GET / HTTP/1.1" 404 1',
    '',
  ].join('\n');
  const json = ['{"ts":1700000000,"status":404,"request":{"remote_ip":"10.0.0.1"}}', '{"ts":1700000001,"status":404,"request":{"remote_ip":"10.0.0.1"}}', ''].join('\n');
  const iis = [
    '#Software: Microsoft Internet Information Services 8.5',
    '#Version: 1.0',
    '#Fields: date time c-ip cs-method cs-uri-stem sc-status',
    '2015-10-20 01:53:09 10.0.0.1 GET / 404',
    '2015-10-20 01:53:10 10.0.0.1 GET / 404',
    '',
  ].join('\n');

  for (const [name, text, format, header] of [
    ['Common', clf, 'common', 0],
    ['JSON lines', json, 'caddy', 0],
    ['IIS W3C', iis, 'w3c', 3],
    ['W3C with #Fields: first (the state of every later range)', iis.slice(iis.indexOf('#Fields')), 'w3c', 1],
  ] as const) {
    test(`${name}: the first line is read like the others (file at threads 1 and 3, stdin, gzip)`, async () => {
      const options = { threshold: 1, rangeBytes: 40 };
      const plain = await analyzeContent(text, { ...options, threads: 1 });
      for (const threads of [1, 3]) {
        const got = await analyzeContent(BOM + text, { ...options, threads });
        assert.equal(got.result.summary.format, format);
        assert.equal(got.result.summary.malformed, 0);
        assert.equal(got.result.summary.comment, header);
        assert.equal(got.result.rows.length, 1, got.csv);
        assert.equal(got.result.rows[0].count, 2);
        assert.equal(got.csv, plain.csv);
      }
      const bytes = Buffer.from(BOM + text, 'latin1');
      const fromStdin = await analyze({ ...options, input: '-', stdin: Readable.from([bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2)]) });
      assert.equal(formatCsv(fromStdin), plain.csv);
      assert.equal(fromStdin.summary.format, format);
      const gzipped = await analyzeContent(gzipSync(bytes), options);
      assert.equal(gzipped.csv, plain.csv);
    });
  }
});
