// Inputs derived from the combined log (its events in other formats, split into small files, gzipped, a log of many
// clients), made once and reused: a manifest written last records the source's size and every file's size, and a
// set is rebuilt when any of them differs (or the manifest is missing: an interrupted build).

import { once } from 'node:events';
import { closeSync, createReadStream, createWriteStream, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { TARGET_FORMATS, type ConvertResult, type FormatId, type TargetFormat } from './convert.js';
import type { Workload } from './workload.js';
import { startThread } from '../src/base/threads.js';

/** Bump when a builder writes different bytes, so old sets are rebuilt. */
const DERIVED_VERSION = 1;

interface Manifest {
  readonly version: number;
  readonly source: string;
  readonly sourceBytes: number;
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: number }>;
  readonly info: Record<string, number>;
}

export interface DerivedSet {
  readonly files: readonly string[];
  /** What the builder counted (events, lines ...). */
  readonly info: Record<string, number>;
}

function validManifest(path: string, source: Workload): Manifest | null {
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    if (manifest.version !== DERIVED_VERSION || manifest.source !== source.path || manifest.sourceBytes !== source.bytes) return null;
    return manifest.files.every((f) => existsSync(f.path) && statSync(f.path).size === f.bytes) ? manifest : null;
  } catch {
    return null;
  }
}

