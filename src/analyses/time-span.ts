// Deciding, entry by entry, whether an instant is in the span of `--since` / `--until` (options/span-spec.ts
// checks the bounds and says what they mean), including the entries a relative bound cannot decide yet: those
// are kept compactly (analyses/deferred.ts) and settled when the newest instant grows, or at the end.

import { OFFSET_SPAN } from '../base/time.js';
import type { SpanSpec } from '../options/span-spec.js';

export const OUT = 0;
export const IN = 1;
export const MAYBE = 2;
export type Verdict = typeof OUT | typeof IN | typeof MAYBE;

/**
 * Decides whether stamps (base/time.ts) are in the span, given the newest stamp seen so far. Bounds are
 * kept as stamps, so a decision is one or two comparisons (a stamp is seconds * OFFSET_SPAN + offset part).
 */
export class TimeSpan {
  readonly relative: boolean;
  /** Newest stamp seen (of any parsed entry). */
  newest = Number.NEGATIVE_INFINITY;
  /** stamp < outBelow or stamp >= outFrom: out. */
  private outBelow = Number.NEGATIVE_INFINITY;
  private outFrom = Number.POSITIVE_INFINITY;
  /** With a relative until: stamp >= maybeFrom may yet be out. */
  private maybeFrom = Number.POSITIVE_INFINITY;
  /** Whether the newest entry of the whole input is known (then nothing is MAYBE). */
  private final = false;

  constructor(readonly spec: SpanSpec) {
    this.relative = spec.sinceAgo !== undefined || spec.untilAgo !== undefined;
    this.update(Number.NEGATIVE_INFINITY, false);
  }

  /** Notes a parsed entry's stamp (for relative bounds). */
  see(stamp: number): void {
    if (stamp > this.newest) {
      this.newest = stamp;
      if (this.relative) this.update(stamp, false);
    }
  }

  /** Learns that the newest entry of the whole input is `stamp` (after every entry was seen): no more MAYBE. */
  finish(stamp: number): void {
    this.newest = Math.max(this.newest, stamp);
    this.update(this.newest, true);
  }

  /** True once the newest entry of the whole input is known: then every stamp not out is in. */
  get decided(): boolean {
    return this.final;
  }

  /** Stamps below this are out (and stay out as the newest grows): what a kernel keeping undecided entries drops. */
  get outBelowStamp(): number {
    return this.outBelow;
  }

  /** Stamps from this on are out (and stay out). */
  get outFromStamp(): number {
    return this.outFrom;
  }

  verdict(stamp: number): Verdict {
    if (stamp < this.outBelow || stamp >= this.outFrom) return OUT;
    if (this.spec.sinceAgo !== undefined && !this.final) return MAYBE;
    return stamp >= this.maybeFrom ? MAYBE : IN;
  }

  private update(newest: number, final: boolean): void {
    const { sinceAt, sinceAgo, untilAt, untilAgo } = this.spec;
    const newestSecond = Math.floor(newest / OFFSET_SPAN);
    const at = (second: number): number => second * OFFSET_SPAN;
    this.final = final;
    this.outBelow = sinceAt === undefined ? Number.NEGATIVE_INFINITY : at(sinceAt);
    if (sinceAgo !== undefined && newest > Number.NEGATIVE_INFINITY) {
      this.outBelow = Math.max(this.outBelow, at(newestSecond - sinceAgo));
    }
    this.outFrom = untilAt === undefined ? Number.POSITIVE_INFINITY : at(untilAt);
    this.maybeFrom = Number.POSITIVE_INFINITY;
    if (untilAgo !== undefined) {
      // Before the newest is known at all, every entry may be out.
      const bound = newest > Number.NEGATIVE_INFINITY ? at(newestSecond - untilAgo) : Number.NEGATIVE_INFINITY;
      if (final) this.outFrom = Math.min(this.outFrom, bound);
      else this.maybeFrom = bound;
    }
  }
}
