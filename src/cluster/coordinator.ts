// The coordinator of a cluster run (this file is its side; cluster/worker.ts is the workers'). It does what a
// local run does before and after the producers: resolve the options, resolve and probe the inputs, plan the
// tasks (planTasks), and be the single consumer (createConsumer, mergePartial, finish). In between, instead of
// producer threads, it puts one BullMQ job per task on the queue and merges each job's partials as the job
// completes. Its result is the local run's, byte for byte, for every option.
//
// A job carries its task, its file's identity and the run's options (cluster/job-payload.ts). A worker stores
// the encoded partials in Redis and returns their keys; BullMQ acknowledges the job when that returns. The
// coordinator then reads the partials, decodes them (tables/partial-codec.ts checks the bytes), merges them,
// and deletes them and the job. With an HTML report, a third read (pass 3) goes the same way: the reported keys
// stored once under the run, each job's report partial checked (tables/report-codec.ts) and merged here. Exactly once: a job id is deterministic and the coordinator merges each id at
// most once, whatever number of workers scanned it (a worker killed mid-job: its job is taken over after the
// lock expires; one killed after storing its partials: the next one stores the same bytes under the same keys).
//
// Faults end the run with one line: a job failed (its message names the worker's host and the path), Redis
// unreachable for REDIS_LOST_MS, a job or partial Redis no longer has (a restart without persistence). Nothing
// is ever counted from a job that did not complete. On every way out, the run's jobs and partials are removed.

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { LogsiftError } from '../base/errors.js';
import { mark } from '../base/trace.js';
import { createConsumer, firstPass, SECOND_PASS, type ConsumedRun, type Consumer, type ReadPass } from '../consumer/consumer.js';
import { probeInputs } from '../inputs/probe.js';
import { resolveInputs } from '../inputs/resolve.js';
import type { EngineOptions } from '../options/internal-options.js';
import { resolveOptions } from '../options/run-spec.js';
import { planTasks } from '../plan/plan-tasks.js';
import type { Task } from '../plan/tasks.js';
import { keepsTops, reportConfigOf } from '../scan/report-scanner.js';
import { decodePartial } from '../tables/partial-codec.js';
import { decodeReportPartial } from '../tables/report-codec.js';
import type { ReportData } from '../tables/report-data.js';
import { ReportParts } from '../tables/report-partial.js';
import type { AnalyzeResult } from '../tables/result.js';
import { countJob, emptyReport, type ClusterReport } from './cluster-report.js';
import { fileIdentity, type FileIdentity } from './file-identity.js';
import {
  encodeReportKeys, jobIdOf, JOB_VERSION, partialKeyPrefix, reportKeysKey, runAliveKey, scanOptionsOf, validateJobResult, type JobPayload, type JobResult,
} from './job-payload.js';
import { checkRedis, KEY_PREFIX, QUEUE_NAME, reasonOf, withDeadline, type RedisTarget } from './redis-connection.js';

/** Target size of one job's byte range, unless the run sets --range-bytes (README: "Cluster", the model). */
export const CLUSTER_RANGE_BYTES = 128 * 1024 * 1024;
/** Redis out of reach this long during a run ends it (a restart that comes back sooner is ridden out). */
export const REDIS_LOST_MS = 10_000;
/** How often the coordinator looks at jobs it heard nothing of (a lost event, a lost job). */
const SWEEP_MS = 1000;
/** Jobs looked at per sweep. */
const SWEEP_JOBS = 50;
/** The run's alive key lives this long; the coordinator refreshes it well before. */
const ALIVE_TTL_MS = 60_000;
/** Cleaning up (jobs, partials) never holds an exit longer than this. */
const CLEANUP_MS = 3000;

export interface ClusterRun {
  readonly result: AnalyzeResult;
  readonly cluster: ClusterReport;
}

/** The session of the run in progress, so that an interrupt can clean it up. */
let current: ClusterSession | undefined;

/** Removes the current run's jobs and partials (Ctrl-C); resolves within CLEANUP_MS whatever Redis does. */
export async function cancelClusterRun(): Promise<void> {
  await current?.close();
}