/** The set named `name` under `dir`: reused when its manifest holds, else built by `build` (which returns its files). */
async function ensureSet(dir: string, name: string, source: Workload, note: (line: string) => void, build: (folder: string) => Promise<{ files: string[]; info: Record<string, number> }>): Promise<DerivedSet> {
  const folder = join(dir, name);
  const manifestPath = join(folder, 'manifest.json');
  const found = validManifest(manifestPath, source);
  if (found) return { files: found.files.map((f) => f.path), info: found.info };
  note(`making ${folder} from ${source.path} (once; reused while the sizes hold) ...`);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const { files, info } = await build(folder);
  const manifest: Manifest = { version: DERIVED_VERSION, source: source.path, sourceBytes: source.bytes, files: files.map((path) => ({ path, bytes: statSync(path).size })), info };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 1)}\n`);
  return { files, info };
}

const stem = (source: Workload): string => source.path.replace(/^.*\//, '').replace(/\.log$/, '');

/** The base log's events in every other format: one file per format, in TARGET_FORMATS' order. */
export async function ensureFormats(dir: string, source: Workload, note: (line: string) => void): Promise<DerivedSet & { formats: readonly TargetFormat[] }> {
  const set = await ensureSet(dir, `${stem(source)}-formats`, source, note, async (folder) => {
    const files = TARGET_FORMATS.map((f) => join(folder, `${f.id}.${f.extension}`));
    // Two workers, each parsing the log once and writing about half the bytes (the first four formats are the costly ones).
    const halves = [TARGET_FORMATS.slice(0, 4), TARGET_FORMATS.slice(4)].map((formats) =>
      formats.map((f): [FormatId, string] => [f.id, files[TARGET_FORMATS.indexOf(f)]]));
    const results = await Promise.all(halves.map((targets) => new Promise<ConvertResult>((resolve, reject) => {
      const worker = startThread(new URL('./convert-worker.js', import.meta.url), { workerData: { source: source.path, targets } });
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => { if (code !== 0) reject(new Error(`the converter stopped (exit ${code})`)); });
    })));
    return { files, info: { lines: results[0].lines, events: results[0].events } };
  });
  return { ...set, formats: TARGET_FORMATS };
}

/** Calls `each(chunk)` with the base log cut in pieces of about `size` bytes, each ending at a line end. */
function cutAtLines(source: string, size: number, count: number, each: (chunk: Buffer, index: number) => void): number {
  const fd = openSync(source, 'r');
  const buffer = Buffer.allocUnsafe(size + (1 << 20));
  let position = 0;
  let index = 0;
  try {
    for (; index < count; index++) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      let end = n;
      if (n > size) {
        const newline = buffer.indexOf(0x0a, size - 1);
        end = newline < 0 || newline >= n ? n : newline + 1;
      }
      each(buffer.subarray(0, end), index);
      position += end;
    }
  } finally {
    closeSync(fd);
  }
  return index;
}

export const SMALL_FILE_BYTES = 100 * 1024;

/** The first `count` x 100 KB of the base log as `count` files in a folder `logs`, cut at line ends. */
export async function ensureSmallFiles(dir: string, source: Workload, count: number, note: (line: string) => void): Promise<DerivedSet> {
  return ensureSet(dir, `${stem(source)}-files-${count}x100K`, source, note, async (folder) => {
    const files: string[] = [];
    mkdirSync(join(folder, 'logs'));
    cutAtLines(source.path, SMALL_FILE_BYTES, count, (chunk, i) => {
      const path = join(folder, 'logs', `part-${String(i + 1).padStart(4, '0')}.log`);
      const fd = openSync(path, 'w');
      try {
        writeSync(fd, chunk);
      } finally {
        closeSync(fd);
      }
      files.push(path);
    });
    return { files, info: { files: files.length } };
  });
}

async function gzipTo(input: NodeJS.ReadableStream, path: string): Promise<void> {
  await pipeline(input, createGzip({ level: 6 }), createWriteStream(path));
}

/** The base log gzipped whole, and cut in `parts` pieces gzipped apart (built at once: zlib uses the thread pool). */
export async function ensureGzip(dir: string, source: Workload, parts: number, note: (line: string) => void): Promise<{ one: string; parts: string[] }> {
  const set = await ensureSet(dir, `${stem(source)}-gzip`, source, note, async (folder) => {
    const one = join(folder, `${stem(source)}.log.gz`);
    const pieces: string[] = [];
    const partBytes = Math.ceil(source.bytes / parts);
    const jobs: Promise<void>[] = [gzipTo(createReadStream(source.path, { highWaterMark: 1 << 20 }), one)];
    let start = 0;
    cutAtLines(source.path, partBytes, parts, (chunk, i) => {
      const path = join(folder, `part-${i + 1}.log.gz`);
      pieces.push(path);
      const end = start + chunk.length;
      jobs.push(gzipTo(createReadStream(source.path, { start, end: end - 1, highWaterMark: 1 << 20 }), path));
      start = end;
    });
    await Promise.all(jobs);
    return { files: [one, ...pieces], info: { parts: pieces.length } };
  });
  return { one: set.files[0], parts: set.files.slice(1) };
}

/** Bytes a line of the many-clients log takes (the size of the log of a million clients, 126 MB). */
export const CLIENT_LINE_BYTES = 126;

/** `clients` distinct IPv6 clients, one 404 each (a scan from a /64 per client, as address-rotating bots do). */
export async function ensureManyClients(dir: string, clients: number, note: (line: string) => void): Promise<Workload> {
  const source: Workload = { path: `(generated) ${clients} clients`, bytes: clients, origin: 'generated' };
  await ensureSet(dir, `clients-${clients}-ipv6`, source, note, async (folder) => {
    const file = join(folder, 'clients.log');
    const out = createWriteStream(file);
    let chunk = '';
    for (let i = 0; i < clients; i++) {
      // A multiplicative hash is a bijection on 32 bits: every client is distinct, and they come in no order.
      const h = Math.imul(i + 1, 0x9e3779b1) >>> 0;
      const second = i % 3600;
      const stamp = `01/May/2024:${String(Math.floor(second / 60) % 24).padStart(2, '0')}:${String(second % 60).padStart(2, '0')}:00 +0000`;
      const line = `2001:db8:${(h >>> 16).toString(16)}:${(h & 0xffff).toString(16)}::${(i & 0xfff).toString(16)} - - [${stamp}] "GET /wp-login.php HTTP/1.1" 404 153 "-" "zgrab/0.x`;
      chunk += `${line}${' '.repeat(Math.max(0, CLIENT_LINE_BYTES - 2 - line.length))}"\n`;
      if (chunk.length >= 1 << 20) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.end(chunk);
    await once(out, 'finish');
    return { files: [file], info: { clients } };
  });
  const file = join(dir, `clients-${clients}-ipv6`, 'clients.log');
  return { path: file, bytes: statSync(file).size, origin: `${clients} distinct IPv6 clients, one 404 each` };
}
