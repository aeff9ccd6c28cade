// --errorcodes items: codes, classes and ranges, their columns, and the errors for bad ones.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { columnOfStatus, countedStatuses, parseStatusColumns, parseStatusItem } from '../../src/options/codes.js';
import { LogsiftError } from '../../src/base/errors.js';

describe('parseStatusItem', () => {
  it('reads codes, classes (any case) and ranges', () => {
    assert.deepEqual(parseStatusItem('404'), { label: '404', low: 404, high: 404 });
    assert.deepEqual(parseStatusItem(503), { label: '503', low: 503, high: 503 });
    assert.deepEqual(parseStatusItem('4xx'), { label: '4xx', low: 400, high: 499 });
    assert.deepEqual(parseStatusItem('5XX'), { label: '5xx', low: 500, high: 599 });
    assert.deepEqual(parseStatusItem('500-504'), { label: '500-504', low: 500, high: 504 });
    assert.deepEqual(parseStatusItem('404-404'), { label: '404', low: 404, high: 404 });
  });

  it('rejects anything else with a message naming the item and what is allowed', () => {
    const cases: Array<[string, RegExp]> = [
      ['6xx', /'6xx' is not a status class: use 1xx, 2xx, 3xx, 4xx or 5xx/],
      ['0xx', /'0xx' is not a status class/],
      ['600', /'600' is not a status code, class or range: use a code \(404\), a class \(1xx to 5xx\) or a range/],
      ['99', /'99' is not a status code/],
      ['abc', /'abc' is not a status code/],
      ['4x', /'4x' is not/],
      ['599-500', /'599-500' is not a status range: the first code must not exceed the second/],
      ['500-600', /'500-600' is not a status code/],
      ['40.4', /'40.4' is not/],
      ['', /'' is not/],
    ];
    for (const [item, message] of cases) {
      assert.throws(() => parseStatusItem(item), (e: unknown) => e instanceof LogsiftError && message.test(e.message) && e.message.startsWith('--errorcodes'), item);
    }
  });
});

describe('parseStatusColumns', () => {
  it('sorts columns, merges repeats, and keeps codes, classes and ranges apart', () => {
    const columns = parseStatusColumns(['5xx', '404', '401', '404', '418-420']);
    assert.deepEqual(columns.map((c) => c.label), ['401', '404', '418-420', '5xx']);
    assert.deepEqual(countedStatuses(columns), [401, 404, 418, 419, 420, ...Array.from({ length: 100 }, (_, i) => 500 + i)]);
  });

  it('rejects overlapping items, naming both', () => {
    assert.throws(() => parseStatusColumns(['4xx', '404']), /'4xx' and '404' both hold status 404/);
    assert.throws(() => parseStatusColumns(['500-510', '505-599']), /'500-510' and '505-599' both hold status 505/);
    assert.throws(() => parseStatusColumns(['5xx', '500-599']), /both hold status 500/);
    assert.throws(() => parseStatusColumns([]), /needs at least one status/);
  });

  it('maps every status to the one column holding it (property)', () => {
    const items = fc.uniqueArray(
      fc.oneof(
        fc.integer({ min: 100, max: 599 }).map(String),
        fc.integer({ min: 1, max: 5 }).map((d) => `${d}xx`),
        fc.tuple(fc.integer({ min: 100, max: 599 }), fc.integer({ min: 0, max: 30 })).map(([a, n]) => `${a}-${Math.min(599, a + n)}`),
      ),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(items, (list) => {
        let columns: ReturnType<typeof parseStatusColumns>;
        try {
          columns = parseStatusColumns(list);
        } catch (error) {
          assert.match((error as Error).message, /both hold status/);
          return;
        }
        const column = columnOfStatus(columns);
        for (let status = 0; status < 600; status++) {
          const holders: number[] = columns.map((c, i) => (c.low <= status && status <= c.high ? i : -1)).filter((i) => i >= 0);
          assert.ok(holders.length <= 1);
          assert.equal(column[status], holders.length ? holders[0] : -1);
        }
      }),
    );
  });
});
