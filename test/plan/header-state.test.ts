import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { statesAtRangeStarts } from '../../src/plan/header-state.js';

const PREFIXES = ['#Fields:', '#Date:'];

/** The naive answer: for each start, the last line before it with each prefix. */
function naive(text: string, starts: number[]): string[][] {
  return starts.map((start) => {
    const lines: Array<[number, string]> = [];
    for (const prefix of PREFIXES) {
      let found: [number, string] | undefined;
      let at = 0;
      for (const line of text.slice(0, start).split('\n')) {
        if (line.startsWith(prefix) && at < start) found = [at, line.replace(/\r$/, '')];
        at += line.length + 1;
      }
      if (found) lines.push(found);
    }
    return lines.sort((a, b) => a[0] - b[0]).map(([, line]) => line);
  });
}

function withFile(text: string, fn: (fd: number) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-state-'));
  const path = join(dir, 'f.log');
  writeFileSync(path, text, 'latin1');
  const fd = openSync(path, 'r');
  try {
    fn(fd);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the header lines in force at every line start match a naive search', () => {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    if (i % 37 === 0) lines.push(`#Fields: f${i} g h`);
    else if (i % 53 === 5) lines.push(`#Date: 2020-01-${String((i % 28) + 1).padStart(2, '0')} 00:00:00\r`);
    else if (i % 11 === 3) lines.push('x #Fields: not at a line start');
    else lines.push(`data ${i} ${'z'.repeat(i % 13)}`);
  }
  const text = lines.join('\n') + '\n';
  const lineStarts = [0];
  for (let i = 0; i < text.length - 1; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  withFile(text, (fd) => {
    const some = lineStarts.filter((_, i) => i % 17 === 0);
    for (const chunkBytes of [undefined, 10, 64, 1000]) {
      assert.deepEqual(statesAtRangeStarts(fd, lineStarts, PREFIXES, chunkBytes), naive(text, lineStarts));
      assert.deepEqual(statesAtRangeStarts(fd, some, PREFIXES, chunkBytes), naive(text, some));
    }
  });
});

test('a header on the very first line, and none at all', () => {
  withFile('#Fields: a b\nx\ny\n', (fd) => {
    assert.deepEqual(statesAtRangeStarts(fd, [0, 13, 15], PREFIXES), [[], ['#Fields: a b'], ['#Fields: a b']]);
  });
  withFile('x\ny\n', (fd) => assert.deepEqual(statesAtRangeStarts(fd, [0, 2], PREFIXES), [[], []]));
});
