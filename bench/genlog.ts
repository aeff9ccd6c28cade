#!/usr/bin/env node
// The repo's own generator of realistic web-server access logs, for the benchmark when ../shared/tools is absent.
//
//   node dist/bench/genlog.js [--bytes N[K|M|G] | --lines N] [--seed S] [--format combined|common|vcombined] > out.log
//
// Same arguments, same bytes (a seeded PRNG; no clock, no locale). --bytes stops after the line that reaches N bytes,
// so the file is N bytes plus less than one line. Neither --bytes nor --lines: 10 MiB.
//
// What makes it realistic (and what makes a log hard): a few clients make most requests (power law), a few dozen
// scanners make mostly 4xx, IPv6 clients, time moving forward in one offset, `-` sizes, escaped quotes in requests and
// user agents, and about one line in a thousand that is odd the way real logs are odd: empty, cut short, TLS bytes
// written raw, binary probes written as \xNN, empty or one-word requests, raw spaces in the path, no protocol, CRLF.

import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { parseSize } from './sizes.js';

export type GenFormat = 'combined' | 'common' | 'vcombined';
export const GEN_FORMATS: readonly GenFormat[] = ['combined', 'common', 'vcombined'];

export interface GenOptions {
  /** Stop once the output holds at least this many bytes. */
  readonly bytes?: number;
  /** Stop after this many lines. */
  readonly lines?: number;
  readonly seed?: number;
  readonly format?: GenFormat;
}

const DEFAULT_BYTES = 10 * 1024 * 1024;
/** Text is produced in pieces of about this size (a few MiB of strings at most in memory). */
const PIECE_CHARS = 1 << 20;

/** mulberry32: a small, fast 32-bit PRNG with a good spread; the whole log follows from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

function chooser<T>(random: Random, weights: ReadonlyArray<readonly [T, number]>): () => T {
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  const bounds: number[] = [];
  let acc = 0;
  for (const [, w] of weights) bounds.push((acc += w / total));
  const values = weights.map(([v]) => v);
  return () => {
    const r = random();
    for (let i = 0; i < bounds.length; i++) if (r < bounds[i]) return values[i];
    return values[values.length - 1];
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const OFFSETS: ReadonlyArray<readonly [string, number]> = [
  ['+0000', 0],
  ['+0200', 120],
  ['-0500', -300],
  ['+0530', 330],
];
const two = (n: number): string => (n < 10 ? `0${n}` : `${n}`);

const SITE_PAGES = [
  '/', '/', '/', '/home', '/pricing', '/features', '/about-us', '/careers', '/contact', '/news',
  '/news/2023/11/quarterly-update', '/news/2024/02/new-office', '/help', '/help/faq', '/help/articles/reset-password',
  '/account', '/account/settings', '/account/orders', '/signin', '/signup', '/signout', '/search', '/cart',
  '/checkout/shipping', '/checkout/payment', '/checkout/done', '/legal/privacy', '/legal/terms', '/status',
];
const ASSETS = [
  '/assets/site.css', '/assets/vendor.css', '/assets/runtime.js', '/assets/main.js', '/assets/fonts/inter-var.woff2',
  '/assets/img/hero.webp', '/assets/img/logo.svg', '/favicon.ico', '/apple-touch-icon.png', '/robots.txt',
  '/sitemap.xml', '/manifest.webmanifest',
];
const API = ['/api/v3/session', '/api/v3/cart', '/api/v3/products', '/api/v3/recommendations', '/api/v3/events'];
const PROBES = [
  '/wp-login.php', '/wp-content/plugins/revslider/readme.txt', '/.env', '/.env.production', '/.git/HEAD',
  '/.svn/entries', '/.DS_Store', '/phpinfo.php', '/info.php', '/backup.sql', '/db.zip', '/admin/config.php',
  '/administrator/index.php', '/manager/html', '/console/', '/jenkins/login', '/solr/admin/cores',
  '/cgi-bin/test-cgi', '/autodiscover/autodiscover.xml', '/_ignition/execute-solution', '/remote/fgt_lang?lang=/../../',
  '/geoserver/web/', '/owa/', '/config.json', '/api/.env', '/stalker_portal/c/', '/mifs/.;/services/LogService',
  '/index.php?s=/Index/\\think\\app/invokefunction', '/?XDEBUG_SESSION_START=phpstorm',
];
const QUERIES = [
  '?page=2', '?page=3', '?sort=newest', '?q=running+shoes', '?q=gift%20card', '?ref=nav', '?utm_source=mail&utm_campaign=spring',
  '?id=8812%27--', '?lang=fr', '?redirect=%2Faccount', '?q=%22exact+phrase%22', '?filter=\\"new\\"', '?v=3.2.1',
];
const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.71 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
];
const BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'UptimeRobot/2.0 (http://www.uptimerobot.com/)',
];
const TOOLS = [
  'curl/7.88.1', 'Wget/1.21.3', 'python-httpx/0.27.0', 'Java/17.0.9', 'okhttp/4.12.0', 'Go-http-client/2.0', '-',
  'Mozilla/5.0 (X11; Linux x86_64) \\"Scanner\\" Nuclei - Open-source project (github.com/projectdiscovery/nuclei)',
  'Mozilla/5.0 zgrab/0.x', 'l9explore/1.2.2',
];
const SEARCH_REFERRERS = ['https://www.google.com/', 'https://www.bing.com/', 'https://duckduckgo.com/', 'https://search.brave.com/'];
const VHOSTS = ['www.shop.test', 'api.shop.test', 'static.shop.test'];

/** Produces the log in pieces; `next()` returns the next piece of text (one char per byte) or null at the end. */
export class LogGenerator {
  private readonly random: Random;
  private readonly format: GenFormat;
  private readonly maxBytes: number;
  private readonly maxLines: number;
  private bytes = 0;
  private lines = 0;

