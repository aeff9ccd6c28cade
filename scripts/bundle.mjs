// Bundles the command line and the producer worker from tsc's output (npm run build).
//
// Why: start-up is a fixed cost of every run, and most of it was module loading: Node's ES module loader
// resolves, reads and compiles each of ~60 files one by one, in the main thread and again in every worker.
// A bundle loads in a fraction of that (LOGSIFT_TRACE=1 shows the timeline).
//
// - logsift.js, the executable (cli/bin.ts): a few lines that start the producers, then import the command
//   line, which esbuild splits into a chunk of its own so that the workers start before it is even parsed.
// - producer-thread.js, the worker (engine/producer-thread.ts): one file, nothing shared with the command line's chunks.
//
// - report/page.js and page.css, the HTML report's script (report/page.ts with uPlot, the chart library) and
//   style (uPlot's, then report/page.css), which sinks/html-report.ts inlines into every report.
//
// Everything sits in dist/bundle/cli/, at the same depth as dist/src/cli/, so that the relative URLs the code
// uses (../../../package.json from the command line, ../../kernel/clf.wasm from the kernel glue, ./producer-thread.js
// for the workers) point at the same files from both. The library (dist/src/index.js) is not bundled.


import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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

await build({ ...common, entryPoints: { logsift: 'dist/src/cli/bin.js' }, splitting: true, chunkNames: '[name]-[hash]' });
await build({ ...common, entryPoints: { 'producer-thread': 'dist/src/engine/producer-thread.js' } });
// The thread that inflates gzip beside a producer (inputs/decompress.ts finds it as ./inflate-thread.js).
await build({ ...common, entryPoints: { 'inflate-thread': 'dist/src/inputs/inflate-thread.js' } });
// A cluster worker's scanning thread (cluster/scan-threads.ts finds it as ./scan-thread.js).
await build({ ...common, entryPoints: { 'scan-thread': 'dist/src/cluster/scan-thread.js' } });

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
