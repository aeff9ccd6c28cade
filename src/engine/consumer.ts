// The single consumer: takes partials off the queue as they come and merges them into one table (and, for a
// windowed run, the groups' instants into one set of lists; for a relative time span, the entries producers
// could not decide, settled as the newest instant grows and finally once it is known).

import { Deferred, type SettleCounts } from './deferred.js';
import { EventLists } from './events.js';
import { GroupTable } from './groups.js';
import type { AnalysisPartial, AnalysisSpec } from './record.js';
import { TimeSpan } from './span.js';

export interface Merged {
  readonly table: GroupTable;
  /** With a window: every matching instant of every group, by the table's rows. */
  readonly events?: EventLists;
  /** With a relative time span: what settling the producers' undecided entries added to the line counts. */
  readonly settled?: SettleCounts;
}

export async function consumePartials(
  queue: AsyncIterable<AnalysisPartial>,
  columns: number,
  analysis?: AnalysisSpec,
): Promise<Merged> {
  const table = new GroupTable(columns, true); // wide counts: sums of many partials
  const events = analysis && analysis.windowSeconds > 0 ? new EventLists() : undefined;
  const span = analysis?.span && new TimeSpan(analysis.span);
  const deferred = span?.relative ? new Deferred(analysis!.settleEntries) : undefined;
  const settled: SettleCounts = { matched: 0, outside: 0, excluded: 0 };
  const target = { table, events };
  for await (const partial of queue) {
    table.mergePartial(partial);
    if (events && partial.events) events.append(partial.events, rowsOf(table, partial.keyBytes, partial.keyEnds));
    if (deferred && partial.deferred) {
      span!.see(partial.newest!);
      deferred.merge(partial.deferred);
      if (deferred.due) deferred.settle(span!, target, settled);
    }
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
