// The combined workload's events written in each other format logsift reads (same client, time, status, path,
// agent), so that every format is timed on the same events. Lines are handled as latin1 text: one char per byte.

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** One event of a Combined line. Texts are as the log writes them (Apache escapes: `\"`, `\\`, `\xHH`). */
export interface CombinedEvent {
  readonly client: string;
  readonly user: string;
  /** The `[...]` text, e.g. `01/May/2024:00:00:00 -0700`. */
  readonly stamp: string;
  /** Milliseconds since 1970 UTC, and the stamp's own offset (`-0700`). */
  readonly ms: number;
  readonly offset: string;
  readonly request: string;
  readonly status: string;
  readonly size: string;
  readonly referrer: string;
  readonly agent: string;
}

const COMBINED = /^(\S+) \S+ (\S+) \[([^\]]*)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\S+)(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?$/;
const STAMP = /^(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-]\d{4})$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The event of a Combined (or Common) line, or null for a line that is not one (those are skipped by every reader). */
export function parseCombined(line: string): CombinedEvent | null {
  const m = COMBINED.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
  if (!m) return null;
  const time = stampTime(m[3]);
  if (!time) return null;
  return { client: m[1], user: m[2], stamp: m[3], ms: time.ms, offset: time.offset, request: m[4], status: m[5], size: m[6], referrer: m[7] ?? '-', agent: m[8] ?? '-' };
}

// Neighbouring lines share their second: the last stamp's reading is kept.
let lastStamp = '';
let lastTime: { ms: number; offset: string } | null = null;

function stampTime(stamp: string): { ms: number; offset: string } | null {
  if (stamp === lastStamp) return lastTime;
  const m = STAMP.exec(stamp);
  const month = m ? MONTHS.indexOf(m[2]) : -1;
  let time: { ms: number; offset: string } | null = null;
  if (m && month >= 0) {
    const offset = m[7];
    const minutes = (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3)));
    time = { ms: Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - minutes * 60_000, offset };
  }
  lastStamp = stamp;
  lastTime = time;
  return time;
}

/** Apache's escapes undone: `\"` -> `"`, `\\` -> `\`, `\xHH` -> that byte. */
export function unescapeApache(text: string): string {
  if (text.indexOf('\\') < 0) return text;
  return text.replace(/\\(x[0-9a-fA-F]{2}|.)/g, (_, e: string) => (e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : e));
}

const hex2 = (c: number): string => c.toString(16).toUpperCase().padStart(2, '0');

