// inputs/compression.ts: which compression an input uses, by its first bytes alone, whatever its name; the
// compressions logsift recognises but cannot read, named.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { detectCompression, MAGIC_BYTES, unsupportedCompression } from '../../src/inputs/compression.js';

test('gzip, zstd (also behind a skippable frame) and bzip2 by their magic; text and short inputs are none', () => {
  assert.equal(detectCompression(gzipSync('x\n')), 'gzip');
  assert.equal(detectCompression(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), 'zstd');
  assert.equal(detectCompression(Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 0, 0])), 'zstd');
  assert.equal(detectCompression(Buffer.from('BZh91AY&SY')), 'bzip2');
  assert.equal(detectCompression(Buffer.from('10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1\n')), 'none');
  assert.equal(detectCompression(Buffer.alloc(0)), 'none');
  assert.equal(detectCompression(Buffer.from([0x1f])), 'none');
  assert.ok(MAGIC_BYTES >= 10, 'enough bytes for bzip2, the longest magic');
});

test('xz, lz4, zip, 7z and compress (.Z) are named, for a clear refusal; what logsift reads is not among them', () => {
  assert.equal(unsupportedCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), 'xz');
  assert.equal(unsupportedCompression(Buffer.from([0x04, 0x22, 0x4d, 0x18])), 'lz4');
  assert.equal(unsupportedCompression(Buffer.from('PK\x03\x04', 'latin1')), 'zip');
  assert.equal(unsupportedCompression(Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])), '7z');
  assert.equal(unsupportedCompression(Buffer.from([0x1f, 0x9d])), 'compress (.Z)');
  assert.equal(unsupportedCompression(gzipSync('x\n')), undefined);
});
