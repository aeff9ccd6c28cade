// The WebAssembly kernel (source: kernel/*.ts, AssemblyScript, built to dist/kernel/clf.wasm): loading the
// compiled module once per thread, and the exports the JS side calls. One module serves two sides: the
// producers' scanner (scan/kernel-scanner.ts) and the consumer's merged table (tables/kernel-table.ts).
//
// The URL is relative to this file's place in dist/ and to the bundle's (scripts/bundle.mjs keeps both at the
// same depth). A module that cannot be loaded means "no kernel": the JS parser then does the same work, slower;
// a test checks that the built command line does load it.

import { readFileSync } from 'node:fs';
import { mark } from '../base/trace.js';

const KERNEL_URL = new URL('../../kernel/clf.wasm', import.meta.url);
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  readonly RECORD_BYTES: WebAssembly.Global;
  readonly lines: WebAssembly.Global;
  readonly blank: WebAssembly.Global;
  readonly malformed: WebAssembly.Global;
  readonly parsed: WebAssembly.Global;
  readonly matched: WebAssembly.Global;
  readonly firstStamp: WebAssembly.Global;
  readonly lastStamp: WebAssembly.Global;
  readonly records: WebAssembly.Global;
  readonly tableRows: WebAssembly.Global;
  /** 1 when the last scan stopped at a line the JS parser must read. */
  readonly deferred: WebAssembly.Global;
  /** `kind`: 0 Common/Combined, 1 vhost-Combined, 2 JSON lines (after jsonInit). */
  scan(start: number, end: number, out: number, maxRecords: number, kind: number, countHere: number): number;
  jsonInit(nodes: number, keys: number, clientPortRanks: number): void;
  /** CLF kinds, counting: group by the key of `count` field codes at `codes` (kernel/keys.ts), made in `scratch`. */
  keyInit(codes: number, count: number, scratch: number): void;
  /** With keys: write a record (row at +0, stamp at +24) for each line counted. */
  keyEventsInit(on: number): void;
  /** CLF kinds, records: lines of status column `column - 1` (0: none) come back one record per second (kernel/clf.ts). */
  othersInit(column: number): void;
  /** CLF kinds, with a table: keep each matching response as an event of its key's row (kernel/runs.ts). */
  spanInit(on: number): void;
  /** Drops the events out of the span (stamp < outBelow or >= outFrom); returns how many. */
  spanSettle(outBelow: number, outFrom: number): number;
  /** Renumbers the table's rows to those with events (the others' keys go); returns the rows left. */
  spanRekey(): number;
  /** The events by row with the keys of the rows that have any, in one block at the address returned (kernel/runs.ts). */
  spanTake(rows: number, keyBytes: number, keyEnds: number): number;
  readonly spanNewest: WebAssembly.Global;
  readonly spanCount: WebAssembly.Global;
  readonly takeRows: WebAssembly.Global;
  readonly takeKeyLength: WebAssembly.Global;
  readonly takeBlock: WebAssembly.Global;
  /** Format detection's CLF-family count of the sample in [start, end) (src/formats/detect.ts countClf). */
  sampleClf(start: number, end: number, whole: number): void;
  readonly sampleCombined: WebAssembly.Global;
  readonly sampleVhost: WebAssembly.Global;
  readonly sampleTails: WebAssembly.Global;
  readonly sampleLines: WebAssembly.Global;
  readonly samplePrefixed: WebAssembly.Global;
  wantedTable(): number;
  allocate(bytes: number): number;
  release(at: number): void;
  resetCounters(): void;
  tableInit(columns: number, rows: number): void;
  tableSlots(): number;
  tableSlotCount(): number;
  tableClear(): void;
  tableKeyBytes(): number;
  tableKeyEnds(): number;
  tableRecords(): number;
  tableMerge(keys: number, ends: number, from: number, rows: number, rowsOut: number): number;
  tableAdopt(rows: number, keyLength: number, slots: number, reserveRows: number, reserveKeyBytes: number): void;
  tableCapacity(): number;
  /** The table's key compare: 1 when the `length` bytes at a and at b are equal (exported for its property test). */
  sameBytes(a: number, b: number, length: number): number;
  tableKeyCapacity(): number;
  readonly rowsBytes: WebAssembly.Global;
  writeRows(order: number, from: number, rows: number, out: number, outEnd: number, program: number, steps: number, pieces: number, keyKind: number, rowMost: number, fields: number): number;
  rankRows(threshold: number, out: number, scratch: number): number;
  rankFieldRows(threshold: number, fields: number, out: number, scratch: number): number;
}

/** Groups the kernel's table has room for before it first grows (as GroupTable). */
export const TABLE_ROWS = 16384;

let kernelModule: WebAssembly.Module | null | undefined;

/** The compiled kernel, or null when it was not built (then the JS scanner does the work). */
export function loadKernelModule(): WebAssembly.Module | null {
  if (kernelModule === undefined) {
    try {
      kernelModule = new WebAssembly.Module(readFileSync(KERNEL_URL));
    } catch (error) {
      kernelModule = null;
      mark(`no kernel: ${(error as Error).message}`);
    }
    if (kernelModule) mark('kernel loaded');
  }
  return kernelModule;
}

export function instantiate(module: WebAssembly.Module): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { abort: () => { throw new Error('kernel abort'); } } });
  return instance.exports as unknown as KernelExports;
}

