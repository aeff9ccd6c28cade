// A cluster across network namespaces, as separate hosts would be: each `logsift worker` runs in a namespace
// of its own and reaches Redis over a veth pair, by a link-local address (169.254.x.y), never through
// loopback; the coordinator's output is the local run's. Needs root and `ip netns`; elsewhere it skips, saying
// why. Everything made (namespaces, veth pairs) is removed afterwards, whatever happens.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IS_ROOT, runCli } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { REAL, REAL_LOGS } from '../support/paths.js';
import { redisSkip, TestRedis, WorkerProcess } from '../support/redis.js';

const WORKERS = 3;
const tag = String(process.pid % 100000);
const namespace = (i: number): string => `lsift${tag}w${i}`;
const hostSide = (i: number): string => `lsh${tag}${i}`; // interface names: 15 characters at most
const nsSide = (i: number): string => `lsn${tag}${i}`;
// One /30 of 169.254.77.0/24 per worker: .(4i+1) on the host side (Redis listens there), .(4i+2) in the namespace.
const hostAddress = (i: number): string => `169.254.77.${4 * i + 1}`;
const nsAddress = (i: number): string => `169.254.77.${4 * i + 2}`;

function ip(...args: string[]): { ok: boolean; stderr: string } {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: run.status === 0, stderr: run.stderr ?? '' };
}

/** Why the test cannot run here, or false. */
function netnsSkip(): false | string {
  const redis = redisSkip();
  if (redis) return redis;
  if (!existsSync(REAL_LOGS)) return `no shared real logs at ${REAL_LOGS}`;
  if (!IS_ROOT) return 'network namespaces need root';
  const probe = `lsift${tag}probe`;
  const made = ip('netns', 'add', probe);
  if (!made.ok) return `ip netns is not usable here: ${made.stderr.trim()}`;
  ip('netns', 'del', probe);
  return false;
}

function removeNetworks(): void {
  for (let i = 0; i < WORKERS; i++) {
    ip('netns', 'del', namespace(i)); // takes its end of the veth pair, and so the pair, with it
    ip('link', 'del', hostSide(i));
  }
}

describe('workers in network namespaces of their own, reaching Redis over veth pairs', { skip: netnsSkip() }, () => {
  let redis: TestRedis;
  let dir: string;
  const workers: WorkerProcess[] = [];

  before(async () => {
    dir = makeTempDir('logsift-netns-');
    removeNetworks(); // a previous run of this process id that died half-way
    for (let i = 0; i < WORKERS; i++) {
      for (const step of [
        ['netns', 'add', namespace(i)],
        ['link', 'add', hostSide(i), 'type', 'veth', 'peer', 'name', nsSide(i)],
        ['link', 'set', nsSide(i), 'netns', namespace(i)],
        ['addr', 'add', `${hostAddress(i)}/30`, 'dev', hostSide(i)],
        ['link', 'set', hostSide(i), 'up'],
        ['-n', namespace(i), 'addr', 'add', `${nsAddress(i)}/30`, 'dev', nsSide(i)],
        ['-n', namespace(i), 'link', 'set', nsSide(i), 'up'],
      ]) {
        const done = ip(...step);
        assert.ok(done.ok, `ip ${step.join(' ')}: ${done.stderr}`);
      }
    }
    redis = await TestRedis.start(['127.0.0.1', ...Array.from({ length: WORKERS }, (_, i) => hostAddress(i))]);
    for (let i = 0; i < WORKERS; i++) {
      const url = `redis://${hostAddress(i)}:${redis.port}`;
      workers.push(await WorkerProcess.start(url, ['--threads', '1', '--root', REAL_LOGS], {}, ['ip', 'netns', 'exec', namespace(i)]));
    }
  });
  after(async () => {
    await Promise.all(workers.map((worker) => worker.stop('SIGKILL')));
    await redis?.stop();
    removeNetworks();
    removeDir(dir);
  });

  test('a namespace has no route to the host but its veth pair (loopback Redis is out of reach there)', () => {
    const reach = spawnSync('ip', ['netns', 'exec', namespace(0), 'ip', 'route'], { encoding: 'utf8' });
    assert.equal(reach.status, 0);
    assert.match(reach.stdout, /169\.254\.77\.0\/30/);
    assert.doesNotMatch(reach.stdout, /default/);
  });

  test('the coordinator\'s output is the local run\'s, scanned by the namespaced workers only', async () => {
    const inputs = [REAL.apache, REAL.nginx];
    const local = join(dir, 'local.csv');
    assert.equal((await runCli(['--input', ...inputs, '--output', local])).code, 0);
    const output = join(dir, 'cluster.csv');
    const run = await runCli(['--redis', redis.url, '--input', ...inputs, '--output', output, '--range-bytes', '131072']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readFileSync(output), readFileSync(local));
    const pids = [...run.stdout.matchAll(/pid (\d+):/g)].map((m) => Number(m[1]));
    assert.ok(pids.length >= 1);
    for (const pid of pids) assert.ok(workers.some((worker) => worker.pid === pid), `pid ${pid} is a namespaced worker`);
  });
});
