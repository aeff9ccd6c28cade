// The field kernel (kernel/fields.ts: W3C, CloudFront, ALB, ELB) against the JS parsers and the W3C reference,
// on generated logs full of odd lines: header blocks that change the fields mid-file, #Date and #GMT-Offset,
// quoted values, `-` and empty fields, cut lines, bad dates, times and statuses, IPv6, ports, CRLF. The kernel
// hands every line it does not read itself back to the JS parser, so the results must be the same in every
// mode (counting, records, reparsed details), at any split into ranges and chunks.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createFormat } from '../../src/formats/index.js';
import { fieldKernelSupports } from '../../src/scan/field-kernel-scanner.js';
import { expectedCsv, fixture, REAL } from '../formats/support.js';
import { referenceW3c } from '../reference/w3c.js';
import { KERNEL_TEST_CODES as CODES, sameWithKernel } from '../support/kernel-differential.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { NEEDS_REAL_LOGS } from '../support/paths.js';

const pick = <T>(values: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** Mostly values that read, sometimes odd ones. */
const mostly = (good: readonly string[], odd: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 12, arbitrary: pick(good) }, { weight: 1, arbitrary: pick(odd) });

const dates = mostly(['2024-05-01', '2024-05-02', '2024-02-29', '0000-01-01'], ['2023-02-29', '2024-13-01', '2024-00-10', '24-05-01', '2024-05-01x', '2024/05/01', '"2024-05-01"']);
const times = mostly(['01:02:03', '23:59:59', '00:00:00', '01:02', '01:02:03.456', '01:02:03,5', '01:02:60'], ['01:02:03.', '24:00:00', '01:60:00', '01:02:61', '1:02:03', '01:02:0', '"01:02:03"']);
const clients = mostly(['10.0.0.1', '10.0.0.2', '2001:db8::1', '::1', 'host.example', '[::1]:80'], ['-', '"10.0.0.9"', '"a b"']);
const statuses = mostly(['200', '404', '404', '500', '503', '000', '599', '100', '301'], ['099', '600', '4040', '40', '-', '"404"']);
// One value longer than the kernel's 64-byte separator block, so fields cross blocks.
const others = mostly(['-', 'GET', '/a/b.css', 'Mozilla/5.0+(X11;+Linux)', '443', '1.2.3.4,+5.6.7.8', 'Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/124.0'], ['"a b c"', '"x"', '""', 'va"lue', '"unclosed', '"say ""hi"""']);

/** W3C layouts: IIS's default, short ones, one dated by #Date (no date column), one without a client. */
const LAYOUTS: readonly (readonly string[])[] = [
  'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken'.split(' '),
  'date time c-ip cs-method cs-uri-stem sc-status'.split(' '),
  'time c-ip sc-status cs(User-Agent)'.split(' '),
  'c-ip date time x-forwarded-for sc-status cs-uri'.split(' '),
  'date time cs-uri sc-status'.split(' '),
];

function valueFor(name: string): fc.Arbitrary<string> {
  switch (name) {
    case 'date': return dates;
    case 'time': return times;
    case 'c-ip': return clients;
    case 'sc-status': return statuses;
    default: return others;
  }
}

/** A data line of a layout: its values, separators (space, TAB, runs), maybe cut or with trailing blanks. */
function dataLine(layout: readonly string[]): fc.Arbitrary<string> {
  return fc
    .record({
      values: fc.tuple(...layout.map(valueFor)),
      seps: fc.array(fc.oneof({ weight: 8, arbitrary: fc.constant(' ') }, { weight: 1, arbitrary: pick(['\t', '  ', ' \t', '\t ']) }), { minLength: layout.length, maxLength: layout.length }),
      cut: fc.oneof({ weight: 9, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(80) }),
      trail: fc.oneof({ weight: 9, arbitrary: fc.constant('') }, { weight: 1, arbitrary: pick([' ', '\t', ' x']) }),
    })
    .map(({ values, seps, cut, trail }) => {
      const line = values.map((v, i) => (i === 0 ? v : seps[i] + v)).join('') + trail;
      return cut >= 0 ? line.slice(0, cut) : line;
    });
}

