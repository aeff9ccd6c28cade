// Which format a file is in, from its first lines: every candidate parses the sample, the one that parses the
// most lines wins (ties: the earlier candidate, so specific formats go before general ones).

import { albDefinition } from './alb.js';
import { combinedFormat, commonFormat, vcombinedFormat } from './clf.js';
import { cloudfrontDefinition } from './cloudfront.js';
import { composeLineStart, COMPOSE_PREFIX } from './compose.js';
import { elbDefinition } from './elb.js';
import { LineFields, type FormatDefinition, type FormatOptions, type LineFormat } from './fields.js';
import { haproxyDefinition } from './haproxy.js';
import { caddyDefinition, jsonFormatDefinition } from './json.js';
import { looksLikeNginx } from './nginx-format.js';
import { w3cDefinition } from './w3c.js';

export interface Detection {
  /** The format chosen. */
  readonly name: string;
  /** True when it was detected, false when the user named it. */
  readonly detected: boolean;
  /** The formats considered, for messages ("tried: ..."). */
  readonly tried: readonly string[];
  /** Detected, nothing fits, and the lines look like W3C data without a `#Fields:` line (a cut file). */
  readonly w3cWithoutFields?: boolean;
}

/** Candidates in order of preference on a tie. The CLF family comes last and is told apart separately. */
const CANDIDATES: readonly FormatDefinition[] = [
  w3cDefinition,
  cloudfrontDefinition,
  albDefinition,
  elbDefinition,
  haproxyDefinition,
  caddyDefinition,
  jsonFormatDefinition,
];

const CLF_FAMILY = [combinedFormat.name, commonFormat.name, vcombinedFormat.name];

export const DETECTABLE: readonly string[] = [...CANDIDATES.map((c) => c.name), ...CLF_FAMILY];

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

/** A sample's non-blank lines as (start, end) pairs, CR stripped: found once for all passes, as far as one reads. */
interface SampleLines {
  readonly sample: Buffer;
  readonly whole: boolean;
  bounds: Int32Array;
  /** Lines found so far. */
  found: number;
  /** Where the next line starts; past the sample once all are found. */
  next: number;
}

/** The last sample's lines: detection reads one sample in several passes (one per candidate, and more). */
let lastLines: SampleLines | undefined;

// Kept from sample to sample, as a run may detect thousands of small files before V8 optimizes this code (where
// each allocation costs): the bounds array (up to 16 K lines) and the fields candidates parse into (never read).
let spareBounds = new Int32Array(256);
const MAX_SPARE_BOUNDS = 32 * 1024;
const scratchFields = new LineFields();

function sampleLines(sample: Buffer, whole: boolean): SampleLines {
  if (lastLines && lastLines.sample === sample && lastLines.whole === whole) return lastLines;
  return (lastLines = { sample, whole, bounds: spareBounds, found: 0, next: 0 });
}

/** Finds the sample's next non-blank line; false when there is none. */
function findLine(lines: SampleLines): boolean {
  const { sample, whole } = lines;
  while (lines.next < sample.length) {
    const start = lines.next;
    let end = sample.indexOf(LF, start);
    const complete = end >= 0;
    if (!complete) end = sample.length;
    let lineEnd = end;
    if (lineEnd > start && sample[lineEnd - 1] === CR) lineEnd--;
    lines.next = end + 1;
    if ((complete || whole) && lineEnd > start) {
      if (2 * lines.found + 2 > lines.bounds.length) {
        const bigger = new Int32Array(lines.bounds.length * 2);
        bigger.set(lines.bounds);
        lines.bounds = bigger;
        if (bigger.length <= MAX_SPARE_BOUNDS) spareBounds = bigger;
      }
      lines.bounds[2 * lines.found] = start;
      lines.bounds[2 * lines.found + 1] = lineEnd;
      lines.found++;
      return true;
    }
  }
  return false;
}

/** How many non-blank lines the sample has. */
function lineCount(sample: Buffer, whole: boolean): number {
  const lines = sampleLines(sample, whole);
  while (findLine(lines));
  return lines.found;
}

/**
 * Calls fn(start, end) for each non-blank line of the sample (CR stripped); an unfinished last line only if
 * `whole`. Stops early when fn returns false.
 */
function forEachLine(sample: Buffer, whole: boolean, fn: (start: number, end: number) => boolean | void): void {
  const lines = sampleLines(sample, whole);
  for (let i = 0; i < lines.found || findLine(lines); i++) if (fn(lines.bounds[2 * i], lines.bounds[2 * i + 1]) === false) return;
}

