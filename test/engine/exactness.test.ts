// Exactness: any number of threads, any chunk size, any range size, any flush size give byte-identical results,
// equal to the reference's. Small chunks and ranges put read and range boundaries everywhere: inside lines,
// between CR and LF, inside multi-byte characters; flushGroups 1..3 and queueCapacity 1 make producers hand over
// many partials and wait on the queue.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { referenceAnalyze, type ReferenceResult } from '../reference.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { LOG_STATUSES, logs, utf8Bytes } from '../support/generators.js';
import { GENLOG } from '../support/paths.js';

const THREADS = [1, 2, 3, 7];

function counters(s: { lines: number; parsed: number; malformed: number; blank: number; matched: number }) {
  return { lines: s.lines, parsed: s.parsed, malformed: s.malformed, blank: s.blank, matched: s.matched };
}

async function assertMatches(
  input: string,
  expected: ReferenceResult,
  options: {
    errorCodes?: readonly number[];
    threshold: number;
    threads: number;
    chunkBytes?: number;
    rangeBytes?: number;
    flushGroups?: number;
    queueCapacity?: number;
    kernel?: boolean;
  },
): Promise<void> {
  const result = await analyze({ input, ...options });
  const label = JSON.stringify(options);
  assert.equal(formatCsv(result), expected.csv, label);
  assert.deepEqual(counters(result.summary), expected.counters, label);
}

describe('exactness on generated logs (fast-check)', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir();
  });
  after(() => removeDir(dir));

  test('any threads, chunk, range and flush sizes give the reference\'s CSV and counters', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.record({
          threads: fc.constantFrom(...THREADS),
          chunkBytes: fc.integer({ min: 1, max: 16 }),
          rangeBytes: fc.integer({ min: 1, max: 300 }),
          flushGroups: fc.integer({ min: 1, max: 3 }),
          kernel: fc.boolean(),
          threshold: fc.integer({ min: 1, max: 3 }),
          errorCodes: fc.subarray(LOG_STATUSES, { minLength: 1 }),
        }),
        async (log, { threshold, errorCodes, ...engine }) => {
          const input = join(dir, `log-${run++}.log`);
          writeFileSync(input, log);
          const expected = referenceAnalyze(log, { errorCodes, threshold });
          await assertMatches(input, expected, { ...engine, errorCodes, threshold, queueCapacity: 1 });
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('exactness on a genlog.mjs log, across the whole matrix', () => {
  let dir: string;
  let lf: string;
  let crlf: string;
  let expectedLf: ReferenceResult;
  let expectedCrlf: ReferenceResult;
  const codes = [400, 401, 403, 404, 500, 503];
  const threshold = 1;

  before(() => {
    dir = makeTempDir();
    // 800 lines with 5% bad ones (blank, truncated, binary), then a CRLF copy with multi-byte clients mixed in.
    const generated = execFileSync(process.execPath, [GENLOG, '--lines', '800', '--seed', '11', '--bad', '0.05']);
    lf = join(dir, 'gen.log');
    writeFileSync(lf, generated);
    const multiByte = utf8Bytes('ünï.example');
    const text = generated
      .toString('latin1')
      .split('\n')
      .map((line, i) => (i % 7 === 3 ? line.replace(/^\S+/, multiByte) : line))
      .join('\r\n');
    crlf = join(dir, 'gen-crlf.log');
    writeFileSync(crlf, Buffer.from(text, 'latin1'));
    expectedLf = referenceAnalyze(readFileSync(lf), { errorCodes: codes, threshold });
    expectedCrlf = referenceAnalyze(readFileSync(crlf), { errorCodes: codes, threshold });
    assert.ok(expectedLf.counters.malformed > 0 && expectedLf.counters.blank > 0, 'genlog should give bad lines too');
    assert.ok(expectedLf.csv.split('\n').length > 10, 'some clients should be over the threshold');
  });
  after(() => removeDir(dir));

  for (const threads of THREADS) {
    test(`threads ${threads}: chunk sizes 3..16 and small ranges`, async () => {
      // (1- and 2-byte chunks cost a system call per byte: they run on the smaller logs above and below.)
      // Even and odd settings alternate between the WebAssembly kernel and the JS parser.
      const sizes = [
        { chunkBytes: threads + 2, rangeBytes: 97 * threads, kernel: true },
        { chunkBytes: 16 - threads, rangeBytes: 4096 + threads, flushGroups: threads, kernel: false },
        { chunkBytes: 5 + threads, rangeBytes: 1, kernel: threads % 2 === 0 },
        { chunkBytes: 1 << 20, kernel: threads % 2 === 1 },
      ];
      for (const engine of sizes) {
        await assertMatches(lf, expectedLf, { ...engine, threads, errorCodes: codes, threshold, queueCapacity: 1 });
        await assertMatches(crlf, expectedCrlf, { ...engine, threads, errorCodes: codes, threshold, queueCapacity: 1 });
      }
    });
  }

  test('1- and 2-byte chunks on the first 20 KB', async () => {
    const head = join(dir, 'head.log');
    const bytes = readFileSync(crlf).subarray(0, 20_000);
    writeFileSync(head, bytes);
    const expected = referenceAnalyze(bytes, { errorCodes: codes, threshold });
    for (const [threads, kernel] of [[1, true], [3, false]] as const) {
      const common = { threads, kernel, errorCodes: codes, threshold, queueCapacity: 1 };
      await assertMatches(head, expected, { ...common, chunkBytes: 1, rangeBytes: 501, flushGroups: 1 });
      await assertMatches(head, expected, { ...common, chunkBytes: 2, rangeBytes: 13 });
    }
  });

  test('default engine settings agree too, with either scanner', async () => {
    for (const kernel of [true, false]) {
      await assertMatches(lf, expectedLf, { threads: 2, errorCodes: codes, threshold, kernel });
      await assertMatches(crlf, expectedCrlf, { threads: 2, errorCodes: codes, threshold, kernel });
    }
  });
});
