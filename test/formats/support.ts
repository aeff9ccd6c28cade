// Helpers for the format tests: sample paths, running analyze on a file under every way of splitting it, one
// line through a parser, and a reference CSV built from expected entries.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/engine/analyze.js';
import { DEFAULT_ERROR_CODES } from '../../src/options/analyze-options.js';
import type { EngineOptions } from '../../src/options/internal-options.js';
import type { AnalyzeResult } from '../../src/tables/result.js';
import { formatStampIso } from '../../src/base/time.js';
import { LineFields, type LineFormat } from '../../src/formats/fields.js';
import { formatCsv } from '../../src/sinks/csv.js';

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
}

export const ROOT = repoRoot();
export const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', 'formats', name);
export { REAL, NEEDS_REAL_LOGS } from '../support/paths.js';

export async function run(input: string, options: Omit<EngineOptions, 'input'> = {}): Promise<{ result: AnalyzeResult; csv: string }> {
  const result = await analyze({ threads: 1, ...options, input });
  return { result, csv: formatCsv(result) };
}

/** The counters that must not depend on how the work was split. */
function counters(result: AnalyzeResult): object {
  const { lines, blank, malformed, comment, parsed, matched, groups, reported, format } = result.summary;
  return { lines, blank, malformed, comment, parsed, matched, groups, reported, format };
}

/**
 * Runs analyze with 1, 2, 3 and 7 threads, reads down to a few bytes and ranges of a few hundred bytes, and
 * checks every run gives the same CSV and counts as a plain one-thread run; returns that run.
 */
export async function sameForAnySplit(input: string, options: Omit<EngineOptions, 'input'> = {}): Promise<{ result: AnalyzeResult; csv: string }> {
  const base = await run(input, { ...options, threads: 1 });
  const splits: Array<Partial<EngineOptions>> = [
    { threads: 2, rangeBytes: 300, chunkBytes: 7 },
    { threads: 3, rangeBytes: 97, chunkBytes: 64 },
    { threads: 7, rangeBytes: 1000, chunkBytes: 3 },
    { threads: 1, rangeBytes: 50, chunkBytes: 1 },
  ];
  for (const split of splits) {
    const got = await run(input, { ...options, ...split });
    assert.equal(got.csv, base.csv, `CSV differs with ${JSON.stringify(split)}`);
    assert.deepEqual(counters(got.result), counters(base.result), `counts differ with ${JSON.stringify(split)}`);
  }
  return base;
}

export interface Parsed {
  client: string;
  status: number;
  time: string;
  vhost?: string;
  request?: string;
  method?: string;
  path?: string;
  referrer?: string;
  userAgent?: string;
  forwardedFor?: string;
}

const BEFORE = Buffer.from('#Fields: x\n1.2.3.4 - - [01/Jan/2000:00:00:00 +0000] "GET / HTTP/1.1" 200 1\n', 'latin1');
const AFTER = Buffer.from('" 404 5 "-" "-"}\n', 'latin1');

/**
 * One line through `format` (parse, then parseDetails), embedded between misleading bytes so that a parser
 * reading outside the line is caught; fields as text (format.text). Undefined when the line does not parse.
 */
export function parseOne(format: LineFormat, line: string, details = true): Parsed | undefined {
  const bytes = Buffer.from(line, 'utf8');
  const buf = Buffer.concat([BEFORE, bytes, AFTER]);
  const start = BEFORE.length;
  const end = start + bytes.length;
  const out = new LineFields();
  if (!format.parse(buf, start, end, out)) return undefined;
  if (details) format.parseDetails(buf, start, end, out);
  const text = (s: number, e: number): string | undefined =>
    s < 0 ? undefined : Buffer.from(format.text(buf, s, e), 'latin1').toString('utf8');
  const parsed: Parsed = { client: text(out.clientStart, out.clientEnd)!, status: out.status, time: formatStampIso(out.stamp) };
  const optional: Array<[keyof Parsed, number, number]> = [
    ['vhost', out.vhostStart, out.vhostEnd],
    ['request', out.requestStart, out.requestEnd],
    ['method', out.methodStart, out.methodEnd],
    ['path', out.pathStart, out.pathEnd],
    ['referrer', out.referrerStart, out.referrerEnd],
    ['userAgent', out.userAgentStart, out.userAgentEnd],
    ['forwardedFor', out.forwardedForStart, out.forwardedForEnd],
  ];
  for (const [key, s, e] of optional) if (s >= 0) (parsed as unknown as Record<string, unknown>)[key] = text(s, e);
  return parsed;
}

/** One expected matching response. */
export interface Entry {
  client: string;
  status: number;
  /** ISO time as the CSV shows it. */
  time: string;
}

/** The CSV the contract says these entries give (default codes; `threshold` as analyze's). */
export function expectedCsv(entries: readonly Entry[], threshold = 10, codes: readonly number[] = DEFAULT_ERROR_CODES): string {
  const sorted = [...codes].sort((a, b) => a - b);
  const rows = new Map<string, { counts: number[]; first: string; last: string; firstMs: number; lastMs: number }>();
  for (const e of entries) {
    const column = sorted.indexOf(e.status);
    if (column < 0) continue;
    const ms = Date.parse(e.time);
    let row = rows.get(e.client);
    if (!row) rows.set(e.client, (row = { counts: sorted.map(() => 0), first: e.time, last: e.time, firstMs: ms, lastMs: ms }));
    row.counts[column]++;
    if (ms < row.firstMs) [row.first, row.firstMs] = [e.time, ms];
    if (ms > row.lastMs) [row.last, row.lastMs] = [e.time, ms];
  }
  const total = (r: { counts: number[] }): number => r.counts.reduce((a, b) => a + b, 0);
  const picked = [...rows].filter(([, r]) => total(r) >= threshold);
  picked.sort(([ka, a], [kb, b]) => total(b) - total(a) || (Buffer.compare(Buffer.from(ka), Buffer.from(kb))));
  const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [
    ['ip', 'count', ...sorted.map(String), 'first_seen', 'last_seen'].join(','),
    ...picked.map(([key, r]) => [quote(key), total(r), ...r.counts, r.first, r.last].join(',')),
  ].join('\n') + '\n';
}
