// Merging partials, as they come, into one table: in runs that keep only counts (the default run, or keys of
// several fields) and windowed runs without a time span the kernel's table (tables/kernel-table.ts), else a
// GroupTable. For a windowed run it also gathers the groups' instants: every
// one of them (tables/event-lists.ts), or, folding windows (analyses/sliding.ts), only the last window of each
// group, taking the tasks' instants in file order. For a relative time span it settles the entries producers
// could not decide, as the newest instant grows and finally once it is known.

import { Deferred, type SettleCounts } from '../analyses/deferred.js';
import { WindowTracker } from '../analyses/sliding.js';
import { TimeSpan } from '../analyses/time-span.js';
import { mark } from '../base/trace.js';
import { release } from '../base/typed.js';
import type { AnalysisSpec } from '../options/run-spec.js';
import { taskKey } from '../plan/tasks.js';
import { EventLists } from '../tables/event-lists.js';
import { GroupTable } from '../tables/group-table.js';
import { KernelMerger, type MergedKernelTable } from '../tables/kernel-table.js';
import type { ScanPartial } from '../tables/partial.js';
import { FileOrder } from './file-order.js';

/** Every partial of one read of the inputs, merged. */
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
  /** With a relative time span: the newest instant of the input (a stamp), which settled it. */
  readonly newest?: number;
  /** When the kernel merged (counts only): its table, which ranks the groups and writes their CSV, JSON and NDJSON rows. */
  readonly kernelTable?: MergedKernelTable;
}

export interface MergeOptions {
  /** Status columns of the partials. */
  readonly columns: number;
  readonly analysis?: AnalysisSpec;
  /** With folded windows: every task's key (plan/tasks.ts taskKey), in file order. */
  readonly taskOrder?: readonly string[];
  /** Merge counts-only partials with the WebAssembly kernel's table (tables/kernel-table.ts KernelMerger). */
  readonly kernel?: boolean;
}

/** Takes the partials of one read, in any order, and gives the merged groups at the end. */
export interface PartialMerger {
  merge(partial: ScanPartial): void;
  finish(): Merged;
}

export function createMerger(options: MergeOptions): PartialMerger {
  // Counts only (no window, no time span: keys of several fields, client filters, done by the producers): the
  // partials are merged, ranked and written as the default run's are.
  const { analysis } = options;
  const countsOnly = !analysis || (analysis.windowSeconds === 0 && analysis.span === undefined);
  return countsOnly && options.kernel ? new KernelPartialMerger(options) : new TablePartialMerger(options);
}

/** Merges every partial of `partials` (a queue) into one table. */
export async function consumePartials(partials: AsyncIterable<ScanPartial>, options: MergeOptions): Promise<Merged> {
  const merger = createMerger(options);
  for await (const partial of partials) merger.merge(partial);
  return merger.finish();
}

/**
 * The default run: counts only, merged by the kernel's compiled code; without a kernel (not built), by a
 * GroupTable. The kernel is made at the next turn of the event loop, not now: a run makes its merger before it
 * gives the producers their configuration, and compiling the kernel first (tens of ms) would hold them back.
 * (A run whose inputs were detected on this thread has compiled it already.)
 */
class KernelPartialMerger implements PartialMerger {
  private kernel: KernelMerger | undefined;
  private fallback: TablePartialMerger | undefined;

  constructor(private readonly options: MergeOptions) {
    setImmediate(() => this.start());
  }

  private start(): void {
    if (this.kernel || this.fallback) return;
    this.kernel = KernelMerger.create(this.options.columns, this.options.analysis?.by.length ?? 1);
    if (!this.kernel) this.fallback = new TablePartialMerger(this.options);
  }

  merge(partial: ScanPartial): void {
    this.start();
    if (this.fallback) return this.fallback.merge(partial);
    this.kernel!.merge(partial);
    // Copied into the kernel's memory: freed now, not at a garbage collection, which a heap of few objects
    // makes rare (a million groups came as about 150 MB of partials).
    release(partial.keyBytes, partial.keyEnds, partial.records, partial.slots);
    mark('partial merged');
  }

  finish(): Merged {
    this.start();
    return this.fallback ? this.fallback.finish() : this.kernel!.finish();
  }
}

