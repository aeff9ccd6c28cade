// Detection's CLF-family count done by the WebAssembly kernel (scan/kernel-scanner.ts kernelClfCounter) against
// the JS parsers' count (formats/detect.ts countClf), which it must equal on any sample: generated, mutated and
// odd lines, vhost lines, docker compose prefixes, CR line ends, blank lines, cut last lines, and the real logs
// cut anywhere. Its lines and compose-prefixed lines against a plain JS count of them (composeLineStart); its
// count of the lines a JSON parser reads (on fixture, mutated and deferred JSON lines) against the parser.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { composeLineStart } from '../../src/formats/compose.js';
import { countClf, detectFormat, type ClfSampleCounts } from '../../src/formats/detect.js';
import { LineFields, type LineFormat } from '../../src/formats/fields.js';
import { createFormat } from '../../src/formats/index.js';
import { kernelClfCounter } from '../../src/scan/kernel-scanner.js';
import { lines, mutate, mutatedLines, nearLines } from '../support/generators.js';
import { NEEDS_REAL_LOGS, REAL_LOGS, readRealLog } from '../support/paths.js';
import { fixture } from '../formats/support.js';
import { SAMPLES } from '../formats/samples.js';

const counter = kernelClfCounter();
const NEEDS_KERNEL = { skip: counter ? false : 'the kernel is not built (npm run build)' } as const;

const vhostLines = fc
  .tuple(fc.constantFrom('example.com', 'example.com:80', '1.2.3.4', 'a:b:1', ''), lines)
  .map(([vhost, g]) => `${vhost} ${g.line}`);

const composeLines = fc
  .tuple(fc.constantFrom('web-1  | ', 'proxy_2 | ', '\x1b[36mweb-1  |\x1b[0m ', 'web-1 | 2024-01-01T00:00:00.123456789Z ', 'x |', 'web-1 |x', ' | ', '1.2.3.4 \x1b[0m| ', 'web-1\t| '), fc.oneof(lines.map((g) => g.line), mutatedLines, vhostLines))
  .map(([prefix, line]) => prefix + line);

/** The non-blank lines of a sample (CR stripped; an unfinished last one only when whole), and those with a compose prefix. */
function linesOf(sample: Buffer, whole: boolean): { lines: number; prefixed: number } {
  let lines = 0;
  let prefixed = 0;
  for (let start = 0; start < sample.length; ) {
    const newline = sample.indexOf(0x0a, start);
    let end = newline < 0 ? sample.length : newline;
    if (end > start && sample[end - 1] === 0x0d) end--;
    if ((newline >= 0 || whole) && end > start) {
      lines++;
      if (composeLineStart(sample, start, end) >= 0) prefixed++;
    }
    start = newline < 0 ? sample.length : newline + 1;
  }
  return { lines, prefixed };
}

/** The kernel's counts of a sample, against the JS ones. */
function assertCountsEqual(sample: Buffer, whole: boolean, message?: string): void {
  const { combined, vhost, tails, lines, prefixed } = counter!(sample, whole)!;
  assert.deepEqual<ClfSampleCounts>({ combined, vhost, tails }, countClf(sample, whole), message);
  assert.deepEqual({ lines, prefixed }, linesOf(sample, whole), message);
}

const anyLine = fc.oneof(
  { weight: 2, arbitrary: composeLines },
  { weight: 4, arbitrary: lines.map((g) => g.line) },
  { weight: 2, arbitrary: mutatedLines },
  { weight: 2, arbitrary: vhostLines },
  { weight: 1, arbitrary: vhostLines.chain(mutate) },
  { weight: 1, arbitrary: nearLines },
  { weight: 1, arbitrary: fc.constantFrom('', '\r', '#Fields: date time', ' ', '"') },
);

