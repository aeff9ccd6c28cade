// The library's public entry: what `import ... from 'logsift'` gives is enough to run an analysis and save it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyze, DEFAULT_ERROR_CODES, formatCsv, LogsiftError, saveCsv } from '../src/index.js';
import { NEEDS_REAL_LOGS, REAL } from './support/paths.js';
import { makeTempDir, removeDir } from './support/files.js';

test('analyze + saveCsv from the package entry', NEEDS_REAL_LOGS, async () => {
  const result = await analyze({ input: [REAL.nginx], threshold: 2, threads: 2 });
  assert.deepEqual(result.errorCodes, DEFAULT_ERROR_CODES);
  assert.ok(result.rows.length > 0);
  const dir = makeTempDir();
  try {
    const path = join(dir, 'out.csv');
    saveCsv(result, path);
    assert.equal(readFileSync(path, 'utf8'), formatCsv(result));
  } finally {
    removeDir(dir);
  }
});

test('bad options are a LogsiftError', NEEDS_REAL_LOGS, async () => {
  await assert.rejects(analyze({ input: [REAL.nginx], threshold: 0 }), LogsiftError);
});
