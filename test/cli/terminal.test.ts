// What the command line does with the terminal: colour only on one and never with NO_COLOR; Ctrl-C leaves the old
// output as it was and no temp file.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { CLI_PATH, GENLOG, NEEDS_GENLOG, REPO_ROOT } from '../support/paths.js';

const SAMPLE = join(REPO_ROOT, 'data', 'sample.log');
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[/;

let dir: string;
before(() => {
  dir = makeTempDir();
});
after(() => removeDir(dir));

/** `script` (util-linux) runs a command on a pseudo-terminal; without it the terminal tests are skipped. */
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/** Runs the CLI with stdout and stderr on a pseudo-terminal; returns what the terminal showed. */
function onTerminal(args: readonly string[], env: Record<string, string | undefined>): string {
  const command = [process.execPath, CLI_PATH, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const clean = { ...process.env };
  delete clean.NO_COLOR;
  delete clean.FORCE_COLOR;
  delete clean.NODE_DISABLE_COLORS;
  return execFileSync('script', ['-qec', command, '/dev/null'], { env: { ...clean, ...env }, encoding: 'utf8' });
}

describe('colour', () => {
  test('no ANSI escapes when stdout is not a terminal', async () => {
    const run = await runCli(['--input', SAMPLE, '--output', join(dir, 'pipe.csv'), '--threshold', '2']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Top \d+ of/);
    assert.doesNotMatch(run.stdout, ANSI);
    assert.doesNotMatch(run.stderr, ANSI);
  });

  test('colour on a terminal, none there with NO_COLOR', { skip: hasScript ? false : 'no `script` command for a pseudo-terminal' }, () => {
    const args = ['--input', SAMPLE, '--output', join(dir, 'tty.csv'), '--no-progress'];
    const coloured = onTerminal(args, {});
    assert.match(coloured, /lines read/);
    assert.match(coloured, ANSI, 'a terminal gets colour');
    const plain = onTerminal(args, { NO_COLOR: '1' });
    assert.match(plain, /lines read/);
    assert.doesNotMatch(plain, ANSI, 'NO_COLOR means no colour');
  });
});

describe('Ctrl-C', () => {
  test('an interrupted run leaves the old output byte-identical and no temp file', NEEDS_GENLOG, async () => {
    const input = join(dir, 'big.log');
    writeFileSync(input, execFileSync(process.execPath, [GENLOG, '--bytes', '1M', '--seed', '3'], { maxBuffer: 8 << 20 }));
    const outDir = join(dir, 'interrupted');
    mkdirSync(outDir);
    const output = join(outDir, 'output.csv');
    const previous = Buffer.from('ip,count\nprevious,1\n');
    writeFileSync(output, previous);
    // 1-byte reads make the run take far longer than the moment the signal comes.
    const run = await runCli(['--input', input, '--output', output, '--chunk-bytes', '1', '--threads', '1'], {
      onSpawn: (child) => setTimeout(() => child.kill('SIGINT'), 400),
    });
    assert.ok(run.code === 130 || run.signal === 'SIGINT', `interrupted: code ${run.code}, signal ${run.signal}`);
    assert.doesNotMatch(run.stderr, /\bat .*:\d+:\d+/, 'no stack trace');
    assert.deepEqual(readFileSync(output), previous);
    assert.deepEqual(readdirSync(outDir), ['output.csv']);
  });
});