/** JSON string body: quotes, backslashes, control bytes and bytes >= 0x80 escaped (valid JSON, ASCII only). */
export function jsonText(text: string): string {
  return text.replace(/["\\\u0000-\u001f\u007f-\u00ff]/g, (c) =>
    c === '"' ? '\\"' : c === '\\' ? '\\\\' : `\\u00${hex2(c.charCodeAt(0)).toLowerCase()}`);
}

/** nginx's default escaping of a variable: `"`, `\`, control bytes and bytes >= 0x80 as `\xHH`; empty as `-`. */
function nginxText(text: string): string {
  return text === '' ? '-' : text.replace(/["\\\u0000-\u001f\u007f-\u00ff]/g, (c) => `\\x${hex2(c.charCodeAt(0))}`);
}

/** URL-encoding of what would break a space- or TAB-separated field (CloudFront's, and IIS's path). */
function urlText(text: string): string {
  return text === '' ? '-' : text.replace(/[\u0000-\u0020"%\u007f-\u00ff]/g, (c) => `%${hex2(c.charCodeAt(0))}`);
}

/** IIS writes `+` for a space and `-` for an empty value. */
function iisText(text: string): string {
  return text === '' ? '-' : text.replace(/ /g, '+').replace(/[\u0000-\u001f\u007f-\u00ff]/g, (c) => `%${hex2(c.charCodeAt(0))}`);
}

interface Request {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly protocol: string;
}

/** METHOD path[?query] PROTOCOL of the (unescaped) request line; a request that is not one keeps its text as the path. */
function splitRequest(request: string): Request {
  const m = /^([A-Z]+) (.*) (HTTP\/\d\.\d)$/.exec(request);
  if (!m) return { method: '-', path: request, query: '', protocol: '-' };
  const q = m[2].indexOf('?');
  return q < 0 ? { method: m[1], path: m[2], query: '', protocol: m[3] } : { method: m[1], path: m[2].slice(0, q), query: m[2].slice(q + 1), protocol: m[3] };
}

const isV6 = (client: string): boolean => client.includes(':');
const withPort = (client: string, port: number): string => (isV6(client) ? `[${client}]:${port}` : `${client}:${port}`);
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

let lastPartsMs = NaN;
let lastParts = { date: '', time: '' };

/** `2024-05-01 07:00:00` in UTC (the last one kept: neighbouring lines share it). */
function utcParts(ms: number): { date: string; time: string } {
  if (ms === lastPartsMs) return lastParts;
  lastPartsMs = ms;
  lastParts = computeUtcParts(ms);
  return lastParts;
}

function computeUtcParts(ms: number): { date: string; time: string } {
  const d = new Date(ms);
  return { date: `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`, time: `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}` };
}

/** The last result of `f` kept, for keys that repeat from line to line (times). */
function lastOne<K, V>(f: (key: K) => V): (key: K) => V {
  let lastKey: K | undefined;
  let lastValue: V | undefined;
  return (key) => {
    if (key !== lastKey) {
      lastKey = key;
      lastValue = f(key);
    }
    return lastValue!;
  };
}

/** `2024-05-01T07:00:00.000000Z`, as the AWS load balancers write it. */
const awsTime = lastOne((ms: number) => new Date(ms).toISOString().replace('Z', '000Z'));

/** ISO 8601 in the stamp's own offset: `2024-05-01T00:00:00-07:00`. */
const localIso = (event: CombinedEvent): string => localIsoOf(`${event.ms}${event.offset}`);

const localIsoOf = lastOne((key: string): string => {
  const offset = key.slice(-5);
  const ms = Number(key.slice(0, -5));
  const minutes = (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(3)));
  const { date, time } = computeUtcParts(ms + minutes * 60_000);
  return `${date}T${time}${offset.slice(0, 3)}:${offset.slice(3)}`;
});

const sizeOrZero = (size: string): string => (size === '-' ? '0' : size);
const orDash = (text: string): string => (text === '' ? '-' : text);

export type FormatId = 'w3c' | 'cloudfront' | 'alb' | 'elb' | 'haproxy' | 'caddy' | 'nginx-json' | 'nginx-format' | 'apache-format';

export interface TargetFormat {
  readonly id: FormatId;
  readonly label: string;
  readonly extension: string;
  /** What logsift needs beyond the file to read it (detected formats: nothing). */
  readonly flags: readonly string[];
  /** Written once at the top (W3C's directives). */
  readonly header: string;
  readonly write: (event: CombinedEvent) => string;
}

const W3C_FIELDS = 'date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken';
const CLOUDFRONT_FIELDS =
  'date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) ' +
  'x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher ' +
  'x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type ' +
  'sc-content-type sc-content-len sc-range-start sc-range-end';
export const NGINX_LOG_FORMAT =
  '$remote_addr - $remote_user [$time_iso8601] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for" $host $request_time';
export const APACHE_LOG_FORMAT = '%v:%p %a %l %u %{%d/%b/%Y:%H:%M:%S %z}t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D';

/** For ALB/ELB: the request as the load balancer writes it (a full URL; `- - -` when it was not HTTP). */
function balancerRequest(request: Request): string {
  if (request.method === '-') return '- - -';
  const query = request.query === '' ? '' : `?${request.query}`;
  return `${request.method} https://www.example.com:443${request.path}${query} ${request.protocol}`.replace(/["\\]/g, (c) => `\\${c}`);
}

const quoted = (text: string): string => text.replace(/["\\]/g, (c) => `\\${c}`);

export const TARGET_FORMATS: readonly TargetFormat[] = [
  {
    id: 'w3c', label: 'W3C (IIS)', extension: 'log', flags: [],
    header: `#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2024-05-01 00:00:00\n#Fields: ${W3C_FIELDS}\n`,
    write(e) {
      const r = splitRequest(unescapeApache(e.request));
      const { date, time } = utcParts(e.ms);
      return `${date} ${time} 10.0.0.5 ${r.method} ${iisText(r.path)} ${iisText(r.query)} 443 ${e.user} ${e.client} ${iisText(unescapeApache(e.agent))} ${iisText(unescapeApache(e.referrer))} ${e.status} 0 0 15`;
    },
  },
  {
    id: 'cloudfront', label: 'CloudFront', extension: 'log', flags: [],
    header: `#Version: 1.0\n#Fields: ${CLOUDFRONT_FIELDS}\n`,
    write(e) {
      const r = splitRequest(unescapeApache(e.request));
      const { date, time } = utcParts(e.ms);
      return [date, time, 'SEA19-C1', sizeOrZero(e.size), e.client, r.method, 'd111111abcdef8.cloudfront.net', urlText(r.path), e.status,
        urlText(unescapeApache(e.referrer)), urlText(unescapeApache(e.agent)), urlText(r.query), '-', 'Miss', 'req0==', 'www.example.com', 'https', '120',
        '0.002', '-', 'TLSv1.3', 'TLS_AES_128_GCM_SHA256', 'Miss', r.protocol, '-', '-', '40000', '0.001', 'Miss', 'text/html', sizeOrZero(e.size), '-', '-'].join('\t');
    },
  },
  {
    id: 'alb', label: 'AWS ALB', extension: 'log', flags: [],
    header: '',
    write(e) {
      const r = splitRequest(unescapeApache(e.request));
      const iso = awsTime(e.ms);
      return `https ${iso} app/my-loadbalancer/50dc6c495c0c9188 ${withPort(e.client, 2817)} 10.0.0.1:80 0.000 0.001 0.000 ${e.status} ${e.status} 34 ${sizeOrZero(e.size)} ` +
        `"${balancerRequest(r)}" "${quoted(unescapeApache(e.agent))}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 ` +
        `arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" ` +
        `"www.example.com" "-" 0 ${iso} "forward" "-" "-" "10.0.0.1:80" "${e.status}" "-" "-"`;
    },
  },
  {
    id: 'elb', label: 'AWS ELB (Classic)', extension: 'log', flags: [],
    header: '',
    write(e) {
      const r = splitRequest(unescapeApache(e.request));
      const iso = awsTime(e.ms);
      return `${iso} my-loadbalancer ${withPort(e.client, 2817)} 10.0.0.1:80 0.000073 0.001048 0.000057 ${e.status} ${e.status} 0 ${sizeOrZero(e.size)} ` +
        `"${balancerRequest(r)}" "${quoted(unescapeApache(e.agent))}" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2`;
    },
  },
  {
    id: 'haproxy', label: 'HAProxy httplog', extension: 'log', flags: [],
    header: '',
    write(e) {
      const d = new Date(e.ms);
      const syslog = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
      const accept = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}.000`;
      const request = unescapeApache(e.request).replace(/[#"\u0000-\u001f\u007f-\u00ff]/g, (c) => `#${hex2(c.charCodeAt(0))}`);
      return `${syslog} localhost haproxy[14389]: ${withPort(e.client, 33317)} [${accept}] http-in static/srv1 10/0/30/69/109 ${e.status} ${sizeOrZero(e.size)} - - ---- 1/1/1/1/0 0/0 "${request}"`;
    },
  },
  {
    id: 'caddy', label: 'Caddy JSON', extension: 'json', flags: [],
    header: '',
    write(e) {
      const r = splitRequest(unescapeApache(e.request));
      const uri = r.query === '' ? r.path : `${r.path}?${r.query}`;
      const referrer = e.referrer === '-' ? '' : `,"Referer":["${jsonText(unescapeApache(e.referrer))}"]`;
      return `{"level":"info","ts":${e.ms / 1000},"logger":"http.log.access","msg":"handled request","request":{"remote_ip":"${e.client}","remote_port":"41342",` +
        `"client_ip":"${e.client}","proto":"${r.protocol}","method":"${r.method}","host":"example.com","uri":"${jsonText(uri)}",` +
        `"headers":{"User-Agent":["${jsonText(unescapeApache(e.agent))}"]${referrer}}},"bytes_read":0,"user_id":"","duration":0.0009,"size":${sizeOrZero(e.size)},"status":${e.status}}`;
    },
  },
  {
    id: 'nginx-json', label: 'nginx JSON (escape=json)', extension: 'json', flags: [],
    header: '',
    write(e) {
      const j = (text: string): string => jsonText(text === '-' ? '' : unescapeApache(text));
      return `{"time_iso8601":"${localIso(e)}","remote_addr":"${e.client}","remote_user":"${e.user === '-' ? '' : jsonText(e.user)}","request":"${jsonText(unescapeApache(e.request))}",` +
        `"status":"${e.status}","body_bytes_sent":"${sizeOrZero(e.size)}","http_referer":"${j(e.referrer)}","http_user_agent":"${j(e.agent)}",` +
        `"http_x_forwarded_for":"","host":"www.example.com","request_time":"0.000"}`;
    },
  },
  {
    id: 'nginx-format', label: 'nginx log_format (--log-format)', extension: 'log', flags: ['--log-format', NGINX_LOG_FORMAT],
    header: '',
    write(e) {
      const n = (text: string): string => (text === '-' ? '-' : nginxText(unescapeApache(text)));
      return `${e.client} - ${orDash(e.user)} [${localIso(e)}] "${nginxText(unescapeApache(e.request))}" ${e.status} ${sizeOrZero(e.size)} "${n(e.referrer)}" "${n(e.agent)}" "-" www.example.com 0.004`;
    },
  },
  {
    id: 'apache-format', label: 'Apache LogFormat (--log-format)', extension: 'log', flags: ['--log-format', APACHE_LOG_FORMAT],
    header: '',
    write: (e) => `www.example.com:443 ${e.client} - ${e.user} ${e.stamp} "${e.request}" ${e.status} ${e.size} "${e.referrer}" "${e.agent}" 1520`,
  },
];

export interface ConvertResult {
  /** Lines of the source, and the events written to each output (the lines that are Combined lines). */
  readonly lines: number;
  readonly events: number;
}

async function writeText(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text, 'latin1')) await once(out, 'drain');
}

/** Streams `source` once and writes its events in every format of `targets` (path by format). */
export async function convertCombined(source: string, targets: ReadonlyMap<TargetFormat, string>): Promise<ConvertResult> {
  const outputs = [...targets].map(([format, path]) => ({ format, out: createWriteStream(path), chunk: format.header }));
  let lines = 0;
  let events = 0;
  let rest = '';
  const flush = async (): Promise<void> => {
    for (const o of outputs) {
      await writeText(o.out, o.chunk);
      o.chunk = '';
    }
  };
  for await (const buffer of createReadStream(source, { highWaterMark: 4 << 20 }) as AsyncIterable<Buffer>) {
    const text = rest + buffer.toString('latin1');
    const parts = text.split('\n');
    rest = parts.pop()!;
    for (const line of parts) {
      lines++;
      const event = parseCombined(line);
      if (!event) continue;
      events++;
      for (const o of outputs) o.chunk += `${o.format.write(event)}\n`;
    }
    await flush();
  }
  if (rest !== '') {
    lines++;
    const event = parseCombined(rest);
    if (event) {
      events++;
      for (const o of outputs) o.chunk += `${o.format.write(event)}\n`;
    }
  }
  await flush();
  await Promise.all(outputs.map((o) => new Promise<void>((resolve, reject) => o.out.end((error?: Error | null) => (error ? reject(error) : resolve())))));
  return { lines, events };
}
