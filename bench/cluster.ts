// npm run bench -- --cluster: the 1 GiB workload through the coordinator (`logsift --redis`) with one and with
// two local `logsift worker` processes, against the local run, in the same run and alternately; then the cluster's
// constants: the overhead of one job (a run of many near-empty jobs), the bytes of one partial and the time to
// merge one (from the coordinator's summary). Needs Debian's redis-server; it starts its own, on a free port.
//
// Workers are started before each timed cluster run and stopped after it (idle workers of another setting would
// take jobs too): what is timed is the coordinator, from spawn to exit, as a user would wait for it.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './stats.js';

export interface ClusterBenchOptions {
  readonly logsift: string;
  readonly input: string;
  readonly bytes: number;
  readonly rounds: number;
  readonly outDir: string;
  readonly say: (line?: string) => void;
  readonly note: (line: string) => void;
}

interface Setting {
  readonly label: string;
  /** Worker processes and threads each; none: the local run. */
  readonly workers: number;
  readonly threads: number;
}

const SETTINGS: readonly Setting[] = [
  { label: 'local run (--threads 2)', workers: 0, threads: 2 },
  { label: 'cluster, 1 worker x 2 threads', workers: 1, threads: 2 },
  { label: 'cluster, 2 workers x 1 thread', workers: 2, threads: 1 },
];
/** The target: the cluster of two workers within this factor of the local run. */
const TARGET_RATIO = 1.25;

/** Runs the cluster bench; false when a cluster output differs from the local one. */
export async function runClusterBench(options: ClusterBenchOptions): Promise<boolean> {
  const { say, note } = options;
  if (spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status !== 0) {
    note('note: redis-server is not installed, so the cluster bench is skipped: apt-get install redis-server');
    return true;
  }
  const redis = await startRedis();
  try {
    const seconds = new Map<string, number[]>(SETTINGS.map((s) => [s.label, []]));
    let summary = '';
    let correct = true;
    const localCsv = join(options.outDir, 'cluster-local.csv');
    for (let round = 0; round < options.rounds; round++) {
      for (const setting of rotate(SETTINGS, round)) {
        const csv = setting.workers === 0 ? localCsv : join(options.outDir, `cluster-${setting.workers}.csv`);
        const args = ['--input', options.input, '--output', csv, '--no-progress', ...(setting.workers === 0 ? ['--threads', '2'] : ['--redis', redis.url])];
        const workers = await Promise.all(Array.from({ length: setting.workers }, () => startWorker(options.logsift, redis.url, setting.threads)));
        try {
          const { ms, stdout } = await timed(options.logsift, args);
          seconds.get(setting.label)!.push(ms / 1000);
          note(`[cluster ${round + 1}/${options.rounds}] ${setting.label.padEnd(32)} ${(ms / 1000).toFixed(3)} s`);
          if (setting.workers === 2) summary = stdout;
          if (setting.workers > 0 && round === 0) correct = readFileSync(csv).equals(readFileSync(localCsv)) && correct;
        } finally {
          await Promise.all(workers.map(stopWorker));
        }
      }
    }
    const perJob = await jobOverhead(options, redis.url);
    const mib = options.bytes / 1048576;
    const local = median(seconds.get(SETTINGS[0].label)!);
    say('## Cluster: the coordinator and local workers (BullMQ on Redis)');
    say();
    say(`${mib.toFixed(0)} MiB, ${options.rounds} rounds, each setting once per round in rotated order; workers started before each cluster run.`);
    say();
    say('| setting | median s | MiB/s | x local |');
    say('|---|---:|---:|---:|');
    for (const setting of SETTINGS) {
      const m = median(seconds.get(setting.label)!);
      say(`| ${setting.label} | ${m.toFixed(3)} | ${(mib / m).toFixed(0)} | ${(m / local).toFixed(2)} |`);
    }
    const figures = /(\d+) jobs?, \d+ retried, (\d+) partials? \(([\d.]+) MiB, merged in ([\d.]+) s\)/.exec(summary);
    say();
    if (figures) {
      const [jobs, partials, partialMiB, mergeS] = [Number(figures[1]), Number(figures[2]), Number(figures[3]), Number(figures[4])];
      say(`2 workers: ${jobs} jobs, ${partials} partials, ${(partialMiB / partials).toFixed(2)} MiB per partial (${partialMiB.toFixed(1)} MiB per run), ` +
        `${((mergeS * 1000) / partials).toFixed(1)} ms to read, decode and merge one partial.`);
    }
    say(`Per-job overhead: ${perJob.toFixed(1)} ms (a run of ${OVERHEAD_JOBS} jobs of 16 KiB each, one worker, minus the same run locally, per job).`);
    say(`Outputs: ${correct ? 'the cluster CSVs are byte-identical to the local run' : 'DIFFER from the local run'}.`);
    const ratio = median(seconds.get(SETTINGS[2].label)!) / local;
    say(`Target: 2 workers within ${TARGET_RATIO} x of the local run: ${ratio.toFixed(2)} x ${ratio <= TARGET_RATIO ? 'PASS' : 'FAIL'}`);
    say();
    return correct;
  } finally {
    await redis.stop();
  }
}

const OVERHEAD_JOBS = 64;

/** Milliseconds a job costs beyond its scan: a 1 MiB log in 64 ranges, on the cluster and locally. */
async function jobOverhead(options: ClusterBenchOptions, url: string): Promise<number> {
  const small = join(options.outDir, 'cluster-small.log');
  const head = spawnSync('head', ['-c', String(OVERHEAD_JOBS * 16384), options.input], { maxBuffer: 1 << 24 }).stdout;
  writeFileSync(small, head.subarray(0, head.lastIndexOf(10) + 1));
  const args = ['--input', small, '--no-progress', '--range-bytes', '16384', '--output'];
  const worker = await startWorker(options.logsift, url, 1);
  try {
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const cluster = await timed(options.logsift, [...args, join(options.outDir, 'cluster-small.csv'), '--redis', url]);
      const local = await timed(options.logsift, [...args, join(options.outDir, 'cluster-small-local.csv'), '--threads', '1']);
      runs.push((cluster.ms - local.ms) / OVERHEAD_JOBS);
    }
    return median(runs);
  } finally {
    await stopWorker(worker);
  }
}

function rotate<T>(items: readonly T[], round: number): T[] {
  const at = round % items.length;
  return [...items.slice(at), ...items.slice(0, at)];
}

async function timed(logsift: string, args: readonly string[]): Promise<{ ms: number; stdout: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [logsift, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`logsift ${args.join(' ')} failed: ${stderr}`);
  return { ms: performance.now() - started, stdout };
}

async function startWorker(logsift: string, url: string, threads: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [logsift, 'worker', '--redis', url, '--threads', String(threads), '--root', '/'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  for (let i = 0; i < 300 && !stderr.includes('waiting for jobs'); i++) {
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!stderr.includes('waiting for jobs')) {
    child.kill('SIGKILL');
    throw new Error(`logsift worker did not start: ${stderr}`);
  }
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'logsift-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8' }).stdout?.trim() === 'PONG') break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
