// The CLI's --input: several paths (variadic or repeated), globs, folders; errors for inputs that cannot be read.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { NEEDS_REAL_LOGS, readRealLog } from '../support/paths.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'dist', 'bundle', 'cli', 'logsift.js');
const REAL = join(ROOT, '..', 'shared', 'data', 'real');
const NGINX = readRealLog(join(REAL, 'nginx_combined_factweavers_2020.log'));
const ELASTIC = readRealLog(join(REAL, 'apache_combined_semicomplete_2015_elastic.log'));

let dir: string;
const at = (...parts: string[]): string => join(dir, ...parts);

function run(args: string[], stdin?: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, '--no-progress', '--threads', '2', '--threshold', '1', ...args], {
    cwd: dir,
    encoding: 'utf8',
    input: stdin,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'logsift-cli-inputs-'));
  mkdirSync(at('logs'));
  writeFileSync(at('logs', 'access.log'), NGINX);
  writeFileSync(at('logs', 'access.log.1'), ELASTIC);
  writeFileSync(at('both.log'), Buffer.concat([NGINX, ELASTIC]));
  const expected = run(['--input', 'both.log', '--output', 'expected.csv']);
  assert.equal(expected.status, 0, expected.stderr);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const expectedCsv = (): string => readFileSync(at('expected.csv'), 'utf8');

