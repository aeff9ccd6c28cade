// cluster/worker.ts and the faults of a cluster run, through the built command: a worker killed (kill -9)
// while it holds a job, or after it stored its partials but before the job was acknowledged, changes nothing
// in the result and shows as a retry; a worker that sees another file, a path outside --root (also through a
// symlink), malformed jobs (the worker goes on), Redis unreachable, Redis restarted mid-run (exact result or
// one clear error, and the workers reconnect by themselves), and Ctrl-C of the coordinator (nothing left).

import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { runCli, type CliRun } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { REAL, REAL_LOGS } from '../support/paths.js';
import { freePort, redisSkip, TestRedis, waitFor, WorkerProcess } from '../support/redis.js';
import { existsSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

const skip = redisSkip() || (existsSync(REAL_LOGS) ? false : `no shared real logs at ${REAL_LOGS}`);

function assertOneLineError(run: CliRun, pattern: RegExp): void {
  assert.notEqual(run.code, 0, run.stdout);
  assert.match(run.stderr, /^logsift: error: [^\n]+\n$/, JSON.stringify(run.stderr));
  assert.doesNotMatch(run.stderr, /\bat .*:\d+:\d+|node:internal/);
  assert.match(run.stderr, pattern);
}

describe('faults of a cluster run', { skip }, () => {
  let dir: string;
  let log: string;
  let expected: Buffer;
  let redis: TestRedis;

  before(async () => {
    dir = makeTempDir('logsift-cluster-faults-');
    log = join(dir, 'access.log');
    copyFileSync(REAL.nginx, log);
    const output = join(dir, 'local.csv');
    assert.equal((await runCli(['--input', log, '--output', output, '--threshold', '2'])).code, 0);
    expected = readFileSync(output);
    redis = await TestRedis.start();
  });
  after(async () => {
    await redis?.stop();
    removeDir(dir);
  });

  const clusterArgs = (output: string, extra: readonly string[] = []): string[] => [
    '--redis', redis.url, '--input', log, '--output', output, '--threshold', '2', '--range-bytes', '32768', ...extra,
  ];

  /** kill -9 of the worker that holds the job `findJob` names, once it names one; the others take over. */
  async function killDuring(hookEnv: Record<string, string>, findJob: () => Promise<string | undefined>): Promise<CliRun> {
    const env = { LOGSIFT_TEST_HOOKS: '1', ...hookEnv };
    const workers = await Promise.all([0, 1, 2].map(() => WorkerProcess.start(redis.url, ['--threads', '1', '--lock-ms', '1000', '--root', dir], env)));
    const client = redis.client();
    try {
      const output = join(dir, `killed-${Object.keys(hookEnv)[0]}.csv`);
      const running = runCli(clusterArgs(output));
      const jobId = await waitFor(findJob);
      const holder = await waitFor(async () => (await client.hget(`logsift:scan:${jobId}`, 'pb')) ?? undefined);
      const victim = workers.find((worker) => holder === `${hostname()}:${worker.pid}`);
      assert.ok(victim, `a test worker holds the job (${holder})`);
      victim.child.kill('SIGKILL');
      const run = await running;
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(readFileSync(output), expected, 'the same bytes as the local run');
      const retried = /cluster +\d+ workers?, \d+ jobs, (\d+) retried/.exec(run.stdout);
      assert.ok(retried && Number(retried[1]) >= 1, `the summary shows the retry: ${run.stdout}`);
      return run;
    } finally {
      client.disconnect();
      await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    }
  }

  test('kill -9 of a worker while it holds a job: the same result, the job retried by another', { timeout: 120_000 }, async () => {
    const client = redis.client();
    try {
      await killDuring({ LOGSIFT_TEST_SCAN_DELAY_MS: '1500' }, async () => (await client.lrange('logsift:scan:active', 0, 0))[0]);
    } finally {
      client.disconnect();
    }
  });

  test('kill -9 of a worker after it stored its partials, before the job was acknowledged: counted once', { timeout: 120_000 }, async () => {
    const client = redis.client();
    try {
      await killDuring({ LOGSIFT_TEST_ACK_DELAY_MS: '2000' }, async () => {
        const [key] = await client.keys('logsift:run:*:partial:*');
        return key?.split(':')[4];
      });
    } finally {
      client.disconnect();
    }
  });

  test('a worker that sees another file at the path: the run stops with an error naming host and path', { timeout: 60_000 }, async () => {
    const changing = join(dir, 'changing.log');
    copyFileSync(REAL.nginx, changing);
    const client = redis.client();
    let worker: WorkerProcess | undefined;
    try {
      const output = join(dir, 'changed.csv');
      const running = runCli(['--redis', redis.url, '--input', changing, '--output', output]);
      // The coordinator planned and queued the job; then the file changes, and only then does a worker look.
      await waitFor(async () => ((await client.keys('logsift:scan:*-p1-*')).length > 0 ? true : undefined));
      appendFileSync(changing, '10.0.0.1 - - [01/Jun/2020:06:26:49 +0000] "GET / HTTP/1.1" 404 1 "-" "-"\n');
      worker = await WorkerProcess.start(redis.url, ['--threads', '1', '--root', dir]);
      const run = await running;
      assertOneLineError(run, new RegExp(`${hostname()}: ${changing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not the file the coordinator planned \\(size`));
      assert.equal(existsSync(output), false, 'no output written');
      assert.equal(worker.child.exitCode, null, 'the worker goes on');
    } finally {
      client.disconnect();
      await worker?.stop();
    }
  });

  test('a path outside the worker\'s --root, directly or through a symlink, is refused', { timeout: 60_000 }, async () => {
    const root = join(dir, 'root');
    mkdirSync(root);
    symlinkSync(log, join(root, 'link.log'));
    const worker = await WorkerProcess.start(redis.url, ['--threads', '1', '--root', root]);
    try {
      for (const input of [log, join(root, 'link.log'), join(root, '..', 'access.log')]) {
        const run = await runCli(['--redis', redis.url, '--input', input, '--output', join(dir, 'outside.csv')]);
        assertOneLineError(run, /outside this worker's --root/);
      }
      assert.equal(worker.child.exitCode, null);
    } finally {
      await worker.stop();
    }
  });

  test('malformed jobs fail one by one; the worker keeps running and serves the next run', { timeout: 60_000 }, async () => {
    const worker = await WorkerProcess.start(redis.url, ['--threads', '1', '--root', dir]);
    const queue = new Queue('scan', { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'logsift' });
    const client = redis.client();
    try {
      const run = 'abcdef0123456789';
      await client.set(`logsift:run:${run}:alive`, '1', 'PX', 60_000);
      const valid = {
        v: 1, run, pass: 1, foldWindows: false, options: {},
        task: { kind: 'range', input: 0, path: log, start: 0, end: 100, format: 'combined' },
        identity: { size: 209759, mtimeMs: 0, edgesHash: '0'.repeat(64) },
      };
      const bad: Array<[unknown, RegExp]> = [
        [null, /malformed job: not an object/],
        [{ ...valid, v: 99 }, /malformed job: version/],
        [{ ...valid, run: '$(rm -rf /)' }, /bad run id/],
        [{ ...valid, task: { ...valid.task, kind: 'exec' } }, /unknown task kind/],
        [{ ...valid, task: { ...valid.task, start: 5, end: 2 } }, /bad byte range/],
        [{ ...valid, task: { ...valid.task, format: 'nope' } }, /unknown format/],
        [{ ...valid, task: { ...valid.task, kind: 'stream', from: 'pipe', compression: 'none', size: 209759 } }, /files only/],
        [{ ...valid, options: { __proto__x: 1 } }, /unknown option/],
        [{ ...valid, options: { by: 'nonsense' } }, /nonsense/],
        [{ ...valid, task: { ...valid.task, path: '/etc/passwd' }, identity: { ...valid.identity, size: 1e6 } }, /outside this worker's --root/],
        [{ ...valid, identity: { ...valid.identity, size: 209759 } }, /is not the file the coordinator planned/],
      ];
      const jobs = await queue.addBulk(bad.map(([data], i) => ({ name: 'scan', data, opts: { jobId: `malformed-${i}` } })));
      for (const [i, job] of jobs.entries()) {
        const reason = await waitFor(async () => ((await queue.getJobState(job.id!)) === 'failed' ? (await queue.getJob(job.id!))!.failedReason : undefined));
        assert.match(reason, bad[i][1], `job ${i}`);
      }
      assert.equal(worker.child.exitCode, null, 'the worker is still running');
      const output = join(dir, 'after-malformed.csv');
      const after = await runCli(clusterArgs(output));
      assert.equal(after.code, 0, after.stderr);
      assert.deepEqual(readFileSync(output), expected);
    } finally {
      client.disconnect();
      await queue.close();
      await worker.stop();
    }
  });

  test('Redis unreachable: one line, exit 1, within seconds (coordinator and worker); a bad URL likewise', { timeout: 60_000 }, async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    assertOneLineError(await runCli(['--redis', nowhere, '--input', log, '--output', join(dir, 'x.csv')]), /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: connection refused/);
    assertOneLineError(await runCli(['worker', '--redis', nowhere]), /cannot reach Redis/);
    assert.ok(Date.now() - started < 20_000, 'within seconds');
    assertOneLineError(await runCli(['--redis', 'http://host:6379', '--input', log, '--output', join(dir, 'x.csv')]), /redis:\/\/ or rediss:\/\//);
    const secret = await runCli(['--redis', `redis://user:s3cret@127.0.0.1:${new URL(nowhere).port}`, '--input', log, '--output', join(dir, 'x.csv')]);
    assertOneLineError(secret, /cannot reach Redis/);
    assert.doesNotMatch(secret.stderr, /s3cret/, 'the password is never printed');
    assertOneLineError(await runCli(['worker']), /needs --redis/);
  });

  test('redis://user:pass@ works with a password-protected Redis; a wrong password is one line', { timeout: 60_000 }, async () => {
    const client = redis.client();
    await client.call('ACL', 'SETUSER', 'logsift', 'on', '>p@ss w0rd', '~*', '&*', '+@all');
    client.disconnect();
    const url = `redis://logsift:${encodeURIComponent('p@ss w0rd')}@127.0.0.1:${redis.port}`;
    const worker = await WorkerProcess.start(url, ['--threads', '1', '--root', dir]);
    try {
      const output = join(dir, 'auth.csv');
      const run = await runCli(['--redis', url, '--input', log, '--output', output, '--threshold', '2']);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(readFileSync(output), expected);
      const wrong = await runCli(['--redis', `redis://logsift:nope@127.0.0.1:${redis.port}`, '--input', log, '--output', output]);
      assertOneLineError(wrong, /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+: WRONGPASS/);
      assert.doesNotMatch(wrong.stderr, /nope/);
    } finally {
      await worker.stop();
    }
  });

  test('stdin under --redis is refused: other machines cannot read it', async () => {
    assertOneLineError(await runCli(['--redis', redis.url, '--input', '-', '--output', join(dir, 'x.csv')]), /stdin is a pipe/);
  });

  test('Redis restarted mid-run: an exact result or one clear error, never a wrong one; workers reconnect', { timeout: 120_000 }, async () => {
    const env = { LOGSIFT_TEST_HOOKS: '1', LOGSIFT_TEST_SCAN_DELAY_MS: '400' };
    const workers = await Promise.all([0, 1].map(() => WorkerProcess.start(redis.url, ['--threads', '1', '--root', dir], env)));
    const client = redis.client();
    try {
      const output = join(dir, 'restarted.csv');
      const running = runCli(clusterArgs(output));
      await waitFor(async () => ((await client.keys('logsift:scan:*-p1-*')).length > 0 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 600));
      await redis.kill();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await redis.startServer();
      const run = await running;
      if (run.code === 0) assert.deepEqual(readFileSync(output), expected, 'a run that completes is exact');
      else {
        assertOneLineError(run, /Redis/);
        assert.equal(existsSync(output), false);
      }
      // The workers found Redis again by themselves.
      const again = join(dir, 'after-restart.csv');
      const next = await runCli(clusterArgs(again));
      assert.equal(next.code, 0, next.stderr);
      assert.deepEqual(readFileSync(again), expected);
    } finally {
      client.disconnect();
      await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    }
  });

  test('Ctrl-C of the coordinator removes its jobs and partials', { timeout: 60_000 }, async () => {
    const client = redis.client();
    let child: ChildProcess | undefined;
    try {
      const running = runCli(clusterArgs(join(dir, 'interrupted.csv')), { onSpawn: (spawned) => (child = spawned) });
      const keys = await waitFor(async () => {
        const found = await client.keys('logsift:scan:*-p1-*');
        return found.length > 0 ? found : undefined;
      });
      const run = keys[0].split(':')[2].split('-')[0];
      child!.kill('SIGINT');
      const result = await running;
      // It dies by the signal itself, once the run's keys are gone (a shell reports 130).
      assert.equal(result.signal, 'SIGINT');
      assert.deepEqual(await client.keys(`logsift:*${run}*`), [], 'no job, partial or key of the run is left');
      assert.equal(await client.llen('logsift:scan:wait'), 0);
    } finally {
      client.disconnect();
    }
  });

  test('SIGTERM stops a worker cleanly (exit 0)', async () => {
    const worker = await WorkerProcess.start(redis.url, ['--threads', '1', '--root', dir]);
    await worker.stop('SIGTERM');
    assert.equal((await worker.exited).code, 0);
  });
});
