// What a producer does with a matching line when the run asks for more than the default (clients by address):
// group by other fields (`--by`), keep instants for `--window`. It is a LineScanner whose `countMatch` does
// more, so both the JS scanner and the WebAssembly kernel (which calls countMatch for each matching line) feed
// it; the default run never builds one, so none of this costs it anything.

import type { LineFormat } from '../formats/fields.js';
import { EventLists, type EventsPartial } from './events.js';
import { partialTransferList, type GroupTable, type Partial } from './groups.js';
import { KeyMaker, type KeyField } from './keys.js';
import { LineScanner } from './scan.js';

/** The analysis of a run beyond the default, as plain data (it travels to the workers as workerData). */
export interface AnalysisSpec {
  readonly by: readonly KeyField[];
  readonly keepQuery: boolean;
  /** Window length in seconds; 0 for no window. */
  readonly windowSeconds: number;
}

/** A producer's partial with what the analysis keeps beyond counts. */
export interface AnalysisPartial extends Partial {
  /** With a window: the instants of the partial's groups, by row. */
  readonly events?: EventsPartial;
}

/**
 * What a producer's analysis keeps beyond its table's counts, by the table's rows. One per producer, shared by
 * its scanners (one per format met), like the table.
 */
export class AnalysisState {
  readonly events: EventLists | undefined;

  constructor(readonly spec: AnalysisSpec) {
    this.events = spec.windowSeconds > 0 ? new EventLists() : undefined;
  }

  /** The table's groups as a partial, with their extras; leaves both empty. */
  takePartial(table: GroupTable): AnalysisPartial {
    const rows = table.size;
    const events = this.events?.take(rows);
    const partial = table.takePartial();
    return events ? { ...partial, events } : partial;
  }
}

export class AnalysisScanner extends LineScanner {
  private readonly keys: KeyMaker;
  private readonly events: EventLists | undefined;

  constructor(format: LineFormat, columnOfStatus: Int16Array, table: GroupTable, state: AnalysisState) {
    super(format, columnOfStatus, table);
    this.keys = new KeyMaker(format, state.spec.by, state.spec.keepQuery);
    this.events = state.events;
  }

  /** Whether matching lines need every field `format.parse` finds (the kernel then re-parses them in JS). */
  get needsFullParse(): boolean {
    return this.keys.needsDetails;
  }

  override countMatch(buf: Buffer, start: number, end: number, column: number): void {
    const fields = this.fields;
    const keys = this.keys;
    if (keys.needsDetails) this.format.parseDetails(buf, start, end, fields);
    keys.make(buf, fields);
    const row = this.table.rowOf(keys.keyBuf, keys.keyStart, keys.keyEnd);
    this.table.addAt(row, column, fields.stamp);
    this.events?.push(row, fields.stamp);
  }
}

/** The buffers of a partial that can move to the main thread instead of being copied. */
export function analysisTransferList(partial: AnalysisPartial): ArrayBuffer[] {
  const buffers = partialTransferList(partial);
  if (partial.events) buffers.push(partial.events.offsets.buffer as ArrayBuffer, partial.events.stamps.buffer as ArrayBuffer);
  return buffers;
}
