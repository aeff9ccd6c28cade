// Runs a log with a kernel and without (the JS parsers alone) and asserts the same counts and CSV, in every
// mode a kernel has (counting, records for a window, reparsed details for --by ip,path) and at threads 1 and
// 3 with ranges and chunks small enough to cut lines anywhere.

import assert from 'node:assert/strict';
import { analyze } from '../../src/engine/analyze.js';
import type { EngineOptions } from '../../src/options/internal-options.js';
import { formatCsv } from '../../src/sinks/csv.js';

export const KERNEL_TEST_CODES = [200, 301, 400, 403, 404, 500, 503, 599];

export interface KernelCounters {
  lines: number;
  parsed: number;
  malformed: number;
  blank: number;
  comment: number;
  matched: number;
}

function counters(s: KernelCounters): KernelCounters {
  return { lines: s.lines, parsed: s.parsed, malformed: s.malformed, blank: s.blank, comment: s.comment, matched: s.matched };
}

/** The runs a log is compared under: counting (default), records (a window) and reparsed details (by path). */
const MODES: ReadonlyArray<Partial<EngineOptions>> = [{}, { window: '1h' }, { by: ['ip', 'path'] }];
const SPLITS: ReadonlyArray<Partial<EngineOptions>> = [{ threads: 1 }, { threads: 3, rangeBytes: 700, chunkBytes: 333 }];

/** The same CSV and counts with the kernel and without, in every mode and split; returns the default run's. */
export async function sameWithKernel(input: string, options: Partial<EngineOptions>, label: string): Promise<{ csv: string; summary: KernelCounters }> {
  let first: { csv: string; summary: KernelCounters } | undefined;
  for (const mode of MODES) {
    const js = await analyze({ input, errorCodes: KERNEL_TEST_CODES, threshold: 1, ...options, ...mode, kernel: false });
    for (const split of SPLITS) {
      const got = await analyze({ input, errorCodes: KERNEL_TEST_CODES, threshold: 1, ...options, ...mode, ...split, kernel: true });
      const at = `${label} ${JSON.stringify({ ...mode, ...split })}`;
      assert.deepEqual(counters(got.summary), counters(js.summary), at);
      assert.equal(formatCsv(got), formatCsv(js), at);
    }
    first ??= { csv: formatCsv(js), summary: counters(js.summary) };
  }
  return first!;
}
