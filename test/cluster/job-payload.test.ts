// cluster/job-payload.ts: a job's scan configuration is the one the local driver gives its producers, for
// every option; payloads and results from elsewhere are checked field by field (any JSON: a LogsiftError or
// a valid payload, never a crash or a path that was not checked); job ids are deterministic.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { LogsiftError } from '../../src/base/errors.js';
import { fileIdentity } from '../../src/cluster/file-identity.js';
import {
  decodeReportKeys, encodeReportKeys, jobIdOf, scanConfigOf, scanOptionsOf, validateJobPayload, validateJobResult, type JobPayload,
} from '../../src/cluster/job-payload.js';
import { createConsumer, firstPass, SECOND_PASS, type ConsumedRun } from '../../src/consumer/consumer.js';
import { probeInputs } from '../../src/inputs/probe.js';
import { resolveInputs } from '../../src/inputs/resolve.js';
import type { EngineOptions } from '../../src/options/internal-options.js';
import { resolveOptions } from '../../src/options/run-spec.js';
import { planTasks } from '../../src/plan/plan-tasks.js';
import type { ScanConfig } from '../../src/scan/task-scanner.js';

const LINE = '10.0.0.1 - - [10/Oct/2023:13:55:36 +0000] "GET /a?b=1 HTTP/1.1" 404 12 "-" "curl"\n';

const OPTION_SETS: ReadonlyArray<Omit<EngineOptions, 'input'>> = [
  {},
  { by: 'path', keepQuery: true },
  { window: '10m', windowSlack: 5 },
  { since: '2023-10-10T00:00:00Z', until: '1h' },
  { errorCodes: ['4xx', 500], includeIp: ['10.0.0.0/8'], excludeIp: ['::1'] },
  { format: 'combined', clientFrom: 'xff', kernel: false, chunkBytes: 100, flushGroups: 3, settleEntries: 9 },
];

