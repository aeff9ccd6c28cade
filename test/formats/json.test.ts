import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createFormat } from '../../src/formats/index.js';
import { jsonUnescaped } from '../../src/formats/json-scan.js';
import { fixture, parseOne, run, sameForAnySplit } from './support.js';

const HEADER = 'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen';

describe('caddy', () => {
  const caddy = createFormat('caddy');
  const lines = readFileSync(fixture('caddy.log'), 'utf8').split('\n');

  test("Caddy's access log: epoch and ISO ts, old remote_addr, a runtime line and a cut line do not fit", async () => {
    const { result, csv } = await sameForAnySplit(fixture('caddy.log'), { threshold: 1 });
    assert.equal(result.summary.format, 'caddy');
    assert.equal(result.summary.parsed, 5);
    assert.equal(result.summary.malformed, 2);
    assert.equal(
      csv,
      [
        HEADER,
        '203.0.113.7,2,0,0,1,1,0,0,0,0,0,0,0,2022-03-09T21:30:02+00:00,2022-03-09T21:30:03+00:00',
        '2001:db8::5,1,0,0,0,0,0,0,0,1,0,0,0,2022-03-09T21:30:05+00:00,2022-03-09T21:30:05+00:00',
        '203.0.113.8,1,0,0,0,0,0,1,0,0,0,0,0,2022-03-09T21:30:06+01:00,2022-03-09T21:30:06+01:00',
      ].join('\n') + '\n',
    );
  });

  test('fields: nested request, headers as arrays, JSON escapes undone by text', () => {
    assert.deepEqual(parseOne(caddy, lines[1]), {
      client: '203.0.113.7',
      status: 404,
      time: '2022-03-09T21:30:02+00:00',
      vhost: 'example.com',
      method: 'GET',
      path: '/wp-login.php?x="1"',
      userAgent: 'Mozilla/5.0 (café "bot")',
      referrer: 'https://example.com/',
      forwardedFor: '198.51.100.20, 10.0.0.1',
    });
  });

  test('--client-from xff takes the first X-Forwarded-For address where a line has one', async () => {
    const { csv } = await sameForAnySplit(fixture('caddy.log'), { threshold: 1, clientFrom: 'xff' });
    assert.match(csv, /^198\.51\.100\.20,1,0,0,0,1,/m);
    assert.match(csv, /^203\.0\.113\.7,1,0,0,1,0,/m);
  });
});

