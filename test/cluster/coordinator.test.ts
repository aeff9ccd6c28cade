// cluster/coordinator.ts end to end: `logsift --redis` with three `logsift worker` processes writes the bytes
// the local run writes, for the default run and each analysis option, every output format, compressed inputs
// and several files of several formats, with one and two scanning threads per worker; and on a generated
// 256 MiB log. Each run is cut into many jobs (--range-bytes) so that every worker takes some.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { GENLOG, REAL, REAL_LOGS } from '../support/paths.js';
import { redisSkip, TestRedis, WorkerProcess } from '../support/redis.js';

const skip = redisSkip() || (existsSync(REAL_LOGS) ? false : `no shared real logs at ${REAL_LOGS}`);

/** The analysis options checked, each over the same set of inputs. */
const CASES: ReadonlyArray<{ name: string; args: readonly string[]; threads2?: boolean }> = [
  { name: 'the default run', args: [], threads2: true },
  { name: '--by path', args: ['--by', 'path'] },
  { name: '--by ip,path --keep-query', args: ['--by', 'ip,path', '--keep-query'] },
  { name: '--window 10m (folded, then read again when out of order)', args: ['--window', '10m', '--threshold', '3'], threads2: true },
  { name: '--since/--until absolute', args: ['--since', '2015-05-18T00:00:00Z', '--until', '2020-06-01T07:00:00Z', '--threshold', '2'] },
  { name: '--since relative (settled at the end)', args: ['--since', '3h', '--threshold', '1'] },
  { name: 'code classes and ranges', args: ['--errorcodes', '4xx', '500-599', '--threshold', '2'] },
  { name: '--include-ip / --exclude-ip', args: ['--include-ip', '0.0.0.0/1', '--exclude-ip', '66.249.0.0/16', '--threshold', '2'] },
  { name: 'JSON output', args: ['--output-format', 'json', '--window', '1h'], threads2: true },
  { name: 'NDJSON output', args: ['--output-format', 'ndjson', '--by', 'user_agent'] },
];

describe('logsift --redis with three workers writes the local run\'s bytes', { skip }, () => {
  let dir: string;
  let inputs: string[];
  let redis: TestRedis;
  const expected = new Map<string, Buffer>();

  before(async () => {
    dir = makeTempDir('logsift-cluster-');
    const gzipped = join(dir, 'nginx.log.gz');
    writeFileSync(gzipped, gzipSync(readFileSync(REAL.nginx)));
    inputs = [REAL.apache, REAL.nasa, REAL.iis, gzipped, REAL.nginx];
    redis = await TestRedis.start();
  });
  after(async () => {
    await redis?.stop();
    removeDir(dir);
  });

  async function local(name: string, args: readonly string[]): Promise<Buffer> {
    let bytes = expected.get(name);
    if (!bytes) {
      const output = join(dir, `local-${expected.size}.out`);
      const run = await runCli(['--input', ...inputs, '--output', output, ...args]);
      assert.equal(run.code, 0, run.stderr);
      expected.set(name, (bytes = readFileSync(output)));
    }
    return bytes;
  }

  for (const threads of [1, 2]) {
    describe(`workers with --threads ${threads}`, () => {
      let workers: WorkerProcess[] = [];
      before(async () => {
        workers = await Promise.all([0, 1, 2].map(() => WorkerProcess.start(redis.url, ['--threads', String(threads), '--root', REAL_LOGS, dir])));
      });
      after(async () => {
        await Promise.all(workers.map((worker) => worker.stop()));
      });

      for (const { name, args, threads2 } of CASES) {
        if (threads === 2 && !threads2) continue;
        test(name, async () => {
          const want = await local(name, args);
          const output = join(dir, `cluster-${threads}-${name.replace(/\W+/g, '_')}.out`);
          const run = await runCli(['--redis', redis.url, '--input', ...inputs, '--output', output, '--range-bytes', '262144', ...args]);
          assert.equal(run.code, 0, run.stderr);
          assert.deepEqual(readFileSync(output), want, 'the cluster run writes the local run\'s bytes');
          const summary = /cluster +(\d+) workers?, (\d+) jobs, (\d+) retried/.exec(run.stdout);
          assert.ok(summary, run.stdout);
          assert.equal(summary[3], '0');
          assert.ok(Number(summary[2]) >= 10, 'cut into many jobs');
          assert.match(run.stdout, /pid \d+: \d+ jobs?, [\d.]+ MiB, \d+ MiB\/s/);
        });
      }
    });
  }

  test('LOGSIFT_REDIS stands in for --redis', async () => {
    const worker = await WorkerProcess.start(redis.url, ['--threads', '1', '--root', REAL_LOGS]);
    try {
      const output = join(dir, 'env.csv');
      const run = await runCli(['--input', REAL.nginx, '--output', output], { env: { LOGSIFT_REDIS: redis.url } });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /cluster +1 worker/);
      const local = join(dir, 'env-local.csv');
      assert.equal((await runCli(['--input', REAL.nginx, '--output', local])).code, 0);
      assert.deepEqual(readFileSync(output), readFileSync(local));
    } finally {
      await worker.stop();
    }
  });

  test('a generated 256 MiB log: the same bytes as the local run, default and --window', { timeout: 600_000 }, async () => {
    const big = join(dir, 'big.log');
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(big);
      out.on('finish', resolve).on('error', reject);
      out.end(execFileSync(process.execPath, [GENLOG, '--bytes', '256M', '--seed', '7'], { maxBuffer: 300 * 1024 * 1024 }));
    });
    const workers = await Promise.all([0, 1, 2].map(() => WorkerProcess.start(redis.url, ['--threads', '1', '--root', dir])));
    try {
      for (const args of [[], ['--window', '10m']]) {
        const localOut = join(dir, 'big-local.csv');
        const clusterOut = join(dir, 'big-cluster.csv');
        assert.equal((await runCli(['--input', big, '--output', localOut, ...args])).code, 0);
        const run = await runCli(['--redis', redis.url, '--input', big, '--output', clusterOut, ...args]);
        assert.equal(run.code, 0, run.stderr);
        assert.deepEqual(readFileSync(clusterOut), readFileSync(localOut));
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  });
});
