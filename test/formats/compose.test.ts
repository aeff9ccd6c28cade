// formats/compose.ts: lines behind docker compose's `name  | ` prefix. Every stateless sample, prefixed as
// `docker compose logs` prints it (padded names, colours, docker's `-t` time), is detected as compose:NAME and
// gives exactly the result of the bare lines, however the work is split; the prefix grammar is exact.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import { composeLineStart } from '../../src/formats/compose.js';
import { checkFormatOptions, createFormat, detectFormat } from '../../src/formats/index.js';
import { formatCsv } from '../../src/sinks/csv.js';
import { lines as combinedLines } from '../support/generators.js';
import { withTempDir } from '../support/files.js';
import { needsInput } from '../support/paths.js';
import { SAMPLES } from './samples.js';
import { parseOne, run, sameForAnySplit } from './support.js';

const STATEFUL = new Set(['w3c', 'cloudfront']);

/** The first lines of a sample (real logs are big). */
function firstLines(path: string, count = 300): string[] {
  return readFileSync(path, 'latin1').split('\n').slice(0, count).filter((line) => line !== '');
}

const NAMES = ['web-1', 'proxy-1', 'my_project_api_1', 'db.2'];
/** A line as `docker compose logs` prints it: the name padded to the widest, maybe colours, maybe `-t`. */
function composed(line: string, i: number, style: 'plain' | 'colour' | 'time'): string {
  const name = NAMES[i % NAMES.length].padEnd(16);
  if (style === 'colour') return `\x1b[3${(i % 6) + 1}m${name} | \x1b[0m${line}`;
  if (style === 'time') return `${name} | 2024-10-10T13:55:${String(i % 60).padStart(2, '0')}.123456789Z ${line}`;
  return `${name} | ${line}`;
}

describe('every stateless sample behind compose prefixes', () => {
  for (const [path, format] of SAMPLES) {
    if (STATEFUL.has(format)) continue;
    for (const style of ['plain', 'colour', 'time'] as const) {
      test(`${path.split('/').pop()} (${style}): detected as compose:${format}, the result of the bare lines`, needsInput(path), async () => {
        await withTempDir(async (dir) => {
          const bare = firstLines(path);
          const barePath = join(dir, 'bare.log');
          const composePath = join(dir, 'compose.log');
          writeFileSync(barePath, bare.join('\n') + '\n', 'latin1');
          writeFileSync(composePath, 'Attaching to web-1, proxy-1\n' + bare.map((line, i) => composed(line, i, style)).join('\n') + '\n', 'latin1');
          const expected = formatCsv(await analyze({ input: barePath, threads: 1, threshold: 1 }));
          // Every split for a few (it takes time); two threads, small ranges for the others.
          const { result, csv } =
            style === 'plain' && (format === 'caddy' || format === 'haproxy')
              ? await sameForAnySplit(composePath, { threshold: 1 })
              : await run(composePath, { threshold: 1, threads: 2, rangeBytes: 5000 });
          assert.equal(result.summary.format, `compose:${format}`);
          assert.equal(csv, expected);
          const fromStdin = await analyze({ input: '-', stdin: Readable.from([readFileSync(composePath)]), threshold: 1 });
          assert.equal(fromStdin.summary.format, `compose:${format}`);
          assert.equal(formatCsv(fromStdin), expected);
        });
      });
    }
  }
});

describe('the prefix', () => {
  test('what is and is not a compose prefix', () => {
    const at = (text: string): number => composeLineStart(Buffer.from(text, 'latin1'), 0, text.length);
    assert.equal(at('web-1  | x'), 9);
    assert.equal(at('web-1 |x'), -1);
    assert.equal(at('web-1| x'), -1); // compose pads the name with at least one space
    assert.equal(at('\x1b[36mweb-1  | \x1b[0mx'), 18);
    assert.equal(at('web-1  | 2024-10-10T13:55:00.123456789Z x'), 40);
    assert.equal(at('web-1  | 2024-10-10T13:55:00.123456789+02:00 x'), 45);
    assert.equal(at('web-1  | 2015-05-13T23:39:43.945958Z x'), 9); // six digits: an ELB time, the line's own
    assert.equal(at('10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a|b HTTP/1.0" 200 1'), -1);
    assert.equal(at('{"a":"b | c"}'), -1);
    assert.equal(at('web-1  |'), 8);
    assert.equal(at(''), -1);
  });

  test('a Combined line behind any prefix parses as the bare line', () => {
    const bare = createFormat('combined');
    const wrapped = createFormat('compose:combined');
    const names = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,20}$/);
    const colour = fc.constantFrom('', '\x1b[36m', '\x1b[1;32m');
    fc.assert(
      fc.property(combinedLines, names, fc.integer({ min: 1, max: 8 }), colour, fc.boolean(), ({ line }, name, pad, sgr, stamp) => {
        const prefix = `${sgr}${name}${' '.repeat(pad)}| ${sgr ? '\x1b[0m' : ''}${stamp ? '2024-01-01T00:00:00.000000000Z ' : ''}`;
        assert.deepEqual(parseOne(wrapped, prefix + line), parseOne(bare, line));
        assert.deepEqual(parseOne(wrapped, line), parseOne(bare, line)); // a line without one is read as it is
      }),
    );
  });

  test('detection: most lines prefixed; a few prefixed lines in a plain log do not make it compose', () => {
    const line = '10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 500 1 "-" "ua"';
    const sample = (prefixed: number, plain: number): Buffer =>
      Buffer.from([...Array(prefixed).fill(`web-1  | ${line}`), ...Array(plain).fill(line)].join('\n') + '\n');
    assert.equal(detectFormat(sample(6, 4)).name, 'compose:combined');
    assert.equal(detectFormat(sample(4, 6)).name, 'combined');
    const json = '{"ClientHost":"10.0.0.1","DownstreamStatus":500,"StartLocal":"2024-01-01T00:00:00Z"}';
    assert.equal(detectFormat(Buffer.from(`traefik-1  | ${json}\n`.repeat(5))).name, 'compose:json');
  });

  test('--format compose:NAME is checked like NAME; stateful formats are refused', () => {
    assert.deepEqual(checkFormatOptions('compose:json', { jsonFields: { client: 'ip' } }), { jsonFields: { client: 'ip' } });
    assert.throws(() => checkFormatOptions('compose:w3c', {}), /unknown format 'compose:w3c'/);
    assert.throws(() => checkFormatOptions('compose:nginx', {}), /needs --log-format/);
    assert.throws(() => checkFormatOptions('compose:combined', { jsonFields: { client: 'ip' } }), /--json-fields is for JSON lines/);
  });
});
