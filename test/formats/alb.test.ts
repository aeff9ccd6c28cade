import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createFormat } from '../../src/formats/index.js';
import { fixture, parseOne, sameForAnySplit } from './support.js';

const HEADER = 'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen';

describe('alb', () => {
  const alb = createFormat('alb');
  const lines = readFileSync(fixture('alb.log'), 'latin1').split('\n');

  test('documented entry types (http, https, h2, ws), a closed connection, a redirect, an IPv6 client', async () => {
    const { result, csv } = await sameForAnySplit(fixture('alb.log'), { threshold: 1 });
    assert.equal(result.summary.format, 'alb');
    assert.equal(result.summary.parsed, 12);
    assert.equal(result.summary.malformed, 0);
    assert.equal(
      csv,
      [
        HEADER,
        '192.168.131.40,6,0,0,2,2,0,0,0,2,0,0,0,2018-07-02T22:20:01+00:00,2018-07-02T22:25:01+00:00',
        '10.0.1.252,1,0,0,0,0,0,1,0,0,0,0,0,2018-07-02T22:23:00+00:00,2018-07-02T22:23:00+00:00',
        '192.168.131.39,1,1,0,0,0,0,0,0,0,0,0,0,2018-07-02T22:26:00+00:00,2018-07-02T22:26:00+00:00',
      ].join('\n') + '\n',
    );
  });

  test('fields of one entry: client without port, elb_status_code, request, agent, domain', () => {
    assert.deepEqual(parseOne(alb, lines[1]), {
      client: '192.168.131.40',
      status: 404,
      time: '2018-07-02T22:20:01+00:00',
      request: 'GET https://www.example.com:443/missing/0?a=b HTTP/1.1',
      method: 'GET',
      path: '/missing/0?a=b',
      userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64)',
      vhost: 'www.example.com',
    });
    assert.equal(parseOne(alb, lines[9])!.status, 0); // `-`: no response
    assert.equal(parseOne(alb, lines[10])!.client, '2001:db8::1');
    assert.equal(parseOne(alb, lines[11])!.request, 'GET http://www.example.com:80/q?bar=\\x22 HTTP/1.1');
    // Without a TLS domain, the vhost is the host of the absolute target; a bad request keeps its target.
    assert.deepEqual([parseOne(alb, lines[7])!.vhost, parseOne(alb, lines[7])!.path], ['10.0.2.105', '/']);
    assert.deepEqual([parseOne(alb, lines[0])!.vhost, parseOne(alb, lines[0])!.path], ['www.example.com', '/']);
    assert.deepEqual([parseOne(alb, lines[9])!.vhost, parseOne(alb, lines[9])!.path], [undefined, 'https://www.example.com:443- -']);
  });

  test('lines that do not fit: ELB lines, a bad time, a missing status', () => {
    assert.equal(parseOne(alb, readFileSync(fixture('elb.log'), 'latin1').split('\n')[0]), undefined);
    assert.equal(parseOne(alb, lines[0].replace('2018-07-02T22:23:00.186641Z', '2018-13-02T22:23:00.186641Z')), undefined);
    assert.equal(parseOne(alb, lines[0].slice(0, lines[0].indexOf(' 200 200'))), undefined);
    // Cut after the status: still counted (like CLF), details only as far as they go.
    assert.equal(parseOne(alb, lines[0].slice(0, lines[0].indexOf(' 200 200') + 8))?.status, 200);
    assert.equal(parseOne(alb, lines[0].replace(' 200 200 ', ' 2000 200 ')), undefined);
  });
});

describe('elb', () => {
  const elb = createFormat('elb');
  const lines = readFileSync(fixture('elb.log'), 'latin1').split('\n');

  test('HTTP, HTTPS and TCP-listener entries', async () => {
    const { result, csv } = await sameForAnySplit(fixture('elb.log'), { threshold: 1 });
    assert.equal(result.summary.format, 'elb');
    assert.equal(result.summary.parsed, 8);
    assert.equal(csv, `${HEADER}\n192.168.131.41,5,0,0,0,3,0,0,0,0,2,0,0,2015-05-13T23:40:43+00:00,2015-05-13T23:44:43+00:00\n`);
  });

  test('fields of one entry; a TCP entry has no status and no request', () => {
    assert.deepEqual(parseOne(elb, lines[1]), {
      client: '192.168.131.41',
      status: 404,
      time: '2015-05-13T23:40:43+00:00',
      request: 'GET https://www.example.com:443/x0 HTTP/1.1',
      method: 'GET',
      path: '/x0',
      userAgent: 'curl/7.38.0',
      vhost: 'www.example.com',
    });
    const tcp = parseOne(elb, lines[6])!;
    assert.equal(tcp.status, 0);
    assert.equal(tcp.request, '- - - ');
    assert.equal(parseOne(elb, readFileSync(fixture('alb.log'), 'latin1').split('\n')[0]), undefined);
  });
});
