// What travels through the queue, and its checks. A job is one task of one read (pass) of a run: the task as
// planned (plan/tasks.ts, with an absolute path), the identity of its file, and the run's analysis options in
// the form users give them, so that a worker makes its scan configuration with the very checks the command
// line runs (options/run-spec.ts `resolveOptions`). Its result is small JSON: the Redis keys of its encoded
// partials (the bytes themselves never go through JSON), its line counts and, for a stream, what it found.
//
// Both directions are untrusted: a worker validates every payload before it opens anything (a malformed one
// fails that job only), and the coordinator validates every result before it reads a partial. Nothing in
// either is ever executed or used as a path without the worker's root check (cluster/worker-roots.ts).

import { LogsiftError } from '../base/errors.js';
import { formatDefinition, type Detection } from '../formats/index.js';
import type { EngineOptions } from '../options/internal-options.js';
import { resolveOptions } from '../options/run-spec.js';
import type { Task } from '../plan/tasks.js';
import type { ReportConfig } from '../scan/report-scanner.js';
import type { ScanConfig } from '../scan/task-scanner.js';
import type { FileStats, ScanStats, StreamReport } from '../tables/line-counts.js';
import type { FileIdentity } from './file-identity.js';
import { KEY_PREFIX } from './redis-connection.js';

/** The payload's version: a worker takes only jobs of its own version. */
export const JOB_VERSION = 1;

/** The options of a run that shape a scan: a subset of the run's options (tuning ones included), as given. */
export type ScanOptions = Pick<
  EngineOptions,
  | 'errorCodes' | 'by' | 'keepQuery' | 'window' | 'since' | 'until' | 'includeIp' | 'excludeIp' | 'format' | 'logFormat'
  | 'jsonFields' | 'w3cFields' | 'clientFrom' | 'chunkBytes' | 'flushGroups' | 'settleEntries' | 'windowFolding' | 'windowSlack' | 'kernel'
>;

const SCAN_OPTION_NAMES = [
  'errorCodes', 'by', 'keepQuery', 'window', 'since', 'until', 'includeIp', 'excludeIp', 'format', 'logFormat',
  'jsonFields', 'w3cFields', 'clientFrom', 'chunkBytes', 'flushGroups', 'settleEntries', 'windowFolding', 'windowSlack', 'kernel',
] as const satisfies readonly (keyof ScanOptions)[];

/** A job of the HTML report's read: where the reported keys are (stored once per run), and the span's settling. */
export interface ReportJob {
  /** Groups reported (the stored keys' count). */
  readonly groups: number;
  /** Bytes of the stored keys (`reportKeysKey`): key bytes, then their ends as i32. */
  readonly keyBytes: number;
  /** With a relative time span: the run's newest instant (a stamp). */
  readonly newest?: number;
}

export interface JobPayload {
  readonly v: typeof JOB_VERSION;
  /** The run's id (hex): job ids and partial keys start with it. */
  readonly run: string;
  /** 1, or 2 when folded windows failed and the inputs are read again; 3 for the HTML report's read. */
  readonly pass: 1 | 2 | 3;
  /** The report's read (pass 3) only. */
  readonly report?: ReportJob;
  /** This read folds windows (consumer/consumer.ts firstPass). */
  readonly foldWindows: boolean;
  readonly options: ScanOptions;
  readonly task: Task;
  readonly identity: FileIdentity;
}

export interface JobResult {
  readonly v: typeof JOB_VERSION;
  /** The worker that scanned it: host name and process id. */
  readonly host: string;
  readonly pid: number;
  /** Redis keys of the encoded partials, in the order they were handed over. */
  readonly partialKeys: readonly string[];
  readonly partialBytes: readonly number[];
  readonly stats: FileStats;
  readonly streamed?: StreamReport;
  /** Bytes read (stored) and how long the scan took. */
  readonly bytes: number;
  readonly scanMs: number;
  /** Times BullMQ handed the job to a worker (more than 1: a worker died or stalled with it). */
  readonly attempts: number;
}

/** The options of `options` a job carries (undefined ones left out, so the payload is the same for equal runs). */
export function scanOptionsOf(options: EngineOptions): ScanOptions {
  const picked: Record<string, unknown> = {};
  for (const name of SCAN_OPTION_NAMES) if (options[name] !== undefined) picked[name] = options[name];
  return picked as ScanOptions;
}

/** The job id: the run, the read, the input, its identity and the range. Deterministic, so a re-added job is one job. */
export function jobIdOf(payload: Pick<JobPayload, 'run' | 'pass' | 'task' | 'identity'>): string {
  const { run, pass, task, identity } = payload;
  const [start, end] = task.kind === 'range' ? [task.start, task.end] : [0, task.size];
  return `${run}-p${pass}-i${task.input}-${identity.edgesHash.slice(0, 12)}-${start}-${end}`;
}

