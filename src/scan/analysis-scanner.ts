// What a producer does with a parsed line when the run asks for more than the default (clients by address,
// whole input): keep only a span of time (`--since`/`--until`) and some clients (`--include-ip`/`--exclude-ip`),
// group by other fields (`--by`), keep instants for `--window`. It is a LineScanner whose `countMatch` does
// more, so both the JS scanner and the WebAssembly kernel (which calls countMatch for each matching line) feed
// it; the default run never builds one, so none of this costs it anything. (An analysis of keys the CLF kernel
// makes itself, with no span or filter, is counted in the kernel's table: scan/kernel-scanner.ts kernelKeys.)
//
// Both scanners count a line as matched before countMatch; a line this scanner then leaves out is un-counted.
// With a time span, every parsed line must be seen (the summary counts entries of any status outside the
// span): the statuses that do not count are then mapped to one extra column, `others`, never stored.

import type { AnalysisState } from '../analyses/analysis-state.js';
import { KeyMaker } from '../analyses/key-maker.js';
import { MAYBE, OUT } from '../analyses/time-span.js';
import type { LineFormat } from '../formats/fields.js';
import { LineScanner } from './line-scanner.js';

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

  override get analysisState(): AnalysisState {
    return this.state;
  }

  override get othersColumn(): number {
    return this.others;
  }

  /** As countMatch does for each of `count` lines of the others column within one second (their verdict is one). */
  override countOthers(count: number, stamp: number): void {
    const { stats, state } = this;
    const span = state.span!;
    span.see(stamp);
    const verdict = span.verdict(stamp);
    stats.matched -= count;
    if (verdict === OUT) stats.outside += count;
    else if (verdict === MAYBE) state.deferred!.addOther(stamp, count);
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
    if (keys.needsDetails) this.format.parseDetails(buf, start, end, fields, keys.requestOnly);
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

