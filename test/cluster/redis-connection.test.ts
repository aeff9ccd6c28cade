// cluster/redis-connection.ts: the URL forms (redis://, rediss:// with TLS, user and password, database),
// LOGSIFT_REDIS, and bad URLs as one clear error that never shows the password.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRedisUrl, redisUrlFrom } from '../../src/cluster/redis-connection.js';

test('redis://, rediss://, user:pass, port and database', () => {
  assert.deepEqual(parseRedisUrl('redis://host').options, { host: 'host', port: 6379, db: 0, connectTimeout: 3000 });
  const full = parseRedisUrl('rediss://us%40er:p%3Ass@cache.example:6380/3');
  assert.deepEqual(full.options, {
    host: 'cache.example', port: 6380, db: 3, username: 'us@er', password: 'p:ss', tls: { servername: 'cache.example' }, connectTimeout: 3000,
  });
  assert.equal(full.display, 'rediss://cache.example:6380/3');
  assert.doesNotMatch(full.display, /p:ss|p%3Ass/);
  assert.equal(parseRedisUrl('redis://[::1]:7000').options.host, '::1');
});

test('bad URLs', () => {
  assert.throws(() => parseRedisUrl('localhost:6379'), /redis:\/\/ or rediss:\/\//);
  assert.throws(() => parseRedisUrl('not a url'), /is not a URL/);
  assert.throws(() => parseRedisUrl('http://host'), /redis:\/\/ or rediss:\/\//);
  assert.throws(() => parseRedisUrl('redis://host/db1'), /database must be a number/);
});

test('LOGSIFT_REDIS stands in for the flag', () => {
  assert.equal(redisUrlFrom(undefined, { LOGSIFT_REDIS: 'redis://a' }), 'redis://a');
  assert.equal(redisUrlFrom('redis://b', { LOGSIFT_REDIS: 'redis://a' }), 'redis://b');
  assert.equal(redisUrlFrom(undefined, { LOGSIFT_REDIS: '' }), undefined);
});
