// How many producers to start before the command line is loaded (cli/bin.ts), read from the arguments: the
// thread count, and for one plain file how many ranges the plan will cut it into (a 1 MiB file makes one, and
// a second worker would only take CPU from the first); one compressed file is one stream, read by one producer,
// which inflates gzip on a thread beside it, started with the producer. Only --threads and --input are looked
// at; the full parse (cli/args.ts) still checks everything, and a wrong guess costs one worker started for
// nothing, or one started late.

import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { detectCompression, MAGIC_BYTES, type Compression } from '../inputs/compression.js';
import { rangeCount } from '../plan/ranges.js';
import { DEFAULT_RANGE_BYTES } from '../options/analyze-options.js';
import { DEFAULT_INPUT } from './defaults.js';

/** The thread count the arguments ask for; undefined when they ask for help or give no usable count. */
export function threadsFromArgs(args: readonly string[]): number | undefined {
  let threads: string | undefined;
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const arg = args[i];
    if (arg === '-h' || arg === '--help' || arg === '-V' || arg === '--version') return undefined;
    if (arg === '--threads' || arg === '-t') threads = args[++i] ?? ''; // a flag without a value: refused later
    else if (arg.startsWith('--threads=')) threads = arg.slice('--threads='.length);
    else if (/^-t\d/.test(arg)) threads = arg.slice(2);
  }
  if (threads === undefined) return availableParallelism();
  return /^[1-9]\d{0,3}$/.test(threads) ? Number(threads) : undefined;
}

/** Flags that take no value: a word after one of them may be a positional input. */
const BOOLEAN_FLAGS = new Set(['-q', '--quiet', '--strict', '--no-progress', '--keep-query', '--skip-unreadable', '--fail-if-found', '--no-kernel']);

/**
 * The inputs the arguments name (`--input a b`, `-i a`, `--input=a`, or positional words), else the default
 * one. A positional word is one not after a flag that takes a value (a guess: cli/argv.ts decides for real).
 */
export function inputsFromArgs(args: readonly string[]): string[] {
  let inputs: string[] | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--input=')) inputs = [arg.slice('--input='.length)];
    else if (arg === '--input' || arg === '-i') {
      inputs = [];
      while (i + 1 < args.length && (args[i + 1] === '-' || !args[i + 1].startsWith('-'))) inputs.push(args[++i]);
    } else if (arg === '-' || !arg.startsWith('-')) {
      const previous = args[i - 1];
      if (previous === undefined || !previous.startsWith('-') || previous.includes('=') || BOOLEAN_FLAGS.has(previous)) positional.push(arg);
    }
  }
  return inputs ?? (positional.length > 0 ? positional : [DEFAULT_INPUT]);
}

/** What to start before the command line loads: producers, and whether they start their inflate threads too. */
export interface EarlyStart {
  readonly producers: number;
  /** One gzip file, which its producer inflates on a thread beside it (plan/plan-tasks.ts) once there are two cores. */
  readonly inflateAside: boolean;
}

/**
 * Producers worth starting early: the thread count, no more than the cores, no more than one plain file's
 * ranges, and one for one compressed file.
 */
export function earlyStart(args: readonly string[]): EarlyStart {
  const threads = threadsFromArgs(args);
  if (threads === undefined) return { producers: 0, inflateAside: false };
  let producers = Math.min(threads, availableParallelism());
  const inputs = inputsFromArgs(args);
  let inflateAside = false;
  if (inputs.length === 1 && !/[*?[{]/.test(inputs[0]) && inputs[0] !== '-') {
    const file = fileStart(inputs[0]);
    if (file?.compression === 'none') producers = Math.min(producers, Math.max(1, rangeCount(file.size, { producers: threads, rangeBytes: DEFAULT_RANGE_BYTES })));
    else if (file) {
      producers = 1;
      inflateAside = file.compression === 'gzip' && availableParallelism() > 1;
    }
  }
  return { producers, inflateAside };
}

/**
 * A regular file's size and compression (by its first bytes); undefined for anything else, or anything that
 * cannot be read (the run reports it).
 */
function fileStart(path: string): { size: number; compression: Compression } | undefined {
  let fd: number | undefined;
  try {
    // Looked at before it is opened: opening a FIFO would wait for a writer.
    if (!statSync(path).isFile()) return undefined;
    fd = openSync(path, 'r');
    const stats = fstatSync(fd);
    if (!stats.isFile()) return undefined;
    const head = Buffer.alloc(MAGIC_BYTES);
    return { size: stats.size, compression: detectCompression(head.subarray(0, readSync(fd, head, 0, MAGIC_BYTES, 0))) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
