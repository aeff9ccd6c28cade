// scan/kernel-span.ts and kernel/runs.ts: with a relative `--since`, the CLF kernel keeps the undecided responses
// itself (the scanner's `span` mode) and drops those the span puts out as the producer's newest grows, against
// the JS scanner (the reference): the same CSV, JSON and counts, on logs mostly in time order over a few hours
// (so that the bounds fall among the lines, where an off-by-a-second drop shows), several files in any order,
// at threads 1 and 3, with ranges, chunks, producer tables and settle batches small enough to settle and hand
// over anywhere; and on the real logs.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { formatJson } from '../../src/sinks/json.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { lineOf, requests, tails } from '../support/generators.js';
import { NEEDS_REAL_LOGS, REAL } from '../support/paths.js';

const CODES = [200, 301, 400, 403, 404, 500, 503];
const START = 1445742686;

/** The i-th line of a log of a line every 2 s: its instant jittered, now and then much older (written late). */
const timedLine = (i: number) =>
  fc
    .record({
      client: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '2001:db8::7', 'host.example', '192.0.2.44'),
      jitter: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -3, max: 3 }) }, { weight: 1, arbitrary: fc.integer({ min: -3000, max: 0 }) }),
      offset: fc.constantFrom(-420, 0, 330),
      request: fc.oneof(fc.constantFrom('GET /a?b=1 HTTP/1.1', 'POST /login HTTP/1.1', 'GET /x HTTP/1.0', '-'), requests),
      status: fc.constantFrom(200, 301, 404, 500, 503, 599, 403),
      tail: tails,
    })
    .map(({ jitter, ...rest }) => lineOf({ ...rest, epoch: START + i * 2 + jitter }));

/** Lines that do not parse (no instant of theirs may move the newest). */
const badLines = fc.constantFrom('', 'not a log line', '10.0.0.9 - - [32/Oct/2015:00:00:00 +0000] "GET / HTTP/1.1" 404 1', '10.0.0.9 - - [25/Oct/2015:04:00:00 +0000] "GET / HTTP/1.1" 40');

/** A log of `n` timed lines, a few of them malformed or blank. */
function timedLog(n: number): fc.Arbitrary<string[]> {
  const line = (i: number) => fc.oneof({ weight: 19, arbitrary: timedLine(i) }, { weight: 1, arbitrary: badLines });
  return fc.tuple(...Array.from({ length: n }, (_, i) => line(i)));
}

/** The spans and keys compared: the kernel keeps the responses of every one (a relative --since). */
const RUNS: ReadonlyArray<Record<string, unknown>> = [
  { by: ['ip'], since: '20m' },
  { by: ['ip'], since: '50m', until: '10m' },
  { by: ['ip', 'path'], since: '45m', window: '10m' },
  { by: ['path'], keepQuery: true, since: '30m', until: '2015-10-25T03:50:00Z' },
  { by: ['status', 'method'], since: '15m', until: '2015-10-24T21:05:00-07:00' },
  { by: ['ip'], since: '1d' },
];
const SPLITS: ReadonlyArray<Record<string, number>> = [
  { threads: 1 },
  { threads: 1, chunkBytes: 500, settleEntries: 1 },
  { threads: 3, rangeBytes: 900, chunkBytes: 333, flushGroups: 3, settleEntries: 2 },
];

function counters(s: { lines: number; parsed: number; malformed: number; blank: number; matched: number; outside?: number }) {
  return { lines: s.lines, parsed: s.parsed, malformed: s.malformed, blank: s.blank, matched: s.matched, outside: s.outside };
}

async function sameRuns(input: string | string[], label: string, runs = RUNS, splits: ReadonlyArray<Record<string, number>> = SPLITS): Promise<void> {
  for (const run of runs) {
    const options = { input, errorCodes: CODES, threshold: 1, ...run };
    const js = await analyze({ ...options, kernel: false });
    for (const split of splits) {
      const got = await analyze({ ...options, ...split, kernel: true });
      const at = `${label} ${JSON.stringify({ ...run, ...split })}`;
      assert.deepEqual(counters(got.summary), counters(js.summary), at);
      assert.equal(formatCsv(got), formatCsv(js), at);
      assert.equal(formatJson({ ...got, summary: { ...got.summary, elapsedMs: 0 } }), formatJson({ ...js, summary: { ...js.summary, elapsedMs: 0 } }), at);
    }
  }
}

describe('the CLF kernel keeps a relative span\'s undecided responses as the JS scanner does', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir();
  });
  after(() => removeDir(dir));

  test('logs in time order, nearly: every span and key', async () => {
    const [log] = fc.sample(timedLog(2000), { numRuns: 1, seed: 11 });
    const input = join(dir, 'timed.log');
    writeFileSync(input, Buffer.from(log.join('\n') + '\n', 'latin1'));
    await sameRuns(input, 'timed');
  });

  test('several files in any order: the newest of all of them decides', async () => {
    const [log] = fc.sample(timedLog(1500), { numRuns: 1, seed: 12 });
    const paths = [0, 1, 2].map((i) => join(dir, `part-${i}.log`));
    // The newest part first, then the oldest, then the middle one.
    writeFileSync(paths[0], Buffer.from(log.slice(1000).join('\n') + '\n', 'latin1'));
    writeFileSync(paths[1], Buffer.from(log.slice(0, 500).join('\r\n'), 'latin1'));
    writeFileSync(paths[2], Buffer.from(log.slice(500, 1000).join('\n') + '\n', 'latin1'));
    await sameRuns(paths, 'parts');
  });

  test('any timed log, any span: the same groups (property)', async () => {
    // Spans of a few minutes: as long as the log, so that the bound falls among its lines.
    const runs = fc.oneof(fc.constantFrom(...RUNS), fc.record({ by: fc.constantFrom(['ip'], ['ip', 'path']), since: fc.integer({ min: 1, max: 10 }).map((m) => `${m}m`) }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }).chain(timedLog), runs, fc.integer({ min: 1, max: 4 }), async (log, run, settleEntries) => {
        const input = join(dir, 'property.log');
        writeFileSync(input, Buffer.from(log.join('\n'), 'latin1'));
        const options = { input, format: 'combined', errorCodes: CODES, threshold: 1, ...run };
        const js = await analyze({ ...options, kernel: false });
        const got = await analyze({ ...options, threads: 2, rangeBytes: 400, chunkBytes: 200, flushGroups: 2, settleEntries, kernel: true });
        assert.equal(formatCsv(got), formatCsv(js));
        assert.deepEqual(counters(got.summary), counters(js.summary));
      }),
      { numRuns: 40, seed: 6 },
    );
  });

  for (const [name, path] of Object.entries({ apache: REAL.apache, nasa: REAL.nasa, nginx: REAL.nginx, vhostXff: REAL.vhostXff, apacheMixed: REAL.apacheMixed })) {
    test(`the real ${name} log`, NEEDS_REAL_LOGS, async () => {
      const runs = [{ by: ['ip'], since: '6h' }, { by: ['ip', 'path'], since: '2d', until: '1h', window: '1h' }, { by: ['ip'], since: '30d' }];
      await sameRuns(path, name, runs, [SPLITS[0], { threads: 3, rangeBytes: 100_000, flushGroups: 50, settleEntries: 20 }]);
    });
  }
});
