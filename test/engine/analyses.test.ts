// The analyses end to end (analyze() on files), against the line-by-line reference in test/support: grouping
// by any fields, status classes and ranges, windows; at every thread count, chunk and range size, and with
// partials merged many times.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import { parseStatusColumns } from '../../src/options/codes.js';
import { KEY_FIELDS } from '../../src/options/key-fields.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { analyzeText, comparable, engineSettings, logs, spanBounds, timeOrderedLogs } from '../support/analysis-logs.js';
import { referenceAnalysis, type RefOptions } from '../reference/analyses.js';
import { NEEDS_REAL_LOGS, REAL, readRealLog } from '../support/paths.js';

const REAL_APACHE = REAL.apache;

/** Key fields a Combined log has (vhost needs vcombined; tested in keys.test.ts). */
const fieldsOfCombined = KEY_FIELDS.filter((f) => f !== 'vhost');
const byLists = fc.uniqueArray(fc.constantFrom(...fieldsOfCombined), { minLength: 1, maxLength: 3 });
const statusLists = fc.constantFrom(
  ['400', '401', '403', '404', '500', '502', '503'],
  ['4xx'],
  ['4xx', '5xx'],
  ['404', '5xx'],
  ['400-404', '418', '500-599'],
  ['1xx', '2xx', '3xx', '4xx', '5xx'],
);
const windows = fc.constantFrom(1, 2, 59, 60, 600, 3600, 7201);

function refOptions(by: readonly string[], statuses: readonly string[], threshold: number, more: Partial<RefOptions> = {}): RefOptions {
  return { by, columns: parseStatusColumns(statuses), threshold, ...more };
}

