import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createFormat } from '../../src/formats/index.js';
import { compileNginx } from '../../src/formats/nginx-format.js';
import { fixture, parseOne, REAL, run, sameForAnySplit } from './support.js';
import { NEEDS_REAL_LOGS } from '../support/paths.js';

const COMBINED = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';
const CUSTOM =
  '$remote_addr - $remote_user [$time_iso8601] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ' +
  '"$http_x_forwarded_for" $host $request_time $upstream_response_time $pipe';

describe('nginx log_format', () => {
  test("nginx's combined format gives exactly what the built-in combined parser gives, on the real nginx log", NEEDS_REAL_LOGS, async () => {
    const builtIn = await run(REAL.nginx, { threshold: 1 });
    const compiled = await sameForAnySplit(REAL.nginx, { threshold: 1, logFormat: COMBINED });
    assert.equal(compiled.result.summary.format, 'nginx');
    assert.equal(compiled.csv, builtIn.csv);
    assert.equal(compiled.result.summary.parsed, builtIn.result.summary.parsed);
  });

  test('a custom format: ISO times, escapes, empty requests, binary probes, a field with spaces after the status', async () => {
    const { result, csv } = await sameForAnySplit(fixture('nginx-custom.log'), { threshold: 1, logFormat: CUSTOM });
    assert.equal(result.summary.parsed, 8);
    assert.equal(result.summary.malformed, 1);
    assert.equal(
      csv,
      [
        'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen',
        '198.51.100.7,2,0,0,1,0,0,0,0,0,0,1,0,2024-02-29T23:59:59+05:30,2024-03-01T00:00:05+05:30',
        '198.51.100.8,2,1,0,0,1,0,0,0,0,0,0,0,2024-03-01T00:00:01+05:30,2024-03-01T00:00:02+05:30',
        '198.51.100.9,2,2,0,0,0,0,0,0,0,0,0,0,2024-03-01T00:00:03+05:30,2024-03-01T00:00:04+05:30',
      ].join('\n') + '\n',
    );
    const xff = await run(fixture('nginx-custom.log'), { threshold: 1, logFormat: CUSTOM, clientFrom: 'xff' });
    assert.match(xff.csv, /^203\.0\.113\.5,1,0,0,1,/m);
  });

  test('fields of one line', () => {
    const f = createFormat('nginx', { logFormat: CUSTOM });
    const line =
      '198.51.100.7 - alice [2024-02-29T23:59:59+05:30] "GET /admin HTTP/2.0" 403 153 "https://www.example.com/" ' +
      '"Mozilla/5.0 (X11; Linux x86_64)" "203.0.113.5, 10.0.0.1" www.example.com 0.001 0.001 p';
    assert.deepEqual(parseOne(f, line), {
      client: '198.51.100.7',
      status: 403,
      time: '2024-02-29T23:59:59+05:30',
      request: 'GET /admin HTTP/2.0',
      method: 'GET',
      path: '/admin',
      referrer: 'https://www.example.com/',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      forwardedFor: '203.0.113.5, 10.0.0.1',
      vhost: 'www.example.com',
    });
  });

  test('the whole log_format directive, ${var}, $msec, escape=json, unknown variables', () => {
    const directive = `log_format  main escape=json '{"ip":"$remote_addr","t":$msec,'\n  '"s":"$status","ua":"\${http_user_agent}","x":"$whatever"}';`;
    const spec = compileNginx(directive);
    assert.equal(spec.escape, 'json');
    assert.deepEqual(spec.literals, ['{"ip":"', '","t":', ',"s":"', '","ua":"', '","x":"', '"}']);
    const f = createFormat('nginx', { logFormat: directive });
    assert.deepEqual(parseOne(f, '{"ip":"192.0.2.1","t":1590992808.281,"s":"404","ua":"caf\\u00e9 \\"x\\"","x":"-"}'), {
      client: '192.0.2.1',
      status: 404,
      time: '2020-06-01T06:26:48+00:00',
      userAgent: 'café "x"',
    });
  });

  test('format strings that cannot work are clear errors', () => {
    const make = (logFormat: string): unknown => createFormat('nginx', { logFormat });
    assert.throws(() => make('$status [$time_local]'), /no client address field \(\$remote_addr\)/);
    assert.throws(() => make('$remote_addr [$time_local]'), /no status field/);
    assert.throws(() => make('$remote_addr $status'), /no complete time field/);
    assert.throws(() => make('$remote_addr$remote_user [$time_local] $status'), /nothing separates \$remote_addr from \$remote_user/);
    assert.throws(() => make("log_format main '$remote_addr"), /unterminated/);
    assert.throws(() => createFormat('nginx'), /needs --log-format/);
  });

  test('lines that do not fit: wrong literal, bad time, bad status', () => {
    const f = createFormat('nginx', { logFormat: COMBINED });
    const ok = '192.0.2.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 404 12 "-" "curl"';
    assert.equal(parseOne(f, ok)?.status, 404);
    assert.equal(parseOne(f, ok.replace(' - - [', ' - - (')), undefined);
    assert.equal(parseOne(f, ok.replace('13:55:36', '13:55:99')), undefined);
    assert.equal(parseOne(f, ok.replace(' 404 ', ' 4040 ')), undefined);
    assert.equal(parseOne(f, ok.replace(' 404 ', ' 40 ')), undefined);
    // Broken after the status: still counted, the broken details unset.
    assert.deepEqual(parseOne(f, ok.replace('"curl"', '"curl'))?.userAgent, undefined);
  });

  test('$msec past 9999-12-31 (milliseconds where seconds belong) is a bad time, not a crash when written', () => {
    const f = createFormat('nginx', { logFormat: '$remote_addr $msec $status' });
    assert.equal(parseOne(f, '192.0.2.1 253402300799.999 404')?.time, '9999-12-31T23:59:59+00:00');
    assert.equal(parseOne(f, '192.0.2.1 253402300800 404'), undefined);
    assert.equal(parseOne(f, '192.0.2.1 1700000000123.456 404'), undefined);
    assert.equal(parseOne(f, '192.0.2.1 99999999999999999999 404'), undefined);
  });
});
