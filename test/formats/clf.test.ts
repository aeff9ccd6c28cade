// The CLF-family parser (NCSA Common, Combined, vhost-Combined) on every odd case the brief lists, one test each.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatStampIso, stampEpochSeconds, stampOffsetMinutes } from '../../src/base/time.js';
import { combinedFormat, commonFormat, parseClfTime, vcombinedFormat } from '../../src/formats/clf.js';
import { detectFormat } from '../../src/formats/index.js';
import { analyzeContent } from '../support/files.js';
import { parseLine, parseLineDetails } from '../support/lines.js';

const T = '[10/Oct/2000:13:55:36 -0700]';
const T_ISO = '2000-10-10T13:55:36-07:00';
const HEADER = 'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen\n';

/** A combined line with the given parts (defaults make a plain, valid line). */
function line(parts: { host?: string; time?: string; request?: string; status?: string; tail?: string } = {}): string {
  const { host = '127.0.0.1', time = T, request = 'GET /apache_pb.gif HTTP/1.0', status = '404', tail = ' 2326 "http://www.example.com/start.html" "Mozilla/4.08"' } = parts;
  return `${host} - frank ${time} "${request}" ${status}${tail}`;
}

function parsed(text: string, format = combinedFormat) {
  const result = parseLine(format, text);
  assert.ok(result, `should parse: ${JSON.stringify(text)}`);
  return result;
}

function rejected(text: string, format = combinedFormat): void {
  assert.equal(parseLine(format, text), undefined, `should not parse: ${JSON.stringify(text)}`);
}

describe('CLF parser: the plain lines', () => {
  test('a combined line: client, status, time, request', () => {
    const r = parsed(line());
    assert.equal(r.client, '127.0.0.1');
    assert.equal(r.status, 404);
    assert.equal(formatStampIso(r.stamp), T_ISO);
    assert.equal(stampEpochSeconds(r.stamp), Date.parse(T_ISO) / 1000);
    assert.equal(r.request, 'GET /apache_pb.gif HTTP/1.0');
  });

  test('a common line (nothing after the size) and one that ends right at the status', () => {
    assert.equal(parsed(line({ tail: ' 2326' }), commonFormat).status, 404);
    assert.equal(parsed(line({ tail: '' }), commonFormat).status, 404);
  });

  test('ident and user are any one word each, or a quoted user with spaces inside', () => {
    assert.equal(parsed(`1.2.3.4 ident-x user@example.com ${T} "GET / HTTP/1.1" 500 1`).client, '1.2.3.4');
    assert.equal(parsed(`1.2.3.4 - "john smith" ${T} "GET / HTTP/1.1" 500 1`).client, '1.2.3.4');
    assert.equal(parsed(`1.2.3.4 - "say \\"hi\\" now" ${T} "GET / HTTP/1.1" 500 1`).client, '1.2.3.4');
    assert.equal(parsed(`1.2.3.4 - "" ${T} "GET / HTTP/1.1" 500 1`).client, '1.2.3.4');
    assert.equal(parsed(`1.2.3.4 - "half ${T} "GET / HTTP/1.1" 500 1`).client, '1.2.3.4'); // a word that starts with a quote
  });
});

