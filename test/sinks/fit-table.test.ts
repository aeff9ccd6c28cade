// sinks/fit-table.ts: the printed table never wider than the width it is given; what it gives up, in order;
// a list below 60 columns. (The same logic through the built command with COLUMNS: test/cli/unix.test.ts.)

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import stringWidth from 'string-width';
import { fitTable, MIN_TABLE_COLUMNS, tableWidth, truncateToWidth, type TableRows } from '../../src/sinks/fit-table.js';
import { renderTable } from '../../src/sinks/table.js';
import { fakeRow } from '../support/results.js';

const CODES = ['400', '401', '403', '404', '405', '500', '501', '502', '503', '504', '505'];

function rowsOf(keys: string[]): TableRows {
  return {
    keyFields: ['ip'],
    statusColumns: CODES,
    rows: keys.map((key, i) =>
      fakeRow(key, 100 - i, CODES.map((_, c) => (c * 7 + i) % 5), '2015-10-25T04:11:26+01:00', '2015-10-25T05:11:26+01:00'),
    ),
  };
}

/** The drawn table's widest line, in display columns. */
function drawnWidth(input: TableRows, width: number | undefined): number {
  const fitted = fitTable(input, width);
  const lines = fitted.kind === 'table' ? renderTable(fitted.table).split('\n') : fitted.lines;
  return Math.max(...lines.map((line) => stringWidth(line)));
}

describe('fitTable', () => {
  test('no width: the whole table, full times, every code that occurs', () => {
    const fitted = fitTable(rowsOf(['10.0.0.1', '10.0.0.2']), undefined);
    assert.equal(fitted.kind, 'table');
    if (fitted.kind !== 'table') return;
    assert.ok(fitted.table.head.includes('first seen'));
    assert.equal(fitted.table.rows[0].at(-2), '2015-10-25T04:11:26+01:00');
  });

  test('narrower: times lose offset and seconds first (the shared offset said once), then codes go to "other"', () => {
    const input = rowsOf(['10.0.0.1', '10.0.0.2']);
    const whole = fitTable(input, undefined);
    assert.equal(whole.kind, 'table');
    if (whole.kind !== 'table') return;
    const full = tableWidth(whole.table);
    const shorter = fitTable(input, full - 1);
    assert.equal(shorter.kind, 'table');
    if (shorter.kind !== 'table') return;
    assert.equal(shorter.offset, '+01:00', 'said once, above the table');
    assert.equal(shorter.table.rows[0].at(-2), '2015-10-25 04:11:26');
    const narrow = fitTable(input, 80);
    assert.equal(narrow.kind, 'table');
    if (narrow.kind !== 'table') return;
    assert.ok(narrow.table.head.includes('other'), narrow.table.head.join('|'));
    assert.ok(tableWidth(narrow.table) <= 80);
    // The counts still add up: kept codes + other = count's codes.
    const row = narrow.table.rows[0];
    const codeCells = row.slice(2, narrow.table.head.indexOf('first seen')).map(Number);
    const sum = input.rows[0].byCode.reduce((a, b) => a + b, 0);
    assert.equal(codeCells.reduce((a, b) => a + b, 0), sum);
  });

  test('the busiest codes keep their columns', () => {
    const input: TableRows = {
      keyFields: ['ip'],
      statusColumns: CODES,
      rows: [fakeRow('10.0.0.1', 120, [1, 1, 1, 100, 1, 1, 1, 1, 1, 1, 11], '2015-10-25T04:11:26+00:00', '2015-10-25T05:11:26+00:00')],
    };
    const fitted = fitTable(input, 75);
    assert.equal(fitted.kind, 'table');
    if (fitted.kind !== 'table') return;
    const codes = fitted.table.head.filter((h) => CODES.includes(h));
    assert.ok(codes.includes('404'), fitted.table.head.join('|'));
    assert.ok(!codes.includes('400') || codes.includes('505'));
  });

  test('long keys are cut with an ellipsis', () => {
    const input: TableRows = { ...rowsOf([]), keyFields: ['path'], rows: [fakeRow('/' + 'a'.repeat(200), 5, CODES.map(() => 0), '2015-10-25T04:11:26+00:00', '2015-10-25T05:11:26+00:00')] };
    const fitted = fitTable(input, 70);
    assert.equal(fitted.kind, 'table');
    if (fitted.kind !== 'table') return;
    assert.ok(fitted.table.rows[0][0].endsWith('…'));
    assert.ok(tableWidth(fitted.table) <= 70);
  });

  test(`below ${MIN_TABLE_COLUMNS} columns, a list`, () => {
    const fitted = fitTable(rowsOf(['10.0.0.1', '10.0.0.2']), MIN_TABLE_COLUMNS - 1);
    assert.equal(fitted.kind, 'list');
    if (fitted.kind !== 'list') return;
    assert.match(fitted.lines[0], /^1\. 10\.0\.0\.1$/);
    assert.match(fitted.lines[1], /^ {3}100 \(/);
  });

  test('never wider than the width given (from 20 columns up), whatever the keys (wide characters too)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', '/', 'é', '漢', '字', '-', '9'), minLength: 1, maxLength: 120 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 20, max: 200 }),
        (keys, width) => drawnWidth(rowsOf(keys), width) <= width,
      ),
    );
  });
});

describe('truncateToWidth', () => {
  test('cuts by display width and ends with an ellipsis', () => {
    assert.equal(truncateToWidth('abcdef', 6), 'abcdef');
    assert.equal(truncateToWidth('abcdefg', 6), 'abcde…');
    assert.equal(truncateToWidth('漢字漢字', 5), '漢字…');
    assert.equal(stringWidth(truncateToWidth('漢字漢字', 4)), 3);
  });
});
