import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GEN_FORMATS, LogGenerator, parseGenArgs, type GenOptions } from '../../bench/genlog.js';
import { analyze } from '../../src/engine/analyze.js';

const GENLOG = new URL('../../bench/genlog.js', import.meta.url).pathname;

function generate(options: GenOptions): string {
  const generator = new LogGenerator(options);
  const pieces: string[] = [];
  for (let piece = generator.next(); piece !== null; piece = generator.next()) pieces.push(piece);
  return pieces.join('');
}

const lineCount = (text: string): number => text.split('\n').length - 1;

test('same arguments, same bytes; another seed, another log', () => {
  const a = generate({ lines: 3000, seed: 5 });
  assert.equal(a, generate({ lines: 3000, seed: 5 }));
  assert.notEqual(a, generate({ lines: 3000, seed: 6 }));
});

test('--lines N gives exactly N lines, each ending in a newline', () => {
  for (const lines of [0, 1, 2500]) {
    const text = generate({ lines, seed: 1 });
    assert.equal(lineCount(text), lines);
    if (lines > 0) assert.ok(text.endsWith('\n'));
  }
});

test('--bytes N gives N bytes plus less than one line, whole lines only', () => {
  for (const bytes of [1, 1000, 3 * 1024 * 1024 + 17]) {
    const text = generate({ bytes, seed: 9 });
    const lastLine = text.slice(text.lastIndexOf('\n', text.length - 2) + 1);
    assert.ok(text.length >= bytes, `${text.length} >= ${bytes}`);
    assert.ok(text.length - lastLine.length < bytes, 'stops at the first line that reaches the size');
    assert.ok(text.endsWith('\n'));
  }
});

test('a longer run starts with the lines of a shorter one (the size only decides where to stop)', () => {
  const short = generate({ lines: 500, seed: 3 });
  assert.ok(generate({ lines: 5000, seed: 3 }).startsWith(short));
});

test('the odd lines real logs have are all there', () => {
  const text = generate({ lines: 100_000, seed: 7 });
  const lines = text.split('\n');
  assert.ok(lines.includes(''), 'empty line');
  assert.ok(text.includes('\x16\x03\x01'), 'raw TLS bytes');
  assert.ok(text.includes('"\\x16\\x03'), 'binary probe written as \\xNN');
  assert.ok(text.includes('"" 400 '), 'empty request');
  assert.ok(text.includes('/My Documents/'), 'raw spaces in the request');
  assert.ok(/"GET \/[^ "]*" \d{3} /.test(text), 'request without protocol');
  assert.ok(text.includes('\\"'), 'escaped quotes');
  assert.ok(text.includes('\r\n'), 'CRLF ending');
  assert.ok(/^2001:db8:/m.test(text), 'IPv6 clients');
  assert.ok(/\] "[A-Z]+ [^"]*" 304 - /.test(text), '- sizes');
});

for (const format of GEN_FORMATS) {
  test(`logsift reads the ${format} log as ${format}: nearly every line parses, the odd ones are skipped`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-genlog-'));
    try {
      const path = join(dir, `${format}.log`);
      writeFileSync(path, generate({ lines: 20_000, seed: 11, format }), 'latin1');
      const result = await analyze({ input: path, threads: 2 });
      const s = result.summary;
      assert.equal(s.format, format);
      assert.equal(s.lines, 20_000);
      assert.ok(s.parsed / s.lines > 0.995, `parsed ${s.parsed} of ${s.lines}`);
      assert.ok(s.malformed + s.blank > 0, 'some odd lines');
      assert.ok(s.matched / s.parsed > 0.05 && s.matched / s.parsed < 0.25, `matched ${s.matched} of ${s.parsed}`);
      assert.ok(result.rows.length > 0, 'some clients over the threshold');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the command line writes what the generator makes, and rejects bad arguments', () => {
  const run = spawnSync(process.execPath, [GENLOG, '--lines', '300', '--seed', '4', '--format', 'vcombined']);
  assert.equal(run.status, 0);
  assert.equal(run.stdout.toString('latin1'), generate({ lines: 300, seed: 4, format: 'vcombined' }));

  for (const bad of [['--bytes', 'lots'], ['--format', 'iis'], ['--lines', '-3'], ['--color']]) {
    const failed = spawnSync(process.execPath, [GENLOG, ...bad]);
    assert.equal(failed.status, 2, bad.join(' '));
    assert.match(failed.stderr.toString(), /^genlog: error: /);
    assert.equal(failed.stdout.length, 0);
  }
});

test('parseGenArgs: the CLI of the shared generator', () => {
  assert.deepEqual(parseGenArgs(['--bytes', '1G', '--seed', '7']), { bytes: 1024 ** 3, lines: undefined, seed: 7, format: 'combined' });
  assert.deepEqual(parseGenArgs(['--lines', '10', '--format', 'common']), { bytes: undefined, lines: 10, seed: undefined, format: 'common' });
});
