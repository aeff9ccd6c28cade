// inputs/probe.ts: what each input is. Here: a file truncated while it is read is said so (file and sizes),
// and /proc files, which say they are 0 bytes long, are read to their end as streams.

import assert from 'node:assert/strict';
import { appendFileSync, closeSync, openSync, readSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { analyze } from '../../src/engine/analyze.js';
import fc from 'fast-check';
import { DETECT_BYTES, fileSample, probeFile, shrunkInputs } from '../../src/inputs/probe.js';
import { withTempDir } from '../support/files.js';

const LINE = '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 404 1\n';

describe('a file truncated while it is read', () => {
  test('shrunkInputs names it with both sizes; a file that grew (a live log) is not a warning', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'access.log');
      writeFileSync(path, LINE.repeat(100));
      const file = probeFile(0, path, 'auto');
      assert.deepEqual(shrunkInputs([file]), []);
      writeFileSync(path, LINE.repeat(200));
      assert.deepEqual(shrunkInputs([file]), []);
      truncateSync(path, 1000);
      assert.deepEqual(shrunkInputs([file]), [
        `${path} was truncated while it was read (6,500 bytes when the run began, 1,000 at the end): the result counts only the lines that were still there`,
      ]);
    });
  });

  test('a run during which the file is truncated ends with that warning, not silently', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'access.log');
      writeFileSync(path, LINE.repeat(200_000));
      let truncated = false;
      const result = await analyze({
        input: path,
        threads: 1,
        chunkBytes: 64 * 1024,
        rangeBytes: 1024 * 1024,
        onProgress: () => {
          if (!truncated) truncateSync(path, 4096);
          truncated = true;
        },
      });
      assert.ok(truncated);
      assert.equal(result.summary.warnings.length, 1, result.summary.warnings.join('\n'));
      assert.match(result.summary.warnings[0], /access\.log was truncated while it was read \(13,000,000 bytes when the run began, 4,096 at the end\)/);
    });
  });
});

test('/proc files (0 bytes by their size) are read as streams: every line is there', async () => {
  const result = await analyze({ input: '/proc/self/mountinfo', threads: 1 });
  assert.ok(result.summary.lines > 0);
  assert.equal(result.summary.bytes, result.summary.uncompressedBytes);
  assert.ok(result.summary.bytes > 0);
});

describe('detection sees the first whole lines, however long', () => {
  const caddyLine = (ip: string, uri: string, ts: number): string =>
    JSON.stringify({ level: 'info', ts, logger: 'http.log.access', msg: 'handled request', request: { remote_ip: ip, method: 'GET', uri, headers: {} }, status: 500 }) + '\n';
  const log = caddyLine('10.0.0.9', '/' + 'a'.repeat(70_000), 1704067200) +
    Array.from({ length: 50 }, (_, i) => caddyLine(`10.0.0.${i % 2}`, '/', 1704067201 + i)).join('');

  test('a first line over 64 KiB: the file is detected as Caddy and every line read, from a file and from stdin', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'caddy.log');
      writeFileSync(path, log);
      assert.equal(probeFile(0, path, 'auto').format, 'caddy');
      const fromFile = await analyze({ input: path, threshold: 1, threads: 2 });
      assert.equal(fromFile.summary.format, 'caddy');
      assert.equal(fromFile.summary.matched, 51);
      assert.deepEqual(fromFile.summary.warnings, []);
      const bytes = Buffer.from(log);
      const pieces = Array.from({ length: Math.ceil(bytes.length / 4096) }, (_, i) => bytes.subarray(i * 4096, (i + 1) * 4096));
      const fromStdin = await analyze({ input: '-', stdin: Readable.from(pieces), threshold: 1 });
      assert.equal(fromStdin.summary.format, 'caddy');
      assert.equal(fromStdin.summary.matched, 51);
    });
  });

  test('a file that is one long line without a newline is read whole for detection', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'one.log');
      writeFileSync(path, caddyLine('10.0.0.9', '/' + 'b'.repeat(200_000), 1704067200).trimEnd());
      assert.equal(probeFile(0, path, 'auto').format, 'caddy');
    });
  });
});

describe("a small file's sample from its bytes read already, as read from the file", () => {
  /** The file's first `size` bytes as a producer reads them, then its sample both ways (fd closed after). */
  const samples = (path: string, size: number, readBytes = size): { fromText: ReturnType<typeof fileSample>; fromFile: ReturnType<typeof fileSample> } => {
    const fd = openSync(path, 'r');
    try {
      const text = Buffer.alloc(readBytes);
      const text2 = text.subarray(0, readSync(fd, text, 0, readBytes, 0));
      return { fromText: fileSample(fd, size, text2), fromFile: fileSample(fd, size) };
    } finally {
      closeSync(fd);
    }
  };
  const line = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 300 }) },
    { weight: 1, arbitrary: fc.integer({ min: 300, max: 200_000 }) },
  );

  test('equal for any line lengths, a byte-order mark or not, a final newline or not, a file shrunk or grown since', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'small.log');
      fc.assert(
        fc.property(fc.array(line, { maxLength: 60 }), fc.boolean(), fc.boolean(), fc.constantFrom('same', 'shrunk', 'grown'), (lengths, bom, newline, change) => {
          const text = (bom ? '\ufeff' : '') + lengths.map((n, i) => String.fromCharCode(97 + (i % 26)).repeat(n)).join('\n') + (newline ? '\n' : '');
          writeFileSync(path, text);
          const size = Buffer.byteLength(text);
          if (change === 'shrunk') truncateSync(path, Math.floor(size / 2));
          if (change === 'grown') appendFileSync(path, 'x'.repeat(300_000) + '\n');
          const { fromText, fromFile } = samples(path, size);
          assert.equal(fromText.whole, fromFile.whole);
          assert.ok(fromText.bytes.equals(fromFile.bytes), `${fromText.bytes.length} bytes against ${fromFile.bytes.length}`);
        }),
        { numRuns: 300 },
      );
    });
  });

  test('the sample ends where it did: the whole of a 100 KB file, the first 128 KiB of a bigger one', async () => {
    await withTempDir((dir) => {
      const path = join(dir, 'lines.log');
      // 100-byte lines: the head (64 KiB) ends inside one, so the read after it is needed.
      const lines = (bytes: number): string => `${'x'.repeat(99)}\n`.repeat(Math.ceil(bytes / 100)).slice(0, bytes);
      writeFileSync(path, lines(100_000));
      const small = samples(path, 100_000);
      assert.deepEqual([small.fromText.bytes.length, small.fromText.whole], [100_000, true]);
      writeFileSync(path, lines(300_000));
      const big = samples(path, 300_000);
      assert.deepEqual([big.fromText.bytes.length, big.fromText.whole], [2 * DETECT_BYTES, false]);
      assert.ok(big.fromText.bytes.equals(big.fromFile.bytes));
    });
  });
});