const headerLines = pick(['#Software: Microsoft Internet Information Services 10.0', '#Version: 1.0', '#Date: 2024-05-03 00:00:00', '#Start-Date: 2024-06-01 00:00:00', '#GMT-Offset: -0800', '#GMT-Offset: +05:30', '#GMT-Offset: bad', '#Remark: x', '#Fields:']);

/** A W3C log: blocks of headers (maybe a new #Fields: line) and the data lines of the layout in force. */
const w3cLog = fc
  .array(
    fc.record({ headers: fc.array(headerLines, { maxLength: 3 }), layout: fc.nat(LAYOUTS.length - 1), fieldsLine: fc.boolean() }).chain(({ headers, layout, fieldsLine }) =>
      fc.array(dataLine(LAYOUTS[layout]), { minLength: 20, maxLength: 60 }).map((data) => [...headers, ...(fieldsLine ? [`#Fields: ${LAYOUTS[layout].join(' ')}`] : []), ...data]),
    ),
    { minLength: 3, maxLength: 8 },
  )
  .map((blocks) => blocks.flat());

/** ALB and ELB lines: types, times with and without fraction or offset, clients with and without ports. */
const balancerTimes = pick(['2024-05-01T07:00:00.455295Z', '2024-05-01T07:00:00Z', '2024-05-01T07:00:00', '2024-05-01T07:00:00+01:00', '2024-05-01T07:00:00.1+0130', '2024-05-01 07:00:00Z', '2024-05-01T25:00:00Z', '2024-02-30T07:00:00Z', '2024-05-01T07:00:00+01', '2024-05-01T07:00:00+1', '2024-05-01T07:00:00.Z',
  // the fraction-and-Z shape read inline on the last date (kernel/field-time.ts isoTime), and what it must leave
  '2024-05-01T07:00:00.5z', '2024-05-01T24:00:00.5Z', '2024-05-02T07:00:00.25Z', '2024-05-01T07:00:00,5Z', '2024-05-01T07:00:00.5+01:00', '2024-05-01t07:00:00.5Z', '2024-05-01T07:0a:00.5Z',
  // a fraction longer than the 16-byte block its digits are read in
  '2024-05-01T07:00:00.1234567890123456Z', '2024-05-01T07:00:00.12345678901234567Z',
  // seconds apart only in the bytes past the first 16 (the kernel keeps the last second read)
  '2024-05-01T07:00:01.5Z', '2024-05-01T07:00:59.999Z', '2024-05-01T07:01:00.5Z']);
// Clients of up to 16 bytes and longer (the kernel reads a port from the 16 bytes that end the field), a port
// of 17 digits (longer than that block), no port at all.
const balancerClients = pick([
  '192.168.1.1:2817', '192.168.1.2:1', '[2001:db8::1]:443', '[2001:db8::2]', '2001:db8::3:51876', '10.0.0.1', '10.0.0.1:', ':80', '-',
  '192.168.100.200:54321', '1.2:12345678901234567', '1:80', '12345',
]);
const balancerStatuses = pick(['200', '404', '503', '-', '000', '600', '40', '"404"']);
const balancerLine = (alb: boolean): fc.Arbitrary<string> =>
  fc
    .record({
      type: pick(['http', 'https', 'h2', 'grpcs', 'ws', 'HTTP', 'x', 'abcdefg']),
      time: balancerTimes,
      // a quoted name whose words, read as fields, would make a line too (with timings of three statuses)
      name: pick(['app/my-lb/50dc6c495c0c9188', 'my-loadbalancer', '"quoted name"', '"esc \\" aped"', '"lb 9.9.9.9"']),
      client: balancerClients,
      target: pick(['10.0.0.1:80', '-', '"t t"']),
      timings: pick(['0.000 0.001 0.000', '-1 -1 -1', '0.1  0.2 0.3', '"a b" 1 2', '404 404 404']),
      status: balancerStatuses,
      rest: pick([' 200 34 366 "GET https://www.example.com:443/x?y HTTP/1.1" "curl/8" - - arn "Root=1" "www.example.com" "-"', ' - 0 57 "- - - " "-" - -', ' 404', '', ' 404 0 "GET /cut']),
      cut: fc.oneof({ weight: 9, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(120) }),
    })
    .map(({ type, time, name, client, target, timings, status, rest, cut }) => {
      const line = `${alb ? `${type} ` : ''}${time} ${name} ${client} ${target} ${timings} ${status}${rest}`;
      return cut >= 0 ? line.slice(0, cut) : line;
    });

