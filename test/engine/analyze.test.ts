// analyze() + formatCsv on the real logs in ../shared/data/real, checked against the independent reference
// (test/reference.ts): same CSV bytes and same line counters, for several code sets and thresholds.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import { resolveInputs } from '../../src/inputs/resolve.js';
import { DEFAULT_ERROR_CODES } from '../../src/options/analyze-options.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { referenceAnalyzeFile } from '../reference/clf.js';
import { withTempDir } from '../support/files.js';
import { NEEDS_REAL_LOGS, REAL } from '../support/paths.js';

const CASES: ReadonlyArray<{ name: string; errorCodes: readonly number[]; threshold: number }> = [
  { name: 'default codes, threshold 10', errorCodes: DEFAULT_ERROR_CODES, threshold: 10 },
  { name: 'the brief\'s 400 401 500 503, threshold 2', errorCodes: [400, 401, 500, 503], threshold: 2 },
  { name: 'success codes (most lines match), threshold 1', errorCodes: [200, 206, 301, 302, 304], threshold: 1 },
  { name: '404 only, threshold 3', errorCodes: [404], threshold: 3 },
];

const CLF_LOGS = [
  { name: 'Apache combined (elastic)', path: REAL.apache, format: 'combined', lines: 10_000 },
  { name: 'NCSA common (NASA)', path: REAL.nasa, format: 'common', lines: 20_000 },
  { name: 'nginx combined', path: REAL.nginx, format: 'combined', lines: 1_001 },
];

function counters(summary: { lines: number; parsed: number; malformed: number; blank: number; matched: number }) {
  const { lines, parsed, malformed, blank, matched } = summary;
  return { lines, parsed, malformed, blank, matched };
}

for (const log of CLF_LOGS) {
  describe(`real log: ${log.name}`, NEEDS_REAL_LOGS, () => {
    for (const c of CASES) {
      test(`matches the reference: ${c.name}`, async () => {
        const expected = referenceAnalyzeFile(log.path, c);
        // Both scanners: the WebAssembly kernel (default) and the JS parser.
        for (const kernel of [true, false]) {
          const result = await analyze({ input: log.path, errorCodes: c.errorCodes, threshold: c.threshold, threads: 2, kernel });
          assert.equal(formatCsv(result), expected.csv, `kernel: ${kernel}`);
          assert.deepEqual(counters(result.summary), expected.counters, `kernel: ${kernel}`);
          assert.equal(result.summary.reported, expected.csv.split('\n').length - 2);
        }
      });
    }

    test('format is detected, every line is read', async () => {
      const result = await analyze({ input: log.path, threads: 1 });
      assert.equal(result.summary.format, log.format);
      assert.equal(result.summary.lines, log.lines);
      assert.equal(result.summary.lines, result.summary.parsed + result.summary.malformed + result.summary.blank);
    });
  });
}

describe('real log: the oddities SOURCES.md lists are all counted', () => {
  test('elastic: the User-Agent with no closing quote (line 8899) still counts by its status', NEEDS_REAL_LOGS, async () => {
    const expected = referenceAnalyzeFile(REAL.apache, { errorCodes: DEFAULT_ERROR_CODES, threshold: 1 });
    assert.equal(expected.counters.malformed, 0);
    const result = await analyze({ input: REAL.apache, threshold: 1, threads: 1 });
    assert.equal(result.summary.malformed, 0);
    assert.equal(result.summary.parsed, 10_000);
  });

  test('nginx: binary probes, empty requests and CONNECT are parsed; the empty last line is blank', NEEDS_REAL_LOGS, async () => {
    const result = await analyze({ input: REAL.nginx, threshold: 1, errorCodes: [400, 499], threads: 1 });
    assert.equal(result.summary.blank, 1);
    assert.equal(result.summary.malformed, 0);
    assert.ok(result.summary.matched > 0);
  });
});

// The IIS W3C log is read as W3C (detected); forced to a CLF format, it must not crash: a header-only CSV,
// every line counted as skipped, and a warning. (test/formats/w3c.test.ts checks its W3C results.)
test('real log: IIS W3C is detected; forced to combined it gives a header-only CSV and a warning', NEEDS_REAL_LOGS, async () => {
  const detected = await analyze({ input: REAL.iis, threads: 2 });
  assert.equal(detected.summary.format, 'w3c');
  assert.equal(detected.summary.lines, 607);
  assert.equal(detected.summary.lines, detected.summary.parsed + detected.summary.comment);
  const forced = await analyze({ input: REAL.iis, threads: 2, format: 'combined' });
  assert.equal(formatCsv(forced), 'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen\n');
  assert.equal(forced.summary.lines, 607);
  assert.equal(forced.summary.parsed, 0);
  assert.equal(forced.summary.lines, forced.summary.malformed + forced.summary.blank);
  assert.equal(forced.summary.warnings.length, 1);
});

describe('inputs resolved before (as the command line hands them over)', () => {
  test('give the run of the same specs; specs that differ, or a skipped input without skipping, are resolved again', async () => {
    await withTempDir(async (dir) => {
      const log = join(dir, 'access.log');
      writeFileSync(log, '10.0.0.1 - - [25/Oct/2015:04:11:26 +0000] "GET /a HTTP/1.1" 404 5 "-" "-"\n');
      const missing = join(dir, 'missing.log');
      const options = { input: [log], threshold: 1 };
      const before = await resolveInputs([log], { skipUnreadable: true });
      assert.equal(formatCsv(await analyze(options, before)), formatCsv(await analyze(options)));
      // Resolved from other specs: not taken (the run reads what its own options name).
      const other = await resolveInputs([dir], { skipUnreadable: true });
      const otherRun = await analyze(options, { ...other, inputs: [] });
      assert.equal(otherRun.summary.input, log);
      // Skipped before, not skipped now: the error resolving gives.
      const withMissing = await resolveInputs([log, missing], { skipUnreadable: true });
      assert.equal(withMissing.skipped.length, 1);
      await assert.rejects(analyze({ ...options, input: [log, missing] }, withMissing), { message: `input file not found: ${missing}` });
      const skipping = await analyze({ ...options, input: [log, missing], skipUnreadable: true }, withMissing);
      assert.deepEqual(skipping.summary.skippedInputs, [{ path: missing, reason: 'not found' }]);
    });
  });
});