describe('CLF parser: the cases of the brief', () => {
  test('an escaped quote \\" inside the request', () => {
    const r = parsed(line({ request: 'GET /search?q=\\"admin\\" HTTP/1.1' }));
    assert.equal(r.request, 'GET /search?q=\\"admin\\" HTTP/1.1');
    assert.equal(r.status, 404);
  });

  test('\\xNN escapes (binary probes as nginx logs them)', () => {
    const r = parsed(line({ request: '\\x16\\x03\\x01\\x00\\xfc\\x03\\x03', status: '400', tail: ' 157 "-" "-"' }));
    assert.equal(r.request, '\\x16\\x03\\x01\\x00\\xfc\\x03\\x03');
    assert.equal(r.status, 400);
  });

  test('the empty request ""', () => {
    const r = parseLineDetails(combinedFormat, line({ request: '', status: '400', tail: ' 0 "-" "-"' }));
    assert.ok(r);
    assert.equal(r.request, '');
    assert.equal(r.status, 400);
    assert.equal(r.method, undefined);
    assert.equal(r.path, '');
  });

  test('a request with no protocol', () => {
    const r = parseLineDetails(commonFormat, `piweba3y.prodigy.com - - [01/Aug/1995:00:00:01 -0400] "GET /ksc.html" 200 7280`);
    assert.ok(r);
    assert.equal(r.status, 200);
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/ksc.html');
  });

  test('a request with runs of spaces', () => {
    const r = parseLineDetails(combinedFormat, line({ request: 'GET  /two words   here  HTTP/1.0' }));
    assert.ok(r);
    assert.equal(r.status, 404);
    assert.equal(r.request, 'GET  /two words   here  HTTP/1.0');
    assert.equal(r.method, 'GET');
    assert.equal(r.path, '/two words   here');
  });

  test('IPv6 hosts', () => {
    assert.equal(parsed(line({ host: '2001:db8:85a3::8a2e:370:7334' })).client, '2001:db8:85a3::8a2e:370:7334');
    assert.equal(parsed(line({ host: '::1' })).client, '::1');
    assert.equal(parsed(line({ host: '::ffff:192.0.2.128' })).client, '::ffff:192.0.2.128');
  });

  test('DNS-name hosts', () => {
    assert.equal(parsed(line({ host: 'piweba3y.prodigy.com' })).client, 'piweba3y.prodigy.com');
    assert.equal(parsed(line({ host: 'localhost' })).client, 'localhost');
  });

  test('"-" sizes (common and combined)', () => {
    assert.equal(parsed(line({ status: '304', tail: ' -' }), commonFormat).status, 304);
    const r = parseLineDetails(combinedFormat, line({ status: '404', tail: ' - "-" "curl/8.5.0"' }));
    assert.equal(r?.status, 404);
    assert.equal(r?.userAgent, 'curl/8.5.0');
  });

  test('CRLF line endings: the CR is not part of the line (nor of a status at its end)', async () => {
    const lf = `${line({ host: 'a' })}\n${line({ host: 'a', tail: '' })}\n${line({ host: 'b', status: '500' })}\n`;
    const crlf = lf.replace(/\n/g, '\r\n');
    const expected = await analyzeContent(lf, { threshold: 1 });
    const got = await analyzeContent(crlf, { threshold: 1 });
    assert.equal(got.csv, expected.csv);
    assert.equal(got.csv, `${HEADER}a,2,0,0,0,2,0,0,0,0,0,0,0,${T_ISO},${T_ISO}\nb,1,0,0,0,0,0,1,0,0,0,0,0,${T_ISO},${T_ISO}\n`);
    assert.equal(got.result.summary.parsed, 3);
    assert.equal(got.result.summary.lines, 3);
  });

  test('no final newline: the last line still counts', async () => {
    const { result, csv } = await analyzeContent(`${line({ host: 'a' })}\n${line({ host: 'z', tail: '' })}`, { threshold: 1 });
    assert.equal(result.summary.lines, 2);
    assert.equal(result.summary.parsed, 2);
    assert.match(csv, /^z,1,/m);
  });

  test('empty lines are counted as blank, not malformed', async () => {
    const { result } = await analyzeContent(`\n${line()}\n\n\r\n${line()}\n\n`, { threshold: 1 });
    assert.deepEqual(
      { lines: result.summary.lines, blank: result.summary.blank, malformed: result.summary.malformed, parsed: result.summary.parsed },
      { lines: 6, blank: 4, malformed: 0, parsed: 2 },
    );
  });

  test('NUL bytes and binary garbage: skipped as malformed, never a crash; a NUL inside the request is fine', async () => {
    const garbage = Buffer.from([0x00, 0x16, 0x03, 0x01, 0x02, 0x00, 0xfc, 0xff, 0x5b, 0x22, 0x20, 0x34, 0x30, 0x34]);
    assert.equal(parseLine(combinedFormat, garbage), undefined);
    assert.equal(parseLine(combinedFormat, Buffer.alloc(100)), undefined);
    assert.equal(parsed(line({ request: 'GET /\x00\x00 HTTP/1.1' })).status, 404);
    const log = Buffer.concat([garbage, Buffer.from(`\n\x00\x00\x00\n${line()}\n\xff\xfe\n`, 'latin1')]);
    const { result } = await analyzeContent(log, { threshold: 1 });
    assert.deepEqual(
      { lines: result.summary.lines, malformed: result.summary.malformed, parsed: result.summary.parsed, matched: result.summary.matched },
      { lines: 4, malformed: 3, parsed: 1, matched: 1 },
    );
  });

  test('a 1 MB line parses, in one piece and when read in small chunks', async () => {
    const long = line({ request: `GET /${'a'.repeat(1024 * 1024)} HTTP/1.1` });
    const r = parsed(long);
    assert.equal(r.status, 404);
    assert.equal(r.request?.length, 1024 * 1024 + 14);
    const { csv, result } = await analyzeContent(`${line()}\n${long}\n${line()}\n`, { threshold: 1, chunkBytes: 4096 });
    assert.equal(result.summary.parsed, 3);
    assert.equal(csv, `${HEADER}127.0.0.1,3,0,0,0,3,0,0,0,0,0,0,0,${T_ISO},${T_ISO}\n`);
  });

  test('a User-Agent with no closing quote still counts by its status', () => {
    const text = line({ status: '503', tail: ' 200 "http://ref.example/" "Mozilla/5.0 (broken' });
    const r = parseLineDetails(combinedFormat, text);
    assert.ok(r);
    assert.equal(r.status, 503);
    assert.equal(r.referrer, 'http://ref.example/');
    assert.equal(r.userAgent, 'Mozilla/5.0 (broken');
  });

  test('vhost-combined lines: the client is the field after the vhost', () => {
    const text = `www.example.com:443 ${line({ host: '2001:db8::7' })}`;
    const r = parseLineDetails(vcombinedFormat, text);
    assert.ok(r);
    assert.equal(r.client, '2001:db8::7');
    assert.equal(r.vhost, 'www.example.com');
    assert.equal(r.status, 404);
    assert.equal(r.referrer, 'http://www.example.com/start.html');
    assert.equal(detectFormat(Buffer.from(`${text}\n${text}\n`, 'latin1')).name, 'vcombined');
    assert.equal(detectFormat(Buffer.from(`${line()}\n${line()}\n`, 'latin1')).name, 'combined');
    assert.equal(detectFormat(Buffer.from(`${line({ tail: ' 1' })}\n`, 'latin1')).name, 'common');
  });

  test('a crafted request containing \\" 200  does not end the request early', () => {
    const request = 'GET /x\\" 200 1 \\"-\\" \\"-\\" HTTP/1.1';
    const r = parsed(line({ request, status: '404' }));
    assert.equal(r.status, 404);
    assert.equal(r.request, request);
    // An unescaped quote not followed by a status is part of the request too.
    const r2 = parsed(line({ request: 'GET /a" b"c" 2x HTTP/1.1', status: '401' }));
    assert.equal(r2.status, 401);
    assert.equal(r2.request, 'GET /a" b"c" 2x HTTP/1.1');
  });

  test('bad dates are rejected: unknown month, Feb 30, Feb 29 of a common year, out-of-range fields, bad offsets', () => {
    for (const time of [
      '[10/Foo/2000:13:55:36 -0700]', // no such month (there is no "month 13" in a CLF date)
      '[10/oct/2000:13:55:36 -0700]', // month names are case-sensitive
      '[30/Feb/2000:13:55:36 -0700]',
      '[29/Feb/2001:13:55:36 -0700]',
      '[31/Apr/2000:13:55:36 -0700]',
      '[00/Oct/2000:13:55:36 -0700]',
      '[10/Oct/2000:24:00:00 -0700]',
      '[10/Oct/2000:13:60:36 -0700]',
      '[10/Oct/2000:13:55:61 -0700]',
      '[10/Oct/2000:13:55:36 +2400]',
      '[10/Oct/2000:13:55:36 +0060]',
      '[10/Oct/2000:13:55:36 *0700]',
      '[10/Oct/2000:13:55:36 0700]',
      '[10/Oct/2000:13:55:36 +07:00]',
      '[10/Oct/2000 13:55:36 -0700]',
      '[1/Oct/2000:13:55:36 -0700]',
      '[10/Oct/2000:13:55:36]',
      '[]',
    ]) {
      rejected(line({ time }));
    }
    assert.equal(formatStampIso(parsed(line({ time: '[29/Feb/2000:13:55:36 -0700]' })).stamp), '2000-02-29T13:55:36-07:00');
  });

  test('broken lines: missing fields, bad statuses, truncation', () => {
    for (const text of [
      '',
      ' ',
      'this is not an access log line at all',
      `1.2.3.4 - - ${T} "GET / HTTP/1.1" 2`,
      `1.2.3.4 - - ${T} "GET / HTTP/1.1" 20`,
      `1.2.3.4 - - ${T} "GET / HTTP/1.1" 2000 1`,
      `1.2.3.4 - - ${T} "GET / HTTP/1.1" 600 1`,
      `1.2.3.4 - - ${T} "GET / HTTP/1.1" 099 1`,
      `1.2.3.4 - - ${T} "GET / HTTP/1.1" abc 1`,
      `1.2.3.4 - - ${T} "GET / HTTP/1.1`,
      `1.2.3.4 - - ${T} GET / HTTP/1.1 404 1`,
      `1.2.3.4 - - ${T}"GET / HTTP/1.1" 404 1`,
      ` 1.2.3.4 - - ${T} "GET / HTTP/1.1" 404 1`,
      `1.2.3.4 - - ${T.slice(0, -1)} "GET / HTTP/1.1" 404 1`,
      `1.2.3.4 - - ${T} "GET / HTTP/1.1\\" 404 1`,
      `1.2.3.4`,
    ]) {
      rejected(text);
    }
  });

  test('the parser never reads past the end of the line', () => {
    // The helper puts `" 404 5 "-" "-"` right after the line: a truncated request must not borrow it.
    rejected(`1.2.3.4 - - ${T} "GET /x`);
    rejected(`1.2.3.4 - - ${T} "GET /x"`);
    rejected(`1.2.3.4 - - ${T} "GET /x\\`);
  });
});