/** analyze(options), its tasks scanned by the workers of the queue at `redis`. */
export async function analyzeOnCluster(options: EngineOptions, redis: RedisTarget): Promise<ClusterRun> {
  const started = performance.now();
  const spec = resolveOptions(options);
  const resolved = await resolveInputs(spec.inputs, { skipUnreadable: spec.skipUnreadable });
  const pipe = resolved.inputs.find((input) => input.kind === 'pipe');
  if (pipe) {
    throw new LogsiftError(`--redis reads files on a shared volume; ${pipe.path === '-' ? 'stdin' : pipe.path} is a pipe, which other machines cannot read`);
  }
  await checkRedis(redis);
  mark('cluster redis checked');
  const { files, skipped: unreadable, relays } = await probeInputs(resolved.inputs, spec);
  for (const relay of relays.values()) relay.stop();
  const skipped = [...resolved.skipped, ...unreadable];
  if (files.length === 0) throw new LogsiftError(`no input could be read (${skipped.map((s) => s.path).join(', ')})`);
  // Ranges larger than a local run's: every job's partial is stored, fetched and merged on its own (a local
  // producer keeps one table across its tasks), so fewer, bigger jobs keep Redis and the consumer out of the way.
  const rangeBytes = options.rangeBytes ?? CLUSTER_RANGE_BYTES;
  const tasks = planTasks(files, { producers: spec.threads, rangeBytes });
  const identities = files.map((file) => fileIdentity(file.path));
  const run: ConsumedRun = { spec, files, skipped, tasks, started };

  mark('cluster planned');
  const session = new ClusterSession(redis, randomBytes(8).toString('hex'));
  current = session;
  try {
    await session.open();
    mark('cluster session open');
    const read = (pass: ReadPass): Promise<Consumer> => session.read(run, pass, options, identities);
    let consumer = await read(firstPass(run));
    // Folded windows found the input out of time order: read it all again, keeping every instant (as analyze does).
    if (consumer.needsAnotherPass) consumer = await read(SECOND_PASS);
    const result = consumer.finish();
    if (!spec.report) return { result, cluster: session.report };
    const report = await session.readReport(run, consumer, result, options, identities);
    mark('cluster report read');
    return { result: { ...result, report }, cluster: session.report };
  } finally {
    mark('cluster run done');
    await session.close();
    mark('cluster cleaned up');
    current = undefined;
  }
}

