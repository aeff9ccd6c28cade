// sinks/print.ts: the summary and top table for a person; colour only on a terminal without NO_COLOR.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnalyzeResult, ResultRow } from '../../src/tables/result.js';
import { fakeResult, fakeRow } from '../support/results.js';
import { formatBytes, formatReport, printReport, useColor } from '../../src/sinks/print.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

function resultOf(rows: ResultRow[]): AnalyzeResult {
  return fakeResult(
    rows,
    [400, 404, 500],
    { lines: 1234567, blank: 3, malformed: 4, parsed: 1234560, matched: 999, bytes: 5 * 1024 * 1024, uncompressedBytes: 5 * 1024 * 1024, threads: 2, groups: 50, elapsedMs: 2000 },
    2,
  );
}

const rows: ResultRow[] = Array.from({ length: 30 }, (_, i) =>
  fakeRow(`10.0.0.${i}`, 100 - i, [0, 100 - i, 0], '2015-10-25T04:11:26+01:00', '2015-10-25T05:11:26+01:00'),
);

/** A stream stand-in that records what is written. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY, text: '', write(chunk: string) { stream.text += chunk; return true; } };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

function withEnv(name: string, value: string | undefined, fn: () => void): void {
  const saved = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    fn();
  } finally {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  }
}

describe('the printed report', () => {
  test('the summary: lines read, parsed, skipped (malformed, blank), matching, over threshold, elapsed, throughput', () => {
    const text = formatReport(resultOf(rows.slice(0, 3)), { savedTo: 'out.csv' });
    assert.match(text, /lines read\s+1,234,567\n/);
    assert.match(text, /parsed\s+1,234,560\n/);
    assert.match(text, /skipped\s+7 \(4 malformed, 3 blank\)\n/);
    assert.match(text, /matching errors\s+999 \(status 400 404 500\) from 50 clients\n/);
    assert.match(text, /over threshold\s+3 clients with >= 2\n/);
    assert.match(text, /elapsed\s+2\.00 s \(2\.5 MiB\/s\)\n/);
    assert.match(text, /saved\s+out\.csv/);
  });

  test('the top table shows --top rows, says how many more the CSV has, and only the codes that occur', () => {
    const text = formatReport(resultOf(rows), { top: 5 });
    assert.match(text, /Top 5 of 30/);
    assert.match(text, /25 more in the output file/);
    assert.match(text, /10\.0\.0\.4 /);
    assert.doesNotMatch(text, /10\.0\.0\.5 /);
    assert.match(text, /│ 404 │/);
    assert.doesNotMatch(text, /│ 400 │/);
  });

  test('no table when no client is over the threshold', () => {
    assert.doesNotMatch(formatReport(resultOf([])), /Top/);
  });

  test('colour only when asked; printReport asks only for a terminal without NO_COLOR', () => {
    assert.doesNotMatch(formatReport(resultOf(rows), { color: false }), ANSI);
    assert.match(formatReport(resultOf(rows), { color: true }), ANSI);
    withEnv('NO_COLOR', undefined, () => {
      assert.equal(useColor(fakeStream(true)), true);
      assert.equal(useColor(fakeStream(false)), false);
      const tty = fakeStream(true);
      printReport(resultOf(rows), tty);
      assert.match(tty.text, ANSI);
      const pipe = fakeStream(false);
      printReport(resultOf(rows), pipe);
      assert.doesNotMatch(pipe.text, ANSI);
    });
    withEnv('NO_COLOR', '1', () => {
      assert.equal(useColor(fakeStream(true)), false);
      const tty = fakeStream(true);
      printReport(resultOf(rows), tty);
      assert.doesNotMatch(tty.text, ANSI);
    });
  });

  test('formatBytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(43.00126192242322), '43 B'); // a speed of a few bytes a second
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GiB');
  });
});
