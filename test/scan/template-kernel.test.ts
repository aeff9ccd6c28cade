// The field kernel on HAProxy lines and on nginx `log_format` / Apache `LogFormat` strings (kernel/haproxy.ts,
// kernel/template.ts) against the JS parsers (haproxy.ts, compiled.ts): generated lines for many format strings,
// each field filled with values that read and odd ones (bad times, statuses, escaped quotes, empty fields), some
// lines cut or with a stray byte; the real Combined logs read through Combined format strings; the fixtures.
// The kernel hands every line it does not read back to JS, so every mode and split must give the same.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { compileApache } from '../../src/formats/apache-format.js';
import { Kind, Role, type CompiledSpec } from '../../src/formats/format-spec.js';
import { compileNginx } from '../../src/formats/nginx-format.js';
import { fixture, REAL } from '../formats/support.js';
import { sameWithKernel } from '../support/kernel-differential.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { NEEDS_REAL_LOGS } from '../support/paths.js';

const pick = <T>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);
const mostly = (good: readonly string[], odd: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 30, arbitrary: pick(good) }, { weight: 1, arbitrary: pick(odd) });

const NGINX_FORMATS = [
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
  '$remote_addr - $remote_user [$time_iso8601] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" $host $request_time',
  '$host $remote_addr [$msec] "$request" $status',
  "log_format j escape=json '{\"ip\":\"$remote_addr\",\"t\":\"$time_iso8601\",\"r\":\"$request\",\"s\":$status}';",
  '$status $remote_addr $time_local',
  '[$time_local] $remote_addr "$http_user_agent" $status',
];
/**
 * Runs of unquoted fields (kernel/template.ts crossRun): literals that start with a byte a value or the literal
 * before holds, literals longer than a byte, fields past the 64 bytes one window sees.
 */
const RUN_FORMATS = [
  '$host - $remote_user - $remote_addr -- $server_port - [$time_local] $status',
  '$host:$server_port:$remote_addr:: $remote_user ::$request_time [$time_iso8601] $status',
];
const APACHE_FORMATS = [
  '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"',
  '%v:%p %a %l %u %{%d/%b/%Y:%H:%M:%S %z}t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D',
  '%a %{%e/%m/%y %k:%M:%S}t %s %>s "%r"',
  '%h [%{%a %B %d %I:%M:%S %p %Y %Z}t] %>s',
  '%h %{msec}t %>s %{usec_frac}t',
  '%h %{%F %T}t %>s "%r"',
  '%h %>s %{%d/%b/%Y:%H:%M:%S %z}t',
];

