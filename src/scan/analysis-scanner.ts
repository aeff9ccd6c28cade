// What a producer does with a parsed line when the run asks for more than the default (clients by address,
// whole input): keep only a span of time (`--since`/`--until`) and some clients (`--include-ip`/`--exclude-ip`),
// group by other fields (`--by`), keep instants for `--window`. It is a LineScanner whose `countMatch` does
// more, so both the JS scanner and the WebAssembly kernel (which calls countMatch for each matching line) feed
// it; the default run never builds one, so none of this costs it anything.
//
// Both scanners count a line as matched before countMatch; a line this scanner then leaves out is un-counted.
// With a time span, every parsed line must be seen (the summary counts entries of any status outside the
// span): the statuses that do not count are then mapped to one extra column, `others`, never stored.

import type { LineFormat } from '../formats/fields.js';
import { ClientFilter, parseAddressBlock } from '../options/address-blocks.js';
import { Deferred, deferredTransferList, type DeferredPartial } from '../analyses/deferred.js';
import { EventLists, type EventsPartial } from '../tables/event-lists.js';
import { partialTransferList, type GroupTable, type Partial } from '../tables/group-table.js';
import { KeyMaker, type KeyField } from '../options/key-fields.js';
import { LineScanner } from './line-scanner.js';
import { MAYBE, OUT, TimeSpan, type SpanSpec } from '../options/span-spec.js';

/** The analysis of a run beyond the default, as plain data (it travels to the workers in their configuration). */
export interface AnalysisSpec {
  readonly by: readonly KeyField[];
  readonly keepQuery: boolean;
  /** Window length in seconds; 0 for no window. */
  readonly windowSeconds: number;
  readonly span?: SpanSpec;
  /** Address blocks as given (checked before the run). */
  readonly includeIp: readonly string[];
  readonly excludeIp: readonly string[];
  /** See AnalyzeOptions.settleEntries. */
  readonly settleEntries: number;
  /**
   * The consumer folds windows as instants come (engine/sliding.ts): producers then hand over after every task,
   * each partial tagged with its task, so that the consumer can take the instants in file order.
   */
  readonly foldWindows: boolean;
  readonly windowSlack: number;
}

/** Which task a partial holds the instants of: input index and byte offset (0 for a stream); `final`: its last. */
export interface TaskTag {
  readonly input: number;
  readonly start: number;
  readonly final: boolean;
}

/** The order key of a task: tasks are taken input by input, and by offset within an input. */
export function taskKey(input: number, start: number): string {
  return `${input}:${start}`;
}

/** Whether a run must see every parsed line, not only those with a counted status. */
export function seesEveryLine(spec: AnalysisSpec | undefined): boolean {
  return spec?.span !== undefined;
}

/** A producer's partial with what the analysis keeps beyond counts. */
export interface AnalysisPartial extends Partial {
  /** With a window: the instants of the partial's groups, by row. */
  readonly events?: EventsPartial;
  /** With a relative time span: the producer's newest instant, and the entries it could not decide yet. */
  readonly newest?: number;
  readonly deferred?: DeferredPartial;
  /** With folded windows: the task whose instants these are. */
  readonly task?: TaskTag;
}

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

  /** The table's groups as a partial, with their extras; leaves all of them empty. `final`: the task is done. */
  takePartial(final = false): AnalysisPartial {
    const table = this.table;
    const rows = table.size;
    const events = this.events?.take(rows);
    const partial: AnalysisPartial = table.takePartial();
    return {
      ...partial,
      ...(events ? { events } : {}),
      ...(this.deferred ? { newest: this.span!.newest, deferred: this.deferred.take() } : {}),
      ...(this.spec.foldWindows ? { task: { ...this.task, final } } : {}),
    };
  }
}

export class AnalysisScanner extends LineScanner {
  private readonly keys: KeyMaker;

  /** `others`: the column statuses that do not count are mapped to (see the top of this file). */
  constructor(
    format: LineFormat,
    columnOfStatus: Int16Array,
    private readonly state: AnalysisState,
    private readonly others: number,
  ) {
    super(format, columnOfStatus, state.table);
    this.keys = new KeyMaker(format, state.spec.by, state.spec.keepQuery);
  }

  /** Whether matching lines need every field `format.parse` finds (the kernel then re-parses them in JS). */
  get needsFullParse(): boolean {
    return this.keys.needsDetails;
  }

  override countMatch(buf: Buffer, start: number, end: number, column: number): void {
    const { fields, stats, state } = this;
    const stamp = fields.stamp;
    let verdict = 1; // IN
    const span = state.span;
    if (span) {
      span.see(stamp);
      verdict = span.verdict(stamp);
      if (verdict === OUT) {
        stats.matched--;
        stats.outside++;
        return;
      }
    }
    if (column === this.others) {
      stats.matched--;
      if (verdict === MAYBE) state.deferred!.addOther(stamp);
      return;
    }
    if (state.clients && !state.clients.admits(buf, fields.clientStart, fields.clientEnd)) {
      stats.matched--;
      if (verdict === MAYBE) state.deferred!.addExcluded(stamp);
      else stats.excluded++;
      return;
    }
    const keys = this.keys;
    if (keys.needsDetails) this.format.parseDetails(buf, start, end, fields);
    keys.make(buf, fields);
    if (verdict === MAYBE) {
      stats.matched--;
      const deferred = state.deferred!;
      deferred.add(keys.keyBuf, keys.keyStart, keys.keyEnd, column, stamp);
      if (deferred.due) deferred.settle(span!, state, stats);
      return;
    }
    const row = this.table.rowOf(keys.keyBuf, keys.keyStart, keys.keyEnd);
    this.table.addAt(row, column, stamp);
    state.events?.push(row, stamp);
  }
}

/** The buffers of a partial that can move to the main thread instead of being copied. */
export function analysisTransferList(partial: AnalysisPartial): ArrayBuffer[] {
  const buffers = partialTransferList(partial);
  if (partial.events) buffers.push(partial.events.offsets.buffer as ArrayBuffer, partial.events.stamps.buffer as ArrayBuffer);
  if (partial.deferred) buffers.push(...deferredTransferList(partial.deferred));
  return buffers;
}
