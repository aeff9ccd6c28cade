// inputs/detection-sample.ts: the text kept for detection holds whole lines, however long, whatever the pieces
// it comes in.

import assert from 'node:assert/strict';
import fc from 'fast-check';
import { test } from 'node:test';
import { DetectionSample, MIN_DATA_LINES } from '../../src/inputs/detection-sample.js';

/** Whole lines in `text` before `end`, and how many of them are data lines (not `#`, not blank). */
function wholeLines(text: Buffer, end: number): { bytes: number; data: number } {
  let bytes = 0;
  let data = 0;
  for (let p = 0; p < end; ) {
    const lf = text.indexOf(0x0a, p);
    if (lf < 0 || lf >= end) break;
    if (lf > p && text[p] !== 0x23 && text[p] !== 0x0d) data++;
    bytes = lf + 1;
    p = lf + 1;
  }
  return { bytes, data };
}

test('short lines: the sample stops at the first line end past its size', () => {
  const sample = new DetectionSample(100);
  const line = Buffer.from('x'.repeat(29) + '\n');
  let pushes = 0;
  while (!sample.push(line)) pushes++;
  assert.equal(pushes, 3); // 4 lines, 120 bytes: the first line end at or past 100
  assert.equal(sample.bytes().length, 120);
});

test('a first line longer than the sample size, and a long header, are taken in whole with data lines after', () => {
  const sample = new DetectionSample(100);
  assert.equal(sample.push(Buffer.from('#Fields: ' + 'f '.repeat(200))), false);
  assert.equal(sample.push(Buffer.from('\n')), false);
  for (let i = 0; i < MIN_DATA_LINES - 1; i++) assert.equal(sample.push(Buffer.from('data\n')), false);
  assert.equal(sample.push(Buffer.from('data\n')), true);
});

test('never more than its cap: a file with no line end is sampled up to it', () => {
  const sample = new DetectionSample(100, 1000);
  assert.equal(sample.push(Buffer.alloc(600, 0x61)), false);
  assert.equal(sample.room, 400);
  assert.equal(sample.push(Buffer.alloc(600, 0x61)), true);
  assert.equal(sample.bytes().length, 1000);
});

test('whatever the pieces: the sample is a prefix of the text, and enough means whole lines with data lines', () => {
  const line = fc.oneof(
    fc.string({ maxLength: 60 }).map((s) => s.replace(/\n/g, ' ')),
    fc.integer({ min: 0, max: 400 }).map((n) => '#'.padEnd(n, 'h')),
    fc.constant(''),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 10 }), fc.array(fc.boolean(), { minLength: 1 }), (lines, cuts, owned) => {
      const text = Buffer.from(lines.map((l) => l + '\n').join(''), 'latin1');
      const sample = new DetectionSample(150, 5000);
      let at = 0;
      let enough = false;
      for (let i = 0; at < text.length && !enough; i++) {
        // Owned pieces are taken as they are (adjacent views of the text), lent ones copied.
        const piece = text.subarray(at, at + cuts[i % cuts.length]);
        enough = sample.push(piece, owned[i % owned.length]);
        at += piece.length;
        // Enough exactly once the text so far holds it.
        const whole = wholeLines(text, at);
        assert.equal(enough, at >= 5000 || (whole.bytes >= 150 && whole.data >= MIN_DATA_LINES));
      }
      const bytes = sample.bytes();
      assert.ok(bytes.equals(text.subarray(0, bytes.length)));
      if (enough) {
        const whole = wholeLines(text, bytes.length);
        assert.ok(whole.bytes >= 150 && whole.data >= MIN_DATA_LINES);
      } else {
        assert.equal(bytes.length, text.length);
      }
    }),
  );
});