describe('CLF parseDetails: method, path, referrer, user agent', () => {
  test('a full combined line', () => {
    const r = parseLineDetails(combinedFormat, line({ request: 'POST /api/v1/orders?x=1&y=2 HTTP/2.0' }));
    assert.ok(r);
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/api/v1/orders?x=1&y=2');
    assert.equal(r.referrer, 'http://www.example.com/start.html');
    assert.equal(r.userAgent, 'Mozilla/4.08');
    assert.equal(r.vhost, undefined);
  });

  test('escaped quotes inside the referrer and user agent stay inside them', () => {
    const r = parseLineDetails(combinedFormat, line({ tail: ' 1 "http://x/?q=\\"a\\"" "bot \\"evil\\" 1.0"' }));
    assert.equal(r?.referrer, 'http://x/?q=\\"a\\"');
    assert.equal(r?.userAgent, 'bot \\"evil\\" 1.0');
  });

  test('a common line has no referrer and no user agent', () => {
    const r = parseLineDetails(commonFormat, line({ tail: ' 2326' }));
    assert.equal(r?.referrer, undefined);
    assert.equal(r?.userAgent, undefined);
    const atStatus = parseLineDetails(commonFormat, line({ tail: '' }));
    assert.equal(atStatus?.referrer, undefined);
    assert.equal(atStatus?.path, '/apache_pb.gif');
  });

  test('odd requests: CONNECT, "-", HTTP/V1.0, a method alone', () => {
    const connect = parseLineDetails(combinedFormat, line({ request: 'CONNECT example.com:80 HTTP/1.1' }));
    assert.equal(connect?.method, 'CONNECT');
    assert.equal(connect?.path, 'example.com:80');
    const dash = parseLineDetails(combinedFormat, line({ request: '-', status: '408' }));
    assert.equal(dash?.method, undefined);
    assert.equal(dash?.path, '-');
    const v = parseLineDetails(commonFormat, line({ request: 'GET /shuttle/ HTTP/V1.0', tail: ' 1' }));
    assert.equal(v?.path, '/shuttle/');
  });
});

