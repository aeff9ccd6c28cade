// Composite keys with counts only (`--by ip,path`, no window or span): the kernel merges, ranks and writes the
// rows (kernel/rank.ts rankFieldRows, kernel/rows.ts). Its CSV, JSON and NDJSON must be byte-identical to the JS
// engine's (kernel off: GroupTable merge, rankGroups, the sinks' JS writers), at 1 and 3 threads, with counts
// tied, keys that share prefixes, and bytes to quote, escape or decode.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { RankedGroups } from '../../src/tables/ranked.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { formatJson, formatNdjson } from '../../src/sinks/json.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from '../../src/engine/analyze.js';
import { BASE_EPOCH, clfTime } from '../support/analysis-logs.js';

const IPS = ['10.0.0.1', '10.0.0.12', '10.0.0.1x', '203.0.113.254', '::1', '2001:db8::7', 'a"b', 'caf\xc3\xa9'];
const PATHS = ['/', '/a', '/a,b', '/api/v1/users', '/api/v1/users/1', '/api/v1/user', '/say"hi"', '/back\\slash', '/caf\xc3\xa9', '/\xff\xfe', '/tab\there', '/x?q=1'];

/** Lines from picks of client, path, status and time: many groups of 1 to a few hits (ties), some odd bytes. */
const log = fc
  .array(fc.tuple(fc.nat(IPS.length - 1), fc.nat(PATHS.length - 1), fc.constantFrom(404, 500, 403, 200), fc.nat(100_000), fc.constantFrom(0, 60, -300)), { minLength: 1, maxLength: 300 })
  .map((picks) => picks.map(([ip, path, status, at, offset]) => `${IPS[ip]} - - [${clfTime(BASE_EPOCH + at, offset)}] "GET ${PATHS[path]} HTTP/1.1" ${status} 12\n`).join(''));

/** The CSV, JSON and NDJSON of a run over `text` with the kernel and without (the same file: summaries name it). */
async function bothWays(text: string, options: Record<string, unknown>): Promise<{ byKernel: string[]; byJs: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-composite-'));
  try {
    const input = join(dir, 'access.log');
    writeFileSync(input, Buffer.from(text, 'latin1'));
    const run = async (kernel: boolean): Promise<string[]> => {
      const result = await analyze({ input, errorCodes: ['4xx', '5xx'], keepQuery: true, ...options, kernel });
      if (kernel) assert.ok(result.reported instanceof RankedGroups && result.reported.kernelTable, 'the kernel holds the table');
      return [formatCsv(result), formatJson(result), formatNdjson(result)];
    };
    return { byKernel: await run(true), byJs: await run(false) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('composite keys ranked and written by the kernel', () => {
  test('equal the JS engine\'s CSV, JSON and NDJSON: any fields, threshold, threads 1 and 3', async () => {
    await fc.assert(
      fc.asyncProperty(log, fc.constantFrom(['ip', 'path'], ['path', 'ip'], ['ip', 'path', 'status'], ['path', 'method']), fc.integer({ min: 1, max: 3 }), fc.constantFrom(1, 3), async (text, by, threshold, threads) => {
        const { byKernel, byJs } = await bothWays(text, { by, threshold, threads });
        assert.deepEqual(byKernel, byJs);
      }),
      { numRuns: 30 },
    );
  });

  test('equal the JS engine\'s on thousands of rows (the kernel\'s buffers filled several times)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 30_000; i++) {
      const path = i % 501 === 0 ? PATHS[i % PATHS.length] : `/items/${(i * 7919) % 3001}`;
      lines.push(`198.51.${i % 5}.${(i * 13) % 97} - - [${clfTime(BASE_EPOCH + i, [0, 60][i % 2])}] "GET ${path} HTTP/1.1" ${[404, 500, 403][i % 3]} 12\n`);
    }
    const text = lines.join('');
    for (const threads of [1, 3]) {
      const { byKernel, byJs } = await bothWays(text, { by: ['ip', 'path'], threshold: 1, threads });
      assert.ok(byKernel[0].split('\n').length > 20_000);
      assert.deepEqual(byKernel, byJs, `threads ${threads}`);
    }
  });
});
