import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertCombined, jsonText, parseCombined, TARGET_FORMATS, unescapeApache } from '../../bench/convert.js';
import { LogGenerator } from '../../bench/genlog.js';
import { compareGroups, groupRows } from '../../bench/verify.js';
import { runCli } from '../support/cli.js';

function generate(lines: number, seed: number): string {
  const generator = new LogGenerator({ lines, seed });
  const pieces: string[] = [];
  for (let piece = generator.next(); piece !== null; piece = generator.next()) pieces.push(piece);
  return pieces.join('');
}

async function csvOf(path: string, flags: readonly string[] = []): Promise<string> {
  const run = await runCli(['--input', path, '-o', '-', '--threshold', '1', '--no-progress', '--top', '0', ...flags]);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

test('parseCombined reads the parts of a line, its time in UTC, and refuses what is not one', () => {
  const e = parseCombined('10.0.0.1 - bob [01/May/2024:00:00:05 -0700] "GET /a?q=\\"x\\" HTTP/1.1" 404 12 "-" "curl/8.0"\r');
  assert.ok(e);
  assert.equal(e.client, '10.0.0.1');
  assert.equal(e.user, 'bob');
  assert.equal(new Date(e.ms).toISOString(), '2024-05-01T07:00:05.000Z');
  assert.equal(e.request, 'GET /a?q=\\"x\\" HTTP/1.1');
  assert.equal(e.status, '404');
  assert.equal(parseCombined('this is not an access log line at all'), null);
  assert.equal(parseCombined('1.2.3.4 - - [01/May/2024:00:00:00 +0000] "GET /truncated-line HTTP/1.1" 2'), null);
});

test('escapes: Apache undone, JSON ASCII-only', () => {
  assert.equal(unescapeApache('a\\"b\\\\c\\x16'), 'a"b\\c\x16');
  assert.equal(jsonText('a"b\\c\x16\xfc'), 'a\\"b\\\\c\\u0016\\u00fc');
});

test('every converted file reads to the same groups and counts as the Combined log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-convert-'));
  try {
    const source = join(dir, 'combined.log');
    writeFileSync(source, generate(4000, 21), 'latin1');
    const targets = new Map(TARGET_FORMATS.map((f) => [f, join(dir, `${f.id}.${f.extension}`)]));
    const { lines, events } = await convertCombined(source, targets);
    assert.equal(lines, 4000);
    assert.ok(events > 3950 && events < 4000, `${events} events: the odd lines that are no access line are left out`);
    const expected = await csvOf(source);
    assert.ok(groupRows(expected).length > 100, 'many groups to compare');
    for (const [format, path] of targets) {
      const lineCount = readFileSync(path, 'latin1').split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
      assert.equal(lineCount, events, `${format.id}: one line per event`);
      assert.equal(compareGroups(expected, await csvOf(path, format.flags)), null, format.id);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
