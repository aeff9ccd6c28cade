import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { detectFormat } from '../../src/formats/detect.js';
import { SAMPLES } from './samples.js';
import { referenceAnalyzeFile } from '../reference/clf.js';
import { fixture, NEEDS_REAL_LOGS, REAL, run } from './support.js';
import { needsInput } from '../support/paths.js';


/** Lines of every detectable format (the samples' first lines), and some that fit none. */
const LINES: readonly string[] = [
  ...SAMPLES.filter(([path]) => existsSync(path)).flatMap(([path]) => readFileSync(path, 'latin1').split('\n').slice(0, 12)),
  'hello world',
  '{"not": "a log"}',
  '#Fields: date time c-ip',
];

describe('detection', () => {
  test('stopping a candidate once it cannot win changes no outcome (any mix of lines)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LINES), { maxLength: 40 }), fc.boolean(), (lines, whole) => {
        const sample = Buffer.from(lines.join('\n') + (whole ? '' : '\n'), 'latin1');
        assert.deepEqual(detectFormat(sample, {}, whole), detectFormat(sample, {}, whole, true));
      }),
      { numRuns: 2000 },
    );
  });

  for (const [path, format] of SAMPLES) {
    test(`${path.split('/').pop()} is ${format}`, needsInput(path), async () => {
      const bytes = readFileSync(path);
      assert.equal(detectFormat(bytes.subarray(0, 64 * 1024), {}, bytes.length <= 64 * 1024).name, format);
      const { result } = await run(path);
      assert.equal(result.summary.format, format);
    });
  }

  test('nothing fits: combined, and the run warns naming what was tried and how many lines were skipped', async () => {
    const sample = Buffer.from('hello world\nthis is not a log\n');
    const d = detectFormat(sample);
    assert.equal(d.name, 'combined');
    assert.ok(d.tried.includes('w3c') && d.tried.includes('common'));
    const { result, csv } = await run(fixture('not-a-log.txt'));
    assert.equal(csv, 'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen\n');
    assert.equal(result.summary.warnings.length, 1);
    assert.match(result.summary.warnings[0], /no line of .*not-a-log\.txt fits any known format \(tried: w3c, .*common.*\): 3 lines skipped/);
  });

  test('a forced format that does not fit warns with its name; --strict makes it an error', NEEDS_REAL_LOGS, async () => {
    const { result } = await run(REAL.iis, { format: 'combined' });
    assert.match(result.summary.warnings[0], /fits format combined: 607 lines skipped/);
    await assert.rejects(run(REAL.iis, { format: 'combined', strict: true }), /607 lines of .* do not fit format combined \(--strict\)/);
    await assert.rejects(run(fixture('iis-changing-fields.log'), { strict: true }), /2 lines of .* do not fit format w3c \(--strict\)/);
    await run(REAL.iis, { strict: true }); // headers are not malformed lines
  });

  test('custom formats are not guessed: --log-format names them, under auto too', async () => {
    const nginx = await run(fixture('nginx-custom.log'), { logFormat: '$remote_addr - $remote_user [$time_iso8601] "$request" $status' });
    assert.equal(nginx.result.summary.format, 'nginx');
    const apache = await run(fixture('apache-custom.log'), { logFormat: '%v:%p %a %l %u %{%d/%b/%Y:%H:%M:%S %z}t "%r" %>s' });
    assert.equal(apache.result.summary.format, 'apache');
    // Without it, such a file fits nothing known: it is reported, not misread.
    const guessed = await run(fixture('nginx-custom.log'));
    assert.equal(guessed.result.summary.parsed, 0);
    assert.equal(guessed.result.summary.warnings.length, 1);
  });

  test('a one-line file without a final newline is detected', () => {
    const line = '2015-10-20 01:53:09 172.31.22.76 GET / - 80 - 181.64.192.253 UA - 404 0 2 171';
    assert.equal(detectFormat(Buffer.from(line), {}, true).name, 'w3c');
  });

  test('vhost-first lines with X-Forwarded-For lists: vcombined, its clients right, the list lines malformed', NEEDS_REAL_LOGS, async () => {
    const bytes = readFileSync(REAL.vhostXff);
    const firstTwo = bytes.subarray(0, bytes.indexOf('\n', bytes.indexOf('\n') + 1) + 1);
    assert.equal(detectFormat(firstTwo).name, 'vcombined');
    for (const threads of [1, 3]) {
      const { result, csv } = await run(REAL.vhostXff, { threads, threshold: 1, rangeBytes: 200 });
      assert.equal(result.summary.format, 'vcombined');
      assert.deepEqual(result.rows.map((row) => row.key).sort(), ['127.0.0.1', '172.17.0.1', 'unix:']);
      assert.equal(result.summary.malformed, 5); // the five lines with a list where the client should be
      assert.equal(csv, referenceAnalyzeFile(REAL.vhostXff, { errorCodes: [...result.errorCodes], threshold: 1, vhost: true }).csv);
    }
  });

  test('a vhost line inside a Combined file is malformed, not a 400 for the vhost', NEEDS_REAL_LOGS, async () => {
    for (const threads of [1, 3]) {
      for (const kernel of [true, false]) {
        const { result, csv } = await run(REAL.apacheMixed, { threads, kernel, threshold: 1, rangeBytes: 300 });
        assert.equal(result.summary.format, 'combined');
        assert.equal(result.summary.malformed, 1);
        assert.ok(!result.rows.some((row) => row.key === '127.0.1.1:80'));
        const reference = referenceAnalyzeFile(REAL.apacheMixed, { errorCodes: [...result.errorCodes], threshold: 1 });
        assert.equal(csv, reference.csv);
        assert.equal(reference.counters.malformed, 1);
      }
    }
  });
});
