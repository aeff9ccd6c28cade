// The WebAssembly scan kernel for Common/Combined/vhost-Combined (also behind docker compose's prefix) and JSON
// lines (source: kernel/clf.ts, kernel/compose.ts and kernel/json.ts, AssemblyScript).
//
// Reads land straight in the kernel's memory (no copy); the kernel splits and parses a whole chunk per call,
// and either counts matching lines in its own group table (the default run, and analyses whose keys it makes:
// kernelKeys) or returns one record per matching line for LineScanner.countMatch (other analyses; with a time
// span, lines of statuses that do not count come one record per second, for countOthers; with a relative
// `--since`, it keeps the matching lines undecided itself: scan/kernel-span.ts), so the kernel changes nothing
// but speed. The JS parser remains
// the reference; a JSON line whose time the kernel does not read is handed to it. (Loading the module: wasm/kernel-module.ts. The consumer's use of the kernel's table, to
// merge, rank and write CSV lines: tables/kernel-table.ts.)

import type { ClfSampleCounter } from '../formats/detect.js';
import { rawText, type LineFormat } from '../formats/fields.js';
import { JsonFormat } from '../formats/json.js';
import type { LineSink, ReadBuffer } from '../inputs/range-reader.js';
import type { AnalysisSpec } from '../options/run-spec.js';
import { EventLists } from '../tables/event-lists.js';
import { kernelTableArrays } from '../tables/kernel-table.js';
import { partialOf, partialSlotsOf, type CountsPartial, type ScanPartial } from '../tables/partial.js';
import { instantiate, loadKernelModule, TABLE_ROWS, type KernelExports } from '../wasm/kernel-module.js';
import type { LineScanner } from './line-scanner.js';

import { KernelSpan } from './kernel-span.js';
import { clfCounterIn, placeJsonTree } from './sample-kernel.js';

export { kernelClfCounter, lazyKernelClfCounter } from './sample-kernel.js';

/** Formats the kernel parses, and how it reads their lines (kernel/clf.ts scan's `kind`). */
const KERNEL_FORMATS: ReadonlyMap<string, number> = new Map([
  ['common', 0],
  ['combined', 0],
  ['vcombined', 1],
  ['json', 2],
  ['caddy', 2],
  ['compose:common', 3],
  ['compose:combined', 3],
]);
const JSON_KIND = 2;

/** kernel/keys.ts's field codes (`path` keeping its query: 4). */
const KEY_CODES: ReadonlyMap<string, number> = new Map([
  ['ip', 0],
  ['status', 1],
  ['method', 2],
  ['path', 3],
]);
const PATH_WITH_QUERY = 4;

/** How the kernel keys the groups it counts itself for an analysis (`keyed` mode): its key program. */
export interface KernelKeys {
  readonly codes: Uint8Array;
  /** `--window`: each line's row and instant come back as a record, kept by row (tables/event-lists.ts). */
  readonly events: boolean;
}

/**
 * The key program for an analysis the CLF kernel can count alone (kernel/keys.ts): groups of the client,
 * status, method and path only, no time span, no client filter; undefined otherwise.
 */
export function kernelKeys(format: LineFormat, analysis: AnalysisSpec): KernelKeys | undefined {
  const kind = KERNEL_FORMATS.get(format.name);
  if (kind === undefined || kind === JSON_KIND || format.text !== rawText || !kernelSupports(format)) return undefined;
  if (analysis.span || analysis.includeIp.length + analysis.excludeIp.length > 0) return undefined;
  if (!analysis.by.every((field) => KEY_CODES.has(field))) return undefined;
  const codes = analysis.by.map((field) => (field === 'path' && analysis.keepQuery ? PATH_WITH_QUERY : KEY_CODES.get(field)!));
  return { codes: Uint8Array.from(codes), events: analysis.windowSeconds > 0 };
}

/**
 * The key program for a relative `--since` the CLF kernel keeps undecided itself (scan/kernel-span.ts): the same
 * keys as kernelKeys, no client filter, no codes for the client alone (the kernel keys by it then); undefined
 * when the run is not such.
 */
export function kernelSpanKeys(format: LineFormat, analysis: AnalysisSpec): KernelKeys | undefined {
  if (analysis.span?.sinceAgo === undefined) return undefined;
  const keys = kernelKeys(format, { ...analysis, span: undefined, windowSeconds: 0 });
  if (!keys) return undefined;
  return { codes: keys.codes.length === 1 && keys.codes[0] === KEY_CODES.get('ip') ? new Uint8Array(0) : keys.codes, events: false };
}

