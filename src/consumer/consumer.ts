// The single consumer: takes partials off the queue as they come and merges them into one table: in the default
// run (counts by client) the kernel's table (engine/kernel-table.ts), else a GroupTable. For a windowed
// run it also gathers the groups' instants: every one of them (events.ts), or, folding windows (sliding.ts),
// only the last window of each group, taking the tasks' instants in file order. For a relative time span it
// settles the entries producers could not decide, as the newest instant grows and finally once it is known.

import { Deferred, type SettleCounts } from '../analyses/deferred.js';
import { EventLists, type EventsPartial } from '../tables/event-lists.js';
import { GroupTable } from '../tables/group-table.js';
import { KernelMerger, type MergedKernelTable } from '../tables/kernel-table.js';
import { taskKey, type AnalysisPartial, type AnalysisSpec } from '../scan/analysis-scanner.js';
import { WindowTracker } from '../analyses/sliding.js';
import { TimeSpan } from '../options/span-spec.js';
import { mark } from '../base/trace.js';

export interface Merged {
  readonly table: GroupTable;
  /** With a window, unfolded: every matching instant of every group, by the table's rows. */
  readonly events?: EventLists;
  /** With a folded window: each group's peak window; undefined when the input was too far out of order. */
  readonly peaks?: { count: Float64Array; start: Float64Array };
  /** True when folding failed: the run must be done again without folding. */
  readonly foldFailed?: boolean;
  /** With a relative time span: what settling the producers' undecided entries added to the line counts. */
  readonly settled?: SettleCounts;
  /** When the kernel merged (counts only): its table, which ranks the groups and writes their CSV lines. */
  readonly kernelTable?: MergedKernelTable;
}

export interface ConsumeOptions {
  readonly columns: number;
  readonly analysis?: AnalysisSpec;
  /** With folded windows: every task's key (record.ts taskKey), in file order. */
  readonly taskOrder?: readonly string[];
  /** Merge counts-only partials with the WebAssembly kernel's table (engine/kernel.ts KernelMerger). */
  readonly kernel?: boolean;
}

export async function consumePartials(queue: AsyncIterable<AnalysisPartial>, options: ConsumeOptions): Promise<Merged> {
  const { columns, analysis } = options;
  const merger = !analysis && options.kernel ? KernelMerger.create(columns) : undefined;
  if (merger) {
    for await (const partial of queue) {
      merger.merge(partial);
      mark('partial merged');
    }
    return merger.finish();
  }
  const table = new GroupTable(columns);
  const windowed = analysis !== undefined && analysis.windowSeconds > 0;
  const folding = windowed && analysis.foldWindows;
  const events = windowed && !folding ? new EventLists() : undefined;
  const inOrder = folding ? new FileOrder(new WindowTracker(analysis.windowSeconds, analysis.windowSlack), options.taskOrder!) : undefined;
  const span = analysis?.span && new TimeSpan(analysis.span);
  const deferred = span?.relative ? new Deferred(analysis!.settleEntries) : undefined;
  const settled: SettleCounts = { matched: 0, outside: 0, excluded: 0 };
  const target = { table, events };
  for await (const partial of queue) {
    table.mergePartial(partial);
    mark('partial merged');
    if (events && partial.events) events.append(partial.events, rowsOf(table, partial.keyBytes, partial.keyEnds));
    if (inOrder && partial.task) {
      inOrder.put(taskKey(partial.task.input, partial.task.start), partial.task.final, {
        rows: rowsOf(table, partial.keyBytes, partial.keyEnds),
        events: partial.events,
      });
    }
    if (deferred && partial.deferred) {
      span!.see(partial.newest!);
      deferred.merge(partial.deferred);
      if (deferred.due) deferred.settle(span!, target, settled);
    }
  }
  if (inOrder) {
    const peaks = inOrder.finish(table.size);
    return peaks ? { table, peaks } : { table, foldFailed: true };
  }
  if (!deferred) return { table, events };
  span!.finish(span!.newest);
  deferred.settle(span!, target, settled);
  return { table, events, settled };
}

/** The merged table's row for each key of a partial already merged into it. */
function rowsOf(table: GroupTable, keyBytes: Uint8Array, keyEnds: Int32Array): Int32Array {
  const rows = new Int32Array(keyEnds.length);
  for (let i = 0; i < rows.length; i++) rows[i] = table.rowOf(keyBytes, i === 0 ? 0 : keyEnds[i - 1], keyEnds[i]);
  return rows;
}

interface TaskInstants {
  readonly rows: Int32Array;
  readonly events?: EventsPartial;
}

/**
 * Hands the tasks' instants to a tracker in file order, whatever order the producers finish them in: a task's
 * partials wait until every task before it is done. (Those waiting are compact instants of a few ranges.)
 */
class FileOrder {
  private readonly waiting = new Map<string, { parts: TaskInstants[]; done: boolean }>();
  private next = 0;

  constructor(
    private readonly tracker: WindowTracker,
    private readonly order: readonly string[],
  ) {}

  put(key: string, final: boolean, part: TaskInstants): void {
    let entry = this.waiting.get(key);
    if (!entry) this.waiting.set(key, (entry = { parts: [], done: false }));
    entry.parts.push(part);
    entry.done ||= final;
    this.drain();
  }

  /** The peaks; undefined when the tracker failed, or when a task never ended (the run failed: nothing to report). */
  finish(rows: number): { count: Float64Array; start: Float64Array } | undefined {
    this.drain();
    return this.next < this.order.length ? undefined : this.tracker.finish(rows);
  }

  private drain(): void {
    while (this.next < this.order.length) {
      const entry = this.waiting.get(this.order[this.next]);
      if (!entry) return;
      for (const part of entry.parts) this.track(part);
      entry.parts = [];
      if (!entry.done) return;
      this.waiting.delete(this.order[this.next]);
      this.next++;
    }
  }

  private track({ rows, events }: TaskInstants): void {
    if (!events) return;
    const { offsets, stamps } = events;
    for (let i = 0; i < rows.length; i++) this.tracker.add(rows[i], stamps, offsets[i], offsets[i + 1]);
  }
}
