#!/usr/bin/env node
// The executable as shipped, and each producer thread's entry (scripts/bundle.mjs makes this file both
// dist/bundle/cli/logsift.js and producer-thread.js): it runs the script of its own name bundled as one CommonJS
// file beside it (logsift.cjs from cli/bin.ts, producer-thread.cjs from engine/producer-thread.ts) from V8's
// code cache of that script (<name>.cjs.cache, made by the build from a run on the sample log) when the cache
// fits this Node.
//
// Why: compiling was the largest part of every run's start-up after Node's own. As ES modules (which Node 20
// cannot load from a code cache) the main thread ran 726 M instructions on the sample log; from the cache,
// 631 M (callgrind, main thread), about 30 ms less on the way to the producers' first task, and each producer
// starts its own compile-free. A cache that does not fit (another Node, other V8 flags, a changed script) is
// refused by V8 itself, and the script is then compiled as usual: slower, never wrong.
//
// Nothing else here: whatever this file imports loads before the producers can start.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { isMainThread, threadId } from 'node:worker_threads';
import { mark } from '../base/trace.js';

const script = fileURLToPath(import.meta.url).replace(/\.js$/, '.cjs');
const cacheFile = `${script}.cache`;
/** Set by the build only: write the cache (the main thread's as its run ends, a producer's once it has loaded). */
const makeCache = Boolean(process.env.LOGSIFT_MAKE_CODE_CACHE);

let cachedData: Buffer | undefined;
try {
  if (!makeCache) cachedData = readFileSync(cacheFile);
} catch {
  // no cache (a build that could not make one): compiled as usual
}
// CommonJS's own wrapper, so that the script's require, module and __filename are its own.
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(script, 'utf8')}\n})`;
const compiled = new Script(source, { filename: script, cachedData });
mark(`code cache ${cachedData === undefined ? 'none' : compiled.cachedDataRejected ? 'refused' : 'used'}`);
const module = { exports: {} };
compiled.runInThisContext()(module.exports, createRequire(script), module, script, fileURLToPath(new URL('.', import.meta.url)));

if (makeCache) {
  // Written aside, then renamed: two producers may write it at once. The main thread's holds what its run
  // compiled (written as it exits); a producer's what loading compiled (the pool ends producers from outside).
  const write = () => {
    writeFileSync(`${cacheFile}.${threadId}`, compiled.createCachedData());
    renameSync(`${cacheFile}.${threadId}`, cacheFile);
  };
  if (isMainThread) process.on('exit', write);
  else write();
}
