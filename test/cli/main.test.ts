// The command line of the brief, run as a user runs it: the built binary in a child process.

import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_ERROR_CODES } from '../../src/options/analyze-options.js';
import { buildProgram } from '../../src/cli/args.js';
import { referenceAnalyzeFile } from '../reference/clf.js';
import { runCli } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { NEEDS_REAL_LOGS, REAL, REPO_ROOT } from '../support/paths.js';

const SAMPLE = join(REPO_ROOT, 'data', 'sample.log');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let dir: string;
before(() => {
  dir = makeTempDir();
});
after(() => removeDir(dir));

function ok(run: { code: number | null; stderr: string }): void {
  assert.equal(run.stderr, '', 'nothing on stderr');
  assert.equal(run.code, 0);
}

describe('logsift with no arguments', () => {
  test('reads data/sample.log and writes data/output.csv (in a temp copy of the repo layout)', async () => {
    const root = join(dir, 'layout');
    mkdirSync(join(root, 'data'), { recursive: true });
    copyFileSync(SAMPLE, join(root, 'data', 'sample.log'));
    const run = await runCli([], { cwd: root });
    ok(run);
    const expected = referenceAnalyzeFile(SAMPLE, { errorCodes: DEFAULT_ERROR_CODES, threshold: 10 });
    assert.equal(readFileSync(join(root, 'data', 'output.csv'), 'utf8'), expected.csv);
    assert.ok(expected.csv.split('\n').length > 3, 'the shipped sample has clients over the default threshold');
    assert.deepEqual(readdirSync(join(root, 'data')).sort(), ['output.csv', 'sample.log'], 'no temp file left');
    // The summary says what happened.
    const c = expected.counters;
    const int = (n: number): string => n.toLocaleString('en-US');
    assert.match(run.stdout, new RegExp(`lines read\\s+${int(c.lines)}\\n`));
    assert.match(run.stdout, new RegExp(`parsed\\s+${int(c.parsed)}\\n`));
    assert.match(run.stdout, new RegExp(`skipped\\s+${int(c.lines - c.parsed)} \\(${int(c.malformed)} malformed, ${int(c.blank)} blank\\)`));
    assert.match(run.stdout, new RegExp(`matching errors\\s+${int(c.matched)} `));
    assert.match(run.stdout, new RegExp(`over threshold\\s+${expected.csv.split('\n').length - 2} clients with >= 10`));
    assert.match(run.stdout, /elapsed\s+\d+\.\d\d s \(.*\/s\)/);
  });

  test('the shipped sample is small and realistic', () => {
    const size = readFileSync(SAMPLE).length;
    assert.ok(size > 100_000 && size < 5 * 1024 * 1024, `${size} bytes`);
  });
});

describe('the flags of the brief', () => {
  test('--errorcodes 400 401 500 503, written as in the brief', async () => {
    const output = join(dir, 'codes.csv');
    const run = await runCli(['--input', SAMPLE, '--output', output, '--errorcodes', '400', '401', '500', '503']);
    ok(run);
    const csv = readFileSync(output, 'utf8');
    assert.ok(csv.startsWith('ip,count,400,401,500,503,first_seen,last_seen\n'));
    assert.equal(csv, referenceAnalyzeFile(SAMPLE, { errorCodes: [400, 401, 500, 503], threshold: 10 }).csv);
  });

  test('--errorcodes before other flags, comma-separated, unordered, repeated', async () => {
    const a = join(dir, 'codes-a.csv');
    const b = join(dir, 'codes-b.csv');
    ok(await runCli(['--errorcodes', '503', '404', '--threshold', '3', '--input', SAMPLE, '--output', a]));
    ok(await runCli(['--input', SAMPLE, '-e', '404,503', '503', '--output', b, '--threshold=3']));
    const expected = referenceAnalyzeFile(SAMPLE, { errorCodes: [404, 503], threshold: 3 }).csv;
    assert.equal(readFileSync(a, 'utf8'), expected);
    assert.equal(readFileSync(b, 'utf8'), expected);
  });

  test('--errorcodes given twice over counts each code once', async () => {
    const output = join(dir, 'dup.csv');
    ok(await runCli(['--input', SAMPLE, '--output', output, '--errorcodes', '500', '404', '404,500', '--threshold', '2']));
    const csv = readFileSync(output, 'utf8');
    assert.ok(csv.startsWith('ip,count,404,500,first_seen,last_seen\n'));
    assert.equal(csv, referenceAnalyzeFile(SAMPLE, { errorCodes: [404, 500], threshold: 2 }).csv);
  });

  test('--threads 12 (the brief\'s number) gives the same CSV as --threads 1', async () => {
    const twelve = join(dir, 't12.csv');
    const one = join(dir, 't1.csv');
    const run = await runCli(['--input', SAMPLE, '--output', twelve, '--threads', '12', '--threshold', '2']);
    ok(run);
    assert.match(run.stdout, /12 threads/);
    ok(await runCli(['--input', SAMPLE, '--output', one, '--threads', '1', '--threshold', '2']));
    assert.equal(readFileSync(twelve, 'utf8'), readFileSync(one, 'utf8'));
    assert.equal(readFileSync(one, 'utf8'), referenceAnalyzeFile(SAMPLE, { errorCodes: DEFAULT_ERROR_CODES, threshold: 2 }).csv);
  });

  test('--input and --output with a real log; --format and --top', NEEDS_REAL_LOGS, async () => {
    const output = join(dir, 'nasa.csv');
    const run = await runCli(['-i', REAL.nasa, '-o', output, '--format', 'common', '--top', '3', '--threshold', '2']);
    ok(run);
    assert.equal(readFileSync(output, 'utf8'), referenceAnalyzeFile(REAL.nasa, { errorCodes: DEFAULT_ERROR_CODES, threshold: 2 }).csv);
    assert.match(run.stdout, /Top 3 of \d+/);
  });

  test('the hidden testing flags (--chunk-bytes, --range-bytes, --no-kernel) change nothing in the result', NEEDS_REAL_LOGS, async () => {
    const plain = join(dir, 'plain.csv');
    const odd = join(dir, 'odd.csv');
    ok(await runCli(['--input', REAL.apache, '--output', plain, '--threshold', '2']));
    ok(await runCli(['--input', REAL.apache, '--output', odd, '--threshold', '2', '--chunk-bytes', '7', '--range-bytes', '65536', '--threads', '3', '--no-kernel']));
    assert.equal(readFileSync(odd, 'utf8'), readFileSync(plain, 'utf8'));
  });

  test('--help shows a handful of examples, `logsift help examples` one for every flag', async () => {
    const run = await runCli(['--help']);
    ok(run);
    const handful = run.stdout.slice(run.stdout.indexOf('Examples:'), run.stdout.indexOf('Notes:'));
    const shown = handful.split('\n').filter((line) => /^\s*\$ logsift|\| logsift/.test(line)).length;
    assert.ok(shown >= 5 && shown <= 15, `${shown} examples in --help`);
    const topic = await runCli(['help', 'examples']);
    ok(topic);
    const examples = topic.stdout;
    assert.ok(examples.length > 10, 'an Examples section');
    const visible = buildProgram(VERSION).options.filter((option) => !option.hidden);
    for (const option of [...visible.map((o) => o.long!), '--help']) {
      assert.match(examples, new RegExp(`\\$ logsift .*${option}\\b`), `an example with ${option}`);
    }
    assert.match(examples, /--threads 12/);
    assert.match(run.stdout, /--errorcodes <code\.\.\.>/);
  });

  test('--version prints the version of package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await runCli([flag]);
      ok(run);
      assert.equal(run.stdout, `${VERSION}\n`);
    }
  });
});

