// Format detection's counts done by the WebAssembly kernel (kernel/clf.ts sampleClf and scan), one instance per
// thread: a sample's CLF-family lines, and the lines a JSON parser reads, equal to the JS parsers' counts
// (formats/detect.ts countClf, countFitting) and far cheaper than their first, cold pass over a sample.

import type { ClfSampleCounter, SampleCounts } from '../formats/detect.js';
import { LineFields, type LineFormat } from '../formats/fields.js';
import { JsonFormat, type JsonKeyLayout } from '../formats/json.js';
import { instantiate, loadKernelModule, type KernelExports } from '../wasm/kernel-module.js';

/** kernel/clf.ts scan's `kind` for JSON lines. */
const JSON_KIND = 2;

/**
 * The kernel instance detection counts samples with, the room it holds for one (one per thread), and the key
 * trees of the JSON parsers it read samples for (in its memory, by parser).
 */
interface SampleKernel {
  readonly kernel: KernelExports;
  at: number;
  room: number;
  readonly trees: WeakMap<JsonFormat, PlacedJsonTree>;
  /** The tree jsonInit took last. */
  tree: JsonFormat | undefined;
  /**
   * The sample in its memory now: detection counts one sample in several passes (the CLF family, then each
   * JSON parser), each handed the same Buffer, copied once. (Every detection's sample is a Buffer of its own.)
   */
  placed: Buffer | undefined;
}
let sampleKernel: SampleKernel | undefined;

/** A JSON format's key tree in a kernel's memory: what kernel/json.ts jsonInit takes. */
interface PlacedJsonTree {
  readonly nodes: number;
  readonly keys: number;
  readonly portRanks: number;
}

/** Writes a JSON format's key tree into a kernel's memory. */
export function placeJsonTree(kernel: KernelExports, layout: JsonKeyLayout): PlacedJsonTree {
  const nodes = kernel.allocate(layout.nodes.byteLength);
  const keys = kernel.allocate(layout.keys.length + 1);
  new Int32Array(kernel.memory.buffer, nodes, layout.nodes.length).set(layout.nodes);
  new Uint8Array(kernel.memory.buffer, keys, layout.keys.length).set(layout.keys);
  return { nodes, keys, portRanks: layout.clientPortRanks };
}

/** Copies the sample into the sample kernel's memory with a newline lent past it; its address. */
function placeSample(module: WebAssembly.Module, sample: Buffer): SampleKernel {
  const state = (sampleKernel ??= { kernel: instantiate(module), at: 0, room: 0, trees: new WeakMap(), tree: undefined, placed: undefined });
  const { kernel } = state;
  if (state.placed === sample) return state;
  state.placed = sample;
  if (state.room < sample.length + 1) {
    if (state.room > 0) kernel.release(state.at);
    state.room = Math.max(sample.length + 1, 64 * 1024 + 1);
    state.at = kernel.allocate(state.room);
  }
  const memory = new Uint8Array(kernel.memory.buffer);
  memory.set(sample, state.at);
  memory[state.at + sample.length] = 0x0a; // the kernel may read the byte past a line's end, as JS reads undefined there
  return state;
}

/**
 * Format detection's CLF-family count (formats/detect.ts countClf) done by the kernel, or undefined without
 * one: for small files detected one by one, where the JS parsers' pass over each sample was most of the work.
 * Its `fitting` counts the lines a JSON parser reads (detect.ts countFitting) with the kernel's JSON scan.
 * A sample is copied into the kernel once for all the passes over it: a Buffer must not change between calls
 * (detection hands each sample over as a Buffer of its own).
 */
export function kernelClfCounter(): ClfSampleCounter | undefined {
  const module = loadKernelModule();
  if (!module) return undefined;
  const counter = (sample: Buffer, whole: boolean) => {
    const { kernel, at } = placeSample(module, sample);
    return countSample(kernel, at, sample.length, whole);
  };
  return Object.assign(counter, {
    fitting: (format: LineFormat, sample: Buffer, whole: boolean, canMiss?: number) => jsonFitting(module, format, sample, whole, canMiss),
  });
}

/** kernel/clf.ts sampleClf over the `length` bytes at `at` in `kernel`'s memory; the byte past them must be a newline. */
function countSample(kernel: KernelExports, at: number, length: number, whole: boolean): SampleCounts {
  kernel.sampleClf(at, at + length, whole ? 1 : 0);
  return {
    combined: kernel.sampleCombined.value as number,
    vhost: kernel.sampleVhost.value as number,
    tails: kernel.sampleTails.value as number,
    lines: kernel.sampleLines.value as number,
    prefixed: kernel.samplePrefixed.value as number,
  };
}

