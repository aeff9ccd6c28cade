// The conventions of a Unix tool, through the built command: positional inputs, stdin when it is a pipe, the
// output on stdout with `-o -` (the summary then on stderr), --quiet, --top 0, --fail-if-found's exit status,
// --most, the highest count when nothing passes, rotated sets oldest first, the table fitted to $COLUMNS,
// colour flags, plurals, and one style for every usage error.

import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import stringWidth from 'string-width';
import { runCli } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { REPO_ROOT } from '../support/paths.js';

const SAMPLE = join(REPO_ROOT, 'data', 'sample.log');
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

let dir: string;
/** The sample's CSV at threshold 1: every client, ranked. */
let everyClient: string[];
before(async () => {
  dir = makeTempDir();
  const run = await runCli([SAMPLE, '-o', '-', '--threshold', '1', '-q']);
  assert.equal(run.code, 0, run.stderr);
  everyClient = run.stdout.trimEnd().split('\n');
});
after(() => removeDir(dir));

const out = (name: string): string => join(dir, name);

describe('inputs', () => {
  test('positional inputs work like --input, also after a list flag', async () => {
    const a = await runCli(['--input', SAMPLE, '-o', out('a.csv'), '--errorcodes', '404', '500']);
    const b = await runCli(['--errorcodes', '404', '500', SAMPLE, '-o', out('b.csv')]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal(readFileSync(out('b.csv'), 'utf8'), readFileSync(out('a.csv'), 'utf8'));
  });

  test('no input and a pipe on stdin: stdin is read, and the first line says so', async () => {
    const run = await runCli(['-o', '-', '--threshold', '1'], { stdin: readFileSync(SAMPLE) });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trimEnd(), everyClient.join('\n'));
    assert.match(run.stderr.split('\n')[0], /^logsift stdin \(stdin, no input named; combined/);
  });

  test('no input and no pipe: the shipped sample, and the first line says so', async () => {
    const root = out('layout');
    mkdirSync(join(root, 'data'), { recursive: true });
    copyFileSync(SAMPLE, join(root, 'data', 'sample.log'));
    const run = await runCli([], { cwd: root });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout.split('\n')[0], /^logsift \.\/data\/sample\.log \(the shipped sample: no input named; /);
  });

  test('a rotated set is read oldest first: .N.gz ... .1, then the live file', async () => {
    const logs = out('rotated');
    mkdirSync(logs);
    const text = readFileSync(SAMPLE);
    writeFileSync(join(logs, 'access.log'), text);
    writeFileSync(join(logs, 'access.log.1'), text);
    writeFileSync(join(logs, 'access.log.2.gz'), gzipSync(text));
    writeFileSync(join(logs, 'access.log.10.gz'), gzipSync(text));
    const run = await runCli([join(logs, 'access.log*'), '-o', out('rotated.csv'), '--top', '0']);
    assert.equal(run.code, 0, run.stderr);
    const names = ['access.log.10.gz', 'access.log.2.gz', 'access.log.1', 'access.log'].map((name) => join(logs, name));
    assert.match(run.stdout, new RegExp(`inputs +4 .*: ${names.join(', ').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n`));
  });
});

describe('time spans', () => {
  test('a span that holds no entry says so, and how times without an offset are read', async () => {
    const run = await runCli([SAMPLE, '-o', out('span.csv'), '--since', '2030-01-01T00:00']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^logsift: warning: no entry is in the span given \(since 2030-01-01T00:00\): all [\d,]+ parsed entries are outside it, the log covers 2024-05-01T00:00:00\+00:00 to 2024-05-01T00:03:47\+00:00; a time without an offset is UTC/m);
    const some = await runCli([SAMPLE, '-o', out('span.csv'), '--since', '2h']);
    assert.doesNotMatch(some.stderr, /no entry is in the span/);
  });
});

describe('output', () => {
  test('-o - writes the CSV to stdout, the summary and table to stderr, and no file named -', async () => {
    const cwd = out('stdout');
    mkdirSync(cwd);
    const run = await runCli([SAMPLE, '-o', '-', '--threshold', '1'], { cwd });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trimEnd(), everyClient.join('\n'));
    assert.match(run.stderr, /lines read/);
    assert.match(run.stderr, /Top 20 of/);
    assert.doesNotMatch(run.stderr, /saved/);
    assert.deepEqual(readdirSync(cwd), []);
  });

  test('JSON says --most and the highest count, valid against the schema', async () => {
    const most = JSON.parse((await runCli([SAMPLE, '-o', '-', '--output-format', 'json', '-q', '--most', '2'])).stdout) as Record<string, unknown>;
    assert.equal(most.most, 2);
    assert.equal(most.threshold, 1);
    const none = JSON.parse((await runCli([SAMPLE, '-o', '-', '--output-format', 'json', '-q', '--threshold', '100000'])).stdout) as { summary: { highest: { key: string[]; count: number } } };
    assert.deepEqual(none.summary.highest, { key: [everyClient[1].split(',')[0]], count: Number(everyClient[1].split(',')[1]) });
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'schema', 'result.schema.json'), 'utf8')) as object);
    assert.ok(validate(most), JSON.stringify(validate.errors));
    assert.ok(validate(none), JSON.stringify(validate.errors));
  });

  test('-o - with JSON and NDJSON', async () => {
    const json = await runCli([SAMPLE, '-o', '-', '--output-format', 'json', '-q']);
    const document = JSON.parse(json.stdout) as { rows: unknown[]; summary: { reported: number } };
    assert.ok(document.rows.length > 0);
    assert.equal(document.rows.length, document.summary.reported);
    const ndjson = await runCli([SAMPLE, '-o', '-', '--output-format', 'ndjson', '-q', '--threshold', '1']);
    assert.equal(ndjson.stdout.trimEnd().split('\n').length, everyClient.length - 1);
  });

  test('--quiet prints nothing but errors', async () => {
    const run = await runCli([SAMPLE, '-o', out('quiet.csv'), '--quiet']);
    assert.deepEqual([run.code, run.stdout, run.stderr], [0, '', '']);
    assert.ok(existsSync(out('quiet.csv')));
    const bad = await runCli([SAMPLE, '-o', out('quiet.csv'), '--quiet', '--threshold', 'x']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^logsift: error: /);
  });

  test('--top 0: the summary, no table', async () => {
    const run = await runCli([SAMPLE, '-o', out('top0.csv'), '--top', '0']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /over threshold/);
    assert.doesNotMatch(run.stdout, /Top|┌/);
  });

  test('--fail-if-found: exit 3 when a group passed, 0 when none did; errors keep 1', async () => {
    assert.equal((await runCli([SAMPLE, '-o', out('f.csv'), '-q', '--fail-if-found'])).code, 3);
    assert.equal((await runCli([SAMPLE, '-o', out('f.csv'), '-q', '--fail-if-found', '--threshold', '100000'])).code, 0);
    assert.equal((await runCli([out('missing.log'), '-o', out('f.csv'), '-q', '--fail-if-found'])).code, 1);
    assert.equal((await runCli([SAMPLE, '-o', out('f.csv'), '--fail-if-found'])).code, 3, 'also when the report is printed');
  });

  test('nothing over the threshold: the highest count seen, and by whom', async () => {
    const run = await runCli([SAMPLE, '-o', out('none.csv'), '--threshold', '100000']);
    assert.equal(run.code, 0, run.stderr);
    const [ip, count] = everyClient[1].split(',');
    assert.match(run.stdout, new RegExp(`highest +${count}, by ${ip.replace(/\./g, '\\.')} \\(--threshold ${count} would report it\\)`));
    assert.doesNotMatch(run.stdout, /Top/);
  });

  test('--most N: the N busiest groups, whatever the threshold; not with --threshold', async () => {
    const run = await runCli([SAMPLE, '-o', '-', '--most', '3'], {});
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trimEnd(), everyClient.slice(0, 4).join('\n'));
    assert.match(run.stderr, /reported +3 clients: the 3 with the most\n/);
    const one = await runCli([SAMPLE, '-o', '-', '--most', '1', '--threads', '1']);
    assert.match(one.stderr, /reported +1 client: the 1 with the most\n/);
    assert.match(one.stderr, /\(combined, [^)]*, 1 thread\)/);
    const both = await runCli([SAMPLE, '-o', out('m.csv'), '--most', '3', '--threshold', '5']);
    assert.equal(both.code, 1);
    assert.match(both.stderr, /^logsift: error: --most reports the top groups whatever the threshold: give --most or --threshold, not both\n$/);
  });
});

