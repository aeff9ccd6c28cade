// Compressed inputs, detected by magic bytes: gzip (multi-member too), zstd and bzip2 give exactly the CSV of the
// plain text, for any threads and chunk size, alone or mixed with plain files; corrupt or truncated data fails
// with the file and the compressed offset.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { analyze } from '../../src/engine/analyze.js';
import { detectCompression } from '../../src/inputs/compression.js';
import type { EngineOptions } from '../../src/options/internal-options.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { cutAtLines } from '../support/files.js';
import { NEEDS_REAL_LOGS, readRealLog } from '../support/paths.js';

const REAL = new URL('../../../../shared/data/real/', import.meta.url);
const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);
const ELASTIC = readRealLog(new URL('apache_combined_semicomplete_2015_elastic.log', REAL));
const NGINX = readRealLog(new URL('nginx_combined_factweavers_2020.log', REAL));
const IIS = readRealLog(new URL('iis_w3c_knowit_u_ex151020.log', REAL));

let dir: string;
const at = (name: string): string => join(dir, name);
const write = (name: string, bytes: Uint8Array): string => {
  writeFileSync(at(name), bytes);
  return at(name);
};
const csvOf = async (input: string | string[], options: Omit<EngineOptions, 'input'> = {}): Promise<string> =>
  formatCsv(await analyze({ threads: 2, threshold: 1, ...options, input }));


const hasTool = (tool: string): boolean => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0;

