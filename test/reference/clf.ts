// A reference implementation of logsift's answer, written to be obviously right rather than fast: the whole
// file in memory, one regular expression per line, plain objects, and its own CSV writer. It shares no code
// with src/ (only the shape of the counters), so agreeing with it means something.
//
// The rules it encodes, straight from the contract:
// - Lines are split on LF; one CR before the LF is dropped; a last line without LF still counts.
// - A line is blank when nothing is left; otherwise it parses when it reads
//   `[vhost ]client ident user [dd/Mon/yyyy:HH:MM:SS +zzzz] "request" ddd` followed by a space or the end,
//   where client, ident and user are words without spaces, single-spaced (user may also be a "quoted string"
//   with backslash escapes),
//   where the request ends at the first quote that is not backslash-escaped and is followed by ` ddd`
//   (ddd a status 100..599), and the date is a real calendar date and time with an offset up to 23:59.
// - Counted per client for the wanted statuses; first/last by instant (ties: smaller offset first), written in
//   the entry's own offset as `YYYY-MM-DDTHH:MM:SS+HH:MM`.
// - Rows with count >= threshold, by count descending, then client ascending by bytes.

import { readFileSync } from 'node:fs';

export interface ReferenceOptions {
  readonly errorCodes: readonly number[];
  readonly threshold: number;
  /** The line starts with a `vhost:port ` field (vhost-Combined). */
  readonly vhost?: boolean;
}

export interface ReferenceCounters {
  lines: number;
  blank: number;
  malformed: number;
  parsed: number;
  matched: number;
}

export interface ReferenceEntry {
  /** Client as raw bytes, one char per byte. */
  readonly client: string;
  readonly status: number;
  /** Seconds since the epoch. */
  readonly epoch: number;
  /** The entry's own UTC offset in minutes. */
  readonly offset: number;
}

export interface ReferenceResult {
  readonly csv: string;
  readonly counters: ReferenceCounters;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const LINE =
  /^([^ ]+) [^ ]+ (?:"(?:[^"\\]|\\[\s\S])*"|[^ ]+) \[(\d\d)\/([A-Z][a-z][a-z])\/(\d\d\d\d):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)\] "(?:[^"\\]|\\[\s\S]|")*?" ([1-5]\d\d)(?: |$)/;

/** Seconds since the epoch for a civil date-time, or undefined when there is no such date. */
function civilToEpoch(year: number, month: number, day: number, h: number, m: number, s: number): number | undefined {
  if (month < 1 || month > 12 || h > 23 || m > 59 || s > 60) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  date.setUTCHours(h, m, s, 0);
  return date.getTime() / 1000;
}

/** Parses one line (latin1 text, no LF, CR already dropped); undefined when it does not fit. */
export function referenceParse(line: string, vhost = false): ReferenceEntry | undefined {
  let rest = line;
  if (vhost) {
    const space = rest.indexOf(' ');
    if (space <= 0) return undefined;
    rest = rest.slice(space + 1);
  }
  const m = LINE.exec(rest);
  if (!m) return undefined;
  const [, client, dd, mon, yyyy, hh, mi, ss, sign, oh, om, status] = m;
  const month = MONTHS.indexOf(mon) + 1;
  if (month === 0 || Number(oh) > 23 || Number(om) > 59) return undefined;
  const local = civilToEpoch(Number(yyyy), month, Number(dd), Number(hh), Number(mi), Number(ss));
  if (local === undefined) return undefined;
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  return { client, status: Number(status), epoch: local - offset * 60, offset };
}

/** `YYYY-MM-DDTHH:MM:SS+HH:MM` in the given offset. */
export function referenceIso(epoch: number, offset: number): string {
  const local = new Date((epoch + offset * 60) * 1000).toISOString().slice(0, 19);
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
}

/**
 * RFC 4180: quote a field holding a comma, quote, CR or LF, doubling the quotes inside; also one that starts or
 * ends with white space, so that no reader trims it.
 */
export function referenceCsvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Raw bytes (one char per byte) shown as UTF-8 when they are valid UTF-8, else as they are. */
function displayKey(raw: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(raw, 'latin1'));
  } catch {
    return raw;
  }
}

interface Group {
  count: number;
  byCode: Map<number, number>;
  first: ReferenceEntry;
  last: ReferenceEntry;
}

const earlier = (a: ReferenceEntry, b: ReferenceEntry): boolean =>
  a.epoch < b.epoch || (a.epoch === b.epoch && a.offset < b.offset);

/** The whole answer for a log held in `bytes`. */
export function referenceAnalyze(bytes: Buffer, options: ReferenceOptions): ReferenceResult {
  const codes = [...new Set(options.errorCodes)].sort((a, b) => a - b);
  const counters: ReferenceCounters = { lines: 0, blank: 0, malformed: 0, parsed: 0, matched: 0 };
  const groups = new Map<string, Group>();

  const lines = bytes.toString('latin1').split('\n');
  if (lines[lines.length - 1] === '') lines.pop(); // the text after the last LF is a line only when not empty
  for (let line of lines) {
    counters.lines++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') {
      counters.blank++;
      continue;
    }
    const entry = referenceParse(line, options.vhost);
    if (!entry) {
      counters.malformed++;
      continue;
    }
    counters.parsed++;
    if (!codes.includes(entry.status)) continue;
    counters.matched++;
    let group = groups.get(entry.client);
    if (!group) {
      group = { count: 0, byCode: new Map(), first: entry, last: entry };
      groups.set(entry.client, group);
    }
    group.count++;
    group.byCode.set(entry.status, (group.byCode.get(entry.status) ?? 0) + 1);
    if (earlier(entry, group.first)) group.first = entry;
    if (earlier(group.last, entry)) group.last = entry;
  }

  const rows = [...groups.entries()]
    .filter(([, g]) => g.count >= options.threshold)
    .sort(([ka, a], [kb, b]) => b.count - a.count || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const records: Array<Array<string | number>> = [['ip', 'count', ...codes, 'first_seen', 'last_seen']];
  for (const [key, g] of rows) {
    records.push([
      displayKey(key),
      g.count,
      ...codes.map((code) => g.byCode.get(code) ?? 0),
      referenceIso(g.first.epoch, g.first.offset),
      referenceIso(g.last.epoch, g.last.offset),
    ]);
  }
  const csv = records.map((record) => record.map(referenceCsvField).join(',') + '\n').join('');
  return { csv, counters };
}

export function referenceAnalyzeFile(path: string, options: ReferenceOptions): ReferenceResult {
  return referenceAnalyze(readFileSync(path), options);
}
