// sinks/color.ts: --color always|never wins; under auto, NO_COLOR, FORCE_COLOR, TERM=dumb, then the terminal.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wantColor } from '../../src/sinks/color.js';

test('--color always and never win over the environment and the stream', () => {
  assert.equal(wantColor('always', { isTTY: false, env: { NO_COLOR: '1' } }), true);
  assert.equal(wantColor('never', { isTTY: true, env: { FORCE_COLOR: '1' } }), false);
});

test('auto: a terminal gets colour, a pipe none', () => {
  assert.equal(wantColor('auto', { isTTY: true, env: {} }), true);
  assert.equal(wantColor('auto', { isTTY: false, env: {} }), false);
});

test('auto: NO_COLOR (not empty) turns it off, before FORCE_COLOR', () => {
  assert.equal(wantColor('auto', { isTTY: true, env: { NO_COLOR: '1' } }), false);
  assert.equal(wantColor('auto', { isTTY: true, env: { NO_COLOR: '' } }), true);
  assert.equal(wantColor('auto', { isTTY: false, env: { NO_COLOR: '1', FORCE_COLOR: '1' } }), false);
});

test('auto: FORCE_COLOR turns it on in a pipe (0 or false: off), TERM=dumb off', () => {
  assert.equal(wantColor('auto', { isTTY: false, env: { FORCE_COLOR: '1' } }), true);
  assert.equal(wantColor('auto', { isTTY: false, env: { FORCE_COLOR: '' } }), true);
  assert.equal(wantColor('auto', { isTTY: true, env: { FORCE_COLOR: '0' } }), false);
  assert.equal(wantColor('auto', { isTTY: true, env: { FORCE_COLOR: 'false' } }), false);
  assert.equal(wantColor('auto', { isTTY: true, env: { TERM: 'dumb' } }), false);
  assert.equal(wantColor('auto', { isTTY: true, env: { TERM: 'dumb', FORCE_COLOR: '1' } }), true);
});