/** Values for a field: mostly ones that read, sometimes odd ones. */
function valueFor(kind: Kind, role: Role, quoted: boolean): fc.Arbitrary<string> {
  switch (kind) {
    case Kind.Text:
      if (role === Role.Client) return mostly(['10.0.0.1', '10.0.0.2', '2001:db8::1', 'host.example'], ['', '-', 'a b', 'x"y', '10.0.0.3\\', '2001:db8:1234:5678:9abc:def0:1234:5678', 'c'.repeat(66)]);
      if (!quoted) return mostly(['-', 'www.example.com', '443', '1520', '0.004', 'x'.repeat(40)], ['', 'a b', '"', ':', '-- -', ' - ', '::', 'y'.repeat(70)]);
      return mostly(['-', 'GET / HTTP/1.1', 'GET /a?b=c HTTP/1.0', 'Mozilla/5.0 (X11; Linux)', 'curl/8', ''], ['a \\" b', 'x\\', '"', 'q" "r', '\\\\', ']', '\\x22']);
    case Kind.ClfTime: return mostly(['01/May/2024:07:00:00 +0000', '31/Dec/1999:23:59:60 -0700', '29/Feb/2024:00:00:00 +0530'], ['29/Feb/2023:00:00:00 +0000', '01/may/2024:07:00:00 +0000', '01/May/2024:24:00:00 +0000', '1/May/2024:07:00:00 +0000', '01/May/2024:07:00:00 0000']);
    case Kind.IsoTime: return mostly(['2024-05-01T00:00:00-07:00', '2024-05-01T07:59:60-07:00', '2024-05-01T00:00:00Z', '2024-05-01T00:00:00.123+01:00', '2024-05-01 00:00:00'], ['2024-13-01T00:00:00Z', '2024-05-01T00:00', '2024-05-01T00:00:00+1', '2024-05-01', '2024-05-01T00:00:00.', '2024-05-01T24:00:00-07:00', '2024-05-01T00:60:00-07:00', '2024-05-01T00:00:61-07:00', '2024-05-01T0a:00:00-07:00', '2024-05-01T00:00:00-07:60', '2024-05-01T00:00-07:00:00', '2024-05-01T00:00:00-07:00x']);
    // Past 9999-12-31 (253402300799 s) an epoch number is not a time: milliseconds read as seconds, a 20-digit count.
    case Kind.Epoch: return mostly(['1714550400.123', '1714550400', '171455040', '1714550400.1234567', '253402300799'], ['', '1714550400.', '-1', 'x', '253402300800', '1714550400123', '99999999999999999999']);
    case Kind.Status: return mostly(['200', '404', '404', '500', '503', '301', '599'], ['099', '600', '4040', '40', '-', '000']);
    case Kind.Year4: return mostly(['2024', '1999'], ['0000', '24', '20x4']);
    case Kind.Year2: return mostly(['24', '99', '68', '69'], ['x', '1']);
    case Kind.Month2: return mostly(['05', '12', '01'], ['13', '00', '5']);
    case Kind.MonthName: return mostly(['May', 'Dec', 'January', 'SEPTEMBER'], ['may', 'Janu', 'Sept', 'Xyz', 'Ma']);
    case Kind.Day2: return mostly(['01', '31', '29'], ['32', '1', '00']);
    case Kind.DayPadded: case Kind.HourPadded: return mostly([' 1', '7', '15', '23'], [' x', '', '  1']);
    case Kind.Hour2: case Kind.Hour12: case Kind.Minute2: case Kind.Second2: return mostly(['00', '07', '12', '23', '59'], ['24', '60', '61', '7', '13']);
    case Kind.AmPm: return mostly(['AM', 'pm', 'Pm'], ['xm', 'P', 'a']);
    case Kind.Offset: return mostly(['+0000', '-0700', '+05:30', 'Z'], ['+24', '0000', '+5']);
    case Kind.Letters: return mostly(['UTC', 'GMT', 'Mon'], ['', '1']);
    case Kind.Digits: return mostly(['0', '123', '004'], ['', 'x']);
  }
}

/** A line of a spec: literals and values, sometimes cut, sometimes with a stray byte. */
function specLine(spec: CompiledSpec): fc.Arbitrary<string> {
  return fc
    .record({
      values: fc.tuple(...spec.fields.map((f, i) => valueFor(f.kind, f.role, spec.literals[i].endsWith('"')))),
      cut: fc.oneof({ weight: 16, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(120) }),
      stray: fc.oneof({ weight: 16, arbitrary: fc.constant('') }, { weight: 1, arbitrary: pick(['"', '\\', ' ', ']', '[', '5', ':']) }),
      at: fc.nat(200),
    })
    .map(({ values, cut, stray, at }) => {
      let line = spec.literals[0] + values.map((v, i) => v + spec.literals[i + 1]).join('');
      if (stray !== '') line = line.slice(0, at % (line.length + 1)) + stray + line.slice(at % (line.length + 1));
      return cut >= 0 ? line.slice(0, cut) : line;
    });
}

const HAPROXY_LINE = fc
  .record({
    prefix: pick(['May  1 07:00:00 localhost haproxy[14389]: ', '2024-05-01T07:00:00+02:00 lb1 haproxy[1]: ', '2024-05-01T07:00:00Z lb haproxy[1]: ', '', 'x [ ', '2024-05-01T07:00:00+02:00x ', '1 ']),
    client: mostly(['10.0.1.2:33317', '[2001:db8::7]:40002', '10.0.1.3', '2001:db8::1:80', '192.168.100.200:54321'], ['', ':80', '10.0.0.1:', '1.2:12345678901234567']),
    date: mostly(['01/May/2024:07:00:00.000', '31/Dec/1999:23:59:60.5', '29/Feb/2024:00:00:00.123456'], ['01/May/2024:07:00:00', '29/Feb/2023:00:00:00.000', '01/may/2024:07:00:00.000', '01/May/2024:07:00:00.x', '01/MAY/2024:07:00:00.000']),
    names: mostly(['http-in static/srv1', 'fe be/<NOSRV>'], ['"a b" x', 'only', '"open x']),
    timers: mostly(['10/0/30/69/109', '-1/-1/-1/-1/+3', '15/0/-1/-1/+15'], ['0/0/5007', '1/2/3/4/5/6', '1/2/x/4/5']),
    status: mostly(['200', '404', '503', '-1', '404'], ['2000', '-', '099', '600', '-2']),
    rest: pick([' 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"', ' 0 - - CD-- 1/1/1/1/0 0/0 "GET /slow HTTP/1.1"', ' 120 - - ---- 1/1/1/1/0 0/0 "GET /cut', ' 187 - - CR-- 1/1/0/0/0 0/0 "<BADREQ>"', '']),
    cut: fc.oneof({ weight: 12, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(150) }),
  })
  .map(({ prefix, client, date, names, timers, status, rest, cut }) => {
    const line = `${prefix}${client} [${date}] ${names} ${timers} ${status}${rest}`;
    return cut >= 0 ? line.slice(0, cut) : line;
  });

