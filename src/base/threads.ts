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
// two cores that background compiler took a core from the other producer anyway; the default 1 GiB run is as
// fast without it (measured in bench's core family).
//
// V8 reads the flag when it makes an isolate, so it is set once, before the first worker; isolates made
// before (the main thread's) keep their background compiler.

import { setFlagsFromString } from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';

let flagSet = false;

/** A worker thread (as `new Worker`) whose isolate optimizes on its own thread, so that it can end at any time. */
export function startThread(url: URL, options?: WorkerOptions): Worker {
  if (!flagSet) {
    setFlagsFromString('--no-concurrent-recompilation');
    flagSet = true;
  }
  return new Worker(url, options);
}
