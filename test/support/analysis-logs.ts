// Generated Combined logs for the analyses' tests: few clients, paths and agents (so groups repeat), statuses
// across every class, instants out of order within a couple of hours, several UTC offsets, odd lines mixed in.
// Text is bytes, one char per byte.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { analyze } from '../../src/engine/analyze.js';
import type { EngineOptions } from '../../src/options/internal-options.js';
import type { AnalyzeResult } from '../../src/tables/result.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** 2024-05-01T00:00:00Z: the generated instants lie in the two hours after it. */
export const BASE_EPOCH = Date.UTC(2024, 4, 1) / 1000;
export const SPAN_SECONDS = 7200;

export const CLIENTS = [
  '10.0.0.1',
  '10.0.0.2',
  '10.1.2.3',
  '192.168.1.10',
  '2001:db8::1',
  '2001:db8::ff',
  '::ffff:10.0.0.9',
  'host.example.com',
];
const METHODS = ['GET', 'POST', 'HEAD'];
const PATHS = ['/', '/a', '/a?x=1', '/a?x=2&y', '/b/c', '/%7Euser', '/caf\xc3\xa9', '/q?'];
export const STATUSES = [200, 301, 400, 401, 403, 404, 418, 500, 502, 503];
const OFFSETS = [0, 60, -300, 330];
const REFERRERS = ['-', 'http://x.test/', 'http://y.test/?q=1'];
const AGENTS = ['curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64)', 'bot \\"quoted\\" agent', '-'];

/** `dd/Mon/yyyy:HH:MM:SS +zzzz` for an instant shown in an offset (minutes). */
export function clfTime(epoch: number, offset: number): string {
  const d = new Date((epoch + offset * 60) * 1000);
  const abs = Math.abs(offset);
  return (
    `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ` +
    `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`
  );
}

const entryFields = fc.record({
    client: fc.constantFrom(...CLIENTS),
    method: fc.constantFrom(...METHODS),
    path: fc.constantFrom(...PATHS),
    status: fc.constantFrom(...STATUSES),
    // Clustered instants, so that responses exactly one window apart (the edge) are common.
    second: fc.oneof(fc.integer({ min: 0, max: SPAN_SECONDS }), fc.constantFrom(0, 1, 2, 59, 60, 61, 600, 3600, 3601, 7200)),
    offset: fc.constantFrom(...OFFSETS),
    referrer: fc.constantFrom(...REFERRERS),
    agent: fc.constantFrom(...AGENTS),
    tail: fc.constantFrom('full', 'common', 'unclosed'),
    crlf: fc.boolean(),
});
type EntryFields = typeof entryFields extends fc.Arbitrary<infer T> ? T : never;

function lineOf(e: EntryFields): string {
  const head = `${e.client} - - [${clfTime(BASE_EPOCH + e.second, e.offset)}] "${e.method} ${e.path} HTTP/1.1" ${e.status}`;
  const tail =
    e.tail === 'common' ? ' 512' : e.tail === 'unclosed' ? ` 0 "${e.referrer}" "${e.agent}` : ` 512 "${e.referrer}" "${e.agent}"`;
  return head + tail + (e.crlf ? '\r' : '');
}

export const entryLine = entryFields.map(lineOf);

/**
 * A log nearly in time order, as servers write them: each entry is written `delay` seconds after its instant
 * (at most `maxDelay`; Apache logs when a request started and writes when it ends), lines in order of writing.
 */
export const timeOrderedLogs = fc
  .record({
    maxDelay: fc.constantFrom(0, 0, 3, 30, 400),
    entries: fc.array(fc.tuple(entryFields, fc.nat()), { maxLength: 400, size: 'max' }),
  })
  .map(({ maxDelay, entries }) =>
    entries
      .map(([e, delay]) => ({ e, written: e.second + (maxDelay === 0 ? 0 : delay % (maxDelay + 1)) }))
      .sort((a, b) => a.written - b.written)
      .map(({ e }) => lineOf(e))
      .join('\n') + '\n',
  );

