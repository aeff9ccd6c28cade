// cluster/cluster-report.ts: a run's figures summed by worker, retries counted, and host names from workers
// printed without their control characters (a hostile worker cannot move the cursor or colour the terminal).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countJob, emptyReport, formatReport } from '../../src/cluster/cluster-report.js';

test('jobs summed by worker; retried jobs counted; hosts cleaned of control characters', () => {
  const report = emptyReport('ab');
  countJob(report, { host: 'b', pid: 2, bytes: 2 * 1048576, scanMs: 1000, attempts: 1, partialBytes: [100] });
  countJob(report, { host: 'b', pid: 2, bytes: 2 * 1048576, scanMs: 1000, attempts: 2, partialBytes: [100, 50] });
  countJob(report, { host: 'a\x1b[31mred\n', pid: 1, bytes: 1048576, scanMs: 500, attempts: 1, partialBytes: [] });
  assert.deepEqual(formatReport(report), [
    'cluster           2 workers, 3 jobs, 1 retried, 3 partials (0.0 MiB, merged in 0.00 s)',
    '  a?[31mred? pid 1: 1 job, 1.0 MiB, 2 MiB/s',
    '  b pid 2: 2 jobs, 4.0 MiB, 2 MiB/s',
  ]);
});