/**
 * Any analysis: a GroupTable, with the instants and undecided entries the analysis keeps. A window without a
 * time span merges its groups with the kernel's table instead (KernelMerger, which gives each partial group's
 * row, as GroupTable.mergePartial does): on 1 GiB of `--by ip,path --window 10m`, 738k groups merged into 483k,
 * the JS table took 600-970 ms of the consumer's CPU, the kernel's 240-290 (its table holds 32-bit counts: 64
 * bytes a record, not the compact JS table's 40, for some 12 MB more at 483k groups). (A time span's undecided
 * entries are settled into a GroupTable: such runs keep one.)
 */
class TablePartialMerger implements PartialMerger {
  private table: GroupTable | undefined;
  private kernel: KernelMerger | undefined;
  /** The kernel's merger still to be made, at the first partial (see KernelPartialMerger: not before the producers start). */
  private kernelWanted: { columns: number; fields: number } | undefined;
  private readonly events: EventLists | undefined;
  private readonly inOrder: FileOrder | undefined;
  private readonly span: TimeSpan | undefined;
  private readonly deferred: Deferred | undefined;
  private readonly settled: SettleCounts = { matched: 0, outside: 0, excluded: 0 };

  constructor({ columns, analysis, taskOrder, kernel }: MergeOptions) {
    const windowed = analysis !== undefined && analysis.windowSeconds > 0;
    const kernelMerges = windowed && kernel === true && analysis.span === undefined;
    this.kernelWanted = kernelMerges ? { columns, fields: analysis.by.length } : undefined;
    // Compact: with an analysis, groups are often many and small (composite keys, a window's many groups).
    this.table = kernelMerges ? undefined : new GroupTable(columns, true);
    const folding = windowed && analysis.foldWindows;
    this.events = windowed && !folding ? new EventLists() : undefined;
    this.inOrder = folding ? new FileOrder(new WindowTracker(analysis.windowSeconds, analysis.windowSlack), taskOrder!) : undefined;
    this.span = analysis?.span && new TimeSpan(analysis.span);
    this.deferred = this.span?.relative ? new Deferred(analysis!.settleEntries) : undefined;
  }

  merge(partial: ScanPartial): void {
    const { events, inOrder, deferred, span } = this;
    // The analysis keeps instants by the table's rows: the merge says where each of the partial's groups went.
    const rows = events || inOrder ? new Int32Array(partial.keyEnds.length) : undefined;
    const kernel = this.kernelMerger();
    if (kernel) kernel.merge(partial, rows);
    else this.table!.mergePartial(partial, 0, rows);
    mark('partial merged');
    if (events && partial.events) events.append(partial.events, rows!);
    if (inOrder && partial.task) {
      inOrder.put(taskKey(partial.task.input, partial.task.start), partial.task.final, { rows: rows!, events: partial.events });
    }
    if (deferred && partial.deferred) {
      span!.see(partial.newest!);
      deferred.merge(partial.deferred);
      if (deferred.due) deferred.settle(span!, { table: this.table!, events }, this.settled);
    }
    // Everything was copied (folded windows' instants wait in file order, and go once tracked): the partial's
    // memory is freed now, not at a garbage collection that a heap of few objects makes rare.
    release(partial.keyBytes, partial.keyEnds, partial.records, partial.slots);
    if (events && partial.events) release(partial.events.offsets, partial.events.stamps);
    // (The undecided responses stay with the deferred entries until settled: they release them then.)
    const d = partial.deferred;
    if (d) release(d.others.seconds, d.others.counts, d.excluded.seconds, d.excluded.counts);
  }

  finish(): Merged {
    const { events, inOrder, deferred, span } = this;
    const table = this.kernelMerger()?.finishTable() ?? this.table!;
    if (inOrder) {
      const peaks = inOrder.finish(table.size);
      return peaks ? { table, peaks } : { table, foldFailed: true };
    }
    if (!deferred) return { table, events };
    span!.finish(span!.newest);
    deferred.settle(span!, { table, events }, this.settled);
    return { table, events, settled: this.settled, newest: span!.newest };
  }

  /** The kernel's merger, made at the first call; undefined when this run merges into a GroupTable. */
  private kernelMerger(): KernelMerger | undefined {
    const wanted = this.kernelWanted;
    if (wanted) {
      this.kernelWanted = undefined;
      this.kernel = KernelMerger.create(wanted.columns, wanted.fields);
      // No kernel (not built): the JS table.
      if (!this.kernel) this.table = new GroupTable(wanted.columns, true);
    }
    return this.kernel;
  }
}
