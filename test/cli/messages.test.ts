// cli/messages.ts: commander's usage errors in logsift's one style, on one line.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commanderMessage } from '../../src/cli/messages.js';

test('an invalid value names the flag, what it must be and the value', () => {
  assert.equal(
    commanderMessage(`error: option '--threshold <n>' argument '0' is invalid. --threshold must be a positive integer, got "0"`),
    'logsift: error: --threshold must be a positive integer, got "0"\n',
  );
  assert.equal(
    commanderMessage(`error: option '--color <when>' argument 'pink' is invalid. Allowed choices are auto, always, never.`),
    'logsift: error: --color must be one of auto, always, never, got "pink"\n',
  );
  assert.equal(
    commanderMessage(`error: option '-t, --threads <n>' argument missing`),
    'logsift: error: --threads is missing its value\n',
  );
});

test('the suggestion stays on the line', () => {
  assert.equal(
    commanderMessage(`error: unknown option '--thread'\n(Did you mean --threads?)`),
    "logsift: error: unknown option '--thread' (did you mean --threads?)\n",
  );
});