let elasticCsv: string;
let nginxCsv: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'logsift-compressed-'));
  elasticCsv = await csvOf(write('elastic.log', ELASTIC));
  nginxCsv = await csvOf(write('nginx.log', NGINX));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('compressed inputs', () => {
  test('compression is told by magic bytes, not by name', NEEDS_REAL_LOGS, () => {
    assert.equal(detectCompression(gzipSync(ELASTIC)), 'gzip');
    assert.equal(detectCompression(readFileSync(new URL('nginx_combined_two_frames.log.zst', FIXTURES))), 'zstd');
    assert.equal(detectCompression(readFileSync(new URL('nginx_combined_two_streams.log.bz2', FIXTURES))), 'bzip2');
    assert.equal(detectCompression(ELASTIC), 'none');
    assert.equal(detectCompression(Buffer.from('BZh9 is not a bzip2 file\n')), 'none');
    assert.equal(detectCompression(Buffer.alloc(0)), 'none');
  });

  test('a real sample gzipped (named .log, not .gz) gives the CSV of the plain file, for any threads and chunk size', NEEDS_REAL_LOGS, async () => {
    const gz = write('elastic-gzipped.log', gzipSync(ELASTIC));
    for (const [threads, chunkBytes] of [[1, undefined], [2, 7], [3, 4096]]) {
      assert.equal(await csvOf(gz, { threads, chunkBytes }), elasticCsv, `threads ${threads}, chunkBytes ${chunkBytes}`);
    }
  });

  test('multi-member gzip (members one after another, an empty one too) reads every member', NEEDS_REAL_LOGS, async () => {
    const parts = cutAtLines(ELASTIC, [0.2, 0.7]);
    const gz = write('members.gz', Buffer.concat([gzipSync(parts[0]), gzipSync(Buffer.alloc(0)), gzipSync(parts[1]), gzipSync(parts[2], { level: 1 })]));
    assert.equal(await csvOf(gz), elasticCsv);
    assert.equal(await csvOf(gz, { chunkBytes: 61 }), elasticCsv);
  });

  test('gzip inflated beside the producers (fewer files than cores) and on them (as many or more): the CSV of the plain text', NEEDS_REAL_LOGS, async () => {
    const parts = cutAtLines(Buffer.concat([ELASTIC, NGINX]), [0.1, 0.3, 0.5, 0.6, 0.9]);
    const files = parts.map((part, i) => write(`part-${i}.gz`, i === 2 ? Buffer.concat([gzipSync(part.subarray(0, 999)), gzipSync(part.subarray(999))]) : gzipSync(part)));
    const whole = await csvOf(write('parts.log', Buffer.concat(parts)));
    for (const threads of [1, 2, 3]) {
      assert.equal(await csvOf(files, { threads }), whole, `${files.length} files, threads ${threads}`);
      assert.equal(await csvOf(files.slice(0, 1), { threads }), await csvOf(write('part-0.log', parts[0])), `one file, threads ${threads}`);
    }
  });

  test('the summary lists compressed inputs with both sizes, and the format detected in the text', NEEDS_REAL_LOGS, async () => {
    const gz = gzipSync(IIS);
    const result = await analyze({ input: [write('iis.log.gz', gz), at('nginx.log')], threads: 2 });
    const [iis, nginx] = result.summary.inputs;
    assert.deepEqual(iis, { path: at('iis.log.gz'), format: 'w3c', compression: 'gzip', bytes: gz.length, uncompressedBytes: IIS.length });
    assert.deepEqual(nginx, { path: at('nginx.log'), format: 'combined', compression: 'none', bytes: NGINX.length, uncompressedBytes: NGINX.length });
    assert.equal(result.summary.bytes, gz.length + NGINX.length);
    assert.equal(result.summary.uncompressedBytes, IIS.length + NGINX.length);
    assert.equal(result.summary.format, 'w3c, combined');
  });

  test("a gzip file's format is detected from the same first text as the plain file's, not from a whole inflated piece", async () => {
    // 200 KB of Common lines, then 2 MB of Combined ones: a plain file's sample (its first 128 KiB) is Common,
    // a 1 MiB piece of inflated text would be mostly Combined.
    const line = (i: number, tail: string): string => `10.0.${i % 250}.${i % 7} - - [10/Oct/2020:13:55:36 +0000] "GET /p/${i} HTTP/1.1" 404 ${i % 999}${tail}\n`;
    const lines = (from: number, bytes: number, tail: string): string[] => {
      const out: string[] = [];
      for (let i = from, size = 0; size < bytes; i++) size += (out[out.length] = line(i, tail)).length;
      return out;
    };
    const text = Buffer.from([...lines(0, 200_000, ''), ...lines(1, 2_000_000, ' "-" "agent/1.0"')].join(''));
    const plain = write('common-first.log', text);
    const gz = write('common-first.log.gz', gzipSync(text));
    for (const threads of [1, 3]) {
      const [fromPlain, fromGzip] = [await analyze({ input: plain, threads, threshold: 1 }), await analyze({ input: gz, threads, threshold: 1 })];
      assert.equal(fromPlain.summary.inputs[0].format, 'common');
      assert.equal(fromGzip.summary.inputs[0].format, 'common', `threads ${threads}`);
      assert.equal(formatCsv(fromGzip), formatCsv(fromPlain), `threads ${threads}`);
    }
  });

  test('a forced format applies to compressed inputs too', NEEDS_REAL_LOGS, async () => {
    const result = await analyze({ input: write('nginx-forced.gz', gzipSync(NGINX)), format: 'common', threads: 1 });
    assert.equal(result.summary.inputs[0].format, 'common');
  });

  test('progress counts compressed bytes against the compressed total', NEEDS_REAL_LOGS, async () => {
    const gz = gzipSync(ELASTIC);
    const input = [write('progress.gz', gz), at('nginx.log')];
    let last: [number, number | undefined] = [0, 0];
    await analyze({ input, threads: 2, chunkBytes: 1000, onProgress: (done, total) => (last = [done, total]) });
    assert.deepEqual(last, [gz.length + NGINX.length, gz.length + NGINX.length]);
  });

  test('a rotated set of plain and gzipped files gives the CSV of the concatenated file, for threads 1, 2, 3, 7 and tiny chunks', NEEDS_REAL_LOGS, async () => {
    const parts = cutAtLines(ELASTIC, [0.1, 0.15, 0.4, 0.8]);
    const names = ['access.log.5.gz', 'access.log.4.gz', 'access.log.3', 'access.log.2.gz', 'access.log.1'];
    parts.forEach((part, i) => write(names[i], names[i].endsWith('.gz') ? gzipSync(part) : part));
    const sizes = [{}, { chunkBytes: 61, rangeBytes: 5000, flushGroups: 3 }];
    const runs = [1, 2, 3, 7].flatMap((threads) => sizes.map((size) => ({ threads, ...size })));
    runs.push({ threads: 2, chunkBytes: 7, rangeBytes: 5000, flushGroups: 1000 });
    for (const run of runs) assert.equal(await csvOf(at('access.log.*'), run), elasticCsv, JSON.stringify(run));
  });

  test('zstd (two frames) and bzip2 (two streams) fixtures give the CSV of the plain file', NEEDS_REAL_LOGS, async () => {
    for (const fixture of ['nginx_combined_two_frames.log.zst', 'nginx_combined_two_streams.log.bz2']) {
      const path = new URL(fixture, FIXTURES).pathname;
      for (const chunkBytes of [undefined, 3]) {
        assert.equal(await csvOf(path, { chunkBytes }), nginxCsv, `${fixture}, chunkBytes ${chunkBytes}`);
      }
      const result = await analyze({ input: path, threads: 1 });
      assert.equal(result.summary.inputs[0].uncompressedBytes, NGINX.length);
    }
  });

  test('plain, gzip, zstd, bzip2 and stdin mixed: the CSV of all the text in one file, for threads 1, 2, 3, 7', NEEDS_REAL_LOGS, async () => {
    const [a, b] = cutAtLines(NGINX, [0.5]);
    const all = write('all.log', Buffer.concat([a, b, NGINX, NGINX, ELASTIC]));
    const expected = await csvOf(all);
    write('mix-a.log', a);
    write('mix-b.log', gzipSync(b));
    const inputs = [
      at('mix-*.log'),
      new URL('nginx_combined_two_frames.log.zst', FIXTURES).pathname,
      new URL('nginx_combined_two_streams.log.bz2', FIXTURES).pathname,
      '-',
    ];
    for (const [threads, chunkBytes] of [[1, undefined], [2, 13], [3, 4096], [7, 97]]) {
      const stdin = Readable.from([gzipSync(ELASTIC)]);
      assert.equal(await csvOf(inputs, { threads, chunkBytes, stdin, rangeBytes: 20_000 }), expected, `threads ${threads}, chunkBytes ${chunkBytes}`);
    }
  });

  test('a real sample compressed by the zstd and bzip2 tools (where installed) gives the CSV of the plain file', async (t) => {
    for (const [tool, args] of [['zstd', ['-q', '-c']], ['bzip2', ['-c']]] as const) {
      if (!hasTool(tool)) {
        t.diagnostic(`${tool} not installed: covered by the committed fixtures only`);
        continue;
      }
      const made = spawnSync(tool, [...args, at('elastic.log')], { maxBuffer: 64 * 1024 * 1024 });
      assert.equal(made.status, 0);
      const path = write(`elastic-by-${tool}`, made.stdout);
      assert.equal(await csvOf([path, at('nginx.log')], { threads: 3 }), await csvOf([at('elastic.log'), at('nginx.log')]));
    }
  });

  test('truncated gzip: an error naming the file and the offset where the data ends', NEEDS_REAL_LOGS, async () => {
    const gz = gzipSync(ELASTIC);
    const path = write('truncated.gz', gz.subarray(0, 100_000));
    await assert.rejects(analyze({ input: [at('nginx.log'), path], threads: 2 }), {
      name: 'LogsiftError',
      message: `gzip data ends early (truncated file?) in ${path} at compressed offset 100000`,
    });
  });

  test('corrupt gzip: an error naming the file and the compressed offset where the decoder stopped', NEEDS_REAL_LOGS, async () => {
    const gz = Buffer.from(gzipSync(ELASTIC));
    gz[gz.length >> 1] ^= 0xff;
    const path = write('corrupt.gz', gz);
    await assert.rejects(analyze({ input: path, threads: 1, chunkBytes: 4096 }), (error: Error) => {
      assert.equal(error.name, 'LogsiftError');
      const match = /^corrupt gzip data in (.*) at compressed offset (\d+) \(.+\)$/.exec(error.message);
      assert.ok(match, error.message);
      assert.equal(match[1], path);
      assert.ok(Number(match[2]) >= (gz.length >> 1) - 4096 && Number(match[2]) <= gz.length, error.message);
      return true;
    });
    // Among several gzip files (each inflated on its producer's thread), the corrupt one is named.
    const others = [write('ok-1.gz', gzipSync(NGINX)), write('ok-2.gz', gzipSync(NGINX)), write('ok-3.gz', gzipSync(NGINX))];
    await assert.rejects(analyze({ input: [...others, path], threads: 2 }), { name: 'LogsiftError', message: new RegExp(`^corrupt gzip data in ${path} at compressed offset \\d+ \\(`) });
    // A corrupt header, at once.
    const header = Buffer.from(gzipSync(NGINX));
    header[3] = 0xe0; // reserved flag bits set
    const bad = write('bad-header.gz', header);
    await assert.rejects(analyze({ input: bad, threads: 1 }), { message: new RegExp(`^corrupt gzip data in ${bad} at compressed offset 0 `) });
  });

  test('truncated or corrupt zstd and bzip2: errors naming the file and the offset', async () => {
    for (const fixture of ['nginx_combined_two_frames.log.zst', 'nginx_combined_two_streams.log.bz2']) {
      const bytes = readFileSync(new URL(fixture, FIXTURES));
      const kind = fixture.endsWith('.zst') ? 'zstd' : 'bzip2';
      const cut = write(`cut-${fixture}`, bytes.subarray(0, 7000));
      await assert.rejects(analyze({ input: cut, threads: 1 }), {
        message: `${kind} data ends early (truncated file?) in ${cut} at compressed offset 7000`,
      });
    }
    const bz2 = Buffer.from(readFileSync(new URL('nginx_combined_two_streams.log.bz2', FIXTURES)));
    bz2[5000] ^= 0x55;
    const corrupt = write('corrupt.bz2', bz2);
    await assert.rejects(analyze({ input: corrupt, threads: 1 }), { message: new RegExp(`^corrupt bzip2 data in ${corrupt} at compressed offset \\d+ `) });
  });

  test('xz and other compressions logsift cannot read: a clear error, or skipped with skipUnreadable', async () => {
    const xz = write('access.log.xz', Buffer.from('fd377a585a000004e6d6b446', 'hex'));
    await assert.rejects(analyze({ input: [at('nginx.log'), xz] }), {
      message: `${xz} is xz-compressed, which logsift cannot read: decompress it and pipe it in (... | logsift --input -)`,
    });
    const result = await analyze({ input: [at('nginx.log'), xz], skipUnreadable: true, threshold: 1 });
    assert.deepEqual(result.summary.skippedInputs, [{ path: xz, reason: 'xz-compressed: not supported' }]);
    assert.equal(formatCsv(result), nginxCsv);
  });
});
