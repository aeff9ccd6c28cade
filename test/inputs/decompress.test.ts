// inputs/decompress.ts: a truncated bzip2 file, even one cut to `BZh9`, is reported as truncated, not read as
// text; a corrupt zstd file names where the decoder stopped, not the start of the read that held the damage.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import { detectCompression } from '../../src/inputs/compression.js';
import { withTempDir } from '../support/files.js';

const HAVE_ZSTD = spawnSync('zstd', ['--version']).status === 0;

describe('truncated and corrupt compressed input', () => {
  test('a bzip2 file cut anywhere in its first bytes is bzip2 (then truncated), not text', async () => {
    const start = Buffer.from('BZh91AY&SY');
    for (let cut = 4; cut <= start.length; cut++) assert.equal(detectCompression(start.subarray(0, cut)), 'bzip2', `cut at ${cut}`);
    assert.equal(detectCompression(Buffer.from('BZh9 hello')), 'none');
    assert.equal(detectCompression(Buffer.from('BZh')), 'none');
    await withTempDir(async (dir) => {
      const path = join(dir, 'access.log.bz2');
      writeFileSync(path, 'BZh9');
      await assert.rejects(analyze({ input: path, threads: 1 }), { message: `bzip2 data ends early (truncated file?) in ${path} at compressed offset 4` });
    });
  });

  test('corrupt zstd data at 40,000: the offset reported is near it, not 0', { skip: HAVE_ZSTD ? false : 'needs the zstd tool, absent here' }, async () => {
    let seed = 7;
    const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const lines = Array.from({ length: 60_000 }, () => `10.${random(256)}.${random(256)}.${random(256)} - - [10/Oct/2000:13:${String(random(60)).padStart(2, '0')}:36 -0700] "GET /p/${random(1e6)} HTTP/1.1" ${[200, 404, 500][random(3)]} ${random(1e5)}\n`);
    const zstd = spawnSync('zstd', ['-q', '-c', '-3'], { input: lines.join(''), maxBuffer: 64 << 20 });
    const bytes = Buffer.from(zstd.stdout);
    assert.ok(bytes.length > 100_000, `big enough: ${bytes.length}`);
    for (let i = 40_000; i < 40_010; i++) bytes[i] ^= 0xff;
    await withTempDir(async (dir) => {
      const path = join(dir, 'access.log.zst');
      writeFileSync(path, bytes);
      const error = await analyze({ input: path, threads: 1 }).then(() => undefined, (e: Error) => e);
      const offset = Number(/^corrupt zstd data in .* at compressed offset (\d+) /.exec(error?.message ?? '')?.[1]);
      assert.ok(offset >= 40_000 - 16 * 1024 && offset <= 40_000 + 144 * 1024, `${error?.message}`);
    });
  });
});
