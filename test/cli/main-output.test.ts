// The command line's output and signals (cli/main.ts, sinks/atomic.ts), as a user meets them: an output that
// is a device, a FIFO, /dev/stdout or a symlink is never replaced by a regular file; a replaced file keeps its
// mode; a temp file left by a killed run is cleaned up, and said so; SIGINT and SIGTERM end a run at once,
// even one waiting on a FIFO with no data, keeping the old output.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, createReadStream, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tempPathFor } from '../../src/sinks/atomic.js';
import { runCli } from '../support/cli.js';
import { withTempDir } from '../support/files.js';
import { REPO_ROOT } from '../support/paths.js';

const SAMPLE = join(REPO_ROOT, 'data', 'sample.log');
const HEADER = /^ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen\n/;

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

async function readAll(path: string): Promise<string> {
  let text = '';
  for await (const chunk of createReadStream(path, 'latin1')) text += chunk;
  return text;
}

describe('outputs that are not regular files are written through', () => {
  test('a FIFO: its reader gets the CSV, and it stays a FIFO', async () => {
    await withTempDir(async (dir) => {
      const fifo = join(dir, 'out.fifo');
      mkfifo(fifo);
      const [run, got] = await Promise.all([runCli(['--input', SAMPLE, '--output', fifo, '--no-progress']), readAll(fifo)]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(got, HEADER);
      assert.ok(statSync(fifo).isFIFO());
      assert.deepEqual(readdirSync(dir), ['out.fifo']);
    });
  });

  test('/dev/null discards (and stays a device), /dev/full says no space left, /dev/stdout is stdout', async () => {
    const toNull = await runCli(['--input', SAMPLE, '--output', '/dev/null', '--no-progress']);
    assert.equal(toNull.code, 0, toNull.stderr);
    assert.ok(statSync('/dev/null').isCharacterDevice());
    const toFull = await runCli(['--input', SAMPLE, '--output', '/dev/full', '--no-progress']);
    assert.equal(toFull.code, 1);
    assert.equal(toFull.stderr, 'logsift: error: cannot write output /dev/full: no space left on the device\n');
    assert.ok(statSync('/dev/full').isCharacterDevice());
    const toStdout = await runCli(['--input', SAMPLE, '--output', '/dev/stdout', '--no-progress']);
    assert.equal(toStdout.code, 0, toStdout.stderr);
    assert.match(toStdout.stdout, HEADER);
  });
});

describe('a replaced output', () => {
  test('through a symlink: the target is replaced, the link stays; a 600 file stays 600', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'real.csv'), 'old');
      chmodSync(join(dir, 'real.csv'), 0o600);
      symlinkSync('real.csv', join(dir, 'link.csv'));
      const run = await runCli(['--input', SAMPLE, '--output', join(dir, 'link.csv'), '--no-progress']);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(readlinkSync(join(dir, 'link.csv')), 'real.csv');
      assert.match(readFileSync(join(dir, 'real.csv'), 'latin1'), HEADER);
      assert.equal(statSync(join(dir, 'real.csv')).mode & 0o777, 0o600);
    });
  });

  test('a name of 255 bytes works; a temp file left by a killed run is removed by the next, which says so', async () => {
    await withTempDir(async (dir) => {
      const output = join(dir, 'r'.repeat(251) + '.csv');
      const stale = tempPathFor(output, 4_000_000);
      writeFileSync(stale, 'half of a CSV from a run killed with kill -9');
      const run = await runCli(['--input', SAMPLE, '--output', output, '--no-progress']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /^logsift: warning: removed .*\.logsift-4000000\.tmp, a temp file left by an interrupted run\n$/);
      assert.deepEqual(readdirSync(dir), ['r'.repeat(251) + '.csv']);
      assert.match(readFileSync(output, 'latin1'), HEADER);
    });
  });
});

