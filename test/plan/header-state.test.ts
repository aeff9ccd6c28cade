import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, it, test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import { guessedStatesAtRangeStarts, statesAtRangeStarts } from '../../src/plan/header-state.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { withTempDir } from '../support/files.js';

const PREFIXES = ['#Fields:', '#Date:'];

/** The naive answer: for each start, the last line before it with each prefix. */
function naive(text: string, starts: number[], prefixes = PREFIXES): string[][] {
  return starts.map((start) => {
    const lines: Array<[number, string]> = [];
    for (const prefix of prefixes) {
      let found: [number, string] | undefined;
      let at = 0;
      for (const line of text.slice(0, start).split('\n')) {
        if (line.startsWith(prefix) && at < start) found = [at, line.replace(/\r$/, '')];
        at += line.length + 1;
      }
      if (found) lines.push(found);
    }
    return lines.sort((a, b) => a[0] - b[0]).map(([, line]) => line);
  });
}

function withFile(text: string, fn: (fd: number) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-state-'));
  const path = join(dir, 'f.log');
  writeFileSync(path, text, 'latin1');
  const fd = openSync(path, 'r');
  try {
    fn(fd);
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the header lines in force at every line start match a naive search', () => {
  const lines: string[] = [];
  for (let i = 0; i < 400; i++) {
    if (i % 37 === 0) lines.push(`#Fields: f${i} g h`);
    else if (i % 53 === 5) lines.push(`#Date: 2020-01-${String((i % 28) + 1).padStart(2, '0')} 00:00:00\r`);
    else if (i % 11 === 3) lines.push('x #Fields: not at a line start');
    else lines.push(`data ${i} ${'z'.repeat(i % 13)}`);
  }
  const text = lines.join('\n') + '\n';
  const lineStarts = [0];
  for (let i = 0; i < text.length - 1; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  withFile(text, (fd) => {
    const some = lineStarts.filter((_, i) => i % 17 === 0);
    for (const chunkBytes of [undefined, 10, 64, 1000]) {
      assert.deepEqual(statesAtRangeStarts(fd, lineStarts, PREFIXES, chunkBytes), naive(text, lineStarts));
      assert.deepEqual(statesAtRangeStarts(fd, some, PREFIXES, chunkBytes), naive(text, some));
    }
  });
});

test('property: W3C state prefixes (some never there, some cut at a window edge) as the naive search finds them', () => {
  const prefixes = ['#Fields:', '#Date:', '#Start-Date:', '#GMT-Offset:'];
  const line = fc.oneof(
    fc.constantFrom('#Fields: a b', '#Date: 2020-01-01', '#Start-Date: x', '#GMT-Offset: -0800', '#Fields', '#', '##Date:', 'x#Date:', '', '#Software: y'),
    fc.string({ unit: fc.constantFrom('a', '#', ' ', ':', 'D', '\r'), maxLength: 20 }),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 40 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (lines, chunkBytes, pick) => {
      const text = lines.join('\n') + '\n';
      const lineStarts = [0];
      for (let i = 0; i < text.length - 1; i++) if (text[i] === '\n') lineStarts.push(i + 1);
      const starts = lineStarts.filter((_, i) => (pick >> (i % 30)) & 1 || i === 0);
      withFile(text, (fd) => assert.deepEqual(statesAtRangeStarts(fd, starts, prefixes, chunkBytes), naive(text, starts, prefixes)));
    }),
    { numRuns: 300 },
  );
});

/**
 * The guess as plan/header-state.ts describes it, from line starts: per prefix, the last line in the last
 * `lookBack` bytes before each start (not before the previous start), else in the first `lookBack` bytes after
 * the previous start, else the line in force at the previous start.
 */
function naiveGuess(text: string, starts: number[], prefixes: readonly string[], lookBack: number): string[][] {
  const lines: Array<[number, string]> = [];
  let at = 0;
  for (const line of text.split('\n')) {
    lines.push([at, line.replace(/\r$/, '')]);
    at += line.length + 1;
  }
  const lastIn = (prefix: string, lo: number, hi: number) => lines.filter(([q, line]) => q >= lo && q < hi && line.startsWith(prefix)).at(-1);
  const inForce = new Map<string, [number, string]>();
  let previous = 0;
  return starts.map((start) => {
    const backFrom = Math.max(previous, start - lookBack);
    const frontTo = Math.min(backFrom, previous + lookBack);
    for (const prefix of prefixes) {
      const found = lastIn(prefix, backFrom, start) ?? lastIn(prefix, previous, frontTo);
      if (found) inForce.set(prefix, found);
    }
    previous = start;
    return [...inForce.values()].sort((a, b) => a[0] - b[0]).map(([, line]) => line);
  });
}

