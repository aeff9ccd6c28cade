import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createFormat } from '../../src/formats/index.js';
import { referenceW3c } from '../reference/w3c.js';
import { expectedCsv, fixture, parseOne, REAL, run, sameForAnySplit } from './support.js';
import { NEEDS_REAL_LOGS } from '../support/paths.js';

describe('w3c', () => {
  const w3c = createFormat('w3c');

  test('real IIS log: header blocks repeat 10 times; every data line parsed, headers counted apart', NEEDS_REAL_LOGS, async () => {
    const { result, csv } = await sameForAnySplit(REAL.iis, { threshold: 1 });
    assert.equal(result.summary.format, 'w3c');
    assert.equal(result.summary.lines, 607);
    assert.equal(result.summary.comment, 40);
    assert.equal(result.summary.parsed, 567);
    assert.equal(result.summary.malformed, 0);
    assert.deepEqual(result.summary.warnings, []);
    assert.equal(csv, expectedCsv(referenceW3c(readFileSync(REAL.iis, 'latin1')), 1));
  });

  test('fields that change mid-file, a block whose date comes from #Date, CRLF, a cut line', async () => {
    const path = fixture('iis-changing-fields.log');
    const { result, csv } = await sameForAnySplit(path, { threshold: 1 });
    assert.equal(result.summary.format, 'w3c');
    assert.equal(result.summary.malformed, 2); // the cut line; the line under #Fields without c-ip
    assert.equal(result.summary.comment, 16);
    assert.equal(result.summary.parsed, 12 + 12 + 6 + 1);
    assert.equal(csv, expectedCsv(referenceW3c(readFileSync(path, 'latin1')), 1));
    // The block without a date column is dated by its #Date line.
    assert.match(csv, /203\.0\.113\.1,.*2021-03-02T05:15:25\+00:00/);
  });

  test('--client-from xff: the first X-Forwarded-For address where the fields have one', async () => {
    const path = fixture('iis-changing-fields.log');
    const { csv } = await sameForAnySplit(path, { threshold: 1, clientFrom: 'xff' });
    assert.equal(csv, expectedCsv(referenceW3c(readFileSync(path, 'latin1'), 'xff'), 1));
    assert.match(csv, /^198\.51\.100\.7,/m);
  });

  test('one line: + is a space in text, - is logged as is, details from the field names', () => {
    w3c.begin!(['#Fields: date time c-ip cs-method cs-uri-stem cs-host cs(User-Agent) cs(Referer) X-Forwarded-For sc-status']);
    const r = parseOne(w3c, '2015-10-20 01:53:09 181.64.192.253 GET /a/b.css www.example.com Mozilla/5.0+(iPhone) - 1.2.3.4,+5.6.7.8 404');
    assert.deepEqual(r, {
      client: '181.64.192.253',
      status: 404,
      time: '2015-10-20T01:53:09+00:00',
      vhost: 'www.example.com',
      method: 'GET',
      path: '/a/b.css',
      referrer: '-',
      userAgent: 'Mozilla/5.0 (iPhone)',
      forwardedFor: '1.2.3.4, 5.6.7.8',
    });
  });

  test('lines that do not fit: bad date, time, status, too few fields, a header', () => {
    w3c.begin!([]);
    const ok = '2015-10-20 01:53:09 172.31.22.76 GET / - 80 - 181.64.192.253 UA - 404 0 2 171';
    assert.equal(parseOne(w3c, ok)?.status, 404);
    assert.equal(parseOne(w3c, ok.replace('2015-10-20', '2015-02-30')), undefined);
    assert.equal(parseOne(w3c, ok.replace('01:53:09', '25:53:09')), undefined);
    assert.equal(parseOne(w3c, ok.replace(' 404 ', ' 4040 ')), undefined);
    assert.equal(parseOne(w3c, ok.replace(' 404 ', ' 099 ')), undefined);
    assert.equal(parseOne(w3c, ok.slice(0, 60)), undefined);
    assert.equal(parseOne(w3c, '#Fields: date time'), undefined);
    // A time with a fraction of a second is read (W3C allows it).
    assert.equal(parseOne(w3c, ok.replace('01:53:09', '01:53:09.25'))?.time, '2015-10-20T01:53:09+00:00');
  });

  test('header() takes #Fields and #Date; begin() resets to the IIS default fields', NEEDS_REAL_LOGS, () => {
    const f = createFormat('w3c');
    const header = (line: string): boolean => f.header!(Buffer.from(line), 0, line.length);
    assert.equal(header('#Remark: hello'), true);
    assert.equal(header('#Fields: time c-ip sc-status'), true);
    assert.equal(parseOne(f, '10:00:00 1.1.1.1 404'), undefined); // no date known yet
    assert.equal(header('#Date: 2020-01-02 00:00:00'), true);
    assert.equal(parseOne(f, '10:00:00 1.1.1.1 404')?.time, '2020-01-02T10:00:00+00:00');
    assert.equal(header('2020-01-02 x'), false);
    f.begin!([]);
    assert.equal(parseOne(f, '10:00:00 1.1.1.1 404'), undefined);
  });

  test('readsAsAfter: the same layout, date (without a date column) and offset; the state left as it was', () => {
    const f = createFormat('w3c');
    const header = (line: string): boolean => f.header!(Buffer.from(line), 0, line.length);
    header('#Fields: date time c-ip sc-status');
    header('#Date: 2020-01-02 00:00:00');
    assert.equal(f.readsAsAfter!(['#Fields: date time c-ip sc-status']), true);
    // With a date column, the header's date reads no line.
    assert.equal(f.readsAsAfter!(['#Date: 2021-05-05 00:00:00', '#Fields: date time c-ip sc-status']), true);
    assert.equal(f.readsAsAfter!(['#Fields: date time c-ip sc-status sc-bytes']), false);
    assert.equal(f.readsAsAfter!([]), false);
    assert.equal(f.readsAsAfter!(['#Fields: date time c-ip sc-status', '#GMT-Offset: -0800']), false);
    assert.equal(parseOne(f, '2020-01-02 10:00:00 1.1.1.1 404')?.time, '2020-01-02T10:00:00+00:00');
    header('#Fields: time c-ip sc-status');
    assert.equal(f.readsAsAfter!(['#Date: 2020-01-02 00:00:00', '#Fields: time c-ip sc-status']), true);
    assert.equal(f.readsAsAfter!(['#Date: 2020-01-03 00:00:00', '#Fields: time c-ip sc-status']), false);
    assert.equal(f.readsAsAfter!(['#Fields: time c-ip sc-status', '#Start-Date: 2020-01-02 00:00:00']), true);
    assert.equal(parseOne(f, '10:00:00 1.1.1.1 404')?.time, '2020-01-02T10:00:00+00:00');
  });

  test('real Oracle Web Cache log: runs of spaces, quoted values, cs-uri, #GMT-Offset and #Start-Date', NEEDS_REAL_LOGS, async () => {
    const errorCodes = [200, 304, 404, 500];
    const { result, csv } = await sameForAnySplit(REAL.oracleW3c, { threshold: 1, errorCodes });
    assert.equal(result.summary.format, 'w3c');
    assert.equal(result.summary.comment, 6);
    assert.equal(result.summary.parsed, 1);
    assert.equal(result.summary.malformed, 0);
    assert.deepEqual(result.summary.warnings, []);
    assert.equal(csv, expectedCsv(referenceW3c(readFileSync(REAL.oracleW3c, 'latin1')), 1, errorCodes));
    assert.match(csv, /^64\.103\.37\.2,1,1,0,0,0,2001-10-31T00:00:18-08:00,/m);
    const three = await run(REAL.oracleW3c, { threshold: 1, errorCodes, threads: 3 });
    assert.equal(three.csv, csv);
  });

  test('the draft as caches write it: quoted values, "" inside, zones, #Start-Date, and IIS quotes kept plain', async () => {
    const path = fixture('w3c-draft-quoted.log');
    const { result, csv } = await sameForAnySplit(path, { threshold: 1 });
    assert.equal(result.summary.format, 'w3c');
    assert.equal(result.summary.comment, 9);
    assert.equal(result.summary.malformed, 1); // the hour 25
    assert.equal(result.summary.parsed, 10);
    assert.equal(csv, expectedCsv(referenceW3c(readFileSync(path, 'latin1')), 1));
    assert.match(csv, /^203\.0\.113\.5,3,.*2021-06-01T10:00:01\+05:30,2021-06-01T10:00:03\+05:30$/m);
    assert.match(csv, /^198\.51\.100\.10,1,/m); // a quoted client, without its quotes
    assert.match(csv, /^192\.0\.2\.1,2,.*2021-06-02T00:00:01-08:00,2021-06-02T23:59:59-08:00$/m);
    assert.match(csv, /^192\.0\.2\.77,2,/m); // IIS-style values that start or end with a quote swallow nothing
  });

  test('one draft line: a quoted value keeps its spaces, "" is a quote; the time is in the #GMT-Offset zone', () => {
    const f = createFormat('w3c');
    f.begin!(['#GMT-Offset: -0800', '#Fields:  c-ip  date  time  cs-method  cs-uri  sc-status  cs(Referrer)  cs(User-Agent)']);
    const r = parseOne(f, '10.0.0.1    2001-10-31   00:00:18   GET    /x?y=1     404   "http://a/b c"     "UA ""q"" (X; Y)"');
    assert.deepEqual(r, {
      client: '10.0.0.1',
      status: 404,
      time: '2001-10-31T00:00:18-08:00',
      method: 'GET',
      path: '/x?y=1',
      referrer: 'http://a/b c',
      userAgent: 'UA ""q"" (X; Y)',
    });
    // A quote that does not close before a separator: the line does not fit where it hides a needed field.
    assert.equal(parseOne(f, '"10.0.0.1 2001-10-31 00:00:18 GET / 404 - "x y"'), undefined);
    // An unreadable #GMT-Offset means UTC.
    f.begin!(['#GMT-Offset: soon', '#Fields: c-ip date time sc-status']);
    assert.equal(parseOne(f, '10.0.0.1 2001-10-31 00:00:18 404')?.time, '2001-10-31T00:00:18+00:00');
  });

  test('--w3c-fields: the fields of a file cut without its #Fields: line', () => {
    const f = createFormat('w3c', { w3cFields: ['time', 'c-ip', 'date', 'sc-status'] });
    f.begin!([]);
    assert.equal(parseOne(f, '01:02:03 10.0.0.1 2020-01-02 404')?.time, '2020-01-02T01:02:03+00:00');
    assert.equal(parseOne(createFormat('w3c'), '01:02:03 10.0.0.1 2020-01-02 404'), undefined);
  });

  test('property: draft lines with quoted values and runs of spaces read as the reference reads them', () => {
    const value = fc.stringMatching(/^[a-z0-9 "();/.-]{0,12}$/);
    const gap = fc.stringMatching(/^ {1,4}$/);
    const quoted = (v: string): string => `"${v.replaceAll('"', '""')}"`;
    const fields = ['c-ip', 'cs(Referrer)', 'date', 'time', 'sc-status', 'cs(User-Agent)'];
    fc.assert(
      fc.property(value, value, fc.constantFrom('200', '404', '503', '4x4'), fc.array(gap, { minLength: 5, maxLength: 5 }), fc.boolean(), (referrer, agent, status, gaps, quoteAll) => {
        const show = (v: string): string => (quoteAll || v === '' || /[ "]/.test(v) ? quoted(v) : v);
        const values = ['10.0.0.1', show(referrer), '2020-05-06', '07:08:09', status, show(agent)];
        const line = values.map((v, i) => (i === 0 ? v : gaps[i - 1] + v)).join('');
        const f = createFormat('w3c');
        f.begin!(['#GMT-Offset: +0100', `#Fields: ${fields.join(' ')}`]);
        const got = parseOne(f, line);
        const expected = referenceW3c(`#GMT-Offset: +0100\n#Fields: ${fields.join(' ')}\n${line}\n`);
        assert.equal(got === undefined, expected.length === 0, line);
        if (got) {
          assert.deepEqual([got.client, got.status, got.time], [expected[0].client, expected[0].status, expected[0].time]);
          assert.equal(got.referrer, referrer.replaceAll('"', '""'), line);
          assert.equal(got.userAgent, agent.replaceAll('"', '""'), line); // "" is kept as written
        }
      }),
      { numRuns: 500 },
    );
  });

  test('a file with only headers: nothing parsed, nothing malformed, no warning', async () => {
    const { result, csv } = await run(fixture('w3c-headers-only.log'));
    assert.equal(result.summary.comment, 4);
    assert.equal(result.summary.malformed, 0);
    assert.deepEqual(result.summary.warnings, []);
    assert.equal(csv.split('\n').length, 2);
  });
});