/** Records the kernel may write per call (32 bytes each; one more, past them, with runs of other statuses). */
const MAX_RECORDS = 32768;

/**
 * What the kernel does with a matching line: `count` it in its own group table (the default run, groups by
 * client; `keyed`: by the key it makes, see kernelKeys), or hand it to the LineScanner's countMatch as a record,
 * with the JS parser's fields of the client, status and time (`records`) or of everything (`reparse`), or keep
 * it undecided for a relative `--since` (`span`: scan/kernel-span.ts; keyed by `keys`, the client when none).
 */
export type KernelMode = 'count' | 'keyed' | 'records' | 'reparse' | 'span';

/**
 * True when the kernel reads this format (a name, or a parser: JSON only as the JSON format's own, not
 * wrapped as `--client-from xff` wraps it).
 */
export function kernelSupports(format: string | LineFormat): boolean {
  const name = typeof format === 'string' ? format : format.name;
  if (!KERNEL_FORMATS.has(name) || loadKernelModule() === null) return false;
  if (typeof format === 'string' || KERNEL_FORMATS.get(name) !== JSON_KIND) return true;
  return format instanceof JsonFormat && format.kernelLayout() !== undefined;
}

/**
 * The groups of a kernel's table as a CountsPartial (copies; its hash slots as few as its groups need, mostly
 * the table's own, copied whole); leaves the table empty.
 */
function takeTable(kernel: KernelExports, width: number): CountsPartial {
  const { rows, keyBytes, keyEnds, records, slots } = kernelTableArrays(kernel, width);
  const partial = partialOf(width, rows, keyBytes, keyEnds, records, partialSlotsOf(slots, rows));
  kernel.tableClear();
  return partial;
}

/**
 * A LineSink that scans with the kernel, counting matching lines itself or handing them to a LineScanner's
 * countMatch. It is also the reader's buffer: a view of the kernel's memory.
 */
export class KernelScanner implements LineSink, ReadBuffer {
  bytes: Buffer = Buffer.alloc(0);
  protected readonly kernel: KernelExports;
  /** The kernel's `scan` argument after the record count: how it reads lines (KERNEL_FORMATS), or the format for others. */
  protected readonly variant: number;
  private readonly out: number;
  protected input = 0;
  /** Length of the read buffer (a detached view forgets its own). */
  private inputBytes = 0;
  /** The memory the views below were made on; a call that grows memory replaces it. */
  private viewed: ArrayBuffer | undefined;
  private memoryBytes!: Uint8Array;
  private words!: Uint32Array;
  private doubles!: Float64Array;

  /**
   * Count mode: the kernel's groups, taken out whenever its table reached `flushGroups` within a task, waiting
   * to be handed over after it (tables/partial.ts CountsPartial). The table so never outgrows that many groups
   * (its memory, which never shrinks, stays small however many clients a range brings), and a partial stays small.
   */
  private readonly full: ScanPartial[] = [];
  /** Keyed mode: the key program's codes in the kernel's memory, and the scratch keys are made in. */
  private keyCodesAt = 0;
  private keyScratch = 0;
  /** The column whose lines come as one record per second (kernel/clf.ts othersInit), or -1. */
  private readonly othersRuns: number;
  /** Keyed mode with a window: the instants of the table's rows. */
  private readonly events: EventLists | undefined;
  /** Span mode: the undecided responses the kernel keeps. */
  private readonly span: KernelSpan | undefined;
  /** The CLF kernel's own (not another module's, which counts no samples), and its detection counter (clfCounterHere). */
  private readonly clfKernel: boolean;
  private counterHere: ClfSampleCounter | undefined;

