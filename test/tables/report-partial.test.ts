// Report partials (src/tables/report-partial.ts): the lines split among any number of producers' partials,
// merged in any order, give the same report as one producer that saw them all: the same buckets (summing to
// the lines), and top values equal while a group has no more distinct values than slots; beyond that, every
// count shown is an upper bound within its error, whatever the split. Partials also survive their encoding.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeReportPartial, encodeReportPartial } from '../../src/tables/report-codec.js';
import { ReportParts, TOP_SLOTS, type ReportPartial } from '../../src/tables/report-partial.js';

const LANES = 3;
const GROUPS = 5;
const OFFSET_SPAN = 2048; // base/time.ts: a stamp is second * 2048 + offset minutes + bias

interface Line {
  second: number;
  lane: number;
  /** Reported group, or -1 for a line of a group not reported. */
  row: number;
  path: string;
  agent: string;
}

const line = (values: readonly string[]): fc.Arbitrary<Line> =>
  fc.record({
    second: fc.oneof(fc.integer({ min: 1_700_000_000, max: 1_700_003_600 }), fc.integer({ min: 0, max: 3_000_000_000 })),
    lane: fc.nat(LANES - 1),
    row: fc.integer({ min: -1, max: GROUPS - 1 }),
    path: fc.constantFrom(...values),
    agent: fc.constantFrom(...values.slice(0, 4)),
  });

function gather(lines: readonly Line[]): ReportParts {
  const parts = new ReportParts(LANES, GROUPS, true);
  for (const l of lines) {
    const stamp = l.second * OFFSET_SPAN + 1024;
    parts.firstStamp = Math.min(parts.firstStamp, stamp);
    parts.lastStamp = Math.max(parts.lastStamp, stamp);
    parts.timeline.addStamp(stamp, l.lane);
    if (l.row < 0) continue;
    parts.groupSeries(l.row).addStamp(stamp, 0);
    const path = Buffer.from(l.path, 'latin1');
    const agent = Buffer.from(l.agent, 'latin1');
    parts.addPath(l.row, path, 0, path.length);
    parts.addAgent(l.row, agent, 0, agent.length);
  }
  return parts;
}

/** Cuts `lines` at `cuts` into pieces, gathers each, takes its partial (through its bytes when `encode`). */
function partials(lines: readonly Line[], cuts: readonly number[], encode: boolean): ReportPartial[] {
  const at = [...new Set(cuts.map((c) => c % (lines.length + 1)))].sort((a, b) => a - b);
  const pieces: Line[][] = [];
  let from = 0;
  for (const cut of [...at, lines.length]) {
    pieces.push(lines.slice(from, cut));
    from = cut;
  }
  return pieces.map((piece) => {
    const partial = gather(piece).take();
    return encode ? decodeReportPartial(encodeReportPartial(partial), { lanes: LANES, groupCount: GROUPS, tops: true }) : partial;
  });
}

function merged(all: readonly ReportPartial[], order: readonly number[]): ReportParts {
  const into = new ReportParts(LANES, GROUPS, true);
  const rest = [...all];
  for (const pick of order) if (rest.length > 0) into.merge(rest.splice(pick % rest.length, 1)[0]);
  for (const partial of rest) into.merge(partial);
  return into;
}

const few = ['/a', '/b', '/c', '/d', '/e', '/f', '/g', '/h', '/\xff\x00"><script>'];
const many = Array.from({ length: 40 }, (_, i) => `/p${i}`);

describe('report partials', () => {
  it('merge in any split and order into the report of one producer (exact top values while they fit)', () => {
    fc.assert(
      fc.property(fc.array(line(few), { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (lines, cuts, order, encode) => {
        const whole = gather(lines).data();
        const data = merged(partials(lines, cuts, encode), order).data();
        assert.deepEqual(data, whole);
        const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
        assert.equal(sum(data.timeline.counts.map(sum)), lines.length);
        for (let row = 0; row < GROUPS; row++) {
          assert.equal(sum(data.groups[row].timeline.counts[0] ?? []), lines.filter((l) => l.row === row).length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keep every count an upper bound within its error when a group has more distinct values than slots', () => {
    fc.assert(
      fc.property(fc.array(line(many), { maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (lines, cuts, order) => {
        const all = merged(partials(lines, cuts, true), order);
        const data = all.data();
        assert.deepEqual(data.timeline, gather(lines).data().timeline, 'buckets are exact whatever the split');
        for (let row = 0; row < GROUPS; row++) {
          const truth = new Map<string, number>();
          for (const l of lines) if (l.row === row) truth.set(l.path, (truth.get(l.path) ?? 0) + 1);
          for (const { value, count, error } of data.groups[row].topPaths ?? []) {
            const real = truth.get(value) ?? 0;
            assert.ok(count - error <= real && real <= count, `${value}: ${real} in [${count - error}, ${count}]`);
          }
          if (truth.size <= TOP_SLOTS) assert.ok((data.groups[row].topPaths ?? []).every((t) => t.error === 0 && t.count === truth.get(t.value)));
        }
      }),
      { numRuns: 200 },
    );
  });
});
