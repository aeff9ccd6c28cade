// consumer/consumer.ts and the seams a driver is made of: planTasks -> scanTask -> (bytes) -> mergePartial ->
// finish. A driver that scans every task alone, in any order, sends the partials through encodePartial /
// decodePartial and merges them in any order gets the result analyze() gets, for every analysis: the seams
// are what a cluster driver will use, and nothing of the local driver is needed to get the same answer.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { createConsumer, finish, firstPass, mergePartial, SECOND_PASS, type ConsumedRun, type Consumer } from '../../src/consumer/consumer.js';
import { analyze } from '../../src/engine/analyze.js';
import { probeInputs } from '../../src/inputs/probe.js';
import { resolveInputs } from '../../src/inputs/resolve.js';
import type { EngineOptions } from '../../src/options/internal-options.js';
import { resolveOptions } from '../../src/options/run-spec.js';
import { planTasks } from '../../src/plan/plan-tasks.js';
import { scanTask, type ScanConfig } from '../../src/scan/task-scanner.js';
import { decodePartial, encodePartial } from '../../src/tables/partial-codec.js';
import type { ScanPartial } from '../../src/tables/partial.js';
import type { AnalyzeResult } from '../../src/tables/result.js';
import { comparable, logs, spanBounds } from '../support/analysis-logs.js';

/** A driver made only of the seams: each task scanned alone, in `order`, partials merged as bytes, reversed. */
async function analyzeBySeams(options: EngineOptions, order: (count: number) => number[]): Promise<AnalyzeResult> {
  const started = performance.now();
  const spec = resolveOptions(options);
  const resolved = await resolveInputs(spec.inputs);
  const { files, skipped, relays } = await probeInputs(resolved.inputs, spec);
  assert.equal(relays.size, 0);
  const tasks = planTasks(files, { producers: spec.threads, rangeBytes: spec.rangeBytes });
  const run: ConsumedRun = { spec, files, skipped: [...resolved.skipped, ...skipped], tasks, started };
  const read = async (consumer: Consumer): Promise<void> => {
    const config: ScanConfig = { ...spec, analysis: consumer.analysis };
    const partials: ScanPartial[] = [];
    for (const i of order(tasks.length)) {
      const scanned = await scanTask(tasks[i], config);
      for (const partial of scanned.partials) partials.push(decodePartial(encodePartial(partial)));
      consumer.addStats(scanned.stats);
      if (scanned.streamed) consumer.streamed(scanned.streamed);
    }
    for (const partial of partials.reverse()) mergePartial(consumer, partial);
  };
  let consumer = createConsumer(run, firstPass(run));
  await read(consumer);
  if (consumer.needsAnotherPass) await read((consumer = createConsumer(run, SECOND_PASS)));
  return finish(consumer);
}

/** What must agree: the rows, and the summary's counts. */
function agreed(result: AnalyzeResult): unknown {
  const { lines, blank, malformed, comment, parsed, matched, outside, excluded, groups, reported, bytes, uncompressedBytes, format } = result.summary;
  return { rows: comparable(result), summary: { lines, blank, malformed, comment, parsed, matched, outside, excluded, groups, reported, bytes, uncompressedBytes, format } };
}

const analyses = fc.oneof(
  fc.constant<Omit<EngineOptions, 'input'>>({}),
  fc.constantFrom<Omit<EngineOptions, 'input'>>({ window: '10m' }, { window: '1m', windowSlack: 0 }, { by: 'path' }, { by: 'ip,status' }),
  fc.record({ since: spanBounds, until: spanBounds }).map(({ since, until }) => ({ since: since.text, until: until.text, window: '5m' })),
  fc.constantFrom<Omit<EngineOptions, 'input'>>({ includeIp: ['10.0.0.0/8'] }, { excludeIp: ['2001:db8::/32'] }),
);

describe('a driver made of the seams (planTasks, scanTask, encodePartial, mergePartial, finish)', () => {
  test('gets analyze()\'s result, whatever the order tasks are scanned and partials merged in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-seams-'));
    try {
      await fc.assert(
        fc.asyncProperty(
          logs,
          analyses,
          fc.integer({ min: 64, max: 4096 }),
          fc.boolean(),
          fc.integer({ min: 0, max: 1000 }),
          async (content, options, rangeBytes, kernel, seed) => {
            const input = join(dir, 'access.log');
            writeFileSync(input, Buffer.from(content, 'latin1'));
            const all = { ...options, input, rangeBytes, kernel, threads: 2, flushGroups: 3, settleEntries: 4 } as EngineOptions;
            let expected: AnalyzeResult;
            try {
              expected = await analyze(all);
            } catch (error) {
              await assert.rejects(analyzeBySeams(all, identity), { message: (error as Error).message });
              return;
            }
            const shuffled = (count: number): number[] => shuffle(count, seed);
            assert.deepEqual(agreed(await analyzeBySeams(all, shuffled)), agreed(expected));
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('finish refuses a consumer whose folded windows failed until the inputs are read again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-seams-'));
    try {
      const input = join(dir, 'access.log');
      // The third line falls in the window of the first, which the second made the tracker drop: folding fails.
      const line = (time: string): string => `10.0.0.1 - - [01/May/2024:${time} +0000] "GET / HTTP/1.1" 404 1\n`;
      writeFileSync(input, line('00:00:00') + line('01:00:00') + line('00:00:30'));
      const spec = resolveOptions({ input, window: '10m', windowSlack: 0, threshold: 1, rangeBytes: 64 }); // a task a line
      const { files } = await probeInputs((await resolveInputs(spec.inputs)).inputs, spec);
      const tasks = planTasks(files, { producers: 1, rangeBytes: spec.rangeBytes });
      const run: ConsumedRun = { spec, files, skipped: [], tasks, started: 0 };
      const consumer = createConsumer(run, firstPass(run));
      for (const task of tasks) {
        const scanned = await scanTask(task, { ...spec, analysis: consumer.analysis });
        for (const partial of scanned.partials) mergePartial(consumer, partial);
      }
      assert.equal(consumer.needsAnotherPass, true);
      assert.throws(() => finish(consumer), /read again/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function identity(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** A deterministic shuffle of 0..count-1. */
function shuffle(count: number, seed: number): number[] {
  const order = identity(count);
  let state = seed + 1;
  for (let i = order.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
