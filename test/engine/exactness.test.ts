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
import { referenceAnalyze, type ReferenceResult } from '../reference/clf.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { LOG_STATUSES, logs, utf8Bytes } from '../support/generators.js';
import { GENLOG, NEEDS_GENLOG } from '../support/paths.js';

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

describe('exactness on a genlog.mjs log, across the whole matrix', NEEDS_GENLOG, () => {
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

describe('exactness with many groups', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir();
  });
  after(() => removeDir(dir));

  test('50,000 distinct clients: group tables grow (in JS and in the kernel) and partials merge exactly', async () => {
    // xorshift32, so the log is the same on every run.
    let seed = 7;
    const rnd = (): number => {
      seed ^= seed << 13;
      seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed / 4294967296;
    };
    const pad = (n: number): string => String(n).padStart(2, '0');
    const lines: string[] = [];
    for (let i = 0; i < 80_000; i++) {
      const c = Math.floor(rnd() * 50_000);
      const client = `10.${c >> 16}.${(c >> 8) & 255}.${c & 255}${c % 5 === 0 ? '.a-longer-host-name.example.com' : ''}`;
      const second = Math.floor(rnd() * 86_400);
      const time = `10/Oct/2000:${pad(Math.floor(second / 3600))}:${pad(Math.floor(second / 60) % 60)}:${pad(second % 60)} ${rnd() < 0.5 ? '+0100' : '-0230'}`;
      const status = [404, 500, 200, 403][Math.floor(rnd() * 4)];
      lines.push(`${client} - - [${time}] "GET /x HTTP/1.1" ${status} 12`);
    }
    const log = Buffer.from(lines.join('\n') + '\n', 'latin1');
    const input = join(dir, 'many.log');
    writeFileSync(input, log);
    const errorCodes = [403, 404, 500];
    const expected = referenceAnalyze(log, { errorCodes, threshold: 1 });
    assert.ok(expected.csv.split('\n').length > 30_000, 'most clients are reported');
    await assertMatches(input, expected, { threads: 2, errorCodes, threshold: 1 });
    await assertMatches(input, expected, { threads: 3, errorCodes, threshold: 1, chunkBytes: 4097, rangeBytes: 300_001, kernel: true });
    await assertMatches(input, expected, { threads: 2, errorCodes, threshold: 1, chunkBytes: 513, flushGroups: 5_000, kernel: false });
  });
});

describe('exactness when instants tie', () => {
  test('the same instant in several offsets gives the same first_seen/last_seen whatever the split', async () => {
    // 11:00:00Z written in four offsets, in an order that puts each in a different range.
    const times = ['10/Oct/2000:12:00:00 +0100', '10/Oct/2000:06:00:00 -0500', '10/Oct/2000:11:00:00 +0000', '10/Oct/2000:16:30:00 +0530'];
    const text = times.map((t) => `10.0.0.1 - - [${t}] "GET / HTTP/1.1" 404 1\n`).join('');
    const expected = referenceAnalyze(Buffer.from(text), { errorCodes: [404], threshold: 1 });
    assert.equal(
      expected.csv,
      'ip,count,404,first_seen,last_seen\n10.0.0.1,4,4,2000-10-10T06:00:00-05:00,2000-10-10T16:30:00+05:30\n',
    );
    const dir = makeTempDir();
    try {
      const input = join(dir, 'ties.log');
      writeFileSync(input, text);
      for (const threads of [1, 2, 3, 7]) {
        for (const kernel of [true, false]) {
          await assertMatches(input, expected, { threads, kernel, errorCodes: [404], threshold: 1, rangeBytes: 1, flushGroups: 1, queueCapacity: 1 });
        }
      }
    } finally {
      removeDir(dir);
    }
  });
});
