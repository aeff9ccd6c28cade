// Folded windows need each group's instants in file order; producers finish tasks in any order. FileOrder
// holds a task's instants until every task before it is done, then hands them to the window tracker.

import type { EventsPartial } from '../tables/partial.js';
import { WindowTracker } from '../analyses/sliding.js';
import { release } from '../base/typed.js';
interface TaskInstants {
  readonly rows: Int32Array;
  readonly events?: EventsPartial;
}

/**
 * Hands the tasks' instants to a tracker in file order, whatever order the producers finish them in: a task's
 * partials wait until every task before it is done. (Those waiting are compact instants of a few ranges.)
 */
export class FileOrder {
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
      this.tracker.taskDone();
      this.waiting.delete(this.order[this.next]);
      this.next++;
    }
  }

  private track({ rows, events }: TaskInstants): void {
    if (!events) return;
    const { offsets, stamps } = events;
    this.tracker.addAll(rows, offsets, stamps);
    // The tracker copied what it keeps (see base/typed.ts release).
    release(offsets, stamps);
  }
}
