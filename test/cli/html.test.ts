// `--html PATH` and `--output report.html` on the built command line: the report written beside the usual
// output (which stays byte-identical to a run without it), or alone; and each bad case one clear error line
// with every existing file left as it was.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
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

  describe('stdin', () => {
    // The copy of the stream goes to the system's temp folder: a private one here, to see it removed.
    const temp = join(dir, 'tmp');
    mkdirSync(temp);
    const env = { TMPDIR: temp };

    test('gives the report of the same file, leaving no copy behind', async () => {
      const fromFile = await runCli(['--input', SAMPLE, '--output', join(dir, 'file.json'), '--html', join(dir, 'file.html'), '--no-progress']);
      assert.equal(fromFile.code, 0, fromFile.stderr);
      const piped = await runCli(['--input', '-', '--output', join(dir, 'pipe.json'), '--html', join(dir, 'pipe.html'), '--no-progress'], {
        stdin: readFileSync(SAMPLE),
        env,
      });
      assert.equal(piped.code, 0, piped.stderr);
      isReport(join(dir, 'pipe.html'));
      const rows = (file: string): unknown => (JSON.parse(readFileSync(file, 'utf8')) as { rows: unknown }).rows;
      assert.deepEqual(rows(join(dir, 'pipe.json')), rows(join(dir, 'file.json')));
      assert.deepEqual(readdirSync(temp), []);
    });

    test('an error or Ctrl-C leaves no copy behind', async () => {
      const { gzipSync } = await import('node:zlib');
      const cut = await runCli(['--input', '-', '--output', join(dir, 'cut.csv'), '--html', join(dir, 'cut.html'), '--no-progress'], {
        stdin: gzipSync(readFileSync(SAMPLE)).subarray(0, 3000),
        env,
      });
      assert.equal(cut.code, 1);
      assert.match(cut.stderr, /^logsift: error: [^\n]+\n$/);
      assert.deepEqual(readdirSync(temp), []);
      // Interrupted while it waits for more of the stream: the copy exists, then is gone with the process.
      const interrupted = await runCli(['--input', '-', '--output', join(dir, 'int.csv'), '--html', join(dir, 'int.html'), '--no-progress'], {
        env,
        onSpawn: (child) => {
          child.stdin!.write(readFileSync(SAMPLE));
          const poll = setInterval(() => {
            const folders = readdirSync(temp);
            if (folders.length > 0 && readdirSync(join(temp, folders[0])).length > 0) {
              clearInterval(poll);
              setTimeout(() => child.kill('SIGINT'), 200);
            }
          }, 20);
        },
        stdinOpen: true,
      });
      assert.equal(interrupted.signal, 'SIGINT');
      assert.deepEqual(readdirSync(temp), []);
      assert.equal(existsSync(join(dir, 'int.html')), false);
    });
  });

  describe('bad cases: one line, nothing touched', () => {
    const oneLine = (stderr: string, pattern: RegExp): void => {
      assert.match(stderr, /^logsift: error: [^\n]+\n$/);
      assert.match(stderr, pattern);
    };

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