/**
 * A counter that counts a sample lying in `kernel`'s memory where it lies (a producer's kernel, whose read
 * buffer a small file was read into: scan/task-scanner.ts), and any other with `elsewhere`. Counting in place
 * spares the sample's copy into the sample kernel: 100 KB a file, as much to copy as the kernel's pass to read.
 * The byte past the sample is lent a newline for the pass (as placeSample lends one), then given back: it may
 * be the file's next byte, which the scan reads after.
 */
export function clfCounterIn(kernel: KernelExports, elsewhere: ClfSampleCounter): ClfSampleCounter {
  const counter = (sample: Buffer, whole: boolean) => {
    if (sample.buffer !== kernel.memory.buffer) return elsewhere(sample, whole);
    const memory = new Uint8Array(kernel.memory.buffer);
    const past = sample.byteOffset + sample.length;
    const lent = memory[past];
    memory[past] = 0x0a;
    try {
      return countSample(kernel, sample.byteOffset, sample.length, whole);
    } finally {
      memory[past] = lent;
    }
  };
  return Object.assign(counter, { fitting: elsewhere.fitting });
}

/**
 * kernelClfCounter, its kernel compiled when it first counts a sample: a thread that may not need it at all (the
 * main thread, where the producers detect every small file themselves) does not compile it up front. Without a
 * kernel it counts nothing (undefined): detection then counts with the JS parsers.
 */
export function lazyKernelClfCounter(): ClfSampleCounter {
  let counter: ClfSampleCounter | null | undefined;
  const kernel = (): ClfSampleCounter | null => (counter === undefined ? (counter = kernelClfCounter() ?? null) : counter);
  return Object.assign((sample: Buffer, whole: boolean) => kernel()?.(sample, whole), {
    fitting: (format: LineFormat, sample: Buffer, whole: boolean, canMiss?: number) => kernel()?.fitting?.(format, sample, whole, canMiss),
  });
}

/**
 * -1 when at most `canMiss` of the sample's non-blank lines (CR stripped; an unfinished last one only when
 * `whole`) fail to open with `{`, which every line a JSON parser reads does; else how many lines opened with one
 * before the misses went past `canMiss` (fewer than all lines but `canMiss`). On a file of another format the
 * first line already settles it, and neither the sample's copy nor the kernel's pass is needed.
 */
function linesOpeningObjects(sample: Buffer, whole: boolean, canMiss: number): number {
  let objects = 0;
  let missed = 0;
  for (let start = 0; start < sample.length; ) {
    let newline = sample.indexOf(0x0a, start);
    if (newline < 0) {
      if (!whole) break;
      newline = sample.length;
    }
    const lineEnd = newline > start && sample[newline - 1] === 0x0d ? newline - 1 : newline;
    if (lineEnd > start) {
      if (sample[start] === 0x7b) objects++;
      else if (++missed > canMiss) return objects;
    }
    start = newline + 1;
  }
  return -1;
}

/**
 * The sample's lines the JSON parser `format` reads, counted by the kernel's scan (its `parsed`: no status is
 * wanted in the sample kernel, so it writes no records); a line it defers is read by the parser itself.
 * Undefined for another format.
 */
function jsonFitting(module: WebAssembly.Module, format: LineFormat, sample: Buffer, whole: boolean, canMiss?: number): number | undefined {
  if (!(format instanceof JsonFormat)) return undefined;
  const reachable = canMiss === undefined ? -1 : linesOpeningObjects(sample, whole, canMiss);
  if (reachable >= 0) return reachable;
  const state = placeSample(module, sample);
  const { kernel, at } = state;
  let tree = state.trees.get(format);
  if (!tree) {
    const layout = format.kernelLayout();
    if (!layout) return undefined;
    state.trees.set(format, (tree = placeJsonTree(kernel, layout)));
  }
  if (state.tree !== format) kernel.jsonInit(tree.nodes, tree.keys, tree.portRanks);
  state.tree = format;
  // With `whole`, the newline lent past the sample ends its last line (or makes a blank one, not counted).
  const end = at + sample.length + (whole ? 1 : 0);
  const fields = new LineFields();
  let fitting = 0;
  kernel.resetCounters();
  for (let p = at; ; ) {
    p = kernel.scan(p, end, 0, 1, JSON_KIND, 0);
    if ((kernel.deferred.value as number) === 0) break;
    const memory = new Uint8Array(kernel.memory.buffer);
    const newline = memory.indexOf(0x0a, p);
    let lineEnd = newline;
    if (memory[lineEnd - 1] === 0x0d) lineEnd--;
    if (format.parse(sample, p - at, lineEnd - at, fields)) fitting++;
    p = newline + 1;
  }
  fitting += kernel.parsed.value as number;
  kernel.resetCounters();
  return fitting;
}
