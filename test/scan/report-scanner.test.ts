// The HTML report's read (src/scan/report-scanner.ts), through analyze({ report: true }): its numbers are the
// run's numbers. The run's timeline sums to the matching count and, lane by lane, to the status columns; each
// reported group's timeline sums to its count; top paths and user agents equal what grouping by client and
// path (or user agent) counts, at any thread count, read boundary and analysis; only reported groups get data.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import type { AnalyzeOptions } from '../../src/options/analyze-options.js';
import type { AnalyzeResult } from '../../src/tables/result.js';
import { BASE_EPOCH, analyzeText, engineSettings, isoTime, logs } from '../support/analysis-logs.js';
import { REPO_ROOT } from '../support/paths.js';
import { join } from 'node:path';

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Every figure of the report's data that must equal the result's. */
function checkSums(result: AnalyzeResult): void {
  const report = result.report!;
  assert.ok(report, 'a report was asked for');
  const lanes = report.timeline.counts;
  assert.equal(lanes.length, result.statusColumns.length);
  assert.equal(sum(lanes.map(sum)), result.summary.matched, 'the timeline sums to the matching count');
  assert.equal(report.groups.length, result.reported.length);
  for (let i = 0; i < result.reported.length; i++) {
    const row = result.reported.at(i);
    assert.equal(sum(report.groups[i].timeline.counts[0]), row.count, `group ${row.key}'s timeline sums to its count`);
    const { startSecond, bucketSeconds, counts } = report.groups[i].timeline;
    const first = Date.parse(row.firstSeen) / 1000;
    const last = Date.parse(row.lastSeen) / 1000;
    assert.ok(startSecond <= first && last < startSecond + counts[0].length * bucketSeconds, 'first and last seen fall in its buckets');
  }
}

const analyses = fc.record({
  by: fc.constantFrom('ip', 'ip', 'path', 'ip,user_agent', 'status'),
  window: fc.constantFrom(undefined, '60s', '10m'),
  since: fc.constantFrom(undefined, isoTime(BASE_EPOCH + 1800, 0), '1h'),
  until: fc.constantFrom(undefined, '30m', isoTime(BASE_EPOCH + 6000, 60)),
  excludeIp: fc.constantFrom(undefined, ['10.0.0.0/8'], ['2001:db8::/32']),
  threshold: fc.constantFrom(1, 1, 3),
});