describe('a file with no parseable line', () => {
  test('is not an error: header-only CSV, exit 0, and the summary says how many lines were skipped', async () => {
    const input = join(dir, 'junk.log');
    writeFileSync(input, 'not a log line\n\n\x00\x01\x02 binary\r\nanother bad one');
    const output = join(dir, 'junk.csv');
    const run = await runCli(['--input', input, '--output', output]);
    assert.equal(run.code, 0);
    // A warning that nothing fitted is fine (one line each); an error is not.
    assert.match(run.stderr, /^(logsift: warning: [^\n]*\n)*$/);
    assert.equal(readFileSync(output, 'utf8'), `ip,count,${DEFAULT_ERROR_CODES.join(',')},first_seen,last_seen\n`);
    assert.match(run.stdout, /lines read\s+4\n/);
    assert.match(run.stdout, /parsed\s+0\n/);
    assert.match(run.stdout, /skipped\s+4 \(3 malformed, 1 blank\)/);
    assert.match(run.stdout, /over threshold\s+0 clients/);
  });

  test('an empty file too', async () => {
    const input = join(dir, 'empty.log');
    writeFileSync(input, '');
    const output = join(dir, 'empty.csv');
    const run = await runCli(['--input', input, '--output', output]);
    ok(run);
    assert.equal(readFileSync(output, 'utf8'), `ip,count,${DEFAULT_ERROR_CODES.join(',')},first_seen,last_seen\n`);
    assert.match(run.stdout, /lines read\s+0\n/);
  });

  test('the IIS log runs (it is a W3C format, not CLF)', NEEDS_REAL_LOGS, async () => {
    const output = join(dir, 'iis.csv');
    const run = await runCli(['--input', REAL.iis, '--output', output]);
    ok(run);
    assert.match(readFileSync(output, 'utf8'), /^ip,count,400,/);
    assert.match(run.stdout, /lines read\s+607\n/);
  });
});

describe('output', () => {
  test('parent folders are created; nothing but the CSV is left behind', async () => {
    const output = join(dir, 'deep', 'er', 'still', 'out.csv');
    ok(await runCli(['--input', SAMPLE, '--output', output]));
    assert.ok(existsSync(output));
    assert.deepEqual(readdirSync(join(dir, 'deep', 'er', 'still')), ['out.csv']);
  });

  test('an existing output is replaced whole', async () => {
    const output = join(dir, 'replace.csv');
    writeFileSync(output, 'x'.repeat(1_000_000));
    ok(await runCli(['--input', SAMPLE, '--output', output]));
    assert.equal(readFileSync(output, 'utf8'), referenceAnalyzeFile(SAMPLE, { errorCodes: DEFAULT_ERROR_CODES, threshold: 10 }).csv);
  });

  test('stdout closed early (`logsift | head -1`) is not an error', NEEDS_REAL_LOGS, async () => {
    const output = join(dir, 'epipe.csv');
    const run = await runCli(['--input', REAL.nasa, '--output', output, '--threshold', '1', '--top', '100000'], {
      onSpawn: (child) => child.stdout!.once('data', () => child.stdout!.destroy()),
    });
    assert.equal(run.stderr, '');
    assert.equal(run.code, 0);
    assert.ok(existsSync(output));
  });
});
