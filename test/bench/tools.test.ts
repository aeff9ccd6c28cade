import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogGenerator } from '../../bench/genlog.js';
import { MAWK_PROGRAM, REFERENCE_AWK_PROGRAM, RG_PATTERN, findExecutable, shellLine } from '../../bench/tools.js';
import { diffPairs, pairsFromAwk, pairsFromCsv } from '../../bench/verify.js';
import { analyze } from '../../src/engine/analyze.js';
import { formatCsv } from '../../src/sinks/csv.js';

test('the one-liner and the rg pattern are those of issues 2 and 3, to the character', () => {
  assert.equal(
    MAWK_PROGRAM,
    `$9 ~ /^(400|401|403|404|405|500|501|502|503|504|505)$/ {c[$1]++} END {for (k in c) if (c[k] >= 10) print k "," c[k]}`,
  );
  assert.equal(RG_PATTERN, `" (40[0-5]|50[0-5]) `);
});

test('findExecutable finds programs on PATH and nothing else', () => {
  assert.equal(findExecutable('node', ''), null);
  assert.equal(findExecutable(process.execPath), process.execPath);
  assert.equal(findExecutable('surely-not-a-program-here'), null);
});

test('shellLine quotes what a shell would change, and the shell gives the words back', (t) => {
  const argv = ['printf', '%s\\n', 'plain/path.log', MAWK_PROGRAM, "it's", '', 'a b'];
  const line = shellLine(argv);
  assert.match(line, /^printf /);
  const sh = findExecutable('sh');
  if (!sh) return t.skip('no sh');
  const out = spawnSync(sh, ['-c', line], { encoding: 'utf8' });
  assert.equal(out.stdout, argv.slice(2).map((word) => `${word}\n`).join(''));
});

// The quote-aware awk is the bench's explanation of differences: it must count what logsift counts.
const mawk = findExecutable('mawk');

test('the quote-aware awk finds the status where the one-liner does not', { skip: !mawk && 'mawk not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-awk-'));
  try {
    const path = join(dir, 'odd.log');
    const line = (request: string, status: number, size = '100'): string =>
      `10.0.0.1 - - [01/May/2024:00:00:00 +0000] "${request}" ${status} ${size} "-" "agent with spaces"\n`;
    const lines = [
      ...Array.from({ length: 10 }, () => line('GET / HTTP/1.1', 404)), // plain: both count
      line('GET /two words/ HTTP/1.1', 404), // raw spaces: the one-liner misses it
      line('', 400), // empty request
      line('\\x16\\x03\\x01', 400), // one-word binary probe
      line('GET /x\\" HTTP/1.1', 500), // escaped quote at the end of a word
      line('GET /old', 200, '404'), // no protocol: the one-liner reads the size 404 as status
    ];
    writeFileSync(path, lines.join(''));
    const oneLiner = pairsFromAwk(spawnSync(mawk!, [MAWK_PROGRAM, path], { encoding: 'utf8' }).stdout).pairs;
    const reference = pairsFromAwk(spawnSync(mawk!, [REFERENCE_AWK_PROGRAM, path], { encoding: 'utf8' }).stdout);
    assert.deepEqual([...oneLiner], [['10.0.0.1', 12]]); // 10 plain, the escaped quote, the size read as status
    assert.deepEqual([...reference.pairs], [['10.0.0.1', 14]]);
    assert.deepEqual([...reference.tallies], [['moved', 3], ['wrong', 1]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on a generated log, the quote-aware awk agrees with logsift exactly', { skip: !mawk && 'mawk not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-awk-'));
  try {
    const path = join(dir, 'gen.log');
    const generator = new LogGenerator({ lines: 60_000, seed: 21 });
    const pieces: string[] = [];
    for (let piece = generator.next(); piece !== null; piece = generator.next()) pieces.push(piece);
    writeFileSync(path, pieces.join(''), 'latin1');
    const logsift = pairsFromCsv(formatCsv(await analyze({ input: path, threads: 2 })));
    const reference = pairsFromAwk(spawnSync(mawk!, [REFERENCE_AWK_PROGRAM, path], { encoding: 'latin1' }).stdout);
    assert.ok(logsift.size > 10);
    assert.deepEqual(diffPairs(logsift, reference.pairs), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