const oddLine = fc.constantFrom('', 'garbage', '- - [bad time] "GET / HTTP/1.1" 404 1', '10.0.0.1 - - [01/May/2024:00:00:00 +0000] "GET /" 4040');

/** A whole log: mostly entries, some odd lines, with or without a final newline. */
export const logs = fc
  .record({
    // Small logs find edge cases; long ones (many lines per group) make windows and merges matter.
    lines: fc.oneof(
      fc.array(fc.oneof({ weight: 12, arbitrary: entryLine }, { weight: 1, arbitrary: oddLine }), { maxLength: 20 }),
      fc.array(fc.oneof({ weight: 12, arbitrary: entryLine }, { weight: 1, arbitrary: oddLine }), { maxLength: 300, size: 'max' }),
    ),
    finalNewline: fc.boolean(),
  })
  .map(({ lines, finalNewline }) => lines.join('\n') + (finalNewline && lines.length > 0 ? '\n' : ''));

/** Engine settings that put boundaries everywhere: any result must not depend on them. */
export const engineSettings = fc.record({
  // Every count is tried; many workers cost the most start-up time, so 7 is drawn less often.
  threads: fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.constant(2) }, { weight: 2, arbitrary: fc.constant(3) }, { weight: 1, arbitrary: fc.constant(7) }),
  chunkBytes: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(1 << 20)),
  rangeBytes: fc.integer({ min: 16, max: 2048 }),
  flushGroups: fc.integer({ min: 1, max: 8 }),
  // The WebAssembly kernel and the JS parser both feed the analyses.
  kernel: fc.boolean(),
  // Relative time spans: settle undecided entries often, in producers and in the consumer.
  settleEntries: fc.integer({ min: 1, max: 16 }),
  // Windows: fold them or keep every instant; a small slack makes late lines force a second read.
  windowFolding: fc.boolean(),
  windowSlack: fc.constantFrom(0, 1, 30, 300),
});

/** An instant as ISO 8601, written in one of several offsets (or with none: UTC). */
export function isoTime(epoch: number, offsetMinutes: number | undefined): string {
  const d = new Date((epoch + (offsetMinutes ?? 0) * 60) * 1000);
  const text = d.toISOString().slice(0, 19);
  if (offsetMinutes === undefined) return text;
  if (offsetMinutes === 0) return text + 'Z';
  const abs = Math.abs(offsetMinutes);
  return `${text}${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** One bound of a span: an instant in (or just around) the generated logs' two hours, or a duration. */
export const spanBounds = fc.oneof(
  fc.record({
    at: fc.oneof(fc.integer({ min: -10, max: SPAN_SECONDS + 10 }), fc.constantFrom(0, 1, 60, 3600, 7200)).map((s) => BASE_EPOCH + s),
    offset: fc.constantFrom(undefined, 0, 120, -330),
  }).map(({ at, offset }) => ({ text: isoTime(at, offset), at, ago: undefined as number | undefined })),
  fc.constantFrom(0, 1, 59, 60, 61, 600, 3600, 7199, 7200, 9000).map((ago) => ({ text: `${ago}s`, at: undefined as number | undefined, ago })),
);

/** analyze() on a temp file holding `content` (a string is written one byte per char). */
export async function analyzeText(content: string | Buffer, options: Omit<EngineOptions, 'input'>): Promise<AnalyzeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-analyses-'));
  try {
    const input = join(dir, 'access.log');
    writeFileSync(input, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
    return await analyze({ threads: 1, ...options, input });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The parts of a result the reference also computes. */
export function comparable(result: AnalyzeResult): Array<Record<string, unknown>> {
  return result.rows.map((row) => ({
    keys: [...row.keys],
    count: row.count,
    byCode: [...row.byCode],
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    ...(row.peakWindowCount === undefined ? {} : { peakWindowCount: row.peakWindowCount, peakWindowStart: row.peakWindowStart }),
  }));
}
