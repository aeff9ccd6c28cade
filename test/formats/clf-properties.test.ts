// Property tests of the CLF parser: generated valid lines give back what was generated; arbitrary and
// mutated bytes never make it throw, and it accepts exactly the lines the reference accepts, with the same fields.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatStampIso, stampEpochSeconds, stampOffsetMinutes } from '../../src/engine/time.js';
import { combinedFormat, vcombinedFormat } from '../../src/formats/clf.js';
import { LineFields, type LineFormat } from '../../src/formats/fields.js';
import { referenceIso, referenceParse } from '../reference.js';
import { parseLine } from '../support/lines.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

const EPOCH_MIN = new Date('0001-01-02T00:00:00Z').getTime() / 1000;
const EPOCH_MAX = new Date('9999-12-30T23:59:59Z').getTime() / 1000;

/** `dd/Mon/yyyy:HH:MM:SS +zzzz` for an instant shown in an offset. */
function clfTime(epoch: number, offset: number): string {
  const d = new Date((epoch + offset * 60) * 1000);
  const abs = Math.abs(offset);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${pad(d.getUTCFullYear(), 4)}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ` +
    `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

const hosts = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.domain(),
  fc.stringMatching(/^[a-zA-Z0-9._:-]{1,20}$/),
);
const idents = fc.oneof(fc.constant('-'), fc.stringMatching(/^[a-z0-9@.]{1,8}$/));

/** Request text as servers log it: escapes, quotes that cannot end it, runs of spaces, any printable byte. */
const requestTokens = fc.oneof(
  { weight: 10, arbitrary: fc.stringMatching(/^[\x20-\x21\x23-\x5b\x5d-\x7e]{1,8}$/) }, // printable, no " or \
  { weight: 2, arbitrary: fc.constantFrom('\\"', '\\\\', '\\x16', '\\xfc', '\\x00', '\\"  200 ', '\\" 404 1 \\"-\\"') },
  // Raw quotes never followed by ` ddd`, whatever token comes next: they cannot end the request.
  { weight: 1, arbitrary: fc.constantFrom('"x', '" x', '" 2x0', '"" 4x', '   ', '\xe9', '\x00', '\xff') },
);
const requests = fc.array(requestTokens, { maxLength: 12 }).map((tokens) => tokens.join(''));
const tails = fc.constantFrom(
  '',
  ' -',
  ' 1234',
  ' 0 "-" "-"',
  ' 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
  ' - "-" "Mozilla/5.0 (unclosed',
  ' 12 "\\"quoted\\"" "ua"',
  ' 12 "-"',
);

interface Generated {
  readonly line: string;
  readonly client: string;
  readonly status: number;
  readonly epoch: number;
  readonly offset: number;
  readonly request: string;
}

const lines: fc.Arbitrary<Generated> = fc
  .record({
    client: hosts,
    ident: idents,
    user: idents,
    epoch: fc.integer({ min: EPOCH_MIN, max: EPOCH_MAX }),
    offset: fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
    request: requests,
    status: fc.integer({ min: 100, max: 599 }),
    tail: tails,
  })
  .map((g) => ({
    ...g,
    line: `${g.client} ${g.ident} ${g.user} [${clfTime(g.epoch, g.offset)}] "${g.request}" ${g.status}${g.tail}`,
  }));

/** Bytes that matter to the parser, so random strings of them come close to lines. */
const structural = fc.constantFrom(' ', '"', '\\', '[', ']', '/', ':', '+', '-', '0', '1', '4', '5', '9', 'Oct', '2000', '10', 'x', '\x00', '\r', '\xff');
const nearLines = fc.array(structural, { maxLength: 80 }).map((parts) => parts.join(''));

/** A valid line with a few bytes inserted, deleted or replaced. */
const mutated = fc
  .tuple(
    lines,
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
  )
  .map(([g, edits]) => {
    let bytes = [...Buffer.from(g.line, 'latin1')];
    for (const [at, kind, byte] of edits) {
      const i = bytes.length === 0 ? 0 : at % (bytes.length + (kind === 'insert' ? 1 : 0));
      if (kind === 'insert') bytes.splice(i, 0, byte);
      else if (kind === 'delete') bytes.splice(i, 1);
      else bytes[i] = byte;
    }
    return Buffer.from(bytes.filter((b) => b !== 0x0a)).toString('latin1');
  });

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
