// --since/--until: reading instants and durations, the checks, and deciding stamps in or out of the span,
// including relative bounds decided before and after the newest entry is known.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatDuration, parseDuration } from '../../src/options/durations.js';
import { parseIsoTime, parseSpan } from '../../src/options/span-spec.js';
import { IN, MAYBE, OUT, TimeSpan } from '../../src/analyses/time-span.js';
import { packStamp } from '../../src/base/time.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0) / 1000;

describe('durations', () => {
  it('reads units and sums, and writes them back', () => {
    assert.equal(parseDuration('30s'), 30);
    assert.equal(parseDuration('10m'), 600);
    assert.equal(parseDuration('1h'), 3600);
    assert.equal(parseDuration('1d'), 86400);
    assert.equal(parseDuration('2w'), 1209600);
    assert.equal(parseDuration('1h30m'), 5400);
    assert.equal(parseDuration('1H'), 3600);
    assert.equal(parseDuration('0s'), 0);
    for (const bad of ['', '10', 'h', '1x', '1.5h', '-1h', '1h 30m', 'PT1H']) assert.equal(parseDuration(bad), undefined, bad);
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 9 }), (s) => assert.equal(parseDuration(formatDuration(s)), s)));
  });
});

describe('parseIsoTime', () => {
  it('agrees with Date.parse on full ISO 8601 instants (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), (d) => {
        const text = d.toISOString(); // with milliseconds and Z
        const seconds = Math.floor(d.getTime() / 1000);
        assert.equal(parseIsoTime(text), d.getTime() % 1000 === 0 ? seconds : seconds + 1);
      }),
    );
  });

  it('reads dates, minutes, offsets; UTC without an offset', () => {
    assert.equal(parseIsoTime('2024-05-01'), Date.UTC(2024, 4, 1) / 1000);
    assert.equal(parseIsoTime('2024-05-01T12:00'), T0);
    assert.equal(parseIsoTime('2024-05-01 12:00:00'), T0);
    assert.equal(parseIsoTime('2024-05-01T14:00:00+02:00'), T0);
    assert.equal(parseIsoTime('2024-05-01T14:00:00+0200'), T0);
    assert.equal(parseIsoTime('2024-05-01T14:00:00+02'), T0);
    assert.equal(parseIsoTime('2024-05-01T06:30:00-05:30'), T0);
    assert.equal(parseIsoTime('2024-05-01T12:00:00z'), T0);
    for (const bad of ['2024-02-30', '2024-13-01', '2024-05-01T24:00', '2024-05-01T12:60', '2024-05-01T12:00:60', '01/May/2024', '2024-5-1', 'yesterday', '2024-05-01T12:00+25:00']) {
      assert.equal(parseIsoTime(bad), undefined, bad);
    }
  });
});

describe('parseSpan', () => {
  it('takes instants and durations, and rejects an empty span naming both', () => {
    assert.deepEqual(parseSpan('2h', undefined), { sinceAt: undefined, sinceAgo: 7200, untilAt: undefined, untilAgo: undefined, sinceText: '2h', untilText: undefined });
    assert.equal(parseSpan(undefined, undefined), undefined);
    assert.throws(() => parseSpan('2024-05-02', '2024-05-01'), /--since '2024-05-02' is not before --until '2024-05-01'/);
    assert.throws(() => parseSpan('2024-05-01', '2024-05-01T00:00:00Z'), /is not before/);
    assert.throws(() => parseSpan('1h', '2h'), /--since '1h' is not before --until '2h'/);
    assert.throws(() => parseSpan('1h', '1h'), /is not before/);
    assert.throws(() => parseSpan('last tuesday', undefined), /--since 'last tuesday' is not a time: use an ISO 8601 time \(2024-05-01, .*\) or a duration before the newest entry: a number with a unit/);
    assert.throws(() => parseSpan(undefined, '2024-02-30'), /--until '2024-02-30' is not a time/);
  });
});

describe('TimeSpan', () => {
  const at = (second: number, offset = 0): number => packStamp(T0 + second, offset);

  it('is [since, until): since inclusive, until exclusive, to the second, whatever the offset', () => {
    assert.throws(() => parseSpan('2024-05-01T12:00:00Z', '2024-05-01T13:00:00+01:00'), /is not before/, 'the same instant');
    const hour = new TimeSpan(parseSpan('2024-05-01T12:00:00Z', '2024-05-01T14:00:00+01:00')!);
    assert.equal(hour.verdict(at(-1)), OUT);
    assert.equal(hour.verdict(at(0)), IN);
    assert.equal(hour.verdict(at(0, 120)), IN);
    assert.equal(hour.verdict(at(3599, -300)), IN);
    assert.equal(hour.verdict(at(3600)), OUT);
  });

  it('decides relative bounds only as far as the newest entry so far allows', () => {
    const since = new TimeSpan(parseSpan('10m', undefined)!);
    since.see(at(1000));
    assert.equal(since.verdict(at(399)), OUT, 'before newest-so-far - 10m: out whatever comes');
    assert.equal(since.verdict(at(400)), MAYBE);
    since.see(at(2000));
    assert.equal(since.verdict(at(1399)), OUT);
    since.finish(at(2000));
    assert.equal(since.verdict(at(1400)), IN);
    assert.equal(since.verdict(at(2000)), IN);

    const until = new TimeSpan(parseSpan(undefined, '10m')!);
    until.see(at(1000));
    assert.equal(until.verdict(at(399)), IN, 'before newest-so-far - 10m: in whatever comes');
    assert.equal(until.verdict(at(400)), MAYBE);
    until.finish(at(1000));
    assert.equal(until.verdict(at(400)), OUT);
    assert.equal(until.verdict(at(399)), IN);
  });
});