/**
 * The candidates' parsers for `options`, made once: a parser costs more to make (JSON's key tree) than to read
 * a sample with, and detection meets many files. Each is reset with `begin` before it reads a sample.
 */
const NO_OPTIONS: FormatOptions = {};
const candidateFormats = new WeakMap<FormatOptions, LineFormat[]>();

function candidatesFor(options: FormatOptions): LineFormat[] {
  let formats = candidateFormats.get(options);
  if (!formats) candidateFormats.set(options, (formats = CANDIDATES.map((candidate) => candidate.create(options))));
  return formats;
}

/**
 * How many of the sample's `lines` lines `format` reads: lines it parses and header lines it knows (as the
 * scanner feeds them). It stops, returning less than `needed`, once it can no longer reach `needed`.
 */
function countFitting(format: LineFormat, sample: Buffer, whole: boolean, lines: number, needed: number, counter?: ClfSampleCounter): number {
  // A count of every line gives the same outcome as the early stop (it stops only below `needed`).
  const counted = needed <= lines ? counter?.fitting?.(format, sample, whole, lines - needed) : undefined;
  if (counted !== undefined) return counted;
  const fields = scratchFields;
  let fitting = 0;
  let missed = 0;
  format.begin?.([]);
  forEachLine(sample, whole, (start, end) => {
    if (format.parse(sample, start, end, fields) || format.header?.(sample, start, end)) fitting++;
    else missed++;
    return lines - missed >= needed;
  });
  return fitting;
}

/**
 * The candidates the counter reads cheaply (the kernel: JSON lines), counted before the JS parsers read the
 * sample, so that those before them in the order can stop at their first misses (with nothing to beat, a JS
 * parser read every line of a JSON file before it could give up: five of them, most of the detection's time).
 * Each count is exact, or fewer than `matters` (the least that could win: none can win with fewer than the CLF
 * family's count); undefined for a candidate the counter does not read.
 */
function countedAhead(formats: readonly LineFormat[], sample: Buffer, whole: boolean, lines: number, matters: number, counter?: ClfSampleCounter): Array<number | undefined> {
  if (!counter?.fitting || matters > lines) return [];
  return formats.map((format) => counter.fitting!(format, sample, whole, lines - matters));
}

/**
 * Detects the format of a file from `sample`, its first bytes (`whole`: the sample is the whole file, so its
 * last line is complete even without a newline). When nothing fits, the answer is `combined` (every line will
 * then be counted as malformed, and the caller warns). `exhaustive`: no early stop (for tests).
 */
export function detectFormat(
  sample: Buffer,
  options: FormatOptions = NO_OPTIONS,
  whole = false,
  exhaustive = false,
  clfCounter?: ClfSampleCounter,
): Detection {
  try {
    return detectAnyFormat(sample, options, whole, exhaustive, clfCounter);
  } finally {
    lastLines = undefined; // not held past detection (a sample may be up to MAX_LINE_BYTES)
  }
}

function detectAnyFormat(sample: Buffer, options: FormatOptions, whole: boolean, exhaustive: boolean, clfCounter?: ClfSampleCounter): Detection {
  // The kernel's pass counts the lines with a compose prefix too: the JS pass runs only when most carry one.
  const counts = clfCounter?.(sample, whole);
  // docker compose logs: the format of the lines behind the prefixes (a stateless one: W3C headers behind
  // prefixes could not be found at range starts).
  const behindPrefix = !counts || counts.prefixed * 2 > counts.lines ? composeLines(sample, whole) : undefined;
  if (behindPrefix) {
    const inner = detectPlainFormat(behindPrefix, options, true, exhaustive, clfCounter);
    if (inner.name !== w3cDefinition.name && inner.name !== cloudfrontDefinition.name) {
      return { ...inner, name: COMPOSE_PREFIX + inner.name };
    }
  }
  return detectPlainFormat(sample, options, whole, exhaustive, clfCounter, counts);
}

