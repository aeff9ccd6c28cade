// Pipes: `-` reads stdin (here a stream handed to analyze), streamed to one producer, never read whole; plain or
// compressed, alone or with files, it gives exactly the CSV of the same bytes read from a file.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { analyze } from '../../src/engine/analyze.js';
import type { EngineOptions } from '../../src/options/internal-options.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { NEEDS_REAL_LOGS, readRealLog } from '../support/paths.js';

const REAL = new URL('../../../../shared/data/real/', import.meta.url);
const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);
const ELASTIC = readRealLog(new URL('apache_combined_semicomplete_2015_elastic.log', REAL));
const NGINX = readRealLog(new URL('nginx_combined_factweavers_2020.log', REAL));
const IIS = readRealLog(new URL('iis_w3c_knowit_u_ex151020.log', REAL));

let dir: string;
const at = (name: string): string => join(dir, name);

/** A stream giving `bytes` in chunks of the given sizes (cycled), as a pipe would. */
function chunked(bytes: Uint8Array, sizes: number[] = [65536]): Readable {
  return Readable.from(
    (function* () {
      for (let from = 0, i = 0; from < bytes.length; i++) {
        const size = sizes[i % sizes.length];
        yield Buffer.from(bytes.subarray(from, from + size));
        from += size;
      }
    })(),
  );
}

const csvOf = async (options: EngineOptions): Promise<string> => formatCsv(await analyze({ threads: 2, threshold: 1, ...options }));

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logsift-stdin-'));
  writeFileSync(at('elastic.log'), ELASTIC);
  writeFileSync(at('nginx.log'), NGINX);
  writeFileSync(at('iis.log'), IIS);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('stdin', () => {
  test('plain stdin gives the CSV of the file, whatever its chunks and the chunk size', NEEDS_REAL_LOGS, async () => {
    const expected = await csvOf({ input: at('elastic.log') });
    for (const [sizes, chunkBytes] of [[[65536], undefined], [[1, 7, 300, 5000], 61], [[ELASTIC.length], 4096]] as const) {
      const result = await analyze({ input: '-', stdin: chunked(ELASTIC, [...sizes]), threads: 2, threshold: 1, chunkBytes });
      assert.equal(formatCsv(result), expected, `chunks ${sizes.join(',')}, chunkBytes ${chunkBytes}`);
      assert.equal(result.summary.input, 'stdin');
      assert.deepEqual(result.summary.inputs, [{ path: '-', format: 'combined', compression: 'none', bytes: ELASTIC.length, uncompressedBytes: ELASTIC.length }]);
    }
  });

  test('gzipped stdin (detected by its bytes) gives the CSV of the plain file; so do zstd and bzip2', NEEDS_REAL_LOGS, async () => {
    const expected = await csvOf({ input: at('elastic.log') });
    const gz = gzipSync(ELASTIC);
    const result = await analyze({ input: '-', stdin: chunked(gz, [3, 1000, 20000]), threads: 2, threshold: 1 });
    assert.equal(formatCsv(result), expected);
    assert.deepEqual(result.summary.inputs[0], { path: '-', format: 'combined', compression: 'gzip', bytes: gz.length, uncompressedBytes: ELASTIC.length });
    const nginxCsv = await csvOf({ input: at('nginx.log') });
    for (const fixture of ['nginx_combined_two_frames.log.zst', 'nginx_combined_two_streams.log.bz2']) {
      const bytes = readFileSync(new URL(fixture, FIXTURES));
      assert.equal(await csvOf({ input: '-', stdin: chunked(bytes, [5, 4096]) }), nginxCsv, fixture);
    }
  });

  test('stdin among files reads as one log, for threads 1, 2, 3, 7; its format is detected in its own text', NEEDS_REAL_LOGS, async () => {
    const expected = await csvOf({ input: [at('elastic.log'), at('iis.log'), at('nginx.log')] });
    for (const threads of [1, 2, 3, 7]) {
      const result = await analyze({
        input: [at('elastic.log'), '-', at('nginx.log')],
        stdin: chunked(gzipSync(IIS), [999]),
        threads,
        threshold: 1,
        chunkBytes: threads === 7 ? 97 : undefined,
        rangeBytes: 100_000,
      });
      assert.equal(formatCsv(result), expected, `threads ${threads}`);
      assert.deepEqual(result.summary.inputs.map((input) => [input.path, input.format]), [[at('elastic.log'), 'combined'], ['-', 'w3c'], [at('nginx.log'), 'combined']]);
    }
  });

  test('empty stdin: header-only output, no error', async () => {
    const result = await analyze({ input: '-', stdin: Readable.from([]), threads: 1 });
    assert.equal(result.summary.lines, 0);
    assert.equal(result.rows.length, 0);
  });

  test('progress counts stdin bytes as they come, with no total while a pipe is read', NEEDS_REAL_LOGS, async () => {
    let last: [number, number | undefined] = [0, 0];
    const gz = gzipSync(ELASTIC);
    await analyze({ input: [at('nginx.log'), '-'], stdin: chunked(gz, [4096]), threads: 2, onProgress: (done, total) => (last = [done, total]) });
    assert.deepEqual(last, [NGINX.length + gz.length, undefined]);
  });

  test('a failing stdin stops the run with its error', NEEDS_REAL_LOGS, async () => {
    const failing = new Readable({
      read() {
        this.push(ELASTIC.subarray(0, 10_000));
        this.destroy(new Error('connection reset'));
      },
    });
    await assert.rejects(analyze({ input: '-', stdin: failing, threads: 1 }), /connection reset/);
  });

  test('a truncated gzip on stdin: error naming stdin and the offset', NEEDS_REAL_LOGS, async () => {
    await assert.rejects(analyze({ input: '-', stdin: chunked(gzipSync(ELASTIC).subarray(0, 30_000), [7000]), threads: 1 }), {
      message: 'gzip data ends early (truncated file?) in stdin at compressed offset 30000',
    });
  });

  test('a named pipe (FIFO) is read as a stream too', NEEDS_REAL_LOGS, async (t) => {
    const fifo = at('access.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo not available');
    const writer = createWriteStream(fifo);
    writer.end(gzipSync(NGINX));
    const result = await analyze({ input: fifo, threads: 2, threshold: 1 });
    assert.equal(formatCsv(result), await csvOf({ input: at('nginx.log') }));
    assert.equal(result.summary.inputs[0].compression, 'gzip');
  });
});
