// Tasks: the units of work a run is cut into (plan/plan-tasks.ts), each scanned by one producer into partials
// (scan/task-scanner.ts). Plain data: a task travels as it is to a producer thread, or as a job to a worker
// process.

import type { Compression } from '../inputs/compression.js';

/** One unit of work: a byte range of a plain file, starting and ending at line starts. */
export interface RangeTask {
  readonly kind: 'range';
  /** Index of the input (in the run's input list) the range belongs to. */
  readonly input: number;
  readonly path: string;
  readonly start: number;
  readonly end: number;
  /** Format name the lines are parsed with (detected once per file, before the ranges are dealt). */
  readonly format: string;
  /** Header lines in force at `start`, for stateful formats (see plan/header-state.ts). */
  readonly state?: readonly string[];
  /**
   * When the states were guessed: the header lines the range after this one (of the same file) was given, which
   * its producer checks this range ends in (plan/header-state.ts StateGuessMissed).
   */
  readonly stateAfter?: readonly string[];
}

/**
 * One unit of work: a whole input read as one stream. A compressed file cannot be split by byte range; a pipe
 * (stdin, a FIFO) can only be read once, from the start: the main thread reads it and relays its bytes.
 */
export interface StreamTask {
  readonly kind: 'stream';
  readonly input: number;
  /** The file's path, or the pipe's (`-` for stdin). */
  readonly path: string;
  /** `file`: the producer reads the file; `pipe`: the bytes come as `pipe-data` messages. */
  readonly from: 'file' | 'pipe';
  readonly compression: Compression;
  /** Format name, or `auto`: detected from the first decompressed bytes. */
  readonly format: string;
  /** Bytes to read (compressed); 0 for a pipe (not known). */
  readonly size: number;
  /**
   * gzip: inflate on a thread beside the producer, where a core would otherwise idle (fewer streams than
   * cores); else (absent) on the producer's own thread, which then uses one core and no more.
   */
  readonly inflateAside?: boolean;
}

export type Task = RangeTask | StreamTask;

/** The order key of a task: tasks are taken input by input, and by offset within an input. */
export function taskKey(input: number, start: number): string {
  return `${input}:${start}`;
}

/** A task as a person reads it, for messages: the input and, for a range, its bytes. */
export function describeTask(task: Task): string {
  const name = task.path === '-' ? 'stdin' : task.path;
  return task.kind === 'range' ? `${name}, bytes ${task.start}-${task.end}` : name;
}