/** Where a job's partials are kept: under the run, so that a cleanup finds them all. */
export function partialKeyPrefix(run: string): string {
  return `${KEY_PREFIX}:run:${run}:partial:`;
}

/** The key that says a run is alive (its coordinator refreshes it); workers skip jobs of a run without it. */
export function runAliveKey(run: string): string {
  return `${KEY_PREFIX}:run:${run}:alive`;
}

/** Where a run's reported keys are stored, once, for the report's jobs. */
export function reportKeysKey(run: string): string {
  return `${KEY_PREFIX}:run:${run}:report-keys`;
}

/** The reported keys as stored: the key bytes, padded to 4, then each key's end (i32). */
export function encodeReportKeys(keyBytes: Uint8Array, keyEnds: Int32Array): Buffer {
  const padded = Math.ceil(keyBytes.length / 4) * 4;
  const out = Buffer.alloc(padded + 4 * keyEnds.length);
  out.set(keyBytes);
  out.set(new Uint8Array(keyEnds.buffer, keyEnds.byteOffset, keyEnds.byteLength), padded);
  return out;
}

/** The stored keys of a report job, checked against it (a key store of another shape is refused). */
export function decodeReportKeys(stored: Uint8Array, job: ReportJob): { keyBytes: Uint8Array; keyEnds: Int32Array } {
  const padded = Math.ceil(job.keyBytes / 4) * 4;
  if (stored.length !== padded + 4 * job.groups) throw malformed('the stored reported keys do not match the job');
  // Copies with buffers of their own (a Buffer's slice is a view of a shared pool).
  const keyBytes = new Uint8Array(stored.subarray(0, job.keyBytes));
  const keyEnds = new Int32Array(new Uint8Array(stored.subarray(padded)).buffer);
  let previous = 0;
  for (const end of keyEnds) {
    if (end < previous || end > job.keyBytes) throw malformed('bad reported keys');
    previous = end;
  }
  if (previous !== job.keyBytes) throw malformed('bad reported keys');
  return { keyBytes, keyEnds };
}

