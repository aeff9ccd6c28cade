// Bundles the command line and the producer worker from tsc's output (npm run build).
//
// Why: start-up is a fixed cost of every run, and most of it was module loading: Node's ES module loader
// resolves, reads and compiles each of ~60 files one by one, in the main thread and again in every worker.
// A bundle loads in a fraction of that (LOGSIFT_TRACE=1 shows the timeline).
//
// - logsift.js, the executable (cli/launch.ts), runs logsift.cjs (cli/bin.ts and all it imports, one CommonJS
//   script) from logsift.cjs.cache, V8's code cache of it, made at the end of this build by a run on the sample
//   log: bin.ts's first lines start the producers, then the command line runs, with nothing left to compile
//   but what that run did not need.
// - producer-thread.js, the worker: the same launcher, for producer-thread.cjs (engine/producer-thread.ts, one
//   script, nothing shared with the command line's) and its cache.
//
// - report/page.js and page.css, the HTML report's script (report/page.ts with uPlot, the chart library) and
//   style (uPlot's, then report/page.css), which sinks/html-report.ts inlines into every report.
//
// Everything sits in dist/bundle/cli/, at the same depth as dist/src/cli/, so that the relative URLs the code
// uses (../../../package.json from the command line, ../../kernel/clf.wasm from the kernel glue, ./producer-thread.js
// for the workers) point at the same files from both. The library (dist/src/index.js) is not bundled.


import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

const common = {
  outdir: 'dist/bundle/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS packages (commander ...) call require() for Node's modules; an ES module has no require of its own.
  banner: { js: "import { createRequire as __logsiftRequire } from 'node:module';\nconst require = __logsiftRequire(import.meta.url);" },
  logLevel: 'warning',
};

// A fresh folder: chunks of earlier builds (hashed names) would pile up, and a stale file could hide a wrong path.
rmSync(common.outdir, { recursive: true, force: true });

// The command line as one CommonJS script, which (unlike ES modules, in Node 20) can run from V8's code cache.
// import.meta.url becomes the script's own URL: the relative URLs above hold from it as from any file here.
await build({
  ...common,
  entryPoints: { logsift: 'dist/src/cli/bin.js', 'producer-thread': 'dist/src/engine/producer-thread.js' },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__logsiftScriptUrl' },
  // The queue's packages, needed by cluster runs only, are required from node_modules when one starts: inside
  // the script, V8 would parse them (1.3 MB) at every start, and their functions took 9 MB of the heap.
  external: ['bullmq', 'ioredis'],
  // import() of what stays outside (Node's own modules, loaded only when needed) as require(): a script run by
  // node:vm has no loader for import() of its own (Node 20 asks for an experimental callback, and drops it for
  // a script from a code cache).
  supported: { 'dynamic-import': false },
  banner: { js: "const __logsiftScriptUrl = require('node:url').pathToFileURL(__filename).href;" },
});
// The entries Node starts (the executable, each producer, the gzip and cluster threads) are CommonJS too, as
// .js files in a folder whose package.json says so: Node's ES module loader, which an ES entry starts, costs
// each of them some 6 ms (an empty .mjs against an empty .cjs, hyperfine), the producers' on their way to work.
const commonJs = {
  ...common,
  format: 'cjs',
  define: { 'import.meta.url': '__logsiftScriptUrl' },
  banner: { js: "const __logsiftScriptUrl = require('node:url').pathToFileURL(__filename).href;" },
};
await build({ ...commonJs, entryPoints: { logsift: 'dist/src/cli/launch.js', 'producer-thread': 'dist/src/cli/launch.js' } });
// The thread that inflates gzip beside a producer (inputs/decompress.ts finds it as ./inflate-thread.js).
await build({ ...commonJs, entryPoints: { 'inflate-thread': 'dist/src/inputs/inflate-thread.js' } });
// A cluster worker's scanning thread (cluster/scan-threads.ts finds it as ./scan-thread.js).
await build({ ...commonJs, entryPoints: { 'scan-thread': 'dist/src/cluster/scan-thread.js' } });
writeFileSync(join(common.outdir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);

// The report page runs in a browser, from a file, with no network: one script, minified, for current browsers.
await build({
  entryPoints: ['report/page.ts'],
  outfile: 'dist/report/page.js',
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16.4'],
  logLevel: 'warning',
});
const reportStyle = readFileSync('node_modules/uplot/dist/uPlot.min.css', 'utf8') + '\n' + readFileSync('report/page.css', 'utf8');
writeFileSync('dist/report/page.css', reportStyle);

// The code cache: the executable writes it as a run on the sample log ends (the functions that run compiled are
// in it). Made by this Node: another Node, or other V8 flags, refuse it and compile the script as usual.
const cacheDir = mkdtempSync(join(tmpdir(), 'logsift-code-cache-'));
try {
  execFileSync(process.execPath, ['dist/bundle/cli/logsift.js', '--input', 'data/sample.log', '--output', join(cacheDir, 'out.csv'), '--no-progress'], {
    env: { ...process.env, LOGSIFT_MAKE_CODE_CACHE: '1', LOGSIFT_TRACE: '' },
    stdio: 'ignore',
  });
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
