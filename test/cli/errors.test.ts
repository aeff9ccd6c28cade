// Bad input on the command line: one clear line on stderr starting `logsift:`, a non-zero exit, no stack trace,
// and an existing output file left byte for byte as it was (with no temp file next to it).

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IS_ROOT, NOBODY, runCli, type CliRun, type CliRunOptions } from '../support/cli.js';
import { makeTempDir, removeDir } from '../support/files.js';
import { REPO_ROOT } from '../support/paths.js';

const SAMPLE = join(REPO_ROOT, 'data', 'sample.log');
const PREVIOUS = Buffer.from('ip,count,404,first_seen,last_seen\n10.0.0.1,99,99,x,y\n\u00ff previous run\n', 'latin1');

let dir: string;
let outDir: string;
let output: string;
before(() => {
  dir = makeTempDir();
  chmodSync(dir, 0o755); // readable by the unprivileged user some tests run as
  outDir = join(dir, 'out');
  mkdirSync(outDir);
  output = join(outDir, 'output.csv');
});
after(() => removeDir(dir));

function assertOneLineError(run: CliRun, pattern?: RegExp): void {
  assert.notEqual(run.code, 0, `exit status should be non-zero; stderr: ${run.stderr}`);
  assert.equal(run.signal, null);
  assert.match(run.stderr, /^logsift: [^\n]+\n$/, `exactly one line on stderr, starting 'logsift:': ${JSON.stringify(run.stderr)}`);
  assert.doesNotMatch(run.stderr, /\bat .*:\d+:\d+|node:internal|Error:/, 'no stack trace');
  if (pattern) assert.match(run.stderr, pattern);
}

/** Runs with an existing output file in place, then checks the error and that the output was not touched. */
async function failsCleanly(args: readonly string[], pattern?: RegExp, options: CliRunOptions = {}): Promise<CliRun> {
  writeFileSync(output, PREVIOUS);
  const run = await runCli(args, options);
  assertOneLineError(run, pattern);
  assert.deepEqual(readFileSync(output), PREVIOUS, 'the existing output must stay byte-identical');
  assert.deepEqual(readdirSync(outDir), ['output.csv'], 'no temp file left behind');
  return run;
}

