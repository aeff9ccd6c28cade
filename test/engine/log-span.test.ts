// The time a log covers (summary.logSpan): its earliest and latest parsed entry, any status, in or out of
// --since/--until, in the log's own offset. Counted per line by the JS scanner and by the WebAssembly kernel,
// summed across producers: it must equal the reference's at any thread count and read size.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import { referenceIso, referenceParse } from '../reference/clf.js';
import { analyzeText, logs } from '../support/analysis-logs.js';
import { REAL } from '../support/paths.js';

/** The reference's span: the entries' instants ordered as stamps are (by instant, then by offset). */
function referenceSpan(text: string): { first: string; last: string } | undefined {
  const entries = text
    .split('\n')
    .map((line) => referenceParse(line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((entry) => entry !== undefined);
  if (entries.length === 0) return undefined;
  const order = (a: { epoch: number; offset: number }, b: { epoch: number; offset: number }): number => a.epoch - b.epoch || a.offset - b.offset;
  const sorted = [...entries].sort(order);
  const [first, last] = [sorted[0], sorted[sorted.length - 1]];
  return { first: referenceIso(first.epoch, first.offset), last: referenceIso(last.epoch, last.offset) };
}

describe('summary.logSpan', () => {
  test('is the earliest and latest parsed entry, at any threads, read size, kernel or not, and with a span', async () => {
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.constantFrom(1, 3),
        fc.constantFrom(7, 1 << 20),
        fc.boolean(),
        fc.constantFrom(undefined, '2024-05-01T01:00:00Z', '30m'),
        async (text, threads, chunkBytes, kernel, since) => {
          const result = await analyzeText(text, { threads, chunkBytes, rangeBytes: 512, kernel, since } as Parameters<typeof analyzeText>[1]);
          assert.deepEqual(result.summary.logSpan, referenceSpan(text));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a log with no parsed line has none', async () => {
    const result = await analyzeText('garbage\n\nmore garbage\n', { format: 'combined' });
    assert.equal(result.summary.logSpan, undefined);
  });

  test('on the real NASA log (20,000 lines), as the reference has it', { skip: !existsSync(REAL.nasa) && 'needs ../shared/data/real (not beside this clone)' }, async () => {
    const expected = referenceSpan(readFileSync(REAL.nasa, 'latin1'));
    for (const threads of [1, 3]) assert.deepEqual((await analyze({ input: REAL.nasa, threads })).summary.logSpan, expected);
  });
});
