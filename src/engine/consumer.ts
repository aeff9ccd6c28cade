// The single consumer: takes partials off the queue as they come and merges them into one table (and, for a
// windowed run, the groups' instants into one set of lists).

import { EventLists } from './events.js';
import { GroupTable } from './groups.js';
import type { AnalysisPartial } from './record.js';

export interface Merged {
  readonly table: GroupTable;
  /** With a window: every matching instant of every group, by the table's rows. */
  readonly events?: EventLists;
}

export async function consumePartials(
  queue: AsyncIterable<AnalysisPartial>,
  columns: number,
  windowed = false,
): Promise<Merged> {
  const table = new GroupTable(columns, true); // wide counts: sums of many partials
  const events = windowed ? new EventLists() : undefined;
  for await (const partial of queue) {
    table.mergePartial(partial);
    if (events && partial.events) events.append(partial.events, rowsOf(table, partial));
  }
  return { table, events };
}

/** The merged table's row for each row of a partial already merged into it. */
function rowsOf(table: GroupTable, partial: AnalysisPartial): Int32Array {
  const { keyBytes, keyEnds } = partial;
  const rows = new Int32Array(keyEnds.length);
  for (let i = 0; i < rows.length; i++) rows[i] = table.rowOf(keyBytes, i === 0 ? 0 : keyEnds[i - 1], keyEnds[i]);
  return rows;
}
