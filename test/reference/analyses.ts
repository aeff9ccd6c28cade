// A simple, independent reference for the analyses (--by, status classes, --window, --since/--until, IP
// filters), for tests to compare the engine against. It reads a Combined log line by line with one regular
// expression, keeps every event in plain arrays and counts windows by brute force: slow and obviously right.

import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface RefColumn {
  readonly label: string;
  readonly low: number;
  readonly high: number;
}

export interface RefOptions {
  readonly by: readonly string[];
  readonly keepQuery?: boolean;
  readonly columns: readonly RefColumn[];
  readonly threshold: number;
  /** Seconds; 0 or absent: no window. */
  readonly windowSeconds?: number;
  /** Epoch seconds, inclusive / exclusive; relative ones are seconds before the newest entry. */
  readonly since?: number;
  readonly until?: number;
  readonly sinceAgo?: number;
  readonly untilAgo?: number;
  readonly includeIp?: readonly string[];
  readonly excludeIp?: readonly string[];
}

export interface RefRow {
  readonly keys: string[];
  readonly count: number;
  readonly byCode: number[];
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly peakWindowCount?: number;
  readonly peakWindowStart?: string;
}

export interface RefResult {
  readonly rows: RefRow[];
  readonly parsed: number;
  readonly matched: number;
  readonly outside: number;
  readonly excluded: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// host ident user [dd/Mon/yyyy:HH:MM:SS +zzzz] "request" status rest: exactly three single-spaced words
// before the bracket (the user may be a quoted string).
// The request ends at the first unescaped quote followed by ` ddd` and a space or the end of the line.
const LINE =
  /^(\S+) [^ ]+ (?:"(?:[^"\\]|\\.)*"|[^ ]+) \[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\] "((?:[^"\\]|\\.|"(?! [1-5]\d\d(?: |$)))*?)" ([1-5]\d\d)(?= |$)(.*)$/s;
// After the status: ` size "referrer" "agent` (the agent's closing quote may be missing).
const TAIL = /^ +\S* "((?:[^"\\]|\\.)*)"(?: "((?:[^"\\]|\\.)*)"?)?/s;

interface Event {
  readonly epoch: number;
  readonly offset: number;
  readonly iso: string;
  readonly column: number;
}

interface Entry {
  readonly client: string;
  readonly status: number;
  readonly epoch: number;
  readonly offset: number;
  readonly iso: string;
  readonly fields: Record<string, string>;
}

function parseEntry(line: string, keepQuery: boolean): Entry | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [, client, dd, mon, yyyy, HH, MM, SS, sign, oh, om, request, status, rest] = m;
  const month = MONTHS.indexOf(mon);
  if (month < 0) return undefined;
  const offset = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const local = Date.UTC(Number(yyyy), month, Number(dd), Number(HH), Number(MM), Number(SS)) / 1000;
  const space = request.indexOf(' ');
  let method = '';
  let path = request;
  if (space >= 0) {
    method = request.slice(0, space);
    path = request.slice(space + 1).replace(/ +HTTP\/\S+$/, '').trim();
  }
  if (!keepQuery && path.includes('?')) path = path.slice(0, path.indexOf('?'));
  const tail = TAIL.exec(rest);
  return {
    client,
    status: Number(status),
    epoch: local - offset * 60,
    offset,
    iso: `${yyyy}-${String(month + 1).padStart(2, '0')}-${dd}T${HH}:${MM}:${SS}${sign}${oh}:${om}`,
    fields: {
      ip: client,
      status,
      method,
      path,
      referrer: tail?.[1] ?? '',
      user_agent: tail?.[2] ?? '',
      vhost: '',
    },
  };
}

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

function inList(list: BlockList, client: string): boolean {
  if (isIPv4(client)) return list.check(client, 'ipv4');
  if (isIPv6(client)) return list.check(client, 'ipv6');
  return false;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
function display(raw: string): string {
  try {
    return utf8.decode(Buffer.from(raw, 'latin1'));
  } catch {
    return raw;
  }
}

/** The analysis of a whole log (bytes, or text read one char per byte). */
export function referenceAnalysis(log: string | Buffer, options: RefOptions): RefResult {
  const text = typeof log === 'string' ? log : log.toString('latin1');
  const entries: Entry[] = [];
  for (let line of text.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const entry = line === '' ? undefined : parseEntry(line, options.keepQuery ?? false);
    if (entry) entries.push(entry);
  }
  const newest = Math.max(...entries.map((e) => e.epoch));
  let since = options.since ?? -Infinity;
  let until = options.until ?? Infinity;
  if (options.sinceAgo !== undefined) since = Math.max(since, newest - options.sinceAgo);
  if (options.untilAgo !== undefined) until = Math.min(until, newest - options.untilAgo);
  const include = options.includeIp?.length ? blockList(options.includeIp) : undefined;
  const exclude = options.excludeIp?.length ? blockList(options.excludeIp) : undefined;

  const groups = new Map<string, { keys: string[]; events: Event[] }>();
  let outside = 0;
  let excluded = 0;
  let matched = 0;
  for (const e of entries) {
    if (e.epoch < since || e.epoch >= until) {
      outside++;
      continue;
    }
    const column = options.columns.findIndex((c) => c.low <= e.status && e.status <= c.high);
    if (column < 0) continue;
    if ((include && !inList(include, e.client)) || (exclude && inList(exclude, e.client))) {
      excluded++;
      continue;
    }
    matched++;
    const keys = options.by.map((f) => e.fields[f]);
    const id = JSON.stringify(keys);
    if (!groups.has(id)) groups.set(id, { keys, events: [] });
    groups.get(id)!.events.push({ epoch: e.epoch, offset: e.offset, iso: e.iso, column });
  }

  const byInstant = (a: Event, b: Event): number => a.epoch - b.epoch || a.offset - b.offset;
  const rows: RefRow[] = [];
  for (const { keys, events } of groups.values()) {
    const sorted = [...events].sort(byInstant);
    const byCode = options.columns.map((_, c) => events.filter((e) => e.column === c).length);
    let row: RefRow = {
      keys,
      count: events.length,
      byCode,
      firstSeen: sorted[0].iso,
      lastSeen: sorted[sorted.length - 1].iso,
    };
    let measure = events.length;
    if (options.windowSeconds) {
      let best = 0;
      let bestStart = '';
      for (const start of sorted) {
        const inWindow = events.filter((e) => e.epoch >= start.epoch && e.epoch < start.epoch + options.windowSeconds!).length;
        if (inWindow > best) {
          best = inWindow;
          bestStart = start.iso;
        }
      }
      row = { ...row, peakWindowCount: best, peakWindowStart: bestStart };
      measure = best;
    }
    if (measure >= options.threshold) rows.push(row);
  }
  const compareKeys = (a: string[], b: string[]): number => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  };
  rows.sort(
    (a, b) => (b.peakWindowCount ?? 0) - (a.peakWindowCount ?? 0) || b.count - a.count || compareKeys(a.keys, b.keys),
  );
  return {
    rows: rows.map((r) => ({ ...r, keys: r.keys.map(display) })),
    parsed: entries.length,
    matched,
    outside,
    excluded,
  };
}
