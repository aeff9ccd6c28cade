// Bundles the command line and the producer worker, each into one file, from tsc's output (npm run build).
//
// Why: start-up is a fixed cost of every run, and most of it was module loading: Node's ES module loader
// resolves, reads and compiles each of ~60 files one by one, in the main thread and again in every worker.
// One file each loads in a fraction of that (LOGSIFT_TRACE=1 shows the timeline). Modules imported lazily
// stay lazy: esbuild evaluates them on first import, it only parses them up front.
//
// The bundles sit in dist/bundle/cli/, at the same depth as dist/src/cli/, so that the relative URLs the code
// uses (../../../package.json from the CLI, ../../kernel/clf.wasm from the kernel glue, ./producer.js from
// the pool) point at the same files from both. The library (dist/src/index.js) is not bundled.

import { build } from 'esbuild';

await build({
  entryPoints: { main: 'dist/src/cli/main.js', producer: 'dist/src/engine/producer.js' },
  outdir: 'dist/bundle/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // CommonJS packages (commander ...) call require() for Node's modules; an ES module has no require of its own.
  banner: { js: "import { createRequire as __logsiftRequire } from 'node:module';\nconst require = __logsiftRequire(import.meta.url);" },
  logLevel: 'warning',
});
