import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { CLOUDFRONT_FIELDS } from '../../src/formats/cloudfront.js';
import { createFormat } from '../../src/formats/index.js';
import { referenceW3c } from '../reference/w3c.js';
import { expectedCsv, fixture, parseOne, sameForAnySplit } from './support.js';

describe('cloudfront', () => {
  const path = fixture('cloudfront.log');

  test('TAB-separated W3C; a concatenated second file with fewer fields; status 000 read, never matched', async () => {
    const { result, csv } = await sameForAnySplit(path, { threshold: 1 });
    assert.equal(result.summary.format, 'cloudfront');
    assert.equal(result.summary.comment, 4);
    assert.equal(result.summary.malformed, 0);
    assert.equal(result.summary.parsed, 16);
    assert.equal(csv, expectedCsv(referenceW3c(readFileSync(path, 'latin1'), 'client', CLOUDFRONT_FIELDS), 1));
    assert.match(csv, /^2001:db8::1,/m);
  });

  test('--client-from xff uses x-forwarded-for where it is not -', async () => {
    const { csv } = await sameForAnySplit(path, { threshold: 1, clientFrom: 'xff' });
    assert.equal(csv, expectedCsv(referenceW3c(readFileSync(path, 'latin1'), 'xff', CLOUDFRONT_FIELDS), 1));
    assert.match(csv, /^198\.51\.100\.5,/m);
  });

  test('headerless lines use the documented 33 fields; text undoes URL encoding once', () => {
    const cf = createFormat('cloudfront');
    cf.begin!([]);
    const line = readFileSync(path, 'latin1').split('\n')[2];
    const r = parseOne(cf, line)!;
    assert.equal(r.client, '192.0.2.100');
    assert.equal(r.status, 403);
    assert.equal(r.time, '2019-12-04T21:00:00+00:00');
    assert.equal(r.vhost, 'www.example.com'); // x-host-header, not the distribution's cs(Host)
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/img/0.png');
    assert.match(r.userAgent!, /^Mozilla\/5\.0 \(Windows NT 10\.0; Win64; x64\) AppleWebKit/);
    const doubly = readFileSync(path, 'latin1').split('\n')[4];
    assert.equal(parseOne(cf, doubly)!.userAgent, 'Mozilla/5.0%20(X11;%20Linux)');
    // A lone % stays.
    const odd = line.replace('Mozilla/5.0%20', 'Mozilla/5.0%2');
    assert.match(parseOne(cf, odd)!.userAgent!, /^Mozilla\/5\.0%2\(Windows/);
  });
});
