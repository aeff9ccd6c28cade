// The single consumer: takes partials off the queue as they come and merges them into one table.

import { GroupTable, type Partial } from './groups.js';

export async function consumePartials(queue: AsyncIterable<Partial>, columns: number): Promise<GroupTable> {
  const merged = new GroupTable(columns, true); // wide counts: sums of many partials
  for await (const partial of queue) merged.mergePartial(partial);
  return merged;
}
