// `logsift worker`: the command line of a cluster's worker process (cluster/worker.ts does the work). It runs
// until SIGTERM or SIGINT, then stops taking jobs, finishes the ones it holds and exits 0; a second signal
// exits at once (the jobs it held are taken over by other workers once their locks expire).

import { availableParallelism } from 'node:os';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { LogsiftError } from '../base/errors.js';

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a positive integer.');
  }
  return Number(value);
}

interface WorkerFlags {
  redis?: string;
  threads: number;
  concurrency?: number;
  root?: string[];
  lockMs: number;
}

function buildWorkerProgram(): Command {
  return new Command('logsift worker')
    .description('Take scanning jobs of cluster runs (logsift --redis) from the queue, until stopped (SIGTERM, Ctrl-C).')
    .option('--redis <url>', 'the Redis of the queue: redis://[user:pass@]host:port[/db] or rediss:// (env LOGSIFT_REDIS)')
    .option('-t, --threads <n>', `scanning threads (default: one per CPU, ${availableParallelism()} here)`, positiveInteger, availableParallelism())
    .option('--concurrency <n>', 'jobs held at once (default: the threads)', positiveInteger)
    .option('--root <dir...>', 'read only files under these folders, symlinks resolved (default: the current folder)')
    .option('--lock-ms <ms>', "how long a job stays locked without renewal: a dead worker's jobs are taken over after about twice this", positiveInteger, 30_000)
    .addHelpText('after', `
Every machine must see the logs at the same absolute path (a shared volume). A job whose file differs here
(size, mtime, or its first and last 4 KiB) or lies outside --root fails with a message naming this host.`)
    .exitOverride()
    .configureOutput({ outputError: (message, write) => write(`logsift: ${message.trim().replace(/\s*\n\s*/g, ' ')}\n`) })
    .allowExcessArguments(false);
}

async function main(argv: readonly string[]): Promise<void> {
  const program = buildWorkerProgram();
  program.parse(argv, { from: 'user' });
  const flags = program.opts<WorkerFlags>();
  const url = flags.redis ?? (process.env.LOGSIFT_REDIS || undefined);
  if (url === undefined) throw new LogsiftError('logsift worker needs --redis <url> (or LOGSIFT_REDIS)');
  const [{ parseRedisUrl }, { startWorker }] = await Promise.all([import('../cluster/redis-connection.js'), import('../cluster/worker.js')]);
  const log = (line: string): void => void process.stderr.write(`logsift worker: ${line}\n`);
  const worker = await startWorker({
    redis: parseRedisUrl(url),
    threads: flags.threads,
    concurrency: flags.concurrency,
    roots: flags.root ?? [process.cwd()],
    lockMs: flags.lockMs,
    log,
  });
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      stopping = true;
      log(`${signal}: finishing the jobs held, then stopping`);
      void worker.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main(process.argv.slice(3)).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`logsift: error: ${message}\n`);
  if (!(error instanceof LogsiftError) && process.env.LOGSIFT_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  process.exitCode = 1;
});