/** One run's queue, events and jobs in Redis. */
class ClusterSession {
  readonly report: ClusterReport;
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly client: Redis;
  private readonly jobIds = new Set<string>();
  private lostSince: number | undefined;
  private sweepCursor = 0;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly redis: RedisTarget,
    readonly run: string,
  ) {
    this.report = emptyReport(run);
    // Commands fail after a few retries instead of waiting forever for a Redis that is gone.
    const connection = { ...redis.options, maxRetriesPerRequest: 3 };
    this.queue = new Queue(QUEUE_NAME, { connection, prefix: KEY_PREFIX });
    this.events = new QueueEvents(QUEUE_NAME, { connection: { ...redis.options, maxRetriesPerRequest: null }, prefix: KEY_PREFIX });
    this.client = new Redis(connection);
    // Errors are watched through the client's status below (and commands that fail).
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
    this.client.on('error', () => undefined);
    this.client.on('close', () => (this.lostSince ??= Date.now()));
    this.client.on('ready', () => (this.lostSince = undefined));
  }

  async open(): Promise<void> {
    await withDeadline(Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]), REDIS_LOST_MS).catch((error: unknown) => {
      throw new LogsiftError(`cannot reach Redis at ${this.redis.display}: ${reasonOf(error)}`);
    });
    await this.client.set(runAliveKey(this.run), '1', 'PX', ALIVE_TTL_MS);
  }

  /** One read of every input through the queue; resolves with the consumer once every job is merged. */
  async read(run: ConsumedRun, pass: ReadPass, options: EngineOptions, identities: readonly FileIdentity[]): Promise<Consumer> {
    const consumer = createConsumer(run, pass);
    const base = { v: JOB_VERSION as typeof JOB_VERSION, run: this.run, pass: pass.pass as 1 | 2, foldWindows: pass.foldWindows, options: scanOptionsOf(options) };
    await this.runJobs(run, run.tasks, base, identities, async (payload, result) => {
      for (const bytes of await this.fetchPartials(result, payload)) consumer.mergePartial(decodeOrFail(bytes, payload));
      consumer.addStats(result.stats);
      if (result.streamed) consumer.streamed(result.streamed);
    });
    return consumer;
  }

  /**
   * The HTML report's read: the run's tasks again as jobs of pass 3, the reported keys stored once (not in every
   * job), each job's report partial checked (tables/report-codec.ts) and merged here, the single consumer.
   */
  async readReport(run: ConsumedRun, consumer: Consumer, result: AnalyzeResult, options: EngineOptions, identities: readonly FileIdentity[]): Promise<ReportData> {
    const config = reportConfigOf(run.spec, result, consumer.newest);
    const expected = { lanes: config.statusColumns.length, groupCount: config.keyEnds.length, tops: keepsTops(config) };
    const parts = new ReportParts(expected.lanes, expected.groupCount, expected.tops);
    await this.client.set(reportKeysKey(this.run), encodeReportKeys(config.keyBytes, config.keyEnds), 'PX', ALIVE_TTL_MS * 60);
    const report = { groups: expected.groupCount, keyBytes: config.keyBytes.length, ...(config.newest !== undefined ? { newest: config.newest } : {}) };
    const base = { v: JOB_VERSION as typeof JOB_VERSION, run: this.run, pass: 3 as const, foldWindows: false, options: scanOptionsOf(options), report };
    const tasks = run.tasks.map((task) => (task.kind === 'stream' ? { ...task, format: result.summary.inputs[task.input].format } : task));
    await this.runJobs(run, tasks, base, identities, async (payload, jobResult) => {
      for (const bytes of await this.fetchPartials(jobResult, payload)) {
        try {
          parts.merge(decodeReportPartial(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), expected));
        } catch (error) {
          throw new LogsiftError(`a worker stored a malformed report partial for ${payload.task.path}: ${(error as Error).message}`);
        }
      }
    });
    await this.client.del(reportKeysKey(this.run));
    return parts.data();
  }

  /** Every task as one job; `mergeJob` takes each completed job's result, once, one job at a time. */
  private runJobs(
    run: ConsumedRun,
    tasks: readonly Task[],
    base: Omit<JobPayload, 'task' | 'identity'>,
    identities: readonly FileIdentity[],
    mergeJob: (payload: JobPayload, result: JobResult) => Promise<void>,
  ): Promise<void> {
    const pending = new Map<string, JobPayload>();
    for (const task of tasks) {
      const payload: JobPayload = { ...base, task: { ...task, path: resolve(task.path) }, identity: identities[task.input] };
      pending.set(jobIdOf(payload), payload);
    }
    const totalBytes = run.files.reduce((sum, file) => sum + file.size, 0);
    let doneBytes = 0;
    const onProgress = run.spec.onProgress;

    return new Promise<void>((resolveRead, rejectRead) => {
      let failed = false;
      let lastHeard = Date.now();
      let added = false;
      let merging = Promise.resolve();
      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        stop();
        rejectRead(error instanceof LogsiftError ? error : new LogsiftError(`cluster run failed: ${reasonOf(error)}`));
      };
      // Merges one completed job, once: the single consumer, one job at a time.
      const take = (jobId: string): void => {
        merging = merging.then(async () => {
          const payload = pending.get(jobId);
          if (failed || !payload) return;
          pending.delete(jobId);
          await this.merge(jobId, payload, mergeJob);
          mark('cluster job merged');
          doneBytes += payload.task.kind === 'range' ? payload.task.end - payload.task.start : payload.task.size;
          onProgress?.(doneBytes, totalBytes);
          if (pending.size === 0) {
            stop();
            resolveRead();
          }
        }).catch(fail);
      };
      const onCompleted = ({ jobId }: { jobId: string }): void => {
        lastHeard = Date.now();
        if (pending.has(jobId)) take(jobId);
      };
      const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }): void => {
        lastHeard = Date.now();
        if (!pending.has(jobId)) return;
        // A job with attempts left goes back to the queue; only one that is failed for good ends the run.
        void this.queue.getJobState(jobId).then((state) => {
          if (state === 'failed') fail(jobFailure(pending.get(jobId), failedReason));
        }, fail);
      };
      this.events.on('completed', onCompleted);
      this.events.on('failed', onFailed);
      const sweeper = setInterval(() => {
        if (this.lostSince !== undefined && Date.now() - this.lostSince > REDIS_LOST_MS) {
          fail(new LogsiftError(`lost Redis at ${this.redis.display} for over ${REDIS_LOST_MS / 1000} s; no result written`));
          return;
        }
        void this.client.set(runAliveKey(this.run), '1', 'PX', ALIVE_TTL_MS).catch(() => undefined);
        // Not before every job is in Redis: a job not added yet would look vanished (seen under load).
        if (!added || Date.now() - lastHeard < SWEEP_MS || this.lostSince !== undefined) return;
        lastHeard = Date.now();
        void this.sweep(pending, take, fail).catch(() => undefined); // a sweep that cannot reach Redis waits for the next
      }, SWEEP_MS);
      const stop = (): void => {
        clearInterval(sweeper);
        this.events.off('completed', onCompleted);
        this.events.off('failed', onFailed);
      };
      const jobs = [...pending].map(([jobId, data]) => ({
        name: 'scan',
        data,
        opts: { jobId, attempts: 2, backoff: { type: 'fixed', delay: 500 }, removeOnComplete: { age: 3600 }, removeOnFail: { age: 3600 } },
      }));
      for (const { opts } of jobs) this.jobIds.add(opts.jobId);
      this.queue.addBulk(jobs).then(() => {
        added = true;
        lastHeard = Date.now();
        mark('cluster jobs added');
      }, fail);
    });
  }

  /** Jobs no event told of: completed ones are merged, failed ones end the run, vanished ones too. */
  private async sweep(pending: ReadonlyMap<string, JobPayload>, take: (jobId: string) => void, fail: (error: unknown) => void): Promise<void> {
    // A few jobs per sweep, in turn: a run of thousands of long jobs must not ask Redis for every one each second.
    const jobs = [...pending];
    const from = this.sweepCursor % Math.max(1, jobs.length);
    const batch = [...jobs.slice(from), ...jobs.slice(0, from)].slice(0, SWEEP_JOBS);
    this.sweepCursor = from + batch.length;
    for (const [jobId, payload] of batch) {
      const state = await this.queue.getJobState(jobId);
      if (state === 'completed') take(jobId);
      else if (state === 'failed') {
        const job = await Job.fromId(this.queue, jobId);
        fail(jobFailure(payload, job?.failedReason ?? 'failed'));
      } else if (state === 'unknown') {
        fail(new LogsiftError(`Redis no longer has the job for ${payload.task.path} (was it restarted without persistence?); no result written`));
      }
    }
  }

  /** Reads a completed job's result, has it merged, and deletes its partials and the job. */
  private async merge(jobId: string, payload: JobPayload, mergeJob: (payload: JobPayload, result: JobResult) => Promise<void>): Promise<void> {
    const job = await Job.fromId(this.queue, jobId);
    if (!job) throw new LogsiftError(`Redis no longer has the job for ${payload.task.path} (was it restarted?); no result written`);
    const result = validateJobResult(job.returnvalue, payload, jobId);
    const started = performance.now();
    await mergeJob(payload, result);
    this.report.mergeMs += performance.now() - started;
    countJob(this.report, result);
    if (result.partialKeys.length > 0) await this.client.del(...result.partialKeys);
    await job.remove().catch(() => undefined);
  }

  /** A job's partials as stored, each checked for its announced size. */
  private async fetchPartials(result: JobResult, payload: JobPayload): Promise<Buffer[]> {
    const batch = this.client.pipeline();
    for (const key of result.partialKeys) batch.getBuffer(key);
    const replies = result.partialKeys.length > 0 ? ((await batch.exec()) ?? []) : [];
    return replies.map(([error, bytes], i) => {
      if (error || !(bytes instanceof Buffer) || bytes.length !== result.partialBytes[i]) {
        throw new LogsiftError(`a partial of ${payload.task.path} is missing from Redis (expired, or Redis restarted); no result written`);
      }
      return bytes;
    });
  }

  /** Removes what the run left in Redis (its jobs, partials and alive key) and disconnects; at most CLEANUP_MS. */
  close(): Promise<void> {
    return (this.closing ??= this.cleanUp());
  }

  private async cleanUp(): Promise<void> {
    const removeAll = async (): Promise<void> => {
      if (this.client.status === 'ready') {
        await this.client.del(runAliveKey(this.run), reportKeysKey(this.run));
        await Promise.all([...this.jobIds].map((id) => this.queue.remove(id).catch(() => undefined)));
        let cursor = '0';
        do {
          const [next, keys] = await this.client.scan(cursor, 'MATCH', `${partialKeyPrefix(this.run)}*`, 'COUNT', 1000);
          if (keys.length > 0) await this.client.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      }
    };
    await withDeadline(removeAll(), CLEANUP_MS).catch(() => undefined);
    await withDeadline(this.client.quit(), 500).catch(() => this.client.disconnect());
    await withDeadline(Promise.all([this.queue.close(), this.events.close()]), CLEANUP_MS).catch(() => undefined);
  }
}

function decodeOrFail(bytes: Buffer, payload: JobPayload): ReturnType<typeof decodePartial> {
  try {
    return decodePartial(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new LogsiftError(`a worker stored a malformed partial for ${payload.task.path}: ${(error as Error).message}`);
  }
}

function jobFailure(payload: JobPayload | undefined, reason: string): LogsiftError {
  const text = reason.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 500);
  return new LogsiftError(`a worker failed on ${payload?.task.path ?? 'a job'}: ${text}`);
}
