// scan/task-scanner.ts: scanning tasks into partials, in any thread or process. One TaskScanner keeps its table
// across tasks and hands it over when it grows big; scanTask scans one task alone. Either way, the partials
// add up to the same counts, and line counts are kept per input.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import { resolveOptions } from '../../src/options/run-spec.js';
import type { Task } from '../../src/plan/tasks.js';
import { scanTask, TaskScanner, type ScanConfig } from '../../src/scan/task-scanner.js';
import { GroupTable } from '../../src/tables/group-table.js';
import type { ScanPartial } from '../../src/tables/partial.js';
import { withTempDir } from '../support/files.js';

const LOG = Array.from({ length: 200 }, (_, i) => `10.0.${i % 7}.${i % 13} - - [01/May/2024:00:00:${String(i % 60).padStart(2, '0')} +0000] "GET /p${i % 5} HTTP/1.1" ${[200, 404, 500, 403][i % 4]} 12`).join('\n') + '\n';

function configFor(flushGroups: number, kernel = true): ScanConfig {
  const spec = resolveOptions({ input: 'unused' });
  return { formatOptions: spec.formatOptions, statusColumns: spec.statusColumns, chunkBytes: 100, flushGroups, kernel };
}

/** The partials' groups merged, as sorted plain rows. */
function merged(partials: readonly ScanPartial[]): unknown[] {
  const table = new GroupTable(partials[0].width - 1);
  for (const partial of partials) table.mergePartial(partial);
  return Array.from({ length: table.size }, (_, i) => table.row(i)).sort((a, b) => (a.key < b.key ? -1 : 1));
}

describe('TaskScanner and scanTask', () => {
  test('one scanner over many ranges, or each range alone: the same counts and line counts', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'access.log');
      writeFileSync(path, LOG);
      const half = LOG.indexOf('\n', LOG.length / 2) + 1;
      const tasks: Task[] = [
        { kind: 'range', input: 0, path, start: 0, end: half, format: 'common' },
        { kind: 'range', input: 0, path, start: half, end: LOG.length, format: 'common' },
      ];
      for (const kernel of [true, false]) {
        const together: ScanPartial[] = [];
        const scanner = new TaskScanner(configFor(4, kernel), { handOver: async (partial) => void together.push(partial) });
        for (const task of tasks) assert.equal(await scanner.scan(task), undefined);
        await scanner.flush();
        scanner.close();
        if (kernel) {
          // The counting kernel hands its table over within a task too, as soon as it holds flushGroups groups
          // (checked after each read of 100 bytes: a line or two more).
          assert.ok(together.length > 2, 'the kernel hands full tables over within a task');
          for (const partial of together) assert.ok(partial.keyEnds.length <= 4 + 2, `a partial of ${partial.keyEnds.length} groups`);
        } else {
          assert.equal(together.length, 2, 'a small flushGroups hands the table over after each task');
        }
        const alone = await Promise.all(tasks.map((task) => scanTask(task, configFor(1 << 16, kernel))));
        assert.deepEqual(merged(together), merged(alone.flatMap((scanned) => scanned.partials)));
        assert.equal(scanner.stats[0].lines, 200);
        assert.equal(alone[0].stats[0].lines + alone[1].stats[0].lines, 200);
        assert.equal(scanner.stats[0].matched, 150);
      }
    });
  });

  test('small files of several formats in a row, detected and scanned where they were read: as with the format named, kernel or not', async () => {
    await withTempDir(async (dir) => {
      const json = LOG.split('\n').filter(Boolean).map((line, i) => JSON.stringify({ remote_addr: `10.1.0.${i % 9}`, time_local: '01/May/2024:00:00:00 +0000', status: [200, 404, 500][i % 3], request: 'GET / HTTP/1.1' })).join('\n') + '\n';
      const combined = LOG.replace(/ 12$/gm, ' 12 "-" "agent"');
      // A file past the detection sample (which then ends within it), a BOM, no final newline, formats changing.
      const long = combined.repeat(Math.ceil(300_000 / combined.length));
      const files: Array<[string, string, string]> = [
        ['a.log', combined, 'combined'], ['b.log', combined.slice(0, -1), 'combined'], ['c.log', long, 'combined'],
        ['d.log', '\ufeff' + combined, 'combined'], ['e.log', LOG, 'common'], ['f.log', json, 'json'], ['g.log', combined, 'combined'],
      ];
      const tasks = files.map(([name, text], input): Task => {
        const path = join(dir, name);
        writeFileSync(path, text);
        const size = Buffer.byteLength(text);
        return { kind: 'range', input, path, start: text.startsWith('\ufeff') ? 3 : 0, end: size, format: 'auto' };
      });
      const scanAll = async (kernel: boolean, named: boolean) => {
        const partials: ScanPartial[] = [];
        const config = { ...configFor(1 << 16, kernel), chunkBytes: 1 << 20 };
        const scanner = new TaskScanner(config, { handOver: async (partial) => void partials.push(partial) });
        const formats: string[] = [];
        for (const [i, task] of tasks.entries()) formats.push((await scanner.scan(named ? { ...task, format: files[i][2] } : task))?.detection.name ?? files[i][2]);
        await scanner.flush();
        scanner.close();
        return { formats, rows: merged(partials), stats: scanner.stats };
      };
      const expected = await scanAll(false, true);
      assert.deepEqual(expected.formats, files.map((file) => file[2]));
      for (const [kernel, named] of [[true, false], [false, false], [true, true]] as const) assert.deepEqual(await scanAll(kernel, named), expected, `kernel ${kernel}, named ${named}`);
    });
  });

  test('a stream task (a compressed file, or a pipe\'s bytes) reports its format and sizes', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'access.log.gz');
      const gzipped = gzipSync(LOG);
      writeFileSync(path, gzipped);
      const file = await scanTask({ kind: 'stream', input: 3, path, from: 'file', compression: 'gzip', format: 'auto', size: gzipped.length }, configFor(1 << 16));
      assert.equal(file.streamed?.detection.name, 'common');
      assert.equal(file.streamed?.bytes, gzipped.length);
      assert.equal(file.streamed?.uncompressedBytes, LOG.length);
      assert.equal(file.stats[3].matched, 150);
      async function* pipe(): AsyncIterable<Uint8Array> {
        for (let at = 0; at < LOG.length; at += 333) yield Buffer.from(LOG.slice(at, at + 333));
      }
      const piped = await scanTask({ kind: 'stream', input: 0, path: '-', from: 'pipe', compression: 'none', format: 'auto', size: 0 }, configFor(1 << 16), pipe());
      assert.deepEqual(merged(piped.partials), merged(file.partials));
      await assert.rejects(scanTask({ kind: 'stream', input: 0, path: '-', from: 'pipe', compression: 'none', format: 'auto', size: 0 }, configFor(8)), /no bytes given/);
    });
  });
});
