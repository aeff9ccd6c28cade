import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectPeakMethod, parseBashTimesCpu, parseGnuTimeCpu, parseGnuTimeKib, runMeasured, type PeakMethod } from '../../bench/measure.js';

test('parseGnuTimeKib reads the figure, also after a "non-zero status" line', () => {
  assert.equal(parseGnuTimeKib('91234\n'), 91234);
  assert.equal(parseGnuTimeKib('Command exited with non-zero status 3\n4096\n'), 4096);
  assert.equal(parseGnuTimeKib('Command terminated by signal 9\n'), null);
  assert.equal(parseGnuTimeKib(''), null);
});

test('parseGnuTimeCpu adds user and system seconds from the line before the peak', () => {
  assert.equal(parseGnuTimeCpu('1.25 0.50\n91234\n'), 1.75);
  assert.equal(parseGnuTimeCpu('Command exited with non-zero status 3\n0.01 0.00\n4096\n'), 0.01);
  assert.equal(parseGnuTimeCpu('91234\n'), null);
});

test("parseBashTimesCpu adds the children's user and system seconds (the second line)", () => {
  assert.equal(parseBashTimesCpu('0m0.002s 0m0.000s\n0m0.192s 0m0.065s\n'), 0.257);
  assert.equal(parseBashTimesCpu('0m0.002s 0m0.000s\n1m2.500s 0m0.250s\n'), 62.75);
  assert.equal(parseBashTimesCpu('0m0.002s 0m0.000s\n'), null);
  assert.equal(parseBashTimesCpu(''), null);
});

// A child that holds 150 MB touched memory for a moment: every method must see at least that much.
const HOG = 'const b = Buffer.alloc(150e6, 1); setTimeout(() => { process.stdout.write(String(b[0])); process.stderr.write("e"); process.exit(3); }, 200);';

const methods: PeakMethod[] = [detectPeakMethod()];
if (methods[0].kind === 'gnu-time') methods.push(detectPeakMethod('proc-poll'));

for (const method of methods) {
  test(`runMeasured (${method.kind}): exit code, output files, and the peak of the child`, async (t) => {
    if (method.kind === 'none') return t.skip('no way to measure memory here');
    const dir = mkdtempSync(join(tmpdir(), 'logsift-bench-test-'));
    try {
      const spec = {
        argv: [process.execPath, '-e', HOG],
        stdoutPath: join(dir, 'out'),
        stderrPath: join(dir, 'err'),
        peakPath: join(dir, 'peak'),
      };
      const result = await runMeasured(spec, method);
      assert.equal(result.exitCode, 3);
      assert.equal(readFileSync(spec.stdoutPath, 'utf8'), '1');
      assert.equal(readFileSync(spec.stderrPath, 'utf8'), 'e');
      assert.ok(result.seconds > 0);
      assert.ok(result.peakBytes !== null && result.peakBytes >= 150e6, `peak ${result.peakBytes}`);
      assert.ok(result.peakBytes! < 1e9, `peak ${result.peakBytes}`);
      if (method.kind === 'gnu-time') assert.ok(result.cpuSeconds !== null && result.cpuSeconds > 0, `CPU ${result.cpuSeconds}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('detectPeakMethod says how it measures', () => {
  const method = detectPeakMethod();
  assert.ok(method.description.length > 0);
  if (method.kind === 'gnu-time') assert.match(method.description, /GNU time/);
});
