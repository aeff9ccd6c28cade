// plan/plan-tasks.ts: the ranges cover the file exactly, in order, and each starts at a line start.

import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { nextLineStart, planRanges, rangeCount, rangeEnds, type ByteRange } from '../../src/plan/ranges.js';
import { makeTempDir, removeDir } from '../support/files.js';

let dir: string;
let n = 0;
before(() => {
  dir = makeTempDir();
});
after(() => removeDir(dir));

/** Plans `content` as a file. */
function plan(content: Buffer, producers: number, rangeBytes: number): ByteRange[] {
  const path = join(dir, `plan-${n++}.log`);
  writeFileSync(path, content);
  const fd = openSync(path, 'r');
  try {
    return planRanges(fd, content.length, { producers, rangeBytes });
  } finally {
    closeSync(fd);
  }
}

function assertExactCover(content: Buffer, ranges: readonly ByteRange[]): void {
  if (content.length === 0) {
    assert.deepEqual(ranges, []);
    return;
  }
  assert.equal(ranges[0].start, 0);
  assert.equal(ranges[ranges.length - 1].end, content.length);
  for (let i = 0; i < ranges.length; i++) {
    const { start, end } = ranges[i];
    assert.ok(start < end, `range ${i} is empty: [${start}, ${end})`);
    if (i > 0) assert.equal(start, ranges[i - 1].end, `gap or overlap before range ${i}`);
    if (start > 0) assert.equal(content[start - 1], 0x0a, `range ${i} starts at ${start}, not at a line start`);
  }
}

/** Contents with short and long lines, blank lines, CRLF, multi-byte text, and no final newline at times. */
const contents = fc
  .array(
    fc.tuple(
      fc.oneof(fc.string({ maxLength: 30 }), fc.string({ minLength: 100, maxLength: 3000 }), fc.constant('')),
      fc.constantFrom('\n', '\r\n'),
    ),
    { maxLength: 40 },
  )
  .chain((lines) =>
    fc.boolean().map((finalNewline) => {
      let text = lines.map(([line, eol]) => line.replace(/\n/g, ' ') + eol).join('');
      if (!finalNewline) text = text.replace(/\r?\n$/, '');
      return Buffer.from(text, 'utf8');
    }),
  );

describe('planRanges', () => {
  test('ranges cover the file exactly and start at line starts (property)', () => {
    fc.assert(
      fc.property(contents, fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 5000 }), (content, producers, rangeBytes) => {
        assertExactCover(content, plan(content, producers, rangeBytes));
      }),
      { numRuns: 300 },
    );
  });

  test('an empty file has no ranges', () => {
    assert.deepEqual(plan(Buffer.alloc(0), 4, 100), []);
  });

  test('a file with no newline is one range', () => {
    assert.deepEqual(plan(Buffer.from('x'.repeat(5000)), 4, 10), [{ start: 0, end: 5000 }]);
  });

  test('a line longer than the probe (4 KiB) is found whole', () => {
    const content = Buffer.from(`a\n${'b'.repeat(200_000)}\nc\n`);
    const ranges = plan(content, 8, 1000);
    assertExactCover(content, ranges);
    // The first cut (at 1,000) falls inside the long line: its range runs to the end of that line.
    assert.deepEqual(ranges, [
      { start: 0, end: 200_003 },
      { start: 200_003, end: 200_005 },
    ]);
  });

  test('one range per line when ranges are tiny', () => {
    const content = Buffer.from('aa\nbb\ncc\n\ndd');
    assert.deepEqual(plan(content, 1, 1), [
      { start: 0, end: 3 },
      { start: 3, end: 6 },
      { start: 6, end: 9 },
      { start: 9, end: 10 },
      { start: 10, end: 12 },
    ]);
  });

  test('a range is never cut between CR and LF', () => {
    const content = Buffer.from('ab\r\ncd\r\nef\r\n');
    for (let rangeBytes = 1; rangeBytes <= content.length; rangeBytes++) {
      const ranges = plan(content, 2, rangeBytes);
      assertExactCover(content, ranges);
      for (const r of ranges) assert.notEqual(content[r.start], 0x0a);
    }
  });
});

describe('nextLineStart', () => {
  test('is pos itself after a newline, else just after the next newline, else the end', () => {
    const content = Buffer.from('ab\ncd\n\nef');
    const path = join(dir, 'next.log');
    writeFileSync(path, content);
    const fd = openSync(path, 'r');
    try {
      const starts = [...Array(content.length + 1).keys()].map((pos) => nextLineStart(fd, pos, content.length));
      assert.deepEqual(starts, [0, 3, 3, 3, 6, 6, 6, 7, 9, 9, 9].slice(0, content.length + 1));
    } finally {
      closeSync(fd);
    }
  });
});

describe('rangeCount', () => {
  test('none for an empty file; by size when there are enough ranges for the producers', () => {
    assert.equal(rangeCount(0, { producers: 4, rangeBytes: 100 }), 0);
    assert.equal(rangeCount(1000, { producers: 4, rangeBytes: 100 }), 10);
    assert.equal(rangeCount(1001, { producers: 4, rangeBytes: 100 }), 11);
  });

  test('small files are not split below 1 MiB a range just to feed more producers', () => {
    assert.equal(rangeCount(1000, { producers: 8, rangeBytes: 32 << 20 }), 1);
    assert.equal(rangeCount(3 << 20, { producers: 8, rangeBytes: 32 << 20 }), 3);
    assert.equal(rangeCount((1 << 20) + 68, { producers: 2, rangeBytes: 32 << 20 }), 1); // not 1 MiB and 68 bytes
    assert.equal(rangeCount((3 << 20) / 2, { producers: 8, rangeBytes: 32 << 20 }), 1);
    assert.equal(rangeCount(64 << 20, { producers: 8, rangeBytes: 32 << 20 }), 8);
  });
});

describe('rangeEnds', () => {
  test('increase to the end of the file; no range longer than an even share; at least rangeCount of them', () => {
    fc.assert(
      // rangeBytes as a share of the size (up to 50,000 ranges), or any size for small files.
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 50_000 }), (size, producers, ranges) => {
        const options = { producers, rangeBytes: Math.max(1, Math.ceil(size / ranges)) };
        const ends = rangeEnds(size, options);
        const count = rangeCount(size, options);
        assert.ok(ends.length >= count);
        if (size === 0) return assert.deepEqual(ends, []);
        assert.equal(ends.at(-1), size);
        ends.forEach((end, i) => {
          const start = i === 0 ? 0 : ends[i - 1];
          assert.ok(end > start);
          assert.ok(end - start <= Math.ceil(size / count), `range ${i}: ${end - start} bytes`);
        });
      }),
      { numRuns: 2000 },
    );
  });

  test('shrink toward the end, so producers finish together: 1 GiB on 2 producers', () => {
    const ends = rangeEnds(2 ** 30, { producers: 2, rangeBytes: 32 << 20 });
    const sizes = ends.map((end, i) => end - (i === 0 ? 0 : ends[i - 1]));
    assert.equal(sizes[0], 32 << 20);
    assert.ok(sizes.at(-1)! <= 1 << 20);
    // Never more than a quarter of what is left (after the even part).
    sizes.forEach((bytes, i) => assert.ok(bytes <= Math.max(1 << 20, (2 ** 30 - (ends[i] - bytes)) / 4) + 1));
  });
});