describe('logsift --input', () => {
  test('several paths after one --input, or --input repeated, read as one log', () => {
    for (const args of [
      ['--input', 'logs/access.log', 'logs/access.log.1'],
      ['--input', 'logs/access.log', '--input', 'logs/access.log.1'],
      ['-i', 'logs/access.log.1', '-i', 'logs/access.log'],
    ]) {
      const result = run([...args, '--output', 'out.csv']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readFileSync(at('out.csv'), 'utf8'), expectedCsv(), args.join(' '));
      assert.match(result.stdout, /inputs +2, .*logs\/access\.log/);
    }
  });

  test('a quoted glob is expanded by logsift; a folder reads its files', () => {
    for (const input of ['logs/access.log*', 'logs', './logs/']) {
      const result = run(['--input', input, '--output', 'out.csv']);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readFileSync(at('out.csv'), 'utf8'), expectedCsv(), input);
    }
  });

  test('a missing file among many: one-line error naming it, exit 1, existing output untouched', () => {
    writeFileSync(at('keep.csv'), 'old content\n');
    const result = run(['--input', 'logs/access.log', 'logs/gone.log', 'logs/access.log.1', '--output', 'keep.csv']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'logsift: error: input file not found: logs/gone.log\n');
    assert.equal(result.stdout, '');
    assert.equal(readFileSync(at('keep.csv'), 'utf8'), 'old content\n');
  });

  test('a glob that matches nothing: error naming the pattern, nothing written', () => {
    const result = run(['--input', 'logs/access.log', 'logs/*.gz', '--output', 'never.csv']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, "logsift: error: no file matches the input pattern 'logs/*.gz'\n");
    assert.throws(() => readFileSync(at('never.csv')), { code: 'ENOENT' });
  });

  test('--skip-unreadable goes on without the missing file and reports it', () => {
    const result = run(['--input', 'logs/gone.log', 'logs/access.log', 'logs/access.log.1', '--skip-unreadable', '--output', 'out.csv']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, 'logsift: warning: skipped input logs/gone.log (not found)\n');
    assert.match(result.stdout, /skipped inputs +1 unreadable: logs\/gone\.log \(not found\)/);
    assert.equal(readFileSync(at('out.csv'), 'utf8'), expectedCsv());
  });

  test('a gzipped file among plain ones reads as its text; a truncated one fails: one line, exit 1, output untouched', NEEDS_REAL_LOGS, () => {
    writeFileSync(at('logs.gz'), gzipSync(ELASTIC));
    const ok = run(['--input', 'logs/access.log', 'logs.gz', '--output', 'out.csv']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(readFileSync(at('out.csv'), 'utf8'), expectedCsv());
    assert.match(ok.stdout, /inputs +2 \(1 gzip\), .* uncompressed: logs\/access\.log, logs\.gz/);

    writeFileSync(at('cut.gz'), gzipSync(ELASTIC).subarray(0, 50_000));
    writeFileSync(at('keep.csv'), 'old content\n');
    const cut = run(['--input', 'logs/access.log', 'cut.gz', '--output', 'keep.csv']);
    assert.equal(cut.status, 1);
    assert.equal(cut.stderr, 'logsift: error: gzip data ends early (truncated file?) in cut.gz at compressed offset 50000\n');
    assert.equal(cut.stdout, '');
    assert.equal(readFileSync(at('keep.csv'), 'utf8'), 'old content\n');
  });

  test('a corrupt gzip file, alone or among others: one line naming it, exit 1, output untouched', NEEDS_REAL_LOGS, () => {
    const bad = Buffer.from(gzipSync(ELASTIC));
    bad.fill(0xff, bad.length >> 1, (bad.length >> 1) + 16);
    writeFileSync(at('bad.gz'), bad);
    for (const name of ['n1.gz', 'n2.gz', 'n3.gz']) writeFileSync(at(name), gzipSync(NGINX));
    writeFileSync(at('keep.csv'), 'old content\n');
    for (const inputs of [['bad.gz'], ['n1.gz', 'n2.gz', 'bad.gz', 'n3.gz']]) {
      const result = run(['--input', ...inputs, '--output', 'keep.csv']);
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^logsift: error: corrupt gzip data in bad\.gz at compressed offset \d+ \([^\n]+\)\n$/);
      assert.equal(result.stdout, '');
      assert.equal(readFileSync(at('keep.csv'), 'utf8'), 'old content\n');
    }
  });

  test('- reads stdin, plain or gzipped, alone or with files: the same CSV as the files', NEEDS_REAL_LOGS, () => {
    for (const [args, stdin] of [
      [['--input', '-'], Buffer.concat([NGINX, ELASTIC])],
      [['--input', '-'], gzipSync(Buffer.concat([NGINX, ELASTIC]))],
      [['--input', 'logs/access.log', '-'], gzipSync(ELASTIC)],
      [['-i', '-', '-i', 'logs/access.log'], ELASTIC],
    ] as const) {
      const result = run([...args, '--output', 'out.csv'], stdin);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(readFileSync(at('out.csv'), 'utf8'), expectedCsv(), args.join(' '));
    }
    const alone = run(['--input', '-', '--output', 'out.csv'], gzipSync(ELASTIC));
    assert.match(alone.stdout, /^logsift stdin \(combined, /);
    assert.match(alone.stdout, /inputs +1 \(1 gzip\), .* uncompressed: -/);
  });

  test('an output that is one of the inputs (even through a folder) is refused', () => {
    writeFileSync(at('logs', 'report.csv'), 'x\n');
    const result = run(['--input', 'logs', '--output', 'logs/report.csv']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'logsift: error: output would overwrite an input: logs/report.csv\n');
    assert.equal(readFileSync(at('logs', 'report.csv'), 'utf8'), 'x\n');
    rmSync(at('logs', 'report.csv'));
  });

  test('a folder of many small files (their code then optimized later) gives the CSV of the files read as one', () => {
    mkdirSync(at('many'));
    const files: string[] = [];
    for (let i = 0; i < 150; i++) {
      const lines = [];
      for (let j = 0; j < 20; j++) {
        lines.push(`10.0.${i % 7}.${j % 5} - - [25/Oct/2015:04:${String(i % 60).padStart(2, '0')}:26 +0000] "GET /p${j} HTTP/1.1" ${[200, 404, 500][(i + j) % 3]} 5 "-" "agent"\n`);
      }
      files.push(lines.join(''));
      writeFileSync(at('many', `part-${String(i).padStart(3, '0')}.log`), files[i]);
    }
    writeFileSync(at('many.log'), files.join(''));
    const one = run(['--input', 'many.log', '--output', 'many-one.csv']);
    // Traced: the flags set for many files come after the producers loaded their code, whose caches they took.
    const folder = spawnSync(process.execPath, [MAIN, '--no-progress', '--threads', '2', '--threshold', '1', '--input', 'many', '--output', 'many-folder.csv'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, LOGSIFT_TRACE: '1' },
    });
    assert.equal(one.status, 0, one.stderr);
    assert.equal(folder.status, 0, folder.stderr);
    assert.match(folder.stderr, /w\d+ +code cache used/);
    assert.doesNotMatch(folder.stderr, /code cache refused/);
    assert.equal(readFileSync(at('many-folder.csv'), 'utf8'), readFileSync(at('many-one.csv'), 'utf8'));
    assert.match(readFileSync(at('many-one.csv'), 'utf8'), /^ip,count,/);
    rmSync(at('many'), { recursive: true });
  });

  test('an output that is an input under another name (a hard link) is refused, and left as it was', () => {
    writeFileSync(at('logs', 'extra.log'), 'x\n');
    linkSync(at('logs', 'extra.log'), at('same-file.csv'));
    try {
      const result = run(['--input', 'logs', '--output', 'same-file.csv']);
      assert.equal(result.status, 1);
      assert.equal(result.stderr, 'logsift: error: output would overwrite an input: same-file.csv\n');
      assert.equal(readFileSync(at('logs', 'extra.log'), 'utf8'), 'x\n');
    } finally {
      rmSync(at('same-file.csv'));
      rmSync(at('logs', 'extra.log'));
    }
  });
});
