// rediss://: a cluster run over TLS, against a Redis of the test's own that speaks only TLS, with a certificate
// made here for 127.0.0.1. With the certificate trusted (NODE_EXTRA_CA_CERTS) the run writes the local run's
// bytes; without, it stops with one line naming the certificate problem, and never falls back to plain text.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { runCli } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { REPO_ROOT } from '../support/paths.js';
import { freePort, redisSkip, WorkerProcess } from '../support/redis.js';

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
const skip = redisSkip() || (hasOpenssl ? false : 'openssl is not installed (it makes the test certificate)');

describe('a cluster run over TLS (rediss://)', { skip }, () => {
  let dir: string;
  let port: number;
  let server: ChildProcess;
  let trusted: Record<string, string>;

  before(async () => {
    dir = makeTempDir('logsift-tls-');
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=digitalSignature,keyCertSign,keyEncipherment',
    ], { stdio: 'ignore' });
    trusted = { NODE_EXTRA_CA_CERTS: cert };
    port = await freePort();
    server = spawn('redis-server', [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--tls-cert-file', cert, '--tls-key-file', key,
      '--tls-ca-cert-file', cert, '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no', '--dir', dir,
    ], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const client = new Redis({ host: '127.0.0.1', port, tls: { ca: readFileSync(cert) }, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        client.disconnect();
        break;
      } catch {
        client.disconnect();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    copyFileSync(join(REPO_ROOT, 'data', 'sample.log'), join(dir, 'sample.log'));
  });
  after(() => {
    server?.kill('SIGKILL');
    removeDir(dir);
  });

  test('with the certificate trusted, a worker and the coordinator write the local run\'s bytes', async () => {
    const url = `rediss://127.0.0.1:${port}`;
    const worker = await WorkerProcess.start(url, ['--root', dir], trusted);
    try {
      const local = await runCli([join(dir, 'sample.log'), '-o', join(dir, 'local.csv'), '--range-bytes', '500000']);
      assert.equal(local.code, 0, local.stderr);
      const run = await runCli(['--redis', url, join(dir, 'sample.log'), '-o', join(dir, 'cluster.csv'), '--range-bytes', '500000'], { env: trusted });
      assert.equal(run.code, 0, run.stderr);
      assert.doesNotMatch(run.stderr + worker.stderr, /Warning/);
      assert.match(run.stdout, /cluster +1 worker, \d+ jobs/);
      assert.deepEqual(readFileSync(join(dir, 'cluster.csv')), readFileSync(join(dir, 'local.csv')));
    } finally {
      await worker.stop();
    }
  });

  test('with the certificate not trusted, one line says why, and nothing is written', async () => {
    const run = await runCli(['--redis', `rediss://127.0.0.1:${port}`, join(dir, 'sample.log'), '-o', join(dir, 'untrusted.csv')]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^logsift: error: cannot reach Redis at rediss:\/\/127\.0\.0\.1:\d+: self-signed certificate\n$/);
    assert.equal(spawnSync('test', ['-e', join(dir, 'untrusted.csv')]).status, 1);
  });
});
