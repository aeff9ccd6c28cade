// `logsift worker`: a long-running process on each machine of a cluster (this file is the worker process's
// side; cluster/coordinator.ts is the coordinator's). It takes jobs from the BullMQ queue, each one task of a
// run (cluster/job-payload.ts), and for each:
//
//   1. validates the payload (a malformed one fails that job only; the worker goes on),
//   2. checks that the run is still alive, that the path lies under a --root once resolved, and that the file
//      has the identity the coordinator saw (size, mtime, hash of its ends): else the job fails, naming this
//      host and the path, and the coordinator stops with that error,
//   3. scans the task on one of its scanning threads with scanTask (the seam every driver shares), or for the
//      HTML report's read (pass 3) with scanReportTask, the run's reported keys fetched once per run,
//   4. stores the encoded partials in Redis under the run (with a TTL: a coordinator that died leaves nothing
//      for long) and returns their keys; BullMQ acknowledges the job when the processor returns.
//
// A worker that dies mid-job (kill -9) holds the job's lock until it expires (--lock-ms); another worker's
// stall check then puts the job back and it is scanned again. Partials it stored are overwritten with the same
// bytes under the same keys; the coordinator merges each job at most once, so nothing counts twice.

import { hostname } from 'node:os';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { LogsiftError } from '../base/errors.js';
import { fileIdentity, identityDifference } from './file-identity.js';
import {
  decodeReportKeys, partialKeyPrefix, reportConfigOfJob, reportKeysKey, runAliveKey, scanConfigOf, validateJobPayload, JOB_VERSION, type JobPayload, type JobResult,
} from './job-payload.js';
import { KEY_PREFIX, QUEUE_NAME, checkRedis, type RedisTarget } from './redis-connection.js';
import { ScanThreads } from './scan-threads.js';
import { pathUnderRoots, resolveRoots } from './worker-roots.js';

/** How long a worker holds a job without renewing its lock before another may take it over. */
export const DEFAULT_LOCK_MS = 30_000;
/** A stored partial lives this long unless merged (and deleted) first. */
export const PARTIAL_TTL_MS = 15 * 60_000;
/** A job stalled more often than this fails, rather than killing worker after worker. */
const MAX_STALLED = 3;

export interface WorkerOptions {
  readonly redis: RedisTarget;
  /** Scanning threads. */
  readonly threads: number;
  /** Jobs held at once (default: one per thread). */
  readonly concurrency?: number;
  /** Folders this worker may read under (default: the current folder). */
  readonly roots: readonly string[];
  readonly lockMs?: number;
  /** Where the worker says what it does: one line per event. */
  readonly log: (line: string) => void;
}

export interface RunningWorker {
  /** Stops taking jobs, finishes the ones it holds, and disconnects. */
  close(): Promise<void>;
}

