// The CLF kernel behind docker compose's prefix (kernel/compose.ts, scan kind 3) against the JS wrapper
// (formats/compose.ts over formats/clf.ts): generated Combined lines behind plain, padded, coloured and timed
// prefixes, and behind near-misses the JS reads as bare lines (no bar, `name |x`, a cut colour, a timestamp one
// digit short), in every kernel mode and split; the real Combined logs behind a prefix.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createFormat } from '../../src/formats/index.js';
import { kernelSupports } from '../../src/scan/kernel-scanner.js';
import { REAL } from '../formats/support.js';
import { lines as combinedLines } from '../support/generators.js';
import { sameWithKernel } from '../support/kernel-differential.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { NEEDS_REAL_LOGS } from '../support/paths.js';

const PREFIXES = [
  'web-1  | ', 'my_project_api_1 | ', 'db.2 |', '\x1b[36mweb-1  | \x1b[0m', '\x1b[1;32mproxy-1\x1b[0m  | ',
  'web-1  | 2024-10-10T13:55:01.123456789Z ', 'web-1  | 2024-10-10T13:55:01.123456789+02:00 ',
  // near-misses: read as bare lines, or with the timestamp left in the line
  '', 'web-1 |x', 'web-1| ', ' web-1 | ', 'web 1 | ', '\x1b[36web-1 | ', 'web-1  | 2024-10-10T13:55:01.12345678Z ',
  'web-1  | 2024-10-10T13:55:01.123456789+0200 ', 'web-1  | 2024-10-10T13:55:01.123456789Z',
];

describe('CLF kernel behind compose prefixes vs the JS wrapper', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir();
  });
  after(() => removeDir(dir));

  test('the kernel reads compose:common and compose:combined', () => {
    for (const name of ['compose:common', 'compose:combined']) assert.equal(kernelSupports(createFormat(name)), true, name);
  });

  test('generated Combined lines behind prefixes and near-misses, some cut', async () => {
    const sample = fc.sample(fc.tuple(combinedLines, fc.nat(PREFIXES.length - 1), fc.oneof({ weight: 15, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(60) })), { numRuns: 1500, seed: 21 });
    const text = sample.map(([{ line }, prefix, cut]) => {
      const whole = PREFIXES[prefix] + line;
      return cut >= 0 ? whole.slice(0, cut) : whole;
    });
    const input = join(dir, 'compose.log');
    writeFileSync(input, text.join('\n') + '\n', 'latin1');
    const { summary } = await sameWithKernel(input, { format: 'compose:combined' }, 'compose');
    assert.ok(summary.parsed > 500 && summary.malformed > 50, JSON.stringify(summary));
  });

  test('the real Combined and Common logs behind a prefix', NEEDS_REAL_LOGS, async () => {
    for (const [path, format] of [[REAL.nginx, 'compose:combined'], [REAL.apache, 'compose:combined'], [REAL.nasa, 'compose:common']] as const) {
      const text = readFileSync(path, 'latin1').split('\n').map((line, i) => (line === '' ? line : PREFIXES[i % 7] + line)).join('\n');
      const input = join(dir, 'real.log');
      writeFileSync(input, text, 'latin1');
      const { summary } = await sameWithKernel(input, { format }, path);
      assert.ok(summary.parsed > 0, path);
    }
  });
});
