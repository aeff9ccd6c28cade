// The executable's work (cli/launch.ts runs it, bundled): it starts the producer workers before anything else,
// so that they load their code while this thread loads the command line and plans the work
// (engine/producer-threads.ts); then it runs the command line.

import { startProducers } from '../engine/producer-threads.js';
import { earlyStart } from './threads.js';

// A reader that goes away (`logsift | head`) is not an error: the CSV is already saved. (Set before the workers
// start: each pipes its output into stdout, and a listener added after ten of them draws Node's leak warning.)
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`logsift: error: cannot write to stdout: ${error.message}\n`);
  process.exit(1);
});

if (process.argv[2] === 'worker') {
  // A cluster's worker process (cli/worker-command.ts): it scans on threads of its own, not the producers.
  void import('./worker-command.js');
} else {
  // The producers worth starting now (cli/threads.ts: no more than the cores, nor than a small file's ranges);
  // none for a cluster run, whose tasks the workers scan.
  const args = process.argv.slice(2);
  const cluster = args.some((arg) => arg === '--redis' || arg.startsWith('--redis=')) || (process.env.LOGSIFT_REDIS ?? '') !== '';
  const early = cluster ? undefined : earlyStart(args);
  if (early && early.producers > 0) startProducers(early.producers, { inflateAside: early.inflateAside });
  void import('./main.js');
}
