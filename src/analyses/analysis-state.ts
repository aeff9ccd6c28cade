// What a producer's analysis keeps beyond its table's counts when the run asks for more than the default
// (`--window` instants, a time span's undecided entries, the client filter), and how it hands them over with
// the table's groups as one partial (tables/partial.ts).

import { parseAddressBlock } from '../options/address-blocks.js';
import type { AnalysisSpec } from '../options/run-spec.js';
import { EventLists } from '../tables/event-lists.js';
import type { GroupTable } from '../tables/group-table.js';
import type { ScanPartial } from '../tables/partial.js';
import { ClientFilter } from './client-filter.js';
import { Deferred } from './deferred.js';
import { TimeSpan } from './time-span.js';

/**
 * What a producer's analysis keeps beyond its table's counts, by the table's rows. One per producer, shared by
 * its scanners (one per format met), like the table.
 */
export class AnalysisState {
  readonly events: EventLists | undefined;
  readonly span: TimeSpan | undefined;
  readonly deferred: Deferred | undefined;
  readonly clients: ClientFilter | undefined;

  constructor(
    readonly spec: AnalysisSpec,
    readonly table: GroupTable,
  ) {
    this.events = spec.windowSeconds > 0 ? new EventLists() : undefined;
    this.span = spec.span && new TimeSpan(spec.span);
    this.deferred = this.span?.relative ? new Deferred(spec.settleEntries) : undefined;
    this.clients =
      spec.includeIp.length + spec.excludeIp.length > 0
        ? new ClientFilter(
            spec.includeIp.map((b) => parseAddressBlock(b, '--include-ip')),
            spec.excludeIp.map((b) => parseAddressBlock(b, '--exclude-ip')),
          )
        : undefined;
  }

  /** The task being read (with folded windows, partials are tagged with it). */
  private task = { input: 0, start: 0 };

  beginTask(input: number, start: number): void {
    this.task = { input, start };
  }

  /** Whether there is anything to hand over even with an empty table (folded windows: the end of a task). */
  get pending(): boolean {
    if (this.spec.foldWindows) return true;
    return this.deferred !== undefined && (this.deferred.size > 0 || this.span!.newest > Number.NEGATIVE_INFINITY);
  }

  /** A partial counted elsewhere (the kernel's own table, keyed by it), tagged with the task as takePartial tags its own. */
  tagged(partial: ScanPartial): ScanPartial {
    return this.spec.foldWindows ? { ...partial, task: { ...this.task, final: false } } : partial;
  }

  /** The table's groups as a partial, with their extras; leaves all of them empty. `final`: the task is done. */
  takePartial(final = false): ScanPartial {
    const table = this.table;
    const rows = table.size;
    const events = this.events?.take(rows);
    const partial: ScanPartial = table.takePartial();
    return {
      ...partial,
      ...(events ? { events } : {}),
      ...(this.deferred ? { newest: this.span!.newest, deferred: this.deferred.take() } : {}),
      ...(this.spec.foldWindows ? { task: { ...this.task, final } } : {}),
    };
  }
}

