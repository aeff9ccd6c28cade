// engine/producer-pool.ts: one read by worker threads. Every task's partials reach the queue, every producer's
// line counts are heard, and a producer that fails fails the read once, saying which task it was scanning.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runProducers } from '../../src/engine/producer-pool.js';
import { BoundedQueue } from '../../src/engine/queue.js';
import { resolveOptions } from '../../src/options/run-spec.js';
import type { Task } from '../../src/plan/tasks.js';
import type { ScanConfig } from '../../src/scan/task-scanner.js';
import type { FileStats } from '../../src/tables/line-counts.js';
import type { ScanPartial } from '../../src/tables/partial.js';
import { withTempDir } from '../support/files.js';

const LINE = '10.0.0.1 - - [01/May/2024:00:00:00 +0000] "GET / HTTP/1.1" 404 1\n';

function config(): ScanConfig {
  const spec = resolveOptions({ input: 'unused' });
  return { formatOptions: spec.formatOptions, statusColumns: spec.statusColumns, chunkBytes: 1 << 16, flushGroups: 1 << 16, kernel: true };
}

async function drain(queue: BoundedQueue<ScanPartial>, into: ScanPartial[]): Promise<void> {
  for await (const partial of queue) into.push(partial);
}

describe('runProducers', () => {
  test('onLoaded is heard once, when the last producer has spoken', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'a.log');
      writeFileSync(path, LINE.repeat(10));
      const tasks: Task[] = Array.from({ length: 10 }, (_, i) => ({ kind: 'range', input: 0, path, start: i * LINE.length, end: (i + 1) * LINE.length, format: 'common' }));
      for (const producers of [1, 3]) {
        const queue = new BoundedQueue<ScanPartial>(1);
        const drained = drain(queue, []);
        let loaded = 0;
        await runProducers({ config: config(), tasks, producers, queue, onLoaded: () => loaded++ }).finally(() => queue.close());
        await drained;
        assert.equal(loaded, 1, `${producers} producers`);
      }
    });
  });

  test('every task is scanned once: the partials and the line counts add up', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'a.log');
      writeFileSync(path, LINE.repeat(10));
      const tasks: Task[] = Array.from({ length: 10 }, (_, i) => ({ kind: 'range', input: 0, path, start: i * LINE.length, end: (i + 1) * LINE.length, format: 'common' }));
      const queue = new BoundedQueue<ScanPartial>(1);
      const partials: ScanPartial[] = [];
      const drained = drain(queue, partials);
      const stats: FileStats[] = [];
      await runProducers({ config: config(), tasks, producers: 3, queue, onStats: (s) => stats.push(s) }).finally(() => queue.close());
      await drained;
      const lines = stats.reduce((sum, s) => sum + (s[0]?.lines ?? 0), 0);
      assert.equal(lines, 10);
      const counted = partials.reduce((sum, p) => sum + new Uint32Array(p.records.buffer, p.records.byteOffset, 1)[0], 0);
      assert.equal(counted, 10);
    });
  });

  test('ranges asked for ahead, streams between them read alone: every task once, every byte heard', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'a.log');
      writeFileSync(path, LINE.repeat(40));
      const range = (i: number): Task => ({ kind: 'range', input: 0, path, start: i * LINE.length, end: (i + 1) * LINE.length, format: 'common' });
      const stream: Task = { kind: 'stream', input: 0, path, from: 'file', compression: 'none', format: 'common', size: 40 * LINE.length };
      // A producer scanning ranges asks ahead; with a stream next it is told to ask again once done.
      const tasks: Task[] = [range(0), range(1), stream, range(2), stream, stream, range(3), range(4), stream];
      const lines = 5 + 4 * 40;
      for (const producers of [1, 2, 3]) {
        const queue = new BoundedQueue<ScanPartial>(1);
        const partials: ScanPartial[] = [];
        const drained = drain(queue, partials);
        const stats: FileStats[] = [];
        let heard = 0;
        await runProducers({ config: config(), tasks, producers, queue, onStats: (s) => stats.push(s), onRead: (bytes) => (heard += bytes) }).finally(() => queue.close());
        await drained;
        assert.equal(stats.reduce((sum, s) => sum + (s[0]?.lines ?? 0), 0), lines);
        assert.equal(partials.reduce((sum, p) => sum + new Uint32Array(p.records.buffer, p.records.byteOffset, 1)[0], 0), lines);
        assert.equal(heard, lines * LINE.length);
      }
    });
  });

  test('a producer that meets a bug fails the read, naming the task it was scanning', async () => {
    const missing = join('/nonexistent-logsift-dir', 'gone.log');
    const tasks: Task[] = [{ kind: 'range', input: 0, path: missing, start: 0, end: 100, format: 'common' }];
    const queue = new BoundedQueue<ScanPartial>(1);
    const drained = drain(queue, []);
    await assert.rejects(
      runProducers({ config: config(), tasks, producers: 1, queue }).finally(() => queue.close()),
      (error: Error) => error.message.includes(`(while scanning ${missing}, bytes 0-100)`) && /in a producer thread/.test(error.stack ?? ''),
    );
    await drained;
  });
});
