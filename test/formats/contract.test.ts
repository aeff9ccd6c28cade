// The CSV contract holds whatever the format: key column `ip`, one count column per status code (ascending)
// that add up to `count`, ISO 8601 times with a +HH:MM offset, rows by count then ip. (That results do not
// depend on threads, reads or ranges is checked per format, in each format's tests.)

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineOptions } from '../../src/options/internal-options.js';
import { SAMPLES } from './samples.js';
import { fixture, run } from './support.js';
import { needsInput } from '../support/paths.js';

const CUSTOM: ReadonlyArray<readonly [string, Omit<EngineOptions, 'input'>]> = [
  [fixture('nginx-custom.log'), { logFormat: '$remote_addr - $remote_user [$time_iso8601] "$request" $status' }],
  [fixture('apache-custom.log'), { logFormat: '%v:%p %a %l %u %{%d/%b/%Y:%H:%M:%S %z}t "%r" %>s' }],
];

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/;

describe('CSV contract for every format', () => {
  const cases: Array<readonly [string, Omit<EngineOptions, 'input'>]> = [
    ...SAMPLES.map(([path]) => [path, {}] as const),
    ...CUSTOM,
  ];
  for (const [path, options] of cases) {
    test(path.split('/').pop()!, needsInput(path), async () => {
      const codes = [500, 404, 403, 401, 400, 502, 503, 504];
      const { csv, result } = await run(path, { ...options, threshold: 1, errorCodes: codes, threads: 2 });
      const [header, ...rows] = csv.trimEnd().split('\n');
      assert.equal(header, 'ip,count,400,401,403,404,500,502,503,504,first_seen,last_seen');
      assert.ok(rows.length > 0 || result.summary.matched === 0);
      let previous: [number, string] | undefined;
      let total = 0;
      for (const row of rows) {
        const cells = row.split(',');
        const ip = cells[0].replace(/^"|"$/g, '');
        const count = Number(cells[1]);
        const perCode = cells.slice(2, 10).map(Number);
        assert.equal(perCode.reduce((a, b) => a + b, 0), count, row);
        assert.match(cells[10], ISO);
        assert.match(cells[11], ISO);
        assert.ok(Date.parse(cells[10]) <= Date.parse(cells[11]), row);
        if (previous) assert.ok(previous[0] > count || (previous[0] === count && Buffer.compare(Buffer.from(previous[1]), Buffer.from(ip)) < 0), row);
        previous = [count, ip];
        total += count;
      }
      assert.equal(total, result.summary.matched);
      assert.equal(result.summary.lines, result.summary.parsed + result.summary.malformed + result.summary.blank + result.summary.comment);
    });
  }
});
