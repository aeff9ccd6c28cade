// The work list of a run with many inputs: pipes, then compressed files biggest first, then every plain file cut
// into line-aligned ranges covering each byte once.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RangeTask, Task } from '../../src/plan/tasks.js';
import { planTasks } from '../../src/plan/plan-tasks.js';
import { probeFile, type PlannedFile } from '../../src/inputs/probe.js';

let dir: string;
const line = (i: number): string => `10.0.0.${i % 250} - - [10/Oct/2000:13:55:36 -0700] "GET /${i} HTTP/1.0" 404 12\n`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logsift-plan-tasks-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function plainFile(input: number, name: string, lines: number): PlannedFile {
  const text = Array.from({ length: lines }, (_, i) => line(i)).join('');
  writeFileSync(join(dir, name), text);
  return { input, path: join(dir, name), size: text.length, compression: 'none', format: 'common' };
}

describe('planTasks', () => {
  test('pipes first, then compressed files biggest first, then ranges of plain files in input order', () => {
    const files: PlannedFile[] = [
      plainFile(0, 'a.log', 100),
      { input: 1, path: 'small.gz', size: 10, compression: 'gzip', format: 'auto' },
      { input: 2, path: '-', size: 0, pipe: true, compression: 'none', format: 'auto' },
      { input: 3, path: 'big.zst', size: 1000, compression: 'zstd', format: 'auto' },
      plainFile(4, 'b.log', 50),
      plainFile(5, 'empty.log', 0),
    ];
    const tasks = planTasks(files, { producers: 2, rangeBytes: 1 << 20 });
    assert.deepEqual(
      tasks.map((task) => [task.kind, task.input]),
      [['stream', 2], ['stream', 3], ['stream', 1], ['range', 0], ['range', 4]],
    );
    assert.deepEqual(tasks.slice(0, 3).map((task) => task.kind === 'stream' && task.from), ['pipe', 'file', 'file']);
  });

  test('gzip streams fewer than the cores inflate beside their producer; as many or more, on it', () => {
    const gz = (input: number): PlannedFile => ({ input, path: `${input}.gz`, size: 10, compression: 'gzip', format: 'auto' });
    const cores = availableParallelism();
    const aside = (files: PlannedFile[]): (boolean | undefined)[] => planTasks(files, { producers: 2, rangeBytes: 1 << 20 }).map((task) => task.kind === 'stream' && task.inflateAside);
    const few = Array.from({ length: cores - 1 }, (_, i) => gz(i));
    assert.deepEqual(aside(few), few.map(() => true));
    const many = Array.from({ length: cores }, (_, i) => gz(i));
    assert.deepEqual(aside(many), many.map(() => undefined));
    // Not for the other compressions, which decode on the producer's thread anyway.
    if (cores > 1) assert.deepEqual(aside([{ input: 0, path: 'a.zst', size: 10, compression: 'zstd', format: 'auto' }]), [undefined]);
  });

  test('ranges of every plain file cover it exactly, cut at line starts; a big file still gets several', () => {
    const files = [plainFile(0, 'big.log', 4000), plainFile(1, 'one.log', 3), plainFile(2, 'two.log', 40)];
    const rangeBytes = 5000;
    const tasks = planTasks(files, { producers: 3, rangeBytes }) as RangeTask[];
    for (const file of files) {
      const ranges = tasks.filter((task) => task.input === file.input);
      assert.equal(ranges[0].start, 0);
      assert.equal(ranges.at(-1)!.end, file.size);
      const text = readFileSync(file.path);
      for (let i = 1; i < ranges.length; i++) {
        assert.equal(ranges[i].start, ranges[i - 1].end);
        assert.equal(text[ranges[i].start - 1], 0x0a, 'a range starts at a line start');
      }
    }
    assert.ok(tasks.filter((task: Task) => task.input === 0).length > 3);
  });

  test('a small file left to its producer is one range from where the probe saw its text start, as if read again', () => {
    for (const [name, text] of [['bom.log', '\ufeff' + line(1) + line(2)], ['plain.log', line(1)], ['just-bom.log', '\ufeff'], ['tiny.log', 'ab']] as const) {
      writeFileSync(join(dir, name), text);
      const probed = probeFile(0, join(dir, name), 'auto', {}, 1 << 20);
      assert.notEqual(probed.textStart, undefined);
      const { textStart: _, ...unprobed } = probed;
      for (const producers of [1, 3]) {
        assert.deepEqual(planTasks([probed], { producers, rangeBytes: 1 << 20 }), planTasks([unprobed], { producers, rangeBytes: 1 << 20 }));
      }
    }
  });
});