describe('parseClfTime and formatStampIso', () => {
  const stampOf = (text: string): number => parseClfTime(Buffer.from(text, 'latin1'), 0);

  test('offsets are kept as written, UTC as +00:00 and never Z', () => {
    const cases: Array<[string, string, number]> = [
      ['10/Oct/2000:13:55:36 -0400', '2000-10-10T13:55:36-04:00', -240],
      ['10/Oct/2000:13:55:36 +0530', '2000-10-10T13:55:36+05:30', 330],
      ['10/Oct/2000:13:55:36 +0000', '2000-10-10T13:55:36+00:00', 0],
      ['10/Oct/2000:13:55:36 -0000', '2000-10-10T13:55:36+00:00', 0],
      ['01/Jan/1970:00:00:00 +0000', '1970-01-01T00:00:00+00:00', 0],
      ['31/Dec/1969:23:59:59 -2359', '1969-12-31T23:59:59-23:59', -1439],
      ['01/Jan/2000:00:30:00 +2359', '2000-01-01T00:30:00+23:59', 1439],
      ['31/Dec/9999:23:59:59 -0800', '9999-12-31T23:59:59-08:00', -480],
      ['01/Jan/0001:00:00:00 +0000', '0001-01-01T00:00:00+00:00', 0],
      ['20/Jul/1969:20:17:40 +0000', '1969-07-20T20:17:40+00:00', 0], // before 1970: negative epoch seconds
      ['31/Dec/1969:18:59:59 -0500', '1969-12-31T18:59:59-05:00', -300],
      ['01/Jan/1970:00:59:59 +0100', '1970-01-01T00:59:59+01:00', 60],
    ];
    for (const [text, iso, offset] of cases) {
      const stamp = stampOf(text);
      assert.equal(formatStampIso(stamp), iso, text);
      assert.equal(stampOffsetMinutes(stamp), offset, text);
      assert.equal(stampEpochSeconds(stamp), Date.parse(iso) / 1000, text);
      assert.doesNotMatch(formatStampIso(stamp), /Z$/);
    }
  });

  test('stamps order by instant, whatever the offset', () => {
    const a = stampOf('10/Oct/2000:13:55:36 +0200'); // 11:55:36Z
    const b = stampOf('10/Oct/2000:12:55:37 +0100'); // 11:55:37Z
    const c = stampOf('10/Oct/2000:07:55:35 -0400'); // 11:55:35Z
    assert.ok(c < a && a < b);
  });

  test('invalid times give NaN', () => {
    for (const text of ['30/Feb/2000:00:00:00 +0000', '10/Oct/2000:13:55:36 +2400', 'xx/Oct/2000:13:55:36 +0000', '10/Oct/2000:13:55:36 +00a0']) {
      assert.ok(Number.isNaN(stampOf(text)), text);
    }
  });
});