/** A payload that is not what a coordinator sends: its job fails with this message, the worker goes on. */
function malformed(what: string): LogsiftError {
  return new LogsiftError(`malformed job: ${what}`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isIndex = (value: unknown, max = 2 ** 32): value is number => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < max;
const MAX_PATH = 4096;
const isPath = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= MAX_PATH && !value.includes('\0');
const COMPRESSIONS = ['none', 'gzip', 'zstd', 'bzip2'];

/** Checks a payload (any JSON) and gives it typed; every fault is a LogsiftError naming it. */
export function validateJobPayload(data: unknown): JobPayload {
  if (!isObject(data)) throw malformed('not an object');
  if (data.v !== JOB_VERSION) throw malformed(`version ${JSON.stringify(data.v)}, this worker reads ${JOB_VERSION}`);
  if (typeof data.run !== 'string' || !/^[0-9a-f]{8,64}$/.test(data.run)) throw malformed('bad run id');
  if (data.pass !== 1 && data.pass !== 2 && data.pass !== 3) throw malformed('bad pass');
  if (typeof data.foldWindows !== 'boolean') throw malformed('bad foldWindows');
  const identity = validateIdentity(data.identity);
  const task = validateTask(data.task, identity);
  const options = validateScanOptions(data.options);
  let report: ReportJob | undefined;
  if (data.pass === 3) {
    const job = data.report;
    if (!isObject(job) || !isIndex(job.groups, 1 << 30) || !isIndex(job.keyBytes, 2 ** 31)) throw malformed('bad report job');
    if (job.newest !== undefined && (typeof job.newest !== 'number' || !Number.isFinite(job.newest))) throw malformed('bad report job');
    report = { groups: job.groups, keyBytes: job.keyBytes, ...(job.newest !== undefined ? { newest: job.newest } : {}) };
  } else if (data.report !== undefined) throw malformed('a report job of another pass');
  return { v: JOB_VERSION, run: data.run, pass: data.pass, foldWindows: data.foldWindows, options, task, identity, ...(report ? { report } : {}) };
}

function validateIdentity(value: unknown): FileIdentity {
  if (!isObject(value)) throw malformed('no file identity');
  const { size, mtimeMs, edgesHash } = value;
  if (!isIndex(size, Number.MAX_SAFE_INTEGER) || !Number.isSafeInteger(mtimeMs) || typeof edgesHash !== 'string' || !/^[0-9a-f]{64}$/.test(edgesHash)) {
    throw malformed('bad file identity');
  }
  return { size, mtimeMs: mtimeMs as number, edgesHash };
}

function validateTask(value: unknown, identity: FileIdentity): Task {
  if (!isObject(value)) throw malformed('no task');
  const { kind, input, path, format } = value;
  if (!isIndex(input, 1 << 24)) throw malformed('bad input index');
  if (!isPath(path)) throw malformed('bad path');
  if (typeof format !== 'string') throw malformed('bad format');
  if (kind === 'range') {
    const { start, end, state } = value;
    if (!formatDefinition(format)) throw malformed(`unknown format ${JSON.stringify(format.slice(0, 40))}`);
    if (!isIndex(start, Number.MAX_SAFE_INTEGER) || !isIndex(end, Number.MAX_SAFE_INTEGER) || start >= end || end > identity.size) {
      throw malformed('bad byte range');
    }
    if (state !== undefined && (!Array.isArray(state) || state.length > 64 || state.some((line) => typeof line !== 'string' || line.length > 65536))) {
      throw malformed('bad header state');
    }
    return { kind, input, path, start, end, format, ...(state !== undefined ? { state: state as string[] } : {}) };
  }
  if (kind === 'stream') {
    const { from, compression, size } = value;
    if (from !== 'file') throw malformed('a worker reads files only, not pipes');
    if (typeof compression !== 'string' || !COMPRESSIONS.includes(compression)) throw malformed('bad compression');
    if (format !== 'auto' && !formatDefinition(format)) throw malformed(`unknown format ${JSON.stringify(format.slice(0, 40))}`);
    if (size !== identity.size) throw malformed('stream size differs from the file identity');
    return { kind, input, path, from, compression: compression as StreamTaskCompression, format, size };
  }
  throw malformed('unknown task kind');
}

type StreamTaskCompression = Extract<Task, { kind: 'stream' }>['compression'];

/** The types of the options (their values are checked by resolveOptions, as for the command line). */
function validateScanOptions(value: unknown): ScanOptions {
  if (!isObject(value)) throw malformed('no options');
  const strings = (v: unknown): boolean => Array.isArray(v) && v.length <= 4096 && v.every((item) => typeof item === 'string');
  const checks: Record<(typeof SCAN_OPTION_NAMES)[number], (v: unknown) => boolean> = {
    errorCodes: (v) => Array.isArray(v) && v.length <= 1000 && v.every((item) => typeof item === 'string' || typeof item === 'number'),
    by: (v) => typeof v === 'string' || strings(v),
    keepQuery: (v) => typeof v === 'boolean',
    window: (v) => typeof v === 'string' || typeof v === 'number',
    since: (v) => typeof v === 'string',
    until: (v) => typeof v === 'string',
    includeIp: strings,
    excludeIp: strings,
    format: (v) => typeof v === 'string',
    logFormat: (v) => typeof v === 'string' && v.length <= 65536,
    jsonFields: (v) => isObject(v) && Object.values(v).every((item) => typeof item === 'string'),
    w3cFields: strings,
    clientFrom: (v) => v === 'client' || v === 'xff',
    chunkBytes: (v) => isIndex(v, 1 << 30),
    flushGroups: (v) => isIndex(v, 1 << 30),
    settleEntries: (v) => isIndex(v, 1 << 30),
    windowFolding: (v) => typeof v === 'boolean',
    windowSlack: (v) => isIndex(v, 1 << 30),
    kernel: (v) => typeof v === 'boolean',
  };
  const options: Record<string, unknown> = {};
  for (const [name, item] of Object.entries(value)) {
    const check = Object.hasOwn(checks, name) ? checks[name as keyof typeof checks] : undefined; // never an inherited key
    if (!check) throw malformed(`unknown option ${JSON.stringify(name.slice(0, 40))}`);
    if (!check(item)) throw malformed(`bad option ${name}`);
    options[name] = item;
  }
  return options as ScanOptions;
}

/**
 * The scan configuration of a job: the run's options through resolveOptions (a bad value is the command line's
 * error), with this read's folding; what the coordinator's consumer expects (`Consumer.analysis`).
 */
export function scanConfigOf(payload: JobPayload): ScanConfig {
  const spec = resolveOptions({ ...payload.options, input: payload.task.path });
  return {
    formatOptions: spec.formatOptions,
    statusColumns: spec.statusColumns,
    analysis: spec.analysis && { ...spec.analysis, foldWindows: payload.foldWindows },
    chunkBytes: spec.chunkBytes,
    flushGroups: spec.flushGroups,
    kernel: spec.kernel,
  };
}

const STAT_NAMES = ['lines', 'blank', 'malformed', 'comment', 'parsed', 'matched', 'outside', 'excluded'] as const satisfies readonly (keyof ScanStats)[];

/** A stamp of a worker's line counts: a finite number, or null (or absent) for none; anything else is refused. */
function stampOrNone(value: unknown, none: number, bad: (what: string) => LogsiftError): number {
  if (value === null || value === undefined) return none;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('bad instant in the line counts');
  return value;
}

/**
 * The configuration of a report job: the run's options through resolveOptions (as `scanConfigOf`), the stored
 * keys and the span's settling.
 */
export function reportConfigOfJob(payload: JobPayload, keys: { keyBytes: Uint8Array; keyEnds: Int32Array }): ReportConfig {
  const spec = resolveOptions({ ...payload.options, input: payload.task.path });
  const job = payload.report!;
  return {
    formatOptions: spec.formatOptions,
    statusColumns: spec.statusColumns,
    by: spec.by,
    keepQuery: spec.keepQuery,
    ...(spec.span ? { span: spec.span, ...(job.newest !== undefined ? { newest: job.newest } : {}) } : {}),
    includeIp: spec.analysis?.includeIp ?? [],
    excludeIp: spec.analysis?.excludeIp ?? [],
    chunkBytes: spec.chunkBytes,
    kernel: spec.kernel,
    ...keys,
  };
}

/** Checks a worker's result against the job it answers; a LogsiftError names the fault. */
export function validateJobResult(value: unknown, payload: JobPayload, jobId: string): JobResult {
  const bad = (what: string): LogsiftError => new LogsiftError(`a worker returned a malformed result for ${payload.task.path}: ${what}`);
  if (!isObject(value) || value.v !== JOB_VERSION) throw bad('not a result of this version');
  const { host, pid, partialKeys, partialBytes, stats, streamed, bytes, scanMs, attempts } = value;
  if (typeof host !== 'string' || host.length > 255 || !isIndex(pid)) throw bad('bad worker name');
  const prefix = `${partialKeyPrefix(payload.run)}${jobId}:`;
  if (!Array.isArray(partialKeys) || partialKeys.length > 1 << 20 || partialKeys.some((key) => typeof key !== 'string' || !key.startsWith(prefix))) {
    throw bad('bad partial keys');
  }
  if (!Array.isArray(partialBytes) || partialBytes.length !== partialKeys.length || !partialBytes.every((n) => isIndex(n, Number.MAX_SAFE_INTEGER))) {
    throw bad('bad partial sizes');
  }
  if (!isObject(stats)) throw bad('bad line counts');
  const checkedStats: Record<number, ScanStats> = {};
  for (const [input, counts] of Object.entries(stats)) {
    if (Number(input) !== payload.task.input || !isObject(counts)) throw bad('line counts of another input');
    const entry = {} as ScanStats;
    for (const name of STAT_NAMES) {
      if (!isIndex(counts[name], Number.MAX_SAFE_INTEGER)) throw bad(`bad count ${name}`);
      entry[name] = counts[name] as number;
    }
    // The span of instants seen: a stamp, or null (JSON's word for the +-Infinity of "none yet").
    entry.firstStamp = stampOrNone(counts.firstStamp, Number.POSITIVE_INFINITY, bad);
    entry.lastStamp = stampOrNone(counts.lastStamp, Number.NEGATIVE_INFINITY, bad);
    checkedStats[Number(input)] = entry;
  }
  let report: StreamReport | undefined;
  if (streamed !== undefined) {
    if (payload.task.kind !== 'stream' || !isObject(streamed) || streamed.input !== payload.task.input) throw bad('a stream report for no stream');
    const detection = streamed.detection;
    if (
      !isObject(detection) || typeof detection.name !== 'string' || !formatDefinition(detection.name) || typeof detection.detected !== 'boolean' ||
      !Array.isArray(detection.tried) || !detection.tried.every((name) => typeof name === 'string' && name.length < 64)
    ) {
      throw bad('bad detection');
    }
    if (!isIndex(streamed.bytes, Number.MAX_SAFE_INTEGER) || !isIndex(streamed.uncompressedBytes, Number.MAX_SAFE_INTEGER)) throw bad('bad stream sizes');
    const checked: Detection = { name: detection.name, detected: detection.detected, tried: detection.tried as string[] };
    report = { input: payload.task.input, detection: checked, bytes: streamed.bytes, uncompressedBytes: streamed.uncompressedBytes };
  } else if (payload.task.kind === 'stream' && payload.pass !== 3) {
    throw bad('no stream report');
  }
  if (payload.pass === 3 && (streamed !== undefined || Object.keys(checkedStats).length > 0 || partialKeys.length !== 1)) {
    throw bad('not one report partial');
  }
  if (!isIndex(bytes, Number.MAX_SAFE_INTEGER) || typeof scanMs !== 'number' || !(scanMs >= 0) || !isIndex(attempts)) throw bad('bad figures');
  return {
    v: JOB_VERSION, host, pid, partialKeys: partialKeys as string[], partialBytes: partialBytes as number[], stats: checkedStats,
    ...(report ? { streamed: report } : {}), bytes, scanMs, attempts,
  };
}
