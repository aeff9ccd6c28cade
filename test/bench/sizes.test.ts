import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatSize, parseSize, sizeTag } from '../../bench/sizes.js';

test('parseSize reads binary units the way genlog does', () => {
  assert.equal(parseSize('1G'), 1024 ** 3);
  assert.equal(parseSize('32M'), 32 * 1024 ** 2);
  assert.equal(parseSize('1k'), 1024);
  assert.equal(parseSize('1.5G'), 1.5 * 1024 ** 3);
  assert.equal(parseSize('4GiB'), 4 * 1024 ** 3);
  assert.equal(parseSize('1000'), 1000);
});

test('parseSize rejects what is not a size', () => {
  for (const bad of ['', 'G', '1X', '-1M', '0', 'ten']) assert.throws(() => parseSize(bad), /not a size/, bad);
});

test('sizeTag spells a size shortly and exactly, for file names', () => {
  assert.equal(sizeTag(1024 ** 3), '1G');
  assert.equal(sizeTag(32 * 1024 ** 2), '32M');
  assert.equal(sizeTag(1536 * 1024 ** 2), '1536M');
  assert.equal(sizeTag(1000), '1000');
  assert.equal(sizeTag(parseSize('1.5G')), '1536M');
});

test('formatSize is for people', () => {
  assert.equal(formatSize(512), '512 B');
  assert.equal(formatSize(1073741929), '1.00 GiB');
  assert.equal(formatSize(1.5 * 1024 ** 2), '1.50 MiB');
});