describe('CLF parser: exactly three fields before [time] (%h %l %u)', () => {
  // Each of these once counted an error for the wrong "client"; now each is malformed, in every parser.
  const WRONG_SHAPE = [
    // a vhost line inside a Combined file
    '127.0.1.1:80 127.0.0.1 - - [13/Nov/2023:10:44:31 +0000] "\\x16\\x03\\x03\\x01\\x8f\\x01" 400 483 "-" "-"',
    // an X-Forwarded-For list first
    '2a03:0:10ff:f00f::8000, 10.225.192.17 10.2.2.121 - - [30/Dec/2016:06:47:09 +0000] "GET /t HTTP/1.1" 404 8571',
    // no ident and user
    '192.168.202.254 [20/Jul/2009:22:59:29 +0000] "GET /vmkboot.gz HTTP/1.0" 404 0',
    // two fields, four fields, double spaces, a tab for a space
    '1.2.3.4 - [20/Jul/2009:22:59:29 +0000] "GET / HTTP/1.0" 404 0',
    '1.2.3.4 - - - [20/Jul/2009:22:59:29 +0000] "GET / HTTP/1.0" 404 0',
    '1.2.3.4  - - [20/Jul/2009:22:59:29 +0000] "GET / HTTP/1.0" 404 0',
    '1.2.3.4 - -  [20/Jul/2009:22:59:29 +0000] "GET / HTTP/1.0" 404 0',
  ];

  test('a line of another shape is rejected by combined and common', () => {
    for (const text of WRONG_SHAPE) {
      rejected(text);
      rejected(text, commonFormat);
    }
  });

  test('vhost-Combined wants exactly four: vhost, host, ident, user', () => {
    assert.equal(parsed(WRONG_SHAPE[0], vcombinedFormat).client, '127.0.0.1');
    rejected(`example.com 10.0.0.2, 10.0.0.1, 127.0.0.1 - - ${T} "GET / HTTP/1.1" 404 1`, vcombinedFormat);
    rejected(`127.0.0.1 - - ${T} "GET / HTTP/1.1" 404 1`, vcombinedFormat);
  });

  for (const kernel of [true, false]) {
    test(`they are counted as malformed, never keyed wrong (${kernel ? 'kernel' : 'JS parser'}, threads 1 and 3)`, async () => {
      const good = `10.0.0.9 - - ${T} "GET / HTTP/1.1" 404 1`;
      const content = [...WRONG_SHAPE, good, ''].join('\n');
      for (const threads of [1, 3]) {
        const { result, csv } = await analyzeContent(content, { kernel, threads, threshold: 1, format: 'combined', rangeBytes: 64 });
        assert.equal(result.summary.malformed, WRONG_SHAPE.length);
        assert.equal(result.summary.parsed, 1);
        assert.equal(csv, `${HEADER}10.0.0.9,1,0,0,0,1,0,0,0,0,0,0,0,${T_ISO},${T_ISO}\n`);
      }
    });
  }
});
