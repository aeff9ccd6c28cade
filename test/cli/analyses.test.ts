// The analyses' flags on the command line: they work, they are in --help, and bad values fail cleanly.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const CLI = resolve('dist', 'bundle', 'cli', 'logsift.js');
const dir = mkdtempSync(join(tmpdir(), 'logsift-cli-analyses-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const LOG = [
  '10.0.0.1 - - [01/May/2024:00:00:00 +0000] "GET /a?x=1 HTTP/1.1" 404 1 "-" "curl/8"',
  '10.0.0.1 - - [01/May/2024:00:00:30 +0000] "GET /a?x=2 HTTP/1.1" 404 1 "-" "curl/8"',
  '10.0.0.1 - - [01/May/2024:00:05:00 +0000] "POST /b HTTP/1.1" 503 1 "-" "curl/8"',
  '10.0.0.2 - - [01/May/2024:00:00:10 +0000] "GET /a HTTP/1.1" 500 1 "-" "Mozilla/5.0"',
  '10.0.0.2 - - [01/May/2024:00:00:20 +0000] "GET /a HTTP/1.1" 200 1 "-" "Mozilla/5.0"',
].join('\n') + '\n';
const input = join(dir, 'access.log');
writeFileSync(input, LOG);

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, '--input', input, '--no-progress', ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('analyses on the command line', () => {
  it('--by path with classes writes key and class columns', () => {
    const output = join(dir, 'by-path.csv');
    const r = run('--output', output, '--by', 'path', '--errorcodes', '4xx', '5xx', '--threshold', '1');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      readFileSync(output, 'utf8'),
      'path,count,4xx,5xx,first_seen,last_seen\n' +
        '/a,3,2,1,2024-05-01T00:00:00+00:00,2024-05-01T00:00:30+00:00\n' +
        '/b,1,0,1,2024-05-01T00:05:00+00:00,2024-05-01T00:05:00+00:00\n',
    );
    assert.match(r.stdout, /from 2 groups \(by path\)/);
  });

  it('--by ip,path --keep-query and --window add their columns', () => {
    const output = join(dir, 'window.csv');
    const r = run('--output', output, '--by', 'ip,path', '--keep-query', '--errorcodes', '400-599', '--threshold', '1', '--window', '1m');
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(output, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'ip,path,count,400-599,first_seen,last_seen,peak_window_count,peak_window_start');
    assert.equal(lines.length, 5);
    assert.ok(lines.includes('10.0.0.1,/a?x=1,1,1,2024-05-01T00:00:00+00:00,2024-05-01T00:00:00+00:00,1,2024-05-01T00:00:00+00:00'));
  });

  it('--window counts within the window only', () => {
    const output = join(dir, 'window-threshold.csv');
    const r = run('--output', output, '--threshold', '3', '--window', '1h');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      readFileSync(output, 'utf8'),
      'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen,peak_window_count,peak_window_start\n' +
        '10.0.0.1,3,0,0,0,2,0,0,0,0,1,0,0,2024-05-01T00:00:00+00:00,2024-05-01T00:05:00+00:00,3,2024-05-01T00:00:00+00:00\n',
    );
    assert.equal(run('--output', output, '--threshold', '3', '--window', '4m').status, 0);
    assert.equal(readFileSync(output, 'utf8').split('\n').length, 2, 'no group has 3 within 4 minutes: header only');
  });

  const bad: Array<[string[], RegExp]> = [
    [['--window', '0'], /--window '0' is not a duration longer than zero: use a number with a unit s, m, h, d or w/],
    [['--window', '10x'], /--window '10x' is not a duration/],
    [['--by', 'nosuchfield'], /--by: unknown field 'nosuchfield': use ip, path, status, method, user_agent, referrer, vhost/],
    [['--errorcodes', '6xx'], /--errorcodes: '6xx' is not a status class: use 1xx, 2xx, 3xx, 4xx or 5xx/],
    [['--errorcodes', '4xx', '404'], /--errorcodes: '4xx' and '404' both hold status 404/],
    [['--errorcodes', '599-500'], /'599-500' is not a status range/],
    [['--since', 'tomorrow'], /--since 'tomorrow' is not a time: use an ISO 8601 time/],
    [['--since', '2024-05-02', '--until', '2024-05-01'], /--since '2024-05-02' is not before --until '2024-05-01'/],
    [['--since', '1h', '--until', '2h'], /--since '1h' is not before --until '2h'/],
    [['--exclude-ip', '10.0.0.0/33'], /--exclude-ip '10.0.0.0\/33': the prefix length must be a number from 0 to 32/],
    [['--include-ip', 'not-an-ip'], /--include-ip 'not-an-ip' is not an address block: use an IPv4 or IPv6 address or block/],
    [['--output-format', 'xml'], /^logsift: error: --output-format must be one of csv, json, ndjson, html, got "xml"$/m],
    [['--window', '10'], /--window '10' has no unit: write 10s, 10m or 10h/],
  ];
  for (const [args, message] of bad) {
    it(`fails cleanly on ${args.join(' ')}`, () => {
      const output = join(dir, 'kept.csv');
      writeFileSync(output, 'old content\n');
      const r = run('--output', output, ...args);
      assert.equal(r.status, 1);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^logsift: error: [^\n]*\n$/, 'one line');
      assert.equal(readFileSync(output, 'utf8'), 'old content\n', 'existing output untouched');
      assert.equal(existsSync(join(dir, 'never.csv')), false);
    });
  }

  it('--since/--until and --exclude-ip leave entries out and say how many', () => {
    const output = join(dir, 'span.csv');
    const r = run('--output', output, '--threshold', '1', '--since', '2024-05-01T00:00:10Z', '--until', '1m', '--exclude-ip', '10.0.0.2', '::1');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /outside the span  2 entries \(since 2024-05-01T00:00:10Z, until 1m\)/);
    assert.match(r.stdout, /clients left out  1 matching response \(not 10.0.0.2 ::1\)/);
    assert.equal(
      readFileSync(output, 'utf8'),
      'ip,count,400,401,403,404,405,500,501,502,503,504,505,first_seen,last_seen\n' +
        '10.0.0.1,1,0,0,0,1,0,0,0,0,0,0,0,2024-05-01T00:00:30+00:00,2024-05-01T00:00:30+00:00\n',
    );
  });

  it('writes JSON for a .json output, NDJSON for .ndjson/.jsonl or when asked, CSV otherwise', () => {
    const json = join(dir, 'out.json');
    assert.equal(run('--output', json, '--threshold', '1', '--by', 'ip,status').status, 0);
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    assert.deepEqual(doc.key_fields, ['ip', 'status']);
    assert.deepEqual(doc.rows[0], {
      key: { ip: '10.0.0.1', status: '404' },
      count: 2,
      by_status: { '400': 0, '401': 0, '403': 0, '404': 2, '405': 0, '500': 0, '501': 0, '502': 0, '503': 0, '504': 0, '505': 0 },
      first_seen: '2024-05-01T00:00:00+00:00',
      last_seen: '2024-05-01T00:00:30+00:00',
    });
    for (const [name, args] of [['out.ndjson', []], ['out.jsonl', []], ['out.txt', ['--output-format', 'ndjson']]] as const) {
      const output = join(dir, name);
      assert.equal(run('--output', output, '--threshold', '1', ...args).status, 0);
      const lines = readFileSync(output, 'utf8').trim().split('\n');
      assert.equal(lines.length, 2, name);
      assert.equal(JSON.parse(lines[0]).key.ip, '10.0.0.1');
    }
    const csv = join(dir, 'forced.json');
    assert.equal(run('--output', csv, '--threshold', '1', '--output-format', 'csv').status, 0);
    assert.match(readFileSync(csv, 'utf8'), /^ip,count,/);
  });

  it('shows each analysis flag in --help, with an example there or in `logsift help examples`', () => {
    const help =
      spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).stdout +
      spawnSync(process.execPath, [CLI, 'help', 'examples'], { encoding: 'utf8' }).stdout;
    for (const flag of ['--by', '--keep-query', '--window', '--since', '--until', '--include-ip', '--exclude-ip', '--output-format', '--top']) {
      assert.match(help, new RegExp(`^  ${flag}`, 'm'), `${flag} described`);
      assert.match(help, new RegExp(`\\$ logsift .*${flag}`), `${flag} has an example`);
    }
    assert.match(help, /--errorcodes 4xx 500-599/);
  });
});
