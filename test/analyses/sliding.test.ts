// Folded windows: a tracker fed in file order gives each group's exact peak window while holding only the last
// window (plus the slack) of instants, and says so when an instant came too late to be placed exactly.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { WindowTracker } from '../../src/analyses/sliding.js';
import { packStamp } from '../../src/base/time.js';
import { peakWindow } from '../../src/analyses/window.js';

interface Event {
  readonly row: number;
  readonly second: number;
  readonly offset: number;
}

/**
 * Feeds events in the given order, cut into tasks of `batch` (a batch holds one row's instants of one task), each
 * task's end told (taskDone) unless `untold`.
 */
function track(events: readonly Event[], w: number, slack: number, batch: number, untold = false): { tracker: WindowTracker; maxHeld: number } {
  const tracker = new WindowTracker(w, slack);
  let maxHeld = 0;
  for (let i = 0; i < events.length; i += batch) {
    const task = events.slice(i, i + batch);
    for (const row of new Set(task.map((e) => e.row))) {
      const stamps = Float64Array.from(task.filter((e) => e.row === row).map((e) => packStamp(e.second, e.offset)));
      tracker.add(row, stamps, 0, stamps.length);
      maxHeld = Math.max(maxHeld, tracker.held);
    }
    if (!untold) tracker.taskDone();
  }
  return { tracker, maxHeld };
}

function expectedPeaks(events: readonly Event[], rows: number, w: number): Array<{ count: number; start: number }> {
  return Array.from({ length: rows }, (_, row) => {
    const mine = Float64Array.from(events.filter((e) => e.row === row).map((e) => packStamp(e.second, e.offset)));
    const peak = peakWindow(mine, w);
    return { count: peak.count, start: peak.start };
  });
}

const eventLists = (maxLateness: number, maxSecond = 3000) =>
  fc
    .array(fc.record({ row: fc.integer({ min: 0, max: 3 }), second: fc.integer({ min: 0, max: maxSecond }), offset: fc.constantFrom(0, 60), late: fc.nat(maxLateness) }), {
      maxLength: 300,
    })
    // File order: by when the line was written, `late` seconds after its instant.
    .map((list) => [...list].sort((a, b) => a.second + a.late - (b.second + b.late)));

describe('WindowTracker', () => {
  it('gives the exact peak of every group whenever it does not fail, told where tasks end or not (property)', () => {
    fc.assert(
      fc.property(eventLists(500), fc.integer({ min: 1, max: 400 }), fc.constantFrom(0, 1, 10, 100, 600), fc.integer({ min: 1, max: 50 }), fc.boolean(), (events, w, slack, batch, untold) => {
        const { tracker } = track(events, w, slack, batch, untold);
        const peaks = tracker.finish(4);
        if (!peaks) return;
        const expected = expectedPeaks(events, 4, w);
        for (let row = 0; row < 4; row++) {
          assert.equal(peaks.count[row], expected[row].count, `row ${row} count`);
          if (expected[row].count > 0) assert.equal(peaks.start[row], expected[row].start, `row ${row} start`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never fails while lines are late by at most the slack, and then holds about one window and the slack', () => {
    fc.assert(
      fc.property(fc.oneof(eventLists(20), eventLists(20, 300)), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 20 }), (events, w, batch) => {
        const slack = 20;
        const { tracker, maxHeld } = track(events, w, slack, batch);
        assert.ok(tracker.finish(4), 'no failure');
        // Held: per row the instants within w + slack + lateness of its newest, plus one batch.
        const span = w + slack + 20;
        let bound = batch;
        for (let row = 0; row < 4; row++) {
          const seconds = events.filter((e) => e.row === row).map((e) => e.second);
          let most = 0;
          for (const s of seconds) most = Math.max(most, seconds.filter((t) => t > s - span && t <= s).length);
          bound += most;
        }
        assert.ok(maxHeld <= bound, `held ${maxHeld} <= ${bound}`);
      }),
      { numRuns: 300 },
    );
  });

  it('holds a bounded number of instants on a long log in time order', () => {
    const events: Event[] = [];
    for (let s = 0; s < 100_000; s++) events.push({ row: s % 7, second: s, offset: 0 });
    const { tracker, maxHeld } = track(events, 60, 30, 1000);
    assert.ok(maxHeld < 1000 + 7 * 100, `held at most ${maxHeld}`);
    const peaks = tracker.finish(7)!;
    assert.deepEqual(Array.from(peaks.count), Array(7).fill(9)); // 60 seconds, one line in 7 per row: 9 or 8
  });

  it('holds only the last window and the slack of instants, over all groups, when told where tasks end', () => {
    // Each group seen once or twice, as most are with keys of several fields: without taskDone, every group
    // would keep its last instant to the end.
    const events: Event[] = [];
    for (let s = 0; s < 20_000; s++) events.push({ row: s % 5000, second: s, offset: 0 });
    const { tracker, maxHeld } = track(events, 60, 30, 100);
    assert.ok(maxHeld <= 100 + 60 + 30 + 100, `held at most ${maxHeld}`);
    const peaks = tracker.finish(5000)!;
    assert.deepEqual([...new Set(peaks.count)], [1]);
    assert.equal(track(events, 60, 30, 100, true).tracker.held, 5000);
  });

  it('fails when an instant comes later than the slack allows, and only then', () => {
    const stamp = (s: number): Float64Array => Float64Array.of(packStamp(s, 0));
    const tracker = new WindowTracker(10, 5);
    tracker.add(0, stamp(100), 0, 1);
    tracker.add(0, stamp(200), 0, 1); // drops 100 (its window ended long before 200 - 5)
    tracker.add(0, stamp(196), 0, 1); // late by 4: fine
    assert.equal(tracker.failed, false);
    tracker.add(0, stamp(109), 0, 1); // in the dropped window of 100
    assert.equal(tracker.failed, true);
    assert.equal(tracker.finish(1), undefined);

    // Late by 6 seconds with a slack of 20: 105 is still held when 110 comes, so its window counts it.
    const slack = new WindowTracker(10, 20);
    for (const s of [105, 116, 110]) slack.add(0, stamp(s), 0, 1);
    assert.equal(slack.failed, false);
    assert.deepEqual(Array.from(slack.finish(1)!.count), [2]);

    const edge = new WindowTracker(10, 0);
    edge.add(0, stamp(100), 0, 1);
    edge.add(0, stamp(120), 0, 1); // drops 100
    edge.add(0, stamp(110), 0, 1); // exactly one window after 100: in no window with it
    assert.equal(edge.failed, false);
    assert.deepEqual(Array.from(edge.finish(1)!.count), [1]); // 100, 110 and 120 each alone in their window
  });
});