test('property: guessed states read both ends of each stretch between range starts, and are exact when those cover it', () => {
  const prefixes = ['#Fields:', '#Date:', '#Start-Date:', '#GMT-Offset:'];
  const line = fc.oneof(
    fc.constantFrom('#Fields: a b', '#Fields: c', '#Date: 2020-01-01', '#Start-Date: x', '#GMT-Offset: -0800', '#', '##Date:', 'x#Date:', ''),
    fc.string({ unit: fc.constantFrom('a', '#', ' ', ':', 'F', '\r'), maxLength: 20 }),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 40 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (lines, lookBack, chunkBytes, pick) => {
      const text = lines.join('\n') + '\n';
      const lineStarts = [0];
      for (let i = 0; i < text.length - 1; i++) if (text[i] === '\n') lineStarts.push(i + 1);
      const starts = lineStarts.filter((_, i) => (pick >> (i % 30)) & 1 || i === 0);
      withFile(text, (fd) => {
        assert.deepEqual(guessedStatesAtRangeStarts(fd, starts, prefixes, lookBack, chunkBytes), naiveGuess(text, starts, prefixes, lookBack));
        assert.deepEqual(guessedStatesAtRangeStarts(fd, starts, prefixes, text.length, chunkBytes), naive(text, starts, prefixes));
      });
    }),
    { numRuns: 300 },
  );
});

describe('guessed states, checked as the ranges are read', () => {
  /** A W3C log of `blocks` header blocks, each with its fields in the order `orders` gives, and lines of 500s. */
  function w3cLog(blocks: ReadonlyArray<{ fields: 'client-first' | 'status-first'; extra?: string }>, linesPerBlock: number): string {
    let text = '';
    blocks.forEach(({ fields, extra }, b) => {
      const names = fields === 'client-first' ? 'date time c-ip sc-status' : 'date time sc-status c-ip';
      text += `#Software: test\n#Date: 2024-01-0${b + 1} 00:00:00\n${extra ? `${extra}\n` : ''}#Fields: ${names}\n`;
      for (let i = 0; i < linesPerBlock; i++) {
        const client = `10.0.${b}.${i % 7}`;
        const status = 500 + (i % 3);
        text += `2024-01-01 00:00:${String(i % 60).padStart(2, '0')} ${fields === 'client-first' ? `${client} ${status}` : `${status} ${client}`}\n`;
      }
    });
    return text;
  }

  /** The log read in small ranges with guessed states, and whole; `report`: both with the HTML report's read. */
  async function readBoth(text: string, stateLookBack: number, report = false) {
    return withTempDir(async (dir) => {
      const input = join(dir, 'u_ex.log');
      writeFileSync(input, text, 'latin1');
      let missed = 0;
      const guessed = await analyze({ input, threshold: 1, threads: 2, rangeBytes: 4096, stateLookBack, onStateGuessMissed: () => missed++, report });
      const whole = await analyze({ input, threshold: 1, threads: 1, rangeBytes: 1 << 30, report });
      assert.equal(guessed.summary.format, 'w3c');
      assert.equal(guessed.summary.malformed, 0);
      assert.equal(guessed.summary.parsed, whole.summary.parsed);
      return { missed, csv: formatCsv(guessed), exact: formatCsv(whole), report: guessed.report, exactReport: whole.report };
    });
  }

  test('headers that repeat the layout (an IIS restart) are read without a miss', async () => {
    const { missed, csv, exact } = await readBoth(w3cLog([{ fields: 'client-first' }, { fields: 'client-first' }, { fields: 'client-first' }], 400), 64);
    assert.equal(missed, 0);
    assert.equal(csv, exact);
  });

  test('a new layout, or a new UTC offset, far from every range start: missed, read again exactly', async () => {
    for (const blocks of [
      [{ fields: 'client-first' }, { fields: 'status-first' }, { fields: 'client-first' }],
      [{ fields: 'client-first' }, { fields: 'client-first', extra: '#GMT-Offset: +0200' }],
    ] as const) {
      const { missed, csv, exact } = await readBoth(w3cLog(blocks, 400), 64);
      assert.equal(missed, 1);
      assert.equal(csv, exact);
    }
  });

  test('the HTML report of a run that missed reads the ranges with the exact states too', async () => {
    const blocks = [{ fields: 'client-first' }, { fields: 'status-first' }, { fields: 'client-first' }] as const;
    const { missed, report, exactReport } = await readBoth(w3cLog(blocks, 400), 64, true);
    assert.equal(missed, 1);
    assert.ok(report !== undefined);
    assert.deepEqual(report, exactReport);
  });

  test('the same new layout near the range starts is guessed right (the default look-back)', async () => {
    const { missed, csv, exact } = await readBoth(w3cLog([{ fields: 'client-first' }, { fields: 'status-first' }], 400), 64 * 1024);
    assert.equal(missed, 0);
    assert.equal(csv, exact);
  });
});

