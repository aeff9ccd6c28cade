#!/usr/bin/env node
// The executable. It starts the producer workers before anything else, so that they load their code while this
// thread loads the command line and plans the work (engine/workers.ts); then it runs the command line.
// How many: a quick look for --threads here, the full parse later decides; a wrong guess costs one worker
// started for nothing, or one started late.

import { availableParallelism } from 'node:os';
import { startProducers } from '../engine/workers.js';
import { threadsFromArgs } from './threads.js';

// A reader that goes away (`logsift | head`) is not an error: the CSV is already saved. (Set before the workers
// start: each pipes its output into stdout, and a listener added after ten of them draws Node's leak warning.)
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`logsift: error: cannot write to stdout: ${error.message}\n`);
  process.exit(1);
});

// No more than the cores: workers beyond them would not start any sooner, only slow the others down (and a
// run may need fewer: a small file is cut into fewer ranges than a --threads 12 asks for).
const threads = threadsFromArgs(process.argv.slice(2));
if (threads !== undefined) startProducers(Math.min(threads, availableParallelism()));
await import('./main.js');
