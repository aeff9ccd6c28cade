// Group keys: field names, the key of a line for each field and for several, and splitting keys back.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { combinedFormat, commonFormat, vcombinedFormat } from '../../src/formats/clf.js';
import { LineFields, type LineFormat } from '../../src/formats/fields.js';
import { KEY_FIELDS, parseKeyFields, type KeyField } from '../../src/options/key-fields.js';
import { KeyMaker } from '../../src/analyses/key-maker.js';
import { splitKey } from '../../src/tables/composite-key.js';

/** The key a KeyMaker makes for a line, one char per byte (as GroupTable.key gives it back). */
function keyText(maker: KeyMaker, buf: Buffer, fields: LineFields): string {
  maker.make(buf, fields);
  return Buffer.from(maker.keyBuf.buffer, maker.keyBuf.byteOffset + maker.keyStart, maker.keyEnd - maker.keyStart).toString('latin1');
}

/** The key of one line, the way a producer makes it (details only when the key needs them). */
function keyOf(format: LineFormat, line: string, by: KeyField[], keepQuery = false): string[] {
  const buf = Buffer.from(`junk before\n${line}\njunk after?"`, 'latin1');
  const start = 12;
  const end = start + Buffer.byteLength(line, 'latin1');
  const fields = new LineFields();
  assert.ok(format.parse(buf, start, end, fields), `parses: ${line}`);
  const maker = new KeyMaker(format, by, keepQuery);
  if (maker.needsDetails) format.parseDetails(buf, start, end, fields);
  return splitKey(keyText(maker, buf, fields), by.length);
}

const LINE = '10.0.0.1 - bob [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?a=1&b=2 HTTP/1.0" 404 2326 "http://ref.test/?x" "Mozilla/4.08 [en]"';

describe('parseKeyFields', () => {
  it('takes a comma list or words, in the order given', () => {
    assert.deepEqual(parseKeyFields('ip'), ['ip']);
    assert.deepEqual(parseKeyFields('path,ip'), ['path', 'ip']);
    assert.deepEqual(parseKeyFields(['status', 'method,vhost']), ['status', 'method', 'vhost']);
    assert.deepEqual(parseKeyFields(' ip , user_agent '), ['ip', 'user_agent']);
  });

  it('names a bad field and the allowed ones', () => {
    assert.throws(() => parseKeyFields('nosuchfield'), /--by: unknown field 'nosuchfield': use ip, path, status, method, user_agent, referrer, vhost/);
    assert.throws(() => parseKeyFields('ip,ip'), /field 'ip' is given twice/);
    assert.throws(() => parseKeyFields('ip,'), /--by needs field names/);
    assert.throws(() => parseKeyFields(''), /--by needs field names/);
  });
});

describe('KeyMaker', () => {
  it('makes each field of a Combined line', () => {
    const expected: Record<KeyField, string> = {
      ip: '10.0.0.1',
      path: '/apache_pb.gif',
      status: '404',
      method: 'GET',
      user_agent: 'Mozilla/4.08 [en]',
      referrer: 'http://ref.test/?x',
      vhost: '',
    };
    for (const field of KEY_FIELDS) assert.deepEqual(keyOf(combinedFormat, LINE, [field]), [expected[field]], field);
    assert.deepEqual(keyOf(combinedFormat, LINE, ['path'], true), ['/apache_pb.gif?a=1&b=2']);
    assert.deepEqual(keyOf(combinedFormat, LINE, ['ip', 'path', 'status']), ['10.0.0.1', '/apache_pb.gif', '404']);
  });

  it('reads the virtual host of vhost-Combined lines, without its port', () => {
    assert.deepEqual(keyOf(vcombinedFormat, `www.example.com:443 ${LINE}`, ['vhost', 'ip']), ['www.example.com', '10.0.0.1']);
  });

  it('gives fields a line does not have as empty text', () => {
    const common = '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "-" 400 0';
    assert.deepEqual(keyOf(commonFormat, common, ['method', 'path', 'referrer', 'user_agent']), ['', '-', '', '']);
    assert.deepEqual(keyOf(combinedFormat, '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET /?only-query HTTP/1.1" 404 1', ['path']), ['/']);
  });

  it('needs parseDetails only for fields beyond client and status', () => {
    assert.equal(new KeyMaker(combinedFormat, ['ip', 'status'], false).needsDetails, false);
    assert.equal(new KeyMaker(combinedFormat, ['ip', 'path'], false).needsDetails, true);
    assert.equal(new KeyMaker(combinedFormat, ['vhost'], false).needsDetails, true);
  });
});

describe('splitKey', () => {
  it('splits what a KeyMaker joined, whatever the text holds (property)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 12 }).map((s) => Buffer.from(s, 'utf8').toString('latin1'));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 5 }), (parts) => {
        // A format whose text is the field as it stands lets the KeyMaker join any strings.
        const fields = new LineFields();
        const line = parts.join('');
        const buf = Buffer.from(line, 'latin1');
        const ends: number[] = [];
        parts.reduce((at, p) => (ends.push(at + p.length), at + p.length), 0);
        const starts = ends.map((e, i) => e - parts[i].length);
        const by = (['ip', 'method', 'referrer', 'user_agent', 'vhost'] as KeyField[]).slice(0, parts.length);
        const set: Record<string, (i: number) => void> = {
          ip: (i) => ((fields.clientStart = starts[i]), (fields.clientEnd = ends[i])),
          method: (i) => ((fields.methodStart = starts[i]), (fields.methodEnd = ends[i])),
          referrer: (i) => ((fields.referrerStart = starts[i]), (fields.referrerEnd = ends[i])),
          user_agent: (i) => ((fields.userAgentStart = starts[i]), (fields.userAgentEnd = ends[i])),
          vhost: (i) => ((fields.vhostStart = starts[i]), (fields.vhostEnd = ends[i])),
        };
        by.forEach((f, i) => set[f](i));
        const key = keyText(new KeyMaker(combinedFormat, by, false), buf, fields);
        assert.deepEqual(splitKey(key, by.length), parts);
      }),
    );
  });

  it('keeps distinct field tuples distinct even when their concatenations agree', () => {
    const maker = new KeyMaker(combinedFormat, ['ip', 'method'], false);
    const a = Buffer.from('ab', 'latin1');
    const f1 = Object.assign(new LineFields(), { clientStart: 0, clientEnd: 1, methodStart: 1, methodEnd: 2 });
    const f2 = Object.assign(new LineFields(), { clientStart: 0, clientEnd: 2, methodStart: 2, methodEnd: 2 });
    assert.notEqual(keyText(maker, a, f1), keyText(maker, a, f2));
  });
});