describe('the terminal', () => {
  const widest = (text: string): number => Math.max(...text.split('\n').map((line) => stringWidth(line)));

  test('the table fits $COLUMNS; below 60, a list', async () => {
    const wide = await runCli([SAMPLE, '-o', out('w.csv'), '--threshold', '1']);
    assert.ok(widest(wide.stdout) > 100, 'no width: the whole table');
    for (const columns of [100, 80, 72, 60]) {
      const run = await runCli([SAMPLE, '-o', out('w.csv'), '--threshold', '1', '--by', 'path', 'ip'], { env: { COLUMNS: String(columns) } });
      assert.equal(run.code, 0, run.stderr);
      const table = run.stdout.slice(run.stdout.indexOf('Top '));
      assert.ok(widest(table) <= columns, `${columns} columns: ${widest(table)}`);
      assert.match(table, /┌/);
    }
    const narrow = await runCli([SAMPLE, '-o', out('w.csv'), '--threshold', '1'], { env: { COLUMNS: '50' } });
    const list = narrow.stdout.slice(narrow.stdout.indexOf('Top '));
    assert.doesNotMatch(list, /┌/);
    assert.match(list, /^1\. \S+$/m);
    assert.ok(widest(list) <= 50);
  });

  test('--color always|never, FORCE_COLOR and NO_COLOR', async () => {
    const args = [SAMPLE, '-o', out('c.csv'), '--threshold', '5'];
    assert.match((await runCli([...args, '--color', 'always'])).stdout, ANSI);
    assert.doesNotMatch((await runCli([...args, '--color', 'never'], { env: { FORCE_COLOR: '1' } })).stdout, ANSI);
    assert.match((await runCli(args, { env: { FORCE_COLOR: '1' } })).stdout, ANSI);
    assert.doesNotMatch((await runCli(args, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout, ANSI);
    assert.doesNotMatch((await runCli(args)).stdout, ANSI);
  });
});

describe('flags and messages', () => {
  const failsWith = async (args: string[], line: string): Promise<void> => {
    const run = await runCli([SAMPLE, '-o', out('never.csv'), ...args]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, `logsift: error: ${line}\n`);
    assert.equal(run.stdout, '');
    assert.ok(!existsSync(out('never.csv')));
  };

  test('usage errors in one style', async () => {
    await failsWith(['--threshold', '0'], '--threshold must be a positive integer, got "0"');
    await failsWith(['--top', '-1'], '--top must be a whole number, got "-1"');
    await failsWith(['--window', '10'], "--window '10' has no unit: write 10s, 10m or 10h (units: s, m, h, d, w)");
    await failsWith(['--color', 'pink'], '--color must be one of auto, always, never, got "pink"');
    await failsWith(['--log-format', 'combined'], "--log-format takes your server's format string; for the built-in format write --format combined");
    await failsWith(['--thread', '2'], "unknown option '--thread' (did you mean --threads?)");
  });

  test('--error-codes is --errorcodes; --by takes spaces or commas; --format clf is common', async () => {
    const a = await runCli([SAMPLE, '-o', '-', '-q', '--errorcodes', '404', '--by', 'path,status', '--threshold', '2']);
    const b = await runCli([SAMPLE, '-o', '-', '-q', '--error-codes', '404', '--by', 'path', 'status', '--threshold', '2']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.stdout, a.stdout);
    assert.match(a.stdout, /^path,status,count,404,/);
    const clf = await runCli([SAMPLE, '-o', out('clf.csv'), '--format', 'clf']);
    assert.equal(clf.code, 0, clf.stderr);
    assert.match(clf.stdout, /\(common, /);
  });

  test('logsift help formats, logsift help examples, logsift help', async () => {
    assert.match((await runCli(['help', 'formats'])).stdout, /common, clf +NCSA Common/);
    assert.match((await runCli(['help', 'examples'])).stdout, /--threads 12/);
    assert.equal((await runCli(['help'])).stdout, (await runCli(['--help'])).stdout);
    const unknown = await runCli(['help', 'colours']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, "logsift: error: no help on 'colours': try logsift help formats, logsift help examples or logsift --help\n");
  });
});
