// Detection's CLF-family count done by the WebAssembly kernel (scan/kernel-scanner.ts kernelClfCounter) against
// the JS parsers' count (formats/detect.ts countClf), which it must equal on any sample: generated, mutated and
// odd lines, vhost lines, CR line ends, blank lines, cut last lines, and the real logs cut anywhere.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { countClf, detectFormat } from '../../src/formats/detect.js';
import { kernelClfCounter } from '../../src/scan/kernel-scanner.js';
import { lines, mutate, mutatedLines, nearLines } from '../support/generators.js';
import { NEEDS_REAL_LOGS, REAL_LOGS, readRealLog } from '../support/paths.js';

const counter = kernelClfCounter();
const NEEDS_KERNEL = { skip: counter ? false : 'the kernel is not built (npm run build)' } as const;

const vhostLines = fc
  .tuple(fc.constantFrom('example.com', 'example.com:80', '1.2.3.4', 'a:b:1', ''), lines)
  .map(([vhost, g]) => `${vhost} ${g.line}`);

const anyLine = fc.oneof(
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
        assert.deepEqual(counter!(sample, whole), countClf(sample, whole));
        assert.deepEqual(detectFormat(sample, {}, whole, false, counter), detectFormat(sample, {}, whole));
      }),
      { numRuns: 3000 },
    );
  });

  test('equals the JS parsers on the real logs, cut at many places', { skip: NEEDS_KERNEL.skip || NEEDS_REAL_LOGS.skip }, () => {
    for (const name of readdirSync(REAL_LOGS).filter((file) => file.endsWith('.log'))) {
      const bytes = readRealLog(join(REAL_LOGS, name));
      for (const cut of [bytes.length, 64 * 1024, 4096, 1000, 333, 1]) {
        const sample = bytes.subarray(0, Math.min(cut, bytes.length));
        for (const whole of [true, false]) {
          assert.deepEqual(counter!(sample, whole), countClf(sample, whole), `${name}, ${cut} bytes, whole ${whole}`);
        }
      }
    }
  });

  test('a sample larger than the counter held before, then a small one again', NEEDS_KERNEL, () => {
    const line = '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 404 2326 "-" "x"\n';
    for (const copies of [1, 5000, 2]) {
      const sample = Buffer.from(line.repeat(copies));
      assert.deepEqual(counter!(sample, false), { combined: copies, vhost: 0, tails: copies });
    }
  });
});
