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
import { collidingKeys } from '../support/hash-collisions.js';
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

  test('clients that differ in one byte anywhere, or in length only, through its batched adds (any chunk cut)', async () => {
    // The kernel queues a matching line's add and does a batch at a time (kernel/table.ts tableQueue), comparing
    // keys 8 bytes at a time: near clients of every length up to 40, cut across chunks, must count as the reference does.
    const clientByte = fc.integer({ min: 0x21, max: 0x7e }); // no space: a client is one word
    const near = fc.array(clientByte, { minLength: 1, maxLength: 40 }).chain((base) =>
      fc.array(
        fc.oneof(
          fc.constant(base),
          fc.record({ at: fc.nat(), to: clientByte }).map(({ at, to }) => base.map((b, i) => (i === at % base.length ? to : b))),
          fc.constant(base.length > 1 ? base.slice(0, -1) : base),
          clientByte.map((b) => [...base, b]),
        ),
        { minLength: 1, maxLength: 120 },
      ),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(near, fc.integer({ min: 0, max: 4000 }), async (clients, chunkExtra) => {
        const text = clients
          .map((c, i) => lineOf({ client: String.fromCharCode(...c), epoch: 1445742686 + i, offset: 0, request: 'GET /x HTTP/1.1', status: i % 5 === 0 ? 200 : 404, tail: ' 1' }))
          .join('\n');
        const log = Buffer.from(text + '\n', 'latin1');
        const input = join(dir, `near-clients-${run++}.log`);
        writeFileSync(input, log);
        const expected = referenceAnalyze(log, { errorCodes: [404], threshold: 1, vhost: false });
        const result = await analyze({ input, format: 'combined', errorCodes: [404], threshold: 1, threads: 1, chunkBytes: 4096 + chunkExtra, kernel: true });
        assert.equal(formatCsv(result), expected.csv);
      }),
      { numRuns: 60 },
    );
  });

  test('clients of the same hash and length, differing in 4 bytes anywhere, through its batched adds', async () => {
    // Only keys whose hash and length are equal reach the key compare: pairs of them at every place, lengths 4 to
    // 44, with other clients between, in small chunks (a batch of adds waits across lines, flushed per chunk).
    const pairs = Array.from({ length: 41 }, (_, i) => collidingKeys(Buffer.from('10.0.0.'.repeat(6).slice(0, i % 41), 'latin1'), Buffer.from('.9'.slice(0, i % 3), 'latin1'), i + 1));
    const text = pairs
      .flatMap(([a, b], i) => [a, b, a, Buffer.from(`192.168.${i}.1`), b, a].map((client, j) => ({ client: client.toString('latin1'), j })))
      .map(({ client, j }, n) => lineOf({ client, epoch: 1445742686 + n, offset: 0, request: 'GET /x HTTP/1.1', status: j === 5 ? 200 : 404, tail: ' 1' }))
      .join('\n');
    const log = Buffer.from(text + '\n', 'latin1');
    const input = join(dir, 'colliding-clients.log');
    writeFileSync(input, log);
    const expected = referenceAnalyze(log, { errorCodes: [404], threshold: 1, vhost: false });
    assert.equal(expected.csv.trim().split('\n').length, 1 + 41 * 3);
    for (const chunkBytes of [4096, 5000, 65536]) {
      const result = await analyze({ input, format: 'combined', errorCodes: [404], threshold: 1, threads: 1, chunkBytes, kernel: true });
      assert.equal(formatCsv(result), expected.csv, `chunks of ${chunkBytes}`);
    }
  });

  test('runs of lines of one time (its 26 bytes compared at once), a byte of it changed; ident and user of every kind', async () => {
    // The kernel reuses the last line's stamp while the next line's time has the same bytes, and reads ` - - [`
    // as one compare: equal times, times one byte off (anywhere, valid or not), and near forms of ident and user
    // must count as the reference does.
    const times = ['10/Oct/2000:13:55:36 -0700', '10/Oct/2000:13:55:37 -0700', '29/Feb/2000:23:59:60 +0530', '31/Dec/1969:00:00:00 +0000'];
    const timeByte = fc.constantFrom(...'0123456789/:+- JanFebOctxZ]'.split(''));
    const time = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...times) },
      { weight: 2, arbitrary: fc.record({ base: fc.constantFrom(...times), at: fc.nat({ max: 25 }), to: timeByte }).map(({ base, at, to }) => base.slice(0, at) + to + base.slice(at + 1)) },
    );
    const identUser = fc.constantFrom('- -', '-  -', 'x -', '- x', '- "a b"', '- "a\\" [', '-', '- - ', '--', '"-" -', '- -\t');
    const line = fc
      .record({ client: fc.constantFrom('10.0.0.1', '::1', 'h'), identUser, time, request: requests, status: fc.constantFrom(200, 404, 500), tail: tails })
      .map(({ client, identUser, time, request, status, tail }) => `${client} ${identUser} [${time}] "${request}" ${status}${tail}`);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 3000 }), async (lines, chunkExtra) => {
        const log = Buffer.from(lines.join('\n') + '\n', 'latin1');
        const input = join(dir, `times-${run++}.log`);
        writeFileSync(input, log);
        const expected = referenceAnalyze(log, { errorCodes: [404, 500], threshold: 1, vhost: false });
        const result = await analyze({ input, format: 'combined', errorCodes: [404, 500], threshold: 1, threads: 1, chunkBytes: 4096 + chunkExtra, kernel: true });
        assert.deepEqual(counters(result.summary), expected.counters);
        assert.equal(formatCsv(result), expected.csv);
      }),
      { numRuns: 80 },
    );
  });

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
