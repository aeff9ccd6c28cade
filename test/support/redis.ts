// A Redis server of a test's own (Debian's redis-server, on a free port, in a temp folder, no persistence),
// and `logsift worker` processes attached to it. Without redis-server the cluster tests skip, saying why;
// under CI=true they fail instead (CI installs it: .ci/run).

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { CLI_PATH } from './paths.js';

const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** `skip` for node:test: false when redis-server is there; a reason when not (and a failure under CI). */
export function redisSkip(): false | string {
  if (hasRedisServer) return false;
  if (process.env.CI === 'true') throw new Error('CI=true but redis-server is not installed (.ci/run installs it)');
  return 'redis-server is not installed (apt-get install redis-server)';
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class TestRedis {
  private process: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'logsift-redis-'));

  /** `binds`: the addresses it listens on; the first is the one the tests connect to. */
  private constructor(
    readonly port: number,
    readonly binds: readonly string[],
  ) {}

  get bind(): string {
    return this.binds[0];
  }

  get url(): string {
    return `redis://${this.bind}:${this.port}`;
  }

  static async start(binds: readonly string[] = ['127.0.0.1']): Promise<TestRedis> {
    const redis = new TestRedis(await freePort(), binds);
    await redis.startServer();
    return redis;
  }

  /** Starts (again) on the same port: a restart of a server without persistence starts empty. */
  async startServer(): Promise<void> {
    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', ...this.binds, '--save', '', '--appendonly', 'no', '--dir', this.dir,
      // Addresses beyond loopback are link-local veth ends of the test's own namespaces (test/cluster/netns.test.ts).
      ...(this.binds.some((bind) => !bind.startsWith('127.')) ? ['--protected-mode', 'no'] : []),
    ], {
      stdio: 'ignore',
    });
    this.process = child;
    for (let i = 0; i < 100; i++) {
      const client = new Redis({ host: this.bind, port: this.port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        client.disconnect();
      }
    }
    throw new Error('redis-server did not start');
  }

  /** Stops the server (SIGKILL: as a crash), and waits for it to be gone. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await gone;
  }

  client(): Redis {
    const client = new Redis({ host: this.bind, port: this.port, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
    return client;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A `logsift worker` process, started and waiting for jobs. */
export class WorkerProcess {
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** `command`: run this instead of node directly (e.g. `ip netns exec NAME`). */
  static async start(url: string, args: readonly string[] = [], env: Record<string, string> = {}, command: readonly string[] = []): Promise<WorkerProcess> {
    const argv = [...command, process.execPath, CLI_PATH, 'worker', '--redis', url, ...args];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], env: { ...cleanEnv(), ...env } });
    const worker = new WorkerProcess(child);
    for (let i = 0; i < 400 && !/waiting for jobs/.test(worker.stderr); i++) {
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (!/waiting for jobs/.test(worker.stderr)) {
      child.kill('SIGKILL');
      throw new Error(`worker did not start: ${worker.stderr}`);
    }
    return worker;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(LOGSIFT_.*|NODE_TEST_CONTEXT|NODE_OPTIONS)$/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** Polls `check` every 20 ms until it gives a value, for at most `ms`. */
export async function waitFor<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