  private readonly clients: string[] = [];
  private readonly scanners: string[] = [];
  private readonly offset: string;
  private readonly offsetMinutes: number;
  private clock: number;
  private stampSecond = -1;
  private stampText = '';

  private readonly method: () => string;
  private readonly protocol: () => string;
  private readonly pageStatus: () => number;
  private readonly assetStatus: () => number;
  private readonly apiStatus: () => number;
  private readonly scanStatus: () => number;

  constructor(options: GenOptions = {}) {
    const seed = options.seed ?? 42;
    this.random = prng(seed);
    this.format = options.format ?? 'combined';
    if (!GEN_FORMATS.includes(this.format)) throw new Error(`unknown format '${this.format}' (${GEN_FORMATS.join(', ')})`);
    this.maxLines = options.lines ?? Infinity;
    this.maxBytes = options.bytes ?? (options.lines === undefined ? DEFAULT_BYTES : Infinity);
    const random = this.random;

    [this.offset, this.offsetMinutes] = OFFSETS[Math.abs(seed) % OFFSETS.length];
    // 2024-03-04 08:00 UTC plus up to a year, so different seeds cover different days.
    this.clock = Date.UTC(2024, 2, 4, 8) + Math.floor(random() * 365) * 86_400_000;

    const hex = (): string => Math.floor(random() * 0x10000).toString(16);
    for (let i = 0; i < 60_000; i++) {
      if (random() < 0.07) {
        this.clients.push(random() < 0.5 ? `2001:db8:${hex()}:${hex()}::${hex()}` : `2a02:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}:${hex()}`);
      } else {
        const a = 2 + Math.floor(random() * 221);
        this.clients.push(`${a}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`);
      }
    }
    for (let i = 0; i < 48; i++) this.scanners.push(this.clients[200 + i * 37]);

    this.method = chooser(random, [['GET', 87], ['POST', 7.5], ['HEAD', 2.5], ['OPTIONS', 1.2], ['PUT', 0.8], ['DELETE', 0.4], ['PATCH', 0.4], ['PROPFIND', 0.1]]);
    this.protocol = chooser(random, [['HTTP/1.1', 76], ['HTTP/2.0', 20], ['HTTP/1.0', 4]]);
    this.pageStatus = chooser(random, [[200, 74], [304, 4], [301, 2.5], [302, 3.5], [404, 5.5], [400, 0.8], [401, 1.3], [403, 1.1], [405, 0.2], [408, 0.2], [429, 0.4], [499, 0.5], [500, 1.0], [501, 0.05], [502, 0.6], [503, 0.8], [504, 0.4], [505, 0.02]]);
    this.assetStatus = chooser(random, [[200, 70], [304, 20], [206, 2], [404, 3], [403, 0.3], [500, 0.2], [502, 0.2], [503, 0.3]]);
    this.apiStatus = chooser(random, [[200, 66], [201, 6], [204, 5], [400, 4], [401, 5], [403, 2], [404, 3], [405, 0.5], [409, 1], [422, 2], [429, 2], [500, 1.5], [502, 0.8], [503, 1], [504, 0.6]]);
    this.scanStatus = chooser(random, [[404, 66], [403, 12], [401, 6], [400, 6], [405, 3], [301, 2], [200, 3], [500, 2]]);
  }

