// The format flags end to end: --format, --log-format, --json-fields, --w3c-fields, --client-from, --strict, and what the
// user sees on stderr (one line per warning or error, no stack trace).

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { makeTempDir, removeDir } from '../support/files.js';
import { expectedCsv, fixture, REAL, ROOT } from '../formats/support.js';
import { referenceW3c } from '../reference/w3c.js';
import { NEEDS_REAL_LOGS } from '../support/paths.js';

const MAIN = join(ROOT, 'dist', 'bundle', 'cli', 'logsift.js');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [MAIN, '--threads', '2', '--no-progress', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('--log-format (nginx) reads the real nginx log as the built-in parser does; the summary names the format', NEEDS_REAL_LOGS, async () => {
  const dir = makeTempDir();
  try {
    const builtIn = await cli(['-i', REAL.nginx, '-o', join(dir, 'a.csv'), '--threshold', '1']);
    const custom = await cli([
      '-i', REAL.nginx, '-o', join(dir, 'b.csv'), '--threshold', '1',
      '--log-format', '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"',
    ]);
    assert.equal(builtIn.code, 0);
    assert.equal(custom.code, 0);
    assert.match(custom.stdout, /\(nginx, /);
    assert.equal(readFileSync(join(dir, 'b.csv'), 'utf8'), readFileSync(join(dir, 'a.csv'), 'utf8'));
  } finally {
    removeDir(dir);
  }
});

test('no line fits: exit 0, a header-only CSV, one warning naming the formats tried and the lines skipped', async () => {
  const dir = makeTempDir();
  try {
    const got = await cli(['-i', fixture('not-a-log.txt'), '-o', join(dir, 'x.csv')]);
    assert.equal(got.code, 0);
    assert.equal(readFileSync(join(dir, 'x.csv'), 'utf8'), 'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen\n');
    assert.match(got.stderr, /^logsift: warning: no line of .*not-a-log\.txt fits any known format \(tried: w3c, cloudfront, alb, elb, haproxy, caddy, json, combined, common, vcombined\): 3 lines skipped\n$/);
  } finally {
    removeDir(dir);
  }
});

test('--strict: a line that does not fit is a one-line error, and an existing output is left alone', NEEDS_REAL_LOGS, async () => {
  const dir = makeTempDir();
  try {
    const out = join(dir, 'x.csv');
    writeFileSync(out, 'keep me\n');
    const got = await cli(['-i', REAL.iis, '-o', out, '--format', 'combined', '--strict']);
    assert.equal(got.code, 1);
    assert.match(got.stderr, /^logsift: error: 607 lines of .* do not fit format combined \(--strict\)\n$/);
    assert.equal(readFileSync(out, 'utf8'), 'keep me\n');
    const fresh = join(dir, 'y.csv');
    const w3c = await cli(['-i', REAL.iis, '-o', fresh, '--strict']);
    assert.equal(w3c.code, 0, w3c.stderr);
    assert.ok(existsSync(fresh));
  } finally {
    removeDir(dir);
  }
});

test('--json-fields and --client-from; bad values are one-line usage errors', async () => {
  const dir = makeTempDir();
  try {
    const input = join(dir, 'app.log');
    writeFileSync(input, '{"src":{"ip":"192.0.2.1"},"code":503,"when":"2024-01-02T03:04:05Z","fwd":"203.0.113.1"}\n');
    const got = await cli(['-i', input, '-o', join(dir, 'x.csv'), '--threshold', '1', '--json-fields', 'client=src.ip,status=code,time=when,xff=fwd', '--client-from', 'xff']);
    assert.equal(got.code, 0, got.stderr);
    assert.match(readFileSync(join(dir, 'x.csv'), 'utf8'), /^203\.0\.113\.1,1,/m);

    const alb = await cli(['-i', fixture('alb.log'), '-o', join(dir, 'y.csv'), '--client-from', 'xff']);
    assert.equal(alb.code, 0);
    assert.match(alb.stderr, /warning: --client-from xff: format alb logs no X-Forwarded-For/);

    for (const args of [
      ['--json-fields', 'client'],
      ['--json-fields', 'colour=x'],
      ['--client-from', 'header'],
      ['--format', 'nope'],
      ['--format', 'alb', '--log-format', '$remote_addr'],
      ['--log-format', '$remote_addr $status'],
    ]) {
      const bad = await cli(['-i', input, '-o', join(dir, 'z.csv'), ...args]);
      assert.notEqual(bad.code, 0, args.join(' '));
      assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
      assert.match(bad.stderr, /^logsift: /);
      assert.ok(!existsSync(join(dir, 'z.csv')));
    }
  } finally {
    removeDir(dir);
  }
});

/** The last `count` data lines of the real IIS log with only some of its columns, as a site logging fewer fields writes them. */
function cutIisWithFewerFields(count: number): { text: string; fields: string[] } {
  const lines = readFileSync(REAL.iis, 'latin1').split('\n');
  const all = lines.find((line) => line.startsWith('#Fields: '))!.slice(9).trim().split(' ');
  const fields = ['date', 'time', 'c-ip', 'cs-method', 'cs-uri-stem', 'sc-status', 'time-taken'];
  const columns = fields.map((name) => all.indexOf(name));
  const data = lines.filter((line) => line !== '' && !line.startsWith('#')).slice(-count);
  return { text: data.map((line) => columns.map((c) => line.split(' ')[c]).join(' ')).join('\n') + '\n', fields };
}

test('a W3C file cut without its #Fields: line: the warning names --w3c-fields, which then reads every line', NEEDS_REAL_LOGS, async () => {
  const dir = makeTempDir();
  try {
    const { text, fields } = cutIisWithFewerFields(300);
    const path = join(dir, 'u_ex151020-tail.log');
    writeFileSync(path, text, 'latin1');
    const guessed = await cli(['-i', path, '-o', join(dir, 'guessed.csv'), '--threshold', '1']);
    assert.equal(guessed.code, 0);
    assert.match(guessed.stderr, /^logsift: warning: no line of .*u_ex151020-tail\.log fits any known format .*: 300 lines skipped; a W3C file without its #Fields: line .* --w3c-fields "date time c-ip \.\.\." naming its fields\n$/);
    const named = await cli(['-i', path, '-o', join(dir, 'one.csv'), '--threshold', '1', '--threads', '1', '--w3c-fields', fields.join(' ')]);
    assert.equal(named.code, 0, named.stderr);
    assert.equal(named.stderr, '');
    assert.match(named.stdout, /\(w3c, /);
    const expected = expectedCsv(referenceW3c(text, 'client', fields), 1);
    assert.equal(readFileSync(join(dir, 'one.csv'), 'utf8'), expected);
    assert.notEqual(expected.split('\n').length, 2); // the cut has error lines
    // Three threads, commas, and a pasted "#Fields:" give the same.
    const three = await cli(['-i', path, '-o', join(dir, 'three.csv'), '--threshold', '1', '--threads', '3', '--w3c-fields', `#Fields: ${fields.join(',')}`]);
    assert.equal(three.code, 0, three.stderr);
    assert.equal(readFileSync(join(dir, 'three.csv'), 'utf8'), expected);
    // --format w3c without the flag: the same hint.
    const w3c = await cli(['-i', path, '-o', join(dir, 'w3c.csv'), '--format', 'w3c']);
    assert.match(w3c.stderr, /fits format w3c: 300 lines skipped; .*--w3c-fields/);
  } finally {
    removeDir(dir);
  }
});

test('--w3c-fields: refused without the fields the count needs, or with another format; the output left alone', async () => {
  const dir = makeTempDir();
  try {
    const out = join(dir, 'x.csv');
    writeFileSync(out, 'keep me\n');
    const missing = await cli(['-i', fixture('iis-changing-fields.log'), '-o', out, '--w3c-fields', 'date time cs-method']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'logsift: error: --w3c-fields must name date, time, c-ip and sc-status; missing: c-ip, sc-status\n');
    const other = await cli(['-i', fixture('iis-changing-fields.log'), '-o', out, '--format', 'combined', '--w3c-fields', 'date time c-ip sc-status']);
    assert.equal(other.code, 1);
    assert.equal(other.stderr, 'logsift: error: --w3c-fields is for W3C extended logs (--format w3c or cloudfront), not combined\n');
    const empty = await cli(['-i', fixture('iis-changing-fields.log'), '-o', out, '--w3c-fields', ' , ']);
    assert.equal(empty.code, 1);
    assert.match(empty.stderr, /^logsift: error: .*--w3c-fields/);
    assert.equal(empty.stderr.split('\n').length, 2);
    assert.equal(readFileSync(out, 'utf8'), 'keep me\n');
  } finally {
    removeDir(dir);
  }
});

test('docker compose logs: detected behind the prefixes, named with --format compose:NAME; compose:w3c is a usage error', async () => {
  const dir = makeTempDir();
  try {
    const line = (i: number): string => `10.0.0.${i % 2} - - [10/Oct/2024:13:55:${String(i).padStart(2, '0')} +0000] "GET / HTTP/1.1" 503 1 "-" "ua"`;
    const input = join(dir, 'compose.log');
    writeFileSync(input, 'Attaching to web-1\n' + Array.from({ length: 20 }, (_, i) => `\x1b[36mweb-1  | \x1b[0m${line(i)}`).join('\n') + '\n');
    const detected = await cli(['-i', input, '-o', '-', '--threshold', '1']);
    assert.equal(detected.code, 0, detected.stderr);
    assert.match(detected.stdout, /^10\.0\.0\.0,10,/m);
    assert.match(detected.stderr, /\(compose:combined, /);
    const named = await cli(['-i', input, '-o', '-', '--threshold', '1', '--format', 'compose:clf', '-q']);
    assert.equal(named.code, 0, named.stderr);
    assert.match(named.stdout, /^10\.0\.0\.1,10,/m);
    const refused = await cli(['-i', input, '--format', 'compose:w3c']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /^logsift: error: .*compose:NAME.*"compose:w3c"\n$/);
  } finally {
    removeDir(dir);
  }
});