function detectPlainFormat(
  sample: Buffer,
  options: FormatOptions,
  whole: boolean,
  exhaustive: boolean,
  clfCounter?: ClfSampleCounter,
  counted = clfCounter?.(sample, whole),
): Detection {
  // The CLF family (the most common logs) is read first, so that a candidate can stop at the first line it
  // cannot read once it can no longer win. The outcome is the plain rule's: the candidate reading the most
  // lines, the earlier on a tie, unless the CLF family reads more.
  const lines = counted?.lines ?? lineCount(sample, whole);
  const clf = clfFamily(counted ?? countClf(sample, whole));
  const formats = candidatesFor(options);
  // Candidates are counted in any order: each must read enough lines to beat the best one counted so far (as
  // many as it, when it comes earlier in the order of preference), and at least as many as the CLF family
  // (which is chosen only when it reads more), and stops once it cannot. Those the counter reads cheaply go
  // first, then the first to read the sample's first line (most often the winner: then the others stop at
  // their first miss, where in order each had to read every line to beat nothing), then the rest in order.
  // (`exhaustive`: every candidate reads every line, the plain rule; tests check both agree.)
  const ahead = exhaustive ? [] : countedAhead(formats, sample, whole, lines, Math.max(1, clf.count), clfCounter);
  const order = CANDIDATES.map((_, i) => i);
  if (!exhaustive) {
    const first = formats.findIndex((format, i) => ahead[i] === undefined && readsFirstLine(format, sample, whole));
    const rank = (i: number): number => (ahead[i] !== undefined ? 0 : i === first ? 1 : 2);
    order.sort((a, b) => rank(a) - rank(b) || a - b);
  }
  let best = -1;
  let bestCount = 0;
  for (const i of order) {
    const needed = exhaustive ? bestCount + 1 : Math.max(clf.count, best < 0 ? 1 : bestCount + (i < best ? 0 : 1));
    const count = ahead[i] ?? countFitting(formats[i], sample, whole, lines, needed, clfCounter);
    if (count >= needed) {
      best = i;
      bestCount = count;
    }
  }
  let name = best < 0 ? '' : CANDIDATES[best].name;
  if (clf.count > bestCount) name = clf.name;
  if (name === w3cDefinition.name || name === cloudfrontDefinition.name) name = w3cFlavour(sample, whole);
  if (!name && options.w3cFields === undefined && looksLikeHeaderlessW3c(sample, whole)) {
    return { name: combinedFormat.name, detected: true, tried: DETECTABLE, w3cWithoutFields: true };
  }
  return { name: name || combinedFormat.name, detected: true, tried: DETECTABLE };
}

/** Whether `format` reads the sample's first non-blank line (a line it parses, or a header line it knows). */
function readsFirstLine(format: LineFormat, sample: Buffer, whole: boolean): boolean {
  let reads = false;
  format.begin?.([]);
  forEachLine(sample, whole, (start, end) => {
    reads = format.parse(sample, start, end, scratchFields) || format.header?.(sample, start, end) === true;
    return false;
  });
  return reads;
}

/**
 * The sample's lines without their docker compose prefixes (formats/compose.ts), when most lines carry one;
 * otherwise undefined.
 */
function composeLines(sample: Buffer, whole: boolean): Buffer | undefined {
  const parts: Buffer[] = [];
  const count = lineCount(sample, whole);
  let lines = 0;
  let prefixed = 0;
  forEachLine(sample, whole, (start, end) => {
    lines++;
    const at = composeLineStart(sample, start, end);
    if (at >= 0) {
      prefixed++;
      parts.push(sample.subarray(at, end), NEWLINE);
    }
    // Stops once lines without a prefix are half the sample or more: most lines can no longer carry one.
    return (lines - prefixed) * 2 < count;
  });
  return prefixed > 0 && prefixed * 2 > lines && lines === count ? Buffer.concat(parts) : undefined;
}

const NEWLINE = Buffer.from('\n');

/**
 * W3C data lines separated by TABs are CloudFront's, by spaces IIS's (the same parser reads both); with no data
 * line, CloudFront's `x-edge-...` field names tell.
 */
function w3cFlavour(sample: Buffer, whole: boolean): string {
  let tabs = 0;
  let lines = 0;
  let edgeFields = false;
  forEachLine(sample, whole, (start, end) => {
    const line = sample.subarray(start, end);
    if (sample[start] === 0x23) {
      edgeFields ||= line.includes('#Fields:') && line.includes(' x-edge-');
      return;
    }
    lines++;
    if (line.includes(TAB)) tabs++;
  });
  const cloudfront = lines > 0 ? tabs * 2 > lines : edgeFields;
  return cloudfront ? cloudfrontDefinition.name : w3cDefinition.name;
}

const W3C_DATE = /(^|[ \t])\d{4}-\d\d-\d\d[ \t]+"?\d\d:\d\d:\d\d/;