  /** The next piece of about 1 MiB of text (latin1: one char per byte), or null when done. */
  next(): string | null {
    if (this.lines >= this.maxLines || this.bytes >= this.maxBytes) return null;
    const parts: string[] = [];
    let chars = 0;
    while (chars < PIECE_CHARS && this.lines < this.maxLines && this.bytes < this.maxBytes) {
      const text = this.line() + '\n';
      parts.push(text);
      chars += text.length;
      this.bytes += text.length;
      this.lines++;
    }
    return parts.join('');
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  /** Clients by a power law: client 0 is the busiest; most of the 60,000 are seen a few times. */
  private client(): string {
    return this.clients[Math.floor(this.random() ** 2.6 * this.clients.length)];
  }

  private stamp(): string {
    const second = Math.floor(this.clock / 1000);
    if (second !== this.stampSecond) {
      const d = new Date(second * 1000 + this.offsetMinutes * 60_000);
      this.stampSecond = second;
      this.stampText = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${this.offset}`;
    }
    return this.stampText;
  }

  private size(status: number, large: boolean): string {
    if (status === 304 || status === 204 || this.random() < 0.015) return '-';
    if (status >= 300) return String(120 + Math.floor(this.random() * 900));
    return String(Math.floor((large ? 40_000 : 2_000) * Math.exp(this.random() * 3)));
  }

  private referrer(path: string): string {
    const r = this.random();
    if (r < 0.55) return '-';
    if (r < 0.6) return this.pick(SEARCH_REFERRERS);
    return `https://www.shop.test${path === '/' ? '/home' : this.pick(SITE_PAGES)}`;
  }

  /** Assembles one entry in the chosen format. */
  private entry(host: string, user: string, request: string, status: number, size: string, referrer: string, agent: string): string {
    const base = `${host} - ${user} [${this.stamp()}] "${request}" ${status} ${size}`;
    if (this.format === 'common') return base;
    const full = `${base} "${referrer}" "${agent}"`;
    return this.format === 'vcombined' ? `${this.pick(VHOSTS)}:${this.random() < 0.8 ? 443 : 80} ${full}` : full;
  }

  private line(): string {
    this.clock += Math.floor(this.random() * 70); // about 30 requests a second
    if (this.random() < 0.0012) return this.oddLine();

    const kind = this.random();
    let host: string;
    let path: string;
    let status: number;
    let agent: string;
    if (kind < 0.035) {
      host = this.pick(this.scanners);
      path = this.pick(PROBES);
      status = this.scanStatus();
      agent = this.pick(TOOLS);
    } else {
      host = this.client();
      const what = this.random();
      if (what < 0.5) {
        path = this.pick(SITE_PAGES) + (this.random() < 0.25 ? this.pick(QUERIES) : '');
        status = this.pageStatus();
      } else if (what < 0.85) {
        path = this.pick(ASSETS) + (this.random() < 0.1 ? `?v=${Math.floor(this.random() * 90) + 10}` : '');
        status = this.assetStatus();
      } else {
        path = `${this.pick(API)}/${Math.floor(this.random() * 100_000)}` + (this.random() < 0.2 ? this.pick(QUERIES) : '');
        status = this.apiStatus();
      }
      const who = this.random();
      agent = who < 0.7 ? this.pick(BROWSERS) : who < 0.84 ? this.pick(BOTS) : this.pick(TOOLS);
    }
    const user = this.random() < 0.015 ? this.pick(['jdoe', 'm.schmidt', 'ops', 'api-client']) : '-';

    let request: string;
    const shape = this.random();
    if (shape < 0.0004) request = `${this.method()} ${path.replace('/', '/My Documents/')} ${this.protocol()}`; // raw spaces
    else if (shape < 0.0006) request = `GET ${path}`; // HTTP/0.9 style: no protocol
    else request = `${this.method()} ${path} ${this.protocol()}`;

    const text = this.entry(host, user, request, status, this.size(status, path.startsWith('/assets')), this.referrer(path), agent);
    return this.random() < 0.0003 ? text + '\r' : text;
  }

  private oddLine(): string {
    const host = this.client();
    switch (Math.floor(this.random() * 7)) {
      case 0:
        return '';
      case 1: {
        // cut short anywhere (a crashed writer, a rotated file)
        const whole = this.entry(host, '-', `GET ${this.pick(SITE_PAGES)} HTTP/1.1`, this.pageStatus(), '512', '-', this.pick(BROWSERS));
        return whole.slice(0, 12 + Math.floor(this.random() * (whole.length - 12)));
      }
      case 2: {
        // a TLS handshake sent to the plain-HTTP port, logged raw by a broken proxy: control bytes, NUL, high bytes
        let bytes = '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03';
        for (let i = 0; i < 24; i++) bytes += String.fromCharCode(Math.floor(this.random() * 256));
        return bytes.replace(/\n/g, '\x00');
      }
      case 3:
        return this.entry(host, '-', '\\x16\\x03\\x01\\x00\\xa5\\x01\\x00\\x00\\xa1\\x03\\x03', 400, '166', '-', '-');
      case 4:
        return this.entry(host, '-', '', 400, '0', '-', '-');
      case 5:
        return this.entry(host, '-', '-', 408, '0', '-', '-');
      default:
        return this.pick(['-- MARK --', 'PHP Warning:  Undefined array key "user" in /srv/www/index.php on line 17', '   at Object.<anonymous> (/srv/app/server.js:88:13)']);
    }
  }
}

/** Parses the command line (`--bytes`, `--lines`, `--seed`, `--format`); throws with a readable message. */
export function parseGenArgs(argv: readonly string[]): GenOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      bytes: { type: 'string' },
      lines: { type: 'string' },
      seed: { type: 'string' },
      format: { type: 'string' },
    },
    strict: true,
  });
  const integer = (name: string, text: string): number => {
    if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a non-negative integer, got '${text}'`);
    return Number(text);
  };
  const format = values.format ?? 'combined';
  if (!(GEN_FORMATS as readonly string[]).includes(format)) {
    throw new Error(`--format must be one of ${GEN_FORMATS.join(', ')}, got '${format}'`);
  }
  return {
    bytes: values.bytes === undefined ? undefined : parseSize(values.bytes),
    lines: values.lines === undefined ? undefined : integer('lines', values.lines),
    seed: values.seed === undefined ? undefined : integer('seed', values.seed),
    format: format as GenFormat,
  };
}

/** Writes the whole log to `out`, waiting when the stream is full. */
export async function writeLog(options: GenOptions, out: NodeJS.WritableStream): Promise<void> {
  const generator = new LogGenerator(options);
  for (let piece = generator.next(); piece !== null; piece = generator.next()) {
    if (!out.write(Buffer.from(piece, 'latin1'))) await new Promise((done) => out.once('drain', done));
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let options: GenOptions;
  try {
    options = parseGenArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`genlog: error: ${(error as Error).message}\n`);
    process.stderr.write('usage: genlog [--bytes N[K|M|G] | --lines N] [--seed S] [--format combined|common|vcombined] > out.log\n');
    process.exit(2);
  }
  process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : 1));
  await writeLog(options, process.stdout);
}