describe('kernel count of the CLF family for detection', () => {
  test('equals the JS parsers on any sample, whole or cut', NEEDS_KERNEL, () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.boolean(), (texts, eol, endsWithNewline, whole) => {
        const sample = Buffer.from(texts.join(eol) + (endsWithNewline ? eol : ''), 'latin1');
        assertCountsEqual(sample, whole);
        assert.deepEqual(detectFormat(sample, {}, whole, false, counter), detectFormat(sample, {}, whole));
      }),
      { numRuns: 3000 },
    );
  });

  test('detection with the counter equals detection without it on samples mostly behind compose prefixes', NEEDS_KERNEL, () => {
    const mostlyPrefixed = fc.oneof({ weight: 5, arbitrary: composeLines }, { weight: 1, arbitrary: anyLine });
    fc.assert(
      fc.property(fc.array(mostlyPrefixed, { maxLength: 20 }), fc.boolean(), (texts, whole) => {
        const sample = Buffer.from(texts.join('\n') + '\n', 'latin1');
        assertCountsEqual(sample, whole);
        assert.deepEqual(detectFormat(sample, {}, whole, false, counter), detectFormat(sample, {}, whole));
      }),
      { numRuns: 1500 },
    );
  });

  test('detection with the counter (JSON counted ahead of the JS candidates) equals the plain rule on any mix of every format', NEEDS_KERNEL, () => {
    // The first lines of every format's sample, and JSON lines: ties and near-ties between candidates in any order.
    const everyFormat = [
      ...SAMPLES.filter(([path]) => existsSync(path)).flatMap(([path]) => readFileSync(path, 'latin1').split('\n').slice(0, 8)),
      ...['caddy.log', 'traefik.json', 'nginx-json.log'].flatMap((name) => readFileSync(fixture(name), 'latin1').split('\n').slice(0, 8)),
      '{"not": "a log"}',
    ].filter((line) => line !== '');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...everyFormat), { maxLength: 30 }), fc.boolean(), (texts, whole) => {
        const sample = Buffer.from(texts.join('\n') + (whole ? '' : '\n'), 'latin1');
        assert.deepEqual(detectFormat(sample, {}, whole, false, counter), detectFormat(sample, {}, whole, true));
      }),
      { numRuns: 2000 },
    );
  });

  test('equals the JS parsers on the real logs, cut at many places', { skip: NEEDS_KERNEL.skip || NEEDS_REAL_LOGS.skip }, () => {
    for (const name of readdirSync(REAL_LOGS).filter((file) => file.endsWith('.log'))) {
      const bytes = readRealLog(join(REAL_LOGS, name));
      for (const cut of [bytes.length, 64 * 1024, 4096, 1000, 333, 1]) {
        const sample = bytes.subarray(0, Math.min(cut, bytes.length));
        for (const whole of [true, false]) {
          assertCountsEqual(sample, whole, `${name}, ${cut} bytes, whole ${whole}`);
        }
      }
    }
  });

  test('a sample larger than the counter held before, then a small one again', NEEDS_KERNEL, () => {
    const line = '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 404 2326 "-" "x"\n';
    for (const copies of [1, 5000, 2]) {
      const sample = Buffer.from(line.repeat(copies));
      assert.deepEqual(counter!(sample, false), { combined: copies, vhost: 0, tails: copies, lines: copies, prefixed: 0 });
    }
  });

  test('its count of the lines a JSON parser reads equals the parser, and detection with it equals detection without it', NEEDS_KERNEL, () => {
    const fixtureLines = ['caddy.log', 'traefik.json', 'nginx-json.log'].flatMap((name) => readFileSync(fixture(name), 'utf8').split('\n').filter((l) => l !== ''));
    const jsonLine = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...fixtureLines) },
      { weight: 3, arbitrary: fc.constantFrom(...fixtureLines).chain(mutate) },
      // times the kernel leaves to the JS parser (CLF text, an epoch in a string)
      { weight: 1, arbitrary: fc.constantFrom('{"ts":"10/Oct/2000:13:55:36 -0700","request":{"remote_ip":"1.2.3.4"},"status":404}', '{"ts":"1646861401","request":{"remote_ip":"1.2.3.4"},"status":"500"}') },
      { weight: 1, arbitrary: anyLine },
    );
    const formats: LineFormat[] = [createFormat('caddy'), createFormat('json'), createFormat('json', { jsonFields: { client: 'request.client_ip', time: 'ts' } })];
    fc.assert(
      fc.property(fc.array(jsonLine, { maxLength: 25 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.boolean(), (texts, eol, endsWithNewline, whole) => {
        const sample = Buffer.from(texts.join(eol) + (endsWithNewline ? eol : ''), 'utf8');
        const lines = jsFitting(everyLine, sample, whole);
        for (const format of formats) {
          const exact = jsFitting(format, sample, whole);
          assert.equal(counter!.fitting!(format, sample, whole), exact, format.name);
          // Told how many lines it may miss, it may stop early, but only below what would still count.
          for (const canMiss of [0, 1, 3, lines]) {
            const counted = counter!.fitting!(format, sample, whole, canMiss)!;
            if (exact >= lines - canMiss) assert.equal(counted, exact, `${format.name}, may miss ${canMiss}`);
            else assert.ok(counted < lines - canMiss, `${format.name}, may miss ${canMiss}: ${counted}`);
          }
        }
        assert.equal(counter!.fitting!(combinedLineFormat, sample, whole), undefined);
        assert.deepEqual(detectFormat(sample, {}, whole, false, counter), detectFormat(sample, {}, whole));
      }),
      { numRuns: 1500 },
    );
  });
});

const combinedLineFormat = createFormat('combined');
/** Reads every line: jsFitting with it counts the non-blank lines. */
const everyLine = { parse: () => true } as unknown as LineFormat;

/** The non-blank lines of a sample (as linesOf reads them) that `format` parses. */
function jsFitting(format: LineFormat, sample: Buffer, whole: boolean): number {
  const fields = new LineFields();
  let fitting = 0;
  for (let start = 0; start < sample.length; ) {
    const newline = sample.indexOf(0x0a, start);
    let end = newline < 0 ? sample.length : newline;
    if (end > start && sample[end - 1] === 0x0d) end--;
    if ((newline >= 0 || whole) && end > start && format.parse(sample, start, end, fields)) fitting++;
    start = newline < 0 ? sample.length : newline + 1;
  }
  return fitting;
}
