// JSON lines: one JSON object per line, fields found by key path. Out of the box it reads
//
//   Caddy:   {"level":"info","ts":1646861401.52,"logger":"http.log.access","msg":"handled request",
//             "request":{"remote_ip":"127.0.0.1","remote_port":"41342","client_ip":"127.0.0.1","proto":"HTTP/2.0",
//             "method":"GET","host":"localhost","uri":"/","headers":{"User-Agent":["curl/7.82.0"]}},
//             "bytes_read":0,"duration":0.0009,"size":10900,"status":200,"resp_headers":{...}}
//   Traefik: {"ClientAddr":"10.0.0.1:53228","ClientHost":"10.0.0.1","DownstreamStatus":404,"RequestMethod":"GET",
//             "RequestPath":"/x","RequestHost":"example.com","StartLocal":"2024-01-02T03:04:05.6+01:00",
//             "request_User-Agent":"curl/8","time":"2024-01-02T03:04:05+01:00", ...}
//   nginx `log_format ... escape=json '{"remote_addr":"$remote_addr","time_iso8601":"$time_iso8601",
//             "status":"$status","request":"$request",...}'` with nginx's variable names as keys
//
// and other field names with `--json-fields client=...,status=...,time=...` (dotted paths into nested objects).
// For each role the first candidate path present wins. Times: RFC 3339 strings, CLF strings, or epoch numbers
// (seconds, or ms/µs/ns by size). Status: a number or a string of three digits. Strings are unescaped by
// `text`. A line that is not one well-formed JSON object, or lacks a client, a status or a time, does not fit.

import { LogsiftError } from '../base/errors.js';
import { parseClfTime } from './clf.js';
import { LineFields, type FormatDefinition, type LineFormat } from './fields.js';
import { setClientAddress } from './fieldscan.js';
import { jsonUnescaped, KeyNode, makeCaptures, resetCaptures, walkObject, type Captures } from './json-scan.js';
import { splitRequest } from './request.js';
import { parseEpochAnyUnit, parseIsoTime, scan } from './timestamps.js';

/** The roles a JSON field can play; `--json-fields` names them. */
export const JSON_ROLES = ['client', 'status', 'time', 'method', 'path', 'request', 'vhost', 'user_agent', 'referrer', 'xff'] as const;
type RoleName = (typeof JSON_ROLES)[number];
const ROLE = Object.fromEntries(JSON_ROLES.map((r, i) => [r, i])) as Record<RoleName, number>;

/** Other spellings accepted in `--json-fields`. */
const ROLE_ALIASES: Readonly<Record<string, RoleName>> = {
  ip: 'client',
  code: 'status',
  timestamp: 'time',
  uri: 'path',
  host: 'vhost',
  ua: 'user_agent',
  agent: 'user_agent',
  referer: 'referrer',
  forwarded_for: 'xff',
  x_forwarded_for: 'xff',
};

/** A candidate key path; `port`: the value is `address:port`. */
interface Candidate {
  readonly path: string;
  readonly port?: boolean;
}

const CADDY: Readonly<Record<RoleName, readonly Candidate[]>> = {
  client: [{ path: 'request.remote_ip' }, { path: 'request.client_ip' }, { path: 'request.remote_addr', port: true }],
  status: [{ path: 'status' }],
  time: [{ path: 'ts' }],
  method: [{ path: 'request.method' }],
  path: [{ path: 'request.uri' }],
  request: [],
  vhost: [{ path: 'request.host' }],
  user_agent: [{ path: 'request.headers.User-Agent' }],
  referrer: [{ path: 'request.headers.Referer' }],
  xff: [{ path: 'request.headers.X-Forwarded-For' }],
};

/** Caddy's paths first, then Traefik's, then nginx variable names and common spellings. */
const GENERAL: Readonly<Record<RoleName, readonly Candidate[]>> = {
  client: [
    ...CADDY.client,
    { path: 'ClientHost' },
    { path: 'ClientAddr', port: true },
    { path: 'remote_addr' },
    { path: 'remote_ip' },
    { path: 'client_ip' },
    { path: 'clientip' },
    { path: 'client' },
    { path: 'ip' },
  ],
  status: [...CADDY.status, { path: 'DownstreamStatus' }, { path: 'status_code' }, { path: 'statusCode' }],
  time: [
    ...CADDY.time,
    { path: 'StartLocal' },
    { path: 'StartUTC' },
    { path: 'time_iso8601' },
    { path: 'time_local' },
    { path: 'time' },
    { path: 'timestamp' },
    { path: '@timestamp' },
    { path: 'msec' },
  ],
  method: [...CADDY.method, { path: 'RequestMethod' }, { path: 'request_method' }, { path: 'method' }],
  path: [...CADDY.path, { path: 'RequestPath' }, { path: 'request_uri' }, { path: 'uri' }, { path: 'path' }, { path: 'url' }],
  request: [{ path: 'request' }],
  vhost: [...CADDY.vhost, { path: 'RequestHost' }, { path: 'host' }, { path: 'http_host' }, { path: 'server_name' }, { path: 'vhost' }],
  user_agent: [
    ...CADDY.user_agent,
    { path: 'request_User-Agent' },
    { path: 'http_user_agent' },
    { path: 'user_agent' },
    { path: 'userAgent' },
  ],
  referrer: [...CADDY.referrer, { path: 'request_Referer' }, { path: 'http_referer' }, { path: 'referer' }, { path: 'referrer' }],
  xff: [...CADDY.xff, { path: 'request_X-Forwarded-For' }, { path: 'http_x_forwarded_for' }, { path: 'x_forwarded_for' }],
};