describe('json', () => {
  const json = createFormat('json');

  test('Traefik: ClientHost, DownstreamStatus, StartLocal (with its offset), request_User-Agent', async () => {
    const { result, csv } = await sameForAnySplit(fixture('traefik.json'), { threshold: 1 });
    assert.equal(result.summary.format, 'json');
    assert.equal(
      csv,
      [
        HEADER,
        '172.17.0.1,1,0,0,0,1,0,0,0,0,0,0,0,2024-03-01T10:11:12+01:00,2024-03-01T10:11:12+01:00',
        '2001:db8::9,1,0,0,0,0,0,0,0,1,0,0,0,2024-03-01T10:12:00+01:00,2024-03-01T10:12:00+01:00',
      ].join('\n') + '\n',
    );
    const line = readFileSync(fixture('traefik.json'), 'utf8').split('\n')[0];
    assert.deepEqual(parseOne(json, line), {
      client: '172.17.0.1',
      status: 404,
      time: '2024-03-01T10:11:12+01:00',
      vhost: 'localhost',
      method: 'GET',
      path: '/foo',
      userAgent: 'curl/8.4.0',
      forwardedFor: '203.0.113.50',
    });
  });

  test('nginx escape=json: string status, $request split into method and path', async () => {
    const { result, csv } = await sameForAnySplit(fixture('nginx-json.log'), { threshold: 1 });
    assert.equal(result.summary.format, 'json');
    assert.equal(
      csv,
      [
        HEADER,
        '198.51.100.1,2,0,0,0,1,0,1,0,0,0,0,0,2023-05-04T10:00:01+02:00,2023-05-04T10:00:02+02:00',
        '198.51.100.2,1,0,1,0,0,0,0,0,0,0,0,0,2023-05-04T10:00:03+02:00,2023-05-04T10:00:03+02:00',
      ].join('\n') + '\n',
    );
    const line = readFileSync(fixture('nginx-json.log'), 'utf8').split('\n')[0];
    assert.deepEqual(parseOne(json, line), {
      client: '198.51.100.1',
      status: 404,
      time: '2023-05-04T10:00:01+02:00',
      vhost: 'shop.example.com',
      request: 'GET /a HTTP/1.1',
      method: 'GET',
      path: '/a',
      referrer: '',
      userAgent: 'Mozilla/5.0 ("quoted")',
      forwardedFor: '',
    });
  });

  test('--json-fields names other keys (dotted paths); unknown roles and bad paths are errors', async () => {
    const custom = createFormat('json', { jsonFields: { client: 'src.ip', status: 'http.code', time: 'when' } });
    const line = '{"src":{"ip":"192.0.2.1","port":5},"http":{"code":503,"path":"/x"},"when":"10/Oct/2000:13:55:36 -0700"}';
    assert.deepEqual(parseOne(custom, line), { client: '192.0.2.1', status: 503, time: '2000-10-10T13:55:36-07:00' });
    assert.equal(parseOne(json, line), undefined);
    assert.throws(() => createFormat('json', { jsonFields: { colour: 'x' } }), /unknown role 'colour'/);
    assert.throws(() => createFormat('json', { jsonFields: { client: 'a..b' } }), /not a key path/);
    await assert.rejects(run(fixture('traefik.json'), { format: 'alb', jsonFields: { client: 'x' } }), /--json-fields is for JSON lines/);
  });

  test('times: epoch seconds, ms, µs, ns; ISO with and without offset; CLF in brackets', () => {
    const at = (time: string): string | undefined =>
      parseOne(json, `{"remote_addr":"1.1.1.1","status":404,"time":${time}}`, false)?.time;
    assert.equal(at('1646861401'), '2022-03-09T21:30:01+00:00');
    assert.equal(at('1646861401.999'), '2022-03-09T21:30:01+00:00');
    assert.equal(at('1646861401999'), '2022-03-09T21:30:01+00:00');
    assert.equal(at('1646861401999999'), '2022-03-09T21:30:01+00:00');
    assert.equal(at('1646861401999999999'), '2022-03-09T21:30:01+00:00');
    assert.equal(at('"1646861401"'), '2022-03-09T21:30:01+00:00');
    assert.equal(at('"2022-03-09T21:30:01Z"'), '2022-03-09T21:30:01+00:00');
    assert.equal(at('"2022-03-09T21:30:01"'), '2022-03-09T21:30:01+00:00');
    assert.equal(at('"2022-03-09T21:30:01.5-03:30"'), '2022-03-09T21:30:01-03:30');
    assert.equal(at('"[09/Mar/2022:21:30:01 +0100]"'), '2022-03-09T21:30:01+01:00');
    assert.equal(at('"yesterday"'), undefined);
    assert.equal(at('null'), undefined);
  });

  test('lines that do not fit: not JSON, two objects, broken JSON, a missing or bad status', () => {
    const ok = '{"remote_addr":"1.1.1.1","status":404,"time":1646861401}';
    assert.equal(parseOne(json, ok)?.status, 404);
    assert.equal(parseOne(json, ok + ' {}'), undefined);
    assert.equal(parseOne(json, ok.slice(0, -1)), undefined);
    assert.equal(parseOne(json, ok.replace('404', '"4x4"')), undefined);
    assert.equal(parseOne(json, ok.replace('"status":404,', '')), undefined);
    assert.equal(parseOne(json, ok.replace(',"time"', ' "time"')), undefined);
    assert.equal(parseOne(json, '[1,2,3]'), undefined);
    assert.equal(parseOne(json, '{"a":{"b":[{"c":"}"}]},' + ok.slice(1))?.status, 404); // nesting and braces in strings
    assert.equal(parseOne(json, '{ "remote_addr" : "1.1.1.1" , "status" : 404 , "time" : 1646861401 } ')?.status, 404);
  });

  test('jsonUnescaped: all escapes, surrogate pairs, broken escapes kept', () => {
    const text = (s: string): string => Buffer.from(jsonUnescaped(Buffer.from(s, 'latin1'), 0, s.length), 'latin1').toString('utf8');
    assert.equal(text('a\\"b\\\\c\\/d\\n\\t\\r\\b\\f'), 'a"b\\c/d\n\t\r\b\f');
    assert.equal(text('caf\\u00e9 \\ud83d\\ude00'), 'café 😀');
    assert.equal(text('bad \\u12 and \\x'), 'bad \\u12 and \\x');
  });
});