describe('field kernel vs the JS parsers', () => {
  let dir: string;
  before(() => {
    dir = makeTempDir();
  });
  after(() => removeDir(dir));

  test('the kernel is built and loads for W3C, CloudFront, ALB, ELB, HAProxy and format strings (not with --client-from xff)', () => {
    const strings = { nginx: '$remote_addr [$time_local] $status', apache: '%h %t %>s' };
    for (const format of ['w3c', 'cloudfront', 'alb', 'elb', 'haproxy', 'nginx', 'apache']) {
      const logFormat = format === 'nginx' || format === 'apache' ? strings[format] : undefined;
      assert.equal(fieldKernelSupports(createFormat(format, { logFormat }), { logFormat }), true, format);
      const xff = { clientFrom: 'xff' as const, logFormat };
      assert.equal(fieldKernelSupports(createFormat(format, xff), xff), false, format);
    }
  });

  test('W3C: generated logs with changing fields, headers, quotes, cut lines (and the reference agrees)', async () => {
    const logs = fc.sample(w3cLog, { numRuns: 6, seed: 14 });
    let parsed = 0;
    let malformed = 0;
    for (const [i, lines] of logs.entries()) {
      const text = lines.join(i % 2 ? '\r\n' : '\n') + '\n';
      const input = join(dir, `w3c-${i}.log`);
      writeFileSync(input, text, 'latin1');
      const { csv, summary } = await sameWithKernel(input, { format: 'w3c' }, `log ${i}`);
      assert.equal(csv, expectedCsv(referenceW3c(text), 1, CODES), `log ${i}: reference`);
      parsed += summary.parsed;
      malformed += summary.malformed;
    }
    assert.ok(parsed > 200 && malformed > 100, `parsed ${parsed}, malformed ${malformed}`);
  });

  test('CloudFront: TAB-separated lines under the documented fields, some odd', async () => {
    const fixtureLines = readFileSync(fixture('cloudfront.log'), 'latin1').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const odd = fc.sample(fc.tuple(pick(fixtureLines), fc.nat(34), fc.oneof(dates, times, clients, statuses, others)), { numRuns: 400, seed: 7 });
    const lines = odd.map(([line, field, value], i) => {
      if (i % 3 === 0) return line;
      const values = line.split('\t');
      values[field % values.length] = value;
      return values.join('\t');
    });
    const input = join(dir, 'cloudfront.log');
    writeFileSync(input, lines.join('\n') + '\n', 'latin1');
    const { summary } = await sameWithKernel(input, { format: 'cloudfront' }, 'cloudfront');
    assert.ok(summary.parsed > 100 && summary.malformed > 20, JSON.stringify(summary));
  });

  for (const format of ['alb', 'elb'] as const) {
    test(`${format}: generated lines (times, clients and ports, statuses, quoted fields, cut lines)`, async () => {
      const lines = fc.sample(balancerLine(format === 'alb'), { numRuns: 1500, seed: format === 'alb' ? 3 : 4 });
      const input = join(dir, `${format}.log`);
      writeFileSync(input, lines.join('\n') + '\n', 'latin1');
      const { summary } = await sameWithKernel(input, { format }, format);
      assert.ok(summary.parsed > 100 && summary.malformed > 100, JSON.stringify(summary));
    });
  }

  test('the real IIS and Oracle Web Cache logs and the format fixtures, threads 1 and 3', NEEDS_REAL_LOGS, async () => {
    for (const path of [REAL.iis, REAL.oracleW3c, fixture('iis-changing-fields.log'), fixture('w3c-draft-quoted.log'), fixture('cloudfront.log'), fixture('alb.log'), fixture('elb.log')]) {
      await sameWithKernel(path, {}, path);
    }
  });
});