test('a header on the very first line, and none at all', () => {
  withFile('#Fields: a b\nx\ny\n', (fd) => {
    assert.deepEqual(statesAtRangeStarts(fd, [0, 13, 15], PREFIXES), [[], ['#Fields: a b'], ['#Fields: a b']]);
  });
  withFile('x\ny\n', (fd) => assert.deepEqual(statesAtRangeStarts(fd, [0, 2], PREFIXES), [[], []]));
});

/** A W3C or CloudFront log whose `#Fields:` line is over 64 KiB, with the fields the scan needs at its end. */
function longHeaderLog(cloudfront: boolean, lines: number): string {
  const padding = Array.from({ length: 9000 }, (_, i) => `x-p${i}`);
  const values = padding.map(() => '-');
  const sep = cloudfront ? '\t' : ' ';
  const names = cloudfront
    ? ['date', 'time', 'x-edge-location', 'sc-bytes', 'c-ip', 'cs-method', 'cs(Host)', 'cs-uri-stem', 'sc-status']
    : ['date', 'time', 'c-ip', 'cs-method', 'cs-uri-stem', 'sc-status'];
  let text = `#Version: 1.0\n#Fields: ${[...padding, ...names].join(' ')}\n`;
  for (let i = 0; i < lines; i++) {
    const second = String(i % 60).padStart(2, '0');
    const client = `10.0.0.${i % 3}`;
    const own = cloudfront
      ? ['2024-01-01', `00:00:${second}`, 'IAD', '100', client, 'GET', 'h.example', '/x', '500']
      : ['2024-01-01', `00:00:${second}`, client, 'GET', '/x', '500'];
    text += [...values, ...own].join(sep) + '\n';
  }
  return text;
}

test('a header line over 64 KiB is read whole at every range start', () => {
  const text = longHeaderLog(false, 3);
  const fields = text.split('\n')[1];
  assert.ok(fields.length > 64 * 1024);
  const second = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
  withFile(text, (fd) => {
    assert.deepEqual(statesAtRangeStarts(fd, [0, second, text.length - 10], PREFIXES), [[], [fields], [fields]]);
  });
});

describe('W3C and CloudFront with a #Fields: line over 64 KiB', () => {
  for (const cloudfront of [false, true]) {
    it(`${cloudfront ? 'CloudFront' : 'W3C'}: the same result at threads 1, 2 and 3, in small ranges, and from stdin`, async () => {
      const text = Buffer.from(longHeaderLog(cloudfront, 60), 'latin1');
      const format = cloudfront ? 'cloudfront' : 'w3c';
      await withTempDir(async (dir) => {
        const input = join(dir, 'access.log');
        writeFileSync(input, text);
        const results: string[] = [];
        for (const threads of [1, 2, 3]) {
          const result = await analyze({ input, threshold: 1, threads, rangeBytes: 100_000 });
          assert.equal(result.summary.matched, 60, `threads ${threads}`);
          results.push(formatCsv(result));
        }
        // stdin in small pieces, so that detection gets the long header piece by piece.
        const pieces = Array.from({ length: Math.ceil(text.length / 5000) }, (_, i) => text.subarray(i * 5000, (i + 1) * 5000));
        const fromStdin = await analyze({ input: '-', stdin: Readable.from(pieces), threshold: 1 });
        results.push(formatCsv(fromStdin));
        assert.equal(fromStdin.summary.matched, 60);
        assert.equal(fromStdin.summary.format, format);
        assert.deepEqual(new Set(results).size, 1);
        assert.match(results[0], /^10\.0\.0\.0,20,/m);
      });
    });
  }
});
