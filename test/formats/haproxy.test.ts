import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createFormat } from '../../src/formats/index.js';
import { fixture, parseOne, sameForAnySplit } from './support.js';

describe('haproxy', () => {
  const haproxy = createFormat('haproxy');
  const lines = readFileSync(fixture('haproxy.log'), 'latin1').split('\n');

  test('syslog and bare lines, captured headers, <BADREQ>, status -1, a cut request, a TCP line', async () => {
    const { result, csv } = await sameForAnySplit(fixture('haproxy.log'), { threshold: 1 });
    assert.equal(result.summary.format, 'haproxy');
    assert.equal(result.summary.parsed, 9);
    assert.equal(result.summary.malformed, 1); // the TCP-mode line
    assert.equal(
      csv,
      [
        'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen',
        '10.0.1.3,2,1,0,0,0,0,0,0,0,1,0,0,2009-02-06T12:14:16+00:00,2009-02-06T12:14:17+00:00',
        '10.0.1.2,1,0,0,0,1,0,0,0,0,0,0,0,2009-02-06T12:14:15+00:00,2009-02-06T12:14:15+00:00',
        '10.0.1.4,1,0,0,0,1,0,0,0,0,0,0,0,2009-02-06T12:14:19+00:00,2009-02-06T12:14:19+00:00',
        '10.0.1.5,1,0,0,1,0,0,0,0,0,0,0,0,2009-02-06T12:14:20+01:00,2009-02-06T12:14:20+01:00',
        '192.168.1.9,1,0,0,0,1,0,0,0,0,0,0,0,2009-02-06T12:14:21+00:00,2009-02-06T12:14:21+00:00',
        '2001:db8::7,1,0,0,0,1,0,0,0,0,0,0,0,2009-02-06T12:14:22+00:00,2009-02-06T12:14:22+00:00',
      ].join('\n') + '\n',
    );
  });

  test('fields: the request after captured headers (which may hold spaces), a cut request, <BADREQ>', () => {
    assert.deepEqual(parseOne(haproxy, lines[1]), {
      client: '10.0.1.2',
      status: 404,
      time: '2009-02-06T12:14:15+00:00',
      request: 'GET /missing HTTP/1.1',
      method: 'GET',
      path: '/missing',
    });
    assert.equal(parseOne(haproxy, lines[4])!.status, 0);
    assert.equal(parseOne(haproxy, lines[5])!.path, '/very/long/request/cut/short/by/haproxy?aaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.equal(parseOne(haproxy, lines[3])!.path, '<BADREQ>');
    assert.equal(parseOne(haproxy, lines[6]), undefined);
    // The RFC 3339 syslog stamp gives the offset of the (offset-less) accept date.
    assert.equal(parseOne(haproxy, lines[7])!.time, '2009-02-06T12:14:20+01:00');
  });

  test('lines that do not fit', () => {
    assert.equal(parseOne(haproxy, lines[0].replace('[06/Feb/2009:12:14:14.655]', '[06/Feb/2009:12:14:14]')), undefined);
    assert.equal(parseOne(haproxy, lines[0].replace(' 200 2750 ', ' 2000 2750 ')), undefined);
    assert.equal(parseOne(haproxy, '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 404 1'), undefined);
  });
});
