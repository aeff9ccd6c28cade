#!/usr/bin/env node
// The executable as shipped (scripts/bundle.mjs makes it dist/bundle/cli/logsift.js): it runs the command line,
// bundled as one CommonJS script beside it (logsift.cjs, from cli/bin.ts), from V8's code cache of that script
// (logsift.cjs.cache, made by the build from a run on the sample log) when the cache fits this Node.
//
// Why: compiling the command line was the largest part of every run's start-up after Node's own. As ES modules
// (which Node 20 cannot load from a code cache) the main thread ran 724 M instructions on the sample log; from
// the cache, 627 M, about 30 ms less on the way to the producers' first task (callgrind, main thread). A cache
// that does not fit (another Node, other V8 flags, a changed script) is refused by V8 itself, and the script is
// then compiled as usual: slower, never wrong.
//
// Nothing else here: whatever this file imports loads before the producers can start.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const script = fileURLToPath(new URL('./logsift.cjs', import.meta.url));
const cacheFile = `${script}.cache`;
/** Set by the build only: where to write the cache when the run ends. */
const cacheOut = process.env.LOGSIFT_MAKE_CODE_CACHE;

let cachedData: Buffer | undefined;
try {
  if (!cacheOut) cachedData = readFileSync(cacheFile);
} catch {
  // no cache (a build that could not make one): compiled as usual
}
// CommonJS's own wrapper, so that the script's require, module and __filename are its own.
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(script, 'utf8')}\n})`;
const compiled = new Script(source, { filename: script, cachedData });
if (process.env.LOGSIFT_TRACE) {
  const state = cachedData === undefined ? 'none' : compiled.cachedDataRejected ? 'refused' : 'used';
  process.stderr.write(`logsift-trace ${(process.uptime() * 1000).toFixed(1).padStart(7)} main code cache ${state}\n`);
}
// After the run, the cache holds the functions the run compiled too, not only the top level.
if (cacheOut) process.on('exit', () => writeFileSync(cacheOut, compiled.createCachedData()));
const module = { exports: {} };
compiled.runInThisContext()(module.exports, createRequire(script), module, script, fileURLToPath(new URL('.', import.meta.url)));