describe('field kernel on HAProxy and format strings vs the JS parsers', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir();
  });
  after(() => removeDir(dir));

  const strings = [...NGINX_FORMATS.map((f) => ({ f, spec: compileNginx(f) })), ...APACHE_FORMATS.map((f) => ({ f, spec: compileApache(f) })), ...RUN_FORMATS.map((f) => ({ f, spec: compileNginx(f) }))];
  for (const [i, { f, spec }] of strings.entries()) {
    test(`generated lines of ${spec.name} '${f}'`, async () => {
      const lines = fc.sample(specLine(spec), { numRuns: 600, seed: 40 + i });
      const input = join(dir, `template-${i}.log`);
      writeFileSync(input, lines.join(i % 2 ? '\r\n' : '\n') + '\n', 'latin1');
      const { summary } = await sameWithKernel(input, { logFormat: f }, f);
      assert.ok(summary.parsed > 150 && summary.malformed > 30, JSON.stringify(summary));
    });
  }

  test('a run of unquoted fields whose literal ends at each byte around the end of a 64-byte window', async () => {
    // The vhost's length puts the ':' after it at every offset from 54 to 73: at 63 the next field starts just past
    // the window, whose space before it (after the user) must not be read as the port's end.
    const f = '$remote_user $host:$server_port $remote_addr [$time_local] $status';
    const lines = Array.from({ length: 20 }, (_, i) => `- ${'h'.repeat(52 + i)}:80 10.0.0.${i} [01/May/2024:07:00:00 +0000] 404`);
    const input = join(dir, 'window-ends.log');
    writeFileSync(input, lines.join('\n') + '\n');
    const { summary } = await sameWithKernel(input, { logFormat: f }, f);
    assert.equal(summary.parsed, lines.length, JSON.stringify(summary));
  });

  test('HAProxy: generated lines (prefixes and offsets, clients, dates, timers, statuses, cut lines)', async () => {
    const lines = fc.sample(HAPROXY_LINE, { numRuns: 2000, seed: 11 });
    const input = join(dir, 'haproxy.log');
    writeFileSync(input, lines.join('\n') + '\n', 'latin1');
    const { summary } = await sameWithKernel(input, { format: 'haproxy' }, 'haproxy');
    assert.ok(summary.parsed > 500 && summary.malformed > 200, JSON.stringify(summary));
  });

  test('the fixtures: HAProxy, nginx and Apache custom formats', async () => {
    await sameWithKernel(fixture('haproxy.log'), { format: 'haproxy' }, 'haproxy.log');
    await sameWithKernel(fixture('nginx-custom.log'), { logFormat: NGINX_FORMATS[1] + ' $upstream_response_time $pipe' }, 'nginx-custom.log');
    await sameWithKernel(fixture('apache-custom.log'), { logFormat: APACHE_FORMATS[1] }, 'apache-custom.log');
  });

  test('the real Combined and Common logs read through Combined and Common format strings, threads 1 and 3', NEEDS_REAL_LOGS, async () => {
    const common = '%h %l %u %t "%r" %>s %b';
    for (const [path, logFormat] of [
      [REAL.nginx, NGINX_FORMATS[0]], [REAL.apache, APACHE_FORMATS[0]], [REAL.apacheMixed, APACHE_FORMATS[0]],
      [REAL.nasa, common], [REAL.vhostXff, `$host ${NGINX_FORMATS[0]}`],
    ] as const) {
      const { summary } = await sameWithKernel(path, { logFormat }, `${path} ${logFormat}`);
      assert.ok(summary.parsed > 0, path);
    }
  });
});
