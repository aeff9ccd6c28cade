// The CSV of the analyses: key columns named after --by, status columns named after codes, classes and ranges,
// the peak columns with a window; quoting of key text.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalyzeResult, ResultRow } from '../../src/tables/result.js';
import { csvHeader, formatCsv } from '../../src/sinks/csv.js';
import { fakeResult } from '../support/results.js';

function resultOf(over: Partial<AnalyzeResult>, rows: ResultRow[]): AnalyzeResult {
  return { ...fakeResult(rows, [404]), ...over };
}

const row = (keys: string[], extra: Partial<ResultRow> = {}): ResultRow => ({
  keys,
  key: keys.join(' '),
  count: 3,
  byCode: [1, 2],
  firstSeen: '2024-05-01T00:00:00+02:00',
  lastSeen: '2024-05-01T01:00:00+02:00',
  ...extra,
});

describe('CSV of the analyses', () => {
  it('names key columns after the fields and status columns after the items', () => {
    const result = resultOf({ keyFields: ['ip', 'path'], statusColumns: ['4xx', '500-599'] }, [row(['10.0.0.1', '/a,"b"'])]);
    assert.deepEqual(csvHeader(result), ['ip', 'path', 'count', '4xx', '500-599', 'first_seen', 'last_seen']);
    assert.equal(
      formatCsv(result),
      'ip,path,count,4xx,500-599,first_seen,last_seen\n10.0.0.1,"/a,""b""",3,1,2,2024-05-01T00:00:00+02:00,2024-05-01T01:00:00+02:00\n',
    );
  });

  it('adds peak_window_count and peak_window_start with a window', () => {
    const result = resultOf({ statusColumns: ['4xx', '5xx'], windowSeconds: 600 }, [
      row(['::1'], { peakWindowCount: 2, peakWindowStart: '2024-05-01T00:10:00+02:00' }),
    ]);
    assert.equal(
      formatCsv(result),
      'ip,count,4xx,5xx,first_seen,last_seen,peak_window_count,peak_window_start\n' +
        '::1,3,1,2,2024-05-01T00:00:00+02:00,2024-05-01T01:00:00+02:00,2,2024-05-01T00:10:00+02:00\n',
    );
  });
});
