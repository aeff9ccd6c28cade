// base/threads.ts: a thread it starts optimizes its hot code on its own thread (no background compiler that
// could outlive the thread's isolate as Node 20 ends it), and the process goes on as before; optimizeLater
// leaves code that runs a few thousand times unoptimized.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { withTempDir } from '../support/files.js';

const THREADS_URL = new URL('../../src/base/threads.js', import.meta.url).href;

/** What `node --trace-opt` prints running `source`, written as `name` in `dir`. */
function traceOpt(dir: string, name: string, source: string): string {
  const main = join(dir, name);
  writeFileSync(main, source);
  return execFileSync(process.execPath, ['--trace-opt', main], { encoding: 'utf8' });
}

/** A function hot enough for TurboFan, in a thread; it prints its sum so that the work cannot be dropped. */
const HOT_THREAD = `
function hotSum(values) { let sum = 0; for (let i = 0; i < values.length; i++) sum += values[i] * 2; return sum; }
const values = new Float64Array(1000).fill(1);
let total = 0;
for (let k = 0; k < 20000; k++) total += hotSum(values);
console.log('thread', total);
`;

test('a thread started by startThread optimizes synchronously, and ends cleanly', async () => {
  await withTempDir((dir) => {
    const thread = join(dir, 'hot-thread.mjs');
    writeFileSync(thread, HOT_THREAD);
    const out = traceOpt(
      dir,
      'main.mjs',
      `import { startThread } from ${JSON.stringify(THREADS_URL)};\n` +
        `const worker = startThread(new URL(${JSON.stringify(pathToFileURL(thread).href)}));\n` +
        `worker.on('exit', (code) => console.log('exit', code));\n`,
    );
    const compiles = out.split('\n').filter((line) => /compiling method .*hotSum.*mode:/.test(line));
    assert.ok(compiles.length > 0, `TurboFan never compiled hotSum:\n${out}`);
    for (const line of compiles) assert.match(line, /ConcurrencyMode::kSynchronous/);
    assert.match(out, /^thread 40000000$/m);
    assert.match(out, /^exit 0$/m);
  });
});

/** A short function called `calls` times: hot enough for TurboFan at V8's default budget, not at eight times it. */
const WARM_CALLS = `
function warmSum(values) { let sum = 0; for (let i = 0; i < values.length; i++) sum += values[i]; return sum; }
const values = new Int32Array(8).fill(1);
let total = 0;
for (let k = 0; k < 1500; k++) total += warmSum(values);
console.log('total', total);
`;

test('optimizeLater: code that runs a few thousand times is left to the baseline tiers', async () => {
  await withTempDir((dir) => {
    const optimizedIn = (later: boolean): boolean => {
      const out = traceOpt(dir, `warm-${later}.mjs`, `import { optimizeLater } from ${JSON.stringify(THREADS_URL)};\n${later ? 'optimizeLater();\n' : ''}${WARM_CALLS}`);
      assert.match(out, /^total 12000$/m);
      return /completed compiling .*warmSum/.test(out);
    };
    assert.equal(optimizedIn(false), true, 'at the default budget TurboFan compiles warmSum');
    assert.equal(optimizedIn(true), false);
  });
});