  /**
   * `other`: another kernel module with the same exports (scan/field-kernel-scanner.ts), and its variant.
   * `keys`: the key program of `keyed` mode.
   */
  constructor(
    protected readonly scanner: LineScanner,
    chunkBytes: number,
    private readonly mode: KernelMode,
    private readonly flushGroups = Infinity,
    other?: { readonly kernel: KernelExports; readonly variant: number },
    private readonly keys?: KernelKeys,
  ) {
    const module = other ? null : loadKernelModule();
    if (!other && (!module || !kernelSupports(scanner.format))) throw new Error(`no kernel for ${scanner.format.name}`);
    this.variant = other ? other.variant : (KERNEL_FORMATS.get(scanner.format.name) ?? 0);
    this.kernel = other ? other.kernel : instantiate(module!);
    this.clfKernel = !other;
    if (!other && scanner.format instanceof JsonFormat) this.takeKeys(scanner.format);
    const columns = scanner.table.columns;
    new Uint8Array(this.kernel.memory.buffer, this.kernel.wantedTable(), 600).set(
      scanner.columnOfStatus.map((column) => column + 1),
    );
    if (mode === 'keyed' && !keys) throw new Error('keyed mode needs a key program');
    if (this.keepsTable) this.kernel.tableInit(columns, TABLE_ROWS);
    this.out = mode === 'count' ? 0 : this.kernel.allocate((MAX_RECORDS + 1) * (this.kernel.RECORD_BYTES.value as number));
    // With a time span, the CLF kernel hands lines of statuses that do not count over a second at a time.
    this.othersRuns = !other && mode !== 'count' && mode !== 'keyed' ? scanner.othersColumn : -1;
    if (this.othersRuns >= 0) this.kernel.othersInit(this.othersRuns + 1);
    if (mode === 'span') {
      const state = scanner.analysisState;
      if (other || this.othersRuns < 0 || !state?.span) throw new Error('span mode needs the CLF kernel and a time span');
      this.span = new KernelSpan(this.kernel, state, flushGroups);
    }
    if (keys && keys.codes.length > 0) {
      this.keyCodesAt = this.kernel.allocate(keys.codes.length);
      new Uint8Array(this.kernel.memory.buffer, this.keyCodesAt, keys.codes.length).set(keys.codes);
      this.kernel.keyEventsInit(keys.events ? 1 : 0);
      if (keys.events) this.events = new EventLists();
    }
    this.grow(Math.max(chunkBytes, 1));
  }

  /** Writes a JSON format's key tree into the kernel's memory. */
  private takeKeys(format: JsonFormat): void {
    const layout = format.kernelLayout();
    if (!layout) throw new Error('no kernel for this JSON key tree');
    const { nodes, keys, portRanks } = placeJsonTree(this.kernel, layout);
    this.kernel.jsonInit(nodes, keys, portRanks);
  }

  /** Whether the kernel counts in its own table (count and keyed modes). */
  private get counts(): boolean {
    return this.mode === 'count' || this.mode === 'keyed';
  }

  /** Whether the kernel keeps a table (count and keyed modes; span mode: of keys only). */
  private get keepsTable(): boolean {
    return this.counts || this.mode === 'span';
  }

  /** Groups in the kernel's table (count and keyed modes; span mode: keys of the undecided responses). */
  get size(): number {
    return this.keepsTable ? (this.kernel.tableRows.value as number) : 0;
  }

  /**
   * The kernel's groups as a partial (copies), with their instants in keyed mode with a window (span mode: its
   * undecided responses, in a partial of no groups); leaves its table empty.
   */
  takePartial(): ScanPartial {
    const rows = this.size;
    if (this.span) {
      const { kernel } = this;
      const partial = this.span.take(this.scanner.table.width, rows, kernel.tableKeyBytes(), kernel.tableKeyEnds(), this.scanner.stats);
      kernel.tableClear();
      this.viewed = undefined; // spanTake may have grown memory
      this.refreshViews();
      return partial;
    }
    const partial = takeTable(this.kernel, this.scanner.table.width);
    return this.events ? { ...partial, events: this.events.take(rows) } : partial;
  }

  /**
   * Format detection's CLF-family counter for a sample read into this scanner's buffer: counted where it lies,
   * with no copy (scan/sample-kernel.ts clfCounterIn); other samples, and another module's scanner, `elsewhere`.
   */
  clfCounterHere(elsewhere: ClfSampleCounter): ClfSampleCounter {
    return this.clfKernel ? (this.counterHere ??= clfCounterIn(this.kernel, elsewhere)) : elsewhere;
  }

  get hasFull(): boolean {
    return this.full.length > 0;
  }

  /** The partials taken out of a full table during the last tasks, oldest first; then there are none. */
  takeFull(): ScanPartial[] {
    return this.full.splice(0);
  }

