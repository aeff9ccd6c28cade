// base/typed.ts: growing typed arrays, and freeing big ones no longer used.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { grown, regrown, release } from '../../src/base/typed.js';
import { instantiate, loadKernelModule } from '../../src/wasm/kernel-module.js';

describe('typed arrays', () => {
  test('grown keeps the values and fills the new room', () => {
    assert.deepEqual([...grown(Int32Array.of(1, 2), 4, -1)], [1, 2, -1, -1]);
  });

  test('release frees whole big buffers (their views read as empty) and leaves the rest alone', () => {
    const big = new Float64Array(1 << 16);
    const view = new Uint8Array(big.buffer);
    const small = new Uint8Array(1024);
    const inside = new Uint8Array(new ArrayBuffer(1 << 20), 8, 1 << 17);
    const pooled = Buffer.from('a pooled buffer');
    const module = loadKernelModule();
    const wasm = module ? new Uint8Array(instantiate(module).memory.buffer) : new Uint8Array(0);
    const wasmBytes = wasm.length;
    release(big, big, small, inside, pooled, wasm, undefined);
    assert.equal(big.length, 0);
    assert.equal(view.length, 0);
    assert.equal(small.length, 1024);
    assert.equal(inside.length, 1 << 17);
    assert.equal(pooled.toString(), 'a pooled buffer');
    assert.equal(wasm.length, wasmBytes); // a WebAssembly memory cannot move: left as it is
  });

  test('regrown gives the bigger copy and frees the old array', () => {
    const old = new Uint32Array(1 << 15).fill(7);
    const bigger = regrown(old, 1 << 16);
    assert.equal(old.length, 0);
    assert.equal(bigger[0], 7);
    assert.equal(bigger[(1 << 16) - 1], 0);
  });
});
