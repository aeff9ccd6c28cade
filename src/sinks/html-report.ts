// The HTML report: one self-contained page (no network: its script and style are inlined, and a
// Content-Security-Policy forbids loading anything else) that shows the summary, the timeline of matching
// responses, the breakdown by status column and every reported group, with a drill-down for each.
//
// Every string from a log (keys, paths, user agents) is hostile. The page gets them only as data: JSON
// documents one a line (pageDataLines), gzipped and in base64 (an alphabet that cannot close an element or open a comment), in a
// <script> element of a type the browser does not run. The page script (report/page.ts) puts them into the
// document only as text (textContent, DOM properties), never as markup. The only markup made here from a
// value (the title) goes through `escapeHtml`.
//
// The page script and style are built by scripts/bundle.mjs (with uPlot, the chart library) into dist/report/,
// which sits at the same depth from this file's compiled place (dist/src/sinks/) as from the bundled command
// line's (dist/bundle/cli/).

import type * as Crypto from 'node:crypto';
import { readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Zlib from 'node:zlib';
import { LogsiftError } from '../base/errors.js';
import type { SeriesData, TopValue } from '../tables/report-data.js';
import type { AnalyzeResult, ResultRow } from '../tables/result.js';
import { writeFileAtomic } from './atomic.js';
import { summaryCounts } from './json.js';

// zlib and crypto take milliseconds to load, and every run loads this file: only a report loads them, on first use.
const require = createRequire(import.meta.url);

/** The page's assets, read once. */
let assets: { script: string; style: string } | undefined;
function pageAssets(): { script: string; style: string } {
  if (!assets) {
    try {
      assets = {
        script: readFileSync(new URL('../../report/page.js', import.meta.url), 'utf8'),
        style: readFileSync(new URL('../../report/page.css', import.meta.url), 'utf8'),
      };
    } catch {
      throw new Error('the HTML report page (dist/report/page.js) is missing: run npm run build');
    }
  }
  return assets;
}

/** Text for HTML content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A series as [startSecond, bucketSeconds, counts of lane 0, lane 1 ...], trailing zeros dropped. */
function compactSeries(series: SeriesData): unknown[] {
  return [series.startSecond, series.bucketSeconds, ...series.counts.map(trimZeros)];
}

function trimZeros(counts: readonly number[]): number[] {
  let end = counts.length;
  while (end > 0 && counts[end - 1] === 0) end--;
  return counts.slice(0, end);
}

/** Paths and user agents repeat across groups: the page gets each once, and groups refer to it by index. */
class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  /** [string index, count, possible overcount] per value, flattened. */
  refs(values: readonly TopValue[] | undefined): number[] | null {
    if (!values) return null;
    const refs: number[] = [];
    for (const v of values) {
      let at = this.index.get(v.value);
      if (at === undefined) this.index.set(v.value, (at = this.strings.push(v.value) - 1));
      refs.push(at, v.count, v.error);
    }
    return refs;
  }
}

/** Everything the page shows, as one plain object; the groups column by column (see report/page.ts). */
export function pageData(result: AnalyzeResult): Record<string, unknown> {
  const report = result.report;
  if (!report) throw new LogsiftError('the HTML report needs the report data: analyze with report: true');
  const s = result.summary;
  const strings = new StringTable();
  const windowed = result.windowSeconds !== undefined;
  const groups = {
    keys: [] as (readonly string[])[],
    count: [] as number[],
    byCode: [] as (readonly number[])[],
    first: [] as string[],
    last: [] as string[],
    peakCount: windowed ? ([] as number[]) : null,
    peakStart: windowed ? ([] as string[]) : null,
    series: [] as unknown[][],
    topPaths: [] as (number[] | null)[],
    topAgents: [] as (number[] | null)[],
  };
  for (let i = 0; i < result.reported.length; i++) {
    const row: ResultRow = result.reported.at(i);
    const group = report.groups[i];
    groups.keys.push(row.keys);
    groups.count.push(row.count);
    groups.byCode.push(row.byCode);
    groups.first.push(row.firstSeen);
    groups.last.push(row.lastSeen);
    groups.peakCount?.push(row.peakWindowCount ?? 0);
    groups.peakStart?.push(row.peakWindowStart ?? '');
    groups.series.push(compactSeries(group.timeline));
    groups.topPaths.push(strings.refs(group.topPaths));
    groups.topAgents.push(strings.refs(group.topUserAgents));
  }
  return {
    keyFields: result.keyFields,
    statusColumns: result.statusColumns,
    errorCodes: result.errorCodes,
    threshold: result.threshold,
    windowSeconds: result.windowSeconds ?? null,
    span: result.span ?? null,
    clients: result.clients ?? null,
    summary: {
      input: s.input,
      inputs: s.inputs.map((input) => ({ path: input.path, format: input.format, compression: input.compression, bytes: input.bytes })),
      skippedInputs: s.skippedInputs.map((skip) => ({ path: skip.path, reason: skip.reason })),
      ...summaryCounts(s),
      warnings: s.warnings,
    },
    firstSecond: report.firstSecond ?? null,
    lastSecond: report.lastSecond ?? null,
    timeline: compactSeries(report.timeline),
    bounds: report.bounds,
    groups,
    strings: strings.strings,
  };
}

/**
 * The page's data as JSON documents one a line (JSON text holds no raw line break): the data without its groups
 * (naming the groups' columns in `groupColumns`), then each column of the groups. The page parses one a task, so
 * that no task parses the whole (tens of megabytes with 200k groups).
 */
export function pageDataLines(data: Record<string, unknown>): string {
  const { groups, ...rest } = data as { groups: Record<string, unknown> };
  const columns = Object.keys(groups);
  return [JSON.stringify({ ...rest, groupColumns: columns }), ...columns.map((name) => JSON.stringify(groups[name]))].join('\n');
}

const sha256 = (text: string): string => `'sha256-${(require('node:crypto') as typeof Crypto).createHash('sha256').update(text).digest('base64')}'`;

/** The whole page as text. */
export function formatHtml(result: AnalyzeResult): string {
  const { script, style } = pageAssets();
  // The data, gzipped (the page inflates it with DecompressionStream): a report of 27k groups is 15 MB of JSON,
  // 1.7 MB gzipped. Base64 holds nothing a browser could read as markup. The data element is not a script the
  // browser runs, so it needs no hash in the policy; only the page script does.
  const { gzipSync } = require('node:zlib') as typeof Zlib;
  const data = gzipSync(pageDataLines(pageData(result)), { level: 6 }).toString('base64');
  const policy = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `logsift report: ${result.summary.input}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(policy)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<noscript><p>This report needs JavaScript to show its data.</p></noscript>
<script type="application/octet-stream" id="logsift-data" data-encoding="gzip+base64">${data}</script>
<script>${script}</script>
</body>
</html>
`;
}

/** Writes the report to `path` atomically: an existing file is replaced whole or not at all. */
export function saveHtml(result: AnalyzeResult, path: string): void {
  const text = formatHtml(result);
  writeFileAtomic(path, (fd) => void writeSync(fd, text));
}
