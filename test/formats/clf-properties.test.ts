// Property tests of the CLF parser: generated valid lines give back what was generated; arbitrary and
// mutated bytes never make it throw, and it accepts exactly the lines the reference accepts, with the same fields.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatStampIso, stampEpochSeconds, stampOffsetMinutes } from '../../src/base/time.js';
import { combinedFormat, vcombinedFormat } from '../../src/formats/clf.js';
import { LineFields, type LineFormat } from '../../src/formats/fields.js';
import { referenceIso, referenceParse } from '../reference/clf.js';
import { lines, mutatedLines as mutated, nearLines } from '../support/generators.js';
import { parseLine } from '../support/lines.js';

/** The parser and the reference agree on whether the line parses, and on client, status and instant. */
function agreesWithReference(format: LineFormat, text: string, vhost: boolean): void {
  const got = parseLine(format, text);
  const expected = referenceParse(text, vhost);
  if (!expected) {
    assert.equal(got, undefined, `parser accepted what the reference rejects: ${JSON.stringify(text)}`);
    return;
  }
  assert.ok(got, `parser rejected what the reference accepts: ${JSON.stringify(text)}`);
  assert.equal(got.client, expected.client);
  assert.equal(got.status, expected.status);
  assert.equal(stampEpochSeconds(got.stamp), expected.epoch);
  assert.equal(stampOffsetMinutes(got.stamp), expected.offset);
}

/** Neither pass throws, and every field found lies inside the line. */
function neverThrows(format: LineFormat, bytes: Buffer): void {
  const buf = Buffer.concat([Buffer.from('junk'), bytes, Buffer.from('" 200 ')]);
  const start = 4;
  const end = 4 + bytes.length;
  const out = new LineFields();
  if (!format.parse(buf, start, end, out)) return;
  format.parseDetails(buf, start, end, out);
  assert.ok(out.status >= 100 && out.status <= 599);
  for (const [s, e] of [
    [out.clientStart, out.clientEnd],
    [out.requestStart, out.requestEnd],
    [out.methodStart, out.methodEnd],
    [out.pathStart, out.pathEnd],
    [out.referrerStart, out.referrerEnd],
    [out.userAgentStart, out.userAgentEnd],
    [out.vhostStart, out.vhostEnd],
  ]) {
    if (s === -1 && e === -1) continue;
    assert.ok(start <= s && s <= e && e <= end, `field [${s}, ${e}) outside the line [${start}, ${end})`);
  }
}

describe('CLF parser properties', () => {
  test('generated valid lines give back their client, status, time and request', () => {
    fc.assert(
      fc.property(lines, (g) => {
        const got = parseLine(combinedFormat, g.line);
        assert.ok(got, `should parse: ${JSON.stringify(g.line)}`);
        assert.equal(got.client, g.client);
        assert.equal(got.status, g.status);
        assert.equal(got.request, g.request);
        assert.equal(stampEpochSeconds(got.stamp), g.epoch);
        assert.equal(stampOffsetMinutes(got.stamp), g.offset);
        assert.equal(formatStampIso(got.stamp), referenceIso(g.epoch, g.offset));
      }),
      { numRuns: 3000 },
    );
  });

  test('generated vhost-combined lines give back the client after the vhost', () => {
    fc.assert(
      fc.property(lines, fc.domain(), fc.integer({ min: 1, max: 65535 }), (g, vhost, port) => {
        const got = parseLine(vcombinedFormat, `${vhost}:${port} ${g.line}`);
        assert.ok(got);
        assert.equal(got.client, g.client);
        assert.equal(got.status, g.status);
        assert.equal(stampEpochSeconds(got.stamp), g.epoch);
      }),
      { numRuns: 1000 },
    );
  });

  test('arbitrary bytes never make it throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        neverThrows(combinedFormat, Buffer.from(bytes));
        neverThrows(vcombinedFormat, Buffer.from(bytes));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.oneof(nearLines, mutated), (text) => {
        neverThrows(combinedFormat, Buffer.from(text, 'latin1'));
        neverThrows(vcombinedFormat, Buffer.from(text, 'latin1'));
      }),
      { numRuns: 3000 },
    );
  });

  test('it accepts exactly what the reference accepts, with the same fields (valid, mutated, near-line input)', () => {
    fc.assert(
      fc.property(fc.oneof(lines.map((g) => g.line), mutated, nearLines), (text) => {
        agreesWithReference(combinedFormat, text, false);
        agreesWithReference(vcombinedFormat, text, true);
      }),
      { numRuns: 5000 },
    );
  });
});
