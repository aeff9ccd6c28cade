// The HTML report of a cluster run (`logsift --redis ... --html`): its read goes to the workers as jobs of a third
// pass, their report partials merged by the coordinator; the page's numbers are the local run's, for plain and
// compressed files of several formats, grouping by client (top paths and user agents) or not, with a relative
// span settled by the run, at one and two scanning threads per worker.

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { readPageData } from '../support/page-data.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { REAL, REAL_LOGS } from '../support/paths.js';
import { redisSkip, TestRedis, WorkerProcess } from '../support/redis.js';

const skip = redisSkip() || (existsSync(REAL_LOGS) ? false : `no shared real logs at ${REAL_LOGS}`);

/** The page's data, as the page decodes it, less what differs between two runs of the same question (times). */
function pageNumbers(path: string): Record<string, unknown> {
  const data = readPageData(readFileSync(path, 'utf8'));
  const { summary, ...rest } = data as unknown as { summary: Record<string, unknown> };
  const { elapsedMs: _elapsed, ...kept } = summary;
  return { ...rest, summary: kept };
}

describe('logsift --redis --html: the page of the local run', { skip }, () => {
  let dir: string;
  let inputs: string[];
  let redis: TestRedis;

  before(async () => {
    dir = makeTempDir('logsift-cluster-html-');
    const gzipped = join(dir, 'nginx.log.gz');
    writeFileSync(gzipped, gzipSync(readFileSync(REAL.nginx)));
    inputs = [REAL.apache, REAL.nasa, gzipped];
    redis = await TestRedis.start();
  });
  after(async () => {
    await redis?.stop();
    removeDir(dir);
  });

  for (const threads of [1, 2]) {
    describe(`workers with --threads ${threads}`, () => {
      let workers: WorkerProcess[] = [];
      before(async () => {
        workers = await Promise.all([0, 1].map(() => WorkerProcess.start(redis.url, ['--threads', String(threads), '--root', REAL_LOGS, dir])));
      });
      after(async () => {
        await Promise.all(workers.map((worker) => worker.stop()));
      });

      const cases: ReadonlyArray<readonly string[]> = threads === 1 ? [['--threshold', '2'], ['--by', 'path'], ['--since', '3h', '--threshold', '1']] : [['--threshold', '2']];
      for (const args of cases) {
        test(args.join(' '), async () => {
          const name = `${threads}-${args.join('_').replace(/\W+/g, '_')}`;
          const localHtml = join(dir, `local-${name}.html`);
          const clusterHtml = join(dir, `cluster-${name}.html`);
          const local = await runCli(['--input', ...inputs, '--output', join(dir, `local-${name}.csv`), '--html', localHtml, '--no-progress', ...args]);
          assert.equal(local.code, 0, local.stderr);
          const cluster = await runCli([
            '--redis', redis.url, '--input', ...inputs, '--output', join(dir, `cluster-${name}.csv`), '--html', clusterHtml, '--range-bytes', '262144', '--no-progress', ...args,
          ]);
          assert.equal(cluster.code, 0, cluster.stderr);
          assert.deepEqual(readFileSync(join(dir, `cluster-${name}.csv`)), readFileSync(join(dir, `local-${name}.csv`)));
          assert.deepEqual(pageNumbers(clusterHtml), pageNumbers(localHtml));
        });
      }
    });
  }
});