describe('analyses against the reference', () => {
  it('--by any fields, with codes, classes and ranges, at any thread count and chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        byLists,
        statusLists,
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        engineSettings,
        async (log, by, statuses, threshold, keepQuery, settings) => {
          const result = await analyzeText(log, { by, errorCodes: statuses, threshold, keepQuery, ...settings });
          const expected = referenceAnalysis(log, refOptions(by, statuses, threshold, { keepQuery }));
          assert.deepEqual(comparable(result), expected.rows);
          assert.deepEqual(result.keyFields, by);
          assert.equal(result.summary.matched, expected.matched);
          assert.equal(result.summary.parsed, expected.parsed);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('--window: the peak window count and start, at any thread count and chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.constantFrom(['ip'], ['path'], ['ip', 'status']),
        windows,
        fc.integer({ min: 1, max: 5 }),
        engineSettings,
        async (log, by, windowSeconds, threshold, settings) => {
          const statuses = ['4xx', '5xx'];
          const result = await analyzeText(log, { by, errorCodes: statuses, threshold, window: windowSeconds, ...settings });
          const expected = referenceAnalysis(log, refOptions(by, statuses, threshold, { windowSeconds }));
          assert.deepEqual(comparable(result), expected.rows);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('gives byte-identical CSV for threads 1, 2, 3, 7 and tiny chunks (window, composite key)', async () => {
    const log = fc.sample(logs, { numRuns: 1, seed: 7 })[0].repeat(5);
    const options = { by: ['ip', 'path'], errorCodes: ['4xx', '500-599'], threshold: 2, window: '10m' };
    const csvs = new Set<string>();
    for (const threads of [1, 2, 3, 7]) {
      for (const chunkBytes of [3, 1 << 20]) {
        csvs.add(formatCsv(await analyzeText(log, { ...options, threads, chunkBytes, rangeBytes: 256, flushGroups: 2 })));
      }
    }
    assert.equal(csvs.size, 1);
  });
});

describe('analyses on the real Apache log (elastic, out of order)', NEEDS_REAL_LOGS, () => {
  const log = readRealLog(REAL_APACHE);

  it('--window 1m --by ip matches the reference', async () => {
    const statuses = ['4xx', '5xx'];
    const expected = referenceAnalysis(log, refOptions(['ip'], statuses, 5, { windowSeconds: 60 }));
    assert.ok(expected.rows.length > 0, 'the sample has bursts');
    for (const threads of [1, 3]) {
      const result = await analyzeText(log, { errorCodes: statuses, threshold: 5, window: '1m', threads, rangeBytes: 100_000, flushGroups: 50 });
      assert.deepEqual(comparable(result), expected.rows);
    }
  });

  it('--window 1h --by path matches the reference', async () => {
    const statuses = ['404', '5xx'];
    const expected = referenceAnalysis(log, refOptions(['path'], statuses, 3, { windowSeconds: 3600 }));
    assert.ok(expected.rows.length > 0);
    const result = await analyzeText(log, { by: 'path', errorCodes: statuses, threshold: 3, window: '1h', threads: 2, rangeBytes: 65_536 });
    assert.deepEqual(comparable(result), expected.rows);
  });

  it('--by path and --by ip,path,status match the reference', async () => {
    for (const by of [['path'], ['ip', 'path', 'status'], ['user_agent'], ['referrer', 'method']]) {
      const statuses = ['4xx', '500-599'];
      const expected = referenceAnalysis(log, refOptions(by, statuses, 2));
      const result = await analyzeText(log, { by, errorCodes: statuses, threshold: 2, threads: 2, rangeBytes: 200_000 });
      assert.deepEqual(comparable(result), expected.rows, `--by ${by.join(',')}`);
      assert.equal(result.summary.matched, expected.matched);
    }
  });
});

const blocks = fc.uniqueArray(
  // Node's BlockList (the reference) does not hold IPv4 clients in IPv6 blocks wider than ::ffff:0:0/96; these do not mix them.
  fc.constantFrom('10.0.0.0/8', '10.0.0.1', '10.1.0.0/16', '192.168.0.0/16', '0.0.0.0/0', '2001:db8::/32', '2001:db8::ff/128', '2001:db8::1', '::ffff:10.0.0.0/104'),
  { maxLength: 3 },
);

describe('time spans and client filters against the reference', () => {
  it('--since/--until (instants and durations before the newest entry) at any thread count and chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.option(spanBounds, { nil: undefined }),
        fc.option(spanBounds, { nil: undefined }),
        fc.constantFrom(['ip'], ['path', 'status']),
        fc.constantFrom(0, 60, 600),
        fc.integer({ min: 1, max: 3 }),
        engineSettings,
        async (log, since, until, by, windowSeconds, threshold, settings) => {
          const emptySpan =
            (since?.at !== undefined && until?.at !== undefined && since.at >= until.at) ||
            (since?.ago !== undefined && until?.ago !== undefined && since.ago <= until.ago);
          fc.pre(!emptySpan && (since !== undefined || until !== undefined));
          const statuses = ['4xx', '500-599'];
          const result = await analyzeText(log, {
            by, errorCodes: statuses, threshold, since: since?.text, until: until?.text, ...(windowSeconds ? { window: windowSeconds } : {}), ...settings,
          });
          const expected = referenceAnalysis(
            log,
            refOptions(by, statuses, threshold, { since: since?.at, sinceAgo: since?.ago, until: until?.at, untilAgo: until?.ago, windowSeconds }),
          );
          assert.deepEqual(comparable(result), expected.rows);
          assert.equal(result.summary.matched, expected.matched, 'matched');
          assert.equal(result.summary.outside, expected.outside, 'outside');
          assert.equal(result.summary.parsed, expected.parsed, 'parsed');
        },
      ),
      { numRuns: 30 },
    );
  });

  it('--include-ip/--exclude-ip (IPv4, IPv6, mapped) with spans, at any thread count and chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        blocks,
        blocks,
        fc.option(spanBounds, { nil: undefined }),
        engineSettings,
        async (log, includeIp, excludeIp, since, settings) => {
          const statuses = ['4xx', '5xx'];
          const result = await analyzeText(log, { errorCodes: statuses, threshold: 1, includeIp, excludeIp, since: since?.text, ...settings });
          const expected = referenceAnalysis(
            log,
            refOptions(['ip'], statuses, 1, { includeIp, excludeIp, since: since?.at, sinceAgo: since?.ago }),
          );
          assert.deepEqual(comparable(result), expected.rows);
          assert.equal(result.summary.matched, expected.matched, 'matched');
          assert.equal(result.summary.excluded, expected.excluded, 'excluded');
          assert.equal(result.summary.outside, expected.outside, 'outside');
        },
      ),
      { numRuns: 20 },
    );
  });

  it('the real Apache log, out of order: --since 1d --until 2h --window 10m --by path', NEEDS_REAL_LOGS, async () => {
    const log = readFileSync(REAL_APACHE);
    const statuses = ['4xx', '5xx'];
    const expected = referenceAnalysis(log, refOptions(['path'], statuses, 2, { sinceAgo: 86400, untilAgo: 7200, windowSeconds: 600 }));
    assert.ok(expected.rows.length > 0 && expected.outside > 0);
    for (const threads of [1, 3]) {
      const result = await analyzeText(log, {
        by: 'path', errorCodes: statuses, threshold: 2, since: '1d', until: '2h', window: '10m', threads, rangeBytes: 100_000, settleEntries: 50,
      });
      assert.deepEqual(comparable(result), expected.rows);
      assert.equal(result.summary.outside, expected.outside);
      assert.equal(result.summary.matched, expected.matched);
    }
  });
});

