// Many inputs are analysed as one log: a rotated set gives exactly the CSV of the concatenated file, for any
// threads, chunk and range sizes.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { cutAtLines } from '../support/files.js';
import { NEEDS_REAL_LOGS, readRealLog } from '../support/paths.js';

const REAL = new URL('../../../../shared/data/real/', import.meta.url);
const ELASTIC = readRealLog(new URL('apache_combined_semicomplete_2015_elastic.log', REAL));

let dir: string;
let whole: string;
let pieces: string[];
let expected: string;


before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'logsift-multi-'));
  whole = join(dir, 'whole.log');
  writeFileSync(whole, ELASTIC);
  // Newest first, as logrotate names them; sizes very unequal, one tiny.
  const parts = cutAtLines(ELASTIC, [0.05, 0.06, 0.5]);
  const names = ['access.log.3', 'access.log.2', 'access.log.1', 'access.log'];
  pieces = parts.map((part, i) => {
    const path = join(dir, names[i]);
    writeFileSync(path, part);
    return path;
  });
  expected = formatCsv(await analyze({ input: whole, threads: 1 }));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('several inputs', () => {
  test('a rotated set gives the CSV of the whole file, for threads 1, 2, 3, 7 and any chunk and range size', NEEDS_REAL_LOGS, async () => {
    const sizes = [{}, { chunkBytes: 61, rangeBytes: 3000 }, { chunkBytes: 4096, rangeBytes: 100_000 }];
    const runs = [1, 2, 3, 7].flatMap((threads) => sizes.map((size) => ({ threads, ...size })));
    runs.push({ threads: 3, chunkBytes: 7, rangeBytes: 1000 });
    for (const run of runs) {
      const result = await analyze({ input: pieces, ...run });
      assert.equal(formatCsv(result), expected, JSON.stringify(run));
      assert.equal(result.summary.lines, 10_000);
    }
  });

  test('the rotated set given as a glob or a folder reads the same', async () => {
    for (const input of [join(dir, 'access.log*'), [join(dir, 'access.log'), join(dir, 'access.log.*')]]) {
      const result = await analyze({ input, threads: 2 });
      assert.equal(formatCsv(result), expected);
      assert.equal(result.summary.inputs.length, 4);
    }
  });

  test('the summary lists the inputs with their bytes and format', NEEDS_REAL_LOGS, async () => {
    const result = await analyze({ input: pieces, threads: 2 });
    const s = result.summary;
    assert.equal(s.input, '4 inputs');
    assert.deepEqual(s.inputs.map((input) => input.path), pieces);
    assert.equal(s.bytes, ELASTIC.length);
    assert.equal(s.uncompressedBytes, ELASTIC.length);
    assert.ok(s.inputs.every((input) => input.format === 'combined' && input.compression === 'none'));
    assert.deepEqual(s.skippedInputs, []);
    assert.equal(s.format, 'combined');
  });

  test('a file without a final newline ends its last line (it does not run into the next file)', NEEDS_REAL_LOGS, async () => {
    const a = join(dir, 'no-newline-a.log');
    const b = join(dir, 'no-newline-b.log');
    const [first, second] = cutAtLines(ELASTIC, [0.3]);
    writeFileSync(a, first.subarray(0, first.length - 1));
    writeFileSync(b, second);
    for (const threads of [1, 3]) {
      assert.equal(formatCsv(await analyze({ input: [a, b], threads, chunkBytes: 13 })), expected);
    }
  });

  test('many small files keep every producer busy and give the same CSV', NEEDS_REAL_LOGS, async () => {
    const lines = ELASTIC.toString('latin1').split('\n');
    const files: string[] = [];
    for (let i = 0; i < 40; i++) {
      const path = join(dir, `small-${String(i).padStart(2, '0')}.log`);
      writeFileSync(path, Buffer.from(lines.slice(i * 250, (i + 1) * 250).join('\n') + '\n', 'latin1'));
      files.push(path);
    }
    for (const threads of [1, 2, 7]) {
      assert.equal(formatCsv(await analyze({ input: join(dir, 'small-*.log'), threads, rangeBytes: 20_000 })), expected);
    }
  });

  test('small files of several formats, detected by the producers that read them, read as when the main thread detects them', NEEDS_REAL_LOGS, async () => {
    const logs = ['iis_w3c_knowit_u_ex151020.log', 'clf_nasa_ksc_aug1995_first20k.log', 'nginx_vhost_xff_beats_test-with-host.log', 'apache_combined_semicomplete_2015_elastic.log'];
    const files = logs.map((name, i) => {
      const path = join(dir, `mixed-${i}.log`);
      writeFileSync(path, readRealLog(new URL(name, REAL)).subarray(0, 40_000 + i * 7_000));
      return path;
    });
    // rangeBytes 1000: every file is cut into ranges, so the main thread detects them all (the reference here).
    const reference = await analyze({ input: files, threads: 2, rangeBytes: 1000, threshold: 1 });
    const formats = reference.summary.inputs.map((input) => input.format);
    assert.deepEqual(formats, ['w3c', 'common', 'vcombined', 'combined']);
    for (const threads of [1, 2, 3]) {
      const result = await analyze({ input: files, threads, threshold: 1 });
      assert.equal(formatCsv(result), formatCsv(reference), `threads ${threads}`);
      assert.deepEqual(result.summary.inputs.map((input) => input.format), formats);
      assert.equal(result.summary.lines, reference.summary.lines);
      assert.equal(result.summary.malformed, reference.summary.malformed);
    }
  });

  test('a missing file among many stops the run naming it; skipUnreadable goes on and reports it', async () => {
    const missing = join(dir, 'missing.log');
    await assert.rejects(analyze({ input: [pieces[0], missing, pieces[1]] }), { message: `input file not found: ${missing}` });
    const result = await analyze({ input: [...pieces, missing], threads: 2, skipUnreadable: true });
    assert.equal(formatCsv(result), expected);
    assert.deepEqual(result.summary.skippedInputs, [{ path: missing, reason: 'not found' }]);
    await assert.rejects(analyze({ input: [missing], skipUnreadable: true }), /no input could be read/);
  });

  test('progress counts the bytes of all inputs against their total', NEEDS_REAL_LOGS, async () => {
    let last: [number, number | undefined] = [0, 0];
    await analyze({ input: pieces, threads: 2, onProgress: (done, total) => (last = [done, total]) });
    assert.deepEqual(last, [ELASTIC.length, ELASTIC.length]);
  });
});