describe('report data', () => {
  it('sums to the run\'s numbers for any analysis, thread count and read boundaries', async () => {
    await fc.assert(
      fc.asyncProperty(logs, engineSettings, analyses, async (log, settings, analysis) => {
        const options: Omit<AnalyzeOptions, 'input'> = { ...settings, ...analysis, report: true };
        const result = await analyzeText(log, options);
        checkSums(result);
        if (analysis.threshold === 1) {
          // Every group is reported: lane by lane, the timeline sums to the status columns.
          const lanes = result.report!.timeline.counts;
          result.statusColumns.forEach((_, c) => assert.equal(sum(lanes[c]), sum(result.rows.map((r) => r.byCode[c]))));
        }
      }),
      { numRuns: 15 },
    );
  });

  it('gives top paths and user agents as grouping by client and path counts them', async () => {
    await fc.assert(
      fc.asyncProperty(logs, engineSettings, async (log, settings) => {
        const base = { ...settings, windowFolding: true, threshold: 1 };
        const result = await analyzeText(log, { ...base, report: true });
        checkSums(result);
        for (const [field, top] of [['path', 'topPaths'], ['user_agent', 'topUserAgents']] as const) {
          const pairs = await analyzeText(log, { ...base, by: `ip,${field}` });
          const byClient = new Map<string, { value: string; count: number }[]>();
          for (const row of pairs.rows) {
            // Rows without the field (a Common line) have an empty value; the report leaves those out.
            if (row.keys[1] === '') continue;
            (byClient.get(row.keys[0]) ?? byClient.set(row.keys[0], []).get(row.keys[0])!).push({ value: row.keys[1], count: row.count });
          }
          result.rows.forEach((row, i) => {
            const expected = (byClient.get(row.key) ?? [])
              .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
              .slice(0, 5)
              .map((v) => ({ ...v, error: 0 }));
            assert.deepEqual(result.report!.groups[i][top], expected, `${field} of ${row.key}`);
          });
        }
      }),
      { numRuns: 8 },
    );
  });

  it('is the same at any thread count on the shipped sample, and gathers nothing without a report', async () => {
    const input = join(REPO_ROOT, 'data', 'sample.log');
    const one = await analyze({ input, threads: 1, report: true });
    const three = await analyze({ input, threads: 3, report: true });
    checkSums(one);
    assert.deepEqual(three.report, one.report);
    assert.equal((await analyze({ input })).report, undefined);
  });

  it('reads a pipe (plain or gzip) from a private copy, gone after the run, and equals the file\'s report', async () => {
    const { Readable } = await import('node:stream');
    const { gzipSync } = await import('node:zlib');
    const { mkdtempSync, readdirSync, readFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const input = join(REPO_ROOT, 'data', 'sample.log');
    const bytes = readFileSync(input);
    const fromFile = await analyze({ input, threads: 2, report: true });
    // The copies go to the system's temp folder: a private one for this test, to see that nothing is left.
    const temp = mkdtempSync(join(tmpdir(), 'logsift-report-pipe-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = temp;
    try {
      for (const [threads, stored] of [[1, bytes], [3, gzipSync(bytes)]] as const) {
        // Small pieces, so the relay copies many chunks.
        const pieces = Array.from({ length: Math.ceil(stored.length / 1000) }, (_, i) => stored.subarray(i * 1000, (i + 1) * 1000));
        const piped = await analyze({ input: '-', stdin: Readable.from(pieces), threads, report: true });
        checkSums(piped);
        assert.deepEqual(piped.report, fromFile.report, `threads ${threads}`);
        assert.deepEqual(readdirSync(temp), [], 'the copy is removed after the run');
      }
      // A run that fails (a gzip stream cut short) removes its copy too.
      const cut = gzipSync(bytes).subarray(0, 5000);
      await assert.rejects(analyze({ input: '-', stdin: Readable.from([cut]), report: true }));
      assert.deepEqual(readdirSync(temp), [], 'the copy is removed after an error');
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(temp, { recursive: true, force: true });
    }
  });

  it('gives the same report for a gzip file and its plain text, at any thread count', async () => {
    const { gzipSync } = await import('node:zlib');
    const { readFileSync } = await import('node:fs');
    const input = join(REPO_ROOT, 'data', 'sample.log');
    const plain = await analyze({ input, threads: 1, report: true, rangeBytes: 4096 });
    const gz = await analyzeText(gzipSync(readFileSync(input)), { threads: 2, report: true });
    checkSums(gz);
    assert.deepEqual(gz.report, plain.report);
  });
  it('reads small files, whose format their producers detected, as the run did: the same report as one file', async () => {
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const input = join(REPO_ROOT, 'data', 'sample.log');
    const lines = readFileSync(input, 'latin1').split('\n').filter((line) => line !== '');
    const whole = await analyze({ input, threads: 2, report: true });
    const dir = mkdtempSync(join(tmpdir(), 'logsift-report-small-'));
    try {
      // Pieces of at most a few hundred lines, named in order: small enough to be detected by their producers.
      for (let i = 0, n = 0; i < lines.length; i += 300, n++) {
        writeFileSync(join(dir, `part-${String(n).padStart(4, '0')}.log`), lines.slice(i, i + 300).join('\n') + '\n', 'latin1');
      }
      for (const threads of [1, 3]) {
        const parts = await analyze({ input: dir, threads, report: true });
        checkSums(parts);
        assert.ok(parts.summary.inputs.every((file) => file.format === 'combined'), 'every piece detected');
        assert.deepEqual(parts.report!.timeline, whole.report!.timeline, `threads ${threads}`);
        assert.deepEqual(parts.report!.groups, whole.report!.groups, `threads ${threads}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