/** `--json-fields` as role -> key path, checked: known roles only, non-empty paths. */
export function checkJsonFields(fields: Readonly<Record<string, string>>): Record<RoleName, string> {
  const checked: Partial<Record<RoleName, string>> = {};
  for (const [name, path] of Object.entries(fields)) {
    const role = (JSON_ROLES as readonly string[]).includes(name) ? (name as RoleName) : ROLE_ALIASES[name];
    if (!role) throw new LogsiftError(`--json-fields: unknown role '${name}' (use ${JSON_ROLES.join(', ')})`);
    if (path === '' || path.split('.').some((part) => part === '')) {
      throw new LogsiftError(`--json-fields: '${path}' is not a key path (keys separated by dots)`);
    }
    checked[role] = path;
  }
  return checked as Record<RoleName, string>;
}

/**
 * The key tree as the WebAssembly kernel (kernel/json.ts) takes it: node 0 the root, children of a node
 * contiguous, 12 int32s a node (key offset and length in `keys`, first child, child count, `walk`, the rank of
 * its path for client, status and time or -1, its children's key lengths as bits, 31 for longer ones, 0 0 0),
 * and the client ranks logged as `address:port` as bits.
 */
export interface JsonKeyLayout {
  readonly nodes: Int32Array;
  readonly keys: Buffer;
  readonly clientPortRanks: number;
}

const KERNEL_ROLES = [ROLE.client, ROLE.status, ROLE.time];
const KERNEL_NODE_WORDS = 12;

export class JsonFormat implements LineFormat {
  private readonly root = new KeyNode(Buffer.alloc(0));
  private readonly captures: Captures = makeCaptures(JSON_ROLES.length);
  /** Per role and rank: the value is `address:port`. */
  private readonly portRanks: Array<Set<number>> = JSON_ROLES.map(() => new Set());

  constructor(
    readonly name: string,
    candidates: Readonly<Record<RoleName, readonly Candidate[]>>,
    overrides: Readonly<Record<string, string>> = {},
  ) {
    const fields = checkJsonFields(overrides);
    for (const role of JSON_ROLES) {
      const list: readonly Candidate[] = fields[role] !== undefined ? [{ path: fields[role] }] : candidates[role];
      list.forEach((candidate, rank) => {
        let node = this.root;
        for (const key of candidate.path.split('.')) node = node.child(key);
        node.roles.push({ role: ROLE[role], rank });
        if (candidate.port) this.portRanks[ROLE[role]].add(rank);
      });
    }
  }

  /**
   * The tree for the kernel, which reads only client, status and time: a key without children or any of
   * those roles is left out (finding it changes nothing), a node keeps `walk` (it had children: an object
   * value is walked and checked, not skipped). Undefined when a client rank does not fit the bits.
   */
  kernelLayout(): JsonKeyLayout | undefined {
    const kept = (n: KeyNode): boolean => n.children.length > 0 || n.roles.some((r) => KERNEL_ROLES.includes(r.role));
    const order: KeyNode[] = [this.root];
    const firstChild: number[] = [];
    for (let i = 0; i < order.length; i++) {
      firstChild.push(order.length);
      order.push(...order[i].children.filter(kept));
    }
    const nodes = new Int32Array(order.length * KERNEL_NODE_WORDS);
    let keyOffset = 0;
    order.forEach((n, i) => {
      const kids = n.children.filter(kept);
      const ranks = KERNEL_ROLES.map((role) => Math.min(...n.roles.filter((r) => r.role === role).map((r) => r.rank), Infinity));
      const lengths = kids.reduce((bits, kid) => bits | (1 << Math.min(kid.key.length, 31)), 0);
      const words = [keyOffset, n.key.length, firstChild[i], kids.length, n.children.length > 0 ? 1 : 0];
      nodes.set([...words, ...ranks.map((r) => (r === Infinity ? -1 : r)), lengths], i * KERNEL_NODE_WORDS);
      keyOffset += n.key.length;
    });
    const portRanks = [...this.portRanks[ROLE.client]];
    if (portRanks.some((rank) => rank > 30)) return undefined;
    return { nodes, keys: Buffer.concat(order.map((n) => n.key)), clientPortRanks: portRanks.reduce((bits, rank) => bits | (1 << rank), 0) };
  }