/** Starts a worker; resolves once it is connected and waiting for jobs. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const roots = resolveRoots(options.roots);
  await checkRedis(options.redis);
  const host = hostname();
  const name = `${host}:${process.pid}`;
  const threads = new ScanThreads(options.threads);
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  // Commands of a job (the run check, storing partials) wait for a reconnect rather than fail at once.
  const store = new Redis({ ...options.redis.options, maxRetriesPerRequest: 20 });
  store.on('error', () => undefined); // ioredis reconnects by itself; a job that cannot store fails instead
  const hooks = testHooks();
  const reportKeys = new ReportKeys(store, host);

  const processJob = async (job: Job): Promise<JobResult> => {
    const started = performance.now();
    let payload: JobPayload;
    try {
      payload = validateJobPayload(job.data);
    } catch (error) {
      throw refuse(error, `${host}: `);
    }
    const { task, run } = payload;
    if ((await store.exists(runAliveKey(run))) === 0) throw new UnrecoverableError(`${host}: the run of this job has ended`);
    // The command line's checks of the options; a report job's keys are fetched once per run.
    const storedKeys = payload.report ? await reportKeys.of(run) : undefined;
    const config = payload.report
      ? { report: guard(() => reportConfigOfJob(payload, decodeReportKeys(storedKeys!, payload.report!)), `${host}: `) }
      : guard(() => scanConfigOf(payload), `${host}: `);
    const path = guard(() => pathUnderRoots(task.path, roots), `${host}: `);
    const found = guard(() => fileIdentity(path), `${host}: `);
    const difference = identityDifference(payload.identity, found);
    if (difference) {
      throw new UnrecoverableError(`${host}: ${task.path} is not the file the coordinator planned (${difference}): is the volume shared, the log rotated?`);
    }
    if (hooks.scanDelayMs > 0) await sleep(hooks.scanDelayMs);
    const scanned = await threads.scan({ ...task, path }, config).catch((error: unknown) => {
      throw error instanceof LogsiftError ? new UnrecoverableError(`${host}: ${task.path}: ${error.message}`) : error;
    });
    // A run interrupted meanwhile (Ctrl-C of its coordinator) wants nothing stored any more.
    if ((await store.exists(runAliveKey(run))) === 0) throw new UnrecoverableError(`${host}: the run of this job has ended`);
    const prefix = `${partialKeyPrefix(run)}${job.id}:`;
    const partialKeys = scanned.partials.map((_, i) => `${prefix}${i}`);
    if (partialKeys.length > 0) {
      const batch = store.multi();
      scanned.partials.forEach((partial, i) => batch.set(partialKeys[i], Buffer.from(partial.buffer, partial.byteOffset, partial.byteLength), 'PX', PARTIAL_TTL_MS));
      await batch.exec();
    }
    if (hooks.ackDelayMs > 0) await sleep(hooks.ackDelayMs);
    return {
      v: JOB_VERSION,
      host,
      pid: process.pid,
      partialKeys,
      partialBytes: scanned.partials.map((partial) => partial.byteLength),
      stats: scanned.stats,
      ...(scanned.streamed ? { streamed: scanned.streamed } : {}),
      bytes: task.kind === 'range' ? task.end - task.start : task.size,
      scanMs: performance.now() - started,
      attempts: job.attemptsStarted,
    };
  };

  const worker = new Worker(QUEUE_NAME, processJob, {
    connection: { ...options.redis.options, maxRetriesPerRequest: null },
    prefix: KEY_PREFIX,
    name,
    concurrency: options.concurrency ?? options.threads,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: MAX_STALLED,
    autorun: false,
  });
  worker.on('failed', (job, error) => options.log(`job ${job?.id ?? '?'} failed: ${oneLine(error.message)}`));
  worker.on('error', (error) => options.log(`Redis: ${oneLine(error.message)} (reconnecting)`));
  void worker.run();
  await worker.waitUntilReady();
  options.log(`${name} waiting for jobs on ${options.redis.display} (threads ${options.threads}, roots ${roots.join(', ')})`);
  return {
    async close() {
      await worker.close();
      await threads.close();
      store.disconnect();
    },
  };
}

/** The reported keys of the runs whose report jobs this worker takes: fetched from Redis once per run (the last few kept). */
class ReportKeys {
  private readonly byRun = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly store: Redis,
    private readonly host: string,
  ) {}

  of(run: string): Promise<Buffer> {
    let keys = this.byRun.get(run);
    if (!keys) {
      keys = this.store.getBuffer(reportKeysKey(run)).then((stored) => {
        if (!stored) throw new UnrecoverableError(`${this.host}: Redis no longer has the reported keys of this run`);
        return stored;
      });
      keys.catch(() => this.byRun.delete(run));
      this.byRun.set(run, keys);
      if (this.byRun.size > 4) this.byRun.delete(this.byRun.keys().next().value!);
    }
    return keys;
  }
}

/** A payload or file fault: the job fails for good (retrying cannot help), with the message. */
function refuse(error: unknown, prefix: string): Error {
  if (error instanceof LogsiftError || (error as NodeJS.ErrnoException).code !== undefined) {
    return new UnrecoverableError(`${prefix}${(error as Error).message}`);
  }
  return error as Error;
}

function guard<T>(check: () => T, prefix: string): T {
  try {
    return check();
  } catch (error) {
    throw refuse(error, prefix);
  }
}

function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 500);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Delays the tests use to kill a worker at a chosen moment (while it holds a job; after it stored the partials
 * but before the job is acknowledged). Off unless LOGSIFT_TEST_HOOKS=1 is set as well.
 */
function testHooks(): { scanDelayMs: number; ackDelayMs: number } {
  const env = process.env;
  if (env.LOGSIFT_TEST_HOOKS !== '1') return { scanDelayMs: 0, ackDelayMs: 0 };
  return { scanDelayMs: Number(env.LOGSIFT_TEST_SCAN_DELAY_MS ?? 0) || 0, ackDelayMs: Number(env.LOGSIFT_TEST_ACK_DELAY_MS ?? 0) || 0 };
}
