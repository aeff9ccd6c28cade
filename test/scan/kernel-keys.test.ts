// The CLF kernel's own group keys (kernel/keys.ts, the scanner's `keyed` mode: `--by` client, status, method and
// path, counted in the kernel's table, with each line's row and instant for `--window`) against the JS scanner
// (analyses/key-maker.ts, the reference), on odd requests and real logs: the same CSV and counts, at threads 1
// and 3 with ranges, chunks and producer tables small enough to cut lines and hand tables over anywhere. With a
// time span the kernel hands the lines of statuses that do not count back one record per second: that too.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { hosts, lineOf, lines, mutatedLines, nearLines, requests, tails } from '../support/generators.js';
import { NEEDS_REAL_LOGS, REAL } from '../support/paths.js';

const CODES = [200, 301, 400, 403, 404, 500, 503];

/** Requests that split in every way splitRequest knows: no space, runs of spaces, HTTP/ or not, queries. */
const oddRequests = fc.constantFrom(
  'GET /a?b=1 HTTP/1.1', 'GET  /x  HTTP/1.0', 'GET /x HTTP/', 'GET /x HTTP/1', 'GET', '', '-', ' /x', 'GET /x?',
  'GET ?q HTTP/1.1', 'GET /x HTTP/1.1 HTTP/1.0', 'POST /a b c HTTP/1.1', 'GET   ', '  GET /y', '\\x16\\x03\\x01',
  'GET /?a?b HTTP/2.0', 'GET /x HTTPS/1.1', 'GET /x http/1.1', 'CONNECT host:80 HTTP/1.1', 'GET /\xe9\xff HTTP/1.1',
);

const keyedLines = fc.oneof(
  { weight: 3, arbitrary: lines.map((g) => g.line) },
  { weight: 2, arbitrary: mutatedLines },
  { weight: 1, arbitrary: nearLines },
  {
    weight: 4,
    arbitrary: fc
      .record({
        client: fc.oneof(hosts, fc.constantFrom('10.0.0.1', '10.0.0.2')),
        epoch: fc.integer({ min: 1445742686, max: 1445742686 + 7200 }),
        offset: fc.constantFrom(-420, 0, 330),
        request: fc.oneof(oddRequests, requests),
        status: fc.constantFrom(200, 301, 404, 500, 503, 599),
        tail: tails,
      })
      .map(lineOf),
  },
);

/** The keys compared: every field the kernel makes, alone and together, in any order, with windows or not. */
const KEYS: ReadonlyArray<{ by: string[]; keepQuery?: boolean; window?: string; since?: string; until?: string }> = [
  { by: ['ip', 'path'] },
  { by: ['ip', 'path'], window: '10m' },
  { by: ['path'], keepQuery: true },
  { by: ['method'] },
  { by: ['status', 'method', 'path'], window: '1h' },
  { by: ['path', 'ip'], keepQuery: true },
  { by: ['ip'], window: '10m' },
  // A relative --since: the kernel keeps the responses undecided itself (span mode, scan/kernel-span.ts), by
  // the client or by the keys it makes; lines of statuses that do not count come a second at a time.
  { by: ['ip'], since: '30m' },
  { by: ['ip', 'path'], since: '1h', until: '10m' },
  { by: ['ip'], since: '1h', window: '10m' },
  { by: ['path'], keepQuery: true, since: '90m', until: '2015-10-25T04:30:00Z' },
  { by: ['status', 'method'], since: '2015-10-25T03:30:00Z' },
  { by: ['ip'], since: '20m', until: '5m', window: '5m' },
  // A time span the kernel does not keep itself (absolute, or a relative until alone): records to JS.
  { by: ['ip'], until: '30m' },
];
// Small settle batches (settleEntries) drop events out of the span in the kernel as the newest grows.
const SPLITS = [{ threads: 1 }, { threads: 3, rangeBytes: 700, chunkBytes: 333, flushGroups: 7, settleEntries: 3 }];

function counters(s: { lines: number; parsed: number; malformed: number; blank: number; matched: number; outside?: number }) {
  return { lines: s.lines, parsed: s.parsed, malformed: s.malformed, blank: s.blank, matched: s.matched, outside: s.outside };
}

/** Every key, with and without a window: the kernel's run equals the JS scanner's. */
async function sameKeys(input: string, format: string | undefined, label: string): Promise<void> {
  for (const key of KEYS) {
    const options = { input, errorCodes: CODES, threshold: 1, ...(format ? { format } : {}), ...key };
    const js = await analyze({ ...options, kernel: false });
    for (const split of SPLITS) {
      const got = await analyze({ ...options, ...split, kernel: true });
      const at = `${label} ${JSON.stringify({ ...key, ...split })}`;
      assert.deepEqual(counters(got.summary), counters(js.summary), at);
      assert.equal(formatCsv(got), formatCsv(js), at);
    }
  }
}

describe('the CLF kernel keys groups as the JS scanner does', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir();
  });
  after(() => removeDir(dir));

  for (const [format, prefix] of [['combined', ''], ['vcombined', 'v.example:80 '], ['compose:combined', 'web-1  | ']] as const) {
    test(`${format}: odd requests and lines`, async () => {
      for (const seed of [format.length]) {
        const sample = fc.sample(keyedLines, { numRuns: 1500, seed });
        const input = join(dir, `${format.replace(':', '-')}-${seed}.log`);
        writeFileSync(input, Buffer.from(sample.map((line) => prefix + line).join(seed % 2 ? '\n' : '\r\n'), 'latin1'));
        await sameKeys(input, format, `${format} seed ${seed}`);
      }
    });
  }

  test('any lines, any key fields: the same groups (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(keyedLines, { minLength: 1, maxLength: 80 }), fc.constantFrom(...KEYS), async (sample, key) => {
        const input = join(dir, 'property.log');
        writeFileSync(input, Buffer.from(sample.join('\n'), 'latin1'));
        const options = { input, format: 'combined', errorCodes: CODES, threshold: 1, ...key };
        const js = await analyze({ ...options, kernel: false });
        const got = await analyze({ ...options, threads: 2, rangeBytes: 300, chunkBytes: 200, flushGroups: 3, settleEntries: 2, kernel: true });
        assert.equal(formatCsv(got), formatCsv(js));
        assert.deepEqual(counters(got.summary), counters(js.summary));
      }),
      { numRuns: 25, seed: 5 },
    );
  });

  for (const [name, path] of Object.entries({ apache: REAL.apache, nasa: REAL.nasa, nginx: REAL.nginx, vhostXff: REAL.vhostXff, apacheMixed: REAL.apacheMixed })) {
    test(`the real ${name} log`, NEEDS_REAL_LOGS, async () => {
      await sameKeys(path, undefined, name);
    });
  }
});
