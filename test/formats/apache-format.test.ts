import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compileApache } from '../../src/formats/apache-format.js';
import { createFormat } from '../../src/formats/index.js';
import { fixture, parseOne, REAL, run, sameForAnySplit } from './support.js';
import { NEEDS_REAL_LOGS } from '../support/paths.js';

const COMBINED = '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"';

describe('Apache LogFormat', () => {
  test("Apache's combined and common formats give what the built-in parsers give, on the real logs", NEEDS_REAL_LOGS, async () => {
    for (const [path, logFormat] of [
      [REAL.apache, COMBINED],
      [REAL.nasa, '%h %l %u %t \\"%r\\" %>s %b'],
    ] as const) {
      const builtIn = await run(path, { threshold: 1 });
      const compiled = await run(path, { threshold: 1, logFormat, threads: 2, chunkBytes: 4096, rangeBytes: 100_000 });
      assert.equal(compiled.result.summary.format, 'apache');
      assert.equal(compiled.csv, builtIn.csv, path);
      assert.equal(compiled.result.summary.parsed, builtIn.result.summary.parsed);
    }
  });

  test('a pasted LogFormat directive with vhost:port, %a, an strftime time, escaped quotes, a cut agent', async () => {
    const directive = 'LogFormat "%v:%p %a %l %u %{%d/%b/%Y:%H:%M:%S %z}t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\" %D" vhost_custom';
    const { result, csv } = await sameForAnySplit(fixture('apache-custom.log'), { threshold: 1, logFormat: directive });
    assert.equal(result.summary.parsed, 5);
    assert.equal(
      csv,
      [
        'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen',
        '2001:db8::20,2,0,0,0,0,0,1,0,0,1,0,0,2000-10-10T13:57:00-07:00,2000-10-10T23:59:59-07:00',
        '192.0.2.10,1,0,1,0,0,0,0,0,0,0,0,0,2000-10-10T13:55:37-07:00,2000-10-10T13:55:37-07:00',
        '192.0.2.11,1,0,0,0,1,0,0,0,0,0,0,0,2000-10-10T13:56:00-07:00,2000-10-10T13:56:00-07:00',
      ].join('\n') + '\n',
    );
    const f = createFormat('apache', { logFormat: directive });
    assert.deepEqual(parseOne(f, 'shop.example.com:80 192.0.2.11 - - 10/Oct/2000:13:56:00 -0700 "GET /a\\"b HTTP/1.1" 404 209 "-" "curl/7.1 \\"odd\\"" 88'), {
      client: '192.0.2.11',
      status: 404,
      time: '2000-10-10T13:56:00-07:00',
      vhost: 'shop.example.com',
      request: 'GET /a\\"b HTTP/1.1',
      method: 'GET',
      path: '/a\\"b',
      referrer: '-',
      userAgent: 'curl/7.1 \\"odd\\"',
    });
  });

  test('time directives: %{sec}t, %{msec}t, begin:, 12-hour clocks, %e, %T shorthands, no offset is UTC', () => {
    const at = (logFormat: string, line: string): string | undefined =>
      parseOne(createFormat('apache', { logFormat }), line, false)?.time;
    assert.equal(at('%h %{sec}t %>s', '1.1.1.1 1590992808 404'), '2020-06-01T06:26:48+00:00');
    assert.equal(at('%h %{msec}t %>s', '1.1.1.1 1590992808281 404'), '2020-06-01T06:26:48+00:00');
    assert.equal(at('%h %{begin:%Y-%m-%dT%T}t.%{msec_frac}t %>s', '1.1.1.1 2020-06-01T06:26:48.281 404'), '2020-06-01T06:26:48+00:00');
    assert.equal(at('%h [%{%a %b %e %r %Y}t] %>s', '1.1.1.1 [Mon Jun  1 06:26:48 PM 2020] 404'), '2020-06-01T18:26:48+00:00');
    assert.equal(at('%h [%{%a %b %e %r %Y}t] %>s', '1.1.1.1 [Mon Jun 11 12:26:48 AM 2020] 404'), '2020-06-11T00:26:48+00:00');
    assert.equal(at('%h %{%F %T %z}t %>s', '1.1.1.1 2020-06-01 06:26:48 +0530 404'), '2020-06-01T06:26:48+05:30');
    assert.equal(at('%h %{%d/%B/%y:%H:%M:%S}t %>s', '1.1.1.1 01/June/20:06:26:48 404'), '2020-06-01T06:26:48+00:00');
    assert.equal(at('%h %{%F %T}t %>s', '1.1.1.1 2020-02-30 06:26:48 404'), undefined);
    // The time last in the line: its offset and AM/PM still count.
    assert.equal(at('%h %>s %{%d/%b/%Y:%H:%M:%S %z}t', '1.1.1.1 404 01/Jun/2020:06:26:48 -0700'), '2020-06-01T06:26:48-07:00');
    assert.equal(at('%h %>s %{%I:%M:%S %p %d/%m/%Y}t', '1.1.1.1 404 06:26:48 PM 01/06/2020'), '2020-06-01T18:26:48+00:00');
    assert.equal(at('%h %>s %{%d/%m/%Y %I:%M:%S %p}t', '1.1.1.1 404 01/06/2020 06:26:48 PM'), '2020-06-01T18:26:48+00:00');
  });

  test('directives: %% and status conditions; %>s wins over %s; headers by name, any case', () => {
    const spec = compileApache('%h %% %400,501{User-agent}i %!200{referer}I %s %>s %{X-Forwarded-For}i %{host}i %t');
    assert.deepEqual(spec.literals[1], ' % ');
    const f = createFormat('apache', { logFormat: '%h %s %>s "%{x-forwarded-for}i" %{Host}i %t' });
    const r = parseOne(f, '10.0.0.1 302 404 "198.51.100.3, 10.0.0.2" example.com [10/Oct/2000:13:55:36 -0700]')!;
    assert.equal(r.status, 404);
    assert.equal(r.forwardedFor, '198.51.100.3, 10.0.0.2');
    assert.equal(r.vhost, 'example.com');
  });

  test('format strings that cannot work are clear errors', () => {
    const make = (logFormat: string): unknown => createFormat('apache', { logFormat });
    assert.throws(() => make('%l %t %>s'), /no client address field \(%h or %a\)/);
    assert.throws(() => make('%h %t'), /no status field \(%>s or %s\)/);
    assert.throws(() => make('%h %>s'), /no complete time field/);
    assert.throws(() => make('%h %{%c}t %>s'), /uses %c, which logsift cannot read back/);
    assert.throws(() => make('%h%u %t %>s'), /nothing separates %h from %u/);
    assert.throws(() => make('%h %{Referer %t %>s'), /cannot read the directive/);
  });
});