  parse(buf: Buffer, start: number, end: number, out: LineFields): boolean {
    if (buf[start] !== 0x7b) return false;
    const c = this.captures;
    resetCaptures(c);
    const after = walkObject(buf, start, end, this.root, c);
    if (after < 0) return false;
    for (let p = after; p < end; p++) {
      const b = buf[p];
      if (b !== 0x20 && b !== 0x09) return false; // something after the object
    }
    const client = ROLE.client;
    const status = statusOf(buf, c.start[ROLE.status], c.end[ROLE.status]);
    if (c.start[client] < 0 || c.end[client] <= c.start[client] || status < 0) return false;
    const stamp = timeOf(buf, c.start[ROLE.time], c.end[ROLE.time], c.string[ROLE.time] === 1);
    if (stamp !== stamp) return false;
    if (this.portRanks[client].has(c.rank[client])) setClientAddress(buf, c.start[client], c.end[client], out);
    else {
      out.clientStart = c.start[client];
      out.clientEnd = c.end[client];
    }
    out.status = status;
    out.stamp = stamp;
    const { start: at, end: to } = c;
    out.vhostStart = at[ROLE.vhost];
    out.vhostEnd = to[ROLE.vhost];
    out.requestStart = at[ROLE.request];
    out.requestEnd = to[ROLE.request];
    out.methodStart = at[ROLE.method];
    out.methodEnd = to[ROLE.method];
    out.pathStart = at[ROLE.path];
    out.pathEnd = to[ROLE.path];
    out.userAgentStart = at[ROLE.user_agent];
    out.userAgentEnd = to[ROLE.user_agent];
    out.referrerStart = at[ROLE.referrer];
    out.referrerEnd = to[ROLE.referrer];
    out.forwardedForStart = at[ROLE.xff];
    out.forwardedForEnd = to[ROLE.xff];
    return true;
  }

  /** `parse` found every field already; a logged request line without method/path fields is split here. */
  parseDetails(buf: Buffer, _start: number, _end: number, out: LineFields): void {
    if (out.requestStart >= 0 && out.methodStart < 0 && out.pathStart < 0) splitRequest(buf, out);
  }

  text(buf: Buffer, start: number, end: number): string {
    return jsonUnescaped(buf, start, end);
  }
}

/** A status captured as a number or a string: 100..599, 0 for `-` or 0 (no response), -1 otherwise. */
function statusOf(buf: Buffer, start: number, end: number): number {
  if (start < 0) return -1;
  if (end - start === 1 && (buf[start] === 0x2d || buf[start] === 0x30)) return 0;
  if (end - start !== 3) return -1;
  const d1 = buf[start] - 0x30;
  const d2 = buf[start + 1] - 0x30;
  const d3 = buf[start + 2] - 0x30;
  if (d1 < 1 || d1 > 5 || d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9) return -1;
  return d1 * 100 + d2 * 10 + d3;
}

/** A time captured as an RFC 3339 or CLF string, or an epoch number (or string of one); NaN otherwise. */
function timeOf(buf: Buffer, start: number, end: number, string: boolean): number {
  if (start < 0) return NaN;
  if (string) {
    const iso = parseIsoTime(buf, start, end);
    if (iso === iso && scan.end === end) return iso;
    let s = start;
    let e = end;
    if (buf[s] === 0x5b && buf[e - 1] === 0x5d) {
      s++;
      e--;
    }
    if (e - s === 26) {
      const clf = parseClfTime(buf, s);
      if (clf === clf) return clf;
    }
  }
  const epoch = parseEpochAnyUnit(buf, start, end);
  return epoch === epoch && scan.end === end ? epoch : NaN;
}

export const jsonFormatDefinition: FormatDefinition = {
  name: 'json',
  description: 'JSON lines: Caddy, Traefik, nginx escape=json, or keys named with --json-fields',
  create: (options) => new JsonFormat('json', GENERAL, options.jsonFields),
};

export const caddyDefinition: FormatDefinition = {
  name: 'caddy',
  description: "Caddy's JSON access log",
  create: (options) => new JsonFormat('caddy', CADDY, options.jsonFields),
};