describe('scanConfigOf', () => {
  test('gives a job the configuration the local driver gives its producers, in both passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-payload-'));
    try {
      const input = join(dir, 'access.log');
      writeFileSync(input, LINE.repeat(50));
      for (const options of OPTION_SETS) {
        const all: EngineOptions = { ...options, input };
        const spec = resolveOptions(all);
        const { files } = await probeInputs((await resolveInputs(spec.inputs)).inputs, spec);
        const tasks = planTasks(files, { producers: 2, rangeBytes: 1000 });
        const run: ConsumedRun = { spec, files, skipped: [], tasks, started: 0 };
        for (const read of [firstPass(run), SECOND_PASS]) {
          const consumer = createConsumer(run, read);
          const local: ScanConfig = {
            formatOptions: spec.formatOptions, statusColumns: spec.statusColumns, analysis: consumer.analysis,
            chunkBytes: spec.chunkBytes, flushGroups: spec.flushGroups, kernel: spec.kernel,
          };
          const payload = validateJobPayload(JSON.parse(JSON.stringify({
            v: 1, run: 'ab12cd34ef56ab78', pass: read.pass, foldWindows: read.foldWindows, options: scanOptionsOf(all),
            task: tasks[0], identity: fileIdentity(input),
          })));
          assert.deepEqual(JSON.parse(JSON.stringify(scanConfigOf(payload))), JSON.parse(JSON.stringify(local)), JSON.stringify(options));
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const VALID = {
  v: 1, run: '0123456789abcdef', pass: 1, foldWindows: false, options: { by: 'path' },
  task: { kind: 'range', input: 0, path: '/logs/a.log', start: 0, end: 10, format: 'combined' },
  identity: { size: 100, mtimeMs: 5, edgesHash: 'a'.repeat(64) },
};

describe('validateJobPayload', () => {
  test('takes a valid payload as it is', () => {
    assert.deepEqual(validateJobPayload(structuredClone(VALID)), VALID);
  });

  test('any JSON value in any field is a valid payload or a LogsiftError, nothing else', () => {
    const fields = ['v', 'run', 'pass', 'foldWindows', 'options', 'task', 'identity'] as const;
    const taskFields = ['kind', 'input', 'path', 'start', 'end', 'format', 'state', 'from', 'compression', 'size'];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.constantFrom(...taskFields), fc.jsonValue(), fc.boolean(), (field, taskField, value, inTask) => {
        const data = structuredClone(VALID) as Record<string, unknown>;
        if (inTask) (data.task as Record<string, unknown>)[taskField] = value;
        else data[field] = value;
        try {
          const payload = validateJobPayload(data);
          assert.ok(typeof payload.task.path === 'string' && payload.task.path.length > 0 && !payload.task.path.includes('\0'));
        } catch (error) {
          assert.ok(error instanceof LogsiftError, String(error));
          assert.match(error.message, /^malformed job: /);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('refuses a range past the file, a pipe, an unknown option, a prototype key', () => {
    const refused = (data: unknown, pattern: RegExp): void => assert.throws(() => validateJobPayload(data), pattern);
    refused({ ...VALID, task: { ...VALID.task, end: 101 } }, /bad byte range/);
    refused({ ...VALID, task: { kind: 'stream', input: 0, path: '-', from: 'pipe', compression: 'none', format: 'auto', size: 100 } }, /files only/);
    refused({ ...VALID, options: { exec: 'rm -rf /' } }, /unknown option/);
    refused(JSON.parse(`{"v":1,"run":"0123456789abcdef","pass":1,"foldWindows":false,"task":${JSON.stringify(VALID.task)},"identity":${JSON.stringify(VALID.identity)},"options":{"__proto__":{"by":"path"}}}`), /unknown option/);
  });
});

describe('report jobs (the third pass)', () => {
  const REPORT = { ...VALID, pass: 3, report: { groups: 2, keyBytes: 7, newest: 123456 } };

  test('take a valid payload, and refuse a bad report job or one in another pass', () => {
    assert.deepEqual(validateJobPayload(structuredClone(REPORT)), REPORT);
    const refused = (data: unknown, pattern: RegExp): void => assert.throws(() => validateJobPayload(data), pattern);
    refused({ ...REPORT, report: undefined }, /bad report job/);
    refused({ ...REPORT, report: { ...REPORT.report, groups: -1 } }, /bad report job/);
    refused({ ...REPORT, report: { ...REPORT.report, newest: 'x' } }, /bad report job/);
    refused({ ...VALID, report: REPORT.report }, /another pass/);
  });

  test('the reported keys stored once: read back, checked against the job', () => {
    const keyBytes = Buffer.from('10.0.0.1::1');
    const keyEnds = Int32Array.of(8, 11);
    const stored = encodeReportKeys(keyBytes, keyEnds);
    // Redis hands back a Buffer, maybe a view of a shared pool: the keys come back whole all the same.
    const pooled = Buffer.concat([Buffer.alloc(3), stored]).subarray(3);
    const job = { groups: 2, keyBytes: 11 };
    assert.deepEqual(decodeReportKeys(pooled, job), { keyBytes: new Uint8Array(keyBytes), keyEnds });
    assert.throws(() => decodeReportKeys(pooled, { groups: 3, keyBytes: 11 }), /do not match/);
    const backwards = encodeReportKeys(keyBytes, Int32Array.of(11, 8));
    assert.throws(() => decodeReportKeys(backwards, job), /bad reported keys/);
  });

  test('a result is one report partial and no line counts', () => {
    const payload = validateJobPayload(structuredClone(REPORT)) as JobPayload;
    const jobId = jobIdOf(payload);
    const result = { v: 1, host: 'h', pid: 1, partialKeys: [`logsift:run:${VALID.run}:partial:${jobId}:0`], partialBytes: [64], stats: {}, bytes: 10, scanMs: 1, attempts: 1 };
    assert.deepEqual(validateJobResult(structuredClone(result), payload, jobId), result);
    assert.throws(() => validateJobResult({ ...result, partialKeys: [], partialBytes: [] }, payload, jobId), /one report partial/);
    const counts = { lines: 1, blank: 0, malformed: 0, comment: 0, parsed: 1, matched: 1, outside: 0, excluded: 0 };
    assert.throws(() => validateJobResult({ ...result, stats: { 0: counts } }, payload, jobId), /one report partial/);
  });
});

describe('validateJobResult', () => {
  const payload = validateJobPayload(structuredClone(VALID)) as JobPayload;
  const jobId = jobIdOf(payload);
  const result = {
    v: 1, host: 'h', pid: 1, partialKeys: [`logsift:run:${VALID.run}:partial:${jobId}:0`], partialBytes: [64],
    stats: { 0: { lines: 1, blank: 0, malformed: 0, comment: 0, parsed: 1, matched: 1, outside: 0, excluded: 0, firstStamp: 4096e6, lastStamp: 4096e6 } },
    bytes: 10, scanMs: 1, attempts: 1,
  };

  test('takes a valid result', () => {
    assert.deepEqual(validateJobResult(structuredClone(result), payload, jobId), result);
    // No instant seen: JSON has null for the counts' +-Infinity; a number that is not finite is refused.
    const none = { ...result, stats: { 0: { ...result.stats[0], firstStamp: null, lastStamp: null } } };
    const checked = validateJobResult(structuredClone(none), payload, jobId);
    assert.deepEqual([checked.stats[0].firstStamp, checked.stats[0].lastStamp], [Infinity, -Infinity]);
    assert.throws(() => validateJobResult({ ...result, stats: { 0: { ...result.stats[0], firstStamp: 'x' } } }, payload, jobId), /bad instant/);
  });

  test('refuses keys of another job or run, counts of another input, a stream report for a range', () => {
    assert.throws(() => validateJobResult({ ...result, partialKeys: ['logsift:run:other:partial:x:0'] }, payload, jobId), /bad partial keys/);
    assert.throws(() => validateJobResult({ ...result, stats: { 3: result.stats[0] } }, payload, jobId), /another input/);
    assert.throws(() => validateJobResult({ ...result, stats: { 0: { ...result.stats[0], lines: -1 } } }, payload, jobId), /bad count/);
    assert.throws(() => validateJobResult({ ...result, streamed: { input: 0 } }, payload, jobId), /stream report/);
  });
});

test('job ids are deterministic and differ by run, pass, input, file identity and range', () => {
  const payload = validateJobPayload(structuredClone(VALID));
  const id = jobIdOf(payload);
  assert.equal(jobIdOf(validateJobPayload(structuredClone(VALID))), id);
  assert.doesNotMatch(id, /:/, 'BullMQ refuses custom ids with a colon');
  const variants = [
    { ...VALID, run: 'ffff456789abcdef' }, { ...VALID, pass: 2 }, { ...VALID, task: { ...VALID.task, input: 1 } },
    { ...VALID, identity: { ...VALID.identity, edgesHash: 'b'.repeat(64) } }, { ...VALID, task: { ...VALID.task, end: 11 } },
  ];
  const ids = new Set([id, ...variants.map((variant) => jobIdOf(validateJobPayload(variant)))]);
  assert.equal(ids.size, 6);
});
