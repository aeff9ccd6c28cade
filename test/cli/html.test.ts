// `--html PATH` and `--output report.html` on the built command line: the report written beside the usual
// output (which stays byte-identical to a run without it), or alone; and each bad case one clear error line
// with every existing file left as it was.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli, runNode } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { CLI_PATH, REPO_ROOT } from '../support/paths.js';

const SAMPLE = join(REPO_ROOT, 'data', 'sample.log');
const dir = makeTempDir('logsift-cli-html-');
after(() => removeDir(dir));

function isReport(path: string): void {
  const text = readFileSync(path, 'utf8');
  assert.match(text, /^<!doctype html>/);
  assert.match(text, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;/);
  assert.doesNotMatch(text, /<script[^>]* src=|<link |@import|url\(\s*['"]?(https?:)?\/\//i, 'nothing loaded from elsewhere');
}

describe('--html and --output report.html', () => {
  test('--html writes the report and leaves the CSV and the printout as without it', async () => {
    const plain = join(dir, 'plain.csv');
    const withReport = join(dir, 'with.csv');
    const html = join(dir, 'sub', 'report.html');
    const a = await runCli(['--input', SAMPLE, '--output', plain, '--no-progress']);
    const b = await runCli(['--input', SAMPLE, '--output', withReport, '--html', html, '--no-progress']);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(readFileSync(withReport), readFileSync(plain));
    isReport(html);
    assert.match(b.stdout, new RegExp(`report +${html.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.deepEqual(readdirSync(join(dir, 'sub')), ['report.html'], 'no temp file left');
  });

  test('--output report.html writes only the report; --output-format html whatever the name', async () => {
    const cwd = join(dir, 'alone');
    mkdirSync(cwd);
    const run = await runNode([CLI_PATH, '--input', SAMPLE, '--output', 'report.html', '--no-progress'], { cwd });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(readdirSync(cwd), ['report.html']);
    isReport(join(cwd, 'report.html'));
    const named = await runCli(['--input', SAMPLE, '--output', join(cwd, 'report.txt'), '--output-format', 'html', '--no-progress']);
    assert.equal(named.code, 0, named.stderr);
    isReport(join(cwd, 'report.txt'));
  });

  describe('bad cases: one line, nothing touched', () => {
    const previous = Buffer.from('<p>previous report</p>\n');
    const oneLine = (stderr: string, pattern: RegExp): void => {
      assert.match(stderr, /^logsift: error: [^\n]+\n$/);
      assert.match(stderr, pattern);
    };

    test('stdin cannot be read twice', async () => {
      const html = join(dir, 'stdin.html');
      writeFileSync(html, previous);
      const run = await runCli(['--input', '-', '--output', join(dir, 'stdin.csv'), '--html', html, '--no-progress']);
      assert.equal(run.code, 1);
      oneLine(run.stderr, /reads its inputs twice, which a pipe cannot be \(-\): save it to a file first/);
      assert.deepEqual(readFileSync(html), previous);
      assert.equal(existsSync(join(dir, 'stdin.csv')), false);
    });

    test('--html naming the output, an input or a folder', async () => {
      const csv = join(dir, 'same.csv');
      const same = await runCli(['--input', SAMPLE, '--output', csv, '--html', csv, '--no-progress']);
      assert.equal(same.code, 1);
      oneLine(same.stderr, /--html and --output name the same file/);
      const input = await runCli(['--input', SAMPLE, '--output', csv, '--html', SAMPLE, '--no-progress']);
      assert.equal(input.code, 1);
      oneLine(input.stderr, /output would overwrite an input/);
      const folder = await runCli(['--input', SAMPLE, '--output', csv, '--html', dir, '--no-progress']);
      assert.equal(folder.code, 1);
      oneLine(folder.stderr, /output is a folder, not a file/);
      assert.equal(existsSync(csv), false);
    });
  });
});