describe('bad input', () => {
  const withOutput = (...args: string[]): string[] => ['--output', output, ...args];

  test('missing input', async () => {
    await failsCleanly(withOutput('--input', join(dir, 'no-such.log')), /not found.*no-such\.log/);
  });

  test('missing input (the default ./data/sample.log, run elsewhere)', async () => {
    await failsCleanly(withOutput(), /not found.*sample\.log/, { cwd: dir });
  });

  test('a folder as input', async () => {
    await failsCleanly(withOutput('--input', dir), /folder/);
  });

  test(
    'unreadable input (chmod 000)',
    // Permissions do not bind root: as root, the run is made as user nobody, for whom they do.
    async () => {
      const input = join(dir, 'secret.log');
      writeFileSync(input, readFileSync(SAMPLE).subarray(0, 10_000));
      chmodSync(input, 0o000);
      chmodSync(outDir, 0o777);
      try {
        await failsCleanly(withOutput('--input', input), /permission denied/, IS_ROOT ? { uid: NOBODY, gid: NOBODY } : {});
      } finally {
        chmodSync(outDir, 0o755);
      }
    },
  );

  test('an input that cannot be opened (symlink loop)', async () => {
    const loop = join(dir, 'loop.log');
    symlinkSync(loop, loop);
    await failsCleanly(withOutput('--input', loop), /loop\.log/);
  });

  test('--threads 0, abc, -1, 1.5, empty, missing', async () => {
    for (const value of ['0', 'abc', '-1', '1.5', '']) {
      await failsCleanly(withOutput('--input', SAMPLE, '--threads', value), /threads/);
    }
    await failsCleanly(['--input', SAMPLE, '--output', output, '--threads'], /threads.*missing/);
  });

  test('--threshold -1, 0, x', async () => {
    for (const value of ['-1', '0', 'x']) await failsCleanly(withOutput('--input', SAMPLE, '--threshold', value), /threshold/);
    await failsCleanly(withOutput('--input', SAMPLE, '--threshold=-1'), /threshold/);
  });

  test('a status code that is not a number', async () => {
    for (const codes of [['abc'], ['400', 'x401'], ['4e2'], ['404.0'], [',']]) {
      await failsCleanly(withOutput('--input', SAMPLE, '--errorcodes', ...codes), /errorcodes|status code/);
    }
  });

  test('a status code outside 100-599', async () => {
    for (const code of ['99', '600', '000', '1000', '-404']) {
      await failsCleanly(withOutput('--input', SAMPLE, '--errorcodes', code), /errorcodes|status code/);
    }
  });

  test("--include-ip '' and --exclude-ip '' are errors, not 'no filter'", async () => {
    await failsCleanly(withOutput('--input', SAMPLE, '--include-ip', ''), /--include-ip.*needs at least one CIDR block or address/);
    await failsCleanly(withOutput('--input', SAMPLE, '--exclude-ip', ','), /--exclude-ip.*needs at least one CIDR block or address/);
  });

  test('--json-fields naming a role twice', async () => {
    await failsCleanly(withOutput('--input', SAMPLE, '--json-fields', 'client=a,client=b'), /role 'client' is given twice \(a, b\)/);
  });

  test('--errorcodes with no code', async () => {
    await failsCleanly(['--input', SAMPLE, '--output', output, '--errorcodes'], /errorcodes/);
  });

  test('unknown flags (with a suggestion, still on one line), stray arguments, a bad --format', async () => {
    await failsCleanly(withOutput('--input', SAMPLE, '--bogus'), /unknown option '--bogus'/);
    await failsCleanly(withOutput('--input', SAMPLE, '-x'), /unknown option/);
    await failsCleanly(withOutput('--input', SAMPLE, '--thread', '2'), /unknown option '--thread'.*--threads/);
    // A stray word is taken as one more input (--input takes several): here, one that does not exist.
    await failsCleanly(withOutput('--input', SAMPLE, 'stray'), /stray/);
    await failsCleanly(withOutput('--input', SAMPLE, '--format', 'xml'), /format/);
  });

  test('output == input is refused (same path, or the same file through a link)', async () => {
    writeFileSync(output, PREVIOUS);
    assertOneLineError(await runCli(['--input', output, '--output', output]), /overwrite an? input/);
    assertOneLineError(await runCli(['--input', output, '--output', join(outDir, '..', 'out', 'output.csv')]), /overwrite an? input/);
    const link = join(dir, 'link.csv');
    symlinkSync(output, link);
    assertOneLineError(await runCli(['--input', output, '--output', link]), /overwrite an? input/);
    assert.deepEqual(readFileSync(output), PREVIOUS);
    assert.deepEqual(readdirSync(outDir), ['output.csv']);
  });

  test('output is a folder, or under a file, or empty', async () => {
    await failsCleanly(['--input', SAMPLE, '--output', outDir], /folder/);
    await failsCleanly(['--input', SAMPLE, '--output', join(output, 'sub.csv')], /cannot write output/);
    await failsCleanly(['--input', SAMPLE, '--output', ''], /output/);
  });

  test('a run that fails while saving leaves the old output untouched and no temp file', async () => {
    // The output's folder is not writable (as root: the run is made as nobody, for whom it is not).
    chmodSync(outDir, IS_ROOT ? 0o755 : 0o555);
    try {
      await failsCleanly(['--input', SAMPLE, '--output', output], /cannot write output.*permission denied/, IS_ROOT ? { uid: NOBODY, gid: NOBODY } : {});
    } finally {
      chmodSync(outDir, 0o755);
    }
  });
});