  grow(size: number): void {
    // A new place for the buffer (the allocator never moves one), the unfinished line copied along. One spare
    // byte past it, for the newline scanLine appends.
    const oldInput = this.input;
    const oldSize = this.inputBytes;
    this.input = this.kernel.allocate(size + 1);
    this.inputBytes = size;
    this.viewed = undefined;
    this.refreshViews();
    this.memoryBytes.copyWithin(this.input, oldInput, oldInput + oldSize);
    if (oldSize > 0) this.kernel.release(oldInput);
    if (this.keys && this.keys.codes.length > 0) {
      // Room for every field of the longest line the buffer can hold, each with its length.
      if (this.keyScratch > 0) this.kernel.release(this.keyScratch);
      this.keyScratch = this.kernel.allocate(this.keys.codes.length * (size + 5) + 16);
      this.kernel.keyInit(this.keyCodesAt, this.keys.codes.length, this.keyScratch);
      this.refreshViews();
    }
  }

  scanLines(_buf: Buffer, from: number, to: number): number {
    const { kernel, input, out } = this;
    const countHere = this.counts ? 1 : 0;
    let at = input + from;
    for (;;) {
      at = kernel.scan(at, input + to, out, MAX_RECORDS, this.variant, countHere);
      this.refreshViews();
      const records = kernel.records.value as number;
      if (records > 0) this.countRecords(records);
      if (records < MAX_RECORDS) {
        const next = this.resume(at, input + to);
        if (next < 0) break;
        at = next;
      }
    }
    this.collectCounters();
    this.span?.afterScan(this.scanner.stats);
    // (Span mode: the table keeps only keys, and drops those no event needs: scan/kernel-span.ts.)
    if (!this.span && this.size >= this.flushGroups) this.full.push(this.takePartial());
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

  /** Hands the records of matching lines to the scanner, with the fields the kernel found (keyed: keeps the instants). */
  private countRecords(records: number): void {
    const { input, out, words, doubles, scanner, bytes, events, othersRuns } = this;
    if (events) {
      for (let i = 0, w = out >> 2, d = (out >> 3) + 3; i < records; i++, w += 8, d += 4) events.push(words[w], doubles[d]);
      return;
    }
    const fields = scanner.fields;
    for (let i = 0, w = out >> 2, d = (out >> 3) + 3; i < records; i++, w += 8, d += 4) {
      if (words[w + 4] === othersRuns) {
        scanner.countOthers(words[w + 5], doubles[d]);
        continue;
      }
      const lineStart = words[w] - input;
      const lineEnd = words[w + 1] - input;
      if (this.mode === 'reparse') scanner.format.parse(bytes, lineStart, lineEnd, fields);
      fields.clientStart = words[w + 2] - input;
      fields.clientEnd = words[w + 3] - input;
      fields.status = words[w + 5];
      fields.stamp = doubles[d];
      scanner.countMatch(bytes, lineStart, lineEnd, words[w + 4]);
    }
  }

  /**
   * Where to go on after a scan call stopped at `at` with room left for records, or -1 to stop there: at the
   * unfinished last line, or after a line the kernel left to the JS parser (a JSON time it does not read).
   */
  protected resume(at: number, _end: number): number {
    return (this.kernel.deferred.value as number) === 0 ? -1 : this.readLineInJs(at);
  }

  /**
   * Reads the line the kernel stopped at the start of (`at`, in memory) with the JS scanner; returns where the
   * next line starts. The line is complete: its newline is in the buffer, or the one scanLine lent in the spare
   * byte past the buffer's view, which is why the newline is searched in memory and not in the view.
   */
  protected readLineInJs(at: number): number {
    const newline = this.memoryBytes.indexOf(0x0a, at);
    this.scanner.scanLine(this.bytes, at - this.input, newline - this.input);
    return newline + 1;
  }

  /** Remakes the views when memory grew (which detaches the old ones). */
  protected refreshViews(): void {
    const buffer = this.kernel.memory.buffer;
    if (buffer === this.viewed) return;
    this.viewed = buffer;
    this.bytes = Buffer.from(buffer, this.input, this.inputBytes);
    this.memoryBytes = new Uint8Array(buffer);
    this.words = new Uint32Array(buffer);
    this.doubles = new Float64Array(buffer);
  }

  private collectCounters(): void {
    const { kernel } = this;
    const stats = this.scanner.stats;
    stats.lines += kernel.lines.value as number;
    stats.blank += kernel.blank.value as number;
    stats.malformed += kernel.malformed.value as number;
    stats.parsed += kernel.parsed.value as number;
    stats.matched += kernel.matched.value as number;
    stats.firstStamp = Math.min(stats.firstStamp, kernel.firstStamp.value as number);
    stats.lastStamp = Math.max(stats.lastStamp, kernel.lastStamp.value as number);
    kernel.resetCounters();
  }
}
