// tables/partial-codec.ts: partials as bytes. Every kind of partial a producer hands over (plain counts, the
// kernel's, windows' instants, a relative span's undecided entries, task tags) comes back from its bytes as it
// was; anything malformed is refused with an error, never a hang or a wrong count.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { EngineOptions } from '../../src/options/internal-options.js';
import { resolveOptions } from '../../src/options/run-spec.js';
import { scanTask, type ScanConfig } from '../../src/scan/task-scanner.js';
import { GroupTable } from '../../src/tables/group-table.js';
import { decodePartial, encodePartial, PARTIAL_VERSION } from '../../src/tables/partial-codec.js';
import type { ScanPartial } from '../../src/tables/partial.js';
import { logs } from '../support/analysis-logs.js';

/** The analyses whose partials differ in kind (the default run, folded and unfolded windows, spans, keys, filters). */
const ANALYSES: ReadonlyArray<Omit<EngineOptions, 'input'>> = [
  {},
  { window: '10m' },
  { window: '10m', windowFolding: false },
  { since: '600s' },
  { until: '1h', window: '5m' },
  { since: '2024-05-01T00:30:00Z' },
  { by: 'ip,path,status' },
  { includeIp: ['10.0.0.0/8'], excludeIp: ['10.0.0.7'] },
];

/** Every partial scanning `content` whole hands over, for the analysis and engine settings given. */
async function partialsOf(content: string, options: Omit<EngineOptions, 'input'>, kernel: boolean, flushGroups: number): Promise<ScanPartial[]> {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-codec-'));
  try {
    const path = join(dir, 'access.log');
    writeFileSync(path, Buffer.from(content, 'latin1'));
    const spec = resolveOptions({ ...options, input: path, settleEntries: 4 });
    const config: ScanConfig = {
      formatOptions: spec.formatOptions,
      statusColumns: spec.statusColumns,
      analysis: spec.analysis,
      chunkBytes: 64,
      flushGroups,
      kernel,
    };
    const size = Buffer.byteLength(content, 'latin1');
    const { partials } = await scanTask({ kind: 'range', input: 0, path, start: 0, end: size, format: 'combined' }, config);
    return [...partials];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Decoding from a buffer at an odd offset (as a slice of a pooled Buffer would be) gives the same partial. */
function atOddOffset(bytes: Uint8Array): Uint8Array {
  const padded = new Uint8Array(bytes.length + 3);
  padded.set(bytes, 3);
  return padded.subarray(3);
}

describe('encodePartial / decodePartial', () => {
  test('every kind of partial comes back from its bytes as it was', async () => {
    const kinds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        logs,
        fc.constantFrom(...ANALYSES),
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        async (content, options, kernel, flushGroups) => {
          for (const partial of await partialsOf(content, options, kernel, flushGroups)) {
            const bytes = encodePartial(partial);
            assert.deepEqual(decodePartial(bytes), partial);
            assert.deepEqual(decodePartial(atOddOffset(bytes)), partial);
            kinds.add(Object.keys(partial).filter((key) => ['events', 'deferred', 'task', 'newest'].includes(key)).sort().join('+') || 'counts');
          }
        },
      ),
      { numRuns: 120 },
    );
    // The runs met every kind: counts only, windows' instants, folded windows' task tags, undecided entries.
    for (const kind of ['counts', 'events', 'events+task', 'deferred+newest']) assert.ok(kinds.has(kind), `no partial of kind ${kind} in ${[...kinds]}`);
  });

  test('a decoded partial merges as the original does', async () => {
    const content = fc.sample(logs, { numRuns: 1, seed: 7 })[0];
    for (const partial of await partialsOf(content + '10.0.0.1 - - [01/May/2024:00:00:00 +0000] "GET / HTTP/1.1" 404 1\n', {}, false, 2)) {
      const direct = new GroupTable(partial.width - 1);
      const viaBytes = new GroupTable(partial.width - 1);
      direct.mergePartial(partial);
      viaBytes.mergePartial(decodePartial(encodePartial(partial)));
      assert.deepEqual(Array.from({ length: viaBytes.size }, (_, i) => viaBytes.row(i)), Array.from({ length: direct.size }, (_, i) => direct.row(i)));
    }
  });

  test('an empty partial, and one with keys of every byte, round-trip', () => {
    const table = new GroupTable(2);
    const empty = table.takePartial();
    assert.deepEqual(decodePartial(encodePartial(empty)), empty);
    const key = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (let i = 0; i < 256; i++) table.add(key, i, 256, i % 2, 1000 * i);
    const full = table.takePartial();
    assert.deepEqual(decodePartial(encodePartial(full)), full);
  });
});

describe('decodePartial refuses what it cannot trust', () => {
  function sample(): Uint8Array {
    const table = new GroupTable(3);
    const key = Buffer.from('10.0.0.1 10.0.0.2 10.0.0.3 2001:db8::1');
    for (let i = 0; i < 40; i++) table.add(key, (i * 9) % 30, (i * 9) % 30 + 8, i % 3, 4096 * i);
    return encodePartial(table.takePartial());
  }

  test('not a partial, another version, cut short, or with bytes past its end', () => {
    const bytes = sample();
    assert.throws(() => decodePartial(Buffer.from('{"width":4}')), /not an encoded partial/);
    const other = bytes.slice();
    other[3] = PARTIAL_VERSION + 1;
    assert.throws(() => decodePartial(other), new RegExp(`version ${PARTIAL_VERSION + 1}; this build reads version ${PARTIAL_VERSION}`));
    for (const cut of [4, 8, 27, bytes.length - 8, bytes.length - 1]) assert.throws(() => decodePartial(bytes.subarray(0, cut)), Error);
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    assert.throws(() => decodePartial(longer), /past its end/);
  });

  test('any flipped byte is refused or decodes to a partial that merges without harm', () => {
    const bytes = sample();
    fc.assert(
      fc.property(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const broken = bytes.slice();
        broken[at] ^= xor;
        let partial: ScanPartial;
        try {
          partial = decodePartial(broken);
        } catch (error) {
          assert.ok(error instanceof Error && error.message.length > 0);
          return;
        }
        // What gets through is data only (a stamp, a key's byte with its hash slot intact is impossible): it
        // merges, into an empty table and into a full one, and every group is found once.
        const full = new GroupTable(partial.width - 1);
        full.mergePartial(decodePartial(bytes));
        for (const table of [new GroupTable(partial.width - 1), full]) {
          table.mergePartial(partial);
          const keys = new Set(Array.from({ length: table.size }, (_, i) => table.key(i)));
          assert.equal(keys.size, table.size);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
