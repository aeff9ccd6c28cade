// inputs/range-reader.ts: chunked positional reads feed every line to the scanner exactly once, whatever the chunk size
// and wherever the ranges start; a line too long to hold is counted once as malformed and skipped, and the lines
// after it are read as usual. Run with both sinks: the JS LineScanner and the WebAssembly KernelScanner.

import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { GroupTable } from '../../src/tables/group-table.js';
import { KernelScanner } from '../../src/scan/kernel-scanner.js';
import { planRanges } from '../../src/plan/ranges.js';
import { RangeReader } from '../../src/inputs/range-reader.js';
import { LineScanner, statusColumns } from '../../src/scan/line-scanner.js';
import { combinedFormat } from '../../src/formats/clf.js';
import { referenceAnalyze } from '../reference/clf.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { lineOf } from '../support/generators.js';

const CODES = [404, 500];

let dir: string;
let n = 0;
before(() => {
  dir = makeTempDir();
});
after(() => removeDir(dir));

/** Reads `content` range by range with a fresh reader per range (as producers do), returns the summed counts. */
function readAll(content: Buffer, options: { chunkBytes: number; maxLineBytes: number; rangeBytes: number; kernel: boolean }) {
  const path = join(dir, `read-${n++}.log`);
  writeFileSync(path, content);
  const fd = openSync(path, 'r');
  try {
    const scanner = new LineScanner(combinedFormat, statusColumns(CODES), new GroupTable(CODES.length));
    const kernel = options.kernel ? new KernelScanner(scanner, options.chunkBytes, 'count') : undefined;
    const reader = new RangeReader(options.chunkBytes, kernel, options.maxLineBytes);
    for (const range of planRanges(fd, content.length, { producers: 2, rangeBytes: options.rangeBytes })) {
      reader.scanRange(fd, range.start, range.end, kernel ?? scanner);
    }
    const { lines, blank, malformed, parsed, matched } = scanner.stats;
    return { lines, blank, malformed, parsed, matched };
  } finally {
    closeSync(fd);
  }
}

const bareLine = (status: number, client: string, request = 'GET /'): string =>
  lineOf({ client, epoch: 1445742686, offset: 60, request, status, tail: ' 1' });
/** The length of the shortest line validLine makes. */
const SHORTEST = bareLine(404, '10.0.0.1').length;

/** A valid line of exactly `length` bytes (padded in the request). */
function validLine(length: number, status: number, client = '10.0.0.1'): string {
  const padding = length - bareLine(status, client).length;
  assert.ok(padding >= 0, `a line needs at least ${bareLine(status, client).length} bytes`);
  return bareLine(status, client, `GET /${'a'.repeat(padding)}`);
}

describe('RangeReader', () => {
  test('every line once, any chunk size, any ranges; overlong lines counted once as malformed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2 * SHORTEST, max: 4 * SHORTEST }), // maxLineBytes
        fc.array(fc.tuple(fc.constantFrom('short', 'near', 'exact', 'long', 'blank'), fc.constantFrom(404, 500, 200), fc.constantFrom('\n', '\r\n')), {
          maxLength: 25,
        }),
        fc.boolean(),
        fc.record({ chunkBytes: fc.integer({ min: 1, max: 16 }), rangeBytes: fc.integer({ min: 1, max: 400 }), kernel: fc.boolean() }),
        (maxLineBytes, specs, finalNewline, options) => {
          // Overlong: `long` lines have more than maxLineBytes bytes before their newline; `exact` ones exactly
          // that many (CR included: still read), `near` ones one less.
          let text = '';
          let expectedText = '';
          for (const [kind, status, eol] of specs) {
            const line =
              kind === 'blank' ? '' : kind === 'short' ? validLine(SHORTEST, status) : kind === 'near' ? validLine(maxLineBytes - 1 - (eol.length - 1), status) : kind === 'exact' ? validLine(maxLineBytes - (eol.length - 1), status) : validLine(maxLineBytes + 1 + SHORTEST, status);
            text += line + eol;
            expectedText += (kind === 'long' ? 'overlong' : line) + eol;
          }
          if (!finalNewline) {
            text = text.replace(/\r?\n$/, '');
            expectedText = expectedText.replace(/\r?\n$/, '');
          }
          const expected = referenceAnalyze(Buffer.from(expectedText, 'latin1'), { errorCodes: CODES, threshold: 1 }).counters;
          const got = readAll(Buffer.from(text, 'latin1'), { ...options, maxLineBytes });
          assert.deepEqual(got, expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a file that is one overlong line with no newline counts one malformed line', () => {
    for (const kernel of [false, true]) {
      const got = readAll(Buffer.from('x'.repeat(1000)), { chunkBytes: 7, maxLineBytes: 100, rangeBytes: 1 << 20, kernel });
      assert.deepEqual(got, { lines: 1, blank: 0, malformed: 1, parsed: 0, matched: 0 });
    }
  });

  test('lines far longer than the chunk are carried whole across many reads', () => {
    const lines = [validLine(SHORTEST, 404), validLine(50_000, 500, '::1'), validLine(3_000, 404)];
    for (const kernel of [false, true]) {
      const got = readAll(Buffer.from(lines.join('\r\n'), 'latin1'), { chunkBytes: 1000, maxLineBytes: 1 << 20, rangeBytes: 1 << 20, kernel });
      assert.deepEqual(got, { lines: 3, blank: 0, malformed: 0, parsed: 3, matched: 3 });
    }
  });
});
