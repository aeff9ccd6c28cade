// The WebAssembly scan kernel for Common/Combined/vhost-Combined (source: kernel/clf.ts, AssemblyScript).
//
// Reads land straight in the kernel's memory (no copy); the kernel splits and parses a whole chunk per call
// and returns one record per matching line. Everything after that (grouping, filters) stays in JS, in
// LineScanner.countMatch, so the kernel changes nothing but speed. The JS parser remains the reference.

import { readFileSync } from 'node:fs';
import type { LineScanner } from './scan.js';
import type { LineSink, ReadBuffer } from './read.js';

/** Formats the kernel parses, and whether their lines start with a `vhost:port` field. */
const KERNEL_FORMATS: ReadonlyMap<string, boolean> = new Map([
  ['common', false],
  ['combined', false],
  ['vcombined', true],
]);

const KERNEL_URL = new URL('../../kernel/clf.wasm', import.meta.url);
const PAGE = 65536;
/** Records the kernel may write per call (32 bytes each). */
const MAX_RECORDS = 32768;

interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly RECORD_BYTES: WebAssembly.Global;
  readonly lines: WebAssembly.Global;
  readonly blank: WebAssembly.Global;
  readonly malformed: WebAssembly.Global;
  readonly parsed: WebAssembly.Global;
  readonly matched: WebAssembly.Global;
  readonly records: WebAssembly.Global;
  scan(start: number, end: number, out: number, maxRecords: number, vhost: number): number;
  wantedTable(): number;
  heapBase(): number;
  resetCounters(): void;
}

let kernelModule: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null when it was not built (then the JS scanner does the work). */
function loadKernelModule(): WebAssembly.Module | null {
  if (kernelModule === undefined) {
    try {
      kernelModule = new WebAssembly.Module(readFileSync(KERNEL_URL));
    } catch {
      kernelModule = null;
    }
  }
  return kernelModule;
}

export function kernelSupports(format: string): boolean {
  return KERNEL_FORMATS.has(format) && loadKernelModule() !== null;
}

/**
 * A LineSink that scans with the kernel and hands each matching line to a LineScanner's countMatch.
 * It is also the reader's buffer: a view of the kernel's memory.
 */
export class KernelScanner implements LineSink, ReadBuffer {
  bytes: Buffer;
  private readonly kernel: KernelExports;
  private readonly vhost: number;
  private readonly out: number;
  private readonly input: number;
  private memoryBytes!: Uint8Array;
  private words!: Uint32Array;
  private doubles!: Float64Array;

  /** `fullParse`: re-parse matching lines with the JS parser, for consumers that need more than the client. */
  constructor(
    private readonly scanner: LineScanner,
    chunkBytes: number,
    private readonly fullParse: boolean,
  ) {
    const module = loadKernelModule();
    if (!module || !KERNEL_FORMATS.has(scanner.format.name)) throw new Error(`no kernel for ${scanner.format.name}`);
    this.vhost = KERNEL_FORMATS.get(scanner.format.name) ? 1 : 0;
    const instance = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('kernel abort'); } } });
    this.kernel = instance.exports as unknown as KernelExports;
    this.out = Math.ceil(this.kernel.heapBase() / PAGE) * PAGE;
    this.input = this.out + MAX_RECORDS * (this.kernel.RECORD_BYTES.value as number);
    const wanted = new Uint8Array(this.kernel.memory.buffer, this.kernel.wantedTable(), 600);
    scanner.columnOfStatus.forEach((column, status) => (wanted[status] = column + 1));
    this.bytes = Buffer.alloc(0);
    this.grow(Math.max(chunkBytes, 1));
  }

  grow(size: number): void {
    const memory = this.kernel.memory;
    // One spare byte past the buffer, for the newline scanLine appends.
    const needed = this.input + size + 1;
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / PAGE));
    this.bytes = Buffer.from(memory.buffer, this.input, size);
    this.memoryBytes = new Uint8Array(memory.buffer);
    this.words = new Uint32Array(memory.buffer);
    this.doubles = new Float64Array(memory.buffer);
  }

  scanLines(buf: Buffer, from: number, to: number): number {
    const { kernel, input, out, words, doubles, scanner } = this;
    const fields = scanner.fields;
    let at = input + from;
    for (;;) {
      at = kernel.scan(at, input + to, out, MAX_RECORDS, this.vhost);
      const records = kernel.records.value as number;
      for (let i = 0, w = out >> 2, d = (out >> 3) + 3; i < records; i++, w += 8, d += 4) {
        const lineStart = words[w] - input;
        const lineEnd = words[w + 1] - input;
        if (this.fullParse) scanner.format.parse(buf, lineStart, lineEnd, fields);
        fields.clientStart = words[w + 2] - input;
        fields.clientEnd = words[w + 3] - input;
        fields.status = words[w + 5];
        fields.stamp = doubles[d];
        scanner.countMatch(buf, lineStart, lineEnd, words[w + 4]);
      }
      if (records < MAX_RECORDS) break;
    }
    this.collectCounters();
    return at - input;
  }

  scanLine(buf: Buffer, start: number, end: number): void {
    // The kernel takes newline-terminated lines: lend this one a newline in the spare byte.
    this.memoryBytes[this.input + end] = 0x0a;
    this.scanLines(buf, start, end + 1);
  }

  countOverlongLine(): void {
    this.scanner.countOverlongLine();
  }

  private collectCounters(): void {
    const { kernel } = this;
    const stats = this.scanner.stats;
    stats.lines += kernel.lines.value as number;
    stats.blank += kernel.blank.value as number;
    stats.malformed += kernel.malformed.value as number;
    stats.parsed += kernel.parsed.value as number;
    stats.matched += kernel.matched.value as number;
    kernel.resetCounters();
  }
}
