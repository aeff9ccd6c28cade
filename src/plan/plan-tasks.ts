// The work list of a run: every input as tasks. Plain files are cut into line-aligned byte ranges
// (plan/ranges.ts); a compressed file or a pipe is one stream task. The local driver and a cluster's
// coordinator plan alike.

import { closeSync, openSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { formatDefinition } from '../formats/index.js';
import type { PlannedFile } from '../inputs/probe.js';
import { withFormatState } from './header-state.js';
import { planRanges, rangeCount, type PlanOptions } from './ranges.js';
import type { RangeTask, StreamTask, Task } from './tasks.js';

/**
 * The work list of a run. Pipes and compressed files come first (pipes, of unknown size, first of all, then
 * compressed files biggest first): each is one task that only one producer can do, so a big one dealt last
 * would leave the others idle at the end. Then every plain file cut into
 * line-aligned ranges; each file gets a share of the producers by its size (at least one), so one big file is
 * still split among all of them while many small files are dealt out whole. A range of a file whose format
 * keeps state across lines (W3C's `#Fields:`) carries the header lines in force at its start: exact, or guessed
 * from `guessStates` bytes at each end of the stretch between two range starts, and checked as the ranges are
 * read (plan/header-state.ts; then withExactStates makes them exact when a guess missed).
 */
export function planTasks(files: readonly PlannedFile[], { producers, rangeBytes, guessStates }: PlanOptions & { readonly guessStates?: number }): Task[] {
  const isStream = (file: PlannedFile): boolean => file.pipe === true || file.stream === true || file.compression !== 'none';
  const streamFiles = files.filter(isStream);
  // Fewer streams than cores: each gzip one inflates on a thread of its own, on a core that would idle.
  const inflateAside = streamFiles.length < availableParallelism();
  const streams: StreamTask[] = streamFiles.map((file) => ({
    kind: 'stream',
    input: file.input,
    path: file.path,
    from: file.pipe ? 'pipe' : 'file',
    compression: file.compression,
    format: file.format,
    size: file.size,
    ...(inflateAside && file.compression === 'gzip' ? { inflateAside } : {}),
  }));
  const weight = (task: StreamTask): number => (task.from === 'pipe' ? Infinity : task.size);
  streams.sort((a, b) => weight(b) - weight(a) || a.input - b.input);
  const plain = files.filter((file) => !isStream(file));
  const totalBytes = plain.reduce((sum, file) => sum + file.size, 0);
  const tasks: Task[] = [...streams];
  for (const file of plain) {
    if (file.size === 0) continue;
    const share = Math.max(1, Math.round((producers * file.size) / totalBytes));
    // One range whose start the probe already read (a small file): no need to open the file again.
    if (file.textStart !== undefined && rangeCount(file.size, { producers: share, rangeBytes }) === 1) {
      if (file.size > file.textStart) tasks.push({ kind: 'range', input: file.input, path: file.path, start: file.textStart, end: file.size, format: file.format });
      continue;
    }
    const fd = openSync(file.path, 'r');
    try {
      const ranges = planRanges(fd, file.size, { producers: share, rangeBytes });
      // A format left to the producer (inputs/probe.ts, detectUpTo) is settled at the file's start: one range.
      if (file.format === 'auto' && ranges.length > 1) throw new Error(`${file.path}: a format to detect in a file cut into ranges`);
      for (const { start, end } of ranges) {
        const task: RangeTask = { kind: 'range', input: file.input, path: file.path, start, end, format: file.format };
        tasks.push(task);
      }
    } finally {
      closeSync(fd);
    }
  }
  return withFormatState(tasks, stateLinesOf, guessStates);
}

/** The tasks with the exact header lines in force at each range's start (a guess they held dropped). */
export function withExactStates(tasks: readonly Task[]): Task[] {
  return withFormatState(tasks, stateLinesOf);
}

function stateLinesOf(format: string): readonly string[] | undefined {
  return formatDefinition(format)?.stateLines;
}
