// Worker threads that Node 20 can end without aborting the process.
//
// Node 20 takes a worker's isolate off its platform before it disposes of the isolate (node_worker.cc,
// ~WorkerThreadData: UnregisterIsolate, then Dispose; later versions do the two the other way round). A
// TurboFan job still optimizing a function of that worker on a background thread may, in that window, need a
// garbage collection and ask the platform for the isolate's task runner, which is gone: "Assertion failed:
// (data.first) != nullptr" in NodePlatform::ForIsolate, and the whole process aborts. A producer ends right
// after its last partial, while its hottest functions may still be compiling; the test suite, with its
// thousands of short runs, met it. With --no-concurrent-recompilation an isolate made afterwards has no
// background compiler: it optimizes on its own thread, so nothing of its own runs elsewhere when it ends. On
// two cores that background compiler took a core from the other producer anyway: the 1 GiB default run, Caddy
// JSON and W3C take as long without it (hyperfine -N, against the same build with it).
//
// V8 reads the flag when it makes an isolate, so it is set once, before the first worker; isolates made
// before (the main thread's) keep their background compiler.

import { setFlagsFromString } from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';

let flagSet = false;

/**
 * V8's interrupt budget (how much of a function's bytecode runs before V8 considers optimizing it) for a run
 * over many small files: eight times the default (67,584). Each producer there runs its detection and task
 * code a few hundred times, once a file; at the default budget TurboFan compiled that code (some 40 ms a
 * producer on 1,000 files, --trace-opt) for calls that then ran a few hundred times more. Loops that run long
 * are optimized all the same, a little later.
 */
const MANY_FILES_INTERRUPT_BUDGET = 8 * 67_584;

/**
 * Optimizes later from now on, in every thread (a flag of the process): for a run over many small files, set by
 * the command line (the library's process is its user's) once its producers have loaded their code. V8 checks
 * its flags against a code cache's: set while a thread still loaded its code, it made that thread refuse its
 * cache (made under the default flags) and compile its script as usual.
 */
export function optimizeLater(): void {
  setFlagsFromString(`--interrupt-budget=${MANY_FILES_INTERRUPT_BUDGET}`);
}

/** A worker thread (as `new Worker`) whose isolate optimizes on its own thread, so that it can end at any time. */
export function startThread(url: URL, options?: WorkerOptions): Worker {
  if (!flagSet) {
    setFlagsFromString('--no-concurrent-recompilation');
    flagSet = true;
  }
  return new Worker(url, options);
}