describe('signals end a run at once, the old output kept', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} while a FIFO input has no data yet`, async () => {
      await withTempDir(async (dir) => {
        const fifo = join(dir, 'in.fifo');
        mkfifo(fifo);
        const output = join(dir, 'out.csv');
        writeFileSync(output, 'old');
        let sentAt = 0;
        const run = await runCli(['--input', fifo, '--output', output, '--no-progress'], {
          onSpawn: (child) =>
            setTimeout(() => {
              sentAt = Date.now();
              child.kill(signal);
            }, 1000),
        });
        assert.ok(Date.now() - sentAt < 3000, 'ended at once');
        assert.equal(run.signal, signal, `died by the signal (a shell shows ${signal === 'SIGINT' ? 130 : 143}): ${run.code} ${run.stderr}`);
        assert.equal(readFileSync(output, 'latin1'), 'old');
        assert.deepEqual(readdirSync(dir).sort(), ['in.fifo', 'out.csv']);
      });
    });
  }

  test('SIGINT while waiting for a FIFO output to be read: ends, and the FIFO stays', async () => {
    await withTempDir(async (dir) => {
      const fifo = join(dir, 'out.fifo');
      mkfifo(fifo);
      const run = await runCli(['--input', SAMPLE, '--output', fifo, '--no-progress'], {
        onSpawn: (child) => setTimeout(() => child.kill('SIGINT'), 1500),
      });
      assert.equal(run.signal, 'SIGINT', run.stderr);
      assert.ok(statSync(fifo).isFIFO());
    });
  });
});

test('a missing output folder on a read-only file system says so (not ENOENT)', async (t) => {
  await withTempDir(async (dir) => {
    const mount = join(dir, 'ro');
    execFileSync('mkdir', [mount]);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro', 'tmpfs', mount], { stdio: 'ignore' });
    } catch {
      return t.skip('cannot mount a read-only tmpfs here (needs root)');
    }
    try {
      const run = await runCli(['--input', SAMPLE, '--output', join(mount, 'a', 'b.csv'), '--no-progress']);
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `logsift: error: cannot write output ${join(mount, 'a', 'b.csv')}: read-only file system\n`);
    } finally {
      execFileSync('umount', [mount]);
    }
  });
});

test('SIGINT during the final save: the process dies by it, the output is the old one or the whole new one, no temp file stays', async () => {
  await withTempDir(async (dir) => {
    // 300,000 distinct clients over the threshold: a CSV of about 25 MB, whose save takes long enough to be caught.
    const lines: string[] = [];
    for (let i = 0; i < 300_000; i++) lines.push(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255} - - [01/May/2024:00:00:00 +0000] "GET / HTTP/1.1" 404 1`);
    const input = join(dir, 'many.log');
    writeFileSync(input, lines.join('\n') + '\n');
    const args = ['--input', input, '--threshold', '1', '--no-progress', '--quiet'];
    const complete = join(dir, 'complete.csv');
    assert.equal((await runCli([...args, '--output', complete])).code, 0);
    const expected = readFileSync(complete, 'latin1');
    const output = join(dir, 'out.csv');
    let caught = false;
    for (let attempt = 0; attempt < 5 && !caught; attempt++) {
      writeFileSync(output, 'old');
      const run = await runCli([...args, '--output', output], {
        onSpawn: (child) => {
          // The save is under way once its temp file is there (sinks/atomic.ts names it beside the output).
          const poll = setInterval(() => {
            if (readdirSync(dir).some((name) => name.startsWith('.out.csv.logsift-') && name.endsWith('.tmp'))) {
              caught = true;
              clearInterval(poll);
              child.kill('SIGINT');
            }
          }, 1);
          child.once('exit', () => clearInterval(poll));
        },
      });
      if (!caught) continue;
      assert.equal(run.signal, 'SIGINT', `${run.code} ${run.stderr}`);
      const now = readFileSync(output, 'latin1');
      assert.ok(now === 'old' || now === expected, `the output is neither the old one nor the whole new one (${now.length} bytes)`);
      assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), []);
    }
    assert.ok(caught, 'the save was never caught under way in five runs');
  });
});