describe('folded windows (only the last window per group held) against the reference', () => {
  it('logs nearly in time order, late lines beyond the slack read again: exact at any thread count and chunk size', async () => {
    await fc.assert(
      fc.asyncProperty(
        timeOrderedLogs,
        fc.constantFrom(['ip'], ['path'], ['status', 'method']),
        windows,
        fc.integer({ min: 1, max: 5 }),
        engineSettings,
        async (log, by, windowSeconds, threshold, settings) => {
          const statuses = ['4xx', '5xx'];
          const result = await analyzeText(log, { by, errorCodes: statuses, threshold, window: windowSeconds, ...settings, windowFolding: true });
          const expected = referenceAnalysis(log, refOptions(by, statuses, threshold, { windowSeconds }));
          assert.deepEqual(comparable(result), expected.rows);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('folded windows on the real Apache log', NEEDS_REAL_LOGS, () => {
  const log = readRealLog(REAL_APACHE).toString('latin1');
  const instant = (line: string): number => {
    const m = /\[(\d\d)\/(\w\w\w)\/(\d{4}):(\d\d):(\d\d):(\d\d) /.exec(line);
    return m ? Date.UTC(Number(m[3]), ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[2]), Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) : 0;
  };
  const sorted = log.split('\n').filter((line) => line !== '').sort((a, b) => instant(a) - instant(b)).join('\n') + '\n';

  const reversed = log.split('\n').filter((line) => line !== '').reverse().join('\n') + '\n';

  const variants = [
    ['as published (out of order within each minute, less than the slack): read once', log, 1],
    ['sorted by time: read once', sorted, 1],
    ['reversed: read twice', reversed, 2],
  ] as const;
  it('a gzipped first half, a plain second half and stdin: the same peaks as one log, read once', async () => {
    const lines = sorted.split('\n').filter((line) => line !== '');
    const thirds = [0, 1, 2].map((i) => lines.slice((i * lines.length) / 3, ((i + 1) * lines.length) / 3).join('\n') + '\n');
    const dir = mkdtempSync(join(tmpdir(), 'logsift-fold-'));
    try {
      writeFileSync(join(dir, 'a.log.gz'), gzipSync(Buffer.from(thirds[0], 'latin1')));
      writeFileSync(join(dir, 'b.log'), Buffer.from(thirds[1], 'latin1'));
      const statuses = ['4xx', '5xx'];
      const expected = referenceAnalysis(sorted, refOptions(['status'], statuses, 2, { windowSeconds: 300 }));
      for (const threads of [1, 3]) {
        const files = await analyze({ input: [join(dir, 'a.log.gz'), join(dir, 'b.log')], by: 'status', errorCodes: statuses, threshold: 2, window: '5m', threads, chunkBytes: 4096, rangeBytes: 50_000 });
        assert.equal(files.summary.passes, 1);
        const filesExpected = referenceAnalysis(thirds[0] + thirds[1], refOptions(['status'], statuses, 2, { windowSeconds: 300 }));
        assert.deepEqual(comparable(files), filesExpected.rows);
        const withStdin = await analyze({
          input: [join(dir, 'a.log.gz'), join(dir, 'b.log'), '-'], stdin: Readable.from([Buffer.from(thirds[2], 'latin1')]),
          by: 'status', errorCodes: statuses, threshold: 2, window: '5m', threads, chunkBytes: 4096,
        });
        assert.deepEqual(comparable(withStdin), expected.rows);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a truncated gzip among the inputs fails with its own error, not a crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-fold-'));
    try {
      const path = join(dir, 'cut.log.gz');
      writeFileSync(path, gzipSync(Buffer.from(sorted, 'latin1')).subarray(0, 20_000));
      writeFileSync(join(dir, 'b.log'), Buffer.from(sorted, 'latin1'));
      for (const since of [undefined, '1d']) {
        await assert.rejects(
          analyze({ input: [join(dir, 'b.log'), path], window: '5m', since, threads: 2, rangeBytes: 100_000 }),
          /truncated/,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [name, text, passes] of variants) {
    it(name, async () => {
      const statuses = ['4xx', '5xx'];
      const expected = referenceAnalysis(text, refOptions(['ip'], statuses, 3, { windowSeconds: 600 }));
      assert.ok(expected.rows.length > 0);
      const result = await analyzeText(text, { errorCodes: statuses, threshold: 3, window: '10m', threads: 3, rangeBytes: 100_000 });
      assert.deepEqual(comparable(result), expected.rows);
      assert.equal(result.summary.passes, passes);
    });
  }
});
