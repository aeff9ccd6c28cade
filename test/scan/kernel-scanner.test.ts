// The WebAssembly scan kernel (kernel/clf.ts, used by default) against the reference, on many odd lines at once:
// it must accept exactly the lines the reference accepts and count them the same way. The JS parser runs on the
// same files, so a difference between the two shows up as a failure of one of them.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import { kernelSupports } from '../../src/scan/kernel-scanner.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { referenceAnalyze } from '../reference/clf.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { hosts, lineOf, lines, mutate, mutatedLines, nearLines, requests, tails } from '../support/generators.js';

/** Every tenth status, and the usual error codes: enough columns to see that statuses are read right. */
const CODES = [...new Set([...Array.from({ length: 50 }, (_, i) => 100 + i * 10 + (i % 10)), 400, 401, 403, 404, 500, 503])];

/**
 * Lines that share their date and offset (so the kernel's date cache hits) while the time of day varies,
 * sometimes out of range; then some bytes of the date changed.
 */
const sameDayLines = fc
  .record({
    client: fc.constantFrom('10.0.0.1', '10.0.0.2', '::1'),
    day: fc.constantFrom('10/Oct/2000', '29/Feb/2000', '29/Feb/2001', '31/Dec/1969', '01/Jan/0000'),
    h: fc.integer({ min: 0, max: 25 }),
    m: fc.integer({ min: 0, max: 61 }),
    s: fc.integer({ min: 0, max: 61 }),
    offset: fc.constantFrom('+0000', '-0700', '+0530', '+2400', '-0060', '+2359'),
    request: requests,
    status: fc.constantFrom(200, 404, 500, 599, 100),
    tail: tails,
  })
  .map(({ client, day, h, m, s, offset, request, status, tail }) => {
    const p = (n: number): string => String(n).padStart(2, '0');
    return `${client} - - [${day}:${p(h)}:${p(m)}:${p(s)} ${offset}] "${request}" ${status}${tail}`;
  });

const anyLine = fc.oneof(
  { weight: 4, arbitrary: lines.map((g) => g.line) },
  { weight: 4, arbitrary: sameDayLines },
  { weight: 2, arbitrary: sameDayLines.chain(mutate) },
  { weight: 2, arbitrary: mutatedLines },
  { weight: 1, arbitrary: nearLines },
  {
    weight: 1,
    arbitrary: fc
      .record({ client: hosts, epoch: fc.constant(971211336), offset: fc.constant(-420), request: requests, status: fc.constant(404), tail: tails })
      .map(lineOf),
  },
);

function counters(s: { lines: number; parsed: number; malformed: number; blank: number; matched: number }) {
  return { lines: s.lines, parsed: s.parsed, malformed: s.malformed, blank: s.blank, matched: s.matched };
}

describe('WebAssembly kernel vs the reference', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir();
  });
  after(() => removeDir(dir));

  test('the kernel is built and loads (else the default path would silently be the JS parser)', () => {
    for (const format of ['common', 'combined', 'vcombined']) assert.equal(kernelSupports(format), true, format);
  });

  for (const [format, vhost] of [['combined', false], ['vcombined', true]] as const) {
    test(`${format}: thousands of odd lines, several seeds`, async () => {
      for (const seed of [1, 2, 3]) {
        const sample = fc.sample(anyLine, { numRuns: 3000, seed });
        const text = sample.map((line, i) => (vhost ? `v${i % 3}.example:80 ${line}` : line)).join(seed % 2 ? '\n' : '\r\n');
        const log = Buffer.from(text, 'latin1');
        const input = join(dir, `${format}-${seed}.log`);
        writeFileSync(input, log);
        const expected = referenceAnalyze(log, { errorCodes: CODES, threshold: 1, vhost });
        assert.ok(expected.counters.parsed > 1000 && expected.counters.malformed > 500, JSON.stringify(expected.counters));
        for (const kernel of [true, false]) {
          const result = await analyze({ input, format, errorCodes: CODES, threshold: 1, threads: 2, chunkBytes: 4096 + seed, kernel });
          const label = `${format}, seed ${seed}, kernel ${kernel}`;
          assert.deepEqual(counters(result.summary), expected.counters, label);
          assert.equal(formatCsv(result), expected.csv, label);
        }
      }
    });
  }

  test('many clients: group tables grow (and move) mid-run without losing a count, kernel and JS', async () => {
    // 60,000 clients, each with 1 to 3 matching lines, the first of which sets first_seen: a count lost
    // while the table grows shows up as a wrong count or a wrong first_seen.
    const lines: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 60_000; i++) {
        if (round > 0 && i % (round + 1) !== 0) continue;
        const client = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
        lines.push(lineOf({ client, epoch: 1445742686 + round * 3600 + (i % 3600), offset: -420, request: 'GET /x HTTP/1.1', status: 404, tail: ' 1' }));
      }
    }
    const log = Buffer.from(lines.join('\n') + '\n', 'latin1');
    const input = join(dir, 'many-clients.log');
    writeFileSync(input, log);
    const expected = referenceAnalyze(log, { errorCodes: [404], threshold: 1, vhost: false });
    for (const kernel of [true, false]) {
      for (const threads of [1, 2]) {
        const result = await analyze({ input, format: 'combined', errorCodes: [404], threshold: 1, threads, kernel });
        assert.equal(result.rows.length, 60_000);
        assert.equal(formatCsv(result), expected.csv, `threads ${threads}, kernel ${kernel}`);
      }
    }
  });
});
