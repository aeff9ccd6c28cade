// cli/progress.ts: the progress bar on stderr, only on a terminal, only once a run is long enough to want one.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { barWidth, clearProgress, createProgress } from '../../src/cli/progress.js';

/** A terminal stand-in that records what is written (readline's cursor moves write escapes to it). */
function fakeTerminal(isTTY = true, columns = 120): NodeJS.WriteStream & { text: string } {
  const stream = {
    isTTY,
    columns,
    text: '',
    write(chunk: string, callback?: () => void) {
      stream.text += chunk;
      callback?.();
      return true;
    },
  };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

/** Runs `fn` with Date.now() under the test's control. */
async function withClock(fn: (advance: (ms: number) => void) => Promise<void>): Promise<void> {
  const realNow = Date.now;
  let now = realNow();
  Date.now = () => now;
  try {
    await fn((ms) => (now += ms));
  } finally {
    Date.now = realNow;
  }
}

const MiB = 1024 * 1024;

describe('progress bar', () => {
  test('shows bytes done and total in MiB, the speed and the percentage, once the run is long enough', async () => {
    await withClock(async (advance) => {
      const stderr = fakeTerminal();
      const progress = await createProgress(stderr, true);
      progress.update(1 * MiB, 300 * MiB);
      assert.equal(stderr.text, '', 'nothing in the first moments');
      advance(2000);
      progress.update(150 * MiB, 300 * MiB);
      progress.stop();
      assert.match(stderr.text, /50% \| 150\/300 MiB \| 75 MiB\/s \| ETA/);
    });
  });

  test('nothing when stderr is not a terminal, or when turned off', async () => {
    await withClock(async (advance) => {
      for (const [stream, enabled] of [[fakeTerminal(false), true], [fakeTerminal(true), false]] as const) {
        const progress = await createProgress(stream, enabled);
        advance(5000);
        progress.update(10 * MiB, 300 * MiB);
        progress.stop();
        assert.equal(stream.text, '');
      }
    });
  });

  test('without a total (a pipe): MiB read and the rate, no percentage, no ETA', async () => {
    await withClock(async (advance) => {
      const stderr = fakeTerminal();
      const progress = await createProgress(stderr, true);
      advance(2000);
      progress.update(100 * MiB, undefined);
      advance(2000);
      progress.update(200 * MiB, undefined);
      progress.stop();
      assert.match(stderr.text, /200 MiB read \| 50 MiB\/s/);
      assert.doesNotMatch(stderr.text, /%|ETA/);
    });
  });

  test('at 60 columns the bar is shortened and rate and ETA stay on the line', async () => {
    assert.equal(barWidth(undefined, '1024'), 40);
    assert.ok(barWidth(60, '1024') < 40);
    await withClock(async (advance) => {
      const stderr = fakeTerminal(true, 60);
      const progress = await createProgress(stderr, true);
      advance(2000);
      progress.update(150 * MiB, 1024 * MiB);
      const line = stderr.text.split(/\r|\n/).filter((part) => part.includes('MiB/s')).at(-1) ?? '';
      // eslint-disable-next-line no-control-regex
      const visible = line.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
      assert.match(visible, /MiB\/s \| ETA \S+/);
      assert.ok(visible.length <= 60, `${visible.length}: ${visible}`);
      progress.stop();
    });
  });

  test('an interrupt clears the bar before its message', async () => {
    await withClock(async (advance) => {
      const stderr = fakeTerminal();
      const progress = await createProgress(stderr, true);
      advance(2000);
      progress.update(150 * MiB, 300 * MiB);
      stderr.text = '';
      clearProgress();
      assert.equal(stderr.text, '\r\x1b[K\x1b[?25h');
      stderr.text = '';
      clearProgress();
      assert.equal(stderr.text, '', 'once');
      progress.stop();
    });
  });
});
