import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAwkOutput, diffPairs, formatDifference, pairsFromAwk, pairsFromCsv } from '../../bench/verify.js';

test('pairsFromCsv takes the key and count of every row, header skipped, quoted keys unquoted', () => {
  const csv = [
    'ip,count,400,404,first_seen,last_seen',
    '10.0.0.1,12,2,10,2024-05-01T00:00:00+00:00,2024-05-01T01:00:00+00:00',
    '"odd,""host""",11,0,11,2024-05-01T00:00:00+00:00,2024-05-01T00:00:00+00:00',
    '2001:db8::1,10,10,0,2024-05-01T00:00:00+00:00,2024-05-01T00:00:00+00:00',
    '',
  ].join('\r\n');
  assert.deepEqual(
    [...pairsFromCsv(csv)],
    [
      ['10.0.0.1', 12],
      ['odd,"host"', 11],
      ['2001:db8::1', 10],
    ],
  );
  assert.equal(pairsFromCsv('ip,count\n').size, 0);
});

test("pairsFromAwk reads `key,count` (the count after the last comma) and keeps the reference awk's # tallies apart", () => {
  const { pairs, tallies } = pairsFromAwk('10.0.0.1,12\nodd,host,11\n#moved,35\n#wrong,0\n');
  assert.deepEqual([...pairs], [['10.0.0.1', 12], ['odd,host', 11]]);
  assert.deepEqual([...tallies], [['moved', 35], ['wrong', 0]]);
});

test('diffPairs lists every key whose counts differ, in byte order, with null for a missing side', () => {
  const logsift = new Map([['b', 11], ['a', 10], ['c', 12]]);
  const mawk = new Map([['a', 10], ['c', 13], ['d', 10]]);
  const differences = diffPairs(logsift, mawk);
  assert.deepEqual(differences, [
    { key: 'b', left: 11, right: null },
    { key: 'c', left: 12, right: 13 },
    { key: 'd', left: null, right: 10 },
  ]);
  assert.deepEqual(differences.map(formatDifference), ['b: 11 / -', 'c: 12 / 13', 'd: - / 10']);
  assert.deepEqual(diffPairs(logsift, new Map(logsift)), []);
});

test('decodeAwkOutput: UTF-8 lines as text, other bytes one char per byte (as logsift writes its keys)', () => {
  const bytes = Buffer.concat([Buffer.from('h\u00f4te,10\n', 'utf8'), Buffer.from([0xe9, 0x2c, 0x31, 0x31, 0x0a])]);
  assert.equal(decodeAwkOutput(bytes), 'h\u00f4te,10\n\u00e9,11');
});
