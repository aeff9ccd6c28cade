// sinks/table.ts: the report's table, drawn by hand.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTable } from '../../src/sinks/table.js';

test('borders, one space of padding, columns aligned left or right by display width', () => {
  const text = renderTable({
    head: ['ip', 'count'],
    align: ['left', 'right'],
    rows: [
      ['10.0.0.1', '1,234'],
      ['東京', '7'],
    ],
  });
  assert.equal(
    text,
    [
      '┌──────────┬───────┐',
      '│ ip       │ count │',
      '├──────────┼───────┤',
      '│ 10.0.0.1 │ 1,234 │',
      '│ 東京     │     7 │',
      '└──────────┴───────┘',
    ].join('\n'),
  );
});

test('styles wrap the header text and the borders only', () => {
  const text = renderTable({ head: ['a'], align: ['left'], rows: [['b']], headStyle: (t) => `<${t}>`, borderStyle: (t) => `[${t}]` });
  assert.equal(text, ['[┌───┐]', '[│] <a> [│]', '[├───┤]', '[│] b [│]', '[└───┘]'].join('\n'));
});