/** No header line, and the first data line has a date and a time as W3C writes them: separate fields. */
function looksLikeHeaderlessW3c(sample: Buffer, whole: boolean): boolean {
  let headers = 0;
  let first = '';
  forEachLine(sample, whole, (start, end) => {
    if (sample[start] === 0x23) headers++;
    else if (first === '' && end > start) first = sample.latin1Slice(start, Math.min(end, start + 4096));
  });
  return headers === 0 && W3C_DATE.test(first);
}

/**
 * The CLF family: a line has exactly three fields before `[time]`, so a vhost-Combined line (one more, the
 * `host[:port]` first) does not read as Combined, nor a Combined line as vhost-Combined. A line that reads as
 * both (a quoted user with a space inside) counts as Combined. Common is told from Combined by the quoted
 * referrer and agent after the size.
 */
function clfFamily({ combined, vhost, tails }: ClfSampleCounts): { name: string; count: number } {
  if (vhost > combined) return { name: vcombinedFormat.name, count: vhost };
  return { name: combined > 0 && tails * 2 < combined ? commonFormat.name : combinedFormat.name, count: combined };
}

/**
 * The CLF family's lines in a sample: read as Combined (`combined`; of them, `tails` with a quote after the
 * status), or else as vhost-Combined (`vhost`).
 */
export interface ClfSampleCounts {
  readonly combined: number;
  readonly vhost: number;
  readonly tails: number;
}

/** What a ClfSampleCounter finds besides: the sample's non-blank lines, and those with a compose prefix. */
export interface SampleCounts extends ClfSampleCounts {
  readonly lines: number;
  readonly prefixed: number;
}

/**
 * Counts a sample's CLF-family lines exactly as countClf does (and its lines, and those with a compose prefix,
 * as composeLines reads them), faster: the WebAssembly kernel's (scan/), which many small files each detected
 * make worth it. Detection takes one where the caller has it; undefined from it means "count with the JS parsers".
 */
export type ClfSampleCounter = ((sample: Buffer, whole: boolean) => SampleCounts | undefined) & {
  /**
   * The sample's lines `format` parses (every non-blank one read, as countFitting's JS pass would), when the
   * counter reads this format (the kernel: JSON lines, whose JS parser costs far more on a cold start); else undefined.
   * `canMiss`: it may stop once more lines than this are certain not to parse, returning fewer than all lines but
   * `canMiss` (what countFitting's early stop needs to know: the count can no longer reach what would win).
   */
  readonly fitting?: (format: LineFormat, sample: Buffer, whole: boolean, canMiss?: number) => number | undefined;
};

/** The JS parsers' count of the CLF family in a sample (the reference a ClfSampleCounter must equal). */
export function countClf(sample: Buffer, whole: boolean): ClfSampleCounts {
  const fields = scratchFields;
  let combined = 0;
  let vhost = 0;
  let tails = 0;
  forEachLine(sample, whole, (start, end) => {
    if (combinedFormat.parse(sample, start, end, fields)) {
      combined++;
      if (hasQuotedTail(sample, fields.resumeAt, end)) tails++;
    } else if (vcombinedFormat.parse(sample, start, end, fields)) {
      vhost++;
    }
  });
  return { combined, vhost, tails };
}

function hasQuotedTail(buf: Buffer, start: number, end: number): boolean {
  for (let p = start; p < end; p++) if (buf[p] === 0x22) return true;
  return false;
}

/**
 * The format to read a file with: the one the user named, the custom format string's (nginx or Apache), or
 * the detected one.
 */
export function chooseFormat(
  requested: string,
  options: FormatOptions,
  sample: () => { bytes: Buffer; whole: boolean },
  clfCounter?: ClfSampleCounter,
): Detection {
  if (requested !== 'auto') return { name: requested, detected: false, tried: [requested] };
  if (options.logFormat !== undefined) {
    const name = customFormatName(options.logFormat);
    // The server's own format, behind docker compose's prefixes when the lines carry them.
    const { bytes, whole } = sample();
    const prefixed = composeLines(bytes, whole) ? COMPOSE_PREFIX + name : name;
    lastLines = undefined;
    return { name: prefixed, detected: false, tried: [prefixed] };
  }
  const { bytes, whole } = sample();
  return detectFormat(bytes, options, whole, false, clfCounter);
}

/** Which server's syntax a `--log-format` string is in: nginx (`$variables`) or Apache (`%directives`). */
export function customFormatName(logFormat: string): string {
  return looksLikeNginx(logFormat) ? 'nginx' : 'apache';
}
